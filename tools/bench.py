"""`dms-dashboard bench` (or `python tools/bench.py`): performance measured in a private workspace.

A tool of the source checkout, not of the runtime package: it drives the app from outside
and sees its queries through the data door's documented hook (`db.observing`), never by
patching it. Everything runs in a temporary directory (its own database, imports journal
and state), never in var/. Measured in one run: build and import throughput, the server
time of every page callback (with its bare DuckDB floor and a naive per-request pandas
baseline), page load in headless Chromium, requests/s under gunicorn with the Procfile's
settings against 127.0.0.1, and the peak RSS of each worker. Each row is printed as soon
as it is measured. See docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from dashboard.build import build_sql_text
from dashboard.settings import PROJECT_ROOT

# Told of each row as soon as it is measured (the progress lines).
Report = Callable[["Measurement"], None]


@dataclass
class Measurement:
    """One row of the bench table."""

    name: str
    scale: str
    samples_ms: list[float] = field(default_factory=list, repr=False)
    floor_ms: list[float] | None = field(default=None, repr=False)
    naive_ms: list[float] | None = field(default=None, repr=False)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The JSON object: name, scale, p50_ms, p95_ms, n (+ floor/naive p95, extras)."""
        row: dict[str, Any] = {
            "name": self.name,
            "scale": self.scale,
            "p50_ms": _pct(self.samples_ms, 50),
            "p95_ms": _pct(self.samples_ms, 95),
            "n": len(self.samples_ms),
        }
        if self.floor_ms is not None:
            row["floor_p95_ms"] = _pct(self.floor_ms, 95)
        if self.naive_ms is not None:
            row["naive_p95_ms"] = _pct(self.naive_ms, 95)
        p95, floor, naive = row["p95_ms"], row.get("floor_p95_ms"), row.get("naive_p95_ms")
        if p95 is not None and floor is not None:  # the targets, judged in the run
            row["floor_bound_ms"] = round(1.5 * floor + 15, 2)
            row["meets_floor_bound"] = p95 <= row["floor_bound_ms"]
            row["under_250_ms"] = p95 < 250
        if p95 and naive is not None:
            row["naive_speedup"] = round(naive / p95, 1)
        row.update(self.extra)
        return row


def _pct(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 2) if values else None


# --- Workspace --------------------------------------------------------------------------


def _workspace(scale: str) -> Path:
    """Point this process's settings at a fresh temporary directory."""
    from dashboard.settings import get_settings

    root = Path(tempfile.mkdtemp(prefix=f"dms-bench-{scale}-"))
    os.environ["DMS_DB_PATH"] = str(root / "dms.duckdb")
    os.environ["DMS_IMPORTS_DIR"] = str(root / "imports")
    os.environ["DMS_STATE_DIR"] = str(root / "state")
    os.environ["DMS_DEMO_SCALE"] = scale
    os.environ.setdefault("DMS_SECRET_KEY", secrets.token_hex(32))
    get_settings.cache_clear()
    return root


# --- Callbacks --------------------------------------------------------------------------


def _walk(component: Any) -> Iterator[Any]:
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            yield from _walk(child)
    elif children is not None and hasattr(children, "to_plotly_json"):
        yield from _walk(children)


def _page_components(app: Any) -> dict[str, dict[str, Any]]:
    """Each component id -> its component, over every page's default layout as staff see it."""
    import dash
    from flask_login import login_user

    from dashboard.auth.store import get_store
    from dashboard.auth.views import StaffUser

    _create_bench_user()
    user = get_store().get_user(BENCH_USER)
    assert user is not None
    components: dict[str, dict[str, Any]] = {}
    # A request of the bench's viewer: staff see every filter (demonstration data).
    with app.server.test_request_context("/"):
        login_user(StaffUser(user, "bench-layouts"))
        for page in dash.page_registry.values():
            layout = page["layout"]
            tree = layout() if callable(layout) else layout
            for component in _walk(tree):
                ident = getattr(component, "id", None)
                if isinstance(ident, str):
                    components[ident] = {"component": component, "page": page["path"]}
    return components


BENCH_ROLE = "viewer"
BENCH_USER = "bench-viewer"
BENCH_PASSWORD = secrets.token_urlsafe(24)


