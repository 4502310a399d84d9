"""Writes for recognition: values, kudos and their reactions, comments and moderation,
customer compliments, hero nominations and heroes of the month, and each person's display
choice."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from groundswell.core.lib.prepared import PreparedInsert
from groundswell.core.lib.ratelimit import Limit
from groundswell.desk.models import Interaction
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, can, can_everywhere, outranks
from groundswell.recognition import rewards
from groundswell.recognition.choices import Reaction, ReportStatus, ReviewStatus, Source
from groundswell.recognition.models import (
    Compliment,
    HeroNomination,
    HeroOfTheMonth,
    Kudos,
    KudosComment,
    KudosReaction,
    KudosReport,
    LeadershipLine,
    Preference,
    Value,
    reaction_count_field,
)
from groundswell.voice.models import Response

RATE_WINDOW_SECONDS = 60 * 60
KUDOS_ROWS = ["giver", "recipient", "team", "department", "interaction", "idempotency_key"]

# A new kudos's INSERT, compiled once per connection: `save()` compiles it on every call, about
# twice the cost of the insert itself (bench/internals.py: 393 against 185 µs on SQLite).
_INSERT_KUDOS = PreparedInsert(Kudos)


class KudosLimitReached(Exception):
    """The person gave as many kudos this hour as the site allows (KUDOS_PER_HOUR)."""

    def __init__(self) -> None:
        super().__init__(
            _("You have given a lot of kudos this hour. Please wait a while and send it again.")
        )


def _place(person: Person) -> Team | Department:
    """Where a person's recognition is moderated and approved: their team, else department."""
    return person.team if person.team is not None else person.department


def _check_values(values: Iterable[Value], *, required: bool = True) -> list[Value]:
    chosen = list(dict.fromkeys(values))
    if required and not chosen:
        raise ValidationError({"values": _("Choose at least one value.")})
    retired = [value.name for value in chosen if value.is_retired]
    if retired:
        raise ValidationError(
            {
                "values": _("%(names)s was retired and can no longer be chosen.")
                % {"names": ", ".join(retired)}
            }
        )
    return chosen


def _check_person_to_recognise(actor: Person, person: Person, field: str) -> None:
    if person.pk == actor.pk:
        raise ValidationError({field: _("You cannot recognise yourself; thank a colleague.")})
    if not person.is_active:
        raise ValidationError(
            {field: _("%(name)s no longer works here and cannot be recognised.") % {"name": person}}
        )


def _check_interaction(actor: Person, interaction: Interaction | None) -> None:
    if interaction is not None and not (
        Interaction.objects.visible_to(actor).filter(pk=interaction.pk).exists()
    ):
        raise ValidationError({"interaction": _("You cannot see that interaction.")})


def _existing_kudos(actor: Person, key: uuid.UUID | None) -> Kudos | None:
    if key is None:
        return None
    return Kudos.objects.filter(giver=actor, idempotency_key=key).first()


