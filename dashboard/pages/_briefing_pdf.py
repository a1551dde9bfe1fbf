"""The briefing as a PDF made on the server: GET /permbledhja.pdf?lang=sq|en|sr.

The briefing's components (dashboard/pages/_briefing.py, the same the page shows) are
written out as one standalone HTML document: the app's stylesheets inline, plotly.js
inline from the installed plotly package and each chart as its figure JSON, so nothing
is fetched from a network and no image library is needed. The system's Chromium prints
it headless, in a subprocess with a time limit; the charts stay vector graphics.

The document is read through `current_database()` like the page: an anonymous request
gets the published layer only. A PDF is kept per database version, language, role and
day (its date is printed on it). Without Chromium the route answers 503 in the
language, and the page's button says so.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import plotly.io as pio
from dash import dcc
from dash.development.base_component import Component
from flask import Blueprint, Response, render_template, request
from plotly.offline import get_plotlyjs

from dashboard.audience import current_database
from dashboard.auth import current_role
from dashboard.cache import cached
from dashboard.i18n import normalise_language, t
from dashboard.pages._briefing import briefing_document
from dashboard.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)

PDF_PATH = "/permbledhja.pdf"
# The browser that prints: DMS_CHROMIUM when set (a path), else the first on PATH.
CHROMIUM_SETTING = "DMS_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Waiting for another PDF, then printing, stays under gunicorn's 60 s worker timeout
# (Procfile): a request over it would have its worker killed, not answered.
PRINT_TIMEOUT_SECONDS = 40
BUSY_WAIT_SECONDS = 15
# How long Chromium lets the page's scripts run (virtual time): plotly draws in well under.
SCRIPT_BUDGET_MS = 10_000
LARGEST_KEPT_PDF = 5 * 1024 * 1024
ASSETS = PROJECT_ROOT / "assets"

briefing_pdf = Blueprint("briefing_pdf", __name__)
# One Chromium at a time per worker: each takes a core and a few hundred MB while printing.
_printing = threading.BoundedSemaphore(1)


class PdfUnavailable(RuntimeError):
    """The PDF could not be made (Chromium failed, took too long, or is busy)."""


def chromium_path() -> str | None:
    """The Chromium to print with, or None when there is none.

    A path set in DMS_CHROMIUM that is not an executable counts as none: it was set on
    purpose, so another browser found on PATH is not taken instead.
    """
    configured = os.environ.get(CHROMIUM_SETTING, "").strip()
    if configured:
        return configured if os.path.isfile(configured) and os.access(configured, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


# --- Dash components as static HTML ---------------------------------------------------

_VOID_TAGS = frozenset({"br", "hr", "img", "wbr"})
_ATTRIBUTES = {
    "id": "id",
    "className": "class",
    "href": "href",
    "title": "title",
    "role": "role",
    "htmlFor": "for",
    "type": "type",
    "download": "download",
    "disabled": "disabled",
    "lang": "lang",
    "style": "style",
}
# Props that only matter to a live Dash app (clicks, React keys, the Link's behaviour).
_LIVE_ONLY = frozenset(
    {"n_clicks", "n_clicks_timestamp", "disable_n_clicks", "key", "refresh", "target"}
)


def _css(style: Mapping[str, Any]) -> str:
    """A React style dict as CSS text ({'maxWidth': '1px'} -> 'max-width: 1px')."""
    declarations = []
    for name, value in style.items():
        css_name = "".join(f"-{c.lower()}" if c.isupper() else c for c in name)
        declarations.append(f"{css_name}: {value}")
    return "; ".join(declarations)


def _attributes(props: Mapping[str, Any]) -> str:
    parts = []
    for name, value in props.items():
        if name == "children" or name in _LIVE_ONLY or value is None or value is False:
            continue
        if name in _ATTRIBUTES:
            attribute = _ATTRIBUTES[name]
        elif name.startswith(("aria-", "data-")):
            attribute = name
        else:
            raise ValueError(f"no static HTML for the prop {name!r}")
        if attribute == "style":
            value = _css(value)
        parts.append(f" {attribute}" if value is True else f' {attribute}="{escape(str(value))}"')
    return "".join(parts)


def static_html(node: Any, figures: dict[str, go.Figure]) -> str:
    """Dash components as HTML; each dcc.Graph becomes an empty box its figure is drawn in.

    `figures` collects the graphs' figures by id. A component with no static form
    raises, so nothing on the page silently goes missing from the PDF.
    """
    if node is None:
        return ""
    if isinstance(node, str | int | float):
        return escape(str(node))
    if isinstance(node, list | tuple):
        return "".join(static_html(child, figures) for child in node)
    if not isinstance(node, Component):
        raise TypeError(f"no static HTML for {type(node).__name__}")
    props = dict(node.to_plotly_json()["props"])
    if isinstance(node, dcc.Graph):
        figure = props["figure"]
        figures[str(props["id"])] = figure if isinstance(figure, go.Figure) else go.Figure(figure)
        box = {k: props[k] for k in ("id", "className", "style") if k in props}
        return f"<div{_attributes(box)}></div>"
    if isinstance(node, dcc.Link):
        tag = "a"
    elif isinstance(node, dbc.Alert):  # a part that could not be read (guarded)
        color = props.pop("color", "primary")
        props = {
            "className": f"alert alert-{color}",
            "role": "alert",
            "children": props.get("children"),
        }
        tag = "div"
    elif node._namespace == "dash_html_components":
        tag = node._type.lower()
    else:
        raise TypeError(f"no static HTML for {node._namespace}.{node._type}")
    opening = f"<{tag}{_attributes(props)}>"
    if tag in _VOID_TAGS:
        return opening
    return f"{opening}{static_html(props.get('children'), figures)}</{tag}>"


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    return get_plotlyjs()


def _stylesheets() -> str:
    """Every stylesheet of assets/, in the order Dash serves them (by name)."""
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(ASSETS.glob("*.css")))


def _script_json(value: str) -> str:
    """JSON that cannot close the <script> element it sits in."""
    return value.replace("</", "<\\/")


_DRAW = """
(function () {
    var figures = JSON.parse(document.getElementById("briefing-figures").textContent);
    Object.keys(figures).forEach(function (id) {
        var figure = figures[id];
        Plotly.newPlot(document.getElementById(id), figure.data, figure.layout,
                       {staticPlot: true, displayModeBar: false});
    });
})();
"""


def briefing_html(lang: str, today: date | None = None) -> str:
    """The standalone briefing document in a language, for the person asking."""
    figures: dict[str, go.Figure] = {}
    body = static_html(briefing_document(lang, today=today), figures)
    figures_json = (
        "{"
        + ",".join(
            f"{json.dumps(chart_id)}:{pio.to_json(figure, validate=False)}"
            for chart_id, figure in figures.items()
        )
        + "}"
    )
    title = f"{t('briefing.title', lang)} – {t('app.municipality', lang)}"
    return (
        f'<!doctype html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>\n{_stylesheets()}\n</style>\n</head>\n"
        f'<body class="briefing-standalone">\n<main id="main"><div class="container-fluid">'
        f"{body}</div></main>\n"
        f"<script>{_plotly_js()}</script>\n"
        f'<script type="application/json" id="briefing-figures">{_script_json(figures_json)}'
        f"</script>\n<script>{_DRAW}</script>\n</body>\n</html>\n"
    )


# --- printing ---------------------------------------------------------------------------


def print_pdf(document: str, chromium: str, timeout: float | None = None) -> bytes:
    """An HTML document printed to PDF by headless Chromium (the page size from its CSS).

    Chromium runs in its own process group with a private profile and home in a
    temporary folder; past `timeout` seconds (PRINT_TIMEOUT_SECONDS) the whole group is
    killed.
    """
    timeout = PRINT_TIMEOUT_SECONDS if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="dms-briefing-") as folder:
        source, output = Path(folder) / "briefing.html", Path(folder) / "briefing.pdf"
        source.write_text(document, encoding="utf-8")
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-extensions",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={folder}/profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={output}",
            f"--virtual-time-budget={SCRIPT_BUDGET_MS}",
            source.as_uri(),
        ]
        environment = {**os.environ, "HOME": folder, "XDG_CONFIG_HOME": folder}
        environment["XDG_CACHE_HOME"] = folder
        process = subprocess.Popen(
            command,
            cwd=folder,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own group, so a timeout ends every child it made
        )
        try:
            _, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            try:
                process.communicate(timeout=5)
            except subprocess.TimeoutExpired:  # a child that left the group holds the pipes
                for pipe in (process.stdout, process.stderr):
                    if pipe is not None:
                        pipe.close()
                process.wait(timeout=5)
            raise PdfUnavailable(f"Chromium did not finish within {timeout:g} s") from None
        if process.returncode != 0 or not output.is_file() or output.stat().st_size == 0:
            tail = errors.decode("utf-8", "replace")[-2000:]
            raise PdfUnavailable(f"Chromium exited with {process.returncode}: {tail}")
        return output.read_bytes()


def _briefing_pdf(lang: str, chromium: str, today: date) -> bytes:
    if not _printing.acquire(timeout=BUSY_WAIT_SECONDS):
        raise PdfUnavailable("another PDF is being printed")
    try:
        return print_pdf(briefing_html(lang, today), chromium)
    finally:
        _printing.release()


def _refusal(message_key: str, lang: str) -> tuple[str, int]:
    """A page saying in the language why there is no PDF (503: try later or print)."""
    body = render_template(
        "auth/error.html", lang=lang, t=t, status=503, message=t(message_key, lang)
    )
    return body, 503


@briefing_pdf.get(PDF_PATH)
def download() -> Response | tuple[str, int]:
    """The briefing as a PDF in ?lang= (Albanian by default), for the person asking."""
    lang = normalise_language(request.args.get("lang"))
    chromium = chromium_path()
    if chromium is None:
        return _refusal("briefing.pdf_unavailable", lang)
    today = date.today()
    database = current_database()
    key = ("briefing.pdf", str(database.path), database.version, lang, current_role(), today)
    try:
        pdf = cached(
            key,
            lambda: _briefing_pdf(lang, chromium, today),
            keep=lambda made: len(made) <= LARGEST_KEPT_PDF,
        )
    except PdfUnavailable:
        logger.exception("the briefing PDF could not be made")
        return _refusal("briefing.pdf_failed", lang)
    filename = f"permbledhja-{today.isoformat()}-{lang}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
