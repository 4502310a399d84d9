"""The report: a table on the terminal, a JSON file, and a chart of the goals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.harness.figures import Row

HEADER = ("db", "comparison", "groundswell", "baseline", "ratio (range)", "goal", "verdict", "peer")


def amount(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:,.0f} {unit}"


def ratio_text(row: Row) -> str:
    if row.ratio is None:
        return "-"
    if row.rounds > 1 and row.ratio_low is not None and row.ratio_high is not None:
        return f"{row.ratio:.2f} ({row.ratio_low:.2f}-{row.ratio_high:.2f})"
    return f"{row.ratio:.2f}"


def cells(row: Row) -> tuple[str, ...]:
    comparison = row.comparison
    baseline = amount(row.baseline, comparison.unit)
    if row.baseline is not None and comparison.baseline != "ceiling":
        baseline += f" ({comparison.baseline})"
    return (
        row.db,
        comparison.label,
        amount(row.ours, comparison.unit),
        baseline,
        ratio_text(row),
        str(comparison.goal) if comparison.goal else "",
        row.verdict,
        amount(row.peer, comparison.unit) if comparison.peer_profile else "",
    )


def table(rows: list[Row], problems: list[dict[str, str]]) -> str:
    """The figures as a plain-text table, then what could not be measured and why."""
    lines = [HEADER, *(cells(row) for row in rows)]
    if all(row.peer is None for row in rows):  # no peer in this run
        lines = [line[:-1] for line in lines]
    widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]))]
    right = {2, 3, 7}
    text = [
        "",
        "Groundswell side by side (medians over rounds; ratio = Groundswell / baseline, "
        "paired round by round; baseline = the ceiling unless named)",
    ]
    for number, line in enumerate(lines):
        text.append(
            "  ".join(
                cell.rjust(widths[column]) if column in right else cell.ljust(widths[column])
                for column, cell in enumerate(line)
            ).rstrip()
        )
        if number == 0:
            text.append("  ".join("-" * width for width in widths))
    goals = [row for row in rows if row.comparison.goal]
    passed = sum(row.verdict == "pass" for row in goals)
    text.append(f"Goals met: {passed} of {len(goals)}")
    for row in rows:
        if row.problem and row.verdict != "pass":
            text.append(f"  {row.db} {row.comparison.label}: {row.problem.splitlines()[0]}")
    for problem in problems:
        if problem["what"] in ("setup", "database") or problem["what"].startswith("serving"):
            first = problem["reason"].strip().splitlines()[0] if problem["reason"].strip() else ""
            who = f"{problem['contestant']} on {problem['db']} ({problem['what']})"
            text.append(f"Not measured: {who}: {first}")
    return "\n".join(text)


def write_json(document: dict[str, Any], path: Path, hide: dict[str, str] | None = None) -> None:
    """Write `document` as JSON; each key of `hide` (a folder of this machine, in an error
    message) is written as its value instead, so the file can be shared."""
    text = json.dumps(document, indent=1, sort_keys=False) + "\n"
    for folder, shown in (hide or {}).items():
        text = text.replace(json.dumps(folder)[1:-1], shown)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def attainment(row: Row) -> float | None:
    """How far a goal is reached: 1.0 exactly on it, above 1.0 better than asked."""
    goal = row.comparison.goal
    if goal is None:
        return None
    measured = row.ours if goal.on_value else row.ratio
    if measured is None or measured <= 0:
        return None
    return measured / goal.limit if goal.at_least else goal.limit / measured


def chart(rows: list[Row], path: Path, *, title: str) -> str:
    """Draw each goal's attainment as a bar against the goal line; returns a line to print."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "No chart: matplotlib is not installed (it comes with requirements/dev.txt)."
    goals = [row for row in rows if row.comparison.goal]
    if not goals:
        return "No chart: no goal was measured."
    labels, values, colours, notes = [], [], [], []
    for row in goals:
        reached = attainment(row)
        goal = row.comparison.goal
        measured = row.ours if goal and goal.on_value else row.ratio
        labels.append(f"{row.db}: {row.comparison.label}")
        values.append(reached or 0.0)
        colours.append("#2e7d32" if row.verdict == "pass" else "#c62828")
        shown = "not measured" if measured is None else (
            f"{measured:.1f} ms" if goal and goal.on_value else f"ratio {measured:.2f}"
        )  # fmt: skip
        notes.append(f"{shown} (goal {goal})")
    figure, axes = plt.subplots(figsize=(9, 0.45 * len(goals) + 1.4))
    positions = list(range(len(goals)))[::-1]
    axes.barh(positions, values, color=colours, height=0.6)
    axes.axvline(1.0, color="black", linewidth=1)
    for position, value, note in zip(positions, values, notes, strict=True):
        axes.text(value + 0.02, position, note, va="center", fontsize=8)
    axes.set_yticks(positions, labels, fontsize=8)
    axes.set_xlim(0, max([*values, 1.0]) * 1.45)
    axes.set_xlabel("share of the goal reached (1.0 = exactly the goal; right of the line = met)")
    axes.set_title(title, fontsize=10)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    # No date in the file, so an unchanged result leaves the file unchanged.
    figure.savefig(path, format=path.suffix.lstrip("."), metadata={"Date": None})
    plt.close(figure)
    return f"Chart: {path}"