def _create_bench_user() -> None:
    """A viewer account in the workspace's own state store (never in var/)."""
    from dashboard.auth.passwords import hash_password
    from dashboard.auth.store import get_store

    store = get_store()
    if store.get_user(BENCH_USER) is None:
        store.add_user(BENCH_USER, hash_password(BENCH_PASSWORD), BENCH_ROLE)


def _login_test_client(client: Any) -> str:
    client.get("/hyrja")
    client.post(
        "/hyrja",
        data={
            "username": BENCH_USER,
            "password": BENCH_PASSWORD,
            "csrf_token": client.get_cookie("_csrf_token").value,
        },
    )
    client.get("/")
    return str(client.get_cookie("_csrf_token").value)


def _option_values(component: Any) -> list[Any]:
    options = getattr(component, "options", None) or []
    values: list[Any] = []
    for option in options:
        if isinstance(option, dict):
            values.append(option.get("value"))
        else:
            values.append(option)
    return [v for v in values if v is not None]


@dataclass
class _CallbackPlan:
    output: str
    spec: dict[str, Any]
    page: str
    make_inputs: Callable[[random.Random], tuple[list[dict], list[dict]]]


def _plans(app: Any) -> list[_CallbackPlan]:
    """A payload generator per page callback whose inputs all live in one page layout."""
    components = _page_components(app)
    plans: list[_CallbackPlan] = []
    for output, spec in app.callback_map.items():
        deps = list(spec.get("inputs", [])) + list(spec.get("state", []))
        if "callback" not in spec:
            continue  # clientside callbacks run in the browser, not on the server
        if not deps or any(not isinstance(d["id"], str) for d in deps):
            continue  # pattern-matching callbacks are not page filter callbacks
        if not all(d["id"] in components for d in deps):
            continue
        page = components[deps[0]["id"]]["page"]

        def make(rng: random.Random, spec: dict[str, Any] = spec) -> tuple[list[dict], list[dict]]:
            def value_of(dep: dict[str, str], vary: bool) -> dict[str, Any]:
                component = components[dep["id"]]["component"]
                value = getattr(component, dep["property"], None)
                choices = _option_values(component) if dep["property"] == "value" else []
                if vary and choices:
                    if isinstance(value, list):
                        value = rng.sample(choices, k=rng.randint(1, min(3, len(choices))))
                    else:
                        value = rng.choice(choices)
                return {"id": dep["id"], "property": dep["property"], "value": value}

            return (
                [value_of(d, True) for d in spec.get("inputs", [])],
                [value_of(d, False) for d in spec.get("state", [])],
            )

        plans.append(_CallbackPlan(output, spec, page, make))
    return plans


def _table_names(con: Any) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    return sorted(name for (name,) in rows)


# Calls per callback for the naive baseline and for the cold (nothing cached) figures, by
# scale, and the seconds each may take per callback (at least one naive call and three cold
# ones are made). The naive call rereads every table: one Services call at national scale
# takes 6 s on an idle machine and up to a minute on a busy one, where 10 of them took the
# run to 16.7 minutes; with the budget it took 4.9 (docs/PERFORMANCE.md).
NAIVE_CALLS = {"default": 30, "national": 10}
COLD_CALLS = {"default": 30, "national": 15}
NAIVE_SECONDS = 20.0
COLD_SECONDS = 20.0


