"""What a browser gets to keep, and what the index asks for early (dashboard/static_files.py)."""

from __future__ import annotations

import re

import pytest

from dashboard.static_files import GRAPH_CHUNK, KEPT_FOR_GOOD, PLOTLY_META

pytestmark = pytest.mark.integration


def _headers(client, address: str) -> dict[str, str]:
    """The answer's status and headers (a file is streamed: its answer is closed here)."""
    response = client.get(address)
    try:
        return {"status": str(response.status_code), **response.headers}
    finally:
        response.close()


def _index(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _script_sources(index: str) -> list[str]:
    return re.findall(r'<script[^>]*\bsrc="([^"]+)"', index)


def test_the_index_asks_for_the_layout_callbacks_and_graph_code_from_its_head(client):
    head = _index(client).split("</head>")[0]
    for address, kind in (
        ("/_dash-layout", "fetch"),
        ("/_dash-dependencies", "fetch"),
        (GRAPH_CHUNK, "script"),
    ):
        assert f'<link rel="preload" href="{address}" as="{kind}"' in head, address


def test_plotly_is_named_by_its_fingerprint_and_not_loaded_by_a_tag(client):
    index = _index(client)
    named = re.search(rf'<meta name="{PLOTLY_META}" content="([^"]+)"', index)
    assert named, "the partial plotly.js is named for assets/plotly_early.js"
    assert re.fullmatch(r"/assets/vendor/plotly-[\d.]+-dms\.min\.js\?m=[\d.]+", named.group(1))
    # Only plotly_early.js starts it (once): no blocking tag in the index.
    assert not [src for src in _script_sources(index) if "/vendor/plotly-" in src]
    bundle = _headers(client, named.group(1))
    assert bundle["status"] == "200" and bundle["Cache-Control"] == KEPT_FOR_GOOD


def test_regenerator_runtime_runs_first_in_place_of_babel_polyfill(client):
    scripts = _script_sources(_index(client))
    assert not [src for src in scripts if "polyfill" in src]
    # First, as the polyfill was: dash-bootstrap-components runs before the assets.
    assert re.fullmatch(r"/assets/vendor/regenerator-runtime-[\d.]+\.js\?m=[\d.]+", scripts[0])
    assert "/deps/react@" in scripts[1]
    runtime = client.get(scripts[0])
    assert runtime.status_code == 200 and b"regeneratorRuntime = runtime" in runtime.data
    assert runtime.headers["Cache-Control"] == KEPT_FOR_GOOD
    runtime.close()


def test_fingerprinted_files_are_kept_for_everyone_and_pages_are_not(client):
    index = _index(client)
    suites = [src for src in _script_sources(index) if "/_dash-component-suites/" in src]
    assets = [src for src in _script_sources(index) if src.startswith("/assets/")]
    assert suites and assets
    for address in (suites[0], assets[0]):
        headers = _headers(client, address)
        assert headers["status"] == "200"
        # The session's cookie changes on every page: a Vary on it would mean no copy kept.
        assert "Cookie" not in headers.get("Vary", ""), address
    assert _headers(client, assets[0])["Cache-Control"] == KEPT_FOR_GOOD
    assert "max-age=31536000" in _headers(client, suites[0])["Cache-Control"]
    # An asset asked for without its fingerprint may change: it is checked again each time.
    assert _headers(client, assets[0].split("?")[0]).get("Cache-Control") != KEPT_FOR_GOOD
    # A page and the layout depend on who asks.
    assert "Cookie" in client.get("/").headers["Vary"]
    assert "Cookie" in client.get("/_dash-layout").headers["Vary"]


def test_only_the_pages_title_callback_is_kept_from_running_on_load(client):
    # Dash pages' title callback has nothing to set on load (its store is empty then);
    # every other callback keeps the run-on-load setting it was declared with.
    from dashboard.static_files import PAGES_TITLE_OUTPUT

    callbacks = client.get("/_dash-dependencies").get_json()
    title = [c for c in callbacks if c["output"] == PAGES_TITLE_OUTPUT]
    assert len(title) == 1 and title[0]["prevent_initial_call"] is True
    run_on_load = {c["output"] for c in callbacks if not c["prevent_initial_call"]}
    assert PAGES_TITLE_OUTPUT not in run_on_load
