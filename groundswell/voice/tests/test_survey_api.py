"""Surveys, invitations, responses and follow-ups under /api/v1: per role, filters, errors."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.desk.models import Interaction
from groundswell.people.models import Person, Team
from groundswell.voice.follow_ups import services as follow_up_services
from groundswell.voice.invitations import services
from groundswell.voice.models import FollowUp, Invitation, Response, SurveyVersion
from groundswell.voice.tests.factories import (
    active_survey,
    make_customer,
    make_interaction,
    make_invitation,
)

API = "/api/v1"
ROLES = ["agent", "team_lead", "manager", "executive", "admin", "outsider"]
ClientFor = Callable[[Person], Client]
WORDING = {
    "question": "How well did we help?",
    "low_label": "Badly",
    "high_label": "Very well",
    "comment_prompt": "Anything to add?",
    "reason_codes": ["speed"],
}


def post(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.post(url, data, content_type="application/json", **extra)


def patch(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.patch(url, data, content_type="application/json", **extra)


def bearer(admin: Person, scope: str) -> dict[str, str]:
    secret = create_api_key(actor=admin, name="Helpdesk", scope=scope).secret
    return {"Authorization": f"Bearer {secret}"}


def answered(interaction: Interaction, score: int, comment: str = "") -> Response:
    invitation, _token = make_invitation(interaction)
    response = services.record_response(invitation, score=score, comment=comment)
    follow_up_services.open_follow_up(response.pk)
    return response


@pytest.fixture
def voice(
    org: dict[str, Person],
    team_alpha: Team,
    team_beta: Team,
    team_invoices: Team,
    settings: Any,
) -> dict[str, Response]:
    """A poor answer in Alpha, a good one in Beta, a poor one in Invoices (Billing).

    One answer per agent is enough to read them here, where scope is tested; the minimum
    number of answers has its own tests (test_minimum_everywhere.py).
    """
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 1

    def interaction(team: Team, agent: Person) -> Interaction:
        return make_interaction(team, customer=make_customer(), handled_by=agent)

    return {
        "alpha": answered(interaction(team_alpha, org["agent"]), 1, "Nobody called back"),
        "beta": answered(interaction(team_beta, org["other_agent"]), 5, "Lovely"),
        "invoices": answered(interaction(team_invoices, org["outsider"]), 2),
    }


# Surveys ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_on_staff_reads_surveys(
    role: str, org: dict[str, Person], client_for: ClientFor
) -> None:
    client = client_for(org[role])
    listed = client.get(f"{API}/surveys")
    assert listed.status_code == 200
    assert {row["kind"] for row in listed.json()} == {"csat", "ces", "nps"}
    survey = active_survey()
    detail = client.get(f"{API}/surveys/{survey.pk}").json()
    assert detail["latest_version"] == 1
    assert [version["number"] for version in detail["versions"]] == [1]


def test_surveys_need_credentials(client: Client, db: None) -> None:
    response = client.get(f"{API}/surveys")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_unknown_survey_is_404(admin: Person, client_for: ClientFor) -> None:
    response = client_for(admin).get(f"{API}/surveys/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}


@pytest.mark.parametrize(
    ("role", "status"), [*((r, 403) for r in ROLES if r != "admin"), ("admin", 201)]
)
def test_only_administrators_publish_versions(
    role: str, status: int, org: dict[str, Person], client_for: ClientFor
) -> None:
    survey = active_survey()
    response = post(client_for(org[role]), f"{API}/surveys/{survey.pk}/versions", WORDING)
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["number"] == 2
        detail = client_for(org[role]).get(f"{API}/surveys/{survey.pk}").json()
        assert [version["number"] for version in detail["versions"]] == [2, 1]
        assert detail["latest_version"] == 2


def test_published_version_is_used_by_new_invitations_only(
    admin: Person, agent: Person, team_alpha: Team, voice: dict[str, Response]
) -> None:
    headers = bearer(admin, ApiKeyScope.READ_WRITE)
    survey = active_survey()
    created = post(Client(), f"{API}/surveys/{survey.pk}/versions", WORDING, headers=headers)
    assert created.status_code == 201
    old = Client().get(f"{API}/responses/{voice['alpha'].pk}", headers=headers).json()
    assert old["survey_version"] == 1
    interaction = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    invited = post(
        Client(), f"{API}/invitations", {"interaction_id": interaction.pk}, headers=headers
    )
    assert invited.status_code == 201, invited.content
    detail = Client().get(f"{API}/invitations/{invited.json()['id']}", headers=headers).json()
    assert detail["version"] == 2


def test_read_only_key_may_not_write(admin: Person) -> None:
    headers = bearer(admin, ApiKeyScope.READ)
    survey = active_survey()
    client = Client()
    assert client.get(f"{API}/surveys", headers=headers).status_code == 200
    writes = [
        post(client, f"{API}/surveys/{survey.pk}/versions", WORDING, headers=headers),
        patch(client, f"{API}/surveys/{survey.pk}", {"expiry_days": 3}, headers=headers),
        post(client, f"{API}/invitations", {"interaction_id": 1}, headers=headers),
        post(
            client,
            f"{API}/follow-ups/1/close",
            {"outcome": "not_reached", "note": "x"},
            headers=headers,
        ),
    ]
    assert [response.status_code for response in writes] == [403] * 4
    assert SurveyVersion.objects.count() == 4  # the defaults, and CES 2.0 after legacy effort


def test_bad_wording_is_422_naming_the_field(admin: Person, client_for: ClientFor) -> None:
    survey = active_survey()
    data = {**WORDING, "question": "", "reason_codes": ["a b"]}
    response = post(client_for(admin), f"{API}/surveys/{survey.pk}/versions", data)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert "question" in fields
    data = {**WORDING, "reason_codes": ["speed", "speed"]}
    response = post(client_for(admin), f"{API}/surveys/{survey.pk}/versions", data)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason_codes"


@pytest.mark.parametrize(
    ("role", "status"), [*((r, 403) for r in ROLES if r != "admin"), ("admin", 200)]
)
def test_only_administrators_change_rules(
    role: str, status: int, org: dict[str, Person], client_for: ClientFor
) -> None:
    survey = active_survey()
    changes = {"send_delay_minutes": 60, "channels": ["email"], "poor_threshold": 1}
    response = patch(client_for(org[role]), f"{API}/surveys/{survey.pk}", changes)
    assert response.status_code == status, response.content
    survey.refresh_from_db()
    if status == 200:
        assert response.json()["channels"] == ["email"]
        assert (survey.send_delay_minutes, survey.poor_threshold) == (60, 1)
    else:
        assert survey.send_delay_minutes == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"poor_threshold": 7}, "poor_threshold"),
        ({"expiry_days": 0}, "expiry_days"),
        ({"channels": ["fax"]}, "channels.0"),
        ({"is_active": None}, "is_active"),
    ],
)
def test_bad_rules_are_422_naming_the_field(
    admin: Person, client_for: ClientFor, changes: dict[str, Any], field: str
) -> None:
    survey = active_survey()
    response = patch(client_for(admin), f"{API}/surveys/{survey.pk}", changes)
    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_a_second_active_survey_of_a_kind_is_refused(admin: Person, client_for: ClientFor) -> None:
    second = active_survey().__class__.objects.create(
        kind="csat", name="Another", is_active=False, poor_threshold=2
    )
    response = patch(client_for(admin), f"{API}/surveys/{second.pk}", {"is_active": True})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "is_active"


# Invitations --------------------------------------------------------------------------------------

CREATE_STATUS = {
    "agent": 201,
    "team_lead": 201,
    "manager": 201,
    "executive": 403,
    "admin": 201,
    "outsider": 422,
}


@pytest.mark.parametrize(("role", "status"), CREATE_STATUS.items())
def test_create_invitation_per_role(
    role: str, status: int, org: dict[str, Person], team_alpha: Team, client_for: ClientFor
) -> None:
    interaction = make_interaction(team_alpha, customer=make_customer(), handled_by=org["agent"])
    response = post(client_for(org[role]), f"{API}/invitations", {"interaction_id": interaction.pk})
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert set(body) == {"id", "url", "expires_at"}
        assert "/s/" in body["url"]
        invitation = Invitation.objects.get(pk=body["id"])
        assert invitation.channel == "link"
        assert invitation.sent_at is not None
    elif status == 422:
        assert response.json()["errors"][0]["field"] == "interaction_id"
    else:
        assert not Invitation.objects.exists()


def test_invitation_link_opens_the_survey(admin: Person, agent: Person, team_alpha: Team) -> None:
    interaction = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    headers = bearer(admin, ApiKeyScope.READ_WRITE)
    url = post(Client(), f"{API}/invitations", {"interaction_id": interaction.pk}, headers=headers)
    path = url.json()["url"].split("://", 1)[-1].split("/", 1)[1]
    assert Client().get(f"/{path}").status_code == 200


@pytest.mark.parametrize(
    ("setup", "field"),
    [("opted_out", "customer"), ("no_customer", "interaction"), ("twice", "customer")],
)
def test_invitation_refusals_name_the_field(
    setup: str, field: str, admin: Person, agent: Person, team_alpha: Team, client_for: ClientFor
) -> None:
    customer = None if setup == "no_customer" else make_customer(is_opted_out=setup == "opted_out")
    interaction = make_interaction(team_alpha, customer=customer, handled_by=agent)
    client = client_for(admin)
    if setup == "twice":
        assert (
            post(client, f"{API}/invitations", {"interaction_id": interaction.pk}).status_code
            == 201
        )
    response = post(client, f"{API}/invitations", {"interaction_id": interaction.pk})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field


def test_invitation_kind_without_an_active_survey(
    admin: Person, agent: Person, team_alpha: Team, client_for: ClientFor
) -> None:
    interaction = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    response = post(
        client_for(admin), f"{API}/invitations", {"interaction_id": interaction.pk, "kind": "nps"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


LIST_COUNTS = {"agent": 1, "team_lead": 1, "manager": 2, "executive": 3, "admin": 3, "outsider": 1}
DETAIL = {
    "agent": 200,
    "team_lead": 200,
    "manager": 200,
    "executive": 200,
    "admin": 200,
    "outsider": 404,
    "other_agent": 404,
}


@pytest.mark.usefixtures("voice")
@pytest.mark.parametrize(("role", "count"), LIST_COUNTS.items())
def test_invitations_are_scoped(
    role: str, count: int, org: dict[str, Person], client_for: ClientFor
) -> None:
    response = client_for(org[role]).get(f"{API}/invitations")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == count
    for item in body["items"]:
        assert not {"token", "token_hash", "url"} & set(item)


@pytest.mark.parametrize(("role", "status"), DETAIL.items())
def test_invitation_detail_per_role(
    role: str,
    status: int,
    org: dict[str, Person],
    voice: dict[str, Response],
    client_for: ClientFor,
) -> None:
    invitation = voice["alpha"].invitation
    response = client_for(org[role]).get(f"{API}/invitations/{invitation.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["response_id"] == voice["alpha"].pk
        assert (body["kind"], body["version"]) == ("csat", 1)
        assert "token_hash" not in body


def test_invitation_filters(
    admin: Person,
    agent: Person,
    team_alpha: Team,
    voice: dict[str, Response],
    client_for: ClientFor,
) -> None:
    unanswered = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    services.invite_after_resolution(unanswered)  # waits in the queue: not sent yet
    client = client_for(admin)

    def ids(**query: Any) -> list[int]:
        return [
            row["interaction_id"] for row in client.get(f"{API}/invitations", query).json()["items"]
        ]

    assert ids(interaction=unanswered.pk) == [unanswered.pk]
    assert unanswered.pk not in ids(sent=True)
    assert ids(sent=False) == [unanswered.pk]
    assert ids(answered=False) == [unanswered.pk]
    assert len(ids(answered=True)) == 3


# Responses ----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("voice")
@pytest.mark.parametrize(("role", "count"), LIST_COUNTS.items())
def test_responses_are_scoped(
    role: str, count: int, org: dict[str, Person], client_for: ClientFor
) -> None:
    response = client_for(org[role]).get(f"{API}/responses")
    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize(("role", "status"), DETAIL.items())
def test_response_detail_per_role(
    role: str,
    status: int,
    org: dict[str, Person],
    voice: dict[str, Response],
    client_for: ClientFor,
) -> None:
    response = client_for(org[role]).get(f"{API}/responses/{voice['alpha'].pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert (body["score"], body["comment"], body["is_poor"]) == (1, "Nobody called back", True)
        assert body["interaction_id"] == voice["alpha"].invitation.interaction_id


def test_response_filters(
    admin: Person, team_beta: Team, voice: dict[str, Response], client_for: ClientFor
) -> None:
    client = client_for(admin)

    def ids(**query: Any) -> set[int]:
        answer = client.get(f"{API}/responses", query)
        assert answer.status_code == 200, answer.content
        return {row["id"] for row in answer.json()["items"]}

    assert ids(is_poor=True) == {voice["alpha"].pk, voice["invoices"].pk}
    assert ids(team=team_beta.pk) == {voice["beta"].pk}
    assert ids(kind="nps") == set()
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert ids(since=future) == set()
    assert len(ids(until=future)) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "2025-01-01T00:00:00"}, "since"),
        ({"until": "0001-01-01T00:00:00+01:00"}, "until"),
        ({"kind": "stars"}, "kind"),
        ({"page": 0}, "page"),
    ],
)
def test_bad_response_filters_are_422(
    admin: Person, client_for: ClientFor, query: dict[str, Any], field: str
) -> None:
    response = client_for(admin).get(f"{API}/responses", query)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


# Follow-ups ---------------------------------------------------------------------------------------

FOLLOW_UP_COUNTS = {
    "agent": None,
    "team_lead": 1,
    "manager": 1,
    "executive": 2,  # executives read every follow-up (and close none: FOLLOW_UP_CLOSE)
    "admin": 2,
    "outsider": None,
}
FOLLOW_UP_DETAIL = {
    "agent": 403,
    "team_lead": 200,
    "manager": 200,
    "executive": 200,
    "admin": 200,
    "outsider": 403,
}
FOLLOW_UP_CLOSE = {**FOLLOW_UP_DETAIL, "executive": 403}


@pytest.mark.usefixtures("voice")
@pytest.mark.parametrize(("role", "count"), FOLLOW_UP_COUNTS.items())
def test_follow_ups_are_for_those_who_handle_or_read_them(
    role: str, count: int | None, org: dict[str, Person], client_for: ClientFor
) -> None:
    response = client_for(org[role]).get(f"{API}/follow-ups")
    if count is None:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert response.json()["count"] == count


@pytest.mark.parametrize(("role", "status"), FOLLOW_UP_DETAIL.items())
def test_follow_up_detail_per_role(
    role: str,
    status: int,
    org: dict[str, Person],
    voice: dict[str, Response],
    client_for: ClientFor,
) -> None:
    follow_up = voice["alpha"].follow_up
    response = client_for(org[role]).get(f"{API}/follow-ups/{follow_up.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert (body["score"], body["comment"], body["status"]) == (1, "Nobody called back", "open")


def test_team_lead_cannot_see_another_departments_follow_up(
    team_lead: Person, voice: dict[str, Response], client_for: ClientFor
) -> None:
    follow_up = voice["invoices"].follow_up
    assert client_for(team_lead).get(f"{API}/follow-ups/{follow_up.pk}").status_code == 404


def test_follow_up_filters(
    admin: Person, voice: dict[str, Response], client_for: ClientFor
) -> None:
    late = voice["invoices"].follow_up
    FollowUp.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    client = client_for(admin)

    def ids(**query: Any) -> list[int]:
        return [row["id"] for row in client.get(f"{API}/follow-ups", query).json()["items"]]

    assert ids(overdue=True) == [late.pk]
    assert ids(overdue=False) == [voice["alpha"].follow_up.pk]
    assert ids(status="closed") == []
    assert len(ids(status="open")) == 2


@pytest.mark.parametrize(("role", "status"), FOLLOW_UP_CLOSE.items())
def test_close_follow_up_per_role(
    role: str,
    status: int,
    org: dict[str, Person],
    voice: dict[str, Response],
    client_for: ClientFor,
) -> None:
    follow_up = voice["alpha"].follow_up
    data = {"outcome": "reached_resolved", "note": "Called, refunded."}
    response = post(client_for(org[role]), f"{API}/follow-ups/{follow_up.pk}/close", data)
    assert response.status_code == status, response.content
    follow_up.refresh_from_db()
    if status == 200:
        assert response.json()["outcome"] == "reached_resolved"
        assert (follow_up.status, follow_up.closed_by) == ("closed", org[role])
    else:
        assert follow_up.status == "open"


def test_closing_needs_outcome_and_note_and_happens_once(
    team_lead: Person, voice: dict[str, Response], client_for: ClientFor
) -> None:
    url = f"{API}/follow-ups/{voice['alpha'].follow_up.pk}/close"
    client = client_for(team_lead)
    missing = post(client, url, {"note": "  "})
    assert missing.status_code == 422
    assert {error["field"] for error in missing.json()["errors"]} == {"outcome", "note"}
    assert post(client, url, {"outcome": "not_reached", "note": "Voicemail"}).status_code == 200
    again = post(client, url, {"outcome": "not_reached", "note": "Again"})
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "status"


# Query counts -------------------------------------------------------------------------------------


def _more_answers(org: dict[str, Person], team: Team, n: int) -> None:
    for _ in range(n):
        interaction = make_interaction(team, customer=make_customer(), handled_by=org["agent"])
        answered(interaction, 1, "Slow")


@pytest.mark.parametrize("endpoint", ["invitations", "responses", "follow-ups", "surveys"])
def test_lists_take_a_bounded_number_of_queries(
    endpoint: str,
    org: dict[str, Person],
    team_alpha: Team,
    client_for: ClientFor,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(org["admin"])
    _more_answers(org, team_alpha, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{API}/{endpoint}").status_code == 200
    _more_answers(org, team_alpha, 8)
    with django_assert_max_num_queries(len(few)):
        assert client.get(f"{API}/{endpoint}").status_code == 200
    with django_assert_max_num_queries(10):
        client.get(f"{API}/{endpoint}")
