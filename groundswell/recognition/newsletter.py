"""The monthly newsletter: drafted from the month's recognition, edited by a manager, sent once.

The draft of a month is built from what the month made public: its heroes of the month and
approved hero stories, approved customer compliments (the customer always by initials, whatever
the card shows), the kudos colleagues reacted to most, and the ideas acted on ("you said, we
did", read through ideas' selectors). Each part is stored as text the manager may reword or
leave out, so the archive keeps what was sent, not what the data says later.

Sending makes one `NewsletterDelivery(newsletter, person)` row per active person with an email
who has not unsubscribed, in the transaction that marks the newsletter sent (a second click
finds it sent and stores nothing). Each mail is claimed with a lease (core/lib/leases.py): one
UPDATE lets exactly one worker mail a person, a failed send gives the claim back, a dead
worker's claim runs out and the sweep sends it. Every mail carries the person's own
unsubscribe link: a signed token (no sign-in) that stores a `NewsletterOptOut` row.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from groundswell.core.lib import leases
from groundswell.ideas import selectors as idea_selectors
from groundswell.ideas.choices import ACTED_STATUSES
from groundswell.people.choices import Role
from groundswell.people.models import Person
from groundswell.people.permissions import Action, can_everywhere
from groundswell.recognition.choices import NewsletterStatus, SectionKind
from groundswell.recognition.models import (
    Compliment,
    HeroNomination,
    HeroOfTheMonth,
    Kudos,
    Newsletter,
    NewsletterDelivery,
    NewsletterOptOut,
    NewsletterSection,
    sum_of_reactions,
)

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "groundswell.recognition.newsletter.unsubscribe"
ITEMS = 8  # the most entries a drafted part lists
STORY_LENGTH = 400
NOTABLE_KUDOS = 5


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_range(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's start and the next month's start, local time."""
    zone = timezone.get_default_timezone()
    start = first_of_month(month)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min), zone),
        timezone.make_aware(datetime.datetime.combine(following, datetime.time.min), zone),
    )


def _check_sender(actor: Person) -> None:
    if not can_everywhere(actor, Action.SEND_NEWSLETTER):
        raise PermissionDenied


# The draft ---------------------------------------------------------------------------------------


def _short(text: str, length: int = STORY_LENGTH) -> str:
    return Truncator(" ".join(text.split())).chars(length)


def _initials(compliment: Compliment) -> str:
    customer = compliment.response.invitation.customer
    name = (customer.name if customer is not None else "").strip()
    if not name:
        return _("a customer")
    return " ".join(f"{part[0].upper()}." for part in name.split())


def _heroes_of_the_month(month: datetime.date) -> list[str]:
    shown = HeroNomination.objects.hall_of_fame().values("pk")
    chosen = (
        HeroOfTheMonth.objects.filter(month=month, nomination__in=shown)
        .select_related("nomination__nominee", "team", "department")
        .order_by("department__name", "team__name")
    )
    return [
        _("%(hero)s, hero of the month for %(place)s")
        % {"hero": entry.nomination.nominee.full_name, "place": entry.team or entry.department}
        for entry in chosen[:ITEMS]
    ]


def _stories(start: datetime.datetime, end: datetime.datetime) -> list[str]:
    heroes = (
        HeroNomination.objects.hall_of_fame()
        .filter(decided_at__gte=start, decided_at__lt=end)
        .select_related("nominee")
        .order_by("decided_at", "pk")
    )
    return [f"{hero.nominee.full_name}: {_short(hero.story)}" for hero in heroes[:ITEMS]]


def _compliments(start: datetime.datetime, end: datetime.datetime) -> list[str]:
    compliments = (
        Compliment.objects.in_feed()
        .filter(received_at__gte=start, received_at__lt=end)
        .exclude(response__comment="")
        .select_related("agent", "response__invitation__customer")
        .order_by("received_at", "pk")
    )
    return [
        _("For %(agent)s, from %(customer)s: “%(comment)s”")
        % {
            "agent": compliment.agent.full_name,
            "customer": _initials(compliment),
            "comment": _short(compliment.response.comment),
        }
        for compliment in compliments[:ITEMS]
    ]


