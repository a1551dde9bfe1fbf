"""The only door to DuckDB: named queries from queries/*.sql, run with bound parameters.

Each process opens a built database read-only, lazily (after a server forks), and
reopens it when the file has been swapped by a new build. Every call gets its own
cursor and fetches its result fully. There are two files: the staff database and the
published layer (dashboard/publish.py), which is all an anonymous request may open; a
query named N runs queries/public/N.sql there when that file exists (a sum over the
published cells), else queries/N.sql.

Every connection of the project goes through here, one configuration per file:
`connect_for_build` for the build's writes and `read_only` for tools that read a file
that is not served (an import's diff, the bench).

The door imports no Flask. Two hooks let the layers above see into `Database.query`
without patching it: the web hands in its result cache at start (`use_result_cache`,
dashboard/cache.py: results kept per database version), and a measuring tool may watch
every call's time (`observing`, the bench).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pandas as pd

from dashboard.settings import Settings, get_settings

# The connection and error types, for the modules that write through the door.
Connection = duckdb.DuckDBPyConnection
DatabaseError = duckdb.Error


class QueryNotFound(LookupError):
    """No queries/<name>.sql file."""


# --- hooks for the layers above (the door itself knows no Flask) ----------------------------


class ResultCache(Protocol):
    """Keeps results per key: `compute()` on a miss; `keep(result)` may refuse to keep one."""

    def __call__(
        self,
        parts: tuple[object, ...],
        compute: Callable[[], pd.DataFrame],
        *,
        keep: Callable[[pd.DataFrame], bool],
    ) -> pd.DataFrame:
        """The result for `parts` (which include the database version)."""
        ...


@dataclass(frozen=True)
class QueryCall:
    """One call of `Database.query`, as an observer sees it once it returned."""

    name: str
    params: dict[str, Any]
    public: bool  # run on the published layer
    seconds: float  # wall time of the call, the cache's lookup included
    rows: int


QueryObserver = Callable[[QueryCall], None]

_result_cache: ResultCache | None = None
_observers: list[QueryObserver] = []


def use_result_cache(result_cache: ResultCache | None) -> None:
    """Keep `Database.query` results in `result_cache` (None: compute every time)."""
    global _result_cache
    _result_cache = result_cache


@contextmanager
def observing(observer: QueryObserver) -> Iterator[None]:
    """Within the block, `observer` is told of every `Database.query` call of this process.

    For measurements (the bench): observers run in the caller's thread, after the call.
    """
    _observers.append(observer)
    try:
        yield
    finally:
        _observers.remove(observer)


def connect_for_build(path: Path, settings: Settings) -> Connection:
    """A read-write connection to a database file being built, never one a server reads."""
    return duckdb.connect(str(path), config={"threads": settings.duckdb_threads})


def connect_in_memory(threads: int = 1) -> Connection:
    """A private in-memory database (to shape rows, or to read a built file attached)."""
    return duckdb.connect(config={"threads": threads})


@contextmanager
def attached_read_only(path: Path) -> Iterator[Connection]:
    """A private connection with the built file `path` attached read-only as `built`.

    A process whose reader has the file open may not open it again with another
    configuration (DuckDB refuses, and would refuse the reader's); attaching it to an
    in-memory instance is allowed. The path comes from the settings, never from a user.
    """
    con = connect_in_memory()
    try:
        literal = "'" + str(path).replace("'", "''") + "'"
        con.execute(f"ATTACH {literal} AS built (READ_ONLY)")
        yield con
    finally:
        con.close()


@lru_cache(maxsize=512)
def _read_query(queries_dir: Path, name: str, public: bool = False) -> str:
    if not name.replace("_", "").isalnum():
        raise QueryNotFound(name)
    published = queries_dir / "public" / f"{name}.sql"
    path = published if public and published.is_file() else queries_dir / f"{name}.sql"
    if not path.is_file():
        raise QueryNotFound(f"{path} does not exist")
    return path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class _FileIdentity:
    inode: int
    mtime_ns: int
    size: int


def _identity(path: Path) -> _FileIdentity:
    stat = path.stat()
    return _FileIdentity(stat.st_ino, stat.st_mtime_ns, stat.st_size)


class Database:
    """A read-only view of one built database file (staff or public) for one process."""

    def __init__(self, settings: Settings, *, public: bool = False):
        self.settings = settings
        self.public = public
        self.path = settings.public_db_path if public else settings.db_path
        self._lock = threading.Lock()
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._identity: _FileIdentity | None = None
        self._pid: int | None = None

    def _connect(self) -> duckdb.DuckDBPyConnection:
        connection = duckdb.connect(
            str(self.path),
            read_only=True,
            config={
                "threads": self.settings.duckdb_threads,
                "memory_limit": self.settings.duckdb_memory_limit,
            },
        )
        # Queries read only the database's own tables; no file or network access.
        locked = connection.execute("SELECT current_setting('lock_configuration')").fetchone()
        if locked and locked[0]:
            # Another reader of this process opened the file first: DuckDB shares one
            # instance per file, already locked with external access off.
            access = connection.execute(
                "SELECT current_setting('enable_external_access')"
            ).fetchone()
            if not access or access[0]:
                connection.close()
                raise RuntimeError(f"{self.path} is open with external access allowed")
            return connection
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
        return connection

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The process's connection, reopened after a fork or a swapped database file."""
        identity = _identity(self.path)
        with self._lock:
            if self._connection is None or self._pid != os.getpid() or identity != self._identity:
                if self._connection is not None and self._pid == os.getpid():
                    self._connection.close()
                self._connection = self._connect()
                self._identity = identity
                self._pid = os.getpid()
            return self._connection

    def close(self) -> None:
        """Close this process's connection (the next call opens the file afresh)."""
        with self._lock:
            if self._connection is not None and self._pid == os.getpid():
                self._connection.close()
            self._connection = None
            self._identity = None

    @property
    def version(self) -> str:
        """A token that changes whenever a new database file is swapped in (for caches)."""
        identity = _identity(self.path)
        return f"{identity.inode}-{identity.mtime_ns}"

    def query(self, name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run queries/<name>.sql with named parameters ($name) and return every row.

        Within the app, results up to `cache_max_rows` rows are kept per database version
        (the cache the web hands in, dashboard/cache.py); callers get a copy they may change.
        """
        params = dict(params or {})
        started = time.perf_counter()
        if _result_cache is None:
            result = self.query_uncached(name, params)
        else:
            result = _result_cache(
                ("query", self.path, self.version, name, sorted(params.items())),
                lambda: self.query_uncached(name, params),
                keep=lambda found: len(found) <= self.settings.cache_max_rows,
            )
        if _observers:
            call = QueryCall(name, params, self.public, time.perf_counter() - started, len(result))
            for observer in tuple(_observers):
                observer(call)
        return result

    def query_uncached(self, name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run queries/<name>.sql on the database, bypassing the cache."""
        sql = _read_query(self.settings.queries_dir, name, self.public)
        cursor = self.connection().cursor()
        try:
            return cursor.execute(sql, dict(params or {})).df()
        finally:
            cursor.close()

    def _dataset_sql(
        self,
        table: str,
        allowed_columns: Sequence[str],
        filters: Mapping[str, Sequence[str]] | None,
        real_only: bool,
    ) -> tuple[str, dict[str, Any]]:
        clauses: list[str] = ["NOT demonstration"] if real_only else []
        params: dict[str, Any] = {"table": table}
        for index, (column, values) in enumerate((filters or {}).items()):
            if column not in allowed_columns:
                raise ValueError(f"column {column!r} is not filterable")
            names = []
            for position, value in enumerate(values):
                name = f"v{index}_{position}"
                params[name] = value
                names.append(f"${name}")
            quoted = '"' + column.replace('"', '""') + '"'
            clauses.append(f"CAST({quoted} AS VARCHAR) IN ({', '.join(names)})")
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return f"SELECT * FROM query_table($table){where}", params

    def select_dataset(
        self,
        table: str,
        allowed_columns: Sequence[str],
        filters: Mapping[str, Sequence[str]] | None = None,
        *,
        real_only: bool = False,
    ) -> pd.DataFrame:
        """All rows of one dataset table, filtered on allow-listed columns.

        The table and column names come from the catalogue, never from a request; the
        filter values are bound parameters. `real_only` leaves demonstration rows out in
        the database (the table must have a `demonstration` column).
        """
        sql, params = self._dataset_sql(table, allowed_columns, filters, real_only)
        cursor = self.connection().cursor()
        try:
            return cursor.execute(sql, params).df()
        finally:
            cursor.close()

    def dataset_batches(
        self,
        table: str,
        allowed_columns: Sequence[str],
        filters: Mapping[str, Sequence[str]] | None = None,
        *,
        real_only: bool = False,
        batch_rows: int = 100_000,
    ) -> Iterator[pd.DataFrame]:
        """Like `select_dataset`, in frames of at most `batch_rows` rows (bounded memory).

        The first frame always comes, empty when there are no rows, so the caller knows
        the columns.
        """
        sql, params = self._dataset_sql(table, allowed_columns, filters, real_only)
        vectors = max(1, batch_rows // 2048)  # DuckDB hands out rows 2,048 at a time
        cursor = self.connection().cursor()
        try:
            cursor.execute(sql, params)
            # fetch_df_chunk converts exactly as .df() does: a streamed file equals a whole one.
            frame = cursor.fetch_df_chunk(vectors)
            yield frame
            while len(frame):
                frame = cursor.fetch_df_chunk(vectors)
                if len(frame):
                    yield frame
        finally:
            cursor.close()


_databases: dict[Path, Database] = {}
_databases_lock = threading.Lock()


def get_database(settings: Settings | None = None, *, public: bool = False) -> Database:
    """The Database of this process: the staff file, or with `public` the published layer."""
    settings = settings or get_settings()
    path = settings.public_db_path if public else settings.db_path
    with _databases_lock:
        database = _databases.get(path)
        if database is None or database.settings != settings:
            if database is not None:
                # DuckDB keeps one instance per file while any connection to it is open:
                # the old object's would hand the new one the old build's instance.
                database.close()
            database = Database(settings, public=public)
            _databases[path] = database
        return database
