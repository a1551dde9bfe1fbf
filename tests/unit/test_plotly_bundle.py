"""The partial plotly.js bundle (tools/plotly_bundle) matches what the dashboard draws."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly

from dashboard.static_files import PLOTLY_META, plotly_bundle_meta

ROOT = Path(__file__).resolve().parents[2]
BUNDLE_TOOL = ROOT / "tools" / "plotly_bundle"


def _bundle_path() -> Path:
    meta = plotly_bundle_meta(ROOT / "assets", lambda path: f"/assets/{path}")
    assert meta["name"] == PLOTLY_META
    found = re.fullmatch(r"/assets/(vendor/plotly-[^?]+)\?m=[\d.]+", meta["content"])
    assert found, "the page names the bundle by its fingerprinted address"
    return ROOT / "assets" / found.group(1)


def test_plotly_early_starts_the_bundle_the_page_names():
    early = (ROOT / "assets" / "plotly_early.js").read_text(encoding="utf-8")
    assert f'meta[name="{PLOTLY_META}"]' in early


def _version_in(text: str) -> str:
    found = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", text[:600])
    assert found, "a plotly.js banner with its version"
    return found.group(1)


def test_the_bundle_is_the_plotly_js_of_the_installed_plotly():
    shipped = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    version = _version_in(shipped.read_text(encoding="utf-8")[:600])
    bundle = _bundle_path()
    assert bundle.exists(), f"{bundle} is built by `npm run build` in tools/plotly_bundle"
    assert _version_in(bundle.read_text(encoding="utf-8")[:600]) == version
    assert version in bundle.name
    # The build tool pins the same version (rebuild it when plotly is upgraded).
    package = json.loads((BUNDLE_TOOL / "package.json").read_text(encoding="utf-8"))
    assert package["devDependencies"]["plotly.js"] == version
    assert f"v{version}" in package["scripts"]["build"]
    assert bundle.name in package["scripts"]["build"]


def test_every_trace_type_the_dashboard_draws_is_in_the_bundle():
    drawn = {
        name.lower()
        for path in (ROOT / "dashboard").rglob("*.py")
        for name in re.findall(r"\bgo\.([A-Z][a-z]+)\(", path.read_text(encoding="utf-8"))
    } - {"figure"}
    entry = (BUNDLE_TOOL / "entry.js").read_text(encoding="utf-8")
    registered = set(re.findall(r"plotly\.js/lib/(\w+)'", entry)) - {"core"}
    assert "bar" in drawn and "treemap" in drawn
    # scatter is part of plotly.js's core; every other trace type must be registered.
    assert drawn - {"scatter"} <= registered, drawn - registered
