#!/usr/bin/env python3
"""Run the shared side-by-side harness with Groundswell as a contestant.

    python bench/side_by_side.py [driver options]      e.g. --rounds 3 --db sqlite,pg

GSBENCH_SCALE (default 1) scales the harness's data sizes, e.g. 0.1 for the quick run of
`make bench`; GSBENCH_WORK (default /tmp/gsbench) is where venvs, data and results go.

The harness (../shared/bench, or $GSBENCH_HARNESS) is copied to $GSBENCH_WORK/harness with
our contestant file added, then its driver runs helpdesk, ceiling and groundswell in
alternating rounds and prints medians and paired ratios to the ceiling. Needs Debian's wrk
and postgresql. See docs/performance.md for the method and the figures.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


SIZES = {  # the harness's data sizes: file -> constants
    "ceiling.py": ("N_INTERACTIONS", "N_INVITATIONS"),
    "helpdesk.py": ("N_TICKETS",),
}


def scale_sizes(contestants: Path, scale: float) -> None:
    """Shrink the copied harness's data (GSBENCH_SCALE=0.1 seeds a tenth) for a quick run."""
    if scale == 1:
        return
    for name, constants in SIZES.items():
        path = contestants / name
        text = path.read_text()
        for constant in constants:
            match = re.search(rf"^{constant} = ([0-9_]+)$", text, flags=re.MULTILINE)
            if match is None:
                raise SystemExit(f"{name} no longer defines {constant}; update {__file__}")
            scaled = max(1, round(int(match.group(1)) * scale))
            text = text.replace(match.group(0), f"{constant} = {scaled}")
        path.write_text(text)


def main() -> int:
    harness = Path(os.environ.get("GSBENCH_HARNESS", ROOT.parent / "shared" / "bench"))
    if not (harness / "driver.py").exists():
        print(f"No benchmark harness at {harness}: set GSBENCH_HARNESS.", file=sys.stderr)
        return 2
    work = Path(os.environ.get("GSBENCH_WORK", "/tmp/gsbench"))  # noqa: S108 - the harness default
    copy = work / "harness"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(harness, copy)
    contestants = copy / "contestants"
    scale_sizes(contestants, float(os.environ.get("GSBENCH_SCALE", "1")))
    (contestants / "groundswell.py").rename(contestants / "groundswell_placeholder.py")
    shutil.copy(ROOT / "bench" / "contestant_groundswell.py", contestants / "groundswell.py")
    env = {**os.environ, "GROUNDSWELL_SRC": str(ROOT), "GSBENCH_WORK": str(work)}
    args = sys.argv[1:] or ["--contestants", "helpdesk,ceiling,groundswell"]
    if "--contestants" not in args:
        args = ["--contestants", "helpdesk,ceiling,groundswell", *args]
    return subprocess.call([sys.executable, str(copy / "driver.py"), *args], env=env)


if __name__ == "__main__":
    sys.exit(main())