def _bench_callbacks(
    scale: str, n: int, settings: Any, root: Path, report: Report
) -> list[Measurement]:
    import pandas as pd
    from dash._utils import split_callback_id

    from dashboard import cache
    from dashboard import db as db_module
    from dashboard.app import app

    # Export every table once (before the app's read-only connection opens the file).
    parquet_dir = root / "parquet"
    parquet_dir.mkdir()
    with db_module.attached_read_only(settings.db_path) as writer:
        writer.execute("USE built")
        tables = _table_names(writer)
        for table in tables:
            target = parquet_dir / f"{table}.parquet"
            writer.execute(f"COPY \"{table}\" TO '{target}' (FORMAT parquet)")
    con = db_module.get_database(settings).connection()
    patterns = {t: re.compile(rf"\b{re.escape(t)}\b") for t in tables}

    recorded: list[tuple[str, dict[str, Any]]] = []

    def record(call: db_module.QueryCall) -> None:
        # Every query the callback asked for, whether the result cache answered or not.
        recorded.append((call.name, call.params))

    def bare(name: str, params: dict[str, Any]) -> None:
        sql = db_module._read_query(settings.queries_dir, name)
        cursor = con.cursor()
        try:
            cursor.execute(sql, params).df()
        finally:
            cursor.close()

    build_sql = build_sql_text(settings)
    build_views = re.findall(r"CREATE (?:OR REPLACE )?(?:VIEW|MACRO|TABLE) (\w+)", build_sql)

    def naive(calls: list[tuple[str, dict[str, Any]]]) -> None:
        # Per request, as a tutorial app does: read the files the request needs once,
        # then compute each result from them.
        sqls = [
            (db_module._read_query(settings.queries_dir, name), params) for name, params in calls
        ]
        uses_build_views = any(re.search(rf"\b{v}\b", sql) for sql, _ in sqls for v in build_views)
        # The shared views and macros the build creates, over the freshly read tables.
        needed = "\n".join(sql for sql, _ in sqls) + ("\n" + build_sql if uses_build_views else "")
        local = db_module.connect_in_memory(threads=settings.duckdb_threads)
        try:
            for table, pattern in patterns.items():
                if pattern.search(needed):
                    local.register(table, pd.read_parquet(parquet_dir / f"{table}.parquet"))
            if uses_build_views:
                local.execute(build_sql)
            for sql, params in sqls:
                local.execute(sql, params).df()
        finally:
            local.close()

    def post(plan: _CallbackPlan, inputs: list[dict], state: list[dict]) -> tuple[float, int]:
        body = {
            "output": plan.output,
            "outputs": split_callback_id(plan.output),
            "inputs": inputs,
            "state": state,
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs[:1]],
        }
        started = time.perf_counter()
        response = client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token})
        return (time.perf_counter() - started) * 1000, response.status_code

    client = app.server.test_client()
    _create_bench_user()
    token = _login_test_client(client)
    rng = random.Random(8)
    results: list[Measurement] = []
    naive_calls = NAIVE_CALLS.get(scale, NAIVE_CALLS["default"])
    cold_calls = COLD_CALLS.get(scale, COLD_CALLS["default"])
    with db_module.observing(record):
        for plan in _plans(app):
            row = Measurement(f"callback {plan.page} -> {plan.output[:60]}", scale, [], [], [])
            skipped = 0
            for index in range(n):
                inputs, state = (
                    plan.make_inputs(rng) if index else plan.make_inputs(random.Random(0))
                )
                recorded.clear()
                elapsed, status = post(plan, inputs, state)
                if status not in (200, 204):
                    skipped += 1
                    continue
                calls = list(recorded)
                row.samples_ms.append(elapsed)
                started = time.perf_counter()
                for name, params in calls:
                    bare(name, params)
                assert row.floor_ms is not None and row.naive_ms is not None
                row.floor_ms.append((time.perf_counter() - started) * 1000)
                naive_spent = sum(row.naive_ms) / 1000
                if len(row.naive_ms) < naive_calls and naive_spent < NAIVE_SECONDS:
                    started = time.perf_counter()
                    naive(calls)
                    row.naive_ms.append((time.perf_counter() - started) * 1000)
                row.extra["queries"] = sorted(
                    set(row.extra.get("queries", [])) | {c[0] for c in calls}
                )
            # The same callback with nothing cached: every query run, every figure drawn.
            cold: list[float] = []
            for _ in range(min(n, cold_calls) if row.samples_ms else 0):
                if len(cold) >= 3 and sum(cold) / 1000 >= COLD_SECONDS:
                    break
                inputs, state = plan.make_inputs(rng)
                with app.server.app_context():
                    cache.clear()
                elapsed, status = post(plan, inputs, state)
                if status in (200, 204):
                    cold.append(elapsed)
            row.extra["naive_n"] = len(row.naive_ms or [])
            row.extra["cold_p50_ms"] = _pct(cold, 50)
            row.extra["cold_p95_ms"] = _pct(cold, 95)
            row.extra["cold_n"] = len(cold)
            if skipped:
                row.extra["refused_calls"] = skipped
            if row.samples_ms:
                row.scale = scale
                report(row)
                results.append(row)
    return results


# --- Import ----------------------------------------------------------------------------


