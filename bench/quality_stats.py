#!/usr/bin/env python3
"""Times the quality app's statistics (groundswell/quality/statistics.py) on synthetic data.

    python bench/quality_stats.py [--runs N] [--audit-rows N]

No database and no Django: the statistics are pure functions over plain numbers. Prints
`bench <name>: <value> ms` lines:

quality_calibration_cold    the first calibration in the process (numpy, scipy and the
                            krippendorff package already imported): 10 reviewers x 50
                            interactions x 12 criteria (6 yes/no, 6 on 1 to 5, about 5% N/A),
                            alpha per criterion and overall with 1,000 bootstrap resamples,
                            agreed scores and every reviewer's distance. Goal (issue 14): < 1 s.
quality_calibration_p50     the median of `--runs` such calibrations, each on fresh scores.
quality_audit_<rows>_p50    the metric audit of `--audit-rows` reviews (12 criteria, the QA
                            score, handle time and the handle-time trap), median of 5 runs.

With --compare-loop, also the way the bootstrap is not done: 1,000 calls of
`krippendorff.alpha` on resampled interactions for one 1-to-5 criterion
(quality_bootstrap_loop_one_criterion), beside the whole vectorised calibration above.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import krippendorff
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from groundswell.quality.statistics import (
    ONE_TO_FIVE,
    YES_NO,
    AuditRow,
    CriterionScores,
    calibration_results,
    metric_audit,
)

REVIEWERS, INTERACTIONS, CRITERIA = 10, 50, 12
GOAL_MS = 1000.0


def report(name: str, value: float, unit: str = "ms") -> None:
    print(f"bench {name}: {value:.1f} {unit}", flush=True)


def calibration_data(rng: np.random.Generator) -> list[CriterionScores]:
    """Reviewers who mostly agree: each sees the interaction's true quality with some noise,
    a few criteria are vaguer (more noise), and about one score in twenty is N/A."""
    truth = rng.integers(1, 6, INTERACTIONS)
    criteria = []
    for index in range(CRITERIA):
        vague = index % 3 == 0
        if index % 2:
            noise = rng.integers(-2 if vague else -1, 3 if vague else 2, (REVIEWERS, INTERACTIONS))
            scores = np.clip(truth + noise, 1, 5).astype(float)
            scale = ONE_TO_FIVE
        else:
            flip = rng.random((REVIEWERS, INTERACTIONS)) < (0.3 if vague else 0.1)
            scores = np.where(flip, truth < 3, truth >= 3).astype(float)
            scale = YES_NO
        scores[rng.random((REVIEWERS, INTERACTIONS)) < 0.05] = np.nan
        criteria.append(CriterionScores(f"criterion {index + 1}", scale, scores))
    return criteria


def calibrate(criteria: list[CriterionScores]) -> float:
    started = time.perf_counter()
    results = calibration_results(
        criteria, reviewers=list(range(REVIEWERS)), interactions=list(range(INTERACTIONS))
    )
    elapsed = (time.perf_counter() - started) * 1000
    if results.overall.alpha is None or results.overall.interval is None:
        sys.exit("the calibration gave no overall alpha")
    return elapsed


def bootstrap_loop(criterion: CriterionScores, resamples: int = 1000) -> float:
    """One criterion's bootstrap the slow way: krippendorff.alpha once per resample."""
    matrix = np.asarray(criterion.scores, dtype=float)
    domain = np.array(criterion.scale.values)
    counts = (matrix.T[:, :, None] == domain[None, None, :]).sum(axis=1)
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    for _ in range(resamples):
        units = rng.integers(0, INTERACTIONS, INTERACTIONS)
        krippendorff.alpha(
            value_counts=counts[units], value_domain=domain, level_of_measurement="ordinal"
        )
    return (time.perf_counter() - started) * 1000


def audit_rows(rng: np.random.Generator, count: int) -> list[AuditRow]:
    rows = []
    handle = rng.gamma(4, 120, count)
    quality = rng.normal(0, 1, count)
    satisfaction = np.clip(np.round(3.5 + quality + rng.normal(0, 1, count)), 1, 5)
    for i in range(count):
        scores: dict[str, float | None] = {}
        for index in range(CRITERIA):
            signal = quality[i] if index % 4 else rng.normal()
            if index % 2:
                scores[f"c{index}"] = float(np.clip(np.round(3 + signal), 1, 5))
            else:
                scores[f"c{index}"] = None if rng.random() < 0.1 else float(signal > -0.5)
        rows.append(
            AuditRow(
                satisfaction=float(satisfaction[i]),
                scores=scores,
                qa_score=float(70 + 10 * quality[i]),
                handle_time=float(handle[i]),
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="calibrations to time")
    parser.add_argument("--audit-rows", type=int, default=2000, help="reviews in the audit")
    parser.add_argument("--compare-loop", action="store_true", help="time the naive bootstrap")
    options = parser.parse_args()
    rng = np.random.default_rng(2026)
    cold = calibrate(calibration_data(rng))
    report("quality_calibration_cold", cold)
    warm = statistics.median(calibrate(calibration_data(rng)) for _ in range(options.runs))
    report("quality_calibration_p50", warm)
    if options.compare_loop:
        report("quality_bootstrap_loop_one_criterion", bootstrap_loop(calibration_data(rng)[1]))
    scales = {f"c{index}": ONE_TO_FIVE if index % 2 else YES_NO for index in range(CRITERIA)}
    rows = audit_rows(rng, options.audit_rows)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        metric_audit(rows, scales=scales)
        times.append((time.perf_counter() - started) * 1000)
    report(f"quality_audit_{options.audit_rows}_p50", statistics.median(times))
    verdict = "met" if max(cold, warm) < GOAL_MS else "MISSED"
    print(f"note: calibration goal < {GOAL_MS:.0f} ms: {verdict}", flush=True)
    if verdict != "met":
        sys.exit(1)


if __name__ == "__main__":
    main()
