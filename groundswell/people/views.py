"""People pages: the directory, profiles, departments, teams and the CSV import."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from groundswell.people import imports, selectors, services
from groundswell.people.decorators import person_required
from groundswell.people.forms import (
    DirectoryFilterForm,
    ImportConfirmForm,
    ImportUploadForm,
    PersonForm,
)
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest


@person_required(Action.VIEW_DIRECTORY)
@vary_on_headers("HX-Request")
def person_list(request: AuthedRequest) -> HttpResponse:
    """The directory; a search or filter made with HTMX gets only the results table back."""
    filters = DirectoryFilterForm(request.GET)
    people = selectors.list_directory(request.person, **filters.filters())
    page = Paginator(people, settings.GROUNDSWELL_PAGE_SIZE).get_page(request.GET.get("page"))
    partial = request.htmx and not request.htmx.history_restore_request
    template = "people/partials/directory_results.html" if partial else "people/person_list.html"
    return render(request, template, {"filters": filters, "page": page, "partial": partial})


@person_required(Action.VIEW_DIRECTORY)
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    profile = selectors.get_person_profile(request.person, pk)
    return render(request, "people/person_detail.html", {"profile": profile})


@person_required(Action.CHANGE_PERSON)
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.get_person_for(request.person, pk, action=Action.CHANGE_PERSON)
    form = PersonForm(request.POST or None, instance=person, actor=request.person)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(actor=request.person, person=person, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the changes to %(name)s.") % {"name": person})
            return redirect(person)
    return render(request, "people/person_edit.html", {"form": form, "subject": person})


@person_required(Action.VIEW_DIRECTORY)
def department_list(request: AuthedRequest) -> HttpResponse:
    departments = selectors.list_departments()
    return render(request, "people/department_list.html", {"departments": departments})


@person_required(Action.VIEW_DIRECTORY)
def department_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    page = selectors.get_department_page(request.person, slug)
    return render(request, "people/department_detail.html", {"page": page})


@person_required(Action.VIEW_DIRECTORY)
def team_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    page = selectors.get_team_page(request.person, slug)
    return render(request, "people/team_detail.html", {"page": page})


@person_required(Action.IMPORT_PEOPLE)
def person_import(request: AuthedRequest) -> HttpResponse:
    """Upload a CSV or Excel file and see, row by row, what importing it would do."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "people/import_form.html", {"form": form, **imports.format_help()})
    content, name = form.cleaned_data["file"]
    result = imports.preview_import(actor=request.person, content=content, filename=name)
    # Kept either way: a good file to confirm, a bad one for its downloadable problem report.
    upload = imports.keep_upload(request.person, content, name)
    confirm = ImportConfirmForm(initial={"upload": upload.pk})
    context = {"result": result, "confirm": confirm, "upload_id": upload.pk}
    return render(request, "people/import_preview.html", context)


@person_required(Action.IMPORT_PEOPLE)
@require_POST
def person_import_confirm(request: AuthedRequest) -> HttpResponse:
    """Import the previewed file in one transaction, or show why nothing was imported."""
    form = ImportConfirmForm(request.POST)
    kept = None
    if form.is_valid():
        # Someone else's upload is refused (403), never imported.
        kept = imports.recall_upload(request.person, form.cleaned_data["upload"])
    if kept is None:
        messages.error(request, _("That preview has expired. Please upload the file again."))
        return redirect("people:import")
    content, name = kept
    result = imports.commit_import(actor=request.person, content=content, filename=name)
    if not result.committed:
        context = {"result": result, "upload_id": form.cleaned_data["upload"]}
        return render(request, "people/import_preview.html", context)
    imports.forget_upload(request.person, form.cleaned_data["upload"])
    count = result.importable_count
    text = ngettext("Imported %(count)s person.", "Imported %(count)s people.", count)
    messages.success(request, text % {"count": count})
    return redirect("people:person-list")


@person_required(Action.IMPORT_PEOPLE)
def person_import_problems(request: AuthedRequest, upload_id: uuid.UUID) -> HttpResponse:
    """Every problem of a previewed file as CSV (line, column, message); its uploader only."""
    kept = imports.recall_upload(request.person, upload_id)
    if kept is None:
        raise Http404
    content, name = kept
    result = imports.preview_import(actor=request.person, content=content, filename=name)
    return result.report.csv_response(filename="groundswell-people-problems.csv")


@person_required(Action.IMPORT_PEOPLE)
def person_import_template(request: AuthedRequest) -> HttpResponse:
    """A CSV with the expected columns and two example rows from the viewer's organisation."""
    response = HttpResponse(
        imports.template_csv(request.person), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="groundswell-people.csv"'
    return response
