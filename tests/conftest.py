"""Shared fixtures: a database built from data/ in a temporary place, the app, a browser."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Point the app at a private database before anything imports dashboard.settings.
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="dms-tests-"))
os.environ["DMS_DB_PATH"] = str(_SESSION_DIR / "dms.duckdb")
os.environ["DMS_IMPORTS_DIR"] = str(_SESSION_DIR / "imports")
os.environ.setdefault("DMS_ENV", "test")

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(scope="session")
def settings():
    """The test settings (a private database file)."""
    from dashboard.settings import get_settings

    return get_settings()


@pytest.fixture(scope="session")
def built_db(settings) -> Path:
    """The database built once from the embedded data/."""
    from dashboard.build import build_database

    build_database(settings)
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
