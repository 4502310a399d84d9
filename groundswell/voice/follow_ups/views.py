"""Staff pages for closing the loop: the follow-up list and one follow-up."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.core.forms import add_service_errors
from groundswell.core.templatetags.moments import moment
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can
from groundswell.people.typing import AuthedRequest
from groundswell.voice.follow_ups import selectors, services
from groundswell.voice.follow_ups.forms import FollowUpCloseForm, FollowUpFilterForm


@person_required(Action.VIEW_FOLLOW_UPS)
def follow_up_list(request: AuthedRequest) -> HttpResponse:
    """Follow-ups in the viewer's teams; overdue ones stand out."""
    filters = FollowUpFilterForm(request.GET)
    state = filters.state_value()
    items = selectors.list_follow_ups(request.person, state=state)
    page = Paginator(items, settings.GROUNDSWELL_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filters": filters, "state": state, "page": page}
    return render(request, "voice/follow_up_list.html", context)


@person_required(Action.VIEW_FOLLOW_UPS)
def follow_up_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One follow-up; the form to close it only for those who may (executives only read)."""
    follow_up = selectors.get_follow_up_for(request.person, pk)
    may_close = can(request.person, Action.HANDLE_FOLLOW_UPS, follow_up.team)
    context = {"follow_up": follow_up, "form": FollowUpCloseForm(), "may_close": may_close}
    return render(request, "voice/follow_up_detail.html", context)


@person_required(Action.HANDLE_FOLLOW_UPS)
@require_POST
def follow_up_close(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record the outcome of reaching out; the form comes back with errors if incomplete."""
    follow_up = selectors.get_follow_up_for(request.person, pk)
    form = FollowUpCloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_follow_up(actor=request.person, follow_up=follow_up, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Follow-up closed. Thank you for closing the loop."))
            return redirect("voice:follow-up-list")
    context = {"follow_up": follow_up, "form": form, "may_close": True}
    return render(request, "voice/follow_up_detail.html", context, status=400)


@person_required(Action.HANDLE_FOLLOW_UPS)
@require_POST
def follow_up_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    """Open a follow-up closed as "not reached" for another try; the earlier one is kept."""
    follow_up = selectors.get_follow_up_for(request.person, pk)
    try:
        follow_up = services.retry_follow_up(actor=request.person, follow_up=follow_up)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Open again for another try, due %(due)s.") % {"due": moment(follow_up.due_at)},
        )
    return redirect(follow_up)
