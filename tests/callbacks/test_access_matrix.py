"""Who gets what: every route and every callback, as anonymous, viewer, editor and admin.

Data-driven: a new page is covered as soon as it is registered (public unless it is in
STAFF_PAGES); a staff page or staff callback is covered by adding a row below. The
expected codes: 200 allowed, 302 to the login page (anonymous on a page), 401
(anonymous on JSON), 403 (logged in without the role).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import dash
import pytest

from dashboard.auth import policy
from dashboard.components.frame import menu_pages

ROLES = ("public", "viewer", "editor", "admin")
# Staff-only pages and the role each needs; every other page is public.
STAFF_PAGES = {"/ngarkimi": "editor", "/auditimi": "admin"}
# Callbacks behind a staff role, by component-id prefix (what pages register with
# require_role_for_outputs); every other callback is public.
STAFF_CALLBACKS = {"ngarkimi-": "editor", "auditimi-": "admin", "cilesia-mark-": "editor"}
# Routes other than pages: (method, path, expected code for public, viewer, editor, admin).
ROUTES = [
    ("GET", "/hyrja", (200, 302, 302, 302)),  # logged in: on to where they were going
    ("GET", "/dalja", (302, 200, 200, 200)),  # the logout form; anonymous: home
    ("GET", "/api/v1/datasets", (200, 200, 200, 200)),
    ("GET", "/api/v1/datasets/settlements.csv", (200, 200, 200, 200)),
    ("GET", "/api/v1/datasets/service_counts.json?year=2024", (200, 200, 200, 200)),
    ("GET", "/charts/services-plan-total.csv", (200, 200, 200, 200)),
    ("GET", "/_dash-layout", (200, 200, 200, 200)),
    ("GET", "/_dash-dependencies", (200, 200, 200, 200)),
    ("GET", "/assets/style.css", (200, 200, 200, 200)),
    ("GET", "/ngarkimi/anything/below", (302, 403, 200, 200)),
    ("GET", "/NGARKIMI", (302, 403, 200, 200)),
    ("GET", "/ngarkimi%2F", (302, 403, 200, 200)),
    ("GET", "/auditimi?lang=en", (302, 403, 403, 200)),
    ("GET", "/ngarkimi?lang=sr", (302, 403, 200, 200)),  # upload and result entry
    # A state-changing route nobody registered needs an editor (then: no such route).
    ("POST", "/ngarkimi/upload", (401, 403, 405, 405)),
    ("POST", "/api/v1/datasets", (401, 403, 405, 405)),
    ("DELETE", "/charts/services-plan-total.csv", (401, 403, 405, 405)),
]


def expected_for(needed: str) -> tuple[int, int, int, int]:
    return tuple(
        200 if policy.has_role(role, needed) else (302 if role == "public" else 403)
        for role in ROLES
    )


def page_paths() -> list[str]:
    registered = [page["path"] for page in dash.page_registry.values()]
    return sorted({*registered, *(path for path, _ in menu_pages()), *STAFF_PAGES})


def test_every_page_answers_each_role_as_the_policy_says(client_for):
    paths = page_paths()
    assert "/" in paths and "/cilesia" in paths and "/ngarkimi" in paths
    for path in paths:
        expected = expected_for(STAFF_PAGES.get(path, "public"))
        for role, code in zip(ROLES, expected, strict=True):
            response = client_for(role).get(path)
            assert response.status_code == code, (path, role, response.status_code)
            if code == 302:
                target = urlsplit(response.headers["Location"])
                assert target.path == "/hyrja" and "next=" in target.query, (path, role)


@pytest.mark.parametrize(("method", "path", "expected"), ROUTES)
def test_routes(client_for, method, path, expected, csrf_token):
    for role, code in zip(ROLES, expected, strict=True):
        client = client_for(role)
        headers = {"X-CSRFToken": csrf_token(client)} if method != "GET" else {}
        response = client.open(path, method=method, headers=headers)
        response.close()  # static files are streamed from an open file
        assert response.status_code == code, (method, path, role, response.status_code)
        if code in (401, 403) and method != "GET":
            assert response.get_json()["error"]["status"] == code


def callback_cases(app) -> list[tuple[str, str]]:
    """Every server-side callback: (its output key, the role it should need)."""
    cases = []
    for key, definition in app.callback_map.items():
        if "callback" not in definition:  # clientside: runs in the browser, never here
            continue
        components = [policy.component_key(c) for c in policy.callback_components(definition)]
        needed = policy.highest(
            role
            for prefix, role in STAFF_CALLBACKS.items()
            for component in components
            if component.startswith(prefix)
        )
        cases.append((key, needed))
    return cases


def body_for(definition, pathname: str = "/") -> dict:
    def entries(spec):
        return [{"id": item["id"], "property": item["property"], "value": None} for item in spec]

    inputs = entries(definition["inputs"])
    for item in inputs:
        if item["id"] == "_pages_location":
            item["value"] = pathname if item["property"] == "pathname" else ""
    return {"inputs": inputs, "state": entries(definition.get("state", []))}


def test_every_callback_checks_the_role_on_the_server(app, client_for, dash_post):
    client_for("public").get("/")  # Dash registers the pages router on the first request
    cases = callback_cases(app)
    assert len(cases) >= 3
    for key, needed in cases:
        definition = app.callback_map[key]
        body = body_for(definition)
        for role in ROLES:
            response = dash_post(client_for(role), key, body["inputs"], body["state"])
            allowed = policy.has_role(role, needed)
            if allowed:
                assert response.status_code not in (400, 401, 403, 404), (key, role)
            else:
                assert response.status_code == (401 if role == "public" else 403), (key, role)


def test_the_staff_page_callbacks_are_in_the_matrix(app, client_for):
    client_for("public").get("/")
    needed = dict(callback_cases(app))
    upload = (
        "..ngarkimi-preview.children...ngarkimi-staged.data...ngarkimi-result.children"
        "...ngarkimi-mapping.data.."
    )
    assert needed[upload] == "editor"
    assert needed["..ngarkimi-entry-result.children...ngarkimi-history.children.."] == "editor"
    # the column choices, the fetch from ASK and the recipes are staff callbacks too
    staff_outputs = [key for key in needed if "ngarkimi-" in key]
    assert len(staff_outputs) >= 7 and {needed[key] for key in staff_outputs} == {"editor"}
    assert needed["auditimi-table.children"] == "admin"


@pytest.mark.parametrize(
    ("pathname", "needed"),
    [("/", "public"), ("/cilesia", "public"), ("/ngarkimi", "editor"), ("/auditimi", "admin")],
)
def test_the_pages_router_callback_renders_a_page_only_for_its_role(
    app, client_for, dash_post, pathname, needed
):
    client_for("public").get("/")
    router = next(key for key in app.callback_map if "_pages_content.children" in key)
    body = body_for(app.callback_map[router], pathname)
    for role, code in zip(ROLES, expected_for(needed), strict=True):
        response = dash_post(client_for(role), router, body["inputs"], body["state"])
        expected = {302: 401}.get(code, code)  # a callback answers 401, never a redirect
        assert response.status_code == expected, (pathname, role, response.status_code)


def test_a_router_request_cannot_smuggle_a_staff_path_behind_a_public_label(
    app, client_for, dash_post
):
    client_for("public").get("/")
    router = next(key for key in app.callback_map if "_pages_content.children" in key)
    # Dash reads the router's inputs by position: the first is rendered whatever its label.
    inputs = [
        {"id": "_pages_location", "property": "search", "value": "/ngarkimi"},
        {"id": "_pages_location", "property": "pathname", "value": "/"},
    ]
    assert dash_post(client_for("public"), router, inputs).status_code == 401
    assert dash_post(client_for("viewer"), router, inputs).status_code == 403


def test_the_callback_is_judged_by_its_definition_not_the_ids_in_the_body(
    client_for, dash_post, csrf_token
):
    client = client_for("public")
    client.get("/")
    response = client.post(
        "/_dash-update-component",
        json={
            "output": "no-such.children",
            "outputs": {"id": "url", "property": "pathname"},
            "inputs": [],
        },
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert response.status_code == 404
    bad = client.post(
        "/_dash-update-component", data="not json", headers={"X-CSRFToken": csrf_token(client)}
    )
    assert bad.status_code == 400


def test_registry_rules_only_add_restrictions():
    policy.require_role_for_outputs("test-matrix-staff-", "editor")
    policy.require_role_for_outputs("test-matrix-staff-", "viewer")  # cannot lower it
    definition = {
        "output": [],
        "inputs": [{"id": "some-public-input", "property": "value"}],
        "state": [{"id": "test-matrix-staff-secret", "property": "data"}],
    }
    assert policy.callback_role(definition, {}) == "editor"  # reading a staff component too
    pattern = {"output": [], "inputs": [{"id": '{"type":"test-matrix-staff-x","i":1}'}]}
    assert policy.callback_role(pattern, {}) == "editor"
    with pytest.raises(ValueError):
        policy.require_role_for_outputs("", "public")
    with pytest.raises(ValueError):
        policy.require_role_for_outputs("x-", "superuser")


@pytest.mark.parametrize(
    "path", ["/assets/style.css", "/_favicon.ico", "/assets/../ngarkimi", "/assets/%2e%2e/auditimi"]
)
def test_public_files_are_sent_without_asking_the_session_store(client_for, monkeypatch, path):
    """A page's dozen file requests never wait on (or fail with) the session store.

    Only the file endpoints are let through so: a path that climbs out of the assets is
    still no staff page for anyone.
    """
    client = client_for("editor")
    from dashboard.auth.store import get_store

    def unavailable(*args, **kwargs):
        raise RuntimeError("the session store was asked")

    monkeypatch.setattr(type(get_store()), "session_user", unavailable)
    with client.get(path) as response:
        status, mimetype, body = response.status_code, response.mimetype, response.get_data()
    if path.startswith("/assets/style"):
        assert (status, mimetype) == (200, "text/css")
    elif path == "/_favicon.ico":
        assert status == 200
    else:  # no file there, and never the staff page behind it
        assert status == 404 and b"ngarkimi-" not in body
