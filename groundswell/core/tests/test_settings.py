"""Settings come from the environment; production refuses unsafe defaults."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "GROUNDSWELL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "groundswell.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GROUNDSWELL_DATA_DIR": str(tmp_path),
    }


def test_production_refuses_to_start_without_a_secret_key(production_env):
    del production_env["SECRET_KEY"]

    result = run_manage("check", **production_env)

    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr


def test_secret_key_can_come_from_a_file(production_env, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(production_env.pop("SECRET_KEY"))

    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY_FILE=str(secret_file),
        **production_env,
    )

    assert result.returncode == 0, result.stderr


def test_production_deploy_check_is_clean(production_env):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_unknown_environment_name_is_refused(production_env):
    production_env["GROUNDSWELL_ENV"] = "staging"

    result = run_manage("check", **production_env)

    assert result.returncode != 0
    assert "GROUNDSWELL_ENV must be development, test or production" in result.stderr


def test_unknown_task_backend_is_refused(production_env):
    result = run_manage("check", TASKS_BACKEND="celery", **production_env)

    assert result.returncode != 0
    assert "TASKS_BACKEND must be one of" in result.stderr


def test_development_generates_and_keeps_a_secret_under_the_data_dir(tmp_path):
    env = {"GROUNDSWELL_ENV": "development", "GROUNDSWELL_DATA_DIR": str(tmp_path)}

    first = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        **env,
    )
    second = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        **env,
    )

    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == second.stdout.strip()
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_groundswell_console_command_wraps_manage(production_env):
    result = subprocess.run(
        [sys.executable, "-m", "groundswell", "check"],
        cwd=ROOT,
        env={**os.environ, **production_env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_email_url_configures_the_smtp_mailer(production_env):
    code = "from django.conf import settings; print(settings.MAILERS['default'])"

    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        EMAIL_URL="smtp+tls://bot:s3cret@mail.example.com:587",
        **production_env,
    )

    assert result.returncode == 0, result.stderr
    assert "smtp.EmailBackend" in result.stdout
    assert "'host': 'mail.example.com'" in result.stdout
    assert "'port': 587" in result.stdout
    assert "'use_tls': True" in result.stdout


def test_tasks_can_move_to_redis_rq_by_setting(production_env):
    code = (
        "from django.conf import settings; from django.tasks import task_backends; "
        "print(type(task_backends['default']).__name__, settings.RQ_QUEUES['default']['URL'])"
    )

    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        TASKS_BACKEND="rq",
        REDIS_URL="redis://127.0.0.1:6390/2",
        **production_env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RQBackend", "redis://127.0.0.1:6390/2"]


def test_production_collects_static_files_with_hashed_names(production_env, tmp_path):
    static_root = tmp_path / "static"

    result = run_manage(
        "collectstatic", "--no-input", "-v", "0", STATIC_ROOT=str(static_root), **production_env
    )

    assert result.returncode == 0, result.stderr
    manifest = (static_root / "staticfiles.json").read_text()
    assert "core/groundswell.css" in manifest
    assert "core/vendor/chart.umd.min.js" in manifest


def test_every_environment_variable_is_documented():
    """docs/configuration.md names every variable settings.py reads (issue 11: three were not)."""
    import re

    settings_source = (ROOT / "groundswell" / "settings.py").read_text()
    read = set(re.findall(r"env\.\w+\(\s*\"([A-Z][A-Z0-9_]+)\"", settings_source))
    documented = (ROOT / "docs" / "configuration.md").read_text()

    assert len(read) > 30  # the pattern still finds what settings.py reads
    assert sorted(name for name in read if f"`{name}`" not in documented) == []


def test_a_comment_minimum_below_the_numeric_minimum_is_refused_at_start() -> None:
    result = run_manage(
        "check", GROUNDSWELL_ENV="test", MIN_AGENT_RESPONSES="10", MIN_COMMENT_RESPONSES="5"
    )
    assert result.returncode != 0
    assert "MIN_COMMENT_RESPONSES (5) must not be below MIN_AGENT_RESPONSES (10)" in result.stderr


def test_a_send_lease_shorter_than_three_smtp_timeouts_is_refused_at_start(production_env):
    refused = run_manage("check", SEND_LEASE_SECONDS="29", EMAIL_TIMEOUT="10", **production_env)
    accepted = run_manage("check", SEND_LEASE_SECONDS="30", EMAIL_TIMEOUT="10", **production_env)

    assert refused.returncode != 0
    assert "SEND_LEASE_SECONDS (29) must be at least three times EMAIL_TIMEOUT (10)" in (
        refused.stderr
    )
    assert accepted.returncode == 0, accepted.stderr
