from django.http import HttpResponse
from django.shortcuts import render

from groundswell.core.typing import AuthedRequest
from groundswell.people import selectors
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action


@person_required(Action.VIEW_DIRECTORY)
def person_list(request: AuthedRequest) -> HttpResponse:
    people = selectors.list_people(request.person, search=request.GET.get("q", ""))
    return render(request, "people/person_list.html", {"people": people[:50]})


@person_required(Action.VIEW_DIRECTORY)
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.get_person_for(request.person, pk)
    return render(request, "people/person_detail.html", {"subject": person})


@person_required(Action.VIEW_DIRECTORY)
def department_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    raise NotImplementedError  # being built in this change


@person_required(Action.VIEW_DIRECTORY)
def team_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    raise NotImplementedError  # being built in this change


@person_required(Action.IMPORT_PEOPLE)
def person_import(request: AuthedRequest) -> HttpResponse:
    raise NotImplementedError  # being built in this change
