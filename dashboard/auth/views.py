"""Login and logout (server-rendered, in sq/en/sr), sessions, the rate limiter, the guard.

A staff session is a random token in Flask's signed session cookie whose digest is a
row of the state database: logout, disabling an account, a password reset or a role
change end it on the server, and it expires after `session_hours` (absolute) or
`session_idle_minutes` without use, whatever the cookie says.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError

from dashboard.auth import callback_input, passwords, ratelimit
from dashboard.auth.policy import (
    CALLBACK_ROUTE,
    LOGIN_PATH,
    LOGOUT_PATH,
    STATIC_ENDPOINTS,
    callback_role,
    has_role,
    highest,
    normalise_path,
    role_level,
    route_role,
)
from dashboard.auth.store import User, get_store
from dashboard.i18n import normalise_language, t
from dashboard.settings import get_settings

logger = logging.getLogger(__name__)

# Per address (flask-limiter, its counters shared by every worker: see ratelimit.py), and
# per account and address (growing delays in the state store, see store.failure_delay).
# Unknown names are counted the same way. No limit is per account alone: then anybody
# could lock a colleague out by guessing wrong on purpose.
LOGIN_RATE_LIMIT = "10 per minute;60 per hour"
ANY_ACCOUNT = "*"  # the account of attempts refused per address, before any name is read
JSON_PREFIXES = ("/_dash-", "/api/", "/charts/")

auth_pages = Blueprint("auth", __name__, template_folder="templates")
login_manager = LoginManager()
limiter = Limiter(get_remote_address, default_limits=[], headers_enabled=False)


class StaffUser(UserMixin):
    """The logged-in person of a request; `get_id` is the session token, not the name."""

    def __init__(self, user: User, token: str):
        self.username = user.username
        self.role = user.role
        self._token = token

    def get_id(self) -> str:
        """What Flask-Login keeps in the cookie: the session token (revocable)."""
        return self._token


@login_manager.user_loader
def _load_user(token: str) -> StaffUser | None:
    settings = get_settings()
    user = get_store().session_user(token, timedelta(minutes=settings.session_idle_minutes))
    return StaffUser(user, token) if user else None


def _lang() -> str:
    return normalise_language(request.values.get("lang"))


def _with_lang(path: str, lang: str, **query: str) -> str:
    values = {**({"lang": lang} if lang != "sq" else {}), **query}
    return f"{path}?{urlencode(values)}" if values else path


def safe_next(value: str | None) -> str:
    """Where to go after logging in: a path on this site only (no open redirect)."""
    if not value:
        return "/"
    value = value.strip()
    parts = urlsplit(value)
    if (
        not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or parts.scheme
        or parts.netloc
        or any(ord(char) < 32 for char in value)
    ):
        return "/"
    return value


def _client_address() -> str:
    return request.remote_addr or "unknown"


def _render_login(
    lang: str, *, error: str | None, username: str = "", status: int = 200, **values: object
):
    body = render_template(
        "auth/login.html",
        lang=lang,
        t=t,
        error=t(error, lang, **values) if error else None,
        username=username,
        next_path=safe_next(request.values.get("next")),
        action=LOGIN_PATH,
    )
    return body, status


@auth_pages.get(LOGIN_PATH)
def login_form() -> Any:
    """The login page; a logged-in person goes on to where they wanted to be."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    return _render_login(_lang(), error=None)


@auth_pages.post(LOGIN_PATH)
@limiter.limit(LOGIN_RATE_LIMIT)
def login_submit() -> Any:
    """Check a user name and password; every failure gets the same answer."""
    lang = _lang()
    typed = request.form.get("username", "")[:200]
    password = request.form.get("password", "")[:1024]
    name = passwords.normalise_username(typed)
    address = _client_address()
    store = get_store()
    wait = store.login_wait(name, address)
    if wait > timedelta(0):
        passwords.verify_password(None, password)  # the same work as any other answer
        store.login_refused(name, address, "throttled")
        return _throttled(lang, wait, username=typed)

    valid_name = bool(passwords.USERNAME_PATTERN.match(name))
    stored = store.password_hash(name) if valid_name else None
    matches = passwords.verify_password(stored, password)
    user = store.get_user(name) if matches else None
    if not matches or user is None or not user.active:
        reason = "unknown user" if stored is None else ("disabled" if matches else "password")
        store.login_failed(name, address, reason)
        return _render_login(lang, error="auth.failed", username=typed)

    assert stored is not None
    if passwords.needs_rehash(stored):
        store.set_password_hash(name, passwords.hash_password(password), changed=False)
    settings = get_settings()
    token = secrets.token_urlsafe(32)
    store.open_session(token, name, timedelta(hours=settings.session_hours))
    session.clear()  # a new session on login: nothing from before (fixation) survives
    session.permanent = True
    login_user(StaffUser(user, token))
    store.login_succeeded(name, address)
    store.record_event(name, "auth.login", name, {"ip": address, "role": user.role})
    return redirect(safe_next(request.form.get("next")))