def _write_px(path: Path, years: int = 30, ages: int = 91) -> int:
    """A generated PX file of population by municipality x age x sex x year."""
    from dashboard.demo import load_inputs

    municipalities = list(load_inputs(PROJECT_ROOT / "data").municipalities)
    year_values = [str(2000 + i) for i in range(years)]
    age_values = [str(a) for a in range(ages)]
    sexes = ["Meshkuj", "Femra"]
    rng = np.random.default_rng(8)
    cells = len(municipalities) * len(age_values) * len(sexes) * len(year_values)
    data = rng.integers(1, 900, cells)

    def quoted(values: list[str]) -> str:
        return ",".join(f'"{v}"' for v in values)

    lines = [
        'CHARSET="ANSI";',
        'AXIS-VERSION="2013";',
        'CODEPAGE="windows-1252";',
        'LANGUAGE="sq";',
        "DECIMALS=0;",
        'MATRIX="bench";',
        'SUBJECT-CODE="Popullsia";',
        'SUBJECT-AREA="Popullsia";',
        'CONTENTS="Popullsia";',
        'UNITS="numër";',
        'TITLE="Popullsia sipas komunës, moshës, gjinisë dhe vitit (bench)";',
        'SOURCE="ASK (generated for dms-dashboard bench)";',
        'STUB="Komuna","Mosha","Gjinia";',
        'HEADING="Viti";',
        f'VALUES("Komuna")={quoted(municipalities)};',
        f'VALUES("Mosha")={quoted(age_values)};',
        f'VALUES("Gjinia")={quoted(sexes)};',
        f'VALUES("Viti")={quoted(year_values)};',
        "DATA=",
    ]
    for start in range(0, cells, len(year_values)):
        lines.append(" ".join(str(v) for v in data[start : start + len(year_values)]))
    lines[-1] += ";"
    path.write_text("\n".join(lines) + "\n", encoding="cp1252")
    return cells


def _bench_import(scale: str, settings: Any, root: Path, years: int = 30) -> Measurement:
    from dashboard.ingest import importer

    path = root / "bench-population.px"
    cells = _write_px(path, years=years)
    row = Measurement("import PX (preview + apply + rebuild)", scale)
    started = time.perf_counter()
    try:
        plan = importer.preview(path, settings=settings)
        if not plan.ok:
            row.extra["error"] = str(plan.error())[:300]
            return row
        importer.apply(plan, "bench")
    except Exception as error:  # report, do not abort the whole bench
        row.extra["error"] = f"{type(error).__name__}: {str(error)[:300]}"
        return row
    seconds = time.perf_counter() - started
    rows = sum(change.rows for change in plan.changes.values())
    row.samples_ms.append(seconds * 1000)
    row.extra.update({"cells": cells, "rows": rows, "rows_per_s": round(rows / seconds)})
    return row


