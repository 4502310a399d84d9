"""Onboarding: programmes per role, buddies (ranked, limited), steps, the sign-off that opens
the readiness gate, and a manager's audited override."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from groundswell.desk import services as desk_services
from groundswell.learning import selectors, services
from groundswell.learning.models import Programme, ReadinessOverride
from groundswell.people.choices import Role
from groundswell.people.tests.factories import PersonFactory
from groundswell.recognition.models import Kudos


@pytest.fixture
def hire(manager, candidate):
    decided = services.decide(actor=manager, candidate=candidate, hire=True, reason="Yes.")
    return decided.hired_person


@pytest.fixture
def programme(hire):
    return Programme.objects.get(person=hire)


def finish_steps(actor, programme):
    for step in programme.steps.exclude(kind="sign_off"):
        services.complete_step(actor=actor, step=step)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("agent", 404),
        ("other_agent", 404),
        ("team_lead", 200),
        ("manager", 200),
        ("executive", 200),
        ("admin", 200),
        ("outsider", 404),
    ],
)
def test_programme_page_per_role(role, expected, org, client_for, programme):
    response = client_for(org[role]).get(reverse("learning:programme-detail", args=[programme.pk]))

    assert response.status_code == expected


def test_the_buddy_reads_the_programme(agent, team_lead, client_for, programme):
    services.choose_buddy(actor=team_lead, programme=programme, buddy=agent)

    response = client_for(agent).get(reverse("learning:programme-detail", args=[programme.pk]))

    assert response.status_code == 200
    programme.person.refresh_from_db()
    assert programme.person.buddy == agent


def test_a_buddy_guides_at_most_two_at_once(agent, team_lead, manager, profile, programme):
    others = [
        services.start_programme(
            person=PersonFactory.create(team=agent.team, department=agent.department),
            profile=profile,
        )
        for _ in range(2)
    ]
    for other in others:
        services.choose_buddy(actor=team_lead, programme=other, buddy=agent)

    with pytest.raises(ValidationError) as refused:
        services.choose_buddy(actor=team_lead, programme=programme, buddy=agent)

    assert "already guides 2" in str(refused.value)


def test_nobody_on_hold_is_a_buddy(team_lead, programme, hire, agent):
    agent.on_readiness_hold = True
    agent.save(update_fields=["on_readiness_hold"])

    with pytest.raises(ValidationError):
        services.choose_buddy(actor=team_lead, programme=programme, buddy=agent)


def test_buddy_suggestions_rank_kudos_and_skip_full_or_unready(
    agent, team_lead, manager, programme, team_alpha
):
    star = PersonFactory.create(team=team_alpha, department=team_alpha.department)
    Kudos.objects.create(
        giver=manager,
        recipient=star,
        team=team_alpha,
        department=team_alpha.department,
        message="Thanks",
    )

    suggested = [s.person for s in selectors.buddy_suggestions(programme)]

    assert suggested[0] == star
    assert programme.person not in suggested
    assert agent in suggested


def test_sign_off_needs_every_step(team_lead, programme):
    with pytest.raises(ValidationError) as refused:
        services.sign_off(actor=team_lead, programme=programme)

    assert "Not every step is done" in str(refused.value)
    programme.person.refresh_from_db()
    assert programme.person.on_readiness_hold


def test_the_gate_holds_until_sign_off(team_lead, programme, team_alpha, client_for):
    hire = programme.person
    with pytest.raises(ValidationError):
        desk_services.create_interaction(
            actor=team_lead, team=team_alpha, channel="chat", subject="x", handled_by=hire
        )

    finish_steps(team_lead, programme)
    response = client_for(team_lead).post(
        reverse("learning:programme-sign-off", args=[programme.pk])
    )
    hire.refresh_from_db()

    assert response.status_code == 302
    assert not hire.on_readiness_hold
    made = desk_services.create_interaction(
        actor=team_lead, team=team_alpha, channel="chat", subject="x", handled_by=hire
    )
    assert made.handled_by == hire
    assert programme.steps.filter(completed_at__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent", 403), ("team_lead", 302), ("manager", 302), ("executive", 403), ("admin", 302)],
)
def test_who_may_sign_off(role, expected, org, client_for, programme):
    finish_steps(org["manager"], programme)

    response = client_for(org[role]).post(
        reverse("learning:programme-sign-off", args=[programme.pk])
    )

    assert response.status_code == expected


def test_the_sign_off_step_is_not_ticked_by_hand(team_lead, programme):
    step = programme.steps.get(kind="sign_off")

    with pytest.raises(ValidationError):
        services.complete_step(actor=team_lead, step=step)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent", 403), ("team_lead", 403), ("manager", 302), ("executive", 403), ("admin", 302)],
)
def test_override_per_role(role, expected, org, client_for, programme):
    until = timezone.localdate() + datetime.timedelta(days=5)

    response = client_for(org[role]).post(
        reverse("learning:programme-override", args=[programme.pk]),
        {"reason": "Peak week, with the buddy beside them.", "until": until.isoformat()},
    )

    assert response.status_code == expected
    assert ReadinessOverride.objects.exists() == (expected == 302)


def test_an_override_lets_the_desk_assign_until_its_end(manager, team_lead, programme, team_alpha):
    until = timezone.localdate() + datetime.timedelta(days=2)
    made = services.override_readiness(
        actor=manager, person=programme.person, reason="Peak week.", until=until
    )

    interaction = desk_services.create_interaction(
        actor=team_lead, team=team_alpha, channel="chat", subject="x", handled_by=programme.person
    )

    assert interaction.handled_by == programme.person
    assert made.granted_by == manager
    assert made.until == until


@pytest.mark.parametrize(
    ("reason", "until", "field"),
    [
        ("", datetime.date(2999, 1, 1), "reason"),
        ("Peak", None, "until"),
        ("Peak", datetime.date(2000, 1, 1), "until"),
    ],
)
def test_an_override_needs_a_reason_and_a_future_end(reason, until, field, manager, programme):
    with pytest.raises(ValidationError) as refused:
        services.override_readiness(
            actor=manager, person=programme.person, reason=reason, until=until
        )

    assert field in refused.value.message_dict
    assert not ReadinessOverride.objects.exists()
    programme.person.refresh_from_db()
    assert programme.person.readiness_override_until is None


def test_a_manager_of_another_department_cannot_override(programme, billing):
    other = PersonFactory.create(role=Role.MANAGER, department=billing, team=None)

    with pytest.raises(PermissionDenied):
        services.override_readiness(
            actor=other, person=programme.person, reason="x", until=datetime.date(2999, 1, 1)
        )


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent", 403), ("team_lead", 200), ("manager", 200), ("executive", 403), ("admin", 200)],
)
def test_readiness_page_per_role(role, expected, org, client_for):
    assert client_for(org[role]).get(reverse("learning:readiness")).status_code == expected


def test_the_lead_sees_interactions_ingested_for_a_new_hire(
    team_lead, other_agent, admin, programme, team_alpha, client_for
):
    desk_services.upsert_interaction(
        actor=admin,
        data={
            "team_id": team_alpha.pk,
            "channel": "email",
            "subject": "Handled too early",
            "handled_by_id": programme.person_id,
        },
    )

    mine = client_for(team_lead).get(reverse("learning:readiness"))

    assert "Handled too early" in mine.content.decode()
    assert selectors.flagged_interactions(other_agent).count() == 0


@pytest.mark.parametrize("role", ["agent", "team_lead", "manager", "executive", "admin"])
def test_learning_index_and_lists_open_for_everyone(role, org, client_for):
    client = client_for(org[role])

    assert client.get(reverse("learning:index")).status_code == 200
    assert client.get(reverse("learning:programme-list")).status_code == 200
    assert client.get(reverse("learning:candidate-list")).status_code == 200


def test_the_new_hire_reads_their_own_programme_and_no_other(programme, profile, agent):
    hire = programme.person
    other = services.start_programme(
        person=PersonFactory.create(team=agent.team, department=agent.department),
        profile=profile,
    )

    assert list(selectors.list_programmes(hire)) == [programme]
    assert other not in selectors.list_programmes(agent)
