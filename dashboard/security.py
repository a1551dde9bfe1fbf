"""HTTP hardening of the app: secret key, cookies, CSRF, security headers, errors.

CSRF. Every state-changing request needs a token bound to the session (Flask-WTF's
CSRFProtect): the login and logout forms carry it as a hidden field; Dash callbacks carry
it as the `X-CSRFToken` header, which dash-renderer (4.x) copies on every callback
request from the cookie `_csrf_token`, which this module sets on every HTML page. The
cookie is readable by the page's script (that is the point), SameSite=Strict, and useless
without the session it is signed for. On top of it, a state-changing request whose
`Origin` (or `Sec-Fetch-Site`) shows another site is refused before the token is read.

CSP. Scripts only from this origin, plus the exact hashes of Dash's inline scripts (the
renderer bootstrap and inline clientside callbacks, from `app.csp_hashes()`); no
'unsafe-eval' (Dash 4 and plotly.js 3 production bundles need none: checked in
headless Chromium by tests/browser/test_security_headers.py). Styles allow
'unsafe-inline' because plotly.js and React set inline styles; an injected style cannot
run code. Frames: none may frame us (frame-ancestors 'none').
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFProtect, generate_csrf
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.settings import Settings, get_settings

logger = logging.getLogger(__name__)

# dash-renderer's defaults (Dash(csrf_token_name=..., csrf_header_name=...)); the header is
# one of Flask-WTF's WTF_CSRF_HEADERS.
CSRF_COOKIE = "_csrf_token"
CSRF_HEADER = "X-CSRFToken"
SESSION_COOKIE = "dms_session"
MIN_SECRET_LENGTH = 32
DEV_SECRET_FILE = "secret_key"
JSON_PREFIXES = ("/_dash-", "/api/", "/charts/")
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HSTS = "max-age=31536000; includeSubDomains"

csrf = CSRFProtect()


# Text a spreadsheet may run as a formula (or a DDE command) when a CSV is opened: any
# cell starting with one of these (OWASP, "CSV injection"), "-1+2" and "-2*A1" included.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Left as they are: a plain number written as text ("-3.5", "+7") is read as that number,
# and the ASK symbol "-" (nothing) is no formula.
_HARMLESS = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|-")


def formula_risk(value: object) -> bool:
    """Whether a cell is text that a spreadsheet would treat as a formula."""
    return (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and _HARMLESS.fullmatch(value) is None
    )


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe.

    For CSV downloads: a file name or comment like '=HYPERLINK(...)' or '-1+2' stays text
    in Excel. Numbers, and text such as '-' (an ASK symbol) or '-3.5', are left as they are.
    """
    text_columns = [
        column
        for column in frame.columns
        if pd.api.types.is_object_dtype(frame[column])
        or pd.api.types.is_string_dtype(frame[column])
    ]
    risky = {column: frame[column].map(formula_risk) for column in text_columns}
    if not any(flags.any() for flags in risky.values()):
        return frame
    safe = frame.copy()
    for column, flags in risky.items():
        if flags.any():
            safe[column] = safe[column].astype(object)
            safe.loc[flags, column] = "'" + safe.loc[flags, column].astype(str)
    return safe


class InsecureConfiguration(RuntimeError):
    """The app refuses to start with settings that are unsafe in production."""


def resolve_secret_key(settings: Settings) -> str:
    """DMS_SECRET_KEY; outside production, a random key kept in the state directory.

    In production the key must come from the environment and be long: the app refuses
    to start otherwise (a key in a file next to the data is no secret).
    """
    key = settings.secret_key
    if settings.is_production:
        if not key:
            raise InsecureConfiguration(
                "DMS_SECRET_KEY is not set: the dashboard refuses to start in production"
                " without it (generate one with: python -c 'import secrets;"
                " print(secrets.token_urlsafe(48))')"
            )
        if len(key) < MIN_SECRET_LENGTH:
            raise InsecureConfiguration(
                f"DMS_SECRET_KEY is too short: use at least {MIN_SECRET_LENGTH} random characters"
            )
        return key
    return key or _development_key(settings.state_dir)


