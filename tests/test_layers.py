"""The app graph runs one way: the import-linter contracts in pyproject.toml ([tool.importlinter]) hold.

Each app imports only the apps below it (demo → accounts → kpi → stats → ledger | public → ibasho → cases
→ orgs → audit → core), apps on one line import neither each other, the foundation (core, audit, orgs)
imports no domain app, and no view writes an audit entry itself (reads are audited by the access and
query functions that load what a page shows), and kpi reads the statistics only through
tsunagu.stats.queries. `make lint` runs the same contracts; this test fails the
suite without make.
The other tests here break a copy of the source on purpose, to show the contracts catch what they promise.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run the contracts of `root`/pyproject.toml over the `tsunagu` package at `root` (PYTHONPATH puts it
    before the installed one)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_apps_import_only_the_apps_below_them():
    result = lint_imports(PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


@pytest.fixture
def source_copy(tmp_path) -> Path:
    """The Python source of tsunagu and the contracts, copied to break the source."""
    shutil.copy(PROJECT / "pyproject.toml", tmp_path)
    shutil.copytree(
        PROJECT / "tsunagu",
        tmp_path / "tsunagu",
        ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "templates"),
    )
    return tmp_path


@pytest.mark.parametrize(
    "module,imported,broken",
    [
        # Upward, from the foundation: both contracts say so.
        ("core/text.py", "tsunagu.kpi.models", ["Apps import only the apps below them", "imports no domain app"]),
        ("orgs/actions.py", "tsunagu.stats.rollups", ["Apps import only the apps below them", "imports no domain app"]),
        # Upward between domain apps, and sideways within one line.
        ("ibasho/forms.py", "tsunagu.public.windows", ["Apps import only the apps below them"]),
        ("ledger/mapping.py", "tsunagu.public.models", ["Apps import only the apps below them"]),
        # A view writing its own audit entry.
        ("cases/views/contacts.py", "tsunagu.audit.log", ["Views write no audit entries"]),
        # KPI reaching past the statistics' public query module.
        ("kpi/views.py", "tsunagu.stats.report", ["KPI reads the statistics only through"]),
        ("kpi/queries.py", "tsunagu.stats.models", ["KPI reads the statistics only through"]),
    ],
)
def test_an_upward_or_sideways_import_breaks_the_contract(source_copy, module, imported, broken):
    path = source_copy / "tsunagu" / module
    lines = path.read_text(encoding="utf-8").count("\n")
    path.write_text(path.read_text(encoding="utf-8") + f"import {imported}  # noqa\n", encoding="utf-8")
    result = lint_imports(source_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    importer = "tsunagu." + module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {imported} (l.{lines + 1})" in result.stdout
    # A contract with ignore_imports says so after its verdict: "… KEPT (1 ignored import)".
    lines = [re.sub(r" \(\d+ ignored imports?\)$", "", line) for line in result.stdout.splitlines()]
    verdicts = [line for line in lines if line.endswith((" KEPT", " BROKEN"))]
    assert sorted(line for line in verdicts if line.endswith("BROKEN")) == sorted(
        next(line for line in verdicts if name in line) for name in broken
    )


def test_a_new_app_must_take_its_place_in_the_layers(source_copy):
    """The layers contract is exhaustive: an app it does not name fails it until it is placed."""
    (source_copy / "tsunagu" / "notices").mkdir()
    (source_copy / "tsunagu" / "notices" / "__init__.py").write_text("", encoding="utf-8")
    result = lint_imports(source_copy)
    assert result.returncode == 1
    assert "tsunagu.notices" in result.stdout
