"""Recognition pages for every role: who gets in, who is refused, and what they see."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.recognition import services
from groundswell.recognition.models import Compliment, HeroNomination, Kudos, Value

ALL_ROLES = ("agent", "team_lead", "manager", "executive", "admin", "outsider")
PAGES = (
    "recognition:feed",
    "recognition:kudos-create",
    "recognition:compliment-list",
    "recognition:hero-list",
    "recognition:hero-create",
    "recognition:value-list",
    "recognition:preferences",
)


@pytest.mark.parametrize("name", [*PAGES, "recognition:moderation"])
def test_visitors_are_sent_to_sign_in(name, client, db):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_every_employee_opens_the_recognition_pages(name, role, org, client_for, respect):
    assert client_for(org[role]).get(reverse(name)).status_code == 200


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
def test_only_moderators_open_the_moderation_queue(role, status, org, client_for):
    assert client_for(org[role]).get(reverse("recognition:moderation")).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [("agent", 403), ("team_lead", 403), ("manager", 403), ("executive", 403), ("admin", 200)],
)
def test_only_admins_edit_values(role, status, org, client_for, respect):
    client = client_for(org[role])

    assert client.get(reverse("recognition:value-create")).status_code == status
    assert client.get(reverse("recognition:value-edit", args=[respect.pk])).status_code == status
    posted = client.post(
        reverse("recognition:value-edit", args=[respect.pk]),
        {"name": "Respect", "description": "Listen first.", "position": 0, "is_retired": "on"},
    )
    assert posted.status_code == (302 if status == 200 else 403)
    respect.refresh_from_db()
    assert respect.is_retired is (status == 200)


def form(recipient, value, **extra):
    return {
        "recipient": recipient.pk,
        "message": "Thanks for the help with the refund.",
        "values": [value.pk],
        "idempotency_key": str(uuid.uuid4()),
        **extra,
    }


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_gives_kudos_and_a_double_click_stores_one(role, org, client_for, respect):
    client = client_for(org[role])
    recipient = org["other_agent"]
    data = form(recipient, respect)

    first = client.post(reverse("recognition:kudos-create"), data)
    second = client.post(reverse("recognition:kudos-create"), data)

    assert first.status_code == second.status_code == 302
    assert Kudos.objects.filter(giver=org[role]).count() == 1
    assert first.url == second.url


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"values": []}, "Choose at least one value."),
        ({"recipient": "self"}, "You cannot recognise yourself"),
        ({"recipient": "gone"}, "no longer works here"),
        ({"values": "retired"}, "was retired and can no longer be chosen"),
    ],
)
def test_bad_kudos_are_explained_and_not_stored(change, message, org, client_for, respect, retired):
    giver = org["agent"]
    data = form(org["other_agent"], respect)
    if change.get("recipient") == "self":
        data["recipient"] = giver.pk
    elif change.get("recipient") == "gone":
        org["outsider"].is_active = False
        org["outsider"].save(update_fields=["is_active"])
        data["recipient"] = org["outsider"].pk
    elif change.get("values") == "retired":
        data["values"] = [retired.pk]
    else:
        data.update(change)

    response = client_for(giver).post(reverse("recognition:kudos-create"), data)

    assert response.status_code == 422
    assert message in response.text
    assert not Kudos.objects.exists()


def test_the_form_offers_current_values_and_active_colleagues_only(
    org, client_for, respect, retired
):
    org["outsider"].is_active = False
    org["outsider"].save(update_fields=["is_active"])

    page = client_for(org["agent"]).get(reverse("recognition:kudos-create")).text

    assert "Respect" in page
    assert "Old ways" not in page
    assert "Otto Outsider" not in page
    assert '<label for="id_message">Message' in page


def test_too_many_kudos_is_a_429_with_the_text_kept(org, client_for, respect, settings):
    settings.GROUNDSWELL_KUDOS_PER_HOUR = 1
    client = client_for(org["agent"])
    client.post(reverse("recognition:kudos-create"), form(org["other_agent"], respect))

    response = client.post(
        reverse("recognition:kudos-create"), form(org["other_agent"], respect, message="Again!")
    )

    assert response.status_code == 429
    assert "Again!" in response.text
    assert Kudos.objects.count() == 1


@pytest.mark.parametrize("role", ALL_ROLES)
def test_reading_a_private_kudos_per_role(role, org, client_for, give):
    kudos = give(org["other_agent"], recipient=org["agent"], is_private=True)

    response = client_for(org[role]).get(kudos.get_absolute_url())

    assert response.status_code == (200 if role in {"agent", "team_lead"} else 404)


def test_reacting_with_htmx_returns_the_reaction_bar(org, client_for, give):
    kudos = give(org["other_agent"], recipient=org["agent"])
    client = client_for(org["manager"])
    url = reverse("recognition:kudos-react", args=[kudos.pk])

    on = client.post(url, {"kind": "heart"}, HTTP_HX_REQUEST="true")
    off = client.post(url, {"kind": "heart"}, HTTP_HX_REQUEST="true")

    assert on.status_code == 200
    assert f'id="reactions-{kudos.pk}"' in on.text
    assert 'aria-pressed="true"' in on.text
    assert 'aria-pressed="true"' not in off.text
    assert "<html" not in on.text


def test_commenting_with_htmx_returns_the_thread(org, client_for, give):
    kudos = give(org["other_agent"], recipient=org["agent"])
    url = reverse("recognition:kudos-comment", args=[kudos.pk])

    response = client_for(org["executive"]).post(
        url, {"body": "Well deserved"}, HTTP_HX_REQUEST="true"
    )
    empty = client_for(org["executive"]).post(url, {"body": ""}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Well deserved" in response.text
    assert empty.status_code == 422
    assert kudos.comments.count() == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 403),
        ("team_lead", 302),
        ("manager", 302),
        ("executive", 403),
        ("admin", 302),
        ("outsider", 403),
    ],
)
def test_hiding_a_kudos_from_its_page_per_role(role, status, org, client_for, give):
    kudos = give(org["other_agent"], recipient=org["agent"])

    response = client_for(org[role]).post(
        reverse("recognition:kudos-moderate", args=[kudos.pk]),
        {"decision": "hide", "reason": "Unkind"},
    )

    assert response.status_code == status
    kudos.refresh_from_db()
    assert kudos.is_hidden is (status == 302)


def test_a_lead_of_another_team_cannot_hide(org, client_for, give):
    kudos = give(org["agent"], recipient=org["outsider"])
    response = client_for(org["team_lead"]).post(
        reverse("recognition:kudos-moderate", args=[kudos.pk]),
        {"decision": "hide", "reason": "Unkind"},
    )

    assert response.status_code == 403


def test_reporting_from_the_page(org, client_for, give):
    kudos = give(org["other_agent"], recipient=org["agent"])
    client = client_for(org["outsider"])
    url = reverse("recognition:kudos-report", args=[kudos.pk])

    assert client.post(url, {"reason": "Too personal"}).status_code == 302
    again = client.post(url, {"reason": "Still"})
    assert again.status_code == 422
    assert "already reported" in again.text


@pytest.fixture
def pending_compliment(org, django_capture_on_commit_callbacks):
    from groundswell.recognition.tests.test_compliments_and_heroes import answer

    response = answer(org["agent"], org["agent"].team, django_capture_on_commit_callbacks)
    return Compliment.objects.get(response=response)


@pytest.mark.parametrize(
    ("role", "read", "review"),
    [
        ("agent", 200, 403),
        ("team_lead", 200, 302),
        ("manager", 200, 302),
        ("executive", 404, 403),
        ("admin", 200, 302),
        ("outsider", 404, 403),
    ],
)
def test_a_compliment_per_role(role, read, review, org, client_for, pending_compliment, respect):
    client = client_for(org[role])

    page = client.get(pending_compliment.get_absolute_url())
    reviewed = client.post(
        reverse("recognition:compliment-review", args=[pending_compliment.pk]),
        {"decision": "approve", "values": [respect.pk]},
    )

    assert page.status_code == read
    assert reviewed.status_code == review
    if read == 200:
        assert "M. L. G." in page.text
        assert "Maria" not in page.text
    pending_compliment.refresh_from_db()
    assert (pending_compliment.status == "approved") is (review == 302)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 403),  # roles without the right are turned away before any lookup
        ("team_lead", 302),
        ("manager", 302),
        ("executive", 403),
        ("admin", 302),
        ("outsider", 403),
    ],
)
def test_deciding_a_hero_per_role(role, status, org, client_for, respect):
    hero = services.nominate_hero(
        actor=org["other_agent"], nominee=org["agent"], story="Saved the day.", values=[respect]
    )

    response = client_for(org[role]).post(
        reverse("recognition:hero-decide", args=[hero.pk]), {"decision": "approve"}
    )
    page = client_for(org[role]).get(hero.get_absolute_url())

    assert response.status_code == status
    # Still pending for the refused: hidden from its nominee and from everyone but deciders.
    assert page.status_code == (200 if status == 302 else 404)
    hero.refresh_from_db()
    assert (hero.status == "approved") is (status == 302)


def test_nominating_a_hero_from_the_page(org, client_for, respect):
    data = {
        "nominee": org["agent"].pk,
        "story": "Drove a replacement router to the customer.",
        "values": [respect.pk],
        "idempotency_key": str(uuid.uuid4()),
    }
    client = client_for(org["outsider"])

    assert client.post(reverse("recognition:hero-create"), data).status_code == 302
    assert client.post(reverse("recognition:hero-create"), data).status_code == 302
    empty = client.post(
        reverse("recognition:hero-create"),
        {**data, "story": "", "idempotency_key": str(uuid.uuid4())},
    )

    assert HeroNomination.objects.count() == 1
    assert empty.status_code == 422
    assert "Tell the story" in empty.text


def test_choosing_hero_of_the_month_from_the_page(org, client_for, respect):
    this_month = timezone.localdate().strftime("%Y-%m")
    hero = services.nominate_hero(
        actor=org["other_agent"], nominee=org["agent"], story="Saved the day.", values=[respect]
    )
    services.decide_hero(actor=org["team_lead"], nomination=hero, approve=True)

    response = client_for(org["team_lead"]).post(
        reverse("recognition:hero-month", args=[hero.pk]), {"place": "team", "month": this_month}
    )
    refused = client_for(org["agent"]).post(
        reverse("recognition:hero-month", args=[hero.pk]), {"place": "team", "month": this_month}
    )

    assert response.status_code == 302
    assert refused.status_code == 403
    assert hero.months.get().month.isoformat() == f"{this_month}-01"
    listed = client_for(org["outsider"]).get(reverse("recognition:hero-list"))
    assert listed.status_code == 200
    assert "Alpha:" in listed.text


def test_opting_out_from_the_preferences_page(org, client_for, give):
    kudos = give(org["other_agent"], recipient=org["agent"])

    client_for(org["agent"]).post(reverse("recognition:preferences"), {"hide_from_feed": "on"})
    feed = client_for(org["outsider"]).get(reverse("recognition:feed")).text

    assert kudos.message not in feed


def test_the_feed_takes_a_bounded_number_of_queries(
    org, client_for, give, respect, django_assert_max_num_queries
):
    client = client_for(org["manager"])
    people = [org["agent"], org["other_agent"], org["team_lead"], org["outsider"]]
    extra = Value.objects.create(name="Trust", slug="trust", description="Honest.")
    for number in range(20):
        kudos = give(
            org["executive"],
            recipient=people[number % 4],
            values=[respect, extra],
            message=f"K{number}",
        )
        services.react(actor=org["admin"], kudos=kudos, kind="heart")
        services.comment_on(actor=org["agent"], kudos=kudos, body="Yes!")

    with django_assert_max_num_queries(14):
        response = client.get(reverse("recognition:feed"))

    assert response.status_code == 200
    assert response.text.count('class="card kudos"') == 20
