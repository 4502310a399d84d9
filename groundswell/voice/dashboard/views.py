"""The customer-voice dashboard: headline figures, trend, distributions, tables and CSV exports."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.vary import vary_on_headers

from groundswell.core.lib import tabular
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest
from groundswell.voice.dashboard import selectors
from groundswell.voice.dashboard.forms import DashboardFilterForm
from groundswell.voice.dashboard.tables import TABLES, chart_data, table_rows, weekly_trends


@person_required(Action.VIEW_CUSTOMER_VOICE)
@vary_on_headers("HX-Request")
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The dashboard; a filter changed with HTMX gets only the dashboard body back.

    The body (figures, tables and chart data) is cached as HTML for as long as the figures it
    shows: until the rollups are refreshed or the live rows are read again, whichever is first.
    Everyone who selects the same rows in the same language shares it.
    """
    form = DashboardFilterForm(request.GET, viewer=request.person)
    figures = selectors.voice_metrics(request.person, form.filters())

    def render_body() -> str:
        trends = weekly_trends(figures)
        context = {"figures": figures, "trends": trends, "charts": chart_data(figures, trends)}
        return render_to_string("voice/partials/dashboard_body.html", context, request=request)

    # The query string is in the body's export links.
    key = (figures.live_version, get_language(), request.GET.urlencode())
    body = mark_safe(figures.cached("page", render_body, live=True, extra=key))  # noqa: S308 (our template)
    if request.htmx and not request.htmx.history_restore_request:
        return HttpResponse(body)
    return render(request, "voice/dashboard.html", {"form": form, "body": body})


@person_required(Action.VIEW_CUSTOMER_VOICE)
def dashboard_export(request: AuthedRequest, table: str) -> HttpResponse:
    """One dashboard table as CSV, with the same filters and the same figures."""
    if table not in TABLES:
        raise Http404
    form = DashboardFilterForm(request.GET, viewer=request.person)
    figures = selectors.voice_metrics(request.person, form.filters())
    header, rows = table_rows(figures, table)
    return tabular.csv_response([header, *rows], filename=f"groundswell-voice-by-{table}.csv")
