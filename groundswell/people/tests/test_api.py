"""The organisation endpoints under /api/v1, per role, per credential, per rule."""

import pytest
from django.test import Client

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team
from groundswell.people.tests.factories import PersonFactory

ALL_ROLES = ("agent", "team_lead", "manager", "executive", "admin", "outsider")
API = "/api/v1"


def call(client, method, url, data=None, **extra):
    if method in {"post", "patch"}:
        return getattr(client, method)(url, data or {}, content_type="application/json", **extra)
    return client.get(url, **extra)


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def errors_by_field(response):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"]
    return {error["field"]: error["message"] for error in body["errors"]}


@pytest.fixture
def endpoints(org, customer_service, team_alpha):
    """(method, url, payload) for every operation, aimed at Customer Service and team Alpha."""
    agent = org["agent"]
    return {
        "list departments": ("get", f"{API}/departments", None),
        "get department": ("get", f"{API}/departments/{customer_service.pk}", None),
        "create department": ("post", f"{API}/departments", {"name": "Sales"}),
        "update department": (
            "patch",
            f"{API}/departments/{customer_service.pk}",
            {"description": "Front line"},
        ),
        "list teams": ("get", f"{API}/teams", None),
        "get team": ("get", f"{API}/teams/{team_alpha.pk}", None),
        "create team": (
            "post",
            f"{API}/teams",
            {"department": customer_service.pk, "name": "Gamma"},
        ),
        "update team": ("patch", f"{API}/teams/{team_alpha.pk}", {"name": "Alpha Squad"}),
        "list people": ("get", f"{API}/people", None),
        "get person": ("get", f"{API}/people/{agent.pk}", None),
        "create person": (
            "post",
            f"{API}/people",
            {
                "full_name": "Nia New",
                "email": "nia@example.test",
                "department": customer_service.pk,
                "team": team_alpha.pk,
            },
        ),
        "update person": ("patch", f"{API}/people/{agent.pk}", {"job_title": "Senior agent"}),
    }


READS = (
    "list departments",
    "get department",
    "list teams",
    "get team",
    "list people",
    "get person",
)
# Who may do each write; everyone else gets 403. Team leads change their team's people but
# give no roles, so they cannot add anyone.
WRITERS = {
    "create department": {"admin"},
    "update department": {"admin"},
    "create team": {"manager", "admin"},
    "update team": {"manager", "admin"},
    "create person": {"manager", "admin"},
    "update person": {"team_lead", "manager", "admin"},
}
SUCCESS = {"post": 201, "patch": 200, "get": 200}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("operation", READS)
def test_every_role_reads_the_directory(operation, role, org, client_for, endpoints):
    method, url, _ = endpoints[operation]

    assert call(client_for(org[role]), method, url).status_code == 200


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("operation", WRITERS)
def test_writes_per_role(operation, role, org, client_for, endpoints):
    method, url, payload = endpoints[operation]
    before = (Department.objects.count(), Team.objects.count(), Person.objects.count())

    response = call(client_for(org[role]), method, url, payload)

    if role in WRITERS[operation]:
        assert response.status_code == SUCCESS[method], response.content
    else:
        assert response.status_code == 403, response.content
        assert set(response.json()) == {"detail", "errors"}
        assert (Department.objects.count(), Team.objects.count(), Person.objects.count()) == before


@pytest.mark.parametrize("operation", [*READS, *WRITERS])
def test_every_operation_needs_credentials(operation, endpoints):
    method, url, payload = endpoints[operation]

    response = call(Client(), method, url, payload)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("operation", [*READS, *WRITERS])
def test_read_key_reads_and_is_refused_writes(operation, admin, endpoints):
    secret = create_api_key(actor=admin, name="Reader", scope=ApiKeyScope.READ).secret
    method, url, payload = endpoints[operation]

    response = call(Client(), method, url, payload, headers=bearer(secret))

    assert response.status_code == (200 if method == "get" else 403)


@pytest.mark.parametrize("operation", WRITERS)
def test_read_write_key_writes_with_its_admins_rights(operation, admin, endpoints):
    secret = create_api_key(actor=admin, name="Writer", scope=ApiKeyScope.READ_WRITE).secret
    method, url, payload = endpoints[operation]

    response = call(Client(), method, url, payload, headers=bearer(secret))

    assert response.status_code == SUCCESS[method], response.content


# Scope: out of sight is 404, in sight but out of reach is 403.


