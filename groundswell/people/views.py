"""People pages: the directory, profiles, departments, teams and the CSV import."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
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
    """Upload a CSV file and see, row by row, what importing it would do."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "people/import_form.html", {"form": form, **imports.format_help()})
    content = form.cleaned_data["file"]
    result = imports.preview_import(actor=request.person, content=content)
    token = imports.remember_upload(request.session, content) if result.is_valid else ""
    confirm = ImportConfirmForm(initial={"token": token})
    return render(request, "people/import_preview.html", {"result": result, "confirm": confirm})


@person_required(Action.IMPORT_PEOPLE)
@require_POST
def person_import_confirm(request: AuthedRequest) -> HttpResponse:
    """Import the previewed file in one transaction, or show why nothing was imported."""
    content = imports.recall_upload(request.session, request.POST.get("token", ""))
    if content is None:
        messages.error(request, _("That preview has expired. Please upload the file again."))
        return redirect("people:import")
    result = imports.commit_import(actor=request.person, content=content)
    if not result.committed:
        return render(request, "people/import_preview.html", {"result": result})
    imports.forget_upload(request.session)
    count = result.importable_count
    text = ngettext("Imported %(count)s person.", "Imported %(count)s people.", count)
    messages.success(request, text % {"count": count})
    return redirect("people:person-list")


@person_required(Action.IMPORT_PEOPLE)
def person_import_template(request: AuthedRequest) -> HttpResponse:
    """A CSV with the expected columns and two example rows."""
    response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="groundswell-people.csv"'
    return response
