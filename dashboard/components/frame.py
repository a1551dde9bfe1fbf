"""The frame every page shares: navigation, language switch, footer with build date."""

from __future__ import annotations

from urllib.parse import parse_qs, parse_qsl, urlencode

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import LANGUAGE_NAMES, LANGUAGES, format_date, normalise_language, t

ROLE_LEVELS = {"public": 0, "viewer": 1, "editor": 2, "admin": 3}
# The plain-language guide to the marks (dashboard/pages/guide.py), linked where they appear.
GUIDE_PATH = "/udhezuesi"


def _menu(staff: bool) -> tuple[tuple[str, str, str], ...]:
    entries = sorted(
        (page for page in dash.page_registry.values() if page.get("menu_key")),
        key=lambda page: page.get("order", 99),
    )
    return tuple(
        (page["path"], page["menu_key"], page.get("role", "public"))
        for page in entries
        if (page.get("role", "public") != "public") == staff
    )


def menu_pages() -> tuple[tuple[str, str], ...]:
    """The public pages in menu order, from the page registry: (path, message key)."""
    return tuple((path, key) for path, key, _role in _menu(staff=False))


def staff_pages() -> tuple[tuple[str, str, str], ...]:
    """The staff pages for the account menu, from the page registry: (path, key, role)."""
    return _menu(staff=True)


def language_of(search: str | None) -> str:
    """The language asked for in a URL's query string (?lang=en), Albanian by default."""
    values = parse_qs((search or "").lstrip("?")).get("lang", [])
    return normalise_language(values[0] if values else None)


def with_language(path: str, lang: str) -> str:
    """A link to a page in the given language."""
    return path if lang == "sq" else f"{path}?{urlencode({'lang': lang})}"


def guide_address(lang: str, entry: str = "") -> str:
    """The plain-language guide in a language, at one of its entries (e.g. "detail")."""
    return with_language(GUIDE_PATH, lang) + (f"#guide-{entry}" if entry else "")


def account_menu(lang: str, username: str | None, role: str) -> html.Div:
    """Login for the public; for staff their name, role, staff pages and logout.

    Plain links (full page loads): staff pages are checked by the server on every load.
    """
    if not username:
        return html.Div(
            html.A(
                t("nav.staff_login", lang), href=with_language("/hyrja", lang), id="staff-login"
            ),
            className="account-menu",
        )
    links = [
        html.A(t(key, lang), href=with_language(path, lang), className="staff-link")
        for path, key, needed in staff_pages()
        if ROLE_LEVELS.get(role, 0) >= ROLE_LEVELS[needed]
    ]
    return html.Div(
        [
            html.Span(f"{username} ({t('nav.role.' + role, lang)})", id="account-name"),
            *links,
            html.A(t("nav.logout", lang), href=with_language("/dalja", lang), id="staff-logout"),
        ],
        className="account-menu",
    )


def same_view_in(pathname: str, search: str | None, lang: str) -> str:
    """The address of the current view (its filters kept) in another language."""
    query = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k != "lang"]
    if lang != "sq":
        query.append(("lang", lang))
    return f"{pathname}?{urlencode(query)}" if query else pathname


def navbar(
    lang: str,
    pathname: str,
    search: str | None = None,
    account: tuple[str | None, str] = (None, "public"),
) -> dbc.Navbar:
    """The top navigation bar: the municipality, the pages, the language switch, the account."""
    links = [
        dbc.NavItem(
            dbc.NavLink(
                t(key, lang),
                href=with_language(path, lang),
                active=pathname == path,
            )
        )
        for path, key in menu_pages()
    ]
    languages = html.Div(
        [
            html.A(
                LANGUAGE_NAMES[code],
                href=same_view_in(pathname or "/", search, code),
                className="lang-link" + (" active" if code == lang else ""),
                lang=code,
                hrefLang=code,
                **({"aria-current": "true"} if code == lang else {}),
            )
            for code in LANGUAGES
        ],
        className="lang-switch",
        role="group",
        **{"aria-label": t("nav.language", lang)},
    )
    brand = html.A(
        [
            html.Span("MJ", className="coat-of-arms", **{"aria-hidden": "true"}),
            html.Span(
                [
                    html.Span(t("app.municipality", lang), className="brand-municipality"),
                    html.Span(t("app.directorate", lang), className="brand-directorate"),
                ],
                className="brand-text",
            ),
        ],
        href=with_language("/", lang),
        className="navbar-brand d-flex align-items-center gap-2",
    )
    return dbc.Navbar(
        dbc.Container(
            [
                brand,
                dbc.NavbarToggler(id="navbar-toggler"),
                dbc.Collapse(
                    [
                        dbc.Nav(links, className="me-auto", navbar=True),
                        languages,
                        account_menu(lang, *account),
                    ],
                    id="navbar-collapse",
                    navbar=True,
                ),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        className="site-nav no-print",
    )


def page_title(pathname: str | None, lang: str) -> str:
    """The tab title of a page in the reader's language: its menu name and the dashboard's."""
    normal = (pathname or "/").rstrip("/") or "/"
    page = next((p for p in dash.page_registry.values() if p.get("path") == normal), None)
    app_title = t("app.title", lang)
    if page is None or not page.get("menu_key") or normal == "/":
        return app_title
    return f"{t(page['menu_key'], lang)} – {app_title}"


def frame_meta(pathname: str | None, lang: str) -> html.Div:
    """What assets/url_state.js sets on the document: <html lang> and the tab title."""
    return html.Div(
        id="frame-meta",
        hidden=True,
        **{"data-lang": lang, "data-title": page_title(pathname, lang)},
    )


def footer(lang: str, built_at: str | None) -> html.Footer:
    """The footer: when the data was built and where to download it."""
    built = t("footer.built", lang, date=format_date(built_at, lang)) if built_at else ""
    return html.Footer(
        dbc.Container(
            [
                html.Span(built, id="footer-built"),
                html.Span(" · "),
                html.A(t("footer.open_data", lang), href="/api/v1/datasets"),
                html.Span(" · "),
                html.A(
                    t("guide.link", lang), href=with_language(GUIDE_PATH, lang), id="guide-link"
                ),
                html.Span(" · "),
                html.Span(t("footer.geo_licence", lang)),
            ],
            fluid=True,
        ),
        className="site-footer small text-muted py-3 mt-4",
    )
