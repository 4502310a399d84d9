"""The raw CSV baseline on a real SQLite file, the CSV files themselves, the work dir, and
stopping on a time limit."""

import os
import signal
import sqlite3
import time

import pytest

from bench.harness.contestants import CSV_HEADER, ROOT, csv_bodies
from bench.harness.driver import stop_on_sigterm, work_dir
from bench.harness.rawdb import sqlite_executemany


def test_csv_files_hold_new_rows_with_ids_of_their_own():
    bodies = csv_bodies(team_id=3, rows=40, count=2, tag="r1")

    lines = [body.decode().splitlines() for body in bodies]
    assert all(file[0] == CSV_HEADER for file in lines)
    ids = [row.split(",")[0] for file in lines for row in file[1:]]
    assert len(ids) == len(set(ids)) == 80
    teams = {int(row.split(",")[4]) for file in lines for row in file[1:]}
    assert teams == set(range(3, 15)), "spread over the twelve seeded teams"


def test_the_raw_baseline_inserts_every_row_of_every_file(tmp_path):
    path = tmp_path / "ceiling.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE ceiling_interaction (id INTEGER PRIMARY KEY, external_id TEXT, "
            "subject TEXT, channel TEXT, status TEXT, team_id INTEGER, opened_at TEXT, "
            "handle_time_seconds INTEGER, source TEXT, UNIQUE (source, external_id))"
        )

    rates = sqlite_executemany(str(path), csv_bodies(team_id=1, rows=50, count=3, tag="raw"))

    assert len(rates) == 3
    assert all(rate > 0 for rate in rates)
    with sqlite3.connect(path) as connection:
        count, sources = connection.execute(
            "SELECT COUNT(*), COUNT(DISTINCT source) FROM ceiling_interaction"
        ).fetchone()
    assert (count, sources) == (150, 1)


def test_the_raw_baseline_refuses_a_file_of_another_shape(tmp_path):
    with pytest.raises(ValueError, match="the CSV header must be"):
        sqlite_executemany(str(tmp_path / "x.sqlite3"), [b"id,name\n1,a\n"])


def test_the_work_dir_is_never_inside_the_checkout(monkeypatch, tmp_path):
    monkeypatch.setenv("GSBENCH_WORK", str(ROOT / "bench" / "results" / "work"))
    with pytest.raises(SystemExit, match="must be outside the checkout"):
        work_dir()

    monkeypatch.setenv("GSBENCH_WORK", str(tmp_path / "bench-work"))
    assert work_dir() == tmp_path / "bench-work"
    assert (tmp_path / "bench-work").is_dir()


def sigterm_to_myself():
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)  # the handler runs long before this ends


def test_a_time_limits_sigterm_interrupts_like_ctrl_c():
    previous = signal.getsignal(signal.SIGTERM)
    try:
        stop_on_sigterm()
        with pytest.raises(KeyboardInterrupt):
            sigterm_to_myself()
    finally:
        signal.signal(signal.SIGTERM, previous)
