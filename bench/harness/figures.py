"""From measured rounds to the report: medians, paired ratios and the goals' verdicts.

Every figure is a median over rounds. A ratio pairs Groundswell with its baseline (the
ceiling's same profile, or the raw insert of the same rows) round by round, so both were
measured in the same minutes, and the ratio reported is the median of those per-round ratios.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

OURS, CEILING, RAW, PEER = "groundswell", "ceiling", "raw", "peer"


@dataclass(frozen=True)
class Figure:
    """One profile of one contestant in one round: a value, or why there is none."""

    db: str
    contestant: str
    profile: str
    round: int
    value: float | None
    unit: str
    detail: dict[str, Any] = field(default_factory=dict)
    failure: str = ""


@dataclass(frozen=True)
class Goal:
    """What a comparison must reach: its ratio (or, with `on_value`, Groundswell's own figure)
    at least or at most `limit`."""

    limit: float
    at_least: bool
    on_value: bool = False

    def met(self, ratio: float | None, value: float | None) -> bool | None:
        measured = value if self.on_value else ratio
        if measured is None:
            return None
        return measured >= self.limit if self.at_least else measured <= self.limit

    def __str__(self) -> str:
        sign = ">=" if self.at_least else "<="
        return f"{sign} {self.limit:g} ms" if self.on_value else f"ratio {sign} {self.limit:g}"


@dataclass(frozen=True)
class Comparison:
    """One row of the report: our profile against a baseline's, with a goal or none."""

    label: str
    profile: str
    baseline: str  # contestant
    baseline_profile: str
    unit: str
    goal: Goal | None = None
    peer_profile: str = ""


def comparisons(db: str) -> list[Comparison]:
    """The report's rows for one database, goals as the issue sets them."""
    raw = "sqlite3 executemany" if db == "sqlite" else "COPY"
    return [
        Comparison("survey submit c=4", "survey_submit", CEILING, "survey_submit", "req/s",
                   Goal(0.90, at_least=True), peer_profile="public_submit"),
        Comparison("ingest, new row c=4", "ingest_new", CEILING, "ingest_new", "req/s",
                   Goal(0.70, at_least=True), peer_profile="ingest_new"),
        Comparison("ingest, update c=4", "ingest_update", CEILING, "ingest_update", "req/s"),
        Comparison("staff list p50 (ceiling: no count)", "list", CEILING, "list_nocount", "ms",
                   Goal(1.3, at_least=False), peer_profile="list"),
        Comparison("staff list p50 (ceiling: exact count)", "list", CEILING, "list_count", "ms"),
        Comparison(f"CSV import vs raw {raw}", "csv_import", RAW, "csv_import", "rows/s",
                   Goal(1.0 if db == "sqlite" else 0.60, at_least=True)),
        Comparison("CSV import vs ceiling bulk_create", "csv_import", CEILING, "csv_import",
                   "rows/s"),
        Comparison("dashboard p50, cold (cache off)", "dashboard_cold", CEILING, "dashboard",
                   "ms", Goal(50, at_least=False, on_value=True), peer_profile="dashboard"),
        Comparison("dashboard p50, warm (cache on)", "dashboard_warm", CEILING, "dashboard", "ms"),
    ]  # fmt: skip


def median(values: Iterable[float]) -> float | None:
    found = list(values)
    return statistics.median(found) if found else None


@dataclass(frozen=True)
class Row:
    """A comparison's outcome in one database."""

    db: str
    comparison: Comparison
    ours: float | None
    baseline: float | None
    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    rounds: int
    verdict: str  # "pass", "FAIL", "" (no goal) or "not measured"
    peer: float | None = None
    problem: str = ""

    def as_dict(self) -> dict[str, Any]:
        goal = self.comparison.goal
        return {
            "db": self.db,
            "comparison": self.comparison.label,
            "profile": self.comparison.profile,
            "baseline": f"{self.comparison.baseline}:{self.comparison.baseline_profile}",
            "unit": self.comparison.unit,
            "groundswell": self.ours,
            "baseline_value": self.baseline,
            "ratio": self.ratio,
            "ratio_range": [self.ratio_low, self.ratio_high],
            "paired_rounds": self.rounds,
            "goal": str(goal) if goal else None,
            "verdict": self.verdict,
            "peer": self.peer,
            "problem": self.problem,
        }


def _values(figures: list[Figure], db: str, contestant: str, profile: str) -> dict[int, float]:
    return {
        figure.round: figure.value
        for figure in figures
        if (figure.db, figure.contestant, figure.profile) == (db, contestant, profile)
        and figure.value is not None
    }


def _failure(figures: list[Figure], db: str, contestant: str, profile: str) -> str:
    for figure in figures:
        if (figure.db, figure.contestant, figure.profile) == (db, contestant, profile) and (
            figure.failure
        ):
            return f"{contestant} {profile}: {figure.failure}"
    return ""


def summarise(figures: list[Figure], db: str) -> list[Row]:
    """Each comparison's medians, paired ratio and verdict in `db`."""
    rows = []
    for comparison in comparisons(db):
        ours = _values(figures, db, OURS, comparison.profile)
        base = _values(figures, db, comparison.baseline, comparison.baseline_profile)
        paired = [ours[number] / base[number] for number in ours if base.get(number)]
        ratio = median(paired)
        ours_median = median(ours.values())
        goal = comparison.goal
        met = goal.met(ratio, ours_median) if goal else None
        problem = _failure(figures, db, OURS, comparison.profile) or _failure(
            figures, db, comparison.baseline, comparison.baseline_profile
        )
        if goal is None:
            verdict = ""
        elif met is None:
            verdict = "not measured"
        else:
            verdict = "pass" if met else "FAIL"
        peer = (
            _values(figures, db, PEER, comparison.peer_profile) if comparison.peer_profile else {}
        )
        rows.append(
            Row(
                db=db,
                comparison=comparison,
                ours=ours_median,
                baseline=median(base.values()),
                ratio=ratio,
                ratio_low=min(paired) if paired else None,
                ratio_high=max(paired) if paired else None,
                rounds=len(paired),
                verdict=verdict,
                peer=median(peer.values()),
                problem=problem,
            )
        )
    return rows
