"""Layers point one way: the import-linter contracts of pyproject.toml hold.

The contracts (docs/ARCHITECTURE.md, "Layers"): settings and catalogue <- data door <-
ingest <- build and the staff journals <- pipeline; nothing below the web imports the
web or Flask; pure domain modules import neither the web nor the data door; no cycles.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def lint_imports(root: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`lint-imports` of this environment on the package and pyproject.toml under `root`."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_layer_contract_is_kept() -> None:
    result = lint_imports()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout, result.stdout[-2000:]


def test_a_data_door_that_imports_flask_breaks_a_contract(tmp_path: Path) -> None:
    # The contracts must be able to fail: a copy of the package whose data door imports
    # the web's cache (as it once did) is refused, and the message names the chain.
    copy = tmp_path / "dashboard"
    subprocess.run(["cp", "-r", str(ROOT / "dashboard"), str(copy)], check=True)
    door = copy / "db.py"
    door.write_text(
        door.read_text(encoding="utf-8").replace(
            "import duckdb\n", "import duckdb\n\nfrom dashboard.cache import cached  # noqa\n", 1
        ),
        encoding="utf-8",
    )
    (tmp_path / "pyproject.toml").write_text(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "dashboard.db is not allowed to import flask" in result.stdout
    assert "dashboard.db -> dashboard.cache" in result.stdout
