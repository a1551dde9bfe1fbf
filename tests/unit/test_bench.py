"""`dms-dashboard bench` at default scale with tiny n: runs and writes the documented JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_bench_writes_rows_of_the_documented_shape(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    # A subprocess: the bench points its own settings at a private workspace.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DMS_")}
    result = subprocess.run(
        [
            sys.executable, "-m", "dashboard.cli", "bench", "--scale", "default", "--n", "2",
            "--skip", "gunicorn,browser", "--out", str(out),
        ],
        capture_output=True, text=True, timeout=300, env=environment,
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
        assert row["queries"], row["name"]  # the queries it ran were recorded
        assert row["cold_n"] == 2 and row["cold_p95_ms"] is not None  # nothing cached
        assert row["floor_bound_ms"] == round(1.5 * row["floor_p95_ms"] + 15, 2)
    assert any("/sherbimet" in row["name"] for row in callbacks)
    imported = next(row for row in rows if row["name"].startswith("import PX"))
    assert "error" not in imported and imported["rows_per_s"] > 0
