from django.http import HttpResponse

from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest


@person_required(Action.VIEW_QUALITY)
def home(request: AuthedRequest) -> HttpResponse:
    return HttpResponse("")
