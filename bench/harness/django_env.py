"""Groundswell set up in this process, on a throw-away database, for the bench scripts that
time its code in process (bench/internals.py, quality_writes.py, recognition.py, learning.py).

They run as plain scripts (`python bench/x.py`, which `bench.run` starts), so each puts the
checkout on `sys.path` before importing this module. The database is a SQLite file in the
script's own work folder unless a URL is given: no benchmark writes to the development
database.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def environment(work: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    """The variables Groundswell reads, pointing at `work` (data and the SQLite file) or at
    `database_url`; `extra` adds or overrides variables (REDIS_URL, a shift start, ...)."""
    return {
        "GROUNDSWELL_ENV": "development",
        "GROUNDSWELL_DATA_DIR": str(work),
        "DATABASE_URL": database_url or f"sqlite:///{work / 'bench.sqlite3'}",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def start_django(work: Path, database_url: str = "", *, migrate: bool = True, **extra: str) -> None:
    """Set Django up in this process on the throw-away database, migrated unless told not to."""
    os.environ.update(environment(work, database_url, **extra))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
