"""Coaching from reviews: who plans it, what the agent adds, and before/after with n."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groundswell.quality import selectors, services
from groundswell.quality.choices import CoachingStatus
from groundswell.quality.models import Review
from groundswell.quality.tests.factories import criteria_of, resolved_interaction


def _plan(actor, agent, keys, **extra):
    now = timezone.now()
    return services.plan_coaching(
        actor=actor,
        agent=agent,
        focus_keys=keys,
        planned_for=extra.pop("planned_for", now),
        follow_up_on=extra.pop("follow_up_on", (now + datetime.timedelta(days=14)).date()),
        **extra,
    )


def test_lead_plans_coaching_from_a_review_and_sees_before_and_after(
    team_lead, agent, team_alpha, scorecard, score
):
    ownership = criteria_of(scorecard)["Takes ownership"]
    earlier = [
        score(team_lead, resolved_interaction(team_alpha, agent), {"Takes ownership": 0})
        for _ in range(3)
    ]
    Review.objects.filter(pk__in=[r.pk for r in earlier]).update(
        submitted_at=timezone.now() - datetime.timedelta(days=10)
    )
    session = _plan(
        team_lead,
        agent,
        [ownership.key],
        reviews=earlier[:1],
        planned_for=timezone.now() - datetime.timedelta(days=5),
    )
    for value in (1, 1):
        score(team_lead, resolved_interaction(team_alpha, agent), {"Takes ownership": value})

    (row,) = selectors.before_after(session)

    assert row.behaviour == "Takes ownership"
    assert (row.before, row.before_n) == (0.0, 3)
    assert (row.after, row.after_n) == (1.0, 2)
    assert row.change == 1.0
    assert list(session.reviews.all()) == earlier[:1]


def test_agent_writes_a_reflection_and_the_coach_records_actions(
    team_lead, agent, interaction, scorecard, score
):
    score(team_lead, interaction)
    session = _plan(team_lead, agent, [criteria_of(scorecard)["Accurate answer"].key])

    services.update_coaching(actor=agent, session=session, reflection="I rushed the answer.")
    with pytest.raises(ValidationError, match="actions you agreed"):
        services.update_coaching(actor=team_lead, session=session, held=True)
    services.update_coaching(
        actor=team_lead, session=session, agreed_actions="Check the KB first.", held=True
    )

    session.refresh_from_db()
    assert session.reflection == "I rushed the answer."
    assert session.status == CoachingStatus.HELD
    assert session.held_at is not None


def test_agent_cannot_write_the_agreed_actions(team_lead, agent, interaction, scorecard, score):
    score(team_lead, interaction)
    session = _plan(team_lead, agent, [criteria_of(scorecard)["Accurate answer"].key])

    with pytest.raises(PermissionDenied):
        services.update_coaching(actor=agent, session=session, agreed_actions="Nothing")


@pytest.mark.parametrize("role", ["agent", "other_agent", "executive", "outsider"])
def test_only_leads_managers_and_admins_coach(role, org, agent, interaction, scorecard, score):
    score(org["team_lead"], interaction)
    with pytest.raises(PermissionDenied):
        _plan(org[role], agent, [criteria_of(scorecard)["Accurate answer"].key])


def test_team_lead_cannot_coach_another_team(team_lead, other_agent):
    with pytest.raises(PermissionDenied):
        _plan(team_lead, other_agent, ["x"])


def test_coaching_needs_behaviours_the_agent_was_scored_on(team_lead, agent, scorecard):
    with pytest.raises(ValidationError, match="Choose at least one behaviour"):
        _plan(team_lead, agent, [])
    with pytest.raises(ValidationError, match="was never scored on"):
        _plan(team_lead, agent, [criteria_of(scorecard)["Accurate answer"].key])


def test_follow_up_before_the_session_is_refused(team_lead, agent, interaction, scorecard, score):
    score(team_lead, interaction)
    with pytest.raises(ValidationError, match="follow-up comes after"):
        _plan(
            team_lead,
            agent,
            [criteria_of(scorecard)["Accurate answer"].key],
            follow_up_on=timezone.localdate() - datetime.timedelta(days=1),
        )
