"""The answer page at /p/<token>/: no login, one use, nothing about the person kept with it."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from groundswell.pulse import services
from groundswell.pulse.models import Participation

UNAVAILABLE_STATUS = {"unknown": 404, "used": 410, "expired": 410}


@never_cache
@require_http_methods(["GET", "POST"])
def answer_page(request: HttpRequest, token: str) -> HttpResponse:
    """Show the questions (GET) or record the anonymous answers (POST)."""
    try:
        participation = services.find_participation(token)
        if request.method == "POST":
            services.submit_answers(
                token=token, answers=request.POST.dict(), comment=request.POST.get("comment", "")
            )
            return redirect("pulse-answer:thanks")
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
