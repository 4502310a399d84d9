"""A published wave's answers, counted once: what every report of that wave is worked out from.

A published wave never changes: `services.publish_wave` stores all of its answers in one
transaction, and nothing is added after. So its figures are counted once, when it is
published (or, for a wave published before tallies existed, at its first read), and kept in
one `WaveTally` row. Reports then read a few kilobytes per wave instead of every answer, and
the results page costs the same with a thousand respondents or a hundred thousand
(`make bench-scale`, curve "pulse results").

The tally holds, per stored group (organisation, department, team, a department's "no team",
the smaller departments together) and question, how many gave each value, reverse-worded
items already turned round; and for the whole organisation only, per element, Cronbach's
alpha and the n, mean and variance of the respondents' element means (what a comparison
with the wave before needs). Each figure is a sum over groups the submissions already name,
so the tally says nothing the stored submissions do not; suppression is applied when it is
read, with the campaign's minimum of the day (docs/anonymity.md).
"""

from __future__ import annotations

import functools
import itertools
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction

from groundswell.core.lib.stats import Interval, Reliability, Sample
from groundswell.pulse import stats, suppression
from groundswell.pulse.choices import QuestionKind
from groundswell.pulse.models import Answer, Question, Submission, Wave, WaveTally

ORGANISATION = ("organisation", 0)
# Respondents of departments too small to be stored with their department (services.coarsen).
OTHER = ("other", 0)
GroupKey = tuple[str, int]
Histogram = dict[int, int]  # value -> how many gave it

# Raised whenever what a tally holds changes: older rows are then counted again at first read.
VERSION = 1


def measure_code(question: Question) -> str:
    """The scale a question counts towards: its element, or the question itself if custom."""
    return question.element or f"q{question.pk}"


