"""The open door endpoints under /api/v1, per role, with the same anonymity rules as the pages."""

import datetime

import pytest

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.ideas.choices import IdeaCategory, IdeaKind, IdeaStatus
from groundswell.ideas.models import Comment, Idea, Policy, Vote
from groundswell.ideas.tests.factories import PolicyFactory

ALL_ROLES = ("agent", "team_lead", "manager", "executive", "admin", "outsider")
API = "/api/v1"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def errors_by_field(response):
    assert response.status_code == 422, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def payload(concerned, **extra):
    return {
        "kind": IdeaKind.IDEA,
        "title": "Shared macros",
        "body": "One library of answers for all teams.",
        "category": IdeaCategory.TOOLS,
        "department": concerned.pk,
        **extra,
    }


def test_the_api_needs_credentials(client, db):
    assert client.get(f"{API}/ideas").status_code == 401
    assert client.get(f"{API}/policies").status_code == 401


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_lists_reads_submits_and_votes(role, org, client_for, customer_service, submit):
    idea = submit(org["agent"])
    client = client_for(org[role])

    listed = client.get(f"{API}/ideas")
    created = post(client, f"{API}/ideas", payload(customer_service))
    voted = post(client, f"{API}/ideas/{idea.pk}/vote")
    voted_again = post(client, f"{API}/ideas/{idea.pk}/vote")

    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert created.status_code == 201
    assert created.json()["submitted_by"] == org[role].pk
    assert created.json()["follow_up_code"] is None
    assert voted.json()["vote_count"] == voted_again.json()["vote_count"] == 1
    assert voted.json()["has_voted"] is True
    assert client.delete(f"{API}/ideas/{idea.pk}/vote").json()["vote_count"] == 0


@pytest.mark.parametrize("role", ALL_ROLES)
def test_transitions_and_replies_per_role(role, org, client_for, submit):
    idea = submit(org["agent"])
    client = client_for(org[role])

    moved = post(client, f"{API}/ideas/{idea.pk}/transitions", {"status": "acknowledged"})
    replied = post(client, f"{API}/ideas/{idea.pk}/replies", {"body": "On it."})

    acts = role in {"manager", "admin"}
    assert moved.status_code == (200 if acts else 403)
    assert replied.status_code == (201 if acts or role == "agent" else 403)
    if acts:
        assert moved.json()["status"] == IdeaStatus.ACKNOWLEDGED
        assert replied.json()["comments"][0]["body"] == "On it."


def test_declining_needs_a_note(manager, agent, client_for, submit):
    idea = submit(agent)

    response = post(
        client_for(manager), f"{API}/ideas/{idea.pk}/transitions", {"status": "declined"}
    )

    assert errors_by_field(response) == {"note": "Give the reason for declining."}


def test_an_anonymous_submission_returns_its_code_once_and_never_its_submitter(
    agent, manager, client_for, customer_service
):
    created = post(client_for(agent), f"{API}/ideas", payload(customer_service, is_anonymous=True))

    assert created.status_code == 201
    body = created.json()
    assert body["follow_up_code"]
    assert body["submitted_by"] is None
    assert body["submitted_at"].endswith("T00:00:00Z")
    fetched = client_for(manager).get(f"{API}/ideas/{body['id']}")
    listed = client_for(manager).get(f"{API}/ideas")
    for response in (fetched, listed):
        assert "follow_up_code" not in response.text
        assert body["follow_up_code"] not in response.text
        assert agent.full_name not in response.text
        assert agent.email not in response.text
        assert f'"submitted_by":{agent.pk}' not in response.text.replace(" ", "")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"body": "x" * 5001}, "body"),
        ({"title": "  "}, "title"),
        ({"kind": "rant"}, "kind"),
        ({"department": 999999}, "department"),
        ({"kind": IdeaKind.POLICY_FRICTION}, "policy"),
        ({"policy": 999999}, "policy"),
        ({"body": "nul\x00byte"}, "body"),
    ],
)
def test_bad_submissions_name_the_field(extra, field, agent, client_for, customer_service):
    response = post(client_for(agent), f"{API}/ideas", payload(customer_service, **extra))

    assert field in errors_by_field(response)
    assert not Idea.objects.exists()


def test_unknown_submission_is_not_found(agent, client_for):
    response = client_for(agent).get(f"{API}/ideas/00000000-0000-0000-0000-000000000000")

    assert response.status_code == 404


def test_filters(agent, manager, client_for, submit):
    submit(agent, kind=IdeaKind.ISSUE, title="An issue")
    submit(agent, title="An idea")

    response = client_for(manager).get(f"{API}/ideas", {"kind": "issue"})

    assert [item["title"] for item in response.json()["items"]] == ["An issue"]


def test_the_list_takes_a_fixed_number_of_queries(
    agent, manager, client_for, submit, django_assert_max_num_queries
):
    for number in range(20):
        submit(agent, title=f"Idea {number}")
    client = client_for(manager)

    with django_assert_max_num_queries(6):
        response = client.get(f"{API}/ideas")
    assert response.json()["count"] == 20


# --- Policies ----------------------------------------------------------------------------------


def policy_payload(person, **extra):
    return {
        "name": "Goodwill credit",
        "owner": person.pk,
        "summary": "Make up for our mistakes.",
        "empowerment": "Give credit without asking.",
        "limit_amount": "50.00",
        "currency": "eur",
        "review_by": "2030-01-01",
        **extra,
    }


@pytest.mark.parametrize("role", ALL_ROLES)
def test_policies_per_role(role, org, client_for, policy):
    client = client_for(org[role])

    listed = client.get(f"{API}/policies")
    fetched = client.get(f"{API}/policies/{policy.pk}")
    created = post(client, f"{API}/policies", policy_payload(org["manager"], name="Refunds"))
    patched = client.patch(
        f"{API}/policies/{policy.pk}", {"limit_amount": "75"}, content_type="application/json"
    )

    assert listed.status_code == fetched.status_code == 200
    assert fetched.json()["limit_amount"] == "50.00"
    is_admin = role == "admin"
    assert created.status_code == (201 if is_admin else 403)
    assert patched.status_code == (200 if is_admin else 403)
    if is_admin:
        assert created.json()["currency"] == "EUR"
        assert patched.json()["limit_amount"] == "75.00"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"currency": ""}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"limit_amount": "-1"}, "limit_amount"),
        ({"owner": 999999}, "owner"),
        ({"review_by": "soon"}, "review_by"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_policies_name_the_field(extra, field, admin, manager, client_for):
    response = post(client_for(admin), f"{API}/policies", policy_payload(manager, **extra))

    assert field in errors_by_field(response)
    assert not Policy.objects.exists()


def test_policy_reports_friction_and_review_state(agent, admin, client_for, submit):
    policy = PolicyFactory.create(owner=admin, review_by=datetime.date(2020, 1, 1))
    submit(agent, kind=IdeaKind.POLICY_FRICTION, policy=policy)

    body = client_for(agent).get(f"{API}/policies/{policy.pk}").json()

    assert body["friction_count"] == 1
    assert body["open_friction_count"] == 1
    assert body["is_past_review"] is True


def test_a_read_only_key_cannot_submit(admin, client, customer_service):
    secret = create_api_key(actor=admin, name="reader", scope=ApiKeyScope.READ).secret

    response = client.post(
        f"{API}/ideas",
        payload(customer_service),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    assert response.status_code == 403
    assert not Idea.objects.exists()
    assert not Vote.objects.exists()
    assert not Comment.objects.exists()
