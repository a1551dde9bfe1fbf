"""The frame every page shares: navigation, language switch, footer with build date."""

from __future__ import annotations

from urllib.parse import parse_qs, parse_qsl, urlencode

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import LANGUAGE_NAMES, LANGUAGES, format_date, normalise_language, t

# Every page of the dashboard, in menu order: (path, message key of its name).
NAV_PAGES: tuple[tuple[str, str], ...] = (
    ("/", "nav.home"),
    ("/demografia", "nav.demographics"),
    ("/ndihma-sociale", "nav.sns"),
    ("/sherbimet", "nav.services"),
    ("/treguesit", "nav.indicators"),
    ("/swot", "nav.swot"),
    ("/buxheti", "nav.budget"),
    ("/permbledhja", "nav.briefing"),
    ("/cilesia", "nav.quality"),
)


def language_of(search: str | None) -> str:
    """The language asked for in a URL's query string (?lang=en), Albanian by default."""
    values = parse_qs((search or "").lstrip("?")).get("lang", [])
    return normalise_language(values[0] if values else None)


def with_language(path: str, lang: str) -> str:
    """A link to a page in the given language."""
    return path if lang == "sq" else f"{path}?{urlencode({'lang': lang})}"


# Staff pages, shown in the account menu to the roles that may open them.
STAFF_PAGES: tuple[tuple[str, str, str], ...] = (
    ("/ngarkimi", "nav.upload", "editor"),
    ("/auditimi", "nav.audit", "admin"),
)
ROLE_LEVELS = {"public": 0, "viewer": 1, "editor": 2, "admin": 3}


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
        for path, key, needed in STAFF_PAGES
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
        for path, key in NAV_PAGES
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
                html.Span(t("footer.geo_licence", lang)),
            ],
            fluid=True,
        ),
        className="site-footer small text-muted py-3 mt-4",
    )
