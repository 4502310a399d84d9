"""Writes for the open door: submitting, routing, answering, deciding, voting, policies."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.lib.storage_order import scatter
from groundswell.ideas import selectors
from groundswell.ideas.choices import NOTE_REQUIRED, TRANSITIONS, IdeaKind, IdeaStatus
from groundswell.ideas.models import Comment, Idea, Policy, RoutingRule, StatusChange, Vote
from groundswell.people.choices import Role
from groundswell.people.models import Department, Person
from groundswell.people.permissions import Action, can_everywhere

ACKNOWLEDGE_BUSINESS_DAYS = 5
CODE_GROUPS = 4
CODE_GROUP_LENGTH = 4


def add_business_days(start: datetime.date, days: int) -> datetime.date:
    """`days` working days after `start`, skipping Saturdays and Sundays."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the site's time zone: the only time kept for anonymous rows."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def new_follow_up_code() -> str:
    """A random code like `K7QM-2XHD-PW9R-T4NB` (about 79 bits), shown once to its holder."""
    groups = (
        "".join(secrets.choice(selectors.CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def route(*, category: str, department: Department) -> Person | None:
    """Who owns a submission: the most specific routing rule, else the department's manager."""
    rules = {
        (rule.category, rule.department_id): rule.owner
        for rule in RoutingRule.objects.select_related("owner").filter(owner__is_active=True)
    }
    for key in ((category, department.pk), ("", department.pk), (category, None), ("", None)):
        if key in rules:
            return rules[key]
    return (
        Person.objects.active()
        .filter(department=department, role=Role.MANAGER)
        .order_by("pk")
        .first()
    )


@dataclass(frozen=True)
class Submitted:
    """A new submission, and for an anonymous one the follow-up code to show exactly once."""

    idea: Idea
    follow_up_code: str | None


@transaction.atomic
def submit_idea(
    *,
    actor: Person,
    kind: str,
    title: str,
    body: str,
    category: str,
    department: Department,
    policy: Policy | None = None,
    is_anonymous: bool = False,
    today: datetime.date | None = None,
) -> Submitted:
    """Record a submission, route it to an owner and set its acknowledgement deadline.

    An anonymous one keeps no trace of `actor`: no person, the day instead of the time, and
    no place in the table's order: the day's anonymous submissions are written again in a
    random order with it, so the database's own row order (SQLite's rowid, PostgreSQL's ctid
    and xmin) cannot be matched with an access log. Nothing else is written in this
    transaction, so it shares nothing with a row that names `actor`.
    """
    if not can_everywhere(actor, Action.USE_OPEN_DOOR):
        raise PermissionDenied
    if kind == IdeaKind.POLICY_FRICTION and policy is None:
        raise ValidationError({"policy": _("Name the policy that got in the way.")})
    today = today or timezone.localdate()
    code = new_follow_up_code() if is_anonymous else None
    idea = Idea(
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        category=category,
        department=department,
        policy=policy,
        owner=route(category=category, department=department),
        acknowledge_by=add_business_days(today, ACKNOWLEDGE_BUSINESS_DAYS),
        is_anonymous=is_anonymous,
        submitted_by=None if is_anonymous else actor,
        follow_up_code_hash=selectors.hash_code(code) if code else None,
        submitted_at=start_of_day(today) if is_anonymous else timezone.now(),
    )
    idea.full_clean()
    idea.save(force_insert=True)
    if is_anonymous:
        scatter(Idea.objects.filter(is_anonymous=True, submitted_at=idea.submitted_at))
    return Submitted(idea=idea, follow_up_code=code)


@transaction.atomic
def move_status(*, actor: Person, idea: Idea, status: str, note: str = "") -> Idea:
    """Move a submission to its next status; declining needs a reason, done says what changed."""
    if not selectors.may_act_on(actor, idea):
        raise PermissionDenied
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    if status not in TRANSITIONS[locked.status]:
        raise ValidationError(
            {
                "status": _("A submission that is %(current)s cannot become %(next)s.")
                % {
                    "current": IdeaStatus(locked.status).label.lower(),
                    "next": IdeaStatus(status).label.lower()
                    if status in IdeaStatus.values
                    else status,
                }
            }
        )
    note = note.strip()
    if status in NOTE_REQUIRED and not note:
        message = (
            _("Give the reason for declining.")
            if status == IdeaStatus.DECLINED
            else _("Say what changed.")
        )
        raise ValidationError({"note": message})
    fields = ["status"]
    if locked.status == IdeaStatus.NEW:
        locked.acknowledged_at = timezone.now()
        fields.append("acknowledged_at")
    if status == IdeaStatus.DECLINED:
        locked.decline_reason = note
        fields.append("decline_reason")
    elif status in (IdeaStatus.ACCEPTED, IdeaStatus.DONE) and note:
        locked.outcome = note
        fields.append("outcome")
    StatusChange.objects.create(
        idea=locked, actor=actor, from_status=locked.status, to_status=status, note=note
    )
    locked.status = status
    locked.full_clean()
    locked.save(update_fields=fields)
    return locked


def acknowledge(*, actor: Person, idea: Idea, note: str = "") -> Idea:
    """Tell the submitter their submission was seen: the first answer, due within the deadline."""
    return move_status(actor=actor, idea=idea, status=IdeaStatus.ACKNOWLEDGED, note=note)


def _add_comment(
    idea: Idea, *, body: str, author: Person | None, from_submitter: bool, at: datetime.datetime
) -> Comment:
    Idea.objects.select_for_update().filter(pk=idea.pk).first()  # one position at a time
    last = idea.comments.aggregate(last=Max("position"))["last"] or 0
    comment = Comment(
        idea=idea,
        position=last + 1,
        author=author,
        is_from_submitter=from_submitter,
        body=body.strip(),
        created_at=at,
    )
    comment.full_clean()
    comment.save(force_insert=True)
    return comment


@transaction.atomic
def reply(*, actor: Person, idea: Idea, body: str) -> Comment:
    """Answer in a submission's thread, as its owner, a manager, an admin or its named submitter."""
    if not selectors.may_reply(actor, idea):
        raise PermissionDenied
    is_submitter = not idea.is_anonymous and idea.submitted_by_id == actor.pk
    return _add_comment(
        idea, body=body, author=actor, from_submitter=is_submitter, at=timezone.now()
    )


@transaction.atomic
def reply_as_anonymous_submitter(*, code: str, body: str) -> Comment:
    """Answer back with a follow-up code; the reply keeps no author and only the day."""
    idea = selectors.find_idea_by_code(code)
    if idea is None:
        raise ValidationError({"code": _("That follow-up code does not open any submission.")})
    day = start_of_day(timezone.localdate())
    comment = _add_comment(idea, body=body, author=None, from_submitter=True, at=day)
    # Like the submissions: the day's anonymous replies are stored in no telling order.
    scatter(Comment.objects.filter(author=None, is_from_submitter=True, created_at=day))
    return comment


def vote(*, actor: Person, idea: Idea) -> bool:
    """Upvote a submission once; False when `actor` had already voted."""
    if not can_everywhere(actor, Action.USE_OPEN_DOOR):
        raise PermissionDenied
    try:
        with transaction.atomic():
            Vote.objects.create(idea=idea, person=actor)
    except IntegrityError:
        return False
    return True


def unvote(*, actor: Person, idea: Idea) -> bool:
    """Take an upvote back; False when there was none."""
    if not can_everywhere(actor, Action.USE_OPEN_DOOR):
        raise PermissionDenied
    deleted, _rows = Vote.objects.filter(idea=idea, person=actor).delete()
    return deleted > 0


# --- Policies ---------------------------------------------------------------------------------

POLICY_FIELDS = frozenset(
    {"name", "owner", "summary", "empowerment", "limit_amount", "currency", "review_by"}
)


def _check_policy(policy: Policy) -> None:
    policy.currency = policy.currency.strip().upper()
    if policy.limit_amount is not None and not policy.currency:
        raise ValidationError({"currency": _("Give the currency of the limit amount.")})
    if policy.owner_id is not None and not policy.owner.is_active:
        raise ValidationError({"owner": _("The owner must be an active person.")})
    policy.full_clean()


@transaction.atomic
def create_policy(
    *,
    actor: Person,
    name: str,
    owner: Person,
    summary: str,
    review_by: datetime.date,
    empowerment: str = "",
    limit_amount: Decimal | None = None,
    currency: str = "",
) -> Policy:
    """Add a policy to the registry (administrators)."""
    if not can_everywhere(actor, Action.MANAGE_OPEN_DOOR):
        raise PermissionDenied
    policy = Policy(
        name=name.strip(),
        owner=owner,
        summary=summary.strip(),
        empowerment=empowerment.strip(),
        limit_amount=limit_amount,
        currency=currency,
        review_by=review_by,
    )
    _check_policy(policy)
    policy.save(force_insert=True)
    return policy


@transaction.atomic
def update_policy(*, actor: Person, policy: Policy, **changes: Any) -> Policy:
    """Change a policy's text, owner, limit or review date (administrators)."""
    if not can_everywhere(actor, Action.MANAGE_OPEN_DOOR):
        raise PermissionDenied
    unknown = set(changes) - POLICY_FIELDS
    if unknown:
        raise ValueError(f"Not policy fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(policy, name, value.strip() if isinstance(value, str) else value)
    _check_policy(policy)
    policy.save(update_fields=[*changes, "updated_at"])
    return policy


@transaction.atomic
def mark_policy_reviewed(*, actor: Person, policy: Policy, next_review_by: datetime.date) -> Policy:
    """Record that a policy was reviewed today and when to look at it again (owner or admin)."""
    if not selectors.may_review_policy(actor, policy):
        raise PermissionDenied
    today = timezone.localdate()
    if next_review_by <= today:
        raise ValidationError({"next_review_by": _("The next review must be after today.")})
    policy.last_reviewed_on = today
    policy.review_by = next_review_by
    policy.save(update_fields=["last_reviewed_on", "review_by", "updated_at"])
    return policy


# --- Reminders --------------------------------------------------------------------------------


def send_idea_reminders(*, today: datetime.date | None = None) -> int:
    """Email each owner the submissions they have not acknowledged in time; returns emails sent."""
    today = today or timezone.localdate()
    by_owner: dict[Person, list[Idea]] = {}
    for idea in selectors.ideas_to_remind(today):
        if idea.owner is not None:
            by_owner.setdefault(idea.owner, []).append(idea)
    sent = 0
    for owner, ideas in by_owner.items():
        context = {"owner": owner, "ideas": ideas, "site_url": settings.SITE_URL, "today": today}
        EmailMessage(
            subject=render_to_string("ideas/email/reminder_subject.txt", context).strip(),
            body=render_to_string("ideas/email/reminder.txt", context),
            to=[owner.email],
        ).send()
        Idea.objects.filter(pk__in=[idea.pk for idea in ideas]).update(reminded_at=timezone.now())
        sent += 1
    return sent