# --- Gunicorn, load, RSS, browser --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn), "dashboard.app:server", "--bind", f"127.0.0.1:{port}",
        "--workers", os.environ.get("WEB_CONCURRENCY", "2"),
        "--threads", os.environ.get("DMS_THREADS", "4"), "--timeout", "60",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _vm_mb(pid: int, field: str = "VmHWM") -> float:
    """A memory figure of a process from /proc: VmHWM (peak RSS) or VmRSS (now), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _load(
    port: int, callback_body: dict[str, Any] | None, seconds: float, threads: int = 4
) -> tuple[Measurement, int, int]:
    """A bounded load loop: threads x (time limit), alternating a page and a callback."""
    import requests

    base = f"http://127.0.0.1:{port}"
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        session = requests.Session()
        session.get(f"{base}/hyrja", timeout=30)
        session.post(
            f"{base}/hyrja",
            data={
                "username": BENCH_USER, "password": BENCH_PASSWORD,
                "csrf_token": session.cookies.get("_csrf_token", ""),
            },
            timeout=30,
        )  # fmt: skip
        session.get(f"{base}/", timeout=30)
        token = session.cookies.get("_csrf_token", "")
        turn = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            if callback_body is not None and turn % 2:
                response = session.post(
                    f"{base}/_dash-update-component", json=callback_body,
                    headers={"X-CSRFToken": token}, timeout=30,
                )  # fmt: skip
            else:
                response = session.get(f"{base}/sherbimet", timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            turn += 1
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200:
                    failures[0] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - started
    row = Measurement("load: GET /sherbimet + services callback, 4 threads", "")
    row.samples_ms = latencies
    row.extra["requests_per_s"] = round(len(latencies) / wall, 1)
    row.extra["failures"] = failures[0]
    return row, len(latencies), failures[0]


def _page_loads(port: int, paths: list[str], repeats: int, report: Report) -> list[Measurement]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--window-size=1280,900",
    ):  # fmt: skip
        options.add_argument(flag)
    chromium = shutil.which("chromium")
    if chromium:
        options.binary_location = chromium
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_script_timeout(30)
    # The page's own clock: an observer set up before any of the page's scripts notes when
    # what is drawn last changed, in ms from the navigation's start (what a reader waits
    # for). Chromedriver's round trips (50-100 ms a load on this machine) are not counted.
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _DRAWN_CLOCK})
    results = []
    try:
        # A returning user: Chrome keeps a script's compiled code once it has run it twice
        # (V8's code cache), so the bundles are run twice before the first timed load.
        for _ in range(2):
            driver.get(f"http://127.0.0.1:{port}/")
        for path in paths:
            row = Measurement(f"page load {path}", "")
            timeline: dict[str, list[float]] = {}
            for _ in range(repeats):
                driver.get("about:blank")
                started = time.perf_counter()
                driver.get(f"http://127.0.0.1:{port}{path}")
                state: Any = None
                stable = 0
                while time.perf_counter() - started < 30:
                    now = driver.execute_script("return window.__dmsDrawn")
                    stable = stable + 1 if now and now == state else 0
                    state = now
                    if stable >= 15:  # 15 polls (~0.3 s) with the same charts drawn
                        break
                    time.sleep(0.02)
                if not state:
                    raise RuntimeError(f"{path} did not draw within 30 s")
                row.samples_ms.append(state["at"])
                row.extra["charts"] = state["charts"]
                for mark, at in driver.execute_script(_TIMELINE).items():
                    if at is not None:
                        timeline.setdefault(mark, []).append(at)
            row.extra["loads_ms"] = [round(sample) for sample in row.samples_ms]
            # Where a load's time went (median ms from the navigation's start).
            row.extra["timeline_p50_ms"] = {
                mark: round(float(np.median(at))) for mark, at in timeline.items() if at
            }
            _page_floor(driver, row, repeats)
            report(row)
            results.append(row)
    finally:
        driver.quit()
    return results


# Drawn: the page's content is there, nothing is loading, every chart started has its SVG
# and the document has loaded; `at` is when that last changed (performance.now()).
_DRAWN_CLOCK = """
(() => {
  let last = null;
  function look() {
    const content = document.getElementById('_pages_content');
    let drawn = null;
    if (content && content.children.length && window.__dmsContent === undefined) {
      window.__dmsContent = performance.now();
    }
    if (content && content.children.length && document.readyState === 'complete'
        && !document.querySelector('[data-dash-is-loading="true"]')) {
      const plots = document.querySelectorAll('.js-plotly-plot');
      drawn = Array.from(plots).every((p) => p.querySelector('.main-svg')) ? plots.length : null;
    }
    if (drawn !== last) {
      last = drawn;
      window.__dmsDrawn = drawn === null ? null : {charts: drawn, at: performance.now()};
    }
  }
  new MutationObserver(look).observe(document, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['data-dash-is-loading'],
  });
  document.addEventListener('readystatechange', look);
})();
"""

# When the scripts had run, the layout had come and the page showed its content.
_TIMELINE = """
  const nav = performance.getEntriesByType('navigation')[0];
  const layout = performance.getEntriesByName(
    new URL('_dash-layout', document.baseURI).href)[0];
  return {
    scripts_run: nav ? nav.domContentLoadedEventEnd : null,
    layout_came: layout ? layout.responseEnd : null,
    content_shown: window.__dmsContent === undefined ? null : window.__dmsContent,
  };
"""

# The floor of a page: the same figures (the JSON the page drew) drawn by plotly.js in a
# plain page, with the script the app serves (from the browser's cache, as on a page
# load): the cost of drawing those charts at all, beside which the page's draw is judged.
_FIGURES = """
  const plot = document.querySelector('script[src*="/vendor/plotly-"]');
  return {
    src: plot ? plot.src : null,
    figures: Array.from(document.querySelectorAll('.js-plotly-plot')).map(
      (p) => ({data: p.data, layout: p.layout})),
  };
