"""The app's layout: the frame and, on a page's first load, the page drawn into it.

Dash asks for the layout (`GET /_dash-layout`) once its bundles run; then its Locations
report the address, and the frame and the pages router draw in two more requests before
the first chart can start. The layout request names the page in its Referer (our
`Referrer-Policy: same-origin` sends the whole address to our own origin), so the first
view is drawn into the layout instead: the Locations are given the address they would
report, so neither the frame nor the router is called on a load.

Without a Referer of this origin, for a page the asker may not read, or when drawing
fails, the layout is the empty frame and the router draws the page as before (and its
role check answers).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask import Flask, Response, has_request_context, request

from dashboard.auth import current_role, current_username
from dashboard.auth.policy import has_role, page_role
from dashboard.components.declared import loaded_from
from dashboard.components.frame import footer, frame_meta, language_of, navbar
from dashboard.i18n import t

logger = logging.getLogger(__name__)

LAYOUT_ROUTE = "/_dash-layout"


@dataclass(frozen=True)
class Address:
    """A page address as the browser's Location reports it (search with its "?", or "")."""

    pathname: str
    search: str


def layout_request_address() -> Address | None:
    """The address of the page asking for the layout, from a Referer of our own origin."""
    if not has_request_context() or not request.path.endswith(LAYOUT_ROUTE):
        return None
    referrer = urlsplit(request.referrer or "")
    here = urlsplit(request.host_url)
    if (referrer.scheme, referrer.netloc) != (here.scheme, here.netloc):
        return None
    return Address(referrer.path or "/", f"?{referrer.query}" if referrer.query else "")


def router_query(search: str) -> dict[str, str | list[str]]:
    """The address's query as Dash's pages router hands it to a layout (a repeated key: a list)."""
    parsed = parse_qs(search.removeprefix("?"), keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


def page_at(pathname: str) -> dict[str, Any] | None:
    """The registered page at a path, else the not-found page (as the router chooses)."""
    wanted = (dash.strip_relative_path(pathname) or "").strip("/")
    pages = list(dash.page_registry.values())
    for page in pages:
        if not page.get("path_template") and page["path"].strip("/") == wanted:
            return page
    return next((page for page in pages if page["module"].endswith("not_found_404")), None)


def frame(pathname: str | None, search: str | None, built_at: str | None) -> tuple[list, Any]:
    """The menu bar (with the document's language and title) and the footer of a view."""
    lang = language_of(search)
    account = (current_username(), current_role())
    nav = [frame_meta(pathname, lang), navbar(lang, pathname or "/", search, account)]
    return nav, footer(lang, built_at)


def _first_view(address: Address, built_at: str | None) -> html.Div | None:
    """The page at `address` drawn for the asker, or None (the router will draw it)."""
    page = page_at(address.pathname)
    if page is None or not has_role(current_role(), page_role(address.pathname)):
        return None
    try:
        with loaded_from(address.search):
            layout = page["layout"]
            content = layout(**router_query(address.search)) if callable(layout) else layout
        nav, foot = frame(address.pathname, address.search, built_at)
    except Exception:  # the router draws it again and reports what fails
        logger.exception("could not draw the first view of %s", address.pathname)
        return None
    title = page["title"]
    located = {"pathname": address.pathname, "search": address.search}
    return _shell(
        dcc.Location(id="url", **located),
        nav,
        html.Div(
            [
                dcc.Location(id="_pages_location", refresh="callback-nav", **located),
                html.Div(content, id="_pages_content", disable_n_clicks=True),
                dcc.Store(id="_pages_store", data={"title": title}),
                html.Div(id="_pages_dummy", disable_n_clicks=True),
            ]
        ),
        foot,
    )


def _shell(location: dcc.Location, nav: Any, pages: Any, foot: Any) -> html.Div:
    return html.Div(
        [
            location,
            html.A(t("nav.skip", "sq"), href="#main", className="visually-hidden-focusable"),
            html.Div(nav, id="frame-nav"),
            html.Main(dbc.Container(pages, fluid=True), id="main", tabIndex="-1"),
            html.Div(foot, id="frame-footer"),
        ]
    )


def layout(built_at: Callable[[], str | None]) -> html.Div:
    """The layout for this request: the first view drawn in, or the empty frame."""
    address = layout_request_address()
    drawn = _first_view(address, built_at()) if address else None
    return drawn or _shell(dcc.Location(id="url"), None, dash.page_container, None)


def init_app(server: Flask) -> None:
    """Caches must keep one layout per page: it depends on the Referer."""

    @server.after_request
    def _vary_on_referrer(response: Response) -> Response:
        if request.path.endswith(LAYOUT_ROUTE):
            response.vary.add("Referer")
        return response
