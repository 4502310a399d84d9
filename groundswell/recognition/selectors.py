"""Reads for recognition, shared by the pages and the API, always scoped to the viewer."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    CharField,
    Count,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
)
from django.db.models import Value as V
from django.http import Http404

from groundswell.people.models import Person, Team
from groundswell.people.permissions import (
    Action,
    can,
    can_everywhere,
    can_somewhere,
    departments_in_scope,
    restrict,
    teams_in_scope,
)
from groundswell.recognition.choices import REACTION_SYMBOLS, Feed, Reaction, ReviewStatus
from groundswell.recognition.models import (
    Compliment,
    HeroNomination,
    HeroOfTheMonth,
    Kudos,
    KudosComment,
    KudosReaction,
    KudosReport,
    Newsletter,
    Preference,
    Value,
    reaction_count_field,
)
from groundswell.recognition.services import may_approve


def list_values(*, include_retired: bool = False) -> QuerySet[Value]:
    values = Value.objects.all()
    return values if include_retired else values.current()


def _with_details(kudos: QuerySet[Kudos]) -> QuerySet[Kudos]:
    """What a kudos card shows, in a fixed number of queries whatever the page holds."""
    return kudos.select_related("giver", "recipient", "team").prefetch_related(
        "values",
        "reactions",
        Prefetch("comments", queryset=KudosComment.objects.select_related("author")),
    )


def _my_teams(viewer: Person) -> list[int]:
    """The viewer's team and the teams they lead."""
    ids = set(Team.objects.filter(lead=viewer).values_list("pk", flat=True))
    if viewer.team_id is not None:
        ids.add(viewer.team_id)
    return sorted(ids)


def _feed_rows(viewer: Person, feed: str) -> QuerySet[Kudos]:
    """A feed's rows, unordered and without details.

    The company and team feeds hold public rows only (`in_feed`), which everyone who uses
    recognition may read, so they need no part of `visible_to`'s wide OR: their filter is the
    one the partial indexes `kudos_feed_public` and `kudos_feed_team` are built on. The "me"
    feed holds the viewer's own history, private and hidden rows included, through
    `visible_to`, over the giver and recipient indexes.
    """
    if feed == Feed.ME:
        mine = Q(giver=viewer) | Q(recipient=viewer)
        if viewer.team_id is not None:
            mine |= Q(recipient__isnull=True, team_id=viewer.team_id)
        return Kudos.objects.visible_to(viewer).filter(mine)
    if not can_somewhere(viewer, Action.USE_RECOGNITION):
        return Kudos.objects.none()
    if feed == Feed.TEAM:
        return Kudos.objects.in_feed().filter(team_id__in=_my_teams(viewer))
    return Kudos.objects.in_feed()


def list_kudos(viewer: Person, feed: str = Feed.COMPANY) -> QuerySet[Kudos]:
    """A feed, newest first: everyone's public kudos, my teams', or those given or received by
    me (private and hidden ones, and those to people who left, included: my history)."""
    return _with_details(_feed_rows(viewer, feed))


def get_kudos_for(viewer: Person, pk: int) -> Kudos:
    """One kudos `viewer` may read, with what its card shows; 404 otherwise."""
    kudos = _with_details(Kudos.objects.visible_to(viewer)).filter(pk=pk).first()
    if kudos is None:
        raise Http404
    return kudos


@dataclass(frozen=True)
class ReactionTally:
    kind: str
    label: str
    symbol: str
    count: int
    mine: bool


@dataclass(frozen=True)
class ValueTag:
    """A value as a card names it."""

    pk: int
    name: str
    position: int


@dataclass(frozen=True)
class KudosCard:
    """A kudos as the feed shows it to one viewer."""

    kudos: Kudos
    reactions: list[ReactionTally]
    may_moderate: bool
    is_mine: bool
    values: list[ValueTag]
    comment_count: int


@dataclass(frozen=True)
class ModerationReach:
    """Where a viewer moderates kudos, read once for a whole page of cards."""

    everywhere: bool
    teams: frozenset[int]
    departments: frozenset[int]

    def covers(self, kudos: Kudos) -> bool:
        if self.everywhere:
            return True
        if kudos.team_id is not None:
            return kudos.team_id in self.teams
        return kudos.department_id in self.departments


