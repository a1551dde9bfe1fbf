"""DMS_ENV: known values in any capitalisation; an unknown value refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("production", "production"),
        ("Production", "production"),
        (" PRODUCTION ", "production"),
        ("Test", "test"),
        ("", "development"),
    ],
)
def test_known_values_in_any_capitalisation(monkeypatch, value, expected):
    monkeypatch.setenv("DMS_ENV", value)
    assert settings._environment() == expected


@pytest.mark.parametrize("value", ["prod", "staging", "production1", "dev"])
def test_an_unknown_value_is_refused_with_the_known_ones_named(monkeypatch, value):
    monkeypatch.setenv("DMS_ENV", value)
    with pytest.raises(ValueError, match="DMS_ENV must be one of development, test, production"):
        settings._environment()


def start_app(tmp_path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DMS_SECRET", "DASH_"))}
    environment.update({"DMS_STATE_DIR": str(tmp_path / "state"), **env})
    return subprocess.run(
        [sys.executable, "-c", "import dashboard.app"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_in_capitals_keeps_the_production_safeguards(tmp_path):
    started = start_app(tmp_path, DMS_ENV="Production")
    assert started.returncode != 0 and "DMS_SECRET_KEY is not set" in started.stderr


def test_a_misspelt_environment_refuses_to_start(tmp_path):
    started = start_app(tmp_path, DMS_ENV="prodution", DMS_SECRET_KEY="k" * 48)
    assert started.returncode != 0 and "DMS_ENV must be one of" in started.stderr
