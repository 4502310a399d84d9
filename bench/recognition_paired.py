#!/usr/bin/env python3
"""The feed's first page as of an older commit, as now, and the plain list, in turn on one
database that `bench/recognition.py --keep` (or a PostgreSQL run) left behind.

    python bench/recognition_paired.py DATABASE_URL [--before COMMIT] [--rounds N]

The older `groundswell/recognition/selectors.py` is read from git and run against today's
models (it must still fit them). Both feeds' cards are compared first; then the three reads
take turns, and the medians (first three rounds dropped) and ratios to the plain list are
printed with the load average: a paired reading for a busy machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--before", default="26ee7a3", help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=33)
    parser.add_argument("--viewer", default="a0@bench.test", help="the agent who reads")
    args = parser.parse_args()
    os.environ.update(
        {
            "GROUNDSWELL_ENV": "development",
            "GROUNDSWELL_DATA_DIR": str(Path(args.database_url.removeprefix("sqlite:///")).parent),
            "DATABASE_URL": args.database_url,
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
    import django

    django.setup()
    from groundswell.people.models import Person
    from groundswell.recognition import selectors
    from groundswell.recognition.models import Kudos

    source = subprocess.check_output(
        ["git", "-C", str(ROOT), "show", f"{args.before}:groundswell/recognition/selectors.py"],
        text=True,
    )
    old = types.ModuleType("selectors_before")
    sys.modules[old.__name__] = old  # dataclasses look their module up
    exec(compile(source, old.__name__, "exec"), old.__dict__)  # noqa: S102 (our own history)
    viewer = Person.objects.get(email=args.viewer)
    size = 25

    def shown(page: Any) -> list[tuple[Any, ...]]:
        return [
            (
                card.kudos.pk,
                card.comment_count,
                [(tally.kind, tally.count, tally.mine) for tally in card.reactions],
                [value.name for value in card.values],
            )
            for card in page.cards
        ]

    print(f"  {Kudos.objects.count()} kudos", flush=True)
    same = shown(old.feed_page(viewer, size=size)) == shown(selectors.feed_page(viewer, size=size))
    print(f"  the same cards before and after: {same}", flush=True)

    def plain() -> None:
        list(
            Kudos.objects.filter(is_hidden=False, is_private=False)
            .select_related("giver", "recipient")
            .order_by("-created_at", "-pk")[:size]
        )

    reads: list[tuple[str, Callable[[], object]]] = [
        ("before", lambda: old.feed_page(viewer, size=size)),
        ("after", lambda: selectors.feed_page(viewer, size=size)),
        ("plain", plain),
    ]
    timings: dict[str, list[float]] = {name: [] for name, _read in reads}
    for round_number in range(args.rounds):
        turn = round_number % len(reads)
        for name, read in reads[turn:] + reads[:turn]:
            began = time.perf_counter()
            read()
            timings[name].append(time.perf_counter() - began)
    p50 = {name: 1000 * statistics.median(times[3:]) for name, times in timings.items()}
    for name in ("before", "after", "plain"):
        print(f"bench recognition_feed_paired_{name}_p50_ms: {p50[name]:.2f} ms", flush=True)
    for name in ("before", "after"):
        ratio = p50[name] / p50["plain"]
        print(f"bench recognition_feed_paired_{name}_ratio: {ratio:.2f} x", flush=True)
    print(f"  load average {os.getloadavg()}", flush=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