def moderation_reach(viewer: Person) -> ModerationReach:
    action = Action.MODERATE_RECOGNITION
    if can_everywhere(viewer, action):
        return ModerationReach(True, frozenset(), frozenset())
    teams = frozenset(teams_in_scope(viewer, action).values_list("pk", flat=True))
    return ModerationReach(False, teams, frozenset(departments_in_scope(viewer, action) or ()))


def cards(viewer: Person, kudos_list: Iterable[Kudos]) -> list[KudosCard]:
    """The cards of kudos fetched through `list_kudos`, `get_kudos_for` or `with_card_details`:
    one query for the viewer's moderation reach, none per card."""
    reach = moderation_reach(viewer)
    # The reaction kinds' names in the viewer's language, translated once for the page.
    kinds = [(str(kind), str(label), _SYMBOLS[kind]) for kind, label in Reaction.choices]
    return [_card(viewer, kudos, reach, kinds) for kudos in kudos_list]


def _card(
    viewer: Person, kudos: Kudos, reach: ModerationReach, kinds: list[tuple[str, str, str]]
) -> KudosCard:
    if "card_values" in kudos.__dict__:  # read by `with_card_details`: the page's one query
        mine = set((kudos.card_mine or "").split(","))  # type: ignore[attr-defined]
        counts = {kind: getattr(kudos, reaction_count_field(kind)) for kind in Reaction.values}
        values = _values_of(kudos.card_values or "")  # type: ignore[attr-defined]
        comment_count = kudos.comment_count
    else:  # read by `_with_details`' prefetches: counted from the rows themselves
        tally: Counter[str] = Counter()
        mine = set()
        for reaction in kudos.reactions.all():
            tally[reaction.kind] += 1
            if reaction.person_id == viewer.pk:
                mine.add(reaction.kind)
        counts = dict(tally)
        values = [ValueTag(value.pk, value.name, value.position) for value in kudos.values.all()]
        comment_count = len(kudos.comments.all())
    tallies = [
        ReactionTally(kind, label, symbol, counts.get(kind, 0), kind in mine)
        for kind, label, symbol in kinds
    ]
    return KudosCard(
        kudos,
        tallies,
        reach.covers(kudos),
        kudos.giver_id == viewer.pk,
        values,
        comment_count,
    )


_SYMBOLS = {str(kind): symbol for kind, symbol in REACTION_SYMBOLS.items()}

# Between a value's position and name, and between values, in `card_values`: control
# characters nobody types into a value's name.
_PAIR, _ITEM = "\x1e", "\x1f"


def _values_of(summed: str) -> list[ValueTag]:
    """The values of a card from its aggregated `card_values`, in the values' order (sorted
    here: not every SQLite orders inside an aggregate)."""
    values = []
    for item in summed.split(_ITEM) if summed else []:
        position, pk, name = item.split(_PAIR, 2)
        values.append(ValueTag(int(pk), name, int(position)))
    return sorted(values, key=lambda value: (value.position, value.name))


class _Joined(Func):
    """Columns joined by `_PAIR` with SQL's `||` (PostgreSQL and SQLite alike): cheaper to
    build than `Concat` with a `Cast` per column, which the feed paid on every page. Only for
    columns that are never NULL."""

    template = "%(expressions)s"
    arg_joiner = f" || '{_PAIR}' || "
    output_field = CharField()


CARD_FIELDS = (
    "giver_id",
    "recipient_id",
    "team_id",
    "department_id",
    "message",
    "is_private",
    "is_hidden",
    "created_at",
    "giver__full_name",
    "recipient__full_name",
    "team__name",
    "comment_count",
    *(reaction_count_field(kind) for kind in Reaction.values),
)


