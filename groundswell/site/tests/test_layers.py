"""The import layers of docs/architecture.md hold, and an upward import breaks them."""

import shutil
import subprocess
import sys
from pathlib import Path

import groundswell

REPO = Path(groundswell.__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the package under `root`, with the repository's contracts."""
    return subprocess.run(  # noqa: S603 - our own pinned tool, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", "--config", str(REPO / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_layers_hold():
    result = lint_imports(REPO)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


def copy_package(tmp_path: Path) -> Path:
    shutil.copytree(
        REPO / "groundswell",
        tmp_path / "groundswell",
        ignore=shutil.ignore_patterns("__pycache__", "static", "locale", "templates"),
    )
    return tmp_path


def test_an_upward_import_breaks_the_layers(tmp_path):
    root = copy_package(tmp_path)
    services = root / "groundswell" / "desk" / "services.py"
    # Even a lazy import inside a function: desk must not reach customer voice.
    services.write_text(
        services.read_text()
        + "\n\ndef _probe():\n    from groundswell.voice.invitations import services\n"
    )

    result = lint_imports(root)

    assert result.returncode == 1
    assert "groundswell.desk is not allowed to import groundswell.voice" in result.stdout


def test_quality_may_not_import_pulse(tmp_path):
    """Anonymity: quality sits above pulse in the stack, yet may never read employee voice."""
    root = copy_package(tmp_path)
    selectors = root / "groundswell" / "quality" / "selectors.py"
    selectors.write_text(
        selectors.read_text() + "\n\ndef _probe():\n    from groundswell.pulse import models\n"
    )

    result = lint_imports(root)

    assert result.returncode == 1
    assert "quality never imports pulse (anonymity) BROKEN" in result.stdout


def test_core_may_import_no_app(tmp_path):
    root = copy_package(tmp_path)
    views = root / "groundswell" / "core" / "views.py"
    views.write_text(views.read_text() + "\nfrom groundswell.people import models\n")

    result = lint_imports(root)

    assert result.returncode == 1
    assert "groundswell.core is not allowed to import groundswell.people" in result.stdout
