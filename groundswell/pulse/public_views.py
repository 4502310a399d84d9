"""The answer page: no login, one use, nothing about the person kept with the answers.

The emailed link /p/<token>/ only hands the token to the browser, in a short-lived signed
cookie, and redirects to /p/answer/: so the token appears in one logged request line (which
the log filter redacts, groundswell/core/logs.py) and never in the page's own URL, its
referrers or its history.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from groundswell.core.lib import tokens
from groundswell.pulse import services
from groundswell.pulse.models import Participation

UNAVAILABLE_STATUS = {"unknown": 404, "used": 410, "expired": 410}
LINK_COOKIE = "pulse_link"
LINK_SALT = "groundswell.pulse.link"
LINK_MAX_AGE = 12 * 60 * 60  # long enough to answer, short enough not to linger


@never_cache
@require_GET
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """Keep the emailed token in a signed cookie and continue at the token-free answer page."""
    response = redirect("pulse-answer:answer")
    response.set_signed_cookie(
        LINK_COOKIE,
        token if len(token) <= tokens.MAX_TOKEN_LENGTH else "",
        salt=LINK_SALT,
        max_age=LINK_MAX_AGE,
        path=reverse("pulse-answer:answer"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def answer_page(request: HttpRequest) -> HttpResponse:
    """Show the questions (GET) or record the anonymous answers (POST)."""
    token = (
        request.get_signed_cookie(LINK_COOKIE, default="", salt=LINK_SALT, max_age=LINK_MAX_AGE)
        or ""
    )
    try:
        participation = services.find_participation(token)
        if request.method == "POST":
            services.submit_answers(
                token=token, answers=request.POST.dict(), comment=request.POST.get("comment", "")
            )
            response = redirect("pulse-answer:thanks")
            response.delete_cookie(LINK_COOKIE, path=reverse("pulse-answer:answer"))
            return response
    except services.LinkUnavailable as error:
        context = {"reason": error.reason}
        return render(
            request,
            "pulse/public/unavailable.html",
            context,
            status=UNAVAILABLE_STATUS[error.reason],
        )
    except ValidationError as error:
        return _page(request, participation, error.message_dict, status=400)
    return _page(request, participation, {})


def _page(
    request: HttpRequest,
    participation: Participation,
    errors: dict[str, list[str]],
    status: int = 200,
) -> HttpResponse:
    campaign = participation.wave.campaign
    questions = [
        {"question": q, "field": f"q{q.pk}", "errors": errors.get(f"q{q.pk}", []),
         "value": request.POST.get(f"q{q.pk}", ""), "choices": q.choices()}
        for q in campaign.questions.all()
    ]  # fmt: skip
    context = {
        "campaign": campaign,
        "wave": participation.wave,
        "questions": questions,
        "errors": errors,
        "comment": request.POST.get("comment", ""),
        "comment_errors": errors.get("comment", []),
    }
    return render(request, "pulse/public/answer.html", context, status=status)


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "pulse/public/thanks.html")
