"""The service part of the demo: a believable year of interactions, surveys and follow-ups.

Every test here uses the module's one load of the demo (`small_demo`, root conftest.py).
"""

import datetime

import freezegun
import pytest
from django.db.models import Count, F
from django.utils import timezone

from conftest import DEMO_SEED, DEMO_TODAY
from groundswell.desk.models import Interaction, Promise
from groundswell.people.demo import DemoSize, seed_demo
from groundswell.voice.choices import FollowUpStatus
from groundswell.voice.models import FollowUp, Invitation, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(small_demo, db):
    return small_demo


def test_small_demo_has_a_year_of_service(seeded):
    assert seeded.counts["interactions"] == Interaction.objects.count() == 3_000
    assert Promise.objects.exists()
    invitations = Invitation.objects.count()
    responses = Response.objects.count()
    assert 0.15 < responses / invitations < 0.35, "a realistic response rate"


def test_responses_copy_their_interactions_team_agent_and_channel(seeded):
    mismatched = Response.objects.exclude(
        team=F("invitation__interaction__team"),
        agent=F("invitation__interaction__handled_by"),
        channel=F("invitation__interaction__channel"),
    )

    assert not mismatched.exists()


def test_only_poor_answers_are_followed_up_and_closed_ones_have_an_outcome(seeded):
    assert not FollowUp.objects.filter(response__is_poor=False).exists()
    assert FollowUp.objects.count() == Response.objects.filter(is_poor=True).count()
    closed = FollowUp.objects.filter(status=FollowUpStatus.CLOSED)
    assert closed.exists()
    assert not closed.filter(outcome="").exists()
    assert FollowUp.objects.filter(status=FollowUpStatus.OPEN).exists()


def test_scores_differ_between_teams(seeded):
    from django.db.models import Avg

    means = (
        Response.objects.filter(kind="csat")
        .values("team")
        .annotate(n=Count("pk"), mean=Avg("score"))
        .filter(n__gte=20)
    )
    values = [row["mean"] for row in means]

    assert len(values) >= 2
    assert max(values) - min(values) > 0.2


def test_same_seed_gives_the_same_service_data(seeded):
    first = list(
        Response.objects.order_by("invitation__interaction__external_id").values_list(
            "invitation__interaction__external_id", "score", "comment"
        )
    )

    # Hours later (another test worker, a slow machine): the same seed and day, the same data.
    with freezegun.freeze_time(timezone.now() + datetime.timedelta(hours=7, minutes=13)):
        seed_demo(size=DemoSize.SMALL, seed=DEMO_SEED, replace=True, today=DEMO_TODAY)
    second = list(
        Response.objects.order_by("invitation__interaction__external_id").values_list(
            "invitation__interaction__external_id", "score", "comment"
        )
    )

    assert first == second


def test_wiping_the_service_and_survey_data_empties_every_rollup(seeded):
    from groundswell.desk.demo import wipe_service
    from groundswell.people.demo import demo_steps
    from groundswell.voice import models as voice
    from groundswell.voice.dashboard.rollups import refresh_voice_rollups
    from groundswell.voice.demo import wipe_surveys

    refresh_voice_rollups()
    rollups = (
        voice.DailyVoiceRollup,
        voice.DailyServiceRollup,
        voice.WeeklyVoiceRollup,
        voice.WeeklyServiceRollup,
        voice.WeeklyAgentRollup,
    )
    assert all(model.objects.exists() for model in rollups)

    # In the demo's wiping order: the later steps first (quality and recognition point at
    # interactions, and protect them), then surveys, then the service desk.
    steps = demo_steps()
    names = [step.name for step in steps]
    for step in reversed(steps[names.index("service") + 1 :]):
        if step.name != "surveys":
            step.wipe()
    wipe_surveys()
    wipe_service()

    assert not any(model.objects.exists() for model in rollups)
    assert not Interaction.objects.exists()
    assert not voice.VoiceRollupState.objects.exists()