@pytest.fixture
def former_beta_agent(org):
    person = org["other_agent"]
    person.is_active = False
    person.save(update_fields=["is_active"])
    return person


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 404),
        ("team_lead", 404),
        ("outsider", 404),
        ("executive", 404),
        ("manager", 200),
        ("admin", 200),
    ],
)
def test_former_staff_are_visible_only_to_those_who_manage_them(
    role, status, org, client_for, former_beta_agent
):
    client = client_for(org[role])

    assert client.get(f"{API}/people/{former_beta_agent.pk}").status_code == status
    listed = {item["id"] for item in client.get(f"{API}/people").json()["items"]}
    assert (former_beta_agent.pk in listed) == (status == 200)


def test_changing_someone_out_of_sight_is_404(team_lead, client_for, former_beta_agent):
    response = call(
        client_for(team_lead), "patch", f"{API}/people/{former_beta_agent.pk}", {"job_title": "X"}
    )

    assert response.status_code == 404


def test_team_lead_cannot_change_another_teams_member(team_lead, other_agent, client_for):
    response = call(
        client_for(team_lead), "patch", f"{API}/people/{other_agent.pk}", {"job_title": "X"}
    )

    assert response.status_code == 403
    other_agent.refresh_from_db()
    assert other_agent.job_title != "X"


def test_team_lead_cannot_move_their_agent_out_of_their_team(
    team_lead, agent, team_beta, client_for
):
    response = call(
        client_for(team_lead), "patch", f"{API}/people/{agent.pk}", {"team": team_beta.pk}
    )

    assert response.status_code == 403
    agent.refresh_from_db()
    assert agent.team_id != team_beta.pk


def test_manager_cannot_reach_another_department(manager, outsider, billing, client_for):
    client = client_for(manager)

    assert (
        call(client, "patch", f"{API}/people/{outsider.pk}", {"job_title": "X"}).status_code == 403
    )
    assert (
        call(
            client, "post", f"{API}/teams", {"department": billing.pk, "name": "Refunds"}
        ).status_code
        == 403
    )
    response = call(
        client,
        "post",
        f"{API}/people",
        {"full_name": "B", "email": "b@example.test", "department": billing.pk},
    )
    assert response.status_code == 403


def test_manager_cannot_make_an_admin(manager, agent, client_for):
    response = call(client_for(manager), "patch", f"{API}/people/{agent.pk}", {"role": "admin"})

    assert response.status_code == 403
    agent.refresh_from_db()
    assert agent.role == Role.AGENT


# Writes do what they say.


def test_create_person_stores_and_returns_them(manager, team_alpha, team_lead, client_for):
    response = call(
        client_for(manager),
        "post",
        f"{API}/people",
        {
            "full_name": "  Nia New ",
            "email": "Nia.New@Example.TEST",
            "role": "team_lead",
            "job_title": "Coach",
            "department": team_alpha.department_id,
            "team": team_alpha.pk,
            "manager": team_lead.pk,
            "is_champion": True,
            "hire_date": "2025-03-01",
        },
    )

    assert response.status_code == 201
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert person.full_name == "Nia New"
    assert person.email == body["email"] == "nia.new@example.test"
    assert person.role == Role.TEAM_LEAD
    assert (person.team, person.manager, person.is_champion) == (team_alpha, team_lead, True)
    assert body["team"] == team_alpha.pk
    assert body["manager"] == team_lead.pk
    assert body["has_login"] is False
    assert body["buddy"] is None


def test_patch_changes_only_what_is_sent(manager, agent, client_for):
    before = Person.objects.get(pk=agent.pk)

    response = call(
        client_for(manager),
        "patch",
        f"{API}/people/{agent.pk}",
        {"team": None, "is_champion": True},
    )

    assert response.status_code == 200
    agent.refresh_from_db()
    assert agent.team is None
    assert agent.is_champion is True
    assert (agent.full_name, agent.email, agent.role, agent.job_title) == (
        before.full_name,
        before.email,
        before.role,
        before.job_title,
    )
    assert response.json()["team"] is None


def test_create_and_update_department(admin, client_for):
    client = client_for(admin)

    created = call(client, "post", f"{API}/departments", {"name": "Sales", "description": "Deals"})
    department_id = created.json()["id"]
    updated = call(client, "patch", f"{API}/departments/{department_id}", {"name": "Sales EMEA"})

    assert created.status_code == 201
    assert created.json() | {"id": 0, "created_at": ""} == {
        "id": 0,
        "name": "Sales",
        "slug": "sales",
        "description": "Deals",
        "headcount": 0,
        "team_count": 0,
        "created_at": "",
    }
    assert updated.status_code == 200
    assert updated.json()["name"] == "Sales EMEA"
    assert Department.objects.get(pk=department_id).description == "Deals"