@auth_pages.get(LOGOUT_PATH)
def logout_form() -> Any:
    """A confirmation form: logging out changes state, so it is a POST with a CSRF token."""
    lang = _lang()
    if not current_user.is_authenticated:
        return redirect(_with_lang("/", lang))
    return render_template(
        "auth/logout.html", lang=lang, t=t, username=current_user.username, action=LOGOUT_PATH
    )


@auth_pages.post(LOGOUT_PATH)
def logout_submit() -> Any:
    """End the session on the server and in the browser."""
    lang = _lang()
    if current_user.is_authenticated:
        get_store().close_session(current_user.get_id())
        get_store().record_event(current_user.username, "auth.logout", current_user.username)
        logout_user()
    session.clear()
    return redirect(_with_lang("/", lang))


def _throttled(lang: str, wait: timedelta, username: str = "") -> Any:
    """429 with the wait in words and in Retry-After."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    body, status = _render_login(
        lang, error="auth.throttled_for", username=username, status=429, seconds=seconds
    )
    return body, status, {"Retry-After": str(seconds)}


@auth_pages.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded) -> Any:
    typed = request.form.get("username", "")[:200]
    # The limit is per address, so are its counts: a flood of made-up names is one row.
    get_store().login_refused(ANY_ACCOUNT, _client_address(), "rate_limited")
    current = limiter.current_limit
    wait = current.reset_at - time.time() if current is not None else error.limit.limit.get_expiry()
    return _throttled(_lang(), timedelta(seconds=wait), username=typed)


@auth_pages.errorhandler(CSRFError)
def _form_expired(_error: CSRFError) -> Any:
    if normalise_path(request.path) == LOGIN_PATH:
        return _render_login(_lang(), error="auth.expired", status=400)
    return redirect(_with_lang(LOGOUT_PATH, _lang()))


def _wants_json(path: str) -> bool:
    return path.startswith(JSON_PREFIXES) or request.method not in ("GET", "HEAD")


def _json_error(status: int, message: str) -> Response:
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    return response


def authorize() -> Any:
    """The access guard: runs before every view; None lets the request through."""
    if request.method == "OPTIONS":
        return None
    if request.method in ("GET", "HEAD") and request.endpoint in STATIC_ENDPOINTS:
        return None
    path = normalise_path(request.path)
    needed = route_role(request.method, request.path)
    refusal: Response | None = None  # for a caller who may run the callback at all
    if path == CALLBACK_ROUTE and request.method == "POST":
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("output"), str):
            return _json_error(400, "not a Dash callback request")
        definition = current_app.extensions["dms_dash_app"].callback_map.get(body["output"])
        if definition is None:
            return _json_error(404, "no such callback")
        needed = highest([needed, callback_role(definition, body)])
        problem = callback_input.body_problem(body, definition)
        if "callback" not in definition:  # a clientside callback: it runs in the browser
            refusal = _json_error(404, "no such server callback")
        elif problem is not None:
            refusal = _json_error(400, f"malformed callback request: {problem}")
        elif role_level(needed) >= role_level("editor"):
            g.dms_audit_callback = body["output"]
    from dashboard.auth import current_role, current_username

    role = current_role()
    if has_role(role, needed):
        return refusal
    if role == "public":
        if _wants_json(request.path):
            return _json_error(401, "login required")
        return redirect(_with_lang(LOGIN_PATH, _lang(), next=request.full_path.rstrip("?")))
    get_store().record_event(
        current_username() or "unknown", "access.denied", request.path[:300], {"needed": needed}
    )
    if _wants_json(request.path):
        return _json_error(403, "your role does not allow this")
    lang = _lang()
    return render_template("auth/forbidden.html", lang=lang, t=t), 403


def _audit_staff_callbacks(response: Response) -> Response:
    """A callback that needs editor or admin is a staff action: it is never anonymous."""
    output = g.pop("dms_audit_callback", None)
    if output is not None:
        from dashboard.auth import current_username

        body = request.get_json(silent=True) or {}
        get_store().record_event(
            current_username() or "unknown",
            "callback",
            output,
            {"status": response.status_code, "triggered": body.get("changedPropIds", [])},
        )
    return response


def init_app(dash_app: Any) -> None:
    """Register login/logout, Flask-Login, the limiter and the guard on the Dash app's server."""
    server: Flask = dash_app.server
    settings = get_settings()
    server.extensions["dms_dash_app"] = dash_app
    get_store(settings.state_dir)._ensure()
    passwords.warm_up()
    login_manager.session_protection = "basic"
    login_manager.init_app(server)
    server.config.setdefault(
        "RATELIMIT_STORAGE_URI",
        settings.ratelimit_storage_uri or ratelimit.storage_uri(settings.state_dir),
    )
    limiter.init_app(server)
    server.register_blueprint(auth_pages)
    # After Dash's own set-up hooks (they register the pages router callback), before
    # any view: no page, callback, download or upload runs before the role is checked.
    server.before_request(authorize)
    server.after_request(_audit_staff_callbacks)