"""
_DRAW_FLOOR = """
  const [src, figures, done] = arguments;
  document.body.replaceChildren();
  const started = performance.now();
  const script = document.createElement('script');
  script.src = src;
  script.onload = () => {
    const drawn = figures.map((figure) => {
      const div = document.createElement('div');
      document.body.appendChild(div);
      return Plotly.newPlot(div, figure.data, figure.layout, {responsive: true});
    });
    Promise.all(drawn).then(() => done(performance.now() - started));
  };
  script.onerror = () => done(-1);
  document.head.appendChild(script);
"""


def _page_floor(driver: Any, row: Measurement, repeats: int) -> None:
    """Draw the page's last figures in a plain page `repeats` times: the page's floor."""
    shown = driver.execute_script(_FIGURES)
    if not shown["src"]:
        row.extra["floor"] = "the page did not load plotly.js"
        return
    floor = []
    if not shown["figures"]:  # every chart is below the fold: drawing none costs nothing
        row.extra["floor"] = "no chart is drawn on load (they are below the fold)"
        floor = [0.0] * repeats
    # A plain document of the same server (same origin as the script, so it comes from the
    # cache): the open-data catalogue's JSON, with nothing of the app on it.
    origin = urlsplit(shown["src"])
    plain = f"{origin.scheme}://{origin.netloc}/api/v1/datasets"
    for _ in range(repeats if shown["figures"] else 0):
        driver.get(plain)
        drawn = float(driver.execute_async_script(_DRAW_FLOOR, shown["src"], shown["figures"]))
        if drawn < 0:
            row.extra["floor"] = "plotly.js could not be loaded in the plain page"
            return
        floor.append(drawn)
    row.floor_ms = floor
    bound = 1.5 * _pct(floor, 95) + 400
    row.extra["floor_bound_ms"] = round(bound, 1)
    row.extra["meets_floor_bound"] = _pct(row.samples_ms, 95) <= bound
    if floor[0]:
        ratio = _pct(row.samples_ms, 95) / _pct(floor, 95)
        row.extra["ratio_p95_to_floor_p95"] = round(ratio, 2)


# --- The whole run -----------------------------------------------------------------------


def _missing_for_browser() -> str | None:
    """Why the page loads cannot run here (None when they can)."""
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed (pip install selenium)"
    for program in ("chromium", "chromedriver"):
        if shutil.which(program) is None:
            return f"{program} is not on PATH (make browser-deps)"
    return None


def _missing_for_load() -> str | None:
    """Why the load loop cannot run here (None when it can)."""
    if importlib.util.find_spec("requests") is None:
        return "requests is not installed (pip install requests)"
    if not Path(sys.executable).with_name("gunicorn").is_file():
        return "gunicorn is not installed beside this Python"
    return None


def _skipped(name: str, reason: str) -> Measurement:
    """A row that says what was not measured and why (n = 0)."""
    return Measurement(name, "", extra={"skipped": reason})


def run(
    scale: str = "default",
    n: int = 200,
    *,
    load_seconds: float = 15.0,
    page_repeats: int = 5,
    skip: frozenset[str] = frozenset(),
    report: Report | None = None,
    import_years: int = 30,
) -> list[dict[str, Any]]:
    """Measure everything in a private workspace and return the JSON rows.

    `report` is told of each row as soon as it is measured (the progress lines);
    `import_years` sizes the generated PX file (38 municipalities x 91 ages x 2 sexes each).
    """
    root = _workspace(scale)
    from dashboard import pipeline
    from dashboard.settings import get_settings

    pipeline.configure()  # the importer rebuilds, as under the CLI
    settings = get_settings()
    rows: list[Measurement] = []

    def measured(row: Measurement) -> None:
        row.scale = scale
        rows.append(row)
        if report is not None:
            report(row)

    try:
        built = pipeline.rebuild(settings)
        build = Measurement("build database", scale, [built.seconds * 1000])
        build.extra.update(
            {"rows": built.total_rows, "rows_per_s": round(built.total_rows / built.seconds)}
        )
        measured(build)
        if "import" not in skip:  # before anything in this process opens the database
            measured(_bench_import(scale, settings, root, import_years))
        if "callbacks" not in skip:
            _bench_callbacks(scale, n, settings, root, measured)
        unable = _missing_for_load() if "gunicorn" not in skip else None
        if unable:
            measured(_skipped("load: skipped", unable))
        if "gunicorn" not in skip and not unable:
            port = _free_port()
            _create_bench_user()
            server = _start_gunicorn(port)
            try:
                services = [r for r in _plans(_app()) if r.page == "/sherbimet"]
                body = None
                if services:
                    from dash._utils import split_callback_id

                    inputs, state = services[0].make_inputs(random.Random(0))
                    body = {
                        "output": services[0].output,
                        "outputs": split_callback_id(services[0].output),
                        "inputs": inputs, "state": state,
                        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs[:1]],
                    }  # fmt: skip
                load, _, _ = _load(port, body, load_seconds)
                workers = _workers(server.pid)
                rss = {str(pid): round(_vm_mb(pid), 1) for pid in workers}
                load.extra["worker_peak_rss_mb"] = rss
                load.extra["max_worker_peak_rss_mb"] = max(rss.values()) if rss else None
                # The peak includes argon2's 64 MiB working memory (the start-up dummy hash
                # and every login), freed afterwards: the RSS after the load says what stays.
                now = {str(pid): round(_vm_mb(pid, "VmRSS"), 1) for pid in workers}
                load.extra["worker_rss_after_load_mb"] = now
                measured(load)
                browser = _missing_for_browser() if "browser" not in skip else None
                if browser:
                    measured(_skipped("page loads: skipped", browser))
                elif "browser" not in skip:
                    from dashboard.components.frame import menu_pages

                    _app()  # the menu is the page registry's: the pages register on import
                    paths = [p for p, _ in menu_pages()]
                    _page_loads(port, paths, page_repeats, measured)
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return [row.as_json() for row in rows]


def _app() -> Any:
    from dashboard.app import app

    return app


HEADER = f"{'name':<70} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'floor95':>8} {'naive95':>8}  extra"
_SHOWN = {"name", "scale", "p50_ms", "p95_ms", "n", "floor_p95_ms", "naive_p95_ms", "queries"}


def format_row(row: dict[str, Any]) -> str:
    """One line of the table: a row's name, n, p50, p95, floor and naive p95, and its extras."""

    def cell(value: Any, width: int) -> str:
        return f"{value:>{width}}" if value is not None else " " * (width - 1) + "-"

    extra = {k: v for k, v in row.items() if k not in _SHOWN}
    return (
        f"{row['name'][:70]:<70} {row['n']:>5} "
        f"{cell(row['p50_ms'], 9)} {cell(row['p95_ms'], 9)}"
        f" {cell(row.get('floor_p95_ms'), 8)} {cell(row.get('naive_p95_ms'), 8)}  "
        + (json.dumps(extra, ensure_ascii=False) if extra else "")
    )