def test_create_and_update_team(manager, customer_service, team_lead, client_for):
    client = client_for(manager)

    created = call(
        client,
        "post",
        f"{API}/teams",
        {"department": customer_service.pk, "name": "Gamma", "lead": team_lead.pk},
    )
    team_id = created.json()["id"]
    updated = call(client, "patch", f"{API}/teams/{team_id}", {"lead": None, "name": "Gamma Two"})

    assert created.status_code == 201
    assert created.json()["lead"] == team_lead.pk
    assert created.json()["department"] == customer_service.pk
    assert updated.status_code == 200
    team = Team.objects.get(pk=team_id)
    assert (team.name, team.lead) == ("Gamma Two", None)
    assert created.json()["time_zone"] == ""

    moved = call(client, "patch", f"{API}/teams/{team_id}", {"time_zone": "Europe/Lisbon"})
    assert moved.status_code == 200
    assert moved.json()["time_zone"] == "Europe/Lisbon"
    wrong = call(client, "patch", f"{API}/teams/{team_id}", {"time_zone": "Europe/Atlantis"})
    assert wrong.status_code == 422
    assert "time_zone" in wrong.text
    assert Team.objects.get(pk=team_id).time_zone == "Europe/Lisbon"


# Invalid input: 422 naming the field.


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "AGENT@example.test"}, "email"),
        ({"role": "overlord"}, "role"),
        ({"full_name": "   "}, "full_name"),
        ({"full_name": "Null\x00Byte"}, "full_name"),
        ({"full_name": "Half \ud800 pair"}, "full_name"),
        ({"full_name": "x" * 151}, "full_name"),
        ({"department": 999_999}, "department"),
        ({"department": 0}, "department"),
        ({"team": "alpha"}, "team"),
        ({"manager": 999_999}, "manager"),
        ({"hire_date": "yesterday"}, "hire_date"),
        ({"is_champion": "perhaps"}, "is_champion"),
    ],
)
def test_invalid_new_person_is_422_naming_the_field(change, field, admin, agent, client_for):
    payload = {
        "full_name": "Nia New",
        "email": "nia@example.test",
        "department": agent.department_id,
    } | change

    response = call(client_for(admin), "post", f"{API}/people", payload)

    assert field in errors_by_field(response)
    assert not Person.objects.filter(full_name="Nia New").exists()


def test_team_from_another_department_is_422_on_team(admin, agent, team_invoices, client_for):
    response = call(
        client_for(admin), "patch", f"{API}/people/{agent.pk}", {"team": team_invoices.pk}
    )

    errors = errors_by_field(response)
    assert "Invoices" in errors["team"]
    agent.refresh_from_db()
    assert agent.team_id != team_invoices.pk


def test_missing_required_fields_are_each_named(admin, client_for):
    response = call(client_for(admin), "post", f"{API}/people", {})

    assert set(errors_by_field(response)) == {"full_name", "email", "department"}


@pytest.mark.parametrize("field", ["department", "full_name", "email", "role", "is_active"])
def test_patch_may_leave_out_but_not_null_required_fields(field, admin, agent, client_for):
    response = call(client_for(admin), "patch", f"{API}/people/{agent.pk}", {field: None})

    assert field in errors_by_field(response)


def test_duplicate_department_name_is_422_on_name(admin, customer_service, client_for):
    response = call(client_for(admin), "post", f"{API}/departments", {"name": "Customer Service"})

    assert "name" in errors_by_field(response)


def test_team_lead_from_another_department_is_422_on_lead(
    admin, customer_service, outsider, client_for
):
    response = call(
        client_for(admin),
        "post",
        f"{API}/teams",
        {"department": customer_service.pk, "name": "Gamma", "lead": outsider.pk},
    )

    assert "lead" in errors_by_field(response)


def test_duplicate_team_name_in_a_department_is_422(admin, team_alpha, client_for):
    response = call(
        client_for(admin),
        "post",
        f"{API}/teams",
        {"department": team_alpha.department_id, "name": "Alpha"},
    )

    assert errors_by_field(response)


@pytest.mark.parametrize(
    "query", ["role=overlord", "department=abc", "is_active=perhaps", "page=0", "team=-1"]
)
def test_invalid_filters_are_422(query, agent, client_for):
    response = client_for(agent).get(f"{API}/people?{query}")

    assert query.split("=")[0] in errors_by_field(response)


