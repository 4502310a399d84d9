"""The people pages, for every role: who gets in, who is refused, and what they see."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from groundswell.core.models import Upload
from groundswell.people import imports
from groundswell.people.choices import Role
from groundswell.people.models import Person
from groundswell.people.tests.factories import PersonFactory, person_form

ALL_ROLES = ("agent", "team_lead", "manager", "executive", "admin", "outsider")
IMPORTERS = {"manager", "admin"}


def get(client_for, org, role, url, **extra):
    return client_for(org[role]).get(url, **extra)


# The directory -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_signed_in_sees_the_directory(role, org, client_for):
    response = get(client_for, org, role, reverse("people:person-list"))

    assert response.status_code == 200
    for person in org.values():
        assert person.full_name in response.text


@pytest.mark.parametrize(
    "name",
    [
        "people:person-list",
        "people:department-list",
        "people:import",
        "people:import-template",
    ],
)
def test_visitors_are_sent_to_sign_in(name, client, db):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_visitors_are_sent_to_sign_in_from_object_pages(client, org):
    agent = org["agent"]
    team = agent.team
    assert team is not None
    for url in [
        reverse("people:person-detail", args=[agent.pk]),
        reverse("people:person-edit", args=[agent.pk]),
        reverse("people:department-detail", args=[agent.department.slug]),
        reverse("people:team-detail", args=[team.slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))
    response = client.post(reverse("people:import-confirm"), {"upload": "x"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_search_narrows_the_directory(org, client_for):
    response = client_for(org["agent"]).get(reverse("people:person-list"), {"q": "beta"})

    assert "Ben Beta" in response.text
    assert "Otto Outsider" not in response.text
    assert "1 person found" in response.text


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"department": "billing"}, {"Otto Outsider"}),
        ({"team": "customer-service-beta"}, {"Ben Beta"}),
        ({"role": "manager"}, {"Mona Manager"}),
        ({"role": "agent", "department": "customer-service"}, {"Ada Agent", "Ben Beta"}),
        ({"department": "no-such-department", "q": "otto"}, {"Otto Outsider"}),
    ],
)
def test_filters_narrow_the_directory(filters, expected, org, client_for):
    response = client_for(org["agent"]).get(reverse("people:person-list"), filters)

    listed = {person.full_name for person in response.context["page"]}
    assert listed == expected


def test_htmx_search_gets_only_the_results(org, client_for):
    response = client_for(org["agent"]).get(
        reverse("people:person-list"), {"q": "ada"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Ada Agent" in response.text
    assert 'id="directory-count"' in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert response.headers["Vary"].count("HX-Request") == 1


def test_the_directory_pages_fifty_people_at_a_time(org, client_for, team_alpha):
    PersonFactory.create_batch(55, team=team_alpha)

    first = client_for(org["agent"]).get(reverse("people:person-list"))
    second = client_for(org["agent"]).get(reverse("people:person-list"), {"page": 2, "q": ""})

    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == Person.objects.count() - 50
    assert "Page 2 of 2" in second.text
    assert 'href="?page=1&amp;q="' in second.text


def test_the_directory_takes_a_bounded_number_of_queries(
    org, client_for, team_alpha, django_assert_max_num_queries
):
    PersonFactory.create_batch(80, team=team_alpha, is_champion=True)
    client = client_for(org["manager"])

    with django_assert_max_num_queries(10):
        response = client.get(reverse("people:person-list"), {"department": "customer-service"})

    assert response.status_code == 200


def test_the_directory_team_filter_offers_teams_by_slug_and_keeps_the_choice(
    org, client_for, team_alpha, team_beta
):
    """The team filter is written without a template per option (thousands of teams in a
    large organisation); it still offers every team by slug with its department and narrows."""
    PersonFactory.create(team=team_beta, full_name="Bea Beta")
    client = client_for(org["admin"])

    response = client.get(reverse("people:person-list"), {"team": team_alpha.slug})

    html = response.text
    department = team_alpha.department.name
    assert f'<option value="{team_alpha.slug}" selected>{team_alpha.name} ({department})' in html
    assert f'<option value="{team_beta.slug}">{team_beta.name} (' in html
    assert '<option value="">All teams</option>' in html
    assert "Bea Beta" not in html
    assert {person.team_id for person in response.context["page"]} == {team_alpha.pk}


def test_with_many_teams_the_directory_offers_a_chosen_departments_teams(
    org, client_for, team_alpha, team_beta, monkeypatch
):
    """Past TEAM_CHOICES_AT_MOST teams the filter lists the chosen department's teams only,
    so the page does not grow with the organisation; a team named in a link still works."""
    from groundswell.people import forms as people_forms

    monkeypatch.setattr(people_forms, "TEAM_CHOICES_AT_MOST", 1)
    client = client_for(org["admin"])
    url = reverse("people:person-list")

    none_chosen = client.get(url).text
    assert f'<option value="{team_alpha.slug}"' not in none_chosen
    chosen = client.get(url, {"department": team_alpha.department.slug}).text
    assert f'<option value="{team_alpha.slug}">' in chosen
    assert f'<option value="{team_beta.slug}">' in chosen
    linked = client.get(url, {"team": team_alpha.slug})
    assert f'<option value="{team_alpha.slug}" selected>' in linked.text
    assert {person.team_id for person in linked.context["page"]} == {team_alpha.pk}


def test_former_staff_are_listed_only_for_those_who_manage_them(org, client_for, team_alpha):
    PersonFactory.create(team=team_alpha, full_name="Fay Former", is_active=False)

    assert "Fay Former" not in get(client_for, org, "agent", reverse("people:person-list")).text
    assert "Fay Former" in get(client_for, org, "manager", reverse("people:person-list")).text


# Profiles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_sees_a_colleagues_profile(role, org, client_for):
    agent = org["agent"]
    buddy_of = PersonFactory.create(team=agent.team, full_name="Newt Hire", buddy=agent)

    response = get(client_for, org, role, reverse("people:person-detail", args=[agent.pk]))

    assert response.status_code == 200
    assert "Tara Lead" in response.text  # manager
    assert buddy_of.full_name in response.text  # buddy to
    edit_url = reverse("people:person-edit", args=[agent.pk])
    assert (edit_url in response.text) is (role in {"team_lead", "manager", "admin"})


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 404),
        ("team_lead", 404),
        ("manager", 404),
        ("executive", 404),
        ("admin", 200),
        ("outsider", 404),
    ],
)
def test_former_staff_of_another_department_are_hidden(role, status, org, client_for):
    former = PersonFactory.create(team=org["outsider"].team, is_active=False)

    response = get(client_for, org, role, reverse("people:person-detail", args=[former.pk]))

    assert response.status_code == status


def test_unknown_person_is_404(org, client_for):
    response = get(client_for, org, "admin", reverse("people:person-detail", args=[999_999]))

    assert response.status_code == 404


# Editing -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 403),
        ("team_lead", 200),
        ("manager", 200),
        ("executive", 403),
        ("admin", 200),
        ("outsider", 403),
    ],
)
def test_who_may_open_the_edit_page(role, status, org, client_for):
    url = reverse("people:person-edit", args=[org["agent"].pk])

    assert get(client_for, org, role, url).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [("team_lead", 403), ("manager", 403), ("admin", 200)],
)
def test_editing_someone_outside_your_scope_is_refused(role, status, org, client_for):
    url = reverse("people:person-edit", args=[org["outsider"].pk])

    assert get(client_for, org, role, url).status_code == status


def test_team_lead_cannot_edit_someone_in_another_team(org, client_for):
    client = client_for(org["team_lead"])
    url = reverse("people:person-edit", args=[org["other_agent"].pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"full_name": "Changed"}).status_code == 403
    assert Person.objects.get(pk=org["other_agent"].pk).full_name == "Ben Beta"


def test_editing_former_staff_you_cannot_see_is_404(org, client_for):
    former = PersonFactory.create(team=org["outsider"].team, is_active=False)

    response = get(client_for, org, "manager", reverse("people:person-edit", args=[former.pk]))

    assert response.status_code == 404


def test_team_lead_edits_someone_in_their_team(org, client_for):
    agent = org["agent"]
    url = reverse("people:person-edit", args=[agent.pk])

    response = client_for(org["team_lead"]).post(
        url,
        person_form(agent, job_title="Senior agent", is_champion="on", buddy=org["team_lead"].pk),
    )

    assert response.status_code == 302
    assert response.url == agent.get_absolute_url()
    agent.refresh_from_db()
    assert agent.job_title == "Senior agent"
    assert agent.is_champion
    assert agent.buddy == org["team_lead"]


def test_team_lead_cannot_move_someone_to_another_team(org, client_for, team_beta):
    agent = org["agent"]
    url = reverse("people:person-edit", args=[agent.pk])

    response = client_for(org["team_lead"]).post(url, person_form(agent, team=team_beta.pk))

    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    assert Person.objects.get(pk=agent.pk).team_id == agent.team_id


def test_manager_cannot_give_the_admin_role(org, client_for):
    agent = org["agent"]
    url = reverse("people:person-edit", args=[agent.pk])

    response = client_for(org["manager"]).post(url, person_form(agent, role=Role.ADMIN))

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert Person.objects.get(pk=agent.pk).role == Role.AGENT


def test_manager_may_make_someone_a_team_lead(org, client_for):
    agent = org["agent"]
    url = reverse("people:person-edit", args=[agent.pk])

    response = client_for(org["manager"]).post(url, person_form(agent, role=Role.TEAM_LEAD))

    assert response.status_code == 302
    assert Person.objects.get(pk=agent.pk).role == Role.TEAM_LEAD


def test_edit_form_offers_only_what_the_editor_may_assign(org, client_for):
    url = reverse("people:person-edit", args=[org["agent"].pk])

    manager_form = get(client_for, org, "manager", url).context["form"]
    lead_form = get(client_for, org, "team_lead", url).context["form"]
    admin_form = get(client_for, org, "admin", url).context["form"]

    assert [value for value, _label in manager_form.fields["role"].choices] == [
        "agent",
        "team_lead",
    ]
    assert {t.name for t in manager_form.fields["team"].queryset} == {"Alpha", "Beta"}
    assert "Otto Outsider" not in {p.full_name for p in manager_form.fields["buddy"].queryset}
    assert lead_form.fields["role"].disabled
    assert {t.name for t in lead_form.fields["team"].queryset} == {"Alpha"}
    assert {t.name for t in admin_form.fields["team"].queryset} == {"Alpha", "Beta", "Invoices"}
    assert len(admin_form.fields["role"].choices) == len(Role)
    assert "Ada Agent" not in {p.full_name for p in admin_form.fields["manager"].queryset}


def test_edit_errors_are_shown_against_their_fields(org, client_for):
    agent = org["agent"]
    url = reverse("people:person-edit", args=[agent.pk])

    response = client_for(org["admin"]).post(
        url, person_form(agent, email="BETA.agent@example.test", full_name="")
    )

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert set(errors) == {"email", "full_name"}
    assert "Someone else already has this email address." in response.text


def test_team_not_in_the_department_is_named_on_the_team_field(org, client_for, team_invoices):
    agent = org["agent"]
    url = reverse("people:person-edit", args=[agent.pk])

    response = client_for(org["admin"]).post(url, person_form(agent, team=team_invoices.pk))

    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    assert "is not in department" in response.text


# Departments and teams ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_sees_departments_and_teams(role, org, client_for, team_alpha):
    org["agent"].is_champion = True
    org["agent"].save(update_fields=["is_champion"])
    client = client_for(org[role])

    listing = client.get(reverse("people:department-list"))
    department = client.get(reverse("people:department-detail", args=["customer-service"]))
    team = client.get(reverse("people:team-detail", args=[team_alpha.slug]))

    assert listing.status_code == department.status_code == team.status_code == 200
    assert "Billing" in listing.text
    assert department.context["page"].people_count == 4
    assert [p.full_name for p in department.context["page"].champions] == ["Ada Agent"]
    assert {t.name for t in department.context["page"].teams} == {"Alpha", "Beta"}
    assert team.context["page"].team.lead == org["team_lead"]
    assert {p.full_name for p in team.context["page"].members} == {"Ada Agent", "Tara Lead"}


def test_team_page_lists_new_hires_with_their_buddy(org, client_for, team_alpha):
    hire = PersonFactory.create(
        team=team_alpha, hire_date=timezone.localdate(), buddy=org["agent"], full_name="Nell New"
    )

    response = get(client_for, org, "agent", reverse("people:team-detail", args=[team_alpha.slug]))

    assert response.context["page"].new_hires == [hire]
    assert "Nell New" in response.text


@pytest.mark.parametrize("name", ["people:department-detail", "people:team-detail"])
def test_unknown_department_or_team_is_404(name, org, client_for):
    assert get(client_for, org, "agent", reverse(name, args=["nowhere"])).status_code == 404


# Import ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name", ["people:import", "people:import-template"])
def test_only_managers_and_admins_open_the_import(name, role, org, client_for):
    response = get(client_for, org, role, reverse(name))

    assert response.status_code == (200 if role in IMPORTERS else 403)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_managers_and_admins_may_confirm_an_import(role, org, client_for):
    response = client_for(org[role]).post(reverse("people:import-confirm"), {"upload": "x"})

    assert response.status_code == (302 if role in IMPORTERS else 403)


def test_the_template_downloads_as_csv(org, client_for):
    response = get(client_for, org, "admin", reverse("people:import-template"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().startswith(",".join(imports.COLUMNS))


def upload(client, content, name="people.csv"):
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(reverse("people:import"), {"file": file})


GOOD = (
    b"full_name,email,role,department,team,manager_email\r\n"
    b"Nia New,nia@example.test,agent,Customer Service,Alpha,lee@example.test\r\n"
    b"Lee Lead,lee@example.test,team_lead,Customer Service,Beta,\r\n"
)


def test_upload_preview_and_confirm(org, client_for):
    client = client_for(org["manager"])

    preview = upload(client, GOOD)

    assert preview.status_code == 200
    assert "Import 2 people" in preview.text
    assert not Person.objects.filter(email="nia@example.test").exists()
    upload_id = preview.context["confirm"]["upload"].value()

    done = client.post(reverse("people:import-confirm"), {"upload": upload_id}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("people:person-list")
    assert "Imported 2 people." in done.text
    assert Person.objects.get(email="nia@example.test").manager == Person.objects.get(
        email="lee@example.test"
    )
    again = client.post(reverse("people:import-confirm"), {"upload": upload_id}, follow=True)
    assert "That preview has expired" in again.text


def test_a_bad_row_is_shown_and_nothing_can_be_confirmed(org, client_for):
    content = GOOD + b"Bo Bad,bo@example.test,agent,Billing,Invoices,\r\n"

    response = upload(client_for(org["manager"]), content)

    assert response.status_code == 200
    assert "Import 3 people" not in response.text
    assert "import-confirm" not in response.text
    assert "<strong>department</strong>: You may not import people into Billing" in response.text
    assert "2 new, 0 to update, 1 with errors." in response.text


def test_problems_with_the_file_are_shown(org, client_for):
    response = upload(client_for(org["admin"]), b"full_name,email,department\r\n")

    assert response.status_code == 200
    assert "<strong>role</strong>: The required column “role” is missing." in response.text


def test_an_upload_over_the_size_limit_is_refused(org, client_for):
    response = upload(client_for(org["admin"]), b"x" * (imports.MAX_FILE_BYTES + 1))

    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_confirm_checks_the_rows_again(org, client_for, team_invoices):
    client = client_for(org["manager"])
    upload_id = upload(client, GOOD).context["confirm"]["upload"].value()
    PersonFactory.create(email="nia@example.test", team=team_invoices)  # appears meanwhile

    response = client.post(reverse("people:import-confirm"), {"upload": upload_id})

    assert response.status_code == 200
    assert "outside the teams you manage" in response.text
    assert not Person.objects.filter(email="lee@example.test").exists()


def test_confirm_imports_only_the_file_that_was_previewed(org, client_for):
    client = client_for(org["admin"])
    first = upload(client, GOOD).context["confirm"]["upload"].value()
    other = GOOD.replace(b"Nia New", b"Nia Other")
    upload(client, other)

    response = client.post(reverse("people:import-confirm"), {"upload": first}, follow=True)

    assert "Imported 2 people." in response.text
    assert Person.objects.get(email="nia@example.test").full_name == "Nia New"


def test_only_the_uploader_may_confirm_an_upload(org, client_for):
    upload_id = upload(client_for(org["admin"]), GOOD).context["confirm"]["upload"].value()

    response = client_for(org["manager"]).post(
        reverse("people:import-confirm"), {"upload": upload_id}
    )

    assert response.status_code == 403
    assert not Person.objects.filter(email="nia@example.test").exists()
    assert Upload.objects.filter(pk=upload_id).exists()


def test_confirm_needs_a_post(org, client_for):
    response = get(client_for, org, "admin", reverse("people:import-confirm"))

    assert response.status_code == 405


def test_the_preview_shows_each_bad_rows_problems_before_its_cells(org, client_for):
    # Issue 12: the problems came last in a wide table, out of view; now they follow the status.
    content = GOOD + b"Bo Bad,bo@example.test,wizard,Customer Service,Alpha,\r\n"

    response = upload(client_for(org["admin"]), content)

    page = response.text
    header = page[page.index("<thead>") : page.index("</thead>")]
    assert header.index("Problems") < header.index("<code>full_name</code>")
    bad_row = page[page.index('<tr class="row-error">') :]
    bad_row = bad_row[: bad_row.index("</tr>")]
    assert bad_row.index("Unknown role “wizard”") < bad_row.index("bo@example.test")


def test_a_previews_problems_download_as_csv_for_its_uploader_only(org, client_for):
    content = GOOD + b"Bo Bad,bo@example.test,wizard,Customer Service,Alpha,\r\n"
    client = client_for(org["admin"])
    preview = upload(client, content)
    url = reverse("people:import-problems", args=[preview.context["upload_id"]])
    assert url in preview.text

    report = client.get(url)

    assert report["Content-Type"] == "text/csv; charset=utf-8"
    lines = report.content.decode().splitlines()
    assert lines[0] == "line,column,message"
    assert [line[: len("4,role,")] for line in lines[1:]] == ["4,role,"]
    assert client_for(org["manager"]).get(url).status_code == 403
