"""All configuration, read once from the environment and typed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from error


ENVIRONMENTS = ("development", "test", "production")


def _environment() -> str:
    """DMS_ENV, any capitalisation; an unknown value refuses to start.

    A typo must never quietly turn the production safeguards off.
    """
    value = os.environ.get("DMS_ENV", "").strip().lower() or "development"
    if value not in ENVIRONMENTS:
        raise ValueError(
            f"DMS_ENV must be one of {', '.join(ENVIRONMENTS)} (any capitalisation),"
            f" got {os.environ['DMS_ENV']!r}"
        )
    return value


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be true or false, got {value!r}")


@dataclass(frozen=True)
class Settings:
    """Deployment settings; every field has an environment variable."""

    db_path: Path
    imports_dir: Path
    data_dir: Path
    queries_dir: Path
    host: str
    port: int
    duckdb_threads: int
    duckdb_memory_limit: str
    environment: str
    # Access control and disclosure (dashboard/auth, security.py, suppression.py).
    state_dir: Path = PROJECT_ROOT / "var" / "state"  # users, sessions, audit log (SQLite)
    secret_key: str = field(default="", repr=False)  # DMS_SECRET_KEY; required in production
    tls: bool = False  # served over HTTPS: Secure cookies (HSTS follows the request scheme)
    proxy_count: int = 0  # reverse proxies in front whose X-Forwarded-* headers are trusted
    session_hours: int = 8  # absolute lifetime of a staff session
    session_idle_minutes: int = 30  # a staff session unused this long expires
    ratelimit_storage_uri: str = ""  # "" = a file in state_dir for every worker; redis://...
    disclosure_threshold: int = 5  # counts of people 1..threshold-1 are suppressed publicly
    max_request_mb: int = 32  # largest request body (uploads come base64 in a callback)
    demo_scale: str = "default"  # DMS_DEMO_SCALE: generated service counts, default|national
    cache_type: str = "SimpleCache"  # DMS_CACHE_TYPE: flask-caching backend (NullCache = off)
    cache_redis_url: str = ""  # DMS_CACHE_REDIS_URL, for CACHE_TYPE=RedisCache
    cache_entries: int = 2000  # DMS_CACHE_ENTRIES: entries a SimpleCache keeps per worker
    cache_max_rows: int = 20_000  # DMS_CACHE_MAX_ROWS: larger query results are not kept
    ask_api_url: str = "https://askdata.rks-gov.net/api/v1"  # DMS_ASK_API_URL: PxWeb API base

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings from the environment once per process."""
    environment = _environment()
    return Settings(
        db_path=_path("DMS_DB_PATH", PROJECT_ROOT / "var" / "dms.duckdb"),
        imports_dir=_path("DMS_IMPORTS_DIR", PROJECT_ROOT / "var" / "imports"),
        data_dir=_path("DMS_DATA_DIR", PROJECT_ROOT / "data"),
        queries_dir=_path("DMS_QUERIES_DIR", PROJECT_ROOT / "queries"),
        host=os.environ.get("DMS_HOST", "127.0.0.1"),
        port=_int("PORT", _int("DMS_PORT", 8050)),
        duckdb_threads=_int("DMS_DUCKDB_THREADS", 2),
        duckdb_memory_limit=os.environ.get("DMS_DUCKDB_MEMORY_LIMIT", "1GB"),
        environment=environment,
        state_dir=_path("DMS_STATE_DIR", PROJECT_ROOT / "var" / "state"),
        secret_key=os.environ.get("DMS_SECRET_KEY", ""),
        tls=_bool("DMS_TLS", environment == "production"),
        proxy_count=_int("DMS_PROXY_COUNT", 0),
        session_hours=_int("DMS_SESSION_HOURS", 8),
        session_idle_minutes=_int("DMS_SESSION_IDLE_MINUTES", 30),
        ratelimit_storage_uri=os.environ.get("DMS_RATELIMIT_STORAGE_URI", ""),
        disclosure_threshold=_int("DMS_DISCLOSURE_THRESHOLD", 5),
        max_request_mb=_int("DMS_MAX_REQUEST_MB", 32),
        demo_scale=os.environ.get("DMS_DEMO_SCALE", "default"),
        cache_type=os.environ.get("DMS_CACHE_TYPE", "SimpleCache"),
        cache_redis_url=os.environ.get("DMS_CACHE_REDIS_URL", ""),
        cache_entries=_int("DMS_CACHE_ENTRIES", 2000),
        ask_api_url=os.environ.get("DMS_ASK_API_URL", "https://askdata.rks-gov.net/api/v1"),
        cache_max_rows=_int("DMS_CACHE_MAX_ROWS", 20_000),
    )
