"""The public survey page at /s/<token>: no login, the customer's language, one answer.

Opening a link (even with ?score=N) records nothing but the first opening, because mail
scanners follow links; only a submitted form records an answer. The POST path does one
lookup and one insert; follow-ups and mail go to the task queue after commit.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET, require_http_methods

from groundswell.core.lib import ratelimit
from groundswell.voice.invitations import services
from groundswell.voice.invitations.forms import ResponseForm
from groundswell.voice.models import Invitation
from groundswell.voice.surveys import wording

RATE_SCOPE = "survey"


@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    """Show the question (GET) or record the answer (POST)."""
    limit = settings.GROUNDSWELL_SURVEY_POSTS_PER_MINUTE
    if request.method == "POST" and ratelimit.limit_exceeded(request, RATE_SCOPE, limit):
        return _too_many(request)
    try:
        invitation = services.find_invitation(token)
    except services.InvitationUnavailable:
        return _unavailable(request)
    with translation.override(invitation.language):
        if request.method == "POST":
            return _submit(request, invitation, token)
        return _show(request, invitation)


@require_GET
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.find_invitation(token)
    except services.InvitationUnavailable:
        return _unavailable(request)
    answer = services.existing_response(invitation)
    if answer is None:
        return HttpResponseRedirect(reverse("survey:page", kwargs={"token": token}))
    with translation.override(invitation.language):
        context = {"token": token, "can_change": services.can_still_change(answer)}
        return render(request, "voice/public/thanks.html", context)


def _show(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    answer = services.existing_response(invitation)
    if answer is not None and not services.can_still_change(answer):
        return render(request, "voice/public/answered.html")
    services.mark_opened(invitation)
    initial: dict[str, object] = {"score": request.GET.get("score")}
    if answer is not None:
        initial = {
            "score": request.GET.get("score") or answer.score,
            "comment": answer.comment,
            "reasons": answer.reasons,
        }
    form = ResponseForm(initial=initial, version=invitation.version)
    return _page(request, invitation, form)


def _submit(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    form = ResponseForm(request.POST, version=invitation.version)
    if form.is_valid():
        try:
            services.record_response(invitation, **form.cleaned_data)
        except services.AlreadyAnswered:
            return render(request, "voice/public/answered.html", status=409)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            thanks = HttpResponseRedirect(reverse("survey:thanks", kwargs={"token": token}))
            thanks.status_code = 303
            return thanks
    return _page(request, invitation, form, status=400)


def _page(
    request: HttpRequest, invitation: Invitation, form: ResponseForm, status: int = 200
) -> HttpResponse:
    version = invitation.version
    context = {
        "form": form,
        "question": wording.translated(version.question),
        "low_label": wording.translated(version.low_label),
        "high_label": wording.translated(version.high_label),
        "selected": form.selected_score(),
        "action": request.path,
    }
    return render(request, "voice/public/survey.html", context, status=status)


def _unavailable(request: HttpRequest) -> HttpResponse:
    """The same page and status for unknown and expired links: it tells nothing away."""
    return render(request, "voice/public/unavailable.html", status=404)


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "voice/public/too_many.html", status=429)
    response["Retry-After"] = str(ratelimit.WINDOW_SECONDS)
    return response
