#!/usr/bin/env python3
"""Contestant 'groundswell' for the side-by-side harness, adapted from its placeholder.

`bench/side_by_side.py` copies the shared harness and puts this file in as
contestants/groundswell.py. The differences from the placeholder are the ones our settings
need to match `bench_common.py` over plain HTTP on loopback: production defaults, but no
HTTPS redirect or secure-only cookies (the harness speaks HTTP), mail to a dummy backend,
survey rate limiting off (the load comes from one address), and static files collected.
Everything the profiles send and measure is unchanged.
"""

import os
import sys
from pathlib import Path

HARNESS = Path(__file__).resolve().parent.parent  # the copy made by side_by_side.py
sys.path.insert(0, str(HARNESS))
sys.path.insert(0, str(HARNESS / "contestants"))
import benchlib  # noqa: E402
from groundswell_placeholder import Groundswell as Placeholder  # noqa: E402


class Groundswell(Placeholder):
    def src(self) -> Path:
        return Path(os.environ["GROUNDSWELL_SRC"]).resolve()

    def requirements(self) -> list[str]:
        src = self.src()
        return ["-r", str(src / "requirements" / "base.txt"), "--no-deps", str(src)]

    def env(self) -> dict[str, str]:
        return {
            **super().env(),
            "GROUNDSWELL_ENV": "production",
            "GROUNDSWELL_DATA_DIR": str(self.data),
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "EMAIL_URL": "dummymail://",
            "TASKS_BACKEND": "database",
            "CONN_MAX_AGE": "600",
            "SURVEY_POSTS_PER_MINUTE": "0",
            "LOG_LEVEL": "WARNING",
        }

    def seed(self) -> dict[str, object]:
        self.manage("collectstatic", "--noinput", capture=False)
        state: dict[str, object] = super().seed()
        return state


if __name__ == "__main__":
    benchlib.main(Groundswell)
