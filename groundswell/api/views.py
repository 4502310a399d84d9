from django.http import HttpResponse
from django.shortcuts import render

from groundswell.core.typing import AuthedRequest
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action


@person_required(Action.MANAGE_API_KEYS)
def key_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "api/key_list.html", {"keys": []})