def _development_key(state_dir: Path) -> str:
    """A per-installation random key, shared by every worker (created once, atomically)."""
    path = state_dir / DEV_SECRET_FILE
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        draft = state_dir / f".{DEV_SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        draft.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        os.chmod(draft, 0o600)
        try:
            os.link(draft, path)  # fails if another worker won the race: use theirs
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


def check_production(settings: Settings) -> None:
    """Refuse debug switches in production; warn about plain HTTP."""
    if not settings.is_production:
        return
    for name in ("DASH_DEBUG", "FLASK_DEBUG"):
        if os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on"):
            raise InsecureConfiguration(f"{name} is on: no debug mode in production")
    if not settings.tls:
        logger.warning("DMS_TLS is off in production: session cookies are not marked Secure")


def content_security_policy(script_hashes: list[str]) -> str:
    """The Content-Security-Policy of every response."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _is_json_route() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def _json_error(status: int, message: str) -> Response:
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    return response


def _refuse_cross_site() -> Response | None:
    """A state-changing request from another site is refused whatever it carries."""
    if request.method not in UNSAFE_METHODS:
        return None
    origin = request.headers.get("Origin")
    if origin and origin.rstrip("/") != request.host_url.rstrip("/"):
        return _json_error(403, "cross-site request refused")
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return _json_error(403, "cross-site request refused")
    return None


def secure(app: Any, settings: Settings | None = None) -> None:
    """Apply every safeguard to a Dash app's Flask server (call once, in create_app)."""
    settings = settings or get_settings()
    server: Flask = app.server
    check_production(settings)
    server.secret_key = resolve_secret_key(settings)
    server.debug = False
    server.config.update(
        PROPAGATE_EXCEPTIONS=False,
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.tls,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
        MAX_CONTENT_LENGTH=settings.max_request_mb * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # valid as long as the session: a page open all day works
        WTF_CSRF_SSL_STRICT=True,
    )
    if settings.proxy_count > 0:
        count = settings.proxy_count
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )
    server.before_request(_refuse_cross_site)
    csrf.init_app(server)

    @server.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = content_security_policy(list(app.csp_hashes()))
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        if not request.path.startswith(STATIC_PREFIXES):
            response.vary.add("Cookie")  # the answer depends on who is logged in
            from dashboard.auth import current_role

            if current_role() != "public" or request.path.startswith(("/hyrja", "/dalja")):
                headers["Cache-Control"] = "no-store"
        if response.mimetype == "text/html":
            response.set_cookie(
                CSRF_COOKIE,
                generate_csrf(),
                secure=settings.tls,
                httponly=False,  # dash-renderer reads it to send the X-CSRFToken header
                samesite="Strict",
                path="/",
            )
        return response

    @server.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        if _is_json_route() or request.method in UNSAFE_METHODS:
            return _json_error(error.code or 500, error.description or error.name)
        return error

    @server.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        # Never a traceback for the caller; the server log keeps it.
        bad_input = _bad_callback_input(app, error)
        if bad_input is not None:
            return bad_input
        logger.exception("unexpected error on %s %s", request.method, request.path)
        if _is_json_route() or request.method in UNSAFE_METHODS:
            return _json_error(500, "internal error")
        body = render_template(
            "auth/error.html",
            lang="sq",
            t=_t,
            status=500,
            message="Gabim i brendshëm / Internal error",
        )
        return body, 500


def _bad_callback_input(app: Any, error: Exception) -> Response | None:
    """400 when a callback failed on a value its component would never send.

    See dashboard/auth/callback_input.py; None for every other error.
    """
    from dashboard.auth.callback_input import INPUT_ERRORS, misfit_values
    from dashboard.auth.policy import CALLBACK_ROUTE, normalise_path

    if normalise_path(request.path) != CALLBACK_ROUTE or not isinstance(error, INPUT_ERRORS):
        return None
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    try:
        misfits = misfit_values(app, body)
    except Exception:  # noqa: BLE001 - judging the request must never hide the first error
        logger.exception("could not judge the values of a failed callback request")
        return None
    if not misfits:
        return None
    logger.warning(
        "callback %s failed on values of the wrong type (%s): %r",
        body.get("output"),
        ", ".join(misfits),
        error,
    )
    return _json_error(400, f"wrong type of value for {', '.join(misfits)}")


def _t(key: str, lang: str, **values: object) -> str:
    from dashboard.i18n import t

    return t(key, lang, **values)
