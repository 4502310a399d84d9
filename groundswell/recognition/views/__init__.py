"""Recognition pages: the kudos feed, giving kudos, compliments, heroes, values, preferences."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from groundswell.core.lib import tabular
from groundswell.people.decorators import person_required
from groundswell.people.models import Team
from groundswell.people.permissions import Action, can, can_everywhere
from groundswell.people.typing import AuthedRequest
from groundswell.recognition import exports, huddle, reach, selectors, services, trend
from groundswell.recognition.choices import Feed
from groundswell.recognition.forms import (
    CommentForm,
    ComplimentReviewForm,
    HeroDecisionForm,
    HeroForm,
    HeroMonthForm,
    KudosForm,
    LeadershipLineForm,
    ModerateForm,
    PreferenceForm,
    ReactionForm,
    ReportForm,
    ValueForm,
)
from groundswell.recognition.models import Value


@person_required(Action.USE_RECOGNITION)
@vary_on_headers("HX-Request")
def feed(request: AuthedRequest) -> HttpResponse:
    """The kudos feed: everyone, my team or me; an HTMX tab change gets only the list back."""
    chosen = request.GET.get("feed", Feed.COMPANY)
    chosen = chosen if chosen in Feed.values else Feed.COMPANY
    page = selectors.feed_page(
        request.person,
        chosen,
        before=request.GET.get("before"),
        size=settings.GROUNDSWELL_PAGE_SIZE // 2,
    )
    context = {"feed": chosen, "feeds": Feed.choices, "page": page, "cards": page.cards}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "recognition/partials/feed_results.html" if partial else "recognition/feed.html"
    return render(request, template, context)


@person_required(Action.USE_RECOGNITION)
def kudos_create(request: AuthedRequest) -> HttpResponse:
    """Give kudos; the form's key makes a double click store one."""
    form = KudosForm(request.POST or None, viewer=request.person)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                kudos = services.give_kudos(actor=request.person, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            except services.KudosLimitReached as error:
                form.add_error(None, str(error))
                status = 429
            else:
                messages.success(request, _("Kudos sent. Thank you for noticing."))
                return redirect(kudos)
    return render(request, "recognition/kudos_form.html", {"form": form}, status=status)


def _kudos_page(request: AuthedRequest, pk: int, **extra: Any) -> dict[str, Any]:
    kudos = selectors.get_kudos_for(request.person, pk)
    card = selectors.cards(request.person, [kudos])[0]
    context = {
        "card": card,
        "kudos": kudos,
        "comment_form": CommentForm(),
        "report_form": ReportForm(),
        "moderate_form": ModerateForm(),
        "reports": selectors.open_reports_of(kudos) if card.may_moderate else [],
    }
    return context | extra


@person_required(Action.USE_RECOGNITION)
def kudos_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "recognition/kudos_detail.html", _kudos_page(request, pk))


@person_required(Action.USE_RECOGNITION)
@require_POST
def kudos_react(request: AuthedRequest, pk: int) -> HttpResponse:
    """Toggle one of the viewer's reactions; HTMX gets the reaction bar back."""
    kudos = selectors.get_kudos_for(request.person, pk)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose a reaction."), status=422)
    kind = form.cleaned_data["kind"]
    if kudos.reactions.filter(person=request.person, kind=kind).exists():
        services.unreact(actor=request.person, kudos=kudos, kind=kind)
    else:
        services.react(actor=request.person, kudos=kudos, kind=kind)
    if request.htmx:
        card = selectors.cards(request.person, [selectors.get_kudos_for(request.person, pk)])[0]
        return render(request, "recognition/partials/reactions.html", {"card": card})
    return redirect(kudos)


