"""Summed rows are shared through the cache: the rolled-up ones until the next refresh, the live
ones (today's) for a few seconds; an explicit clock always reads afresh."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groundswell.people.models import Person, Team
from groundswell.voice import rollups
from groundswell.voice.selectors import LIVE_CACHE_SECONDS, VoiceFilters, VoiceMetrics
from groundswell.voice.tests import dashboard_data as data

DAY = datetime.timedelta(days=1)


def _answers(viewer: Person, now: datetime.datetime | None = None) -> int:
    return VoiceMetrics(viewer, VoiceFilters(), now=now).summary.responses


def test_todays_answers_are_shared_for_a_few_seconds(admin: Person, team_alpha: Team) -> None:
    now = timezone.now() - datetime.timedelta(seconds=1)
    data.answers(team_alpha, "csat", [5], at=now - 2 * DAY)
    data.answers(team_alpha, "csat", [4], at=now)
    rollups.refresh_voice_rollups()
    assert _answers(admin) == 2
    data.answers(team_alpha, "csat", [1], at=now)
    with CaptureQueriesContext(connection) as captured:
        assert _answers(admin) == 2  # as it was up to LIVE_CACHE_SECONDS ago
    assert not any("voice_response" in query["sql"] for query in captured.captured_queries)
    assert _answers(admin, now=timezone.now()) == 3
    assert 0 < LIVE_CACHE_SECONDS <= 60
    cache.clear()  # as when the seconds are up
    assert _answers(admin) == 3


def test_a_refresh_is_seen_at_once(admin: Person, team_alpha: Team) -> None:
    now = timezone.now() - datetime.timedelta(seconds=1)
    data.answers(team_alpha, "csat", [5], at=now - 2 * DAY)
    rollups.refresh_voice_rollups()
    assert _answers(admin) == 1
    data.answers(team_alpha, "csat", [3, 2], at=now - 3 * DAY)
    rollups.refresh_voice_rollups(since=timezone.localdate() - 5 * DAY)
    assert _answers(admin) == 3


def test_the_cache_follows_the_selection(
    admin: Person, team_lead: Person, team_alpha: Team, team_beta: Team
) -> None:
    now = timezone.now() - datetime.timedelta(seconds=1)
    data.answers(team_alpha, "csat", [5], at=now - 2 * DAY)
    data.answers(team_beta, "csat", [4, 4], at=now - 2 * DAY)
    data.answers(team_beta, "nps", [9], at=now, channel="phone")
    rollups.refresh_voice_rollups()
    assert _answers(admin) == 4
    assert _answers(team_lead) == 1  # Alpha only
    by_phone = VoiceMetrics(admin, VoiceFilters(channel="phone")).summary
    assert by_phone.responses == 1
    assert VoiceMetrics(admin, VoiceFilters(team_id=team_beta.pk)).summary.responses == 3
