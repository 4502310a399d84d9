"""The daily huddle digest: what a team starts its day with.

For each team, at its shift start (`GROUNDSWELL_HUDDLE_SHIFT_START`, local time in the team's
`time_zone`, or the site's TIME_ZONE for a team without one), one `HuddleDigest(team, day)` row is
made; the unique constraint makes it once per team and day however many workers or schedulers
run, and after a restart. Its email is claimed with a lease (core/lib/leases.py): one UPDATE
lets exactly one worker send it, a failed send gives the claim back, and a dead worker's claim
runs out so the next run sends it.

The page shows, for the digest's day: yesterday's approved compliments and shown kudos of the
team, one hero story, the team's customer figures of yesterday against the day before (with n),
the promises due today, and the leadership line (the team's, else its department's).

The figures are the team's as its lead may read them (the digest is one shared document for
the whole team, page and email alike), counted per day by voice's live aggregate
(`rollups.voice_rows`) for every team at once (`figures_of`). A value is shown from the
dashboard's minimum number of answers (`GROUNDSWELL_MIN_AGENT_RESPONSES`); n always.
`build_many` reads what is the same for many teams (figures, leadership lines) in one go.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from groundswell.core.lib import leases
from groundswell.core.lib.reporting import reporting_db
from groundswell.desk.choices import PromiseStatus
from groundswell.desk.models import Promise
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, can
from groundswell.recognition.models import (
    Compliment,
    HeroNomination,
    HuddleDigest,
    Kudos,
    LeadershipLine,
)
from groundswell.voice.choices import SurveyKind
from groundswell.voice.dashboard import metrics, rollups
from groundswell.voice.dashboard.selectors import Figures

logger = logging.getLogger(__name__)
SHOWN = 10
ONE_DAY = datetime.timedelta(days=1)


def shift_start(day: datetime.date, zone: datetime.tzinfo | None = None) -> datetime.datetime:
    """When the huddle of `day` is due: the shift start, local time in `zone` (the site's)."""
    hour, minute = (int(part) for part in settings.GROUNDSWELL_HUDDLE_SHIFT_START.split(":"))
    local = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(local, zone or timezone.get_default_timezone())


def _day_range(
    day: datetime.date, zone: datetime.tzinfo | None = None
) -> tuple[datetime.datetime, datetime.datetime]:
    zone = zone or timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), zone)
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min), zone
    )
    return start, end


def _zones(now: datetime.datetime) -> list[tuple[str, datetime.date, bool]]:
    """Each time zone teams work in ("" for the site's): its date now, and whether its shift
    has started."""
    found = []
    names = Team.objects.order_by().values_list("time_zone", flat=True).distinct()
    for name in names:
        zone = zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
        today = timezone.localdate(now, zone)
        found.append((name, today, now >= shift_start(today, zone)))
    return found


def make_due_digests(*, now: datetime.datetime | None = None) -> int:
    """Make today's digest row of every team whose shift started, in the team's time zone,
    that has none; how many teams were missing one.

    Safe to run from any number of workers at once: `ignore_conflicts` lets the unique
    (team, day) row be inserted once, and a second run makes none.
    """
    now = now or timezone.now()
    wanted = []
    for name, today, started in _zones(now):
        if not started:
            continue
        teams = (
            Team.objects.filter(time_zone=name)
            .exclude(huddle_digests__day=today)
            .values_list("pk", flat=True)
        )
        wanted += [HuddleDigest(team_id=pk, day=today, created_at=now) for pk in teams]
    HuddleDigest.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=500)
    return len(wanted)


def unsent(*, now: datetime.datetime | None = None) -> list[int]:
    """Today's digests (the team's today) whose email nobody sent or holds (a digest not sent
    on its day is left: yesterday's huddle is no news the morning after)."""
    now = now or timezone.now()
    today = Q(pk__in=[])
    for name, day, _started in _zones(now):
        today |= Q(team__time_zone=name, day=day)
    return list(
        HuddleDigest.objects.filter(today, email_sent_at__isnull=True)
        .filter(leases.unclaimed("email_claimed_at", now))
        .values_list("pk", flat=True)
    )


