"""Structured interviews: who sees candidates, blind scoring, the one-time link, the decision
with a reason, hiring into onboarding, and the retention purge."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groundswell.learning import selectors, services
from groundswell.learning.models import Candidate, InterviewScore, PanelMember, Programme
from groundswell.learning.tests.factories import all_fives
from groundswell.people.models import Person


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("agent", 404),
        ("team_lead", 404),
        ("manager", 200),
        ("executive", 404),
        ("admin", 200),
        ("outsider", 404),
    ],
)
def test_candidates_are_seen_by_managers_only_unless_on_the_panel(
    role, expected, org, client_for, candidate
):
    client = client_for(org[role])

    detail = client.get(reverse("learning:candidate-detail", args=[candidate.pk]))
    listing = client.get(reverse("learning:candidate-list"))

    assert detail.status_code == expected
    assert ("Casey Candidate" in listing.content.decode()) == (expected == 200)


def test_a_panel_member_sees_their_candidate(agent, manager, client_for, candidate):
    services.add_panel_member(actor=manager, candidate=candidate, person=agent)

    response = client_for(agent).get(reverse("learning:candidate-detail", args=[candidate.pk]))

    assert response.status_code == 200
    assert list(selectors.list_candidates(agent)) == [candidate]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent", 403), ("team_lead", 403), ("manager", 200), ("executive", 403), ("admin", 200)],
)
def test_candidate_create_page_per_role(role, expected, org, client_for):
    assert client_for(org[role]).get(reverse("learning:candidate-create")).status_code == expected


def test_a_candidate_without_consent_is_refused(manager, profile, team_alpha):
    with pytest.raises(ValidationError) as refused:
        services.add_candidate(
            actor=manager,
            profile=profile,
            team=team_alpha,
            full_name="No Consent",
            email="n@example.org",
            consent=False,
        )

    assert "consent" in refused.value.message_dict
    assert not Candidate.objects.exists()


def test_manager_of_another_department_cannot_add_candidates(profile, team_alpha, org):
    with pytest.raises(PermissionDenied):
        services.add_candidate(
            actor=org["team_lead"],
            profile=profile,
            team=team_alpha,
            full_name="X",
            email="x@example.org",
            consent=True,
        )


def test_each_member_scores_alone_then_sees_the_others(
    agent, team_lead, manager, client_for, candidate, profile
):
    lead_seat = services.add_panel_member(actor=manager, candidate=candidate, person=team_lead)
    agent_seat = services.add_panel_member(actor=manager, candidate=candidate, person=agent)
    services.submit_scores(member=lead_seat.member, scores=all_fives(profile, 5))

    before = selectors.consolidated(agent, candidate)
    page = client_for(agent).get(reverse("learning:candidate-detail", args=[candidate.pk]))
    services.submit_scores(member=agent_seat.member, scores=all_fives(profile, 2))
    after = selectors.consolidated(agent, candidate)

    assert before.blind
    assert all(row.scores == [] for row in before.rows)
    assert "Score alone first" in page.content.decode()
    assert not after.blind
    assert [row.spread for row in after.rows] == [3, 3]
    assert all(row.disagreement for row in after.rows)
    assert after.rows[0].mean == 3.5


def test_scoring_through_the_page(agent, manager, client_for, candidate, profile):
    services.add_panel_member(actor=manager, candidate=candidate, person=agent)
    form = {f"attitude_{pk}": "4" for pk in all_fives(profile)}

    response = client_for(agent).post(
        reverse("learning:candidate-score", args=[candidate.pk]), form
    )

    assert response.status_code == 302
    assert InterviewScore.objects.filter(score=4).count() == 2


def test_someone_not_on_the_panel_cannot_score(team_lead, manager, client_for, candidate):
    response = client_for(manager).get(reverse("learning:candidate-score", args=[candidate.pk]))

    assert response.status_code == 403


@pytest.mark.parametrize("value", [0, 6])
def test_a_score_outside_the_scale_is_refused_and_nothing_written(
    value, agent, manager, candidate, profile
):
    seat = services.add_panel_member(actor=manager, candidate=candidate, person=agent)
    scores = all_fives(profile)
    scores[next(iter(scores))] = value

    with pytest.raises(ValidationError) as refused:
        services.submit_scores(member=seat.member, scores=scores)

    assert "from 1 to 5" in str(refused.value)
    assert not InterviewScore.objects.exists()
    seat.member.refresh_from_db()
    assert seat.member.submitted_at is None


def test_scores_are_sent_once(agent, manager, candidate, profile):
    seat = services.add_panel_member(actor=manager, candidate=candidate, person=agent)
    services.submit_scores(member=seat.member, scores=all_fives(profile))

    with pytest.raises(ValidationError):
        services.submit_scores(member=seat.member, scores=all_fives(profile, 1))

    assert InterviewScore.objects.count() == 2


def test_an_outside_member_scores_once_by_link(manager, candidate, profile):
    seat = services.add_panel_member(
        actor=manager, candidate=candidate, name="Pat Customer", kind="customer"
    )
    url = reverse("interview-link", args=[seat.token])
    form = {f"attitude_{pk}": "5" for pk in all_fives(profile)}
    client = Client()

    page = client.get(url)
    sent = client.post(url, form)
    again = client.post(url, form)

    assert page.status_code == 200
    assert sent.status_code == 200
    assert "Your scores are in" in sent.content.decode()
    assert again.status_code == 410
    assert "used already" in again.content.decode()
    assert InterviewScore.objects.count() == 2
    stored = PanelMember.objects.get(pk=seat.member.pk)
    assert stored.token_hash != seat.token  # only the digest is kept


def test_a_link_after_the_decision_is_refused(manager, candidate):
    seat = services.add_panel_member(actor=manager, candidate=candidate, name="Pat")
    services.decide(actor=manager, candidate=candidate, hire=False, reason="Not the right fit.")

    response = Client().get(reverse("interview-link", args=[seat.token]))

    assert response.status_code == 410


def test_an_unknown_or_expired_link_is_refused(manager, candidate):
    seat = services.add_panel_member(actor=manager, candidate=candidate, name="Pat")
    PanelMember.objects.filter(pk=seat.member.pk).update(
        link_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    assert Client().get(reverse("interview-link", args=["x" * 32])).status_code == 410
    expired = Client().get(reverse("interview-link", args=[seat.token]))
    assert "expired" in expired.content.decode()


def test_the_new_link_is_shown_once_on_the_page(manager, client_for, candidate):
    response = client_for(manager).post(
        reverse("learning:panel-add", args=[candidate.pk]),
        {"kind": "internal_user", "name": "Ivy from Billing"},
    )

    assert response.status_code == 200
    assert "/i/" in response.context["new_link"]


def test_a_decision_needs_a_reason(manager, candidate):
    with pytest.raises(ValidationError) as refused:
        services.decide(actor=manager, candidate=candidate, hire=True, reason="  ")

    assert "reason" in refused.value.message_dict
    candidate.refresh_from_db()
    assert candidate.status == "interviewing"
    assert not Person.objects.filter(email="casey@example.org").exists()


def test_hiring_makes_a_new_hire_on_hold_with_a_programme(manager, client_for, candidate):
    response = client_for(manager).post(
        reverse("learning:candidate-decide", args=[candidate.pk]),
        {"outcome": "hire", "reason": "Helped the receptionist unprompted."},
    )

    person = Person.objects.get(email="casey@example.org")
    programme = Programme.objects.get(person=person)
    assert response.status_code == 302
    assert person.on_readiness_hold
    assert person.team == candidate.team
    assert [s.kind for s in programme.steps.all()] == [
        "course",
        "shadowing",
        "practice",
        "leader_meeting",
        "sign_off",
    ]
    candidate.refresh_from_db()
    assert candidate.hired_person == person


def test_a_decided_candidate_cannot_be_decided_again(manager, candidate):
    services.decide(actor=manager, candidate=candidate, hire=False, reason="No.")

    with pytest.raises(ValidationError):
        services.decide(actor=manager, candidate=candidate, hire=True, reason="Changed mind.")


@pytest.mark.parametrize("role", ["agent", "team_lead", "executive"])
def test_others_cannot_decide(role, org, client_for, candidate):
    response = client_for(org[role]).post(
        reverse("learning:candidate-decide", args=[candidate.pk]),
        {"outcome": "hire", "reason": "x"},
    )

    assert response.status_code == 403


def test_retention_deletes_old_candidates_not_hired(
    manager, candidate, profile, team_alpha, settings
):
    settings.GROUNDSWELL_LEARNING_CANDIDATE_RETENTION_MONTHS = 6
    hired = services.add_candidate(
        actor=manager,
        profile=profile,
        team=team_alpha,
        full_name="Hired One",
        email="hired@example.org",
        consent=True,
    )
    services.decide(actor=manager, candidate=hired, hire=True, reason="Great.")
    fresh = services.add_candidate(
        actor=manager,
        profile=profile,
        team=team_alpha,
        full_name="Fresh",
        email="fresh@example.org",
        consent=True,
    )
    old = timezone.now() - datetime.timedelta(days=200)
    Candidate.objects.exclude(pk=fresh.pk).update(created_at=old)

    deleted = services.purge_expired_candidates()

    assert set(Candidate.objects.values_list("full_name", flat=True)) == {"Hired One", "Fresh"}
    assert deleted >= 1
