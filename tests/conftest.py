"""Shared fixtures: a database built from data/ in a temporary place, the app, a browser."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Point the app at a private database before anything imports dashboard.settings.
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="dms-tests-"))
os.environ["DMS_DB_PATH"] = str(_SESSION_DIR / "dms.duckdb")
os.environ["DMS_IMPORTS_DIR"] = str(_SESSION_DIR / "imports")
os.environ["DMS_STATE_DIR"] = str(_SESSION_DIR / "state")  # users, sessions, audit log
os.environ.setdefault("DMS_ENV", "test")

# Property tests explore the same examples on every run, so CI is reproducible; run with
# HYPOTHESIS_PROFILE=explore to search new examples locally.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(scope="session", autouse=True)
def writers_rebuild() -> None:
    """The writers' rebuild, handed in as the CLI and the app do at start."""
    from dashboard import pipeline

    pipeline.configure()


@pytest.fixture(scope="session")
def settings():
    """The test settings (a private database file)."""
    from dashboard.settings import get_settings

    return get_settings()


@pytest.fixture(scope="session")
def built_db(settings) -> Path:
    """The database built once from the embedded data/."""
    from dashboard.pipeline import rebuild

    rebuild(settings)
    return settings.db_path


@pytest.fixture(scope="session")
def database(built_db):
    """The read-only Database over the built file."""
    from dashboard.db import get_database

    return get_database()


@pytest.fixture(scope="session")
def app(built_db):
    """The Dash app."""
    from dashboard.app import app as dash_app

    return dash_app


@pytest.fixture()
def client(app):
    """Flask's test client of the app's server."""
    return app.server.test_client()


@pytest.fixture(scope="session")
def artifacts_dir() -> Iterator[Path]:
    """Where tests leave screenshots and other artifacts for people to look at."""
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    yield path


# --- Staff accounts and requests as a logged-in person (dashboard/auth) -------------------

STAFF_PASSWORD = "correct horse battery staple"  # test accounts only; the app has no default


@pytest.fixture(scope="session")
def staff_users(app) -> dict[str, str]:
    """One account per staff role (user name = role), created once in the test state store."""
    from dashboard.auth.passwords import hash_password
    from dashboard.auth.store import get_store

    store = get_store()
    for role in ("viewer", "editor", "admin"):
        if store.get_user(role) is None:
            store.add_user(role, hash_password(STAFF_PASSWORD), role)
    return {role: role for role in ("viewer", "editor", "admin")}


def csrf_token_of(client) -> str:
    """The CSRF token the app gave this client (the cookie dash-renderer sends back)."""
    cookie = client.get_cookie("_csrf_token")
    if cookie is None:
        client.get("/hyrja")
        cookie = client.get_cookie("_csrf_token")
    return cookie.value


@pytest.fixture(scope="session")
def login(staff_users):
    """login(client, "editor") logs the client in (each call from its own address)."""
    import itertools

    addresses = itertools.count(1)

    def _login(client, username: str, password: str = STAFF_PASSWORD):
        client.environ_base["REMOTE_ADDR"] = f"10.1.{next(addresses) % 250}.{id(client) % 250}"
        client.get("/hyrja")
        response = client.post(
            "/hyrja",
            data={"username": username, "password": password, "csrf_token": csrf_token_of(client)},
        )
        assert response.status_code == 302, response.data[:500]
        client.get("/")  # a page load hands out the CSRF cookie of the new session
        return response

    return _login


@pytest.fixture()
def staff_client(app, login):
    """A test client logged in as a viewer (staff who read unsuppressed figures)."""
    client = app.server.test_client()
    login(client, "viewer")
    return client


@pytest.fixture()
def csrf_token():
    """csrf_token(client): the token to send back with a state-changing request."""
    return csrf_token_of


@pytest.fixture()
def dash_post():
    """dash_post(client, output, inputs, state): POST a callback as dash-renderer does."""

    from dash._utils import split_callback_id

    def _post(client, output: str, inputs: list[dict], state: list[dict] | None = None):
        body = {
            "output": output,
            "outputs": split_callback_id(output),
            "inputs": inputs,
            "state": state or [],
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs[:1]],
        }
        return client.post(
            "/_dash-update-component", json=body, headers={"X-CSRFToken": csrf_token_of(client)}
        )

    return _post


# --- Tests filed by what they need ------------------------------------------------------

_LEVELS = {
    "unit": "unit",  # pure functions and readers: no built database
    "callbacks": "integration",  # a built database; callbacks and routes via Flask's client
    "browser": "e2e",  # the app under gunicorn in headless Chromium
    "e2e": "e2e",  # the app under gunicorn, as an outside reader
}


def pytest_collection_modifyitems(config, items):
    """Mark each test with its level from its folder (`pytest -m unit`, `-m "not e2e"`)."""
    root = Path(__file__).resolve().parent
    for item in items:
        folder = Path(str(item.path)).resolve().relative_to(root).parts[0]
        level = _LEVELS.get(folder)
        if level:
            item.add_marker(getattr(pytest.mark, level))
