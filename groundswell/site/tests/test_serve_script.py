"""`make run` serves on $PORT, and the links in the emails its worker sends point there too."""

import os
import subprocess
from pathlib import Path

from django.conf import settings

# Records how it was started; as the web server it waits a moment, so that the worker and the
# scheduler started before it have recorded themselves before the script stops them.
FAKE_PYTHON = """#!/bin/sh
echo "$* SITE_URL=$SITE_URL" >> "$RECORD"
case "$*" in *runserver*) sleep 1 ;; esac
"""


def _serve(tmp_path: Path, **env: str) -> list[str]:
    fake = tmp_path / "python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    record = tmp_path / "record.txt"
    script = Path(settings.BASE_DIR) / "scripts" / "serve"
    environment = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    subprocess.run(  # noqa: S603 (the project's own script, a fake interpreter)
        [str(script), str(fake)],
        env={**environment, "RECORD": str(record), **env},
        check=True,
        timeout=30,
    )
    return sorted(record.read_text().splitlines())


def test_the_worker_and_server_use_the_port_served(tmp_path: Path) -> None:
    lines = _serve(tmp_path, PORT="8123")
    assert len(lines) == 3
    assert all(line.endswith("SITE_URL=http://127.0.0.1:8123") for line in lines), lines
    assert any("runserver 127.0.0.1:8123" in line for line in lines)
    assert any("db_worker" in line for line in lines)


def test_a_configured_address_is_kept(tmp_path: Path) -> None:
    lines = _serve(tmp_path, PORT="8123", SITE_URL="https://service.example.org")
    assert all(line.endswith("SITE_URL=https://service.example.org") for line in lines), lines
