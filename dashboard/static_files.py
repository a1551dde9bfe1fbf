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
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface

from dashboard.auth.policy import STATIC_ENDPOINTS

ASSET_ENDPOINT = "_dash_assets.static"
KEPT_FOR_GOOD = "public, max-age=31536000, immutable"
PLOTLY_META = "dms-plotly"  # names the partial plotly.js for assets/plotly_early.js
# dcc.Graph's code, which dcc fetches only once a graph is rendered (webpack's address).
GRAPH_CHUNK = "/_dash-component-suites/dash/dcc/async-graph.js"

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


def plotly_bundle_meta(assets_folder: Path, asset_url: Any) -> dict[str, str]:
    """The meta tag naming the partial plotly.js by its fingerprinted address."""
    bundles = sorted((assets_folder / "vendor").glob("plotly-*.min.js"))
    if len(bundles) != 1:
        raise RuntimeError(f"expected one assets/vendor/plotly-*.min.js, found {len(bundles)}")
    bundle = bundles[0]
    url = f"{asset_url('vendor/' + bundle.name)}?m={bundle.stat().st_mtime}"
    return {"name": PLOTLY_META, "content": url}


def init_app(server: Flask) -> None:
    """Files without the session's Vary; fingerprinted assets kept for a year."""
    server.session_interface = StaticFilesSessionInterface()

    @server.after_request
    def _keep_fingerprinted_assets(response: Response) -> Response:
        fingerprinted = request.endpoint == ASSET_ENDPOINT and request.args.get("m")
        if fingerprinted and response.status_code in (200, 304):
            response.headers["Cache-Control"] = KEPT_FOR_GOOD
        return response
