"""The public view, attacked as someone who combines everything it publishes would.

Real-shaped exports with many small counts are imported (QPS services by category,
service, sex and month; SNS families and members by category and month; a census of
small settlements by age and sex) into a private workspace, served by gunicorn as the
Procfile serves it. Then, anonymously: every open-data dataset in every format, every
documented filter value of the counted datasets, every chart download with every filter
value. From what was collected, each withheld cell is solved for by linear programming
(scipy, independently of the product's own audit): no withheld cell may be recovered or
narrowed below the threshold, and no chart may show a count the published layer withheld.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

from dashboard.catalog import load_catalogue
from dashboard.publish import Policy, total_code

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "disclosure"
EXPORTS = (
    "qps_small_counts_synthetic_2024.csv",
    "sns_small_counts_synthetic_2024.csv",
    "census_settlements_age_sex_synthetic_2011.csv",
)
THRESHOLD = 5
COUNTED = ("service_counts", "sns_beneficiaries", "population_by_age_sex")
# The Services page's filters (URL name -> column) and its charts' downloads.
SERVICE_FILTERS = {
    "category": "client_category_code",
    "service": "service_code",
    "month": "month",
    "sex": "sex",
    "age": "age_group",
    "year": "year",
}
SERVICE_CHARTS = {
    "services-trend": ["month"],
    "services-categories": ["client_category_code"],
    "services-by-service": ["service_code"],
    "services-sex-age": ["sex", "age_group"],
    "services-heatmap": ["client_category_code", "service_code"],
}

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cli(env: dict[str, str], *args: str) -> None:
    command = [str(Path(sys.executable).with_name("dms-dashboard")), *args]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """gunicorn as the Procfile runs it, over a workspace with the small-count imports."""
    root = tmp_path_factory.mktemp("attack")
    env = dict(os.environ)
    env.update(
        DMS_DB_PATH=str(root / "dms.duckdb"),
        DMS_IMPORTS_DIR=str(root / "imports"),
        DMS_STATE_DIR=str(root / "state"),
        DMS_DISCLOSURE_THRESHOLD=str(THRESHOLD),
    )
    _cli(env, "build")
    for export in EXPORTS:
        _cli(env, "import", str(FIXTURES / export), "--user", "attack-test")
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "dashboard.app:server", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v1/datasets", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.3)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def _published(server: str, name: str, query: str = "") -> pd.DataFrame:
    body = _get(f"{server}/api/v1/datasets/{name}.json{query}")
    return pd.DataFrame(json.loads(body))


@pytest.fixture(scope="module")
def collected(server) -> dict[str, object]:
    """Everything an anonymous reader can fetch of the counted datasets."""
    catalogue = {e["name"]: e for e in json.loads(_get(f"{server}/api/v1/datasets"))["datasets"]}
    tables = {name: _published(server, name) for name in COUNTED}
    filtered = []
    for name in COUNTED:
        for column in catalogue[name]["filters"]:
            if column not in tables[name].columns:
                continue
            values = tables[name][column].dropna()
            text = values.map(str).str.lower() if values.dtype == bool else values.astype(str)
            for value in text.unique()[:40]:
                query = "?" + urllib.parse.urlencode({column: value})
                filtered.append((name, column, value, _published(server, name, query)))
    formats = {
        fmt: _get(f"{server}/api/v1/datasets/service_counts.{fmt}") for fmt in ("csv", "parquet")
    }
    charts = []
    services = tables["service_counts"]
    cells = services[
        (services["month"] != 0)
        & (services["client_category_code"] != 0)
        & (services["service_code"] != 0)
    ]
    choices: list[dict[str, str]] = [{}]
    for name, column in SERVICE_FILTERS.items():
        source = services if column in ("sex", "age_group") else cells
        values = sorted({str(v) for v in source[column].dropna()} - {"0", "total"})
        choices += [{name: value} for value in values]
    for chart in SERVICE_CHARTS:
        for choice in choices:
            query = urllib.parse.urlencode(choice)
            body = _get(f"{server}/charts/{chart}.csv?{query}").decode("utf-8-sig")
            frame = pd.read_csv(io.StringIO(body), comment="#")
            charts.append((chart, choice, frame))
    return {
        "catalogue": catalogue,
        "tables": tables,
        "filtered": filtered,
        "formats": formats,
        "charts": charts,
    }


def test_small_counts_were_imported_and_withheld(collected):
    tables = collected["tables"]
    for name in COUNTED:
        marks = tables[name]["suppressed"].dropna()
        assert (marks == f"< {THRESHOLD}").any(), name  # the fixtures hold small cells
        shown = pd.to_numeric(tables[name][_count(name)], errors="coerce")
        counted = _counted_rows(name, tables[name])
        assert not ((shown > 0) & (shown < THRESHOLD) & counted).any(), name


def test_every_filtered_download_is_the_whole_table_filtered(collected):
    tables = collected["tables"]
    for name, column, value, part in collected["filtered"]:
        whole = tables[name]
        keys = whole[column].map(str).str.lower() if whole[column].dtype == bool else None
        keys = whole[column].astype(str) if keys is None else keys
        expected = whole[keys == value].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            part.reset_index(drop=True).fillna(np.nan),
            expected.fillna(np.nan),
            check_dtype=False,
            obj=f"{name} filtered on {column}={value}",
        )


def test_every_format_carries_the_same_cells(collected):
    whole = collected["tables"]["service_counts"]
    csv = pd.read_csv(io.BytesIO(collected["formats"]["csv"]), encoding="utf-8-sig")
    parquet = pd.read_parquet(io.BytesIO(collected["formats"]["parquet"]))
    for frame in (csv, parquet):
        assert len(frame) == len(whole)
        assert frame["count"].isna().sum() == whole["count"].isna().sum()


def test_no_chart_shows_a_count_the_published_layer_withheld(collected):
    services = collected["tables"]["service_counts"]
    policy = Policy.of(load_catalogue(ROOT / "data")["service_counts"])
    summed = list(policy.summed)
    checked = 0
    for chart, choice, frame in collected["charts"]:
        group = SERVICE_CHARTS[chart]
        fixed = {SERVICE_FILTERS[k]: v for k, v in choice.items()}
        for _, row in frame.iterrows():
            wanted = services
            for column in summed:
                if column in group:
                    value = row[column]
                elif column in fixed:
                    value = fixed[column]
                else:
                    value = total_code(services, column)
                wanted = wanted[wanted[column].astype(str) == str(value)]
            if "year" in fixed:
                wanted = wanted[wanted["year"].astype(str) == fixed["year"]]
            assert len(wanted) >= 1, (chart, choice, dict(row))
            if pd.isna(row["services"]):
                continue
            # A shown figure is the published cell, or a sum of published cells only.
            assert wanted["suppressed"].isna().all(), (chart, choice, dict(row))
            assert row["services"] == wanted["count"].sum(), (chart, choice, dict(row))
            checked += 1
    assert checked > 30  # the charts were really drawn from published rows


@pytest.mark.parametrize("name", COUNTED)
def test_no_withheld_cell_is_recovered_or_narrowed_below_the_threshold(collected, name):
    table = collected["tables"][name].reset_index(drop=True)
    policy = Policy.of(load_catalogue(ROOT / "data")[name])
    hidden = table.index[table["suppressed"].notna()].tolist()
    assert hidden
    equations = _equations(table, policy)
    intervals = _intervals(table, hidden, equations, policy.count)
    narrow = {label: width for label, width in intervals.items() if width < THRESHOLD - 1e-6}
    assert narrow == {}, table.loc[list(narrow)].to_dict("records")
    print(f"{name}: {len(hidden)} withheld cells, narrowest interval {min(intervals.values())}")


# --- the attacker's algebra, written apart from the product's -----------------------------


def _count(name: str) -> str:
    return Policy.of(load_catalogue(ROOT / "data")[name]).count


def _counted_rows(name: str, table: pd.DataFrame) -> pd.Series:
    policy = Policy.of(load_catalogue(ROOT / "data")[name])
    counted = pd.Series(True, index=table.index)
    if policy.as_printed_sources:
        counted &= ~table["source"].astype(str).str.startswith(policy.as_printed_sources)
    for column, allowed in policy.rows.items():
        counted &= table[column].astype(str).isin(allowed)
    return counted


def _equations(table: pd.DataFrame, policy: Policy) -> list[tuple[list[int], int]]:
    """part_1 + ... + part_n - total = 0 along every margin, as the rows themselves show."""
    dims = [c for c in policy.by if c in table.columns]
    equations = []
    for dim, code in policy.margins.items():
        total = str(total_code(table, dim)) if code == "" else code
        others = [d for d in dims if d != dim]
        keyed = table[others].astype(str)
        for _, members in keyed.groupby(others, dropna=False).groups.items():
            rows = table.loc[members]
            totals = rows.index[rows[dim].astype(str) == total].tolist()
            parts = rows.index[rows[dim].astype(str) != total].tolist()
            if len(totals) == 1 and parts:
                equations.append((parts, totals[0]))
    return equations


def _intervals(
    table: pd.DataFrame, hidden: list[int], equations: list[tuple[list[int], int]], count: str
) -> dict[int, float]:
    """Each withheld cell's feasible interval: published values fixed, the rest >= 0."""
    column = {label: i for i, label in enumerate(hidden)}
    values = pd.to_numeric(table[count], errors="coerce")
    rows, constants = [], []
    for parts, total in equations:
        cells = [(p, 1) for p in parts] + [(total, -1)]
        if not any(label in column for label, _ in cells):
            continue
        if any(label not in column and pd.isna(values[label]) for label, _ in cells):
            continue  # a missing (not withheld) figure: no equation
        constant = -sum(c * values[label] for label, c in cells if label not in column)
        rows.append([(column[label], c) for label, c in cells if label in column])
        constants.append(constant)
    matrix = lil_matrix((len(rows), len(hidden)))
    for r, entries in enumerate(rows):
        for j, c in entries:
            matrix[r, j] += c
    result = {}
    for label, j in column.items():
        objective = np.zeros(len(hidden))
        objective[j] = 1
        low = linprog(objective, A_eq=matrix, b_eq=constants, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=matrix, b_eq=constants, bounds=(0, None), method="highs")
        assert low.status == 0, label  # the published figures are consistent
        result[label] = np.inf if high.status == 3 else (-high.fun - low.fun)
    return result