def give_kudos(
    *,
    actor: Person,
    message: str,
    values: Sequence[Value],
    recipient: Person | None = None,
    team: Team | None = None,
    interaction: Interaction | None = None,
    is_private: bool = False,
    idempotency_key: uuid.UUID | None = None,
    source: str = Source.WEB,
    points: int = 0,
) -> Kudos:
    """Thank a colleague or a team; the same form sent twice (one key) stores one kudos.

    Nothing is stored when the person is oneself or gone, no value or a retired one is named,
    or the giver reached their hourly limit (`KudosLimitReached`), nor when `points` (points
    and rewards switched on) exceed what the giver has left to give this month. The person and
    their lead are emailed from the task queue once it is committed.
    """
    if not can_everywhere(actor, Action.USE_RECOGNITION):
        raise PermissionDenied
    if (recipient is None) == (team is None):
        raise ValidationError({"recipient": _("Choose one person or one team to thank.")})
    if recipient is not None:
        _check_person_to_recognise(actor, recipient, "recipient")
    chosen = _check_values(values)
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("Say what you are thanking them for.")})
    _check_interaction(actor, interaction)
    rewards.check_points(actor=actor, points=points, recipient=recipient)
    limit = Limit("recognition-kudos", settings.GROUNDSWELL_KUDOS_PER_HOUR, RATE_WINDOW_SECONDS)
    thanked: Person | Team = recipient if recipient is not None else team  # type: ignore[assignment]
    place_team = thanked if isinstance(thanked, Team) else thanked.team
    kudos = Kudos(
        giver=actor,
        recipient=recipient,
        team=place_team,
        department_id=thanked.department_id,
        message=message,
        interaction=interaction,
        is_private=is_private,
        source=source,
        idempotency_key=idempotency_key or uuid.uuid4(),
    )
    # The rows were just checked; only the text fields need validating (no extra queries).
    kudos.full_clean(exclude=KUDOS_ROWS, validate_unique=False, validate_constraints=False)
    # One transaction: the hour's count, the kudos and its value links (one insert), the points.
    # A second send of the same key is not looked up first: its insert meets the unique key,
    # what it wrote is rolled back, its hour's count given back, and the stored kudos returned
    # (also when the hour's limit is reached by then).
    slot: str | None = None
    try:
        with transaction.atomic():
            slot = limit.take(f"person:{actor.pk}")
            if slot is None:
                raise KudosLimitReached
            _INSERT_KUDOS.insert(kudos)
            links = Kudos.values.through
            links.objects.bulk_create(links(kudos_id=kudos.pk, value_id=v.pk) for v in chosen)
            rewards.give_points(actor=actor, kudos=kudos, points=points)
    except (IntegrityError, KudosLimitReached):
        # The same form a second time (or at the same moment): the first one stored it.
        winner = _existing_kudos(actor, idempotency_key)
        if winner is None:
            raise
        if slot:
            limit.give_back(slot)
        return winner
    transaction.on_commit(partial(_enqueue_notice, kudos.pk))
    return kudos


def _enqueue_notice(kudos_id: int) -> None:
    from groundswell.recognition import tasks

    tasks.send_kudos_notice.enqueue(kudos_id)


def react(*, actor: Person, kudos: Kudos, kind: str) -> None:
    """Add `actor`'s reaction of `kind` (once; a second time changes nothing) and count it on
    the kudos in the same transaction."""
    if kind not in Reaction.values:
        raise ValidationError({"kind": _("There is no reaction called %(kind)s.") % {"kind": kind}})
    try:
        with transaction.atomic():
            KudosReaction.objects.create(kudos=kudos, person=actor, kind=kind)
            _count(kudos, reaction_count_field(kind), +1)
    except IntegrityError:
        return  # already there (a double click, or another worker first): nothing changes


def unreact(*, actor: Person, kudos: Kudos, kind: str) -> None:
    """Take back `actor`'s reaction of `kind`, and its count on the kudos."""
    if kind not in Reaction.values:
        return
    with transaction.atomic():
        deleted, _by_model = KudosReaction.objects.filter(
            kudos=kudos, person=actor, kind=kind
        ).delete()
        if deleted:
            _count(kudos, reaction_count_field(kind), -deleted)


def comment_on(*, actor: Person, kudos: Kudos, body: str) -> KudosComment:
    """Add a reply under a kudos, counted on the kudos in the same transaction."""
    comment = KudosComment(kudos=kudos, author=actor, body=body.strip())
    if not comment.body:
        raise ValidationError({"body": _("Write a comment first.")})
    comment.full_clean()
    with transaction.atomic():
        comment.save(force_insert=True)
        _count(kudos, "comment_count", +1)
    return comment


def _count(kudos: Kudos, field: str, change: int) -> None:
    """Add `change` to a kudos' counter in the database (an increment, so concurrent writers
    each count), never below zero."""
    Kudos.objects.filter(pk=kudos.pk).update(**{field: Greatest(F(field) + change, 0)})