def format_table(rows: list[dict[str, Any]]) -> str:
    """A plain-text table of the rows."""
    return "\n".join([HEADER, "-" * len(HEADER), *(format_row(row) for row in rows)])


def parser() -> argparse.ArgumentParser:
    """The bench's options (also those of `dms-dashboard bench`)."""
    bench = argparse.ArgumentParser(
        prog="dms-dashboard bench",
        description="measure build, import, callbacks, page load, load and memory",
    )
    bench.add_argument("--scale", choices=("default", "national"), default="default")
    bench.add_argument("--out", required=True, help="JSON file to write")
    bench.add_argument("--n", type=int, help="calls per callback (default 200)")
    bench.add_argument("--load-seconds", type=float, default=15.0, help="load loop duration")
    bench.add_argument("--page-repeats", type=int, default=5, help="loads of each page")
    bench.add_argument(
        "--skip", help="comma-separated parts to skip: callbacks,gunicorn,browser,import"
    )
    bench.add_argument(
        "--import-years",
        type=int,
        default=30,
        help="years of the generated PX import (default 30: 207,480 cells)",
    )
    return bench


def main(argv: list[str] | None = None) -> int:
    """Run the bench: a line per row as it is measured, then the JSON file."""
    args = parser().parse_args(argv)
    skip = frozenset(part for part in (args.skip or "").split(",") if part)
    started = time.perf_counter()
    print(f"{'elapsed':>8}  {HEADER}", flush=True)

    def progress(row: Measurement) -> None:
        elapsed = time.perf_counter() - started
        print(f"{elapsed:7.1f}s  {format_row(row.as_json())}", flush=True)

    rows = run(
        args.scale,
        args.n or 200,
        load_seconds=args.load_seconds,
        page_repeats=args.page_repeats,
        skip=skip,
        report=progress,
        import_years=args.import_years,
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    seconds = time.perf_counter() - started
    print(f"wrote {len(rows)} measurements to {out} ({seconds:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
