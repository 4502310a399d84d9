"""Ruff's banned-api rule (TID251, pyproject.toml) keeps scope logic inside permissions.py."""

import subprocess
import sys
from pathlib import Path

import pytest

import groundswell

REPO = Path(groundswell.__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"


def ruff_on(source: str, path: str) -> subprocess.CompletedProcess[str]:
    """Ruff's banned-api rule on `source` as if it were the file at `path` in the repository."""
    return subprocess.run(  # noqa: S603 - our own pinned tool, fixed arguments
        [str(RUFF), "check", "--select", "TID251", "--stdin-filename", path, "-"],
        input=source,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "source",
    [
        "from groundswell.people.permissions import Scope\n\nprint(Scope.ALL)\n",
        "from groundswell.people.permissions import scope_for\n\nprint(scope_for)\n",
        "from groundswell.people import permissions\n\nprint(permissions.Scope.ALL)\n",
        "from groundswell.people.permissions import MATRIX\n\nprint(MATRIX)\n",
        "from groundswell.people.permissions import team_ids_led_by\n\nprint(team_ids_led_by)\n",
    ],
)
def test_branching_on_scope_outside_the_permission_module_fails_lint(source):
    result = ruff_on(source, "groundswell/desk/selectors.py")

    assert result.returncode == 1
    assert "TID251" in result.stdout


def test_the_permission_helpers_stay_allowed():
    source = (
        "from groundswell.people.permissions import can, can_everywhere, can_somewhere,"
        " restrict, teams_in_scope\n\nprint(can, can_everywhere, can_somewhere, restrict,"
        " teams_in_scope)\n"
    )

    assert ruff_on(source, "groundswell/desk/selectors.py").returncode == 0


def test_the_permission_module_itself_may_use_scopes():
    source = "from groundswell.people.permissions import Scope\n\nprint(Scope.ALL)\n"

    assert ruff_on(source, "groundswell/people/permissions.py").returncode == 0