# Missing ids.


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "departments"),
        ("patch", "departments"),
        ("get", "teams"),
        ("patch", "teams"),
        ("get", "people"),
        ("patch", "people"),
    ],
)
def test_missing_ids_are_404(method, path, admin, client_for):
    response = call(client_for(admin), method, f"{API}/{path}/999999", {"name": "X"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}


# Lists: pagination, filters and a bounded number of queries.


def _more_people(department, team, count):
    Person.objects.bulk_create(
        Person(
            full_name=f"Extra {number:03}",
            email=f"extra{number}@example.test",
            department=department,
            team=team,
        )
        for number in range(count)
    )


def test_people_come_in_pages_of_50_up_to_200(admin, team_alpha, client_for):
    _more_people(team_alpha.department, team_alpha, 210)
    client = client_for(admin)
    total = Person.objects.count()

    first = client.get(f"{API}/people").json()
    big = client.get(f"{API}/people?page_size=500").json()
    second_big = client.get(f"{API}/people?page_size=500&page=2").json()
    small = client.get(f"{API}/people?page_size=3&page=2").json()
    beyond = client.get(f"{API}/people?page=1000").json()

    assert first["count"] == big["count"] == total
    assert len(first["items"]) == 50
    assert len(big["items"]) == 200
    assert len(second_big["items"]) == total - 200
    assert [item["id"] for item in small["items"]] == [item["id"] for item in first["items"][3:6]]
    assert beyond == {"items": [], "count": total}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"agent", "other_agent", "team_lead", "manager", "executive", "admin", "outsider"}),
        ("department={customer_service}", {"agent", "other_agent", "team_lead", "manager"}),
        ("team={team_alpha}", {"agent", "team_lead"}),
        ("role=agent", {"agent", "other_agent", "outsider"}),
        ("role=agent&department={customer_service}", {"agent", "other_agent"}),
        ("is_champion=true", {"other_agent"}),
        ("is_active=false", set()),
        ("q=ada agent@example", {"agent"}),
        ("q=ada", {"agent", "admin"}),
        ("q=OUTSIDER", {"outsider"}),
    ],
)
def test_people_filters(query, expected, org, admin, customer_service, team_alpha, client_for):
    champion = org["other_agent"]
    champion.is_champion = True
    champion.save(update_fields=["is_champion"])
    query = query.format(customer_service=customer_service.pk, team_alpha=team_alpha.pk)

    response = client_for(admin).get(f"{API}/people?{query}")

    ids = {item["id"] for item in response.json()["items"]}
    assert ids == {org[name].pk for name in expected}


def test_teams_filter_by_department(org, billing, client_for):
    response = client_for(org["agent"]).get(f"{API}/teams?department={billing.pk}")

    assert [team["name"] for team in response.json()["items"]] == ["Invoices"]


def test_team_and_department_lists_carry_headcounts(org, customer_service, client_for):
    client = client_for(org["agent"])

    departments = {d["name"]: d for d in client.get(f"{API}/departments").json()["items"]}
    teams = {t["name"]: t for t in client.get(f"{API}/teams").json()["items"]}

    assert departments["Customer Service"]["headcount"] == 4
    assert departments["Customer Service"]["team_count"] == 2
    assert teams["Alpha"]["headcount"] == 2
    assert teams["Alpha"]["lead"] == org["team_lead"].pk


@pytest.mark.parametrize("path", ["people", "teams", "departments"])
@pytest.mark.parametrize("credentials", ["session", "key"])
def test_list_queries_do_not_grow_with_the_list(
    path, credentials, admin, team_alpha, client_for, django_assert_max_num_queries
):
    if credentials == "session":
        client, headers = client_for(admin), {}
    else:
        secret = create_api_key(actor=admin, name="Reader", scope=ApiKeyScope.READ).secret
        client, headers = Client(), bearer(secret)
    for number in range(30):
        department = Department.objects.create(name=f"Extra {number}", slug=f"extra-{number}")
        team = Team.objects.create(department=department, name="Team", slug=f"extra-{number}-team")
        PersonFactory.create(team=team, department=department)

    # Session: session, user, person, count, page. Key: key, its last use, count, page.
    with django_assert_max_num_queries(5):
        response = client.get(f"{API}/{path}?page_size=200", headers=headers)

    assert response.status_code == 200
    assert len(response.json()["items"]) >= 30