@dataclass
class Tally:
    counts: dict[GroupKey, int] = field(default_factory=dict)  # respondents per group
    parents: dict[GroupKey, GroupKey | None] = field(default_factory=dict)
    # group -> question id -> histogram of values (reverse-worded items turned round)
    answers: dict[GroupKey, dict[int, Histogram]] = field(default_factory=dict)
    # Organisation only, per element of two or more items: None where alpha is undefined.
    reliability: dict[str, Reliability | None] = field(default_factory=dict)
    # Organisation only, per element: the respondents' element means, summarised.
    spread: dict[str, Sample] = field(default_factory=dict)
    _hidden: dict[int, frozenset[GroupKey]] = field(default_factory=dict, repr=False, compare=False)

    def hidden(self, minimum: int) -> set[GroupKey]:
        """The groups suppression hides at `minimum` (worked out once per minimum)."""
        if minimum not in self._hidden:
            self._hidden[minimum] = frozenset(
                suppression.hidden_groups(self.counts, self.parents, minimum)
            )
        return set(self._hidden[minimum])

    def histogram(self, key: GroupKey, question_ids: list[int]) -> Histogram:
        """The values a group gave to some questions, added together."""
        merged: Histogram = defaultdict(int)
        for question_id in question_ids:
            for value, count in self.answers.get(key, {}).get(question_id, {}).items():
                merged[value] += count
        return dict(merged)

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": {_name(key): n for key, n in self.counts.items()},
            "parents": {
                _name(key): None if parent is None else _name(parent)
                for key, parent in self.parents.items()
            },
            "answers": {
                _name(key): {
                    str(question): {str(value): n for value, n in histogram.items()}
                    for question, histogram in questions.items()
                }
                for key, questions in self.answers.items()
            },
            "reliability": {
                code: None if figure is None else asdict(figure)
                for code, figure in self.reliability.items()
            },
            "spread": {code: asdict(sample) for code, sample in self.spread.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tally:
        return cls(
            counts={_key(name): n for name, n in data["counts"].items()},
            parents={
                _key(name): None if parent is None else _key(parent)
                for name, parent in data["parents"].items()
            },
            answers={
                _key(name): {
                    int(question): {int(value): n for value, n in histogram.items()}
                    for question, histogram in questions.items()
                }
                for name, questions in data["answers"].items()
            },
            reliability={
                code: None if figure is None else _reliability(figure)
                for code, figure in data["reliability"].items()
            },
            spread={code: Sample(**sample) for code, sample in data["spread"].items()},
        )


def _name(key: GroupKey) -> str:
    return f"{key[0]}:{key[1]}"


def _key(name: str) -> GroupKey:
    kind, pk = name.split(":")
    return (kind, int(pk))


def _reliability(figure: dict[str, Any]) -> Reliability:
    interval = figure["interval"]
    return Reliability(
        value=figure["value"],
        interval=None if interval is None else Interval(**interval),
        n=figure["n"],
        method=figure["method"],
        items=figure["items"],
    )


def groups_of(department_id: int | None, team_id: int | None) -> list[GroupKey]:
    """The groups a submission counts in, from the organisation down."""
    if department_id is None:
        return [ORGANISATION, OTHER]
    team = ("team", team_id) if team_id else ("no-team", department_id)
    return [ORGANISATION, ("department", department_id), team]


def tally_of(wave: Wave, *, using: str) -> Tally:
    """The wave's tally: the stored one, or counted now (and kept) if there is none yet."""
    stamp = (
        WaveTally.objects.using(using)
        .filter(wave_id=wave.pk, version=VERSION)
        .values_list("stamp", flat=True)
        .first()
    )
    if stamp is not None:
        return _read(wave.pk, stamp, using)
    tally = count(wave, using=using)
    try:
        # Kept on the primary even when counted from a replica; two first readers racing
        # both count, and the second one's insert is simply dropped.
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            _keep(wave, tally)
    except IntegrityError:
        pass
    return tally


# A tally of a wave with thousands of teams is megabytes of JSON, tens of milliseconds to parse:
# each worker keeps the last few it read, for as long as their stamp is the stored one. Read-only
# for callers (Tally.hidden and histogram copy what they return).
@functools.lru_cache(maxsize=8)
def _read(wave_id: int, stamp: uuid.UUID, using: str) -> Tally:
    data = WaveTally.objects.using(using).filter(wave_id=wave_id).values_list("data", flat=True)
    return Tally.from_json(data.get())


def _keep(wave: Wave, tally: Tally) -> None:
    WaveTally.objects.update_or_create(
        wave_id=wave.pk,
        defaults={"version": VERSION, "stamp": uuid.uuid4(), "data": tally.as_json()},
    )


# One respondent as counted: department, team (None where not stored) and the values given,
# by question id, as stored (reverse-worded items not yet turned round).
Respondent = tuple[int | None, int | None, Mapping[int, int]]


def store(wave: Wave, respondents: Iterable[Respondent] | None = None) -> Tally:
    """Count a wave and keep its tally. Publishing passes the answers in hand, so the rows it
    has just written are not read back (nor planned without statistics); without them the
    stored answers are counted."""
    if respondents is None:
        tally = count(wave, using=DEFAULT_DB_ALIAS)
    else:
        questions = list(Question.objects.filter(campaign_id=wave.campaign_id))
        tally = count_respondents(respondents, questions)
    _keep(wave, tally)
    return tally


def count(wave: Wave, *, using: str) -> Tally:
    """Count a published wave's stored answers, read from `using` (a replica is fine)."""
    questions = list(Question.objects.using(using).filter(campaign_id=wave.campaign_id))
    places = {
        pk: (department_id, team_id)
        for pk, department_id, team_id in Submission.objects.using(using)
        .filter(wave_id=wave.pk)
        .values_list("pk", "department_id", "team_id")
        .order_by()
    }
    values: dict[object, dict[int, int]] = defaultdict(dict)
    for submission_id, question_id, value in (
        Answer.objects.using(using)
        .filter(submission__wave_id=wave.pk)
        .values_list("submission_id", "question_id", "value")
        .order_by()
    ):
        values[submission_id][question_id] = value
    return count_respondents(
        ((department, team, values.get(pk, {})) for pk, (department, team) in places.items()),
        questions,
    )


def count_respondents(respondents: Iterable[Respondent], questions: list[Question]) -> Tally:
    """The tally of some respondents' answers to a campaign's `questions`."""
    reversed_ids = {question.pk for question in questions if question.is_reversed}
    tally = Tally(parents={ORGANISATION: None})
    counts: dict[GroupKey, int] = defaultdict(int)
    answers: dict[GroupKey, dict[int, dict[int, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    rows: list[dict[int, int]] = []
    for department, team, given in respondents:
        keys = groups_of(department, team)
        for parent, key in itertools.pairwise(keys):
            tally.parents[key] = parent
        turned = {
            question: 6 - value if question in reversed_ids else value
            for question, value in given.items()
        }
        for key in keys:
            counts[key] += 1
            by_question = answers[key]
            for question, value in turned.items():
                by_question[question][value] += 1
        rows.append(turned)
    tally.counts = dict(counts)
    tally.answers = {
        key: {question: dict(histogram) for question, histogram in by_question.items()}
        for key, by_question in answers.items()
    }
    _organisation_figures(tally, questions, rows)
    return tally


def _organisation_figures(
    tally: Tally, questions: list[Question], rows: list[dict[int, int]]
) -> None:
    """Reliability and the spread of respondents' means: these need each respondent's row."""
    items: dict[str, list[int]] = defaultdict(list)
    for question in questions:
        if question.kind == QuestionKind.AGREEMENT:
            items[measure_code(question)].append(question.pk)
    for code, ids in items.items():
        if len(ids) > 1:
            # Listwise: a respondent with a blank item is left out of alpha.
            tally.reliability[code] = stats.cronbach_alpha(
                [[row.get(pk) for pk in ids] for row in rows if any(pk in row for pk in ids)]
            )
        means = [
            stats.mean(answered)
            for row in rows
            if (answered := [row[pk] for pk in ids if pk in row])
        ]
        if means:
            tally.spread[code] = Sample.of(means)
