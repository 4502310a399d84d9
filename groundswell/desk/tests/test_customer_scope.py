"""Who sees and changes which customer: the teams that served them, and the people above them.

A customer of team Alpha (an interaction handled there) against every role, through the API
(list, search, detail, create, change) and the desk's pages (recording an interaction adds or
finds the customer). Out of scope answers 404; in view but without the right answers 403.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from groundswell.desk import selectors, services
from groundswell.desk.models import Customer
from groundswell.desk.tests.factories import CustomerFactory, InteractionFactory
from groundswell.people.permissions import Action

API = "/api/v1"
SEES_ALPHA = {
    "agent": 200,
    "team_lead": 200,
    "manager": 200,
    "executive": 200,
    "admin": 200,
    "other_agent": 404,
    "outsider": 404,
}
CHANGES_ALPHA = {**SEES_ALPHA, "executive": 403}


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


@pytest.fixture
def customers(org, team_alpha, team_invoices):
    """A customer served by Alpha, one served by Invoices, and one nobody served yet."""
    alpha = CustomerFactory.create(name="Alma Alpha", email="alma@example.test")
    InteractionFactory.create(team=team_alpha, customer=alpha, handled_by=org["agent"])
    invoices = CustomerFactory.create(name="Ivo Invoices", email="ivo@example.test")
    InteractionFactory.create(team=team_invoices, customer=invoices)
    lonely = CustomerFactory.create(name="Nora Nobody", email="nora@example.test")
    return {"alpha": alpha, "invoices": invoices, "lonely": lonely}


LISTS = {
    "agent": {"Alma Alpha"},
    "team_lead": {"Alma Alpha"},
    "other_agent": set(),
    "manager": {"Alma Alpha"},
    "executive": {"Alma Alpha", "Ivo Invoices", "Nora Nobody"},
    "admin": {"Alma Alpha", "Ivo Invoices", "Nora Nobody"},
    "outsider": {"Ivo Invoices"},
}


@pytest.mark.parametrize("role", list(LISTS))
def test_customer_list_shows_only_customers_of_teams_in_view(role, org, client_for, customers):
    response = client_for(org[role]).get(f"{API}/customers")

    assert response.status_code == 200
    assert {item["name"] for item in response.json()["items"]} == LISTS[role]


@pytest.mark.parametrize("role", ["other_agent", "outsider"])
def test_search_does_not_find_customers_out_of_view(role, org, client_for, customers):
    response = client_for(org[role]).get(f"{API}/customers", {"q": "alma@example"})

    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("role", list(SEES_ALPHA))
def test_customer_detail_per_role(role, org, client_for, customers):
    response = client_for(org[role]).get(f"{API}/customers/{customers['alpha'].pk}")

    assert response.status_code == SEES_ALPHA[role]
    if response.status_code == 200:
        assert response.json()["email"] == "alma@example.test"
    else:
        assert "alma" not in response.text.lower()


@pytest.mark.parametrize("role", list(CHANGES_ALPHA))
def test_customer_change_per_role(role, org, client_for, customers):
    alpha = customers["alpha"]

    response = patch(client_for(org[role]), f"{API}/customers/{alpha.pk}", {"segment": "vip"})

    assert response.status_code == CHANGES_ALPHA[role]
    alpha.refresh_from_db()
    assert (alpha.segment == "vip") == (CHANGES_ALPHA[role] == 200)


@pytest.mark.parametrize("role", ["agent", "team_lead", "manager", "outsider"])
def test_nobody_but_the_organisation_wide_reaches_a_customer_nobody_served(
    role, org, client_for, customers
):
    client = client_for(org[role])
    lonely = customers["lonely"]

    assert client.get(f"{API}/customers/{lonely.pk}").status_code == 404
    assert patch(client, f"{API}/customers/{lonely.pk}", {"segment": "x"}).status_code == 404


def test_executive_reads_every_customer_but_changes_none(executive, client_for, customers):
    client = client_for(executive)

    for customer in customers.values():
        assert client.get(f"{API}/customers/{customer.pk}").status_code == 200
        assert patch(client, f"{API}/customers/{customer.pk}", {"segment": "x"}).status_code == 403


@pytest.mark.parametrize("role", ["agent", "team_lead", "outsider"])
def test_who_adds_a_customer_sees_it_at_once_and_other_teams_do_not(role, org, client_for):
    adder = client_for(org[role])

    created = post(adder, f"{API}/customers", {"name": "Quinn", "email": f"quinn.{role}@x.test"})

    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["created_by_team_id"] == org[role].team_id
    assert adder.get(f"{API}/customers/{pk}").status_code == 200
    assert [item["id"] for item in adder.get(f"{API}/customers").json()["items"]] == [pk]
    assert patch(adder, f"{API}/customers/{pk}", {"segment": "new"}).status_code == 200
    stranger = org["outsider"] if role != "outsider" else org["agent"]
    assert client_for(stranger).get(f"{API}/customers/{pk}").status_code == 404


def test_a_manager_names_the_team_the_customer_is_added_for(
    manager, client_for, team_beta, team_invoices
):
    client = client_for(manager)

    without = post(client, f"{API}/customers", {"name": "Rae"})
    other_department = post(
        client, f"{API}/customers", {"name": "Rae", "team_id": team_invoices.pk}
    )
    unknown = post(client, f"{API}/customers", {"name": "Rae", "team_id": 999_999})
    beta = post(client, f"{API}/customers", {"name": "Rae", "team_id": team_beta.pk})

    assert without.status_code == 422
    assert without.json()["errors"][0]["field"] == "team_id"
    assert other_department.status_code == 403
    assert unknown.status_code == 422
    assert beta.status_code == 201
    assert beta.json()["created_by_team_id"] == team_beta.pk
    assert client.get(f"{API}/customers/{beta.json()['id']}").status_code == 200
    assert Customer.objects.count() == 1


def test_an_agent_cannot_add_a_customer_for_another_team(agent, client_for, team_beta):
    response = post(client_for(agent), f"{API}/customers", {"name": "Sol", "team_id": team_beta.pk})

    assert response.status_code == 403
    assert not Customer.objects.exists()


def test_executive_cannot_add_customers(executive, client_for):
    response = post(client_for(executive), f"{API}/customers", {"name": "Tay"})

    assert response.status_code == 403
    assert not Customer.objects.exists()


def test_admin_adds_a_customer_for_no_team(admin, client_for):
    response = post(client_for(admin), f"{API}/customers", {"name": "Uma"})

    assert response.status_code == 201
    assert response.json()["created_by_team_id"] is None


def test_a_customer_recorded_on_the_desk_page_is_visible_to_the_recording_agent(
    agent, other_agent, client_for, team_alpha
):
    recorded = client_for(agent).post(
        reverse("desk:interaction-create"),
        {
            "team": team_alpha.pk,
            "channel": "phone",
            "subject": "New address",
            "customer_email": "vic@example.test",
            "customer_name": "Vic",
            "status": "open",
        },
    )
    customer = Customer.objects.get()

    assert recorded.status_code == 302
    assert client_for(agent).get(f"{API}/customers/{customer.pk}").status_code == 200
    assert client_for(other_agent).get(f"{API}/customers/{customer.pk}").status_code == 404


def test_serving_a_customer_brings_them_into_view(outsider, client_for, customers, team_invoices):
    """A team that records an interaction with a known customer serves them from then on."""
    alpha = customers["alpha"]
    client = client_for(outsider)
    assert client.get(f"{API}/customers/{alpha.pk}").status_code == 404

    services.record_interaction(
        actor=outsider,
        team=team_invoices,
        channel="email",
        subject="Invoice question",
        customer_email="ALMA@example.test",
    )

    assert client.get(f"{API}/customers/{alpha.pk}").status_code == 200


def test_the_change_service_refuses_a_customer_out_of_reach(other_agent, customers):
    with pytest.raises(PermissionDenied):
        services.update_customer(actor=other_agent, customer=customers["alpha"], segment="x")


def test_get_customer_for_answers_404_out_of_view_and_403_without_the_right(
    other_agent, executive, customers
):
    with pytest.raises(Http404):
        selectors.get_customer_for(other_agent, customers["alpha"].pk)
    with pytest.raises(PermissionDenied):
        selectors.get_customer_for(
            executive, customers["alpha"].pk, action=Action.CHANGE_INTERACTIONS
        )


def test_customer_list_costs_the_same_few_queries_for_a_team_scope(
    agent, client_for, customers, team_alpha, django_assert_max_num_queries
):
    for _ in range(5):
        InteractionFactory.create(team=team_alpha)
    client = client_for(agent)

    with django_assert_max_num_queries(6):
        response = client.get(f"{API}/customers")

    assert len(response.json()["items"]) == 6