def claim_email(digest_id: int, *, now: datetime.datetime | None = None) -> HuddleDigest | None:
    """Claim the sending of a digest's email; None when it went out or another worker holds
    it."""
    now = now or timezone.now()
    claimed = (
        HuddleDigest.objects.filter(pk=digest_id, email_sent_at__isnull=True)
        .filter(leases.unclaimed("email_claimed_at", now))
        .update(email_claimed_at=now)
    )
    if not claimed:
        return None
    return HuddleDigest.objects.select_related("team__department", "team__lead").get(pk=digest_id)


def _mark(digest: HuddleDigest, *, sent: bool) -> None:
    held = HuddleDigest.objects.filter(
        pk=digest.pk, email_claimed_at=digest.email_claimed_at, email_sent_at=None
    )
    if sent:
        if not held.update(email_sent_at=timezone.now()):
            logger.warning("Huddle digest %s went out after its claim ran out.", digest.pk)
    else:
        held.update(email_claimed_at=None)


@dataclass(frozen=True)
class DayFigure:
    """One customer figure for one day: its value (None below the minimum) and n."""

    value: float | None
    n: int


@dataclass(frozen=True)
class DayFigures:
    """A team's CSAT (% satisfied) and NPS, yesterday and the day before."""

    csat: DayFigure
    csat_before: DayFigure
    nps: DayFigure
    nps_before: DayFigure
    minimum: int


def _reading(figure: metrics.Csat | metrics.Nps | None, minimum: int) -> DayFigure:
    if figure is None:
        return DayFigure(None, 0)
    value = figure.favourable if isinstance(figure, metrics.Csat) else figure.score
    return DayFigure(value if figure.n >= minimum else None, figure.n)


def _readers(teams: Sequence[Team]) -> dict[int, Person]:
    """The teams whose lead is active and may read their customer voice, with that lead."""
    return {
        team.pk: team.lead
        for team in teams
        if team.lead is not None
        and team.lead.is_active
        and can(team.lead, Action.VIEW_CUSTOMER_VOICE, team)
    }


def figures_of(teams: Sequence[Team], day: datetime.date) -> dict[int, DayFigures | None]:
    """Yesterday's CSAT and NPS of each team against the day before, as its lead reads them
    (None for a team with no active lead who may read customer voice).

    Set-based: the answers of both days for every team are counted together, per day, team,
    channel and kind, by voice's live aggregate (`rollups.voice_rows`, the rows the dashboard
    adds to its rollups) from the reporting database.
    """
    readers = _readers(teams)
    found: dict[int, DayFigures | None] = dict.fromkeys((team.pk for team in teams), None)
    if not readers:
        return found
    yesterday, before = day - ONE_DAY, day - 2 * ONE_DAY
    where = rollups.Slice(
        start=rollups.day_start(before), end=rollups.day_start(day), team_ids=sorted(readers)
    )
    counted: dict[tuple[int, datetime.date], Figures] = defaultdict(Figures)
    for (when, team_id, _channel, kind), values in rollups.voice_rows(
        where, per="day", using=reporting_db()
    ).items():
        if kind in (SurveyKind.CSAT, SurveyKind.NPS):
            counted[team_id, when].add_scores(kind, values)
    minimum = settings.GROUNDSWELL_MIN_AGENT_RESPONSES
    for team_id in readers:
        now, then = counted[team_id, yesterday], counted[team_id, before]
        found[team_id] = DayFigures(
            csat=_reading(metrics.csat(now.histogram(SurveyKind.CSAT)), minimum),
            csat_before=_reading(metrics.csat(then.histogram(SurveyKind.CSAT)), minimum),
            nps=_reading(metrics.nps(now.histogram(SurveyKind.NPS)), minimum),
            nps_before=_reading(metrics.nps(then.histogram(SurveyKind.NPS)), minimum),
            minimum=minimum,
        )
    return found


def day_figures(team: Team, day: datetime.date) -> DayFigures | None:
    """Yesterday's CSAT and NPS of `team` against the day before (`figures_of` for one)."""
    return figures_of([team], day)[team.pk]


@dataclass(frozen=True)
class Digest:
    """What a team's huddle shows on `day`."""

    team: Team
    day: datetime.date
    yesterday: datetime.date
    compliments: list[Compliment]
    kudos: list[Kudos]
    hero: HeroNomination | None
    promises: list[Promise]
    promises_due: int
    leadership_line: str
    figures: DayFigures | None


