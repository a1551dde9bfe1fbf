"""Settings from the environment: DMS_ENV in any capitalisation, every variable name read,
and a value that does not fit refuses to start, naming the variable and what it expected."""

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
    assert settings.read_settings().environment == expected


@pytest.mark.parametrize("value", ["prod", "staging", "production1", "dev"])
def test_an_unknown_value_is_refused_with_the_known_ones_named(monkeypatch, value):
    monkeypatch.setenv("DMS_ENV", value)
    with pytest.raises(
        settings.SettingsError, match="DMS_ENV must be one of development, test, production"
    ):
        settings.read_settings()


# Every variable the README and the deployment notes name, with a value that is not the default.
VARIABLES = {
    "DMS_DB_PATH": ("db_path", "/tmp/dms-x/x.duckdb", Path("/tmp/dms-x/x.duckdb")),
    "DMS_IMPORTS_DIR": ("imports_dir", "/tmp/dms-x/imports", Path("/tmp/dms-x/imports")),
    "DMS_DATA_DIR": ("data_dir", "/tmp/dms-x/data", Path("/tmp/dms-x/data")),
    "DMS_QUERIES_DIR": ("queries_dir", "/tmp/dms-x/queries", Path("/tmp/dms-x/queries")),
    "DMS_STATE_DIR": ("state_dir", "/tmp/dms-x/state", Path("/tmp/dms-x/state")),
    "DMS_HOST": ("host", "0.0.0.0", "0.0.0.0"),
    "DMS_PORT": ("port", "8123", 8123),
    "DMS_DUCKDB_THREADS": ("duckdb_threads", "3", 3),
    "DMS_DUCKDB_MEMORY_LIMIT": ("duckdb_memory_limit", "512MiB", "512MiB"),
    "DMS_SECRET_KEY": ("secret_key", "s" * 40, "s" * 40),
    "DMS_TLS": ("tls", "yes", True),
    "DMS_PROXY_COUNT": ("proxy_count", "1", 1),
    "DMS_SESSION_HOURS": ("session_hours", "4", 4),
    "DMS_SESSION_IDLE_MINUTES": ("session_idle_minutes", "10", 10),
    "DMS_RATELIMIT_STORAGE_URI": ("ratelimit_storage_uri", "memory://", "memory://"),
    "DMS_DISCLOSURE_THRESHOLD": ("disclosure_threshold", "3", 3),
    "DMS_MAX_REQUEST_MB": ("max_request_mb", "8", 8),
    "DMS_DEMO_SCALE": ("demo_scale", "national", "national"),
    "DMS_CACHE_TYPE": ("cache_type", "NullCache", "NullCache"),
    "DMS_CACHE_REDIS_URL": ("cache_redis_url", "redis://127.0.0.1:6379/0", None),
    "DMS_CACHE_ENTRIES": ("cache_entries", "50", 50),
    "DMS_CACHE_MAX_ROWS": ("cache_max_rows", "0", 0),
    "DMS_ASK_API_URL": ("ask_api_url", "http://127.0.0.1:9/api/v1", None),
}


@pytest.mark.parametrize("variable", sorted(VARIABLES))
def test_every_variable_is_read(monkeypatch, variable):
    field, given, expected = VARIABLES[variable]
    monkeypatch.delenv("PORT", raising=False)  # a platform's PORT would win over DMS_PORT
    monkeypatch.setenv(variable, given)
    read = getattr(settings.read_settings(), field)
    assert read == (given if expected is None else expected)
    assert read != settings.Settings.model_fields[field].default


def test_port_wins_over_dms_port_and_an_empty_value_is_the_default(monkeypatch):
    monkeypatch.setenv("PORT", "9001")
    monkeypatch.setenv("DMS_PORT", "9002")
    monkeypatch.setenv("DMS_DUCKDB_THREADS", "")
    read = settings.read_settings()
    assert (read.port, read.duckdb_threads) == (9001, 2)


def test_tls_follows_production_unless_set(monkeypatch):
    monkeypatch.delenv("DMS_TLS", raising=False)
    monkeypatch.setenv("DMS_ENV", "production")
    assert settings.read_settings().tls is True
    monkeypatch.setenv("DMS_TLS", "off")
    assert settings.read_settings().tls is False


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("DMS_DUCKDB_THREADS", "two", "DMS_DUCKDB_THREADS must be a whole number, got 'two'"),
        ("DMS_DUCKDB_THREADS", "0", "DMS_DUCKDB_THREADS must be at least 1, got '0'"),
        ("PORT", "70000", "PORT must be at most 65535, got '70000'"),
        ("DMS_PROXY_COUNT", "-1", "DMS_PROXY_COUNT must be at least 0"),
        ("DMS_SESSION_IDLE_MINUTES", "0", "DMS_SESSION_IDLE_MINUTES must be at least 1"),
        ("DMS_TLS", "maybe", "DMS_TLS must be true or false, got 'maybe'"),
        ("DMS_DEMO_SCALE", "huge", "DMS_DEMO_SCALE must be one of 'default' or 'national'"),
        ("DMS_CACHE_TYPE", "Simple", "DMS_CACHE_TYPE must be one of NullCache, SimpleCache"),
        ("DMS_DUCKDB_MEMORY_LIMIT", "lots", "DMS_DUCKDB_MEMORY_LIMIT must be a size such as 1GB"),
        ("DMS_ASK_API_URL", "askdata.rks-gov.net", "DMS_ASK_API_URL must be an http(s) address"),
        ("DMS_ASK_API_URL", "ftp://askdata/api", "DMS_ASK_API_URL must be an http(s) address"),
        ("DMS_CACHE_REDIS_URL", "localhost:6379", "DMS_CACHE_REDIS_URL must be empty, or an"),
    ],
)
def test_a_value_that_does_not_fit_is_refused_by_name(monkeypatch, variable, value, said):
    monkeypatch.setenv(variable, value)
    with pytest.raises(settings.SettingsError) as refused:
        settings.read_settings()
    assert said in str(refused.value)
    assert str(refused.value).startswith("invalid settings (the dashboard did not start)")


def test_every_misfit_is_named_at_once(monkeypatch):
    monkeypatch.setenv("DMS_ENV", "prod")
    monkeypatch.setenv("DMS_MAX_REQUEST_MB", "0")
    with pytest.raises(settings.SettingsError) as refused:
        settings.read_settings()
    assert "DMS_ENV must be one of" in str(refused.value)
    assert "DMS_MAX_REQUEST_MB must be at least 1" in str(refused.value)


def test_settings_are_values_that_tests_may_copy():
    read = settings.read_settings()
    assert read == settings.read_settings() and hash(read) == hash(settings.read_settings())
    moved = read.model_copy(update={"db_path": Path("/tmp/other.duckdb")})
    assert moved.public_db_path == Path("/tmp/other.public.duckdb") and read != moved


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


def test_a_bad_number_refuses_to_start_with_its_name(tmp_path):
    started = start_app(tmp_path, DMS_DUCKDB_THREADS="lots")
    assert started.returncode != 0
    assert "DMS_DUCKDB_THREADS must be a whole number, got 'lots'" in started.stderr