def recount_reactions_and_comments(kudos: QuerySet[Kudos] | None = None) -> int:
    """Count the reactions of each kind and the comments of `kudos` (all by default) again from
    their rows, for data written in bulk (the demo, imports, benchmarks); returns the number
    of kudos updated."""
    rows = Kudos.objects.all() if kudos is None else kudos

    def counted(model: type[KudosReaction] | type[KudosComment], **match: str) -> Coalesce:
        found = (
            model.objects.filter(kudos_id=OuterRef("pk"), **match)
            .order_by()
            .values("kudos_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(found), 0)

    counts = {reaction_count_field(kind): counted(KudosReaction, kind=kind) for kind in Reaction}
    return rows.update(comment_count=counted(KudosComment), **counts)


def report_kudos(*, actor: Person, kudos: Kudos, reason: str) -> KudosReport:
    """Ask a moderator to look at a kudos; once per person."""
    report = KudosReport(kudos=kudos, reporter=actor, reason=reason.strip())
    if not report.reason:
        raise ValidationError({"reason": _("Say what is wrong with it.")})
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(
            {"reason": _("You already reported this kudos; a moderator will look at it.")}
        ) from None
    return report


def may_moderate(actor: Person, kudos: Kudos) -> bool:
    place: Team | Department = kudos.team if kudos.team is not None else kudos.department
    return can(actor, Action.MODERATE_RECOGNITION, place)


@transaction.atomic
def moderate_kudos(*, actor: Person, kudos: Kudos, hide: bool, reason: str = "") -> Kudos:
    """Hide a kudos from everyone but its giver and the moderators, or keep (show) it; either
    way its open reports are settled."""
    if not may_moderate(actor, kudos):
        raise PermissionDenied
    reason = reason.strip()
    if hide and not reason:
        raise ValidationError({"reason": _("Say why it is hidden; the giver will see it.")})
    now = timezone.now()
    kudos.is_hidden = hide
    kudos.hidden_at = now if hide else None
    kudos.hidden_by = actor if hide else None
    kudos.hidden_reason = reason if hide else ""
    kudos.save(update_fields=["is_hidden", "hidden_at", "hidden_by", "hidden_reason"])
    kudos.reports.filter(status=ReportStatus.OPEN).update(
        status=ReportStatus.HIDDEN if hide else ReportStatus.DISMISSED,
        resolved_at=now,
        resolved_by=actor,
    )
    return kudos


SWEEP_HORIZON = datetime.timedelta(days=1)
SWEEP_BATCH = 500


def finish_stalled_work(*, now: datetime.datetime | None = None) -> int:
    """Enqueue again the kudos emails a dead worker (or a queue that was down) left: nobody
    sent or holds them, once older than a lease. Returns how many; a duplicate does its work
    once (the claim)."""
    from groundswell.core.lib import leases
    from groundswell.recognition import tasks

    now = now or timezone.now()
    since, until = now - SWEEP_HORIZON, now - leases.lease()
    unsent = list(
        Kudos.objects.filter(
            notice_sent_at__isnull=True, created_at__gte=since, created_at__lte=until
        )
        .filter(leases.unclaimed("notice_claimed_at", now))
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for kudos_id in unsent:
        tasks.send_kudos_notice.enqueue(kudos_id)
    return len(unsent)


# Customer compliments ------------------------------------------------------------------------


COMPLIMENT_HORIZON = datetime.timedelta(days=2)
COMPLIMENT_BATCH = 5_000


def make_compliment_cards(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Turn the customers' recent top answers with a comment into the agents' compliment
    cards, and take away the waiting cards of answers changed into something else.

    A periodic job (every minute, recognition/apps.py) rather than work in the customer's
    request: the survey page stays one lookup and one insert, and a queue that is down loses
    no card. Set-based: one read of the answers of the last `COMPLIMENT_HORIZON` (answers can
    be changed for half an hour, so this also covers a scheduler stopped for a day) that have
    no card, one insert, and one delete. The one-to-one on the answer keeps a card single
    when two runs overlap. Returns (made, taken away).
    """
    now = now or timezone.now()
    since = now - COMPLIMENT_HORIZON
    taken_away, _per_model = (
        Compliment.objects.filter(status=ReviewStatus.PENDING, response__submitted_at__gte=since)
        .filter(Q(response__is_compliment=False) | Q(response__agent__isnull=True))
        .delete()
    )
    missing = (
        Response.objects.filter(
            is_compliment=True, agent__isnull=False, compliment=None, submitted_at__gte=since
        )
        .order_by("submitted_at")
        .values_list("pk", "agent_id", "team_id", "team__department_id", "submitted_at")
    )
    cards = [
        Compliment(
            response_id=response_id,
            agent_id=agent_id,
            team_id=team_id,
            department_id=department_id,
            received_at=submitted_at,
        )
        for response_id, agent_id, team_id, department_id, submitted_at in missing[
            :COMPLIMENT_BATCH
        ]
    ]
    made = Compliment.objects.bulk_create(cards, ignore_conflicts=True)
    return len(made), taken_away


def may_approve(actor: Person, person: Person) -> bool:
    """May `actor` approve recognition of `person`: in their scope, and ranking above them."""
    return can(actor, Action.APPROVE_RECOGNITION, person) and outranks(actor, person)


@transaction.atomic
def review_compliment(
    *,
    actor: Person,
    compliment: Compliment,
    approve: bool,
    values: Sequence[Value] = (),
    show_customer_name: bool = False,
) -> Compliment:
    """Approve a compliment for everyone to see (naming values, and the customer if wanted),
    or decline it (the agent still keeps it)."""
    if not may_approve(actor, compliment.agent):
        raise PermissionDenied
    locked = Compliment.objects.select_for_update().get(pk=compliment.pk)
    if locked.status != ReviewStatus.PENDING:
        raise ValidationError({"status": _("This compliment was already reviewed.")})
    chosen = _check_values(values, required=False)
    locked.status = ReviewStatus.APPROVED if approve else ReviewStatus.DECLINED
    locked.show_customer_name = show_customer_name and approve
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["status", "show_customer_name", "reviewed_by", "reviewed_at"])
    if approve:
        locked.values.set(chosen)
    return locked


# Heroes ----------------------------------------------------------------------------------------


def nominate_hero(
    *,
    actor: Person,
    nominee: Person,
    story: str,
    values: Sequence[Value],
    interaction: Interaction | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> HeroNomination:
    """Put a colleague forward as a customer service hero; their lead or manager decides."""
    if not can_everywhere(actor, Action.USE_RECOGNITION):
        raise PermissionDenied
    _check_person_to_recognise(actor, nominee, "nominee")
    chosen = _check_values(values)
    story = story.strip()
    if not story:
        raise ValidationError({"story": _("Tell the story: what did they do for the customer?")})
    _check_interaction(actor, interaction)
    key = idempotency_key or uuid.uuid4()
    existing = HeroNomination.objects.filter(nominated_by=actor, idempotency_key=key).first()
    if existing is not None:
        return existing
    nomination = HeroNomination(
        nominee=nominee,
        nominated_by=actor,
        team_id=nominee.team_id,
        department_id=nominee.department_id,
        story=story,
        interaction=interaction,
        idempotency_key=key,
    )
    nomination.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            nomination.save(force_insert=True)
            nomination.values.set(chosen)
    except IntegrityError:
        winner = HeroNomination.objects.filter(nominated_by=actor, idempotency_key=key).first()
        if winner is None:
            raise
        return winner
    return nomination


@transaction.atomic
def decide_hero(
    *, actor: Person, nomination: HeroNomination, approve: bool, note: str = ""
) -> HeroNomination:
    """Approve a nomination into the hall of fame, or decline it with a note for the nominator."""
    if not may_approve(actor, nomination.nominee):
        raise PermissionDenied
    locked = HeroNomination.objects.select_for_update().get(pk=nomination.pk)
    if locked.status != ReviewStatus.PENDING:
        raise ValidationError({"status": _("This nomination was already decided.")})
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why, so the nominator understands.")})
    locked.status = ReviewStatus.APPROVED if approve else ReviewStatus.DECLINED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.full_clean(validate_constraints=False)
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return locked


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


@transaction.atomic
def choose_hero_of_the_month(
    *,
    actor: Person,
    nomination: HeroNomination,
    month: datetime.date,
    team: Team | None = None,
    department: Department | None = None,
) -> HeroOfTheMonth:
    """Make an approved hero the hero of the month of their team (a lead) or their department
    (a manager); choosing again for the same month replaces the choice."""
    if (team is None) == (department is None):
        raise ValidationError({"team": _("Choose the team or the department.")})
    place: Team | Department = team if team is not None else department  # type: ignore[assignment]
    if not can(actor, Action.APPROVE_RECOGNITION, place):
        raise PermissionDenied
    if nomination.status != ReviewStatus.APPROVED:
        raise ValidationError({"nomination": _("Only an approved hero can be hero of the month.")})
    if team is not None and nomination.team_id != team.pk:
        raise ValidationError({"team": _("The hero is not in that team.")})
    if department is not None and nomination.department_id != department.pk:
        raise ValidationError({"department": _("The hero is not in that department.")})
    month = first_of_month(month)
    chosen, _created = HeroOfTheMonth.objects.update_or_create(
        month=month,
        team=team,
        department=department,
        defaults={"nomination": nomination, "chosen_by": actor},
    )
    return chosen


# Values and preferences ------------------------------------------------------------------------


def _check_manage_values(actor: Person) -> None:
    if not can_everywhere(actor, Action.MANAGE_VALUES):
        raise PermissionDenied


@transaction.atomic
def save_value(
    *,
    actor: Person,
    name: str,
    description: str,
    position: int = 0,
    value: Value | None = None,
    is_retired: bool | None = None,
) -> Value:
    """Add a company value, or change one (its name, description, order, or whether it is
    retired: a retired value stays on past recognition but is no longer offered)."""
    _check_manage_values(actor)
    value = value or Value()
    value.name = name.strip()
    value.description = description.strip()
    value.position = position
    if is_retired is not None:
        value.is_retired = is_retired
    if not value.slug:
        value.slug = slugify(value.name)[:60] or uuid.uuid4().hex[:12]
    value.full_clean()
    value.save()
    return value


def set_preference(*, actor: Person, hide_from_feed: bool) -> Preference:
    """Keep one's own recognition out of public feeds, or show it again."""
    preference, _created = Preference.objects.update_or_create(
        person=actor, defaults={"hide_from_feed": hide_from_feed}
    )
    return preference


def may_set_leadership_line(actor: Person, team: Team) -> bool:
    """Managers (and executives and admins) set the line for a team of their department, or
    for the department; a team lead reads it."""
    return can(actor, Action.VIEW_RECOGNITION_REACH, team.department)


def set_leadership_line(*, actor: Person, team: Team, where: str, text: str) -> None:
    """Set, change or (empty text) remove the line for `team` or its department."""
    if not may_set_leadership_line(actor, team):
        raise PermissionDenied
    if where not in ("team", "department"):
        raise ValidationError(_("Choose the team or the department."))
    place = {"team": team} if where == "team" else {"department_id": team.department_id}
    text = text.strip()
    with transaction.atomic():
        if not text:
            LeadershipLine.objects.filter(**place).delete()
            return
        LeadershipLine.objects.update_or_create(**place, defaults={"text": text, "set_by": actor})
