"""Service desk pages: interactions, their promises, and importing a helpdesk's export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from groundswell.desk import imports, selectors, services
from groundswell.desk.forms import (
    ImportUploadForm,
    InteractionFilterForm,
    InteractionForm,
    NoteForm,
    PromiseForm,
)
from groundswell.desk.models import ImportJob
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import AuthedRequest


@person_required(Action.VIEW_INTERACTIONS)
@vary_on_headers("HX-Request")
def interaction_list(request: AuthedRequest) -> HttpResponse:
    """Newest first, 25 a page; a filter changed with HTMX gets only the results back."""
    filters = InteractionFilterForm(request.GET, viewer=request.person)
    interactions = selectors.list_interactions(request.person, **filters.filters())
    page = selectors.interaction_rows_page(interactions, cursor=request.GET.get("after"))
    partial = request.htmx and not request.htmx.history_restore_request
    template = "desk/partials/interaction_results.html" if partial else "desk/interaction_list.html"
    context = {
        "filters": filters,
        "page": page,
        "can_change": can_somewhere(request.person, Action.CHANGE_INTERACTIONS),
        "can_import": can_somewhere(request.person, Action.IMPORT_INTERACTIONS),
    }
    return render(request, template, context)


@person_required(Action.VIEW_INTERACTIONS)
def interaction_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = selectors.get_interaction_page(request.person, pk)
    context = {"page": page, "form": PromiseForm(), "note_form": NoteForm()}
    return render(request, "desk/interaction_detail.html", context)


@person_required(Action.CHANGE_INTERACTIONS)
def interaction_create(request: AuthedRequest) -> HttpResponse:
    form = InteractionForm(request.POST or None, actor=request.person)
    if request.method == "POST" and form.is_valid():
        try:
            interaction = services.record_interaction(actor=request.person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Recorded the interaction."))
            return redirect(interaction)
    return render(request, "desk/interaction_form.html", {"form": form})


@person_required(Action.CHANGE_INTERACTIONS)
@require_POST
def interaction_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    """Resolve, then show the page again (HTMX swaps in the refreshed status and timeline)."""
    interaction = selectors.get_interaction_for(
        request.person, pk, action=Action.CHANGE_INTERACTIONS
    )
    try:
        services.resolve_interaction(actor=request.person, interaction=interaction)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _detail_or_partial(request, pk)


def _detail_or_partial(request: AuthedRequest, pk: int, status: int = 200) -> HttpResponse:
    if not request.htmx:
        return redirect("desk:interaction-detail", pk=pk)
    page = selectors.get_interaction_page(request.person, pk)
    context = {"page": page, "form": PromiseForm(), "note_form": NoteForm()}
    return TemplateResponse(request, "desk/partials/interaction_body.html", context, status=status)


@person_required(Action.CHANGE_INTERACTIONS)
@require_POST
def promise_create(request: AuthedRequest, pk: int) -> HttpResponse:
    interaction = selectors.get_interaction_for(
        request.person, pk, action=Action.CHANGE_INTERACTIONS
    )
    form = PromiseForm(request.POST)
    if form.is_valid():
        try:
            services.make_promise(
                actor=request.person, interaction=interaction, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _refused(request, pk, form=form)
    return _detail_or_partial(request, pk)


@person_required(Action.CHANGE_INTERACTIONS)
@require_POST
def note_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Leave an internal note; a refused one comes back with its error (422)."""
    interaction = selectors.get_interaction_for(
        request.person, pk, action=Action.CHANGE_INTERACTIONS
    )
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(actor=request.person, interaction=interaction, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _refused(request, pk, note_form=form)
    return _detail_or_partial(request, pk)


def _refused(
    request: AuthedRequest,
    pk: int,
    *,
    form: PromiseForm | None = None,
    note_form: NoteForm | None = None,
) -> HttpResponse:
    """The page again with the refused form and its errors, answered 422 (HTMX swaps it)."""
    page = selectors.get_interaction_page(request.person, pk)
    context = {"page": page, "form": form or PromiseForm(), "note_form": note_form or NoteForm()}
    partial = request.htmx
    template = "desk/partials/interaction_body.html" if partial else "desk/interaction_detail.html"
    return render(request, template, context, status=422)


@person_required(Action.CHANGE_INTERACTIONS)
@require_POST
def promise_settle(request: AuthedRequest, pk: int, outcome: str) -> HttpResponse:
    """Mark a promise kept or broken."""
    promise = selectors.get_promise_for(request.person, pk, action=Action.CHANGE_INTERACTIONS)
    settle = services.keep_promise if outcome == "keep" else services.break_promise
    try:
        settle(actor=request.person, promise=promise)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _detail_or_partial(request, promise.interaction_id)


# Import ------------------------------------------------------------------------------------------


@person_required(Action.IMPORT_INTERACTIONS)
def interaction_import(request: AuthedRequest) -> HttpResponse:
    """Upload a helpdesk export and see what importing it would do (the dry run)."""
    form = ImportUploadForm(request.POST or None, request.FILES or None, actor=request.person)
    if request.method != "POST" or not form.is_valid():
        return render(request, "desk/import_form.html", {"form": form, **imports.format_help()})
    upload = form.cleaned_data.pop("file")
    job, _plan = imports.preview_job(
        actor=request.person, content=upload.read(), filename=upload.name, **form.cleaned_data
    )
    return redirect(job)


@person_required(Action.IMPORT_INTERACTIONS)
def import_job(request: AuthedRequest, pk: int) -> HttpResponse:
    """A previewed import (with its problems) or one under way (with its progress bar)."""
    job = selectors.get_import_job_for(request.person, pk)
    template = "desk/partials/import_progress.html" if request.htmx else "desk/import_job.html"
    return render(request, template, {"job": job, **selectors.import_preview(job)})


@person_required(Action.IMPORT_INTERACTIONS)
@require_POST
def import_start(request: AuthedRequest, pk: int) -> HttpResponse:
    job = selectors.get_import_job_for(request.person, pk)
    try:
        imports.start_job(actor=request.person, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(job)


@person_required(Action.IMPORT_INTERACTIONS)
def import_report(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every bad row of an import as CSV: line, column, message."""
    job: ImportJob = selectors.get_import_job_for(request.person, pk)
    response = HttpResponse(job.report, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-problems.csv"'
    return response
