"""Customer compliments reach the agent through the compliment-card job; heroes are nominated and
decided."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groundswell.recognition import selectors, services, tasks
from groundswell.recognition.choices import ReviewStatus
from groundswell.recognition.models import Compliment, HeroNomination, HeroOfTheMonth
from groundswell.voice.invitations.services import record_response
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation


def answer(agent, team, capture, *, kind="csat", score=5, comment="Ada was wonderful."):
    interaction = make_interaction(
        team, customer=make_customer(name="Maria Lopez Garcia"), handled_by=agent
    )
    invitation, _token = make_invitation(interaction, kind=kind)
    with capture(execute=True):
        response = record_response(invitation, score=score, comment=comment)
    services.make_compliment_cards()
    return response


@pytest.mark.parametrize(
    ("kind", "score", "comment", "made"),
    [
        ("csat", 5, "Lovely help", True),
        ("csat", 4, "Good help", False),
        ("csat", 5, "", False),
        ("nps", 9, "Would recommend", True),
        ("nps", 8, "Fine", False),
        ("ces", 6, "Easy", True),
        ("ces", 5, "Easy enough", False),
    ],
)
def test_a_top_answer_with_a_comment_becomes_a_compliment(
    kind, score, comment, made, agent, team_alpha, django_capture_on_commit_callbacks
):
    response = answer(
        agent,
        team_alpha,
        django_capture_on_commit_callbacks,
        kind=kind,
        score=score,
        comment=comment,
    )

    compliment = Compliment.objects.filter(response=response).first()
    assert (compliment is not None) is made
    if compliment is not None:
        assert compliment.agent == agent
        assert compliment.team == team_alpha
        assert compliment.status == ReviewStatus.PENDING


def test_the_thresholds_are_settings(
    agent, team_alpha, django_capture_on_commit_callbacks, settings
):
    settings.GROUNDSWELL_COMPLIMENT_NPS = 10

    nine = answer(agent, team_alpha, django_capture_on_commit_callbacks, kind="nps", score=9)
    ten = answer(agent, team_alpha, django_capture_on_commit_callbacks, kind="nps", score=10)

    assert not Compliment.objects.filter(response=nine).exists()
    assert Compliment.objects.filter(response=ten).exists()


def test_the_customers_answer_does_no_recognition_work(
    agent, team_alpha, django_capture_on_commit_callbacks
):
    interaction = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    invitation, _token = make_invitation(interaction)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = record_response(invitation, score=5, comment="Lovely help")

    assert response.is_compliment
    assert callbacks == []  # nothing enqueued, no hook: the card comes from the job
    assert not Compliment.objects.exists()
    assert tasks.make_compliment_cards.call() == {"made": 1, "taken_away": 0}
    assert Compliment.objects.get().response == response


def test_the_job_reads_and_writes_in_sets(agent, team_alpha, django_assert_num_queries):
    for number in range(5):
        interaction = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
        invitation, _token = make_invitation(interaction)
        record_response(invitation, score=5, comment=f"Thanks {number}")

    with django_assert_num_queries(3):  # the cards to take away, the answers, one insert
        made, taken_away = services.make_compliment_cards()

    assert (made, taken_away) == (5, 0)
    assert Compliment.objects.count() == 5


def test_answers_older_than_the_horizon_are_left(agent, team_alpha):
    interaction = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    invitation, _token = make_invitation(interaction)
    response = record_response(invitation, score=5, comment="Lovely help")

    later = response.submitted_at + services.COMPLIMENT_HORIZON + datetime.timedelta(minutes=1)
    assert services.make_compliment_cards(now=later) == (0, 0)
    assert services.make_compliment_cards() == (1, 0)


def test_making_the_card_twice_keeps_one(agent, team_alpha, django_capture_on_commit_callbacks):
    response = answer(agent, team_alpha, django_capture_on_commit_callbacks)

    assert services.make_compliment_cards() == (0, 0)
    Compliment.objects.bulk_create(  # a second run that read before the first one wrote
        [
            Compliment(
                response=response,
                agent=agent,
                team=team_alpha,
                department=team_alpha.department,
                received_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )

    assert Compliment.objects.filter(response=response).count() == 1


def test_an_answer_changed_to_a_poor_one_takes_its_waiting_card_away(
    agent, team_alpha, django_capture_on_commit_callbacks
):
    response = answer(agent, team_alpha, django_capture_on_commit_callbacks)
    assert Compliment.objects.filter(response=response).exists()
    with django_capture_on_commit_callbacks(execute=True):
        record_response(response.invitation, score=2, comment="Actually, not solved.")

    assert services.make_compliment_cards() == (0, 1)
    assert not Compliment.objects.filter(response=response).exists()


@pytest.fixture
def compliment(agent, team_alpha, django_capture_on_commit_callbacks):
    response = answer(agent, team_alpha, django_capture_on_commit_callbacks)
    return Compliment.objects.get(response=response)


def shown(person, compliment):
    return Compliment.objects.visible_to(person).filter(pk=compliment.pk).exists()


@pytest.mark.parametrize(
    ("reader", "before", "after"),
    [
        ("agent", True, True),
        ("other_agent", False, True),
        ("team_lead", True, True),
        ("manager", True, True),
        ("executive", False, True),
        ("admin", True, True),
        ("outsider", False, True),
    ],
)
def test_a_compliment_is_shown_beyond_the_agent_once_approved(
    org, compliment, respect, reader, before, after
):
    assert shown(org[reader], compliment) is before

    services.review_compliment(
        actor=org["team_lead"], compliment=compliment, approve=True, values=[respect]
    )

    assert shown(org[reader], compliment) is after


@pytest.mark.parametrize(
    ("reviewer", "allowed"),
    [
        ("agent", False),
        ("other_agent", False),
        ("team_lead", True),
        ("manager", True),
        ("executive", False),
        ("admin", True),
        ("outsider", False),
    ],
)
def test_reviewing_a_compliment_per_role(org, compliment, reviewer, allowed):
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.review_compliment(actor=org[reviewer], compliment=compliment, approve=True)
        return
    services.review_compliment(actor=org[reviewer], compliment=compliment, approve=False)
    compliment.refresh_from_db()
    assert compliment.status == ReviewStatus.DECLINED


def test_the_customer_is_masked_unless_the_approver_shows_the_name(org, compliment):
    assert selectors.customer_shown(compliment) == "M. L. G."

    services.review_compliment(
        actor=org["team_lead"], compliment=compliment, approve=True, show_customer_name=True
    )
    compliment.refresh_from_db()

    assert selectors.customer_shown(compliment) == "Maria Lopez Garcia"


def test_a_compliment_is_reviewed_once(org, compliment):
    services.review_compliment(actor=org["team_lead"], compliment=compliment, approve=True)

    with pytest.raises(ValidationError):
        services.review_compliment(actor=org["manager"], compliment=compliment, approve=False)


# Heroes -----------------------------------------------------------------------------------------


@pytest.fixture
def nomination(org, respect):
    return services.nominate_hero(
        actor=org["other_agent"],
        nominee=org["agent"],
        story="Stayed on the line until the customer's service was back.",
        values=[respect],
    )


def test_nominating_oneself_or_without_a_value_is_refused(org, respect, retired):
    with pytest.raises(ValidationError) as self_nomination:
        services.nominate_hero(
            actor=org["agent"], nominee=org["agent"], story="Me", values=[respect]
        )
    with pytest.raises(ValidationError) as no_value:
        services.nominate_hero(actor=org["manager"], nominee=org["agent"], story="x", values=[])
    with pytest.raises(ValidationError) as retired_value:
        services.nominate_hero(
            actor=org["manager"], nominee=org["agent"], story="x", values=[retired]
        )

    assert "nominee" in self_nomination.value.message_dict
    assert "values" in no_value.value.message_dict
    assert "retired" in retired_value.value.message_dict["values"][0]
    assert not HeroNomination.objects.exists()


@pytest.mark.parametrize(
    ("decider", "allowed"),
    [
        ("agent", False),
        ("other_agent", False),
        ("team_lead", True),
        ("manager", True),
        ("executive", False),
        ("admin", True),
        ("outsider", False),
    ],
)
def test_deciding_a_nomination_per_role(org, nomination, decider, allowed):
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.decide_hero(actor=org[decider], nomination=nomination, approve=True)
        return
    services.decide_hero(actor=org[decider], nomination=nomination, approve=True)

    assert nomination in selectors.hall_of_fame(org["outsider"])


def test_a_pending_nomination_is_a_surprise_for_the_nominee(org, nomination):
    assert not HeroNomination.objects.visible_to(org["agent"]).filter(pk=nomination.pk).exists()
    assert nomination in selectors.heroes_to_decide(org["team_lead"])
    assert nomination not in selectors.heroes_to_decide(org["outsider"])


def test_declining_needs_a_note(org, nomination):
    with pytest.raises(ValidationError) as raised:
        services.decide_hero(actor=org["team_lead"], nomination=nomination, approve=False)

    assert "note" in raised.value.message_dict


def test_one_hero_of_the_month_per_team_and_department(org, nomination, respect):
    nomination = services.decide_hero(actor=org["team_lead"], nomination=nomination, approve=True)
    month = timezone.localdate()
    services.choose_hero_of_the_month(
        actor=org["team_lead"], nomination=nomination, month=month, team=org["agent"].team
    )
    services.choose_hero_of_the_month(
        actor=org["team_lead"], nomination=nomination, month=month, team=org["agent"].team
    )
    with pytest.raises(PermissionDenied):  # a lead does not choose for the department
        services.choose_hero_of_the_month(
            actor=org["team_lead"],
            nomination=nomination,
            month=month,
            department=org["agent"].department,
        )
    services.choose_hero_of_the_month(
        actor=org["manager"], nomination=nomination, month=month, department=org["agent"].department
    )

    assert HeroOfTheMonth.objects.count() == 2
    listed = selectors.heroes_of_the_month(org["outsider"], month + datetime.timedelta(days=0))
    assert {row.nomination_id for row in listed} == {nomination.pk}


def test_only_an_approved_hero_becomes_hero_of_the_month(org, nomination):
    with pytest.raises(ValidationError):
        services.choose_hero_of_the_month(
            actor=org["team_lead"],
            nomination=nomination,
            month=timezone.localdate(),
            team=org["agent"].team,
        )
