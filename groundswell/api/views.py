"""Settings pages where administrators create and revoke API keys."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from groundswell.api import selectors, services
from groundswell.api.forms import ApiKeyForm
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest


@person_required(Action.MANAGE_API_KEYS)
@require_http_methods(["GET"])
def key_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "api/key_list.html", {"keys": selectors.list_api_keys(request.person)})


@person_required(Action.MANAGE_API_KEYS)
@require_http_methods(["GET", "POST"])
@never_cache
def key_create(request: AuthedRequest) -> HttpResponse:
    """Create a key and show its secret in this one response; it is never shown again."""
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = services.create_api_key(actor=request.person, **form.cleaned_data)
        return render(request, "api/key_created.html", {"created": created})
    return render(request, "api/key_form.html", {"form": form})


@person_required(Action.MANAGE_API_KEYS)
@require_http_methods(["GET", "POST"])
def key_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ask to confirm, then revoke on POST."""
    api_key = selectors.get_api_key(request.person, pk)
    if request.method == "POST":
        services.revoke_api_key(actor=request.person, api_key=api_key)
        messages.success(request, _("The key “%(name)s” is revoked.") % {"name": api_key.name})
        return redirect("api_keys:list")
    return render(request, "api/key_revoke.html", {"api_key": api_key})
