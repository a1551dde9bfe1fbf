"""All configuration, read once from the environment, typed and checked (pydantic-settings).

Every field has its environment variable (``DMS_`` and the field's name in capitals,
unless named otherwise below) and its default here, nowhere else. A value that does not
fit refuses to start, naming the variable, what it expected and what it got: a typo must
never quietly turn a safeguard off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

ENVIRONMENTS = ("development", "test", "production")
DEMO_SCALES = ("default", "national")
# flask-caching's backends (DMS_CACHE_TYPE); NullCache switches caching off.
CACHE_TYPES = (
    "NullCache",
    "SimpleCache",
    "FileSystemCache",
    "RedisCache",
    "RedisSentinelCache",
    "RedisClusterCache",
    "MemcachedCache",
    "SASLMemcachedCache",
    "SpreadSASLMemcachedCache",
    "UWSGICache",
)
# DuckDB's memory_limit: a size with its unit, or a share of the machine's memory.
_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*([kmgt]i?b|b|bytes|%)\s*$", re.IGNORECASE)


class SettingsError(ValueError):
    """The environment has a value that does not fit; the message names each one."""


class Settings(BaseSettings):
    """Deployment settings; every field has an environment variable (DMS_<FIELD>)."""

    model_config = SettingsConfigDict(
        env_prefix="DMS_",
        env_ignore_empty=True,  # VAR= is the default, as if unset
        frozen=True,
        populate_by_name=True,  # Settings(environment=...) as well as the variable's name
        extra="forbid",
    )

    db_path: Path = PROJECT_ROOT / "var" / "dms.duckdb"
    imports_dir: Path = PROJECT_ROOT / "var" / "imports"
    data_dir: Path = PROJECT_ROOT / "data"
    queries_dir: Path = PROJECT_ROOT / "queries"
    host: str = "127.0.0.1"
    # PORT (a platform's) wins over DMS_PORT.
    port: int = Field(8050, ge=1, le=65535, validation_alias=AliasChoices("PORT", "DMS_PORT"))
    duckdb_threads: int = Field(2, ge=1)
    duckdb_memory_limit: str = "1GB"
    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias="DMS_ENV"
    )
    # Access control and disclosure (dashboard/auth, security.py, suppression.py).
    state_dir: Path = PROJECT_ROOT / "var" / "state"  # users, sessions, audit log (SQLite)
    secret_key: str = Field("", repr=False)  # required in production
    # Served over HTTPS: Secure cookies (HSTS follows the request scheme); default: in production.
    tls: bool = False
    proxy_count: int = Field(0, ge=0)  # reverse proxies whose X-Forwarded-* headers are trusted
    session_hours: int = Field(8, ge=1)  # absolute lifetime of a staff session
    session_idle_minutes: int = Field(30, ge=1)  # a staff session unused this long expires
    ratelimit_storage_uri: str = ""  # "" = a file in state_dir for every worker; redis://...
    disclosure_threshold: int = Field(5, ge=1)  # counts 1..threshold-1 are suppressed publicly
    max_request_mb: int = Field(32, ge=1)  # largest request body (uploads come in a callback)
    demo_scale: Literal["default", "national"] = "default"  # generated service counts
    cache_type: str = "SimpleCache"  # flask-caching backend (NullCache = off)
    cache_redis_url: str = ""  # for CACHE_TYPE=RedisCache
    cache_entries: int = Field(2000, ge=1)  # entries a SimpleCache keeps per worker
    cache_max_rows: int = Field(20_000, ge=0)  # larger query results are not kept
    ask_api_url: str = "https://askdata.rks-gov.net/api/v1"  # ASK's PxWeb API base

    @field_validator("db_path", "imports_dir", "data_dir", "queries_dir", "state_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("environment", mode="before")
    @classmethod
    def _known_environment(cls, value: Any) -> Any:
        text = str(value).strip().lower() if value is not None else ""
        if text == "":
            return "development"
        if text not in ENVIRONMENTS:
            raise ValueError(f"must be one of {', '.join(ENVIRONMENTS)} (any capitalisation)")
        return text

    @field_validator("demo_scale", mode="before")
    @classmethod
    def _known_scale(cls, value: Any) -> Any:
        return str(value).strip().lower()

    @field_validator("duckdb_memory_limit")
    @classmethod
    def _memory_size(cls, value: str) -> str:
        if not _MEMORY.match(value):
            raise ValueError("must be a size such as 1GB, 512MiB or 50%")
        return value.strip()

    @field_validator("cache_type")
    @classmethod
    def _cache_backend(cls, value: str) -> str:
        if value not in CACHE_TYPES:
            raise ValueError(f"must be one of {', '.join(CACHE_TYPES)}")
        return value

    @field_validator("ask_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http(s) address such as https://host/api/v1")
        return value.strip().rstrip("/")

    @field_validator("cache_redis_url", "ratelimit_storage_uri")
    @classmethod
    def _storage_uri(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(r"^[a-z][a-z0-9+.-]*://", value):
            raise ValueError("must be empty, or an address such as redis://host:6379/0")
        return value

    @model_validator(mode="before")
    @classmethod
    def _tls_follows_production(cls, data: Any) -> Any:
        """Without DMS_TLS, production is served over HTTPS (Secure cookies)."""
        if isinstance(data, dict) and data.get("tls") is None:
            environment = data.get("DMS_ENV", data.get("environment"))
            production = str(environment or "").strip().lower() == "production"
            data = {**data, "tls": production}
        return data

    @property
    def public_db_path(self) -> Path:
        """The published layer: the only file anonymous requests open (dashboard/publish.py)."""
        return public_path(self.db_path)

    @property
    def is_production(self) -> bool:
        """Whether the app runs with production safeguards."""
        return self.environment == "production"


def public_path(db_path: Path) -> Path:
    """The public database beside a staff database file (dms.duckdb -> dms.public.duckdb)."""
    return db_path.with_name(f"{db_path.stem}.public{db_path.suffix}")


def _variable(field: str) -> str:
    """The environment variable of a settings field."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, str):
        return alias
    if isinstance(alias, AliasChoices):
        return " or ".join(str(choice) for choice in alias.choices)
    return f"DMS_{field.upper()}"


def _expected(problem: Mapping[str, Any]) -> str:
    """What a field expected, said as the settings' own checks say it."""
    context = problem.get("ctx") or {}
    kind = problem["type"]
    if kind == "int_parsing" or kind == "int_from_float":
        return "must be a whole number"
    if kind == "bool_parsing":
        return "must be true or false"
    if kind == "greater_than_equal":
        return f"must be at least {context['ge']}"
    if kind == "less_than_equal":
        return f"must be at most {context['le']}"
    if kind == "literal_error":
        return f"must be one of {context['expected']}"
    if kind == "value_error":
        return str(context.get("error", problem["msg"]))
    return str(problem["msg"])


def _explained(error: ValidationError) -> SettingsError:
    """One line per misfit: the variable, what it must be, and what it got."""
    lines = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        name = _variable(field) if field in Settings.model_fields else (field or "settings")
        lines.append(f"{name} {_expected(problem)}, got {problem.get('input')!r}")
    return SettingsError("invalid settings (the dashboard did not start):\n  " + "\n  ".join(lines))


def read_settings(**overrides: Any) -> Settings:
    """The settings from the environment and `overrides`; a SettingsError names each misfit."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise _explained(error) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings from the environment once per process."""
    return read_settings()
