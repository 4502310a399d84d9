"""CES 2.0 beside the legacy effort answers, and the metrics API rounded as the page is."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from groundswell.people.models import Person, Team
from groundswell.voice.choices import Scale, SurveyKind
from groundswell.voice.dashboard import rollups, selectors
from groundswell.voice.models import DailyVoiceRollup, Survey, SurveyVersion
from groundswell.voice.tests import factories as data

pytestmark = pytest.mark.django_db
API = "/api/v1"
DAY = datetime.timedelta(days=1)
ClientFor = Callable[[Person], Client]


def test_the_migrations_publish_a_ces2_version_after_the_legacy_effort_one() -> None:
    survey = Survey.objects.get(kind=SurveyKind.CES, name=data.DEFAULT_NAMES[SurveyKind.CES])
    legacy, ces2 = survey.versions.order_by("number")
    assert (legacy.number, legacy.scale) == (1, Scale.CES_EFFORT_LEGACY)
    assert legacy.question.startswith("How much effort")
    assert (ces2.number, ces2.scale) == (2, Scale.CES2_AGREEMENT)
    assert "made it easy for me to handle my issue" in ces2.question
    assert (ces2.low_label, ces2.high_label) == ("Strongly disagree", "Strongly agree")
    assert survey.poor_threshold == 3  # effort 5 or more was poor: agreement 3 or less is
    assert set(
        SurveyVersion.objects.exclude(survey__kind=SurveyKind.CES).values_list("scale", flat=True)
    ) == {Scale.CSAT_1_5, Scale.NPS_0_10}


@pytest.mark.parametrize("rolled_up", [True, False])
def test_ces_reads_ces2_answers_and_counts_legacy_effort_answers_apart(
    rolled_up: bool, admin: Person, team_alpha: Team
) -> None:
    at = timezone.now() - (2 * DAY if rolled_up else datetime.timedelta(seconds=1))
    data.answers(team_alpha, "ces", [7, 6, 5, 2], at=at)
    # Effort 1 (very little) is a good answer: averaged in, it would pull CES 2.0 down.
    data.answers(team_alpha, "ces", [1, 1, 1], at=at, version=data.legacy_effort_version())
    if rolled_up:
        rollups.refresh_voice_rollups()
        kinds = set(DailyVoiceRollup.objects.values_list("kind", flat=True))
        assert kinds == {"ces", "ces_effort"}

    summary = selectors.voice_metrics(admin).summary
    assert summary.ces is not None
    assert summary.ces.n == 4
    assert summary.ces.mean == 5.0
    assert summary.ces.agree == 75.0
    assert summary.ces_legacy_answers == 3
    assert summary.responses == 7


def test_page_and_api_give_the_same_rounded_figures(
    admin: Person, team_alpha: Team, client_for: ClientFor
) -> None:
    """85 of 200 favourable and an NPS of 42.5: half away from zero gives 43 on both (half to
    even would give 42)."""
    at = timezone.now() - 2 * DAY
    data.answers(team_alpha, "csat", [5] * 85 + [3] * 115, at=at)
    data.answers(team_alpha, "nps", [10] * 85 + [8] * 115, at=at)
    data.answers(team_alpha, "ces", [6, 6, 5, 5, 5, 5, 5, 5], at=at)  # mean 5.25
    rollups.refresh_voice_rollups()
    client = client_for(admin)

    figures = client.get(f"{API}/metrics/summary").json()["figures"]
    assert figures["csat"]["favourable"] == 43
    assert figures["csat"]["favourable_unrounded"] == 42.5
    assert figures["nps"]["score"] == 43
    assert figures["nps"]["score_unrounded"] == 42.5
    assert figures["ces"]["mean"] == 5.25
    assert figures["ces"]["agree"] == 100
    assert figures["ces"]["scale"] == "ces2_agreement_1_7"
    assert figures["ces_legacy_answers"] == 0

    page = client.get("/voice/dashboard/").content.decode()
    assert '<p class="stat">43%</p>' in page
    assert '<p class="stat">43</p>' in page
    assert '<p class="stat">100%</p>' in page  # CES 2.0: the share who agree
    assert "mean 5.25 of 7" in page
