"""Writes about service interactions, customers and promises: one function per use case."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.lib.prepared import PreparedInsert, PreparedLookup
from groundswell.desk import hooks
from groundswell.desk.choices import InteractionStatus, PromiseKind, PromiseStatus
from groundswell.desk.models import (
    NOTE_MAX_LENGTH,
    SOURCE_GROUNDSWELL,
    Customer,
    Interaction,
    InteractionNote,
    Promise,
)
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, can, can_everywhere, can_somewhere
from groundswell.people.readiness import not_ready_message, person_is_ready

RESOLVED_STATUSES = frozenset({InteractionStatus.RESOLVED, InteractionStatus.CLOSED})

# Fields an upsert may set directly on the interaction, as sent.
PLAIN_FIELDS = (
    "channel",
    "status",
    "subject",
    "topics",
    "opened_at",
    "resolved_at",
    "handle_time_seconds",
)
# Relations are checked by hand (one query each, at most), so full_clean skips them.
RELATION_FIELDS = ("team", "customer", "handled_by", "requester_person")


def check_can_change(actor: Person, team: Team) -> None:
    """Raise PermissionDenied unless `actor` may record or change interactions of `team`."""
    if not can(actor, Action.CHANGE_INTERACTIONS, team):
        raise PermissionDenied(
            _("You may not change interactions of the team %(team)s.") % {"team": team}
        )


def out_of_reach() -> PermissionDenied:
    """The one refusal for a write outside the caller's teams, whatever put it there.

    An ingest naming a team the caller may not write in, and one whose (source, external_id)
    belongs to an interaction of such a team, get this same answer, so the ingest cannot be
    used to find out which ids other teams have.
    """
    return PermissionDenied(
        _(
            "You may not record or change interactions there: the team, or the team of the "
            "interaction with this id, is not one of yours."
        )
    )


def check_interaction(interaction: Interaction) -> None:
    """Every rule an interaction must meet, as a ValidationError naming the field.

    Relations are left to the caller (who loaded them already), so checking costs no query.
    """
    try:
        interaction.clean_fields(exclude=RELATION_FIELDS)
    except ValidationError as error:
        errors = error.message_dict
    else:
        errors = {}
    if interaction.customer_id is not None and interaction.requester_person_id is not None:
        errors.setdefault("customer", []).append(
            _("Give either a customer or an internal requester, not both.")
        )
    opened, resolved = interaction.opened_at, interaction.resolved_at
    if opened is not None and resolved is not None and resolved < opened:
        errors.setdefault("resolved_at", []).append(
            _("An interaction cannot be resolved before it was opened.")
        )
    if not isinstance(interaction.topics, list) or not all(
        isinstance(topic, str) for topic in interaction.topics
    ):
        errors.setdefault("topics", []).append(_("Topics are a list of words."))
    if errors:
        raise ValidationError(errors)


def check_handler_ready(person: Person | None, *, field: str = "handled_by") -> None:
    """Refuse to give a live interaction to someone not yet signed off (the readiness gate)."""
    if person is not None and not person_is_ready(person):
        raise ValidationError({field: not_ready_message(person)})


def _after_resolution(interaction: Interaction) -> None:
    """Tell the apps above (customer voice asks the customer about the service), once the
    resolution is safely stored."""
    transaction.on_commit(lambda: hooks.interaction_resolved(interaction))


@transaction.atomic
def create_interaction(
    *,
    actor: Person,
    team: Team,
    channel: str,
    subject: str,
    customer: Customer | None = None,
    requester_person: Person | None = None,
    handled_by: Person | None = None,
    status: str = InteractionStatus.OPEN,
    opened_at: datetime.datetime | None = None,
    topics: Sequence[str] = (),
    handle_time_seconds: int | None = None,
) -> Interaction:
    """Record a service interaction handled in Groundswell itself."""
    check_can_change(actor, team)
    check_handler_ready(handled_by)
    interaction = Interaction(
        team=team,
        channel=channel,
        subject=subject.strip(),
        customer=customer,
        requester_person=requester_person,
        handled_by=handled_by,
        status=status,
        opened_at=opened_at or timezone.now(),
        topics=list(topics),
        handle_time_seconds=handle_time_seconds,
        source=SOURCE_GROUNDSWELL,
    )
    _check_people(interaction)
    if status in RESOLVED_STATUSES:
        interaction.resolved_at = max(timezone.now(), interaction.opened_at)
    check_interaction(interaction)
    interaction.save()
    if status in RESOLVED_STATUSES:
        _after_resolution(interaction)
    return interaction


def _check_people(interaction: Interaction) -> None:
    requester = interaction.requester_person
    if requester is not None and requester.department_id == interaction.team.department_id:
        raise ValidationError(
            {
                "requester_person": _(
                    "An internal requester comes from another department than the team's."
                )
            }
        )


@transaction.atomic
def resolve_interaction(
    *, actor: Person, interaction: Interaction, resolved_at: datetime.datetime | None = None
) -> Interaction:
    """Mark an interaction resolved now (or at `resolved_at`); the customer is then surveyed."""
    check_can_change(actor, interaction.team)
    locked = Interaction.objects.select_for_update().get(pk=interaction.pk)
    if locked.status in RESOLVED_STATUSES:
        raise ValidationError({"status": _("This interaction is already resolved.")})
    interaction.status = InteractionStatus.RESOLVED
    interaction.resolved_at = max(resolved_at or timezone.now(), interaction.opened_at)
    check_interaction(interaction)
    interaction.save(update_fields=["status", "resolved_at", "updated_at"])
    _after_resolution(interaction)
    return interaction


@transaction.atomic
def make_promise(
    *,
    actor: Person,
    interaction: Interaction,
    kind: str,
    due_at: datetime.datetime,
    description: str = "",
) -> Promise:
    """Record a commitment made to the requester during `interaction`, due by `due_at`."""
    check_can_change(actor, interaction.team)
    if kind not in PromiseKind.values:
        raise ValidationError({"kind": _("Unknown kind of promise “%(kind)s”.") % {"kind": kind}})
    promise = Promise(
        interaction=interaction,
        kind=kind,
        description=description.strip(),
        made_by=actor,
        due_at=due_at,
    )
    if due_at < interaction.opened_at:
        raise ValidationError({"due_at": _("A promise cannot fall due before the interaction.")})
    promise.full_clean(exclude=["interaction", "made_by"])
    promise.save()
    return promise


def _settle(actor: Person, promise: Promise, status: PromiseStatus) -> Promise:
    check_can_change(actor, promise.interaction.team)
    updated = Promise.objects.filter(pk=promise.pk, status=PromiseStatus.OPEN).update(
        status=status, settled_at=timezone.now()
    )
    if not updated:
        raise ValidationError({"status": _("This promise was already kept or broken.")})
    promise.refresh_from_db(fields=["status", "settled_at"])
    return promise


@transaction.atomic
def keep_promise(*, actor: Person, promise: Promise) -> Promise:
    """Record that a promise was kept."""
    return _settle(actor, promise, PromiseStatus.KEPT)


@transaction.atomic
def break_promise(*, actor: Person, promise: Promise) -> Promise:
    """Record that a promise was broken (not kept by its due time, or not at all)."""
    return _settle(actor, promise, PromiseStatus.BROKEN)


@transaction.atomic
def add_note(*, actor: Person, interaction: Interaction, body: str) -> InteractionNote:
    """Leave an internal note on `interaction` for colleagues; the requester never sees it."""
    check_can_change(actor, interaction.team)
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write the note first: it is empty.")})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("A note holds at most %(max)d characters; this one has %(n)d.")
                % {"max": NOTE_MAX_LENGTH, "n": len(text)}
            }
        )
    return InteractionNote.objects.create(interaction=interaction, author=actor, body=text)


# Customers ---------------------------------------------------------------------------------------

CUSTOMER_FIELDS = ("name", "email", "language", "segment", "is_opted_out")


@transaction.atomic
def create_customer(*, actor: Person, team: Team | None = None, **fields: Any) -> Customer:
    """Add a customer for `team` (by default the actor's own), who sees them from the start.

    Whoever may record interactions in some team may add customers; an email already used by
    another customer is refused.
    """
    if not can_somewhere(actor, Action.CHANGE_INTERACTIONS):
        raise PermissionDenied(_("You may not add customers."))
    team = _adding_team(actor, team)
    customer = Customer(**{key: value for key, value in fields.items() if key in CUSTOMER_FIELDS})
    customer.created_by_team = team
    customer.email = customer.email.strip().lower()
    _check_customer(customer)
    customer.save()
    return customer


def _adding_team(actor: Person, team: Team | None) -> Team | None:
    """The team a new customer is added for: the one named, else the actor's own."""
    if team is not None:
        check_can_change(actor, team)
        return team
    own = actor.team
    if own is not None and can(actor, Action.CHANGE_INTERACTIONS, own):
        return own
    if can_everywhere(actor, Action.CHANGE_INTERACTIONS):
        return None
    raise ValidationError({"team_id": _("Say which team serves this customer.")})


def check_can_change_customer(actor: Person, customer: Customer) -> None:
    """Raise PermissionDenied unless a team `actor` may change interactions of served them."""
    reachable = Customer.objects.visible_to(actor, Action.CHANGE_INTERACTIONS)
    if not reachable.filter(pk=customer.pk).exists():
        raise PermissionDenied(_("You may not change this customer."))


@transaction.atomic
def update_customer(*, actor: Person, customer: Customer, **changes: Any) -> Customer:
    """Change a customer's details (for the teams that served them, and those above)."""
    check_can_change_customer(actor, customer)
    unknown = set(changes) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    for name, value in changes.items():
        setattr(customer, name, value)
    customer.email = customer.email.strip().lower()
    _check_customer(customer)
    customer.save(update_fields=list(changes))
    return customer


def _check_customer(customer: Customer) -> None:
    customer.full_clean(validate_constraints=False)
    other = customer_by_email(customer.email) if customer.email else None
    if other is not None and other.pk != customer.pk:
        raise ValidationError(
            {"email": _("Another customer uses %(email)s.") % {"email": customer.email}}
        )


def customer_by_email(email: str) -> Customer | None:
    """The customer with this email, ignoring capitals (the lookup uses the unique index)."""
    return Customer.objects.alias(email_key=Lower("email")).filter(email_key=email.lower()).first()


def find_or_create_customer(*, email: str, name: str = "", language: str = "") -> Customer:
    """The customer with `email` (ignoring capitals), added first when there is none."""
    email = email.strip().lower()
    found = customer_by_email(email)
    if found is not None:
        return found
    customer = Customer(email=email, name=(name.strip() or email)[:200])
    if language:
        customer.language = language
    customer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        # Someone added them at the same moment: use theirs.
        found = customer_by_email(email)
        if found is None:
            raise
        return found
    return customer


# Ingest ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upserted:
    """An interaction stored by an ingest, and whether it was new."""

    interaction: Interaction
    created: bool


def upsert_interaction(*, actor: Person, data: Mapping[str, Any]) -> Upserted:
    """Create or update an interaction from another system, idempotent on (source, external_id).

    `data` holds the interaction's fields, with `team_id` (required on create), optional
    `handled_by_id` or `handled_by_email`, and optional `customer_email` / `customer_name` /
    `customer_language` (the customer is found by email, ignoring capitals, or added).
    Sending the same `external_id` from the same `source` again updates that interaction;
    without an `external_id` every call adds one.
    """
    try:
        with transaction.atomic():
            return _upsert(actor, data)
    except IntegrityError:
        # Another request stored the same (source, external_id) at the same moment: the
        # second write becomes an update of the first.
        with transaction.atomic():
            return _upsert(actor, data)


# The ingest lookup, compiled once per connection. Excluding empty ids lets SQLite use the
# partial unique index on (source, external_id); without it the lookup scans the table.
_INTERACTION_BY_EXTERNAL_ID = PreparedLookup(
    Interaction,
    lambda source, external_id: Interaction.objects.filter(
        source=source, external_id=external_id
    ).exclude(external_id=""),
    related={"team": None},
    arity=2,
)


# The team an ingest names, compiled once per connection. `Team.objects.filter(pk=…).first()`
# compiled a join to the department for the model's ordering on every request: 3.4 ms of a
# 14 ms profiled ingest (cProfile, 600 requests, SQLite).
_TEAM_BY_PK = PreparedLookup(Team, lambda pk: Team.objects.filter(pk=pk), numeric=True)


# A new interaction's INSERT, compiled once per connection.
_INSERT_INTERACTION = PreparedInsert(Interaction)


def _upsert(actor: Person, data: Mapping[str, Any]) -> Upserted:
    source = str(data.get("source") or SOURCE_GROUNDSWELL)
    external_id = str(data.get("external_id") or "")
    existing = None
    if external_id:
        existing = _INTERACTION_BY_EXTERNAL_ID.get(source, external_id)
    # An interaction out of the caller's reach is treated as unknown: the payload is checked
    # as a new one, so every answer but the last is the one an unused id would get.
    hidden = existing is not None and not can(actor, Action.CHANGE_INTERACTIONS, existing.team)
    if hidden:
        existing = None
    interaction = existing or Interaction(source=source, external_id=external_id)
    was_resolved = existing is not None and existing.status in RESOLVED_STATUSES
    changed = _apply(actor, interaction, data, creating=existing is None, manual=False)
    if existing is None and interaction.opened_at is None:
        interaction.opened_at = timezone.now()
    resolving = interaction.status in RESOLVED_STATUSES and not was_resolved
    if resolving and interaction.resolved_at is None:
        interaction.resolved_at = max(timezone.now(), interaction.opened_at)
        changed.append("resolved_at")
    check_interaction(interaction)
    if hidden:
        raise out_of_reach()
    if existing is None:
        _INSERT_INTERACTION.insert(interaction)
    elif changed:
        interaction.save(update_fields=[*changed, "updated_at"])
    if resolving:
        _after_resolution(interaction)
    return Upserted(interaction=interaction, created=existing is None)


def _apply(
    actor: Person,
    interaction: Interaction,
    data: Mapping[str, Any],
    *,
    creating: bool,
    manual: bool,
) -> list[str]:
    """Copy `data` onto `interaction`, resolving references; returns the fields changed.

    A handler not yet ready for live customers is refused when someone assigns them by hand
    (`manual`); an ingest records what happened elsewhere, so it keeps the row and flags it.
    """
    changed: list[str] = []
    team_id = data.get("team_id")
    if team_id is not None and (creating or team_id != interaction.team_id):
        team = _TEAM_BY_PK.get(team_id)
        if team is None:
            raise ValidationError(
                {"team_id": _("There is no team with id %(id)s.") % {"id": team_id}}
            )
        if not can(actor, Action.CHANGE_INTERACTIONS, team):
            raise out_of_reach()
        interaction.team = team
        changed.append("team")
    elif creating:
        raise ValidationError({"team_id": _("A team is required.")})
    # Only values that differ count as changes: a helpdesk resending a ticket as it is
    # writes nothing.
    for name in PLAIN_FIELDS:
        value = data.get(name)
        if value is not None and (creating or getattr(interaction, name) != value):
            setattr(interaction, name, value)
            changed.append(name)
    handler_id = data.get("handled_by_id")
    if (handler_id is not None or data.get("handled_by_email")) and (
        creating or handler_id != interaction.handled_by_id
    ):
        handler = _handler(data)
        if creating or handler.pk != interaction.handled_by_id:
            ready = person_is_ready(handler)
            if manual and not ready:
                field = "handled_by_id" if handler_id is not None else "handled_by_email"
                raise ValidationError({field: not_ready_message(handler)})
            interaction.handled_by = handler
            changed.append("handled_by")
            if interaction.handler_not_ready == ready:
                interaction.handler_not_ready = not ready
                changed.append("handler_not_ready")
    if data.get("customer_email"):
        customer = find_or_create_customer(
            email=str(data["customer_email"]),
            name=str(data.get("customer_name") or ""),
            language=str(data.get("customer_language") or ""),
        )
        if creating or customer.pk != interaction.customer_id:
            interaction.customer = customer
            changed.append("customer")
    return changed


def _handler(data: Mapping[str, Any]) -> Person:
    if data.get("handled_by_id") is not None:
        person = Person.objects.filter(pk=data["handled_by_id"]).first()
        if person is None:
            message = _("There is no person with id %(id)s.") % {"id": data["handled_by_id"]}
            raise ValidationError({"handled_by_id": message})
        return person
    email = str(data["handled_by_email"]).strip().lower()
    person = Person.objects.filter(email__iexact=email).first()
    if person is None:
        message = _("No one in Groundswell has the email %(email)s.") % {"email": email}
        raise ValidationError({"handled_by_email": message})
    return person


def record_interaction(
    *,
    actor: Person,
    team: Team,
    channel: str,
    subject: str,
    customer_email: str = "",
    customer_name: str = "",
    topics: Sequence[str] = (),
    status: str = InteractionStatus.OPEN,
) -> Interaction:
    """Record an interaction from the desk's form: the customer is found or added by email."""
    with transaction.atomic():
        check_can_change(actor, team)
        if not person_is_ready(actor):
            # The form records the actor as the handler: the refusal is about the whole form.
            raise ValidationError(not_ready_message(actor))
        customer = (
            find_or_create_customer(email=customer_email, name=customer_name)
            if customer_email
            else None
        )
        return create_interaction(
            actor=actor,
            team=team,
            channel=channel,
            subject=subject,
            customer=customer,
            handled_by=actor,
            topics=topics,
            status=status,
        )


@transaction.atomic
def update_interaction(
    *, actor: Person, interaction: Interaction, data: Mapping[str, Any]
) -> Interaction:
    """Change an interaction; moving it to another team needs the right there too.

    Setting the status to resolved (or closed) resolves it, and the customer is surveyed.
    """
    check_can_change(actor, interaction.team)
    was_resolved = interaction.status in RESOLVED_STATUSES
    changed = _apply(actor, interaction, data, creating=False, manual=True)
    for name in ("resolved_at", "handle_time_seconds"):
        if name in data and data[name] is None:
            setattr(interaction, name, None)
            changed.append(name)
    if "handled_by_id" in data and data["handled_by_id"] is None:
        interaction.handled_by = None
        changed.append("handled_by")
    resolving = interaction.status in RESOLVED_STATUSES and not was_resolved
    if resolving and interaction.resolved_at is None:
        interaction.resolved_at = max(timezone.now(), interaction.opened_at)
        changed.append("resolved_at")
    check_interaction(interaction)
    if changed:
        interaction.save(update_fields=[*set(changed), "updated_at"])
    if resolving:
        _after_resolution(interaction)
    return interaction