def _notable_kudos(start: datetime.datetime, end: datetime.datetime) -> list[str]:
    kudos = (
        Kudos.objects.in_feed()
        .filter(created_at__gte=start, created_at__lt=end)
        # The counters kept on each kudos by the writes: the most reacted to, then commented.
        .annotate(reaction_count=sum_of_reactions())
        .select_related("giver", "recipient", "team")
        .order_by("-reaction_count", "-comment_count", "created_at", "pk")
    )
    return [
        _("%(giver)s to %(thanked)s: “%(message)s”")
        % {
            "giver": entry.giver.full_name,
            "thanked": entry.recipient.full_name if entry.recipient else entry.team,
            "message": _short(entry.message),
        }
        for entry in kudos[:NOTABLE_KUDOS]
    ]


def _reader(actor: Person | None) -> Person | None:
    """Whose eyes read the ideas: the manager who drafts, else (the periodic job) an admin."""
    if actor is not None:
        return actor
    return Person.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()


def _ideas_acted_on(
    actor: Person | None, start: datetime.datetime, end: datetime.datetime
) -> list[str]:
    reader = _reader(actor)
    if reader is None:
        return []
    # Acted on in the month: accepted or done then (the status history the idea page shows).
    acted = (
        idea_selectors.list_acted_on(reader)
        .filter(
            status_changes__to_status__in=ACTED_STATUSES,
            status_changes__created_at__gte=start,
            status_changes__created_at__lt=end,
        )
        .distinct()
    )
    lines = []
    for idea in acted[:ITEMS]:
        outcome = _short(idea.outcome) if idea.outcome else _("we are on it.")
        lines.append(
            _("You said: %(title)s. We did: %(outcome)s")
            % {"title": idea.title, "outcome": outcome}
        )
    return lines


def section_texts(month: datetime.date, actor: Person | None = None) -> dict[str, str]:
    """Each part of `month`'s newsletter as text, one entry a line; empty when nothing
    happened."""
    start, end = month_range(month)
    parts = {
        SectionKind.HEROES: _heroes_of_the_month(first_of_month(month)),
        SectionKind.STORIES: _stories(start, end),
        SectionKind.COMPLIMENTS: _compliments(start, end),
        SectionKind.KUDOS: _notable_kudos(start, end),
        SectionKind.IDEAS: _ideas_acted_on(actor, start, end),
    }
    return {str(kind): "\n\n".join(lines) for kind, lines in parts.items()}


def default_title(month: datetime.date) -> str:
    return _("Our customer service heroes: %(month)s") % {
        "month": formats.date_format(month, "YEAR_MONTH_FORMAT")
    }


@transaction.atomic
def draft_newsletter(*, actor: Person | None, month: datetime.date) -> Newsletter:
    """The newsletter of `month`, drafted from its recognition unless it exists already.

    `actor` None is the periodic job. Drafting twice (two clicks, two schedulers) keeps one.
    """
    if actor is not None:
        _check_sender(actor)
    month = first_of_month(month)
    existing = Newsletter.objects.filter(month=month).first()
    if existing is not None:
        return existing
    if month > first_of_month(timezone.localdate()):
        raise ValidationError({"month": _("That month has not begun yet.")})
    texts = section_texts(month, actor)
    try:
        with transaction.atomic():
            newsletter = Newsletter.objects.create(
                month=month,
                title=default_title(month),
                intro=_(
                    "Here is what our customers and colleagues said about the service we gave "
                    "this month. Thank you, all of you."
                ),
                drafted_by=actor,
            )
    except IntegrityError:
        return Newsletter.objects.get(month=month)
    NewsletterSection.objects.bulk_create(
        NewsletterSection(
            newsletter=newsletter,
            kind=kind,
            position=position,
            heading=str(SectionKind(kind).label),
            body=texts[kind],
            is_included=bool(texts[kind]),
        )
        for position, kind in enumerate(SectionKind.values)
    )
    return newsletter


def draft_due(*, now: datetime.datetime | None = None) -> Newsletter | None:
    """From the 1st of a month, the past month's draft (None when it existed already)."""
    today = timezone.localdate(now or timezone.now())
    past = first_of_month(first_of_month(today) - datetime.timedelta(days=1))
    if Newsletter.objects.filter(month=past).exists():
        return None
    return draft_newsletter(actor=None, month=past)


