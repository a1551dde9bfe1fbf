"""Who may do what: the roles, the route policy and the callback registry, in one place.

Every request passes `required_role(request)` before any view runs (see
`dashboard.auth.guard`). Three kinds of rules decide the role it needs:

- route prefixes (`ROUTE_RULES`, `register_route_role`): pages and Flask routes;
- page paths, applied a second time to the Dash pages router callback, because a page's
  content is delivered by `/_dash-update-component`, not by the GET of its address;
- component ids (`require_role_for_outputs`): a callback needs the highest role of any
  component it writes *or reads*, taken from the callback's server-side definition
  (never from the ids a client puts in the request body).

Rules only add restrictions: when several match, the highest role wins. State-changing
methods (POST, PUT, PATCH, DELETE) need `UNSAFE_DEFAULT_ROLE` unless a route is listed
in `UNSAFE_PUBLIC`, so a new upload route that nobody registered is not public.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

ROLES: tuple[str, ...] = ("public", "viewer", "editor", "admin")
STAFF_ROLES: tuple[str, ...] = ROLES[1:]
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UNSAFE_DEFAULT_ROLE = "editor"
CALLBACK_ROUTE = "/_dash-update-component"
PAGES_ROUTER_OUTPUT = "_pages_content"
LOGIN_PATH = "/hyrja"
LOGOUT_PATH = "/dalja"


def role_level(role: str) -> int:
    """The rank of a role: public 0 < viewer 1 < editor 2 < admin 3."""
    try:
        return ROLES.index(role)
    except ValueError:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}") from None


def has_role(role: str, needed: str) -> bool:
    """Whether a holder of `role` may do what needs `needed`."""
    return role_level(role) >= role_level(needed)


def highest(roles: Iterable[str]) -> str:
    """The strictest of some roles (public when there are none)."""
    return max(roles, key=role_level, default="public")


@dataclass(frozen=True)
class RouteRule:
    """A path prefix and the role its requests need (segment-wise: /a covers /a and /a/b)."""

    prefix: str
    role: str


# The endpoints that only send files everyone may have (the app's assets, Dash's bundles,
# the icon): the guard lets them through without looking up who is asking, so a page's
# dozen file requests never wait on the session store.
STATIC_ENDPOINTS = frozenset(
    {
        "_dash_assets.static",
        "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
        "/_favicon.ico",
    }
)

# Pages are public unless a rule says otherwise.
ROUTE_RULES: list[RouteRule] = [
    RouteRule("/", "public"),  # every current page, the Dash assets and internals, the API
    RouteRule(LOGIN_PATH, "public"),
]
# Staff pages add their rule from the page registry (their `role`), see
# dashboard/app.py: the menu and the access rules come from the same declaration.
# State-changing routes that anyone may call: the login form, logout, and the Dash
# callback route, whose callbacks are judged one by one from the registry below.
UNSAFE_PUBLIC: set[str] = {LOGIN_PATH, LOGOUT_PATH, CALLBACK_ROUTE}

_lock = threading.Lock()
_component_roles: dict[str, str] = {}


def register_route_role(prefix: str, role: str) -> None:
    """Require a role for every request under a path prefix (e.g. an upload route)."""
    role_level(role)
    if not prefix.startswith("/"):
        raise ValueError(f"a route prefix starts with '/': {prefix!r}")
    with _lock:
        ROUTE_RULES.append(RouteRule(prefix, role))


def require_role_for_outputs(output_id_prefix: str, role: str) -> None:
    """Require a role for every callback that writes or reads a component whose id starts so.

    Pattern-matching ids are matched by their "type" key. Call it at import time of the
    page module, next to `register_page`: e.g. `require_role_for_outputs("ngarkimi-",
    "editor")` puts every callback of the upload page behind the editor role.
    """
    role_level(role)
    if not output_id_prefix:
        raise ValueError("an empty prefix would cover every callback; use a real prefix")
    with _lock:
        previous = _component_roles.get(output_id_prefix)
        _component_roles[output_id_prefix] = highest([role, previous or "public"])


def component_roles() -> Mapping[str, str]:
    """The registry: component id prefix -> role (read-only view, for tests and docs)."""
    with _lock:
        return dict(_component_roles)


def normalise_path(path: str) -> str:
    """A request path as the policy compares it: decoded, lower-case, single slashes."""
    decoded = unquote(path or "/").split("?", 1)[0].split("#", 1)[0].lower()
    parts = [part for part in decoded.replace("\\", "/").split("/") if part]
    return "/" + "/".join(parts)


def _covers(prefix: str, path: str) -> bool:
    prefix = normalise_path(prefix)
    return prefix == "/" or path == prefix or path.startswith(prefix + "/")


def page_role(path: str) -> str:
    """The role a page (or any route) at this path needs for reading it."""
    normal = normalise_path(path)
    with _lock:
        rules = list(ROUTE_RULES)
    return highest(rule.role for rule in rules if _covers(rule.prefix, normal))


def route_role(method: str, path: str) -> str:
    """The role a request needs by its method and path alone."""
    role = page_role(path)
    if method.upper() in UNSAFE_METHODS and normalise_path(path) not in UNSAFE_PUBLIC:
        role = highest([role, UNSAFE_DEFAULT_ROLE])
    return role


def component_key(component_id: Any) -> str:
    """The string a component id is matched on: itself, or a pattern id's "type"."""
    if isinstance(component_id, str) and component_id.startswith("{"):
        try:
            component_id = json.loads(component_id)
        except ValueError:
            return component_id
    if isinstance(component_id, Mapping):
        kind = component_id.get("type")
        return kind if isinstance(kind, str) else json.dumps(component_id, sort_keys=True)
    return str(component_id)


def component_role(component_id: Any) -> str:
    """The role a callback touching this component needs."""
    key = component_key(component_id)
    with _lock:
        registry = dict(_component_roles)
    return highest(role for prefix, role in registry.items() if key.startswith(prefix))


def _ids(spec: Any) -> list[Any]:
    """Component ids in a callback definition's output/inputs/state (objects or dicts)."""
    if spec is None:
        return []
    if isinstance(spec, list | tuple):
        return [found for item in spec for found in _ids(item)]
    if isinstance(spec, Mapping):
        return [spec["id"]] if "id" in spec else []
    component = getattr(spec, "component_id", None)
    return [component] if component is not None else []


def callback_components(definition: Mapping[str, Any]) -> list[Any]:
    """Every component id a callback (an entry of Dash's callback_map) writes or reads."""
    return [
        *_ids(definition.get("output")),
        *_ids(definition.get("inputs")),
        *_ids(definition.get("state")),
    ]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [found for item in value for found in _strings(item)]
    if isinstance(value, Mapping):
        return _strings(value.get("value"))
    return []


def callback_role(definition: Mapping[str, Any], body: Mapping[str, Any]) -> str:
    """The role one callback request needs.

    The callback is the server's own definition (looked up by the body's "output" key, as
    Dash does). For the pages router, whose output is the page content, every string the
    request passes as input is treated as a path it may render: Dash reads router inputs
    by position, so a label in the body proves nothing.
    """
    roles = [component_role(component) for component in callback_components(definition)]
    outputs = [component_key(component) for component in _ids(definition.get("output"))]
    if PAGES_ROUTER_OUTPUT in outputs:
        roles.extend(page_role(text) for text in _strings(body.get("inputs")))
        roles.extend(page_role(text) for text in _strings(body.get("state")))
    return highest(roles)
