"""The customer-voice dashboard: headline figures, trend, distributions, tables and CSV exports."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from groundswell.core.typing import AuthedRequest
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.voice import selectors
from groundswell.voice.dashboard_forms import DashboardFilterForm
from groundswell.voice.dashboard_tables import TABLES, chart_data, table_csv


@person_required(Action.VIEW_CUSTOMER_VOICE)
@vary_on_headers("HX-Request")
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The dashboard; a filter changed with HTMX gets only the dashboard body back."""
    form = DashboardFilterForm(request.GET, viewer=request.person)
    figures = selectors.voice_metrics(request.person, form.filters())
    partial = request.htmx and not request.htmx.history_restore_request
    template = "voice/partials/dashboard_body.html" if partial else "voice/dashboard.html"
    context = {"form": form, "figures": figures, "charts": chart_data(figures)}
    return render(request, template, context)


@person_required(Action.VIEW_CUSTOMER_VOICE)
def dashboard_export(request: AuthedRequest, table: str) -> HttpResponse:
    """One dashboard table as CSV, with the same filters and the same figures."""
    if table not in TABLES:
        raise Http404
    form = DashboardFilterForm(request.GET, viewer=request.person)
    figures = selectors.voice_metrics(request.person, form.filters())
    response = HttpResponse(table_csv(figures, table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="groundswell-voice-by-{table}.csv"'
    return response