@dataclass(frozen=True)
class SectionEdit:
    """What the manager made of one part: its heading, text and whether it is kept."""

    section: NewsletterSection
    heading: str
    body: str
    is_included: bool


@transaction.atomic
def edit_newsletter(
    *,
    actor: Person,
    newsletter: Newsletter,
    title: str,
    intro: str,
    sections: Sequence[SectionEdit],
) -> Newsletter:
    """Reword a draft: its title, introduction and parts. A sent newsletter stays as sent."""
    _check_sender(actor)
    locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if not locked.is_draft:
        raise ValidationError({"title": _("This newsletter was sent and can no longer change.")})
    locked.title = title.strip()
    locked.intro = intro.strip()
    locked.edited_by = actor
    locked.edited_at = timezone.now()
    locked.full_clean(validate_constraints=False)
    changed = []
    for edit in sections:
        if edit.section.newsletter_id != locked.pk:
            raise ValidationError({"sections": _("That part belongs to another newsletter.")})
        edit.section.heading = edit.heading.strip()
        edit.section.body = edit.body.strip()
        edit.section.is_included = edit.is_included
        edit.section.full_clean(exclude=["newsletter"], validate_constraints=False)
        changed.append(edit.section)
    locked.save(update_fields=["title", "intro", "edited_by", "edited_at"])
    NewsletterSection.objects.bulk_update(changed, ["heading", "body", "is_included"])
    return locked


def shown_sections(newsletter: Newsletter) -> list[NewsletterSection]:
    return [section for section in newsletter.sections.all() if section.is_included]


# Who receives it ---------------------------------------------------------------------------------


def audience() -> QuerySet[Person]:
    """Everyone a newsletter goes to now: active, with an email, not unsubscribed."""
    opted_out = NewsletterOptOut.objects.filter(person=OuterRef("pk"))
    return (
        Person.objects.filter(is_active=True)
        .exclude(email="")
        .exclude(Exists(opted_out))
        .order_by("pk")
    )


@transaction.atomic
def send_newsletter(*, actor: Person, newsletter: Newsletter) -> Newsletter:
    """Send a draft to everyone in the audience through the task queue; a second send (a
    double click, two tabs) finds it sent and stores nothing more."""
    _check_sender(actor)
    locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if not locked.is_draft:
        return locked
    if not locked.intro.strip() and not shown_sections(locked):
        raise ValidationError({"sections": _("Keep at least one part, or write an introduction.")})
    people = list(audience().values_list("pk", flat=True))
    NewsletterDelivery.objects.bulk_create(
        (NewsletterDelivery(newsletter=locked, person_id=pk) for pk in people),
        batch_size=1000,
        ignore_conflicts=True,
    )
    locked.status = NewsletterStatus.SENT
    locked.sent_at = timezone.now()
    locked.sent_by = actor
    locked.recipient_count = len(people)
    locked.save(update_fields=["status", "sent_at", "sent_by", "recipient_count"])
    transaction.on_commit(lambda: _enqueue(locked.pk))
    return locked


def _enqueue(newsletter_id: int) -> None:
    from groundswell.recognition.tasks import send_newsletter_mails

    send_newsletter_mails.enqueue(newsletter_id)


# Unsubscribing -----------------------------------------------------------------------------------


