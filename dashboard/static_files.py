"""How a browser gets the page's files: kept for good, and the layout asked for early.

Measured in headless Chromium (docs/PERFORMANCE.md), a load used to download and compile
every script again: Flask-Login reads the session after every request, so Flask answered
even the fingerprinted bundles with `Vary: Cookie`, and the CSRF cookie changes on every
page, so the browser's copy never matched. Files are the same for everyone; they vary on
nothing. Assets carry Dash's `?m=<mtime>` fingerprint, so a changed file has a new
address and each address can be kept for a year.

The layout request is the page's longest wait on the server; the index asks for it (and
for the callback list, and for dcc.Graph's code, which dcc would ask for only once the
page is rendered) with `<link rel="preload">` while the scripts are still running, and
dash-renderer's and webpack's own requests take the answers that are already there.

Dash puts @babel/polyfill (core-js with regenerator) before React. Its bundles need only
the global `regeneratorRuntime` that their compiled async functions call; the rest
replaces working built-ins of the browsers React 18 runs in (String.prototype.trim and
Promise among them) with slower copies that every draw then goes through. The page loads
regenerator-runtime alone in its place.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import dash
from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface

from dashboard.auth.policy import STATIC_ENDPOINTS

ASSET_ENDPOINT = "_dash_assets.static"
KEPT_FOR_GOOD = "public, max-age=31536000, immutable"
PLOTLY_META = "dms-plotly"  # names the partial plotly.js for assets/plotly_early.js
# dcc.Graph's code, which dcc fetches only once a graph is rendered (webpack's address).
GRAPH_CHUNK = "/_dash-component-suites/dash/dcc/async-graph.js"
# The output of Dash pages' clientside callback that sets the tab title from its store.
PAGES_TITLE_OUTPUT = "_pages_dummy.children"
# Dash's polyfill tag, whatever its version and fingerprint.
POLYFILL_TAG = re.compile(r'<script src="[^"]*/dash/deps/polyfill@[^"]*"></script>')

_INDEX = """<!DOCTYPE html>
<html>
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        <link rel="preload" href="LAYOUT" as="fetch" crossorigin="anonymous">
        <link rel="preload" href="DEPENDENCIES" as="fetch" crossorigin="anonymous">
        <link rel="preload" href="GRAPH" as="script">
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


class DashboardDash(dash.Dash):
    """Dash with this module's index: the early requests, the plotly.js meta, the runtime.

    The vendored files are named once, at start (their fingerprints change only with a
    new checkout, and a new checkout restarts the server).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assets = Path(self.config.assets_folder)
        self.config.meta_tags.append(plotly_bundle_meta(assets, self.get_asset_url))
        self.index_string = index_string(self.get_relative_path)
        runtime = vendor_file(assets, "regenerator-runtime-*.js")
        self._runtime_tag = f'<script src="{fingerprinted(runtime, self.get_asset_url)}"></script>'

    def dependencies(self) -> Response:
        """Dash's callback list, with Dash pages' title callback not run on a page's load.

        That callback sets the tab title from the page store, which is empty on load (Dash
        fills it on navigation, and the title is set then): on load it has nothing to set. Every
        callback run on load costs the renderer a round of store updates, each one checked
        by every component on the page (110 ms of a load of /cilesia's 900 components).
        assets/url_state.js sets the title from the page's own data.
        """
        for declared in self._callback_list:
            if declared["output"] == PAGES_TITLE_OUTPUT:
                declared["prevent_initial_call"] = True
        return super().dependencies()

    def interpolate_index(self, **kwargs: Any) -> str:
        """Dash's index (Dash's documented override), the polyfill tag replaced."""
        tag = self._runtime_tag
        scripts, replaced = POLYFILL_TAG.subn(lambda _match: tag, kwargs["scripts"], count=1)
        # A Dash that no longer loads the polyfill still gets the runtime, first
        # (tests/callbacks/test_static_files.py fails then: look again whether it is needed).
        kwargs["scripts"] = scripts if replaced else tag + scripts
        return super().interpolate_index(**kwargs)


class StaticFilesSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, without `Vary: Cookie` on files that are the same for all."""

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        """Save as Flask does; then take the session's Vary off a file that sets no cookie."""
        super().save_session(app, session, response)
        if request.endpoint in STATIC_ENDPOINTS and "Set-Cookie" not in response.headers:
            response.vary.discard("Cookie")


def index_string(relative_path: Any) -> str:
    """Dash's index with the layout and callback list asked for from the head."""
    return (
        _INDEX.replace("LAYOUT", relative_path("/_dash-layout"))
        .replace("DEPENDENCIES", relative_path("/_dash-dependencies"))
        .replace("GRAPH", relative_path(GRAPH_CHUNK))
    )


def vendor_file(assets_folder: Path, pattern: str) -> Path:
    """The one file of assets/vendor matching `pattern` (a version in its name)."""
    found = sorted((assets_folder / "vendor").glob(pattern))
    if len(found) != 1:
        raise RuntimeError(f"expected one assets/vendor/{pattern}, found {len(found)}")
    return found[0]


def fingerprinted(vendored: Path, asset_url: Any) -> str:
    """A vendored file's address with Dash's `?m=<mtime>` fingerprint (kept for good)."""
    return f"{asset_url('vendor/' + vendored.name)}?m={vendored.stat().st_mtime}"


def plotly_bundle_meta(assets_folder: Path, asset_url: Any) -> dict[str, str]:
    """The meta tag naming the partial plotly.js by its fingerprinted address."""
    bundle = vendor_file(assets_folder, "plotly-*.min.js")
    return {"name": PLOTLY_META, "content": fingerprinted(bundle, asset_url)}


def init_app(server: Flask) -> None:
    """Files without the session's Vary; fingerprinted assets kept for a year."""
    server.session_interface = StaticFilesSessionInterface()

    @server.after_request
    def _keep_fingerprinted_assets(response: Response) -> Response:
        fingerprinted = request.endpoint == ASSET_ENDPOINT and request.args.get("m")
        if fingerprinted and response.status_code in (200, 304):
            response.headers["Cache-Control"] = KEPT_FOR_GOOD
        return response
