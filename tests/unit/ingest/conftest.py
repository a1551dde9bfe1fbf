"""Fixtures of the importer tests."""

from __future__ import annotations

import pytest

from dashboard import cli
from dashboard.pipeline import rebuild


@pytest.fixture()
def workspace(tmp_path, settings, monkeypatch):
    """A private database (built from data/) and journal; the CLI uses them."""
    private = settings.model_copy(
        update={"db_path": tmp_path / "db" / "dms.duckdb", "imports_dir": tmp_path / "imports"}
    )
    monkeypatch.setattr(cli, "get_settings", lambda: private)
    rebuild(private)
    return private
