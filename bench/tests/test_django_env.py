"""The set-up the in-process bench scripts share: a throw-away database in their own work
folder, never the caller's (development) database."""

import sqlite3
import subprocess
import sys

from bench.harness.django_env import ROOT, environment


def test_the_database_lives_in_the_work_folder_unless_a_url_is_given(tmp_path):
    default = environment(tmp_path)
    chosen = environment(tmp_path, "postgres://bench@127.0.0.1:5999/bench", REDIS_URL="")

    assert default["DATABASE_URL"] == f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    assert default["GROUNDSWELL_DATA_DIR"] == str(tmp_path)
    assert chosen["DATABASE_URL"] == "postgres://bench@127.0.0.1:5999/bench"
    assert chosen["REDIS_URL"] == ""
    assert environment(tmp_path, HUDDLE_SHIFT_START="00:00")["HUDDLE_SHIFT_START"] == "00:00"


def test_a_script_works_on_the_database_in_its_own_folder(tmp_path, copy_migrated_sqlite):
    """As a bench script runs: a fresh interpreter, with the caller's DATABASE_URL ignored.
    (The work folder starts from the run's migrated file, so `migrate` has nothing to do.)"""
    elsewhere = tmp_path / "development.sqlite3"
    work = tmp_path / "work"
    work.mkdir()
    copy_migrated_sqlite(work / "bench.sqlite3")
    code = (
        "import sys; from pathlib import Path; "
        f"sys.path.insert(0, {str(ROOT)!r}); "
        "from bench.harness.django_env import start_django; "
        f"start_django(Path({str(work)!r})); "
        "from groundswell.people.models import Department; "
        "Department.objects.create(name='Bench', slug='bench'); "
        "print(Department.objects.count())"
    )
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{elsewhere}"}

    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    assert not elsewhere.exists()
    with sqlite3.connect(work / "bench.sqlite3") as connection:
        names = [row[0] for row in connection.execute("SELECT name FROM people_department")]
    assert names == ["Bench"]