def leadership_lines_for(teams: Sequence[Team]) -> dict[int, str]:
    """Each team's leadership line: its own, else its department's, else empty (one query)."""
    departments = {team.department_id for team in teams}
    rows = LeadershipLine.objects.filter(
        Q(team__in=[team.pk for team in teams]) | Q(department_id__in=departments)
    ).values_list("team_id", "department_id", "text")
    own: dict[int, str] = {}
    of_department: dict[int, str] = {}
    for team_id, department_id, text in rows:
        if team_id is not None:
            own[team_id] = text
        else:
            of_department[department_id] = text
    return {
        team.pk: own.get(team.pk) or of_department.get(team.department_id) or "" for team in teams
    }


def leadership_line_for(team: Team) -> str:
    return leadership_lines_for([team])[team.pk]


def build_many(teams: Sequence[Team], day: datetime.date) -> list[Digest]:
    """The digests of `teams` on `day`: their figures and leadership lines read for all at
    once, the rest (a few indexed reads per team) team by team."""
    figures = figures_of(teams, day)
    lines = leadership_lines_for(teams)
    return [build(team, day, read=(figures[team.pk], lines[team.pk])) for team in teams]


def build(
    team: Team,
    day: datetime.date,
    *,
    read: tuple[DayFigures | None, str] | None = None,
) -> Digest:
    """The digest of `team` on `day`, public recognition only (what its members all may read);
    `read`: its figures and leadership line when `build_many` read them already."""
    yesterday = day - datetime.timedelta(days=1)
    start, end = _day_range(yesterday, team.zone)
    compliments = (
        Compliment.objects.in_feed()
        .filter(team=team, received_at__gte=start, received_at__lt=end)
        .select_related("agent", "response__invitation__customer")
        .prefetch_related("values")
    )
    kudos = (
        Kudos.objects.in_feed()
        .filter(team=team, created_at__gte=start, created_at__lt=end)
        .select_related("giver", "recipient", "team")
        .prefetch_related("values")
    )
    day_start, day_end = _day_range(day, team.zone)
    hero = (
        HeroNomination.objects.hall_of_fame()
        .filter(Q(team=team) | Q(team__isnull=True, department_id=team.department_id))
        .filter(decided_at__lt=day_end)
        .select_related("nominee")
        .order_by("-decided_at", "-pk")
        .first()
    )
    due = Promise.objects.filter(
        interaction__team=team,
        status=PromiseStatus.OPEN,
        due_at__gte=day_start,
        due_at__lt=day_end,
    ).select_related("interaction", "made_by")
    return Digest(
        team=team,
        day=day,
        yesterday=yesterday,
        compliments=list(compliments[:SHOWN]),
        kudos=list(kudos[:SHOWN]),
        hero=hero,
        promises=list(due[:SHOWN]),
        promises_due=due.count(),
        leadership_line=read[1] if read is not None else leadership_line_for(team),
        figures=read[0] if read is not None else day_figures(team, day),
    )


def recipients(team: Team) -> list[Person]:
    people = list(team.members.filter(is_active=True).order_by("pk"))
    if team.lead is not None and team.lead.is_active and team.lead not in people:
        people.append(team.lead)
    return people


def send_digest(digest_id: int) -> int:
    """Email a team's digest to its members and lead; the number of addresses it went to."""
    digest = claim_email(digest_id)
    if digest is None:
        return 0
    to = recipients(digest.team)
    if not to:
        _mark(digest, sent=True)
        return 0
    context = {
        "digest": build(digest.team, digest.day),
        "link": f"{settings.SITE_URL}{digest.get_absolute_url()}",
        "organisation_name": settings.ORGANISATION_NAME,
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("recognition/email/huddle_subject.txt", context).strip(),
        body=render_to_string("recognition/email/huddle.txt", context),
        bcc=[person.email for person in to],
    )
    message.attach_alternative(
        render_to_string("recognition/email/huddle.html", context), "text/html"
    )
    try:
        message.send()
    except Exception:
        _mark(digest, sent=False)
        raise
    _mark(digest, sent=True)
    return len(to)
