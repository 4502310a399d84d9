"""The learning endpoints under /api/v1, per role: profiles, candidates, programmes, overrides."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.learning import services
from groundswell.learning.models import Candidate, Programme

API = "/api/v1/learning"


def api_client(person, scope=ApiKeyScope.READ_WRITE):
    return Client(headers={"Authorization": f"Bearer {_key(person, scope)}"})


def _key(person, scope):
    return create_api_key(actor=person, name=f"key {person.pk}", scope=scope).secret


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.mark.parametrize("role", ["agent", "team_lead", "manager", "executive", "admin"])
def test_everyone_lists_profiles_with_anchors(role, org, client_for, profile):
    response = client_for(org[role]).get(f"{API}/profiles")

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["attitudes"][0]["anchors"][4] == "Always, unprompted"


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent", 403), ("team_lead", 403), ("manager", 201), ("executive", 403), ("admin", 201)],
)
def test_create_profile_per_role(role, expected, org, client_for, customer_service):
    response = post(
        client_for(org[role]),
        f"{API}/profiles",
        {"department": customer_service.pk, "title": "Advisor", "description": "We care."},
    )

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "count"),
    [("agent", 0), ("team_lead", 0), ("manager", 1), ("executive", 0), ("admin", 1)],
)
def test_candidates_listed_per_role(role, count, org, client_for, candidate):
    response = client_for(org[role]).get(f"{API}/candidates")

    assert response.status_code == 200
    assert response.json()["count"] == count
    detail = client_for(org[role]).get(f"{API}/candidates/{candidate.pk}")
    assert detail.status_code == (200 if count else 404)


def test_create_candidate_requires_consent(manager, client_for, profile, team_alpha):
    payload = {
        "profile": profile.pk,
        "team": team_alpha.pk,
        "full_name": "Robin",
        "email": "robin@example.org",
        "consent": False,
    }

    refused = post(client_for(manager), f"{API}/candidates", payload)
    made = post(client_for(manager), f"{API}/candidates", {**payload, "consent": True})

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "consent"
    assert made.status_code == 201
    assert Candidate.objects.count() == 1


def test_team_outside_hiring_reach_is_a_field_error(manager, client_for, profile, team_invoices):
    payload = {
        "profile": profile.pk,
        "team": team_invoices.pk,
        "full_name": "Robin",
        "email": "robin@example.org",
        "consent": True,
    }

    response = post(client_for(manager), f"{API}/candidates", payload)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "team"


def test_decision_over_the_api_hires_into_onboarding(manager, client_for, candidate):
    client = client_for(manager)

    no_reason = post(
        client, f"{API}/candidates/{candidate.pk}/decision", {"outcome": "hire", "reason": ""}
    )
    hired = post(
        client, f"{API}/candidates/{candidate.pk}/decision", {"outcome": "hire", "reason": "Kind."}
    )

    assert no_reason.status_code == 422
    assert hired.status_code == 200
    person_id = hired.json()["hired_person"]
    programme = Programme.objects.get(person_id=person_id)
    shown = client.get(f"{API}/programmes/{programme.pk}").json()
    assert shown["ready_for_customers"] is False
    assert len(shown["steps"]) == 5


def test_panel_lists_who_scored_never_the_scores(manager, agent, client_for, candidate, profile):
    seat = services.add_panel_member(actor=manager, candidate=candidate, person=agent)
    services.submit_scores(member=seat.member, scores={a.pk: 4 for a in profile.attitudes.all()})

    response = client_for(manager).get(f"{API}/candidates/{candidate.pk}/panel")

    assert response.json() == [
        {"id": seat.member.pk, "kind": "colleague", "name": agent.full_name, "submitted": True}
    ]


@pytest.fixture
def programme(manager, candidate):
    decided = services.decide(actor=manager, candidate=candidate, hire=True, reason="Yes.")
    return Programme.objects.get(person=decided.hired_person)


@pytest.mark.parametrize(
    ("role", "count"),
    [
        ("agent", 0),
        ("team_lead", 1),
        ("manager", 1),
        ("executive", 1),
        ("admin", 1),
        ("outsider", 0),
    ],
)
def test_programmes_per_role(role, count, org, client_for, programme):
    response = client_for(org[role]).get(f"{API}/programmes")

    assert response.json()["count"] == count


def test_sign_off_over_the_api(team_lead, client_for, programme):
    client = client_for(team_lead)

    early = post(client, f"{API}/programmes/{programme.pk}/sign-off", {})
    for step in programme.steps.exclude(kind="sign_off"):
        services.complete_step(actor=team_lead, step=step)
    done = post(client, f"{API}/programmes/{programme.pk}/sign-off", {})

    assert early.status_code == 422
    assert done.status_code == 200
    assert done.json()["ready_for_customers"] is True


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent", 403), ("team_lead", 403), ("manager", 201), ("executive", 403), ("admin", 201)],
)
def test_override_per_role(role, expected, org, client_for, programme):
    until = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()

    response = post(
        client_for(org[role]),
        f"{API}/readiness-overrides",
        {"person": programme.person_id, "reason": "Peak week.", "until": until},
    )

    assert response.status_code == expected


def test_override_without_an_end_date_is_refused(manager, client_for, programme):
    response = post(
        client_for(manager),
        f"{API}/readiness-overrides",
        {"person": programme.person_id, "reason": "Peak week."},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "until"


def test_a_read_only_key_cannot_decide(admin, candidate):
    client = api_client(admin, ApiKeyScope.READ)

    response = post(
        client, f"{API}/candidates/{candidate.pk}/decision", {"outcome": "decline", "reason": "x"}
    )

    assert response.status_code == 403


def test_a_read_write_key_lists_candidates(admin, candidate):
    response = api_client(admin).get(f"{API}/candidates")

    assert response.json()["count"] == 1
