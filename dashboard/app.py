"""Create the Dash app (multi-page) and expose `server` for gunicorn."""

from __future__ import annotations

import logging

import dash
from dash import Dash, Input, Output

import dashboard.components.chart_card  # noqa: F401  (registers the image-download callback)
from dashboard import auth, cache, pipeline, security, static_files
from dashboard.api import api
from dashboard.audience import current_database
from dashboard.components import shell
from dashboard.components.chart_data import chart_downloads
from dashboard.i18n import t
from dashboard.pages._briefing_pdf import briefing_pdf
from dashboard.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)


def _built_at() -> str | None:
    try:
        frame = current_database().query("build_info")
    except Exception:  # the footer must not break a page; the page itself reports the error
        logger.exception("could not read the build date")
        return None
    return str(frame["built_at"].iloc[0]) if len(frame) else None


def create_app() -> Dash:
    """The dashboard: the frame, the pages in dashboard/pages, the open-data API."""
    pipeline.configure()  # staff imports, entries and decisions rebuild the database
    # Dash with the index of dashboard/static_files.py (the early requests, plotly.js's
    # meta, regenerator-runtime in place of @babel/polyfill).
    app = static_files.DashboardDash(
        "dashboard",
        use_pages=True,
        assets_folder=str(PROJECT_ROOT / "assets"),
        # plotly.js with only our trace types: started by assets/plotly_early.js, not a tag
        # (assets_ignore matches file names only; folders are left out by this list).
        assets_path_ignore=["vendor"],
        # Bootstrap is served from assets/ (no CDN: works offline and under a strict CSP).
        title=t("app.title", "sq"),
        update_title=None,
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    # Access control and hardening: the role guard, logins, CSRF, headers (see
    # dashboard/auth and dashboard/security.py); before any other route is added.
    for page in dash.page_registry.values():
        if page.get("role", "public") != "public":
            auth.register_route_role(page["path"], page["role"])
    auth.init_app(app)
    security.secure(app)
    static_files.init_app(app.server)
    cache.init_app(app.server)
    app.server.register_blueprint(api)
    app.server.register_blueprint(chart_downloads)
    app.server.register_blueprint(briefing_pdf)
    # The frame, with the page itself drawn in on a first load (see components/shell.py).
    app.layout = lambda: shell.layout(_built_at)
    shell.init_app(app.server)

    @app.callback(
        Output("frame-nav", "children"),
        Output("frame-footer", "children"),
        Input("url", "pathname"),
        Input("url", "search"),
        # Drawn into a first load's layout; the empty frame's Location reports the address.
        prevent_initial_call=True,
    )
    def render_frame(pathname: str | None, search: str | None) -> tuple:
        return shell.frame(pathname, search, _built_at())

    @app.callback(
        Output("navbar-collapse", "is_open"),
        Input("navbar-toggler", "n_clicks"),
        prevent_initial_call=True,
    )
    def toggle_menu(clicks: int | None) -> bool:
        return bool(clicks and clicks % 2)

    return app


app = create_app()
server = app.server