def unsubscribe_token(person: Person) -> str:
    return signing.dumps(person.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def person_for_token(token: str) -> Person | None:
    """The person an unsubscribe link was made for; None for a forged or broken link."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Person.objects.filter(pk=pk).first()


def unsubscribe_url(person: Person) -> str:
    path = reverse(
        "recognition:newsletter-unsubscribe", kwargs={"token": unsubscribe_token(person)}
    )
    return f"{settings.SITE_URL}{path}"


def unsubscribe(person: Person) -> NewsletterOptOut:
    """No more newsletters for `person`; asking twice keeps one row."""
    opt_out, _created = NewsletterOptOut.objects.get_or_create(person=person)
    return opt_out


def resubscribe(person: Person) -> None:
    NewsletterOptOut.objects.filter(person=person).delete()


# Mailing, once per person ------------------------------------------------------------------------


def claim_delivery(
    delivery_id: int, *, now: datetime.datetime | None = None
) -> NewsletterDelivery | None:
    """Claim one person's mail; None when it went out or another worker holds it.

    The row is read first and claimed by one UPDATE after, so once the claim is taken nothing
    else can fail before the sending starts."""
    now = now or timezone.now()
    delivery = (
        NewsletterDelivery.objects.select_related("person", "newsletter")
        .filter(pk=delivery_id, sent_at__isnull=True)
        .first()
    )
    if delivery is None:
        return None
    claimed = (
        NewsletterDelivery.objects.filter(pk=delivery_id, sent_at__isnull=True)
        .filter(leases.unclaimed("claimed_at", now))
        .update(claimed_at=now)
    )
    if not claimed:
        return None
    delivery.claimed_at = now
    return delivery


def _mark(delivery: NewsletterDelivery, *, sent: bool, skipped: bool = False) -> None:
    held = NewsletterDelivery.objects.filter(
        pk=delivery.pk, claimed_at=delivery.claimed_at, sent_at=None
    )
    if sent:
        if not held.update(sent_at=timezone.now(), is_skipped=skipped):
            logger.warning("Newsletter mail %s went out after its claim ran out.", delivery.pk)
    else:
        held.update(claimed_at=None)


def mail_context(newsletter: Newsletter, person: Person) -> dict[str, object]:
    return {
        "newsletter": newsletter,
        "sections": shown_sections(newsletter),
        "person": person,
        "link": f"{settings.SITE_URL}{newsletter.get_absolute_url()}",
        "unsubscribe": unsubscribe_url(person),
        "organisation_name": settings.ORGANISATION_NAME,
    }


def send_delivery(delivery_id: int) -> int:
    """Mail one person's copy; 1 when it went out, 0 when done already, held or unsubscribed."""
    delivery = claim_delivery(delivery_id)
    if delivery is None:
        return 0
    person = delivery.person
    try:
        if not person.is_active or NewsletterOptOut.objects.filter(person=person).exists():
            _mark(delivery, sent=True, skipped=True)
            return 0
        message = _message(delivery, person)
        message.send()
    except Exception:
        # Nothing went out: give the claim back at once for the next run.
        _mark(delivery, sent=False)
        raise
    _mark(delivery, sent=True)
    return 1


def _message(delivery: NewsletterDelivery, person: Person) -> EmailMultiAlternatives:
    context = mail_context(delivery.newsletter, person)
    unsubscribe_link = str(context["unsubscribe"])
    message = EmailMultiAlternatives(
        subject=delivery.newsletter.title,
        body=render_to_string("recognition/email/newsletter.txt", context),
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("recognition/email/newsletter.html", context), "text/html"
    )
    return message


def unsent(newsletter_id: int, *, now: datetime.datetime | None = None) -> list[int]:
    """The deliveries of a newsletter nobody mailed or holds."""
    now = now or timezone.now()
    return list(
        NewsletterDelivery.objects.filter(newsletter_id=newsletter_id, sent_at__isnull=True)
        .filter(leases.unclaimed("claimed_at", now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def send_pending(newsletter_id: int) -> int:
    """Mail every copy of a newsletter not mailed yet; how many went out from this run.

    Any number of runs at once share the work: each copy is claimed before it is mailed.
    """
    mailed = 0
    for delivery_id in unsent(newsletter_id):
        mailed += send_delivery(delivery_id)
    return mailed


def stalled(*, now: datetime.datetime | None = None) -> list[int]:
    """Newsletters sent over a lease ago with a copy nobody mailed or holds (a dead worker's,
    a failed send): the sweep enqueues their mailing again."""
    now = now or timezone.now()
    waiting = NewsletterDelivery.objects.filter(sent_at__isnull=True).filter(
        leases.unclaimed("claimed_at", now)
    )
    return list(
        Newsletter.objects.filter(status=NewsletterStatus.SENT, sent_at__lte=now - leases.lease())
        .filter(Exists(waiting.filter(newsletter=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )


def delivered(newsletter: Newsletter) -> int:
    return NewsletterDelivery.objects.filter(
        newsletter=newsletter, sent_at__isnull=False, is_skipped=False
    ).count()
