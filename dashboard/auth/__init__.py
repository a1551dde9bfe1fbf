"""Staff accounts, roles and the audit log; the one place that decides who may do what.

For other modules:

- `current_role()` -> "public" | "viewer" | "editor" | "admin" ("public" when anonymous
  or outside a request); `current_username()` -> the staff user name or None.
- `record_event(actor, action, target, detail)` appends to the audit log (append-only).
  In a request, `record_event(current_username(), "import.accepted", file_name, {...})`.
- `require_role_for_outputs("ngarkimi-", "editor")`: every callback that writes or reads
  a component whose id starts so needs that role. `register_route_role("/x", "admin")`
  does the same for a Flask route prefix. Both only ever add restrictions.

The checks run on the server in `guard.authorize`, before any view or callback.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context
from flask_login import current_user

from dashboard.auth.policy import (
    ROLES,
    STAFF_ROLES,
    has_role,
    register_route_role,
    require_role_for_outputs,
)
from dashboard.auth.store import get_store

__all__ = [
    "ROLES",
    "STAFF_ROLES",
    "current_role",
    "current_username",
    "has_role",
    "init_app",
    "record_event",
    "register_route_role",
    "require_role_for_outputs",
]


def current_role() -> str:
    """The role of the person making the current request; "public" when anonymous."""
    if not has_request_context() or getattr(current_app, "login_manager", None) is None:
        return "public"
    user = current_user
    if user is None or not getattr(user, "is_authenticated", False):
        return "public"
    return str(user.role)


def current_username() -> str | None:
    """The staff user name of the current request, or None when anonymous."""
    if current_role() == "public":
        return None
    return str(current_user.username)


def record_event(actor: str, action: str, target: str = "", detail: Any = "") -> None:
    """Append one event to the audit log: who (actor), did what (action), to what, details.

    `detail` is text or anything JSON-serialisable (a dict of counts, a file name, ...).
    Never put passwords, tokens or uploaded file contents in it.
    """
    get_store().record_event(actor, action, target, detail)


def init_app(app: Any) -> None:
    """Wire login/logout, sessions, the rate limiter and the access guard into a Dash app."""
    from dashboard.auth.views import init_app as _init

    _init(app)
