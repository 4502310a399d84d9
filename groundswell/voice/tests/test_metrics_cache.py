"""Summed rows are shared through the cache: the rolled-up ones until the next refresh, the live
ones (today's) for a few seconds; an explicit clock always reads afresh."""

import datetime
import time
from collections.abc import Callable
from typing import Any
from unittest.mock import ANY

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groundswell.people.models import Person, Team
from groundswell.voice.dashboard import rollups
from groundswell.voice.dashboard.selectors import LIVE_CACHE_SECONDS, VoiceFilters, VoiceMetrics
from groundswell.voice.tests import factories as data

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


def test_with_the_cache_off_every_reading_is_fresh(
    admin: Person, team_alpha: Team, client: Client, settings: Any
) -> None:
    """METRICS_CACHE=false: what the benchmark's cold dashboard measures."""
    settings.GROUNDSWELL_METRICS_CACHE = False
    now = timezone.now() - datetime.timedelta(seconds=1)
    data.answers(team_alpha, "csat", [4], at=now)
    assert _answers(admin) == 1
    data.answers(team_alpha, "csat", [1], at=now)
    assert _answers(admin) == 2  # not the reading of a moment ago
    client.force_login(admin.user)
    url = reverse("voice_dashboard:dashboard")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).status_code == 200
    assert any("voice_response" in query["sql"] for query in again.captured_queries), (
        "the second page view reads today's answers again"
    )


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


# The dashboard's body is cached as HTML for as long as the rows it is drawn from.

BODY = "voice/partials/dashboard_body.html"


def _page(client: Client, **params: Any) -> tuple[bool, str]:
    """Whether the request rendered the dashboard body afresh, and the page."""
    response = client.get(reverse("voice_dashboard:dashboard"), params, **_language(params))
    assert response.status_code == 200
    return BODY in [template.name for template in response.templates], response.text


def _language(params: dict[str, Any]) -> dict[str, str]:
    language = params.pop("language", "en")
    return {"HTTP_ACCEPT_LANGUAGE": language}


def test_the_page_is_shared_until_the_live_rows_are_read_again(
    admin: Person, team_alpha: Team, client_for: Callable[[Person], Client], monkeypatch: Any
) -> None:
    now = timezone.now() - datetime.timedelta(seconds=1)
    data.answers(team_alpha, "csat", [5, 4], at=now - 2 * DAY)
    rollups.refresh_voice_rollups()
    client = client_for(admin)
    rendered, page = _page(client)
    assert rendered
    assert "· 2 answers" in page
    data.answers(team_alpha, "csat", [1], at=now)

    with CaptureQueriesContext(connection) as captured:
        rendered, page = _page(client)
    assert not rendered
    assert "· 2 answers" in page
    assert not any("voice_response" in query["sql"] for query in captured.captured_queries)

    later = time.time() + LIVE_CACHE_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)  # the cache's clock
    rendered, page = _page(client)
    assert rendered
    assert "· 3 answers" in page


def test_the_page_follows_scope_language_and_filters(
    admin: Person,
    team_lead: Person,
    team_alpha: Team,
    team_invoices: Team,
    client_for: Callable[[Person], Client],
) -> None:
    now = timezone.now() - datetime.timedelta(seconds=1)
    data.answers(team_alpha, "csat", [5], at=now - 2 * DAY)
    data.answers(team_invoices, "csat", [2], at=now - 2 * DAY)
    rollups.refresh_voice_rollups()
    as_admin, as_lead = client_for(admin), client_for(team_lead)

    assert _page(as_admin) == (True, ANY)
    assert _page(as_admin) == (False, ANY)
    rendered, page = _page(as_lead)  # fewer teams: other rows, never the admin's page
    assert rendered
    assert "Invoices" in _page(as_admin)[1]
    assert "Invoices" not in page
    assert _page(as_admin, language="de")[0]
    assert _page(as_admin, channel="phone")[0]
    assert _page(as_admin, weeks=52)[0]
    assert not _page(as_admin, weeks=52)[0]
    rollups.refresh_voice_rollups(since=timezone.localdate() - 5 * DAY)
    assert _page(as_admin)[0]  # a refresh is seen at once
