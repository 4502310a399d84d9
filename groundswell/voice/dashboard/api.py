"""Customer-voice metrics over the API, from the same selectors as the dashboard."""

from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Query, Router

from groundswell.core.api.errors import ERROR_RESPONSES
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import ApiRequest
from groundswell.voice.dashboard import selectors
from groundswell.voice.dashboard.schemas import (
    AgentFiguresOut,
    AnalyticsSummaryOut,
    ChannelFiguresOut,
    MetricsFilter,
    SummaryOut,
    TeamFiguresOut,
    WeekFiguresOut,
)

router = Router(tags=["metrics"])


def _metrics(request: ApiRequest, filters: MetricsFilter) -> selectors.VoiceMetrics:
    if not can_somewhere(request.auth, Action.VIEW_CUSTOMER_VOICE):
        raise PermissionDenied
    chosen = selectors.VoiceFilters(
        weeks=filters.weeks, team_id=filters.team, channel=filters.channel or ""
    )
    return selectors.voice_metrics(request.auth, chosen)


@router.get("/metrics/summary", response={200: SummaryOut, **ERROR_RESPONSES})
def metrics_summary(request: ApiRequest, filters: Query[MetricsFilter]) -> dict[str, Any]:
    """Every headline figure for the period (this week and the weeks before it)."""
    metrics = _metrics(request, filters)
    return {"start": metrics.start, "weeks": filters.weeks, "figures": metrics.summary}


@router.get("/metrics/by-team", response={200: list[TeamFiguresOut], **ERROR_RESPONSES})
def metrics_by_team(request: ApiRequest, filters: Query[MetricsFilter]) -> list[dict[str, Any]]:
    rows = _metrics(request, filters).by_team
    return [{"team": row.team.pk, "name": row.team.name, "figures": row.figures} for row in rows]


@router.get("/metrics/by-agent", response={200: list[AgentFiguresOut], **ERROR_RESPONSES})
def metrics_by_agent(request: ApiRequest, filters: Query[MetricsFilter]) -> list[dict[str, Any]]:
    """Agents' scores; a score stays null until the agent has the minimum number of answers."""
    return [
        {
            "agent": row.agent.pk,
            "name": row.agent.full_name,
            "responses": row.responses,
            "suppressed": row.is_suppressed,
            "minimum": row.minimum,
            "csat": row.csat,
            "nps": row.nps,
            "ces": row.ces,
        }
        for row in _metrics(request, filters).by_agent
    ]


@router.get("/metrics/by-channel", response={200: list[ChannelFiguresOut], **ERROR_RESPONSES})
def metrics_by_channel(request: ApiRequest, filters: Query[MetricsFilter]) -> list[Any]:
    return list(_metrics(request, filters).by_channel)


@router.get("/metrics/trend", response={200: list[WeekFiguresOut], **ERROR_RESPONSES})
def metrics_trend(request: ApiRequest, filters: Query[MetricsFilter]) -> list[Any]:
    """One entry per week of the period, oldest first; empty weeks included."""
    return list(_metrics(request, filters).by_week)


@router.get("/analytics/summary", response={200: AnalyticsSummaryOut, **ERROR_RESPONSES})
def analytics_summary(request: ApiRequest) -> dict[str, Any]:
    """Interactions per team, all time, from the rollups plus the days not rolled up yet."""
    if not can_somewhere(request.auth, Action.VIEW_CUSTOMER_VOICE):
        raise PermissionDenied
    counts = selectors.interactions_by_team(request.auth)
    return {"by_team": {str(team): count for team, count in counts.items()}}
