"""Points and rewards pages (404 while `POINTS_ENABLED` is off): my points, the catalogue,
asking for a reward, and the requests a manager decides."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import AuthedRequest
from groundswell.recognition import rewards
from groundswell.recognition.forms import RedeemForm, RedemptionDecisionForm, RewardForm
from groundswell.recognition.models import Reward


def _points_page(request: AuthedRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "wallet": rewards.wallet(request.person),
        "rewards": [
            (reward, RedeemForm(initial={"idempotency_key": uuid.uuid4()}))
            for reward in rewards.list_rewards()
        ],
        "may_manage": can_somewhere(request.person, Action.MANAGE_REWARDS),
        "error": error,
    }
    return render(request, "recognition/points.html", context, status=status)


@person_required(Action.USE_RECOGNITION)
def points(request: AuthedRequest) -> HttpResponse:
    """My balance, what I have left to give this month, my ledger and the catalogue."""
    return _points_page(request)


@require_POST
@person_required(Action.USE_RECOGNITION)
def reward_redeem(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ask for a reward; its points are held until a manager decides."""
    reward = rewards.list_rewards().filter(pk=pk).first()
    if reward is None or not rewards.enabled():
        raise Http404
    form = RedeemForm(request.POST)
    key = form.cleaned_data["idempotency_key"] if form.is_valid() else None
    try:
        rewards.redeem(actor=request.person, reward=reward, idempotency_key=key)
    except ValidationError as error:
        return _points_page(request, error=" ".join(error.messages), status=422)
    messages.success(request, _("Asked. Your points are held until a manager decides."))
    return redirect("recognition:points")


@person_required(Action.MANAGE_REWARDS)
def reward_list(request: AuthedRequest) -> HttpResponse:
    """The whole catalogue, retired rewards too, and the requests waiting for a decision."""
    if not rewards.enabled():
        raise Http404
    context = {
        "rewards": rewards.list_rewards(include_retired=True),
        "waiting": [
            (redemption, RedemptionDecisionForm())
            for redemption in rewards.redemptions_to_decide(request.person)
        ],
    }
    return render(request, "recognition/reward_list.html", context)


@person_required(Action.MANAGE_REWARDS)
def reward_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Add a reward to the catalogue or change one."""
    if not rewards.enabled():
        raise Http404
    reward = Reward.objects.filter(pk=pk).first() if pk is not None else None
    if pk is not None and reward is None:
        raise Http404
    initial = (
        {k: getattr(reward, k) for k in ("name", "description", "cost", "is_active")}
        if reward
        else None
    )
    form = RewardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rewards.save_reward(actor=request.person, reward=reward, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Reward saved."))
            return redirect("recognition:reward-list")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "recognition/reward_form.html", {"form": form, "reward": reward}, status=status
    )


@require_POST
@person_required(Action.MANAGE_REWARDS)
def redemption_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    """Approve or decline a request for a reward (declined: the points go back)."""
    if not rewards.enabled():
        raise Http404
    redemption = rewards.get_redemption_for(request.person, pk)
    form = RedemptionDecisionForm(request.POST)
    if form.is_valid():
        try:
            rewards.decide_redemption(
                actor=request.person,
                redemption=redemption,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("recognition:reward-list")
        messages.success(request, _("Decision saved."))
        return redirect("recognition:reward-list")
    messages.error(request, _("Choose approve or decline."))
    return redirect("recognition:reward-list")