def with_card_details(kudos: QuerySet[Kudos], viewer: Person) -> QuerySet[Kudos]:
    """What a card shows, read with the kudos in one query: giver, person and team joined;
    the reaction and comment counters kept on the kudos by the writes; two subqueries over the
    (kudos, ...) indexes: the values (position, id and name) and the viewer's own reactions.
    No query per card."""
    links: QuerySet[Any] = Kudos.values.through.objects.filter(kudos_id=OuterRef("pk"))
    value_list = (
        links.order_by()
        .values("kudos_id")
        .annotate(summed=StringAgg(_Joined("value__position", "value_id", "value__name"), V(_ITEM)))
        .values("summed")
    )
    my_reactions = (
        KudosReaction.objects.filter(kudos_id=OuterRef("pk"), person_id=viewer.pk)
        .order_by()
        .values("kudos_id")
        .annotate(summed=StringAgg("kind", V(",")))
        .values("summed")
    )
    # Only the columns a card shows: a page's rows (and their people) are built in Python.
    shown = kudos.select_related("giver", "recipient", "team").only(*CARD_FIELDS)
    return shown.annotate(card_values=Subquery(value_list), card_mine=Subquery(my_reactions))


@dataclass(frozen=True)
class FeedPage:
    """One page of a feed, read by keyset: `older` is the cursor of the next page, if any."""

    cards: list[KudosCard]
    older: str | None
    is_first: bool


def _cursor_of(kudos: Kudos) -> str:
    moment = kudos.created_at - _EPOCH
    return f"{moment // datetime.timedelta(microseconds=1)}-{kudos.pk}"


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def read_cursor(cursor: str | None) -> tuple[datetime.datetime, int] | None:
    """The (created_at, pk) a feed page starts below; None for an absent or unreadable one
    (the first page is shown)."""
    micros, _sep, pk = (cursor or "").partition("-")
    if not (micros.isdigit() and pk.isdigit()):
        return None
    try:
        return _EPOCH + datetime.timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:
        return None


def feed_page(
    viewer: Person, feed: str = Feed.COMPANY, *, before: str | None = None, size: int = 10
) -> FeedPage:
    """A page of a feed, newest first, below the cursor `before` (keyset: no OFFSET, no
    COUNT); its kudos with their cards' details in one query."""
    rows = _feed_rows(viewer, feed)
    start = read_cursor(before)
    if start is not None:
        moment, pk = start
        rows = rows.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    page = list(with_card_details(rows, viewer).order_by("-created_at", "-pk")[: size + 1])
    older = _cursor_of(page[size - 1]) if len(page) > size else None
    return FeedPage(cards(viewer, page[:size]), older, start is None)


def reports_to_moderate(viewer: Person) -> QuerySet[Kudos]:
    """Reported kudos with open reports in the teams `viewer` moderates, oldest report first."""
    reported = restrict(
        Kudos.objects.all(),
        viewer,
        Action.MODERATE_RECOGNITION,
        team="team",
        department="department",
    ).filter(reports__status="open")
    return (
        _with_details(reported)
        .annotate(open_reports=Count("reports", filter=Q(reports__status="open"), distinct=True))
        .order_by("created_at")
    )


def open_reports_of(kudos: Kudos) -> QuerySet[KudosReport]:
    return kudos.reports.filter(status="open").select_related("reporter")


# Compliments ----------------------------------------------------------------------------------


def _compliments(queryset: QuerySet[Compliment]) -> QuerySet[Compliment]:
    return queryset.select_related(
        "agent", "team", "response__invitation__customer", "response__invitation__interaction"
    ).prefetch_related("values")


def list_compliments(viewer: Person, *, which: str = "shown") -> QuerySet[Compliment]:
    """ "shown": approved compliments on display; "mine": the viewer's own, every status;
    "to_review": those waiting for the viewer's approval."""
    visible = Compliment.objects.visible_to(viewer)
    if which == "mine":
        return _compliments(visible.filter(agent=viewer))
    if which == "to_review":
        waiting = restrict(
            visible, viewer, Action.APPROVE_RECOGNITION, team="team", department="department"
        )
        return _compliments(waiting.filter(status=ReviewStatus.PENDING).exclude(agent=viewer))
    return _compliments(visible.in_feed())


def get_compliment_for(viewer: Person, pk: int) -> Compliment:
    compliment = _compliments(Compliment.objects.visible_to(viewer)).filter(pk=pk).first()
    if compliment is None:
        raise Http404
    return compliment


