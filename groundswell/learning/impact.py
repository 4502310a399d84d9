"""Did the course work? Per course, the change in quality scores and in customer satisfaction
(CSAT, % of 4-5 answers) of the people who completed it, from the WINDOW_DAYS before their
completion to the WINDOW_DAYS after, against the same change of colleagues in the same teams
who never took it (over the same days). The figure is the difference of the two mean changes,
Welch's t with its 95% interval (core.lib.stats); fewer than MIN_PEOPLE on either side is "too
few to tell". Only completions whose after-window has ended count; only aggregates are shown.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.lib import stats
from groundswell.learning.models import Completion, Course
from groundswell.people.models import Person
from groundswell.quality.selectors import review_scores_of
from groundswell.voice.dashboard import metrics
from groundswell.voice.dashboard.selectors import csat_scores_of

WINDOW_DAYS = 60
MIN_PEOPLE = 5

Observation = tuple[int, datetime.datetime, float]


@dataclass(frozen=True)
class Effect:
    """One measure: the mean change of attendees and of colleagues, and their difference."""

    measure: str
    unit: str
    attended: stats.Estimate | None
    others: stats.Estimate | None
    difference: stats.Difference | None
    n_attended: int
    n_others: int

    @property
    def too_few(self) -> bool:
        return self.n_attended < MIN_PEOPLE or self.n_others < MIN_PEOPLE

    @property
    def summary(self) -> str:
        if self.too_few or self.difference is None:
            return _(
                "Too few people to tell: %(a)s who took the course and %(o)s colleagues who "
                "did not have %(m)s both before and after (%(min)s on each side are needed)."
            ) % {"a": self.n_attended, "o": self.n_others, "m": self.measure, "min": MIN_PEOPLE}
        d = self.difference
        words = {
            "m": self.measure,
            "v": f"{abs(d.value):.1f}",
            "u": self.unit,
            "lo": f"{d.interval.low:.1f}",
            "hi": f"{d.interval.high:.1f}",
        }
        if not d.is_beyond_noise:
            return (
                _(
                    "No clear difference: %(m)s changed about as much for those who took the "
                    "course as for their colleagues "
                    "(difference %(lo)s to %(hi)s %(u)s, 95%% interval)."
                )
                % words
            )
        if d.value > 0:
            return (
                _(
                    "It seems to help: %(m)s rose %(v)s %(u)s more for those who took the course "
                    "than for their colleagues (95%% interval %(lo)s to %(hi)s)."
                )
                % words
            )
        return (
            _(
                "Worse than colleagues: %(m)s fell %(v)s %(u)s behind for those who took the "
                "course (95%% interval %(lo)s to %(hi)s)."
            )
            % words
        )


@dataclass(frozen=True)
class Impact:
    course: Course
    effects: list[Effect]
    window_days: int = WINDOW_DAYS


def _pivots(
    course: Course, today: datetime.date
) -> tuple[dict[int, datetime.date], dict[int, datetime.date]]:
    """The attendees' pivots (first completion with its after-window ended) and their team
    mates' who never took the course (the earliest pivot of an attendee of their team)."""
    last_day = today - datetime.timedelta(days=WINDOW_DAYS)
    attendees: dict[int, datetime.date] = {}
    team_of: dict[int, int | None] = {}
    for person_id, day, team_id in (
        Completion.objects.filter(course=course, completed_on__lte=last_day)
        .order_by("completed_on")
        .values_list("person_id", "completed_on", "person__team_id")
    ):
        attendees.setdefault(person_id, day)
        team_of[person_id] = team_id
    team_pivot: dict[int, datetime.date] = {}
    for person_id, day in attendees.items():
        team = team_of[person_id]
        if team is not None and (team not in team_pivot or day < team_pivot[team]):
            team_pivot[team] = day
    ever = set(Completion.objects.filter(course=course).values_list("person_id", flat=True))
    others = {
        person_id: team_pivot[team_id]
        for person_id, team_id in Person.objects.filter(team_id__in=team_pivot)
        .exclude(pk__in=ever)
        .values_list("pk", "team_id")
        if team_id is not None
    }
    return attendees, others


def _changes(
    pivots: dict[int, datetime.date],
    observations: Sequence[Observation],
    figure: Callable[[list[float]], float | None],
) -> list[float]:
    """Per person with observations on both sides of their pivot: figure(after) - figure(before)."""
    sides: dict[int, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    window = datetime.timedelta(days=WINDOW_DAYS)
    for person_id, when, value in observations:
        pivot = pivots.get(person_id)
        if pivot is None:
            continue
        day = timezone.localdate(when)
        if pivot - window <= day < pivot:
            sides[person_id][0].append(value)
        elif pivot <= day < pivot + window:
            sides[person_id][1].append(value)
    changes = []
    for before, after in sides.values():
        b, a = figure(before), figure(after)
        if before and after and a is not None and b is not None:
            changes.append(a - b)
    return changes


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _csat_share(scores: list[float]) -> float | None:
    found = metrics.csat(metrics.tally(int(s) for s in scores))
    return found.favourable if found is not None else None


def _effect(
    measure: str,
    unit: str,
    attendees: dict[int, datetime.date],
    others: dict[int, datetime.date],
    observations: Sequence[Observation],
    figure: Callable[[list[float]], float | None],
) -> Effect:
    mine = _changes(attendees, observations, figure)
    theirs = _changes(others, observations, figure)
    return Effect(
        measure=measure,
        unit=unit,
        attended=stats.mean(mine),
        others=stats.mean(theirs),
        difference=stats.welch_difference(mine, theirs),
        n_attended=len(mine),
        n_others=len(theirs),
    )


def course_impact(course: Course, *, today: datetime.date | None = None) -> Impact:
    """Quality and CSAT before and after the course, attendees against their colleagues."""
    today = today or timezone.localdate()
    attendees, others = _pivots(course, today)
    people = sorted(set(attendees) | set(others))
    reviews: list[Observation] = []
    answers: list[Observation] = []
    if people:
        pivots = list(attendees.values()) + list(others.values())
        window = datetime.timedelta(days=WINDOW_DAYS)
        since, until = _start(min(pivots) - window), _start(max(pivots) + window)
        reviews = review_scores_of(people, since, until)
        answers = [
            (p, when, float(score)) for p, when, score in csat_scores_of(people, since, until)
        ]
    return Impact(
        course,
        [
            _effect(_("the quality score"), _("points"), attendees, others, reviews, _mean),
            _effect(
                _("customer satisfaction"),
                _("points of %"),
                attendees,
                others,
                answers,
                _csat_share,
            ),
        ],
    )


def _start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
