"""The bench (tools/bench.py, run by `dms-dashboard bench`): its rows, its progress, its skips.

The run at default scale with n = 2 and a small import (2 years) skips gunicorn and the
browser (the end-to-end tests cover those paths); it checks the documented JSON, that a
line was printed per row as it was measured, and that the queries were seen through the
data door's hook.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bench_module() -> ModuleType:
    """tools/bench.py, loaded from its file (a tool of the checkout, not a package module)."""
    spec = importlib.util.spec_from_file_location("bench_tool", ROOT / "tools" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_bench_writes_rows_of_the_documented_shape_and_prints_each_as_measured(
    tmp_path: Path,
) -> None:
    out = tmp_path / "bench.json"
    # A subprocess: the bench points its own settings at a private workspace.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DMS_")}
    result = subprocess.run(
        [
            sys.executable, "-m", "dashboard.cli", "bench", "--scale", "default", "--n", "2",
            "--skip", "gunicorn,browser", "--import-years", "2", "--out", str(out),
        ],
        capture_output=True, text=True, timeout=300, env=environment, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(rows, list) and rows
    for row in rows:
        assert {"name", "scale", "p50_ms", "p95_ms", "n"} <= set(row)
        assert row["scale"] == "default"
    build = next(row for row in rows if row["name"] == "build database")
    assert build["rows_per_s"] > 0
    callbacks = [row for row in rows if row["name"].startswith("callback ")]
    assert len(callbacks) >= 5  # every data page's filter callback
    for row in callbacks:
        assert row["n"] == 2
        assert row["floor_p95_ms"] is not None and row["naive_p95_ms"] is not None
        assert row["queries"], row["name"]  # the queries it ran were seen by the observer
        assert row["cold_n"] == 2 and row["cold_p95_ms"] is not None  # nothing cached
        assert row["floor_bound_ms"] == round(1.5 * row["floor_p95_ms"] + 15, 2)
    assert any("/sherbimet" in row["name"] for row in callbacks)
    imported = next(row for row in rows if row["name"].startswith("import PX"))
    assert "error" not in imported and imported["rows_per_s"] > 0
    assert imported["cells"] == imported["rows"] == 38 * 91 * 2 * 2  # --import-years 2
    # Progress: a header, then one line per row in the order measured, each with its time.
    progress = [line for line in result.stdout.splitlines() if re.match(r"^\s*\d+\.\ds  ", line)]
    assert len(progress) == len(rows), result.stdout[-3000:]
    for line, row in zip(progress, rows, strict=True):
        assert row["name"][:70] in line
    elapsed = [float(line.split("s  ", 1)[0]) for line in progress]
    assert elapsed == sorted(elapsed) and elapsed[0] > 0
    assert f"wrote {len(rows)} measurements" in result.stderr


@pytest.mark.parametrize(
    ("missing", "said"),
    [("selenium", "selenium is not installed"), ("chromedriver", "chromedriver is not on PATH")],
)
def test_the_page_loads_say_why_they_cannot_run(monkeypatch, missing, said) -> None:
    bench = bench_module()
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        bench.importlib.util, "find_spec", lambda name: None if name == missing else find_spec(name)
    )
    monkeypatch.setattr(
        bench.shutil, "which", lambda name: None if name == missing else f"/usr/bin/{name}"
    )
    assert said in bench._missing_for_browser()
    row = bench._skipped("page loads: skipped", bench._missing_for_browser()).as_json()
    assert row["n"] == 0 and said in row["skipped"]
    assert said in bench.format_row(row)


def test_the_runtime_package_has_no_bench() -> None:
    # The bench is a tool of the checkout: nothing of it ships in the package.
    assert not [path for path in (ROOT / "dashboard").rglob("*.py") if "bench" in path.stem]


def test_dms_dashboard_bench_hands_every_option_to_the_tool(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "bench", "--help"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage: dms-dashboard bench" in result.stdout and "--import-years" in result.stdout