def customer_shown(compliment: Compliment) -> str:
    """The customer as the card names them: initials unless the approver chose the name."""
    customer = compliment.response.invitation.customer
    name = (customer.name if customer is not None else "").strip()
    if not name:
        return "A customer"
    if compliment.show_customer_name:
        return name
    return " ".join(f"{part[0].upper()}." for part in name.split())


def may_review(viewer: Person, compliment: Compliment) -> bool:
    return compliment.status == ReviewStatus.PENDING and may_approve(viewer, compliment.agent)


# Heroes -------------------------------------------------------------------------------------------


def _heroes(queryset: QuerySet[HeroNomination]) -> QuerySet[HeroNomination]:
    return queryset.select_related(
        "nominee", "nominated_by", "team", "department"
    ).prefetch_related("values")


def hall_of_fame(viewer: Person) -> QuerySet[HeroNomination]:
    """Approved heroes on display, latest decision first."""
    return _heroes(HeroNomination.objects.visible_to(viewer).hall_of_fame()).order_by(
        "-decided_at", "-pk"
    )


def heroes_to_decide(viewer: Person) -> QuerySet[HeroNomination]:
    """Nominations waiting for `viewer`'s decision: in their scope, of people they outrank."""
    waiting = restrict(
        HeroNomination.objects.filter(status=ReviewStatus.PENDING),
        viewer,
        Action.APPROVE_RECOGNITION,
        team="team",
        department="department",
    ).exclude(nominee=viewer)
    return _heroes(waiting).order_by("created_at")


def my_nominations(viewer: Person) -> QuerySet[HeroNomination]:
    return _heroes(HeroNomination.objects.filter(nominated_by=viewer))


def get_hero_for(viewer: Person, pk: int) -> HeroNomination:
    hero = _heroes(HeroNomination.objects.visible_to(viewer)).filter(pk=pk).first()
    if hero is None:
        raise Http404
    return hero


def may_decide(viewer: Person, hero: HeroNomination) -> bool:
    return hero.status == ReviewStatus.PENDING and may_approve(viewer, hero.nominee)


def heroes_of_the_month(viewer: Person, month: datetime.date) -> QuerySet[HeroOfTheMonth]:
    """The month's heroes per team and department that `viewer` may see."""
    shown = HeroNomination.objects.visible_to(viewer).values("pk")
    return (
        HeroOfTheMonth.objects.filter(month=month.replace(day=1), nomination__in=shown)
        .select_related("nomination__nominee", "team", "department")
        .order_by("department__name", "team__name")
    )


def places_to_choose_for(viewer: Person, hero: HeroNomination) -> dict[str, object]:
    """Where `viewer` may make `hero` hero of the month: its team, its department, or neither."""
    places: dict[str, object] = {}
    if hero.status != ReviewStatus.APPROVED:
        return places
    if hero.team is not None and can(viewer, Action.APPROVE_RECOGNITION, hero.team):
        places["team"] = hero.team
    if can(viewer, Action.APPROVE_RECOGNITION, hero.department):
        places["department"] = hero.department
    return places


def preference_of(person: Person) -> Preference:
    return Preference.objects.filter(person=person).first() or Preference(person=person)


# The monthly newsletter -----------------------------------------------------------------------


def list_newsletters(viewer: Person) -> QuerySet[Newsletter]:
    """The archive (sent ones) for everyone; drafts too for those who send."""
    return Newsletter.objects.visible_to(viewer).order_by("-month")


def get_newsletter_for(viewer: Person, pk: int, *, send: bool = False) -> Newsletter:
    """A newsletter `viewer` may read (404 otherwise); `send`: one they may edit and send
    (403 for the wrong role)."""
    if send and not can_everywhere(viewer, Action.SEND_NEWSLETTER):
        raise PermissionDenied
    newsletter = (
        Newsletter.objects.visible_to(viewer)
        .prefetch_related("sections")
        .select_related("sent_by", "edited_by")
        .filter(pk=pk)
        .first()
    )
    if newsletter is None:
        raise Http404
    return newsletter
