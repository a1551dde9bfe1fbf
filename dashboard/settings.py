"""All configuration, read once from the environment and typed."""

from __future__ import annotations

import os
from dataclasses import dataclass
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

    @property
    def is_production(self) -> bool:
        """Whether the app runs with production safeguards."""
        return self.environment == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings from the environment once per process."""
    return Settings(
        db_path=_path("DMS_DB_PATH", PROJECT_ROOT / "var" / "dms.duckdb"),
        imports_dir=_path("DMS_IMPORTS_DIR", PROJECT_ROOT / "var" / "imports"),
        data_dir=_path("DMS_DATA_DIR", PROJECT_ROOT / "data"),
        queries_dir=_path("DMS_QUERIES_DIR", PROJECT_ROOT / "queries"),
        host=os.environ.get("DMS_HOST", "127.0.0.1"),
        port=_int("PORT", _int("DMS_PORT", 8050)),
        duckdb_threads=_int("DMS_DUCKDB_THREADS", 2),
        duckdb_memory_limit=os.environ.get("DMS_DUCKDB_MEMORY_LIMIT", "1GB"),
        environment=os.environ.get("DMS_ENV", "development"),
    )