@person_required(Action.USE_RECOGNITION)
@require_POST
def kudos_comment(request: AuthedRequest, pk: int) -> HttpResponse:
    """Reply under a kudos; HTMX gets the comment thread back."""
    kudos = selectors.get_kudos_for(request.person, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_on(actor=request.person, kudos=kudos, body=form.cleaned_data["body"])
        if request.htmx:
            fresh = selectors.get_kudos_for(request.person, pk)
            context = {"kudos": fresh, "comment_form": CommentForm()}
            return render(request, "recognition/partials/comments.html", context)
        return redirect(kudos)
    if request.htmx:
        context = {"kudos": kudos, "comment_form": form}
        return render(request, "recognition/partials/comments.html", context, status=422)
    context = _kudos_page(request, pk, comment_form=form)
    return render(request, "recognition/kudos_detail.html", context, status=422)


@person_required(Action.USE_RECOGNITION)
@require_POST
def kudos_report(request: AuthedRequest, pk: int) -> HttpResponse:
    kudos = selectors.get_kudos_for(request.person, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.report_kudos(actor=request.person, kudos=kudos, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("reason", error.message_dict["reason"])
        else:
            messages.success(request, _("Thank you. A moderator will look at it."))
            return redirect(kudos)
    context = _kudos_page(request, pk, report_form=form)
    return render(request, "recognition/kudos_detail.html", context, status=422)


@person_required(Action.MODERATE_RECOGNITION)
@require_POST
def kudos_moderate(request: AuthedRequest, pk: int) -> HttpResponse:
    kudos = selectors.get_kudos_for(request.person, pk)
    form = ModerateForm(request.POST)
    if form.is_valid():
        hide = form.cleaned_data["decision"] == "hide"
        try:
            services.moderate_kudos(
                actor=request.person, kudos=kudos, hide=hide, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error("reason", error.message_dict["reason"])
        else:
            messages.success(request, _("Kudos hidden.") if hide else _("Kudos kept."))
            return redirect(kudos)
    context = _kudos_page(request, pk, moderate_form=form)
    return render(request, "recognition/kudos_detail.html", context, status=422)


@person_required(Action.MODERATE_RECOGNITION)
def moderation(request: AuthedRequest) -> HttpResponse:
    """Reported kudos in the viewer's teams, oldest first."""
    reported = list(selectors.reports_to_moderate(request.person)[:100])
    context = {"cards": selectors.cards(request.person, reported)}
    return render(request, "recognition/moderation.html", context)


# Compliments ----------------------------------------------------------------------------------


@person_required(Action.USE_RECOGNITION)
def compliment_list(request: AuthedRequest) -> HttpResponse:
    viewer = request.person
    context = {
        "mine": selectors.list_compliments(viewer, which="mine")[:20],
        "to_review": selectors.list_compliments(viewer, which="to_review")[:50],
        "shown": selectors.list_compliments(viewer, which="shown")[:50],
    }
    return render(request, "recognition/compliment_list.html", context)


@person_required(Action.USE_RECOGNITION)
def compliment_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    compliment = selectors.get_compliment_for(request.person, pk)
    return _compliment_page(request, compliment, ComplimentReviewForm(viewer=request.person))


def _compliment_page(
    request: AuthedRequest, compliment: Any, form: ComplimentReviewForm, status: int = 200
) -> HttpResponse:
    context = {
        "compliment": compliment,
        "customer": selectors.customer_shown(compliment),
        "may_review": selectors.may_review(request.person, compliment),
        "form": form,
    }
    return render(request, "recognition/compliment_detail.html", context, status=status)


@person_required(Action.APPROVE_RECOGNITION)
@require_POST
def compliment_review(request: AuthedRequest, pk: int) -> HttpResponse:
    compliment = selectors.get_compliment_for(request.person, pk)
    if not services.may_approve(request.person, compliment.agent):
        raise PermissionDenied
    form = ComplimentReviewForm(request.POST, viewer=request.person)
    if form.is_valid():
        try:
            services.review_compliment(
                actor=request.person,
                compliment=compliment,
                approve=form.cleaned_data["decision"] == "approve",
                values=list(form.cleaned_data["values"]),
                show_customer_name=form.cleaned_data["show_customer_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Compliment reviewed."))
            return redirect(compliment)
    return _compliment_page(request, compliment, form, status=422)


# Heroes -------------------------------------------------------------------------------------------


@person_required(Action.USE_RECOGNITION)
def hero_list(request: AuthedRequest) -> HttpResponse:
    """The hall of fame, this month's heroes, and what waits for the viewer."""
    viewer = request.person
    month = timezone.localdate().replace(day=1)
    context = {
        "month": month,
        "heroes_of_the_month": selectors.heroes_of_the_month(viewer, month),
        "hall_of_fame": selectors.hall_of_fame(viewer)[:60],
        "to_decide": selectors.heroes_to_decide(viewer)[:50],
        "mine": selectors.my_nominations(viewer)[:20],
    }
    return render(request, "recognition/hero_list.html", context)


@person_required(Action.USE_RECOGNITION)
def hero_create(request: AuthedRequest) -> HttpResponse:
    form = HeroForm(request.POST or None, viewer=request.person)
    if request.method == "POST" and form.is_valid():
        try:
            hero = services.nominate_hero(actor=request.person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Nomination sent. Their lead will decide."))
            return redirect(hero)
    status = 422 if request.method == "POST" else 200
    return render(request, "recognition/hero_form.html", {"form": form}, status=status)


def _hero_page(request: AuthedRequest, pk: int, **forms: Any) -> HttpResponse:
    hero = selectors.get_hero_for(request.person, pk)
    context = {
        "hero": hero,
        "may_decide": selectors.may_decide(request.person, hero),
        "places": selectors.places_to_choose_for(request.person, hero),
        "decision_form": forms.get("decision_form") or HeroDecisionForm(),
        "month_form": forms.get("month_form") or HeroMonthForm(),
    }
    status = 422 if forms else 200
    return render(request, "recognition/hero_detail.html", context, status=status)


@person_required(Action.USE_RECOGNITION)
def hero_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _hero_page(request, pk)


@person_required(Action.APPROVE_RECOGNITION)
@require_POST
def hero_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    hero = selectors.get_hero_for(request.person, pk)
    if not services.may_approve(request.person, hero.nominee):
        raise PermissionDenied
    form = HeroDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_hero(
                actor=request.person,
                nomination=hero,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Decision saved."))
            return redirect(hero)
    return _hero_page(request, pk, decision_form=form)


@person_required(Action.APPROVE_RECOGNITION)
@require_POST
def hero_month(request: AuthedRequest, pk: int) -> HttpResponse:
    hero = selectors.get_hero_for(request.person, pk)
    form = HeroMonthForm(request.POST)
    if form.is_valid():
        place = form.cleaned_data["place"]
        where = {"team": hero.team} if place == "team" else {"department": hero.department}
        if place == "team" and hero.team is None:
            form.add_error("place", _("The hero is in no team."))
        else:
            try:
                services.choose_hero_of_the_month(
                    actor=request.person,
                    nomination=hero,
                    month=form.cleaned_data["month"],
                    **where,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Hero of the month chosen."))
                return redirect(hero)
    return _hero_page(request, pk, month_form=form)


# Values and preferences ---------------------------------------------------------------------


@person_required(Action.USE_RECOGNITION)
def value_list(request: AuthedRequest) -> HttpResponse:
    context = {
        "values": selectors.list_values(include_retired=True),
        "may_manage": can_everywhere(request.person, Action.MANAGE_VALUES),
    }
    return render(request, "recognition/value_list.html", context)


@person_required(Action.MANAGE_VALUES)
def value_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Add a value, or change one (admins)."""
    value = Value.objects.filter(pk=pk).first() if pk is not None else None
    if pk is not None and value is None:
        raise Http404
    initial = (
        {
            "name": value.name,
            "description": value.description,
            "position": value.position,
            "is_retired": value.is_retired,
        }
        if value
        else None
    )
    form = ValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_value(actor=request.person, value=value, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Value saved."))
            return redirect("recognition:value-list")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "value": value}
    return render(request, "recognition/value_form.html", context, status=status)


@person_required(Action.USE_RECOGNITION)
def preferences(request: AuthedRequest) -> HttpResponse:
    current = selectors.preference_of(request.person)
    form = PreferenceForm(request.POST or None, initial={"hide_from_feed": current.hide_from_feed})
    if request.method == "POST" and form.is_valid():
        services.set_preference(actor=request.person, **form.cleaned_data)
        messages.success(request, _("Your choice is saved."))
        return redirect("recognition:preferences")
    return render(request, "recognition/preferences.html", {"form": form})


# Reach and fairness -----------------------------------------------------------------------------


@person_required(Action.VIEW_RECOGNITION_REACH)
def reach_page(request: AuthedRequest) -> HttpResponse:
    """Who is recognised and who is not, per team in the viewer's scope; for one team (`team`,
    else the first), recognition against customer satisfaction month by month."""
    teams = reach.teams_for(request.person).select_related("department")
    teams = teams.order_by("department__name", "name")
    chosen = teams.first()
    if request.GET.get("team"):
        try:
            chosen = teams.get(pk=int(request.GET["team"]))
        except (ValueError, Team.DoesNotExist) as error:
            raise Http404 from error
    context = {
        "reach": reach.reach_for(request.person),
        "teams": teams,
        "trend": trend.trend_for(request.person, chosen) if chosen is not None else None,
    }
    return render(request, "recognition/reach.html", context)


@person_required(Action.VIEW_RECOGNITION_REACH)
def kudos_export(request: AuthedRequest) -> HttpResponse:
    """The shown kudos in the viewer's scope as CSV, through the one safe export writer."""
    rows = exports.kudos_rows(request.person)
    stamp = timezone.localdate().isoformat()
    return tabular.csv_response(rows, filename=f"kudos-{stamp}.csv")


# The daily huddle digest ------------------------------------------------------------------------


def _huddle_team(request: AuthedRequest, team_id: int) -> Team:
    """The team whose huddle the viewer may read: their own, or one in their reach."""
    team = Team.objects.select_related("department", "lead").filter(pk=team_id).first()
    if team is None:
        raise Http404
    viewer = request.person
    if viewer.team_id != team.pk and not can(viewer, Action.VIEW_RECOGNITION_REACH, team):
        raise PermissionDenied
    return team


@person_required(Action.USE_RECOGNITION)
def huddle_page(request: AuthedRequest, team: int, day: str | None = None) -> HttpResponse:
    """A team's huddle digest for a day (today by default), with its print layout."""
    chosen = _huddle_team(request, team)
    try:
        date = datetime.date.fromisoformat(day) if day else timezone.localdate(None, chosen.zone)
    except ValueError as error:
        raise Http404 from error
    may_set_line = services.may_set_leadership_line(request.person, chosen)
    context = {
        "digest": huddle.build(chosen, date),
        "may_set_line": may_set_line,
        "line_form": LeadershipLineForm(initial={"where": "team"}) if may_set_line else None,
    }
    return render(request, "recognition/huddle.html", context)


@require_POST
@person_required(Action.USE_RECOGNITION)
def huddle_line(request: AuthedRequest, team: int) -> HttpResponse:
    """Set the line from leadership for a team or its department."""
    chosen = _huddle_team(request, team)
    if not services.may_set_leadership_line(request.person, chosen):
        raise PermissionDenied
    form = LeadershipLineForm(request.POST)
    if not form.is_valid():
        context = {
            "digest": huddle.build(chosen, timezone.localdate(None, chosen.zone)),
            "may_set_line": True,
            "line_form": form,
        }
        return render(request, "recognition/huddle.html", context, status=422)
    services.set_leadership_line(actor=request.person, team=chosen, **form.cleaned_data)
    messages.success(request, _("The line from leadership is saved."))
    return redirect("recognition:huddle-today", team=chosen.pk)
