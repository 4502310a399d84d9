"""Reads about interactions, customers and promises, shared by pages, the API and metrics."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from groundswell.core.lib.listing import datetime_formatter, url_maker
from groundswell.desk import hooks
from groundswell.desk.choices import Channel, ImportStatus, InteractionStatus, PromiseStatus
from groundswell.desk.models import Customer, ImportJob, Interaction, InteractionNote, Promise
from groundswell.people.choices import Role
from groundswell.people.models import Person, Team
from groundswell.people.permissions import (
    Action,
    can,
    can_everywhere,
    can_somewhere,
)

LIST_PAGE_SIZE = 25  # as most helpdesks page, and as the benchmark ceiling's page


def list_interactions(
    viewer: Person,
    *,
    team: Team | int | None = None,
    agent: Person | int | None = None,
    status: str = "",
    channel: str = "",
    opened_from: datetime.datetime | None = None,
    opened_to: datetime.datetime | None = None,
    customer: Customer | int | None = None,
) -> QuerySet[Interaction]:
    """Interactions `viewer` may see, newest first, narrowed by the filters given."""
    interactions = Interaction.objects.visible_to(viewer).select_related(
        "team", "handled_by", "customer"
    )
    if team is not None:
        interactions = interactions.filter(team=team)
    if agent is not None:
        interactions = interactions.filter(handled_by=agent)
    if customer is not None:
        interactions = interactions.filter(customer=customer)
    if status:
        interactions = interactions.filter(status=status)
    if channel:
        interactions = interactions.filter(channel=channel)
    if opened_from is not None:
        interactions = interactions.filter(opened_at__gte=opened_from)
    if opened_to is not None:
        interactions = interactions.filter(opened_at__lt=opened_to)
    return interactions.order_by("-opened_at", "-pk")


# Keyset pages: "the next 50 after this one", so no view ever counts the whole table ----------


@dataclass(frozen=True)
class KeysetPage[T]:
    """One page of a newest-first list and the cursor to the next, if there is one."""

    items: list[T]
    next_cursor: str | None
    cursor: str | None = None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def encode_cursor(interaction: Interaction | InteractionRow) -> str:
    return f"{interaction.opened_at.isoformat()}_{interaction.pk}"


def decode_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    """The (opened_at, id) a cursor points after; ValueError when it is not one of ours."""
    text, _sep, pk = cursor.rpartition("_")
    moment = parse_datetime(text.replace(" ", "+"))
    if moment is None or not pk.isdigit() or timezone.is_naive(moment):
        raise ValueError(_("The cursor is not valid; use the next_cursor of a previous page."))
    return moment, int(pk)


def _after(interactions: QuerySet[Interaction], cursor: str | None) -> QuerySet[Interaction]:
    if not cursor:
        return interactions
    moment, pk = decode_cursor(cursor)
    return interactions.filter(Q(opened_at__lt=moment) | Q(opened_at=moment, pk__lt=pk))


def keyset_page(
    interactions: QuerySet[Interaction], *, cursor: str | None, size: int = LIST_PAGE_SIZE
) -> KeysetPage[Interaction]:
    """The page after `cursor` (the first page without one): one query, no COUNT(*)."""
    rows = list(_after(interactions, cursor)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        items=rows,
        next_cursor=encode_cursor(rows[-1]) if more and rows else None,
        cursor=cursor,
    )


@dataclass(frozen=True, slots=True)
class InteractionRow:
    """One line of the list page, ready to show: read as plain values, no model instances."""

    pk: int
    url: str
    subject: str
    opened_at: datetime.datetime
    opened_iso: str  # opened_at in the current time zone, as the `date:"c"` filter writes it
    opened_text: str  # and in the language's short date-time format
    team: str
    handled_by: str
    customer: str
    channel: str
    status: str


ROW_FIELDS = (
    "pk",
    "subject",
    "opened_at",
    "team__name",
    "handled_by__full_name",
    "customer__name",
    "channel",
    "status",
)


def interaction_rows(values: Sequence[tuple[Any, ...]]) -> list[InteractionRow]:
    """Rows of `ROW_FIELDS` values as the list page shows them, in the active language.

    The detail URL, the date format and the choice labels are looked up once for the page,
    not once a row; "—" stands for nobody.
    """
    url = url_maker("desk:interaction-detail")
    zone = timezone.get_current_timezone()
    moment = datetime_formatter("DATETIME_FORMAT")  # as the `moment` filter shows it
    channels = {value: str(label) for value, label in Channel.choices}
    statuses = {value: str(label) for value, label in InteractionStatus.choices}
    rows = []
    for pk, subject, opened_at, team, agent, customer, channel, status in values:
        local = opened_at.astimezone(zone)
        rows.append(
            InteractionRow(
                pk=pk,
                url=url(pk),
                subject=subject,
                opened_at=opened_at,
                opened_iso=local.isoformat(),
                opened_text=moment(local),
                team=team,
                handled_by=agent or "—",
                customer=customer or "—",
                channel=channels.get(channel, channel),
                status=statuses.get(status, status),
            )
        )
    return rows


def interaction_rows_page(
    interactions: QuerySet[Interaction], *, cursor: str | None, size: int = LIST_PAGE_SIZE
) -> KeysetPage[InteractionRow]:
    """The list page's rows after `cursor`; a cursor that is not ours gives the first page.

    One query for the columns the page shows (no COUNT(*), no model instances).
    """
    try:
        after = _after(interactions, cursor)
    except ValueError:
        after, cursor = interactions, None
    values = list(after.values_list(*ROW_FIELDS)[: size + 1])
    rows = interaction_rows(values[:size])
    return KeysetPage(
        items=rows,
        next_cursor=encode_cursor(rows[-1]) if len(values) > size and rows else None,
        cursor=cursor,
    )


# One interaction -----------------------------------------------------------------------------


def get_interaction_for(
    viewer: Person, pk: int, *, action: Action = Action.VIEW_INTERACTIONS
) -> Interaction:
    """One interaction: 404 when `viewer` cannot see it, 403 when they may not do `action`."""
    interaction = (
        Interaction.objects.visible_to(viewer)
        .select_related("team__department", "handled_by", "customer", "requester_person")
        .filter(pk=pk)
        .first()
    )
    if interaction is None:
        raise Http404(_("No such interaction."))
    if action != Action.VIEW_INTERACTIONS and not can(viewer, action, interaction.team):
        raise PermissionDenied
    return interaction


def get_promise_for(
    viewer: Person, pk: int, *, action: Action = Action.VIEW_INTERACTIONS
) -> Promise:
    """One promise, on an interaction `viewer` can see (404 otherwise; 403 without `action`)."""
    promise = (
        Promise.objects.visible_to(viewer)
        .select_related("interaction__team__department", "made_by")
        .filter(pk=pk)
        .first()
    )
    if promise is None:
        raise Http404(_("No such promise."))
    if action != Action.VIEW_INTERACTIONS and not can(viewer, action, promise.interaction.team):
        raise PermissionDenied
    return promise


@dataclass(frozen=True)
class TimelineEvent:
    """Something that happened to an interaction, in the order it happened."""

    at: datetime.datetime
    kind: str
    text: str
    detail: str = ""


@dataclass(frozen=True)
class InteractionPage:
    """An interaction with its promises and timeline, as `viewer` may see it."""

    interaction: Interaction
    promises: list[Promise]
    notes: list[InteractionNote]
    timeline: list[TimelineEvent]
    can_change: bool
    # What the apps above say followed the resolution (a survey sent, or why none was).
    after_resolution: list[str] = field(default_factory=list)
    now: datetime.datetime = field(default_factory=timezone.now)


def get_interaction_page(viewer: Person, pk: int) -> InteractionPage:
    """The detail page of one interaction: opened, promises, resolved, survey answers."""
    interaction = get_interaction_for(viewer, pk)
    promises = list(interaction.promises.select_related("made_by"))
    invitations = list(interaction.invitations.select_related("response"))
    notes = list(interaction.notes.select_related("author"))
    return InteractionPage(
        interaction=interaction,
        promises=promises,
        notes=notes,
        timeline=build_timeline(
            interaction,
            promises,
            invitations,
            answers=_answers_shown(viewer, interaction),
            notes=notes,
        ),
        can_change=can(viewer, Action.CHANGE_INTERACTIONS, interaction.team),
        after_resolution=(
            hooks.follow_up_status(interaction) if interaction.resolved_at is not None else []
        ),
    )


def _answers_shown(viewer: Person, interaction: Interaction) -> set[int]:
    """The survey answers about `interaction` that `viewer` may read one by one.

    Customer voice decides (an answer names its agent, so it follows the minimum number of
    answers the dashboard keeps), through the hook it registers: desk sits below voice.
    """
    return hooks.timeline_answers(viewer, interaction)


def build_timeline(
    interaction: Interaction,
    promises: Iterable[Promise],
    invitations: Iterable[Any],
    *,
    answers: set[int] | None = None,
    notes: Iterable[InteractionNote] = (),
) -> list[TimelineEvent]:
    """Every dated event of an interaction, oldest first; of the survey answers only those in
    `answers` (response ids) when it is given."""
    events = [TimelineEvent(interaction.opened_at, "opened", _("Opened"))]
    for note in notes:
        author = note.author.full_name if note.author else _("a former colleague")
        text = _("Internal note by %(author)s") % {"author": author}
        events.append(TimelineEvent(note.created_at, "note", text, note.body))
    for promise in promises:
        events.append(
            TimelineEvent(
                promise.created_at,
                "promise",
                _("Promised: %(kind)s") % {"kind": promise.get_kind_display()},
                promise.description,
            )
        )
        if promise.settled_at is not None:
            text = (
                _("Promise kept") if promise.status == PromiseStatus.KEPT else _("Promise broken")
            )
            events.append(TimelineEvent(promise.settled_at, f"promise-{promise.status}", text))
    if interaction.resolved_at is not None:
        events.append(TimelineEvent(interaction.resolved_at, "resolved", _("Resolved")))
    for invitation in invitations:
        if invitation.sent_at is not None:
            events.append(TimelineEvent(invitation.sent_at, "survey", _("Survey sent")))
        response = getattr(invitation, "response", None)
        if response is not None and (answers is None or response.pk in answers):
            events.append(
                TimelineEvent(
                    response.submitted_at,
                    "response",
                    _("Customer answered: %(score)s") % {"score": response.score},
                    response.comment,
                )
            )
    return sorted(events, key=lambda event: event.at)


# Promises ------------------------------------------------------------------------------------


def overdue_promises_for(person: Person, *, limit: int = 20) -> list[Promise]:
    """Open promises past their due time that `person` should see to, most overdue first.

    An agent sees the promises they made or that sit on interactions they handled; a team
    lead, manager or administrator sees those of every team they may change interactions in.
    """
    promises = Promise.objects.filter(status=PromiseStatus.OPEN, due_at__lt=timezone.now())
    if Role(person.role) == Role.AGENT:
        promises = promises.filter(Q(made_by=person) | Q(interaction__handled_by=person))
    else:
        promises = promises.visible_to(person, Action.CHANGE_INTERACTIONS)
    return list(
        promises.select_related("interaction__team", "made_by").order_by("due_at", "pk")[:limit]
    )


@dataclass(frozen=True)
class PromiseRate:
    """Promises kept and broken, and the share kept (None when none were settled)."""

    kept: int
    broken: int

    @property
    def settled(self) -> int:
        return self.kept + self.broken

    @property
    def rate(self) -> float | None:
        return self.kept / self.settled if self.settled else None


def kept_promise_rate_by_team(
    *,
    teams: Iterable[Team | int] | QuerySet[Team] | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> dict[int, PromiseRate]:
    """Kept / (kept + broken) per team id, over promises due in [since, until); one query."""
    promises = Promise.objects.exclude(status=PromiseStatus.OPEN)
    if teams is not None:
        promises = promises.filter(interaction__team__in=teams)
    if since is not None:
        promises = promises.filter(due_at__gte=since)
    if until is not None:
        promises = promises.filter(due_at__lt=until)
    rows = (
        promises.values("interaction__team")
        .annotate(
            kept=Count("pk", filter=Q(status=PromiseStatus.KEPT)),
            broken=Count("pk", filter=Q(status=PromiseStatus.BROKEN)),
        )
        .order_by()
    )
    return {
        row["interaction__team"]: PromiseRate(kept=row["kept"], broken=row["broken"])
        for row in rows
    }


def list_notes(viewer: Person, interaction: Interaction) -> QuerySet[InteractionNote]:
    """The internal notes on `interaction`, oldest first, if `viewer` may see it."""
    return (
        InteractionNote.objects.visible_to(viewer)
        .filter(interaction=interaction)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def list_promises(viewer: Person, *, status: str = "") -> QuerySet[Promise]:
    """Promises on interactions `viewer` may see, soonest due first."""
    promises = Promise.objects.visible_to(viewer).select_related("interaction", "made_by")
    if status:
        promises = promises.filter(status=status)
    return promises.order_by("due_at", "pk")


# Customers -----------------------------------------------------------------------------------


def list_customers(viewer: Person, *, search: str = "") -> QuerySet[Customer]:
    """Customers whom `viewer` may see (served by a team in their view); `search` matches name
    or email."""
    if not can_somewhere(viewer, Action.VIEW_INTERACTIONS):
        raise PermissionDenied
    customers = Customer.objects.visible_to(viewer, Action.VIEW_INTERACTIONS)
    if search:
        customers = customers.filter(Q(name__icontains=search) | Q(email__icontains=search))
    return customers


def get_customer_for(
    viewer: Person, pk: int, *, action: Action = Action.VIEW_INTERACTIONS
) -> Customer:
    """One customer: 404 when `viewer` cannot see them, 403 when they may not do `action`.

    `action` reaches a customer the way it reaches interactions: through the teams that
    served them (people.permissions.teams_in_scope).
    """
    customer = Customer.objects.visible_to(viewer, Action.VIEW_INTERACTIONS).filter(pk=pk).first()
    if customer is None:
        raise Http404(_("No such customer."))
    if (
        action != Action.VIEW_INTERACTIONS
        and not Customer.objects.visible_to(viewer, action).filter(pk=pk).exists()
    ):
        raise PermissionDenied
    return customer


def interaction_filter_choices(viewer: Person) -> tuple[QuerySet[Team], QuerySet[Person]]:
    """The teams and agents the list page offers as filters: those in `viewer`'s view."""
    teams = Team.objects.visible_to(viewer, Action.VIEW_INTERACTIONS)
    agents = Person.objects.filter(team__in=teams, is_active=True).order_by("full_name")
    return teams.order_by("name"), agents


# Imports -------------------------------------------------------------------------------------

PREVIEW_PROBLEMS = 200


def get_import_job_for(viewer: Person, pk: int) -> ImportJob:
    """An import `viewer` started (administrators see every import); 404 otherwise."""
    jobs = ImportJob.objects.select_related("default_team", "created_by")
    if not can_everywhere(viewer, Action.IMPORT_INTERACTIONS):
        jobs = jobs.filter(created_by=viewer)
    job = jobs.filter(pk=pk).first()
    if job is None:
        raise Http404(_("No such import."))
    return job


def import_preview(job: ImportJob) -> dict[str, Any]:
    """The first problems of an import's report, for its page to list."""
    rows = list(csv.reader(io.StringIO(job.report)))[1:]
    file_problems = any(not line for line, _column, _message in rows)
    importable = job.created_count + job.updated_count
    return {
        "problems": rows[:PREVIEW_PROBLEMS],
        "more_problems": len(rows) > PREVIEW_PROBLEMS,
        "can_start": job.status == ImportStatus.PREVIEWED
        and importable > 0
        and not file_problems
        and (job.skip_bad_rows or not job.error_count),
    }
