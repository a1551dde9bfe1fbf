"""The import journal: the accepted raw files are, beside data/, the source of truth.

Layout under ``settings.imports_dir``::

    journal.sqlite              the index: one row per import (see IMPORTS_TABLE)
    raw/<sha256>                each accepted file, byte for byte as uploaded
    rows/<id>/<dataset>.parquet its normalised rows (derived: re-created from raw/ when absent)

The build (``build.CONTRIBUTORS``) calls :func:`contribute`, which replays the active
imports in the order they were accepted: for each dataset an import brings, it deletes
the rows with the same key (from data/ or an older import), then inserts its own. So a
newer import of a figure replaces the older one, undoing an import brings the older
value back, and deleting the database loses nothing.

Reading never changes a file: the index is opened read-only (``mode=ro``) and never
created on read, parquet files are only read, and rows missing from ``rows/`` are
re-derived in memory. Writing (:func:`stage`, :func:`commit`, :func:`mark_undone`) is
done by :mod:`dashboard.ingest.importer` under :func:`lock`.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.ingest.common import Problem

if TYPE_CHECKING:
    import duckdb

    from dashboard.catalog import Dataset
    from dashboard.settings import Settings

INDEX_FILE = "journal.sqlite"
RAW_DIR = "raw"
ROWS_DIR = "rows"
LOCK_FILE = ".imports.lock"
ACTIVE = "active"
UNDONE = "undone"

IMPORTS_TABLE = """
CREATE TABLE IF NOT EXISTS imports (
    seq INTEGER PRIMARY KEY,           -- replay order
    id TEXT NOT NULL UNIQUE,           -- <seq>-<first 8 hex digits of sha256>
    sha256 TEXT NOT NULL,              -- of the raw file, kept as raw/<sha256>
    original_name TEXT NOT NULL,       -- the file name the user gave
    kind TEXT NOT NULL,                -- px, pxweb-csv, jsonstat, qps or budget
    imported_at TEXT NOT NULL,         -- UTC, ISO 8601
    user TEXT NOT NULL,
    rows TEXT NOT NULL,                -- JSON {dataset: rows}
    added TEXT NOT NULL,               -- JSON {dataset: rows whose key was new}
    replaced TEXT NOT NULL,            -- JSON {dataset: rows whose key existed, value changed}
    unchanged TEXT NOT NULL,           -- JSON {dataset: rows whose key existed, same value}
    status TEXT NOT NULL CHECK (status IN ('active', 'undone')),
    undone_at TEXT,
    undone_by TEXT
)
"""


@dataclass(frozen=True)
class Entry:
    """One accepted import."""

    seq: int
    id: str
    sha256: str
    original_name: str
    kind: str
    imported_at: str
    user: str
    rows: dict[str, int]
    added: dict[str, int]
    replaced: dict[str, int]
    unchanged: dict[str, int] = field(default_factory=dict)
    status: str = ACTIVE
    undone_at: str | None = None
    undone_by: str | None = None

    @property
    def active(self) -> bool:
        """Whether the build replays this import."""
        return self.status == ACTIVE


def make_id(seq: int, sha256: str) -> str:
    """The id of the import number ``seq`` of a file with this hash."""
    return f"{seq:04d}-{sha256[:8]}"


def index_path(settings: Settings) -> Path:
    """Where the index lives."""
    return settings.imports_dir / INDEX_FILE


def raw_path(settings: Settings, sha256: str) -> Path:
    """Where the raw file of an import lives."""
    return settings.imports_dir / RAW_DIR / sha256


def rows_path(settings: Settings, entry_id: str, dataset: str) -> Path:
    """Where an import's normalised rows of one dataset live."""
    return settings.imports_dir / ROWS_DIR / entry_id / f"{dataset}.parquet"


# --- reading -------------------------------------------------------------------------


def read_entries(settings: Settings) -> list[Entry]:
    """Every import in replay order, read without creating or changing any file."""
    path = index_path(settings)
    if not path.is_file():
        return []
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        connection.row_factory = sqlite3.Row
        records = connection.execute("SELECT * FROM imports ORDER BY seq").fetchall()
    finally:
        connection.close()
    return [
        Entry(
            seq=r["seq"],
            id=r["id"],
            sha256=r["sha256"],
            original_name=r["original_name"],
            kind=r["kind"],
            imported_at=r["imported_at"],
            user=r["user"],
            rows=json.loads(r["rows"]),
            added=json.loads(r["added"]),
            replaced=json.loads(r["replaced"]),
            unchanged=json.loads(r["unchanged"]),
            status=r["status"],
            undone_at=r["undone_at"],
            undone_by=r["undone_by"],
        )
        for r in records
    ]


class UnknownImport(LookupError):
    """No import with that id."""


def find(settings: Settings, wanted: str) -> Entry:
    """The import with this id, or whose id starts with it, or with this sequence number."""
    entries = read_entries(settings)
    exact = [e for e in entries if e.id == wanted]
    if exact:
        return exact[0]
    matches = [
        e for e in entries if e.id.startswith(wanted) or (wanted.isdigit() and e.seq == int(wanted))
    ]
    if len(matches) != 1:
        known = ", ".join(e.id for e in entries[-10:]) or "none yet"
        raise UnknownImport(
            f"no single import {wanted!r}"
            + (" (several match)" if matches else "")
            + f"; latest: {known}"
        )
    return matches[0]


# Entries the build must see differently from the index: an import being accepted (its
# rows staged, its index row not yet written) or being undone. Set only by the importer
# around its own build, so that the index changes only after the new database is built.
@dataclass(frozen=True)
class _Overlay:
    pending: tuple[Entry, ...] = ()
    undone: frozenset[str] = frozenset()


_NO_OVERLAY = _Overlay()
_overlay: ContextVar[_Overlay | None] = ContextVar("journal_overlay", default=None)


@contextmanager
def overlay(pending: Sequence[Entry] = (), undone: Sequence[str] = ()) -> Iterator[None]:
    """Within the block, builds replay ``pending`` imports too and skip ``undone`` ones."""
    token = _overlay.set(_Overlay(tuple(pending), frozenset(undone)))
    try:
        yield
    finally:
        _overlay.reset(token)


def replayed_entries(settings: Settings) -> list[Entry]:
    """The imports a build replays now, in order."""
    current = _overlay.get() or _NO_OVERLAY
    entries = [e for e in read_entries(settings) if e.active and e.id not in current.undone]
    entries += [e for e in current.pending if e.id not in current.undone]
    return sorted(entries, key=lambda e: e.seq)


def load_rows(
    settings: Settings, entry: Entry, dataset: str, catalogue: Mapping[str, Dataset]
) -> pa.Table | Path:
    """An import's rows of one dataset, from rows/ or re-derived from the raw file.

    The parquet file is returned as a path when it is readable and holds the rows the
    index says; otherwise the rows are re-derived in memory (nothing is written back).
    """
    path = rows_path(settings, entry.id, dataset)
    if path.is_file():
        try:
            metadata = pq.read_metadata(path)
            if metadata.num_rows == entry.rows.get(dataset, metadata.num_rows):
                return path
        except (OSError, pa.ArrowException):
            pass  # a damaged derived file: the raw file is the truth
    from dashboard.ingest import importer  # the readers and the mapping; not needed otherwise

    raw = raw_path(settings, entry.sha256)
    if not raw.is_file():
        raise JournalError(
            [
                Problem(
                    entry.original_name,
                    None,
                    "import " + entry.id,
                    entry.sha256,
                    f"its raw file {raw}",
                )
            ]
        )
    mapped = importer.derive_rows(raw, entry.kind, entry.original_name, settings, dict(catalogue))
    frame = importer.stamp(mapped.rows, entry.id).get(dataset)
    if frame is None:
        frame = pd.DataFrame({c.name: [] for c in catalogue[dataset].stored_columns})
    return pa.Table.from_pandas(frame, preserve_index=False)


class JournalError(Exception):
    """The journal cannot be replayed (a raw file or a dataset is missing)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


# --- the build's contributor ---------------------------------------------------------------


def contribute(
    con: duckdb.DuckDBPyConnection, settings: Settings, catalogue: dict[str, Dataset]
) -> None:
    """Replay the active imports in order: delete rows by the dataset's key, insert the new."""
    from dashboard.build import BuildError

    for entry in replayed_entries(settings):
        for dataset_name, count in entry.rows.items():
            if not count:
                continue
            if dataset_name not in catalogue:
                raise BuildError(
                    [
                        Problem(
                            entry.original_name,
                            None,
                            f"import {entry.id}",
                            dataset_name,
                            "a dataset of data/datasets.toml for the rows of this import "
                            "(undo the import, or restore the dataset's section)",
                        )
                    ]
                )
            try:
                table = load_rows(settings, entry, dataset_name, catalogue)
            except JournalError as error:
                raise BuildError(error.problems) from None
            replace_rows(con, catalogue[dataset_name], table)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def replace_rows(con: duckdb.DuckDBPyConnection, dataset: Dataset, rows: pa.Table | Path) -> None:
    """Delete the dataset's rows whose key the new rows have, then insert the new rows.

    ``rows`` is an Arrow table or a parquet file (read by DuckDB directly: fast, and
    without holding a second copy in Python).
    """
    if isinstance(rows, Path):
        present = set(pq.read_schema(rows).names)
        origin, params = "read_parquet($path)", {"path": str(rows)}
    else:
        present = set(rows.column_names)
        origin, params = "incoming_arrow", {}
    selected = []
    for column in dataset.stored_columns:
        if column.name in present:
            name = _quote(column.name)
            selected.append(f"CAST(incoming_arrow.{name} AS {column.type}) AS {name}")
        elif column.required:
            from dashboard.build import BuildError

            raise BuildError(
                [Problem(dataset.name, None, column.name, None, "the column in the import's rows")]
            )
        else:
            selected.append(f"CAST(NULL AS {column.type}) AS {_quote(column.name)}")
    computed = "".join(
        f", ({c.computed_sql})::{c.type} AS {_quote(c.name)}"
        for c in dataset.columns
        if c.computed_sql
    )
    table = _quote(dataset.name)
    if not isinstance(rows, Path):
        con.register("incoming_arrow", rows)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE incoming_rows AS SELECT * "
            f"{computed} FROM (SELECT {', '.join(selected)} FROM {origin} AS incoming_arrow)",
            params,
        )
    finally:
        if not isinstance(rows, Path):
            con.unregister("incoming_arrow")
    match = " AND ".join(
        f"incoming_rows.{_quote(k)} IS NOT DISTINCT FROM {table}.{_quote(k)}" for k in dataset.key
    )
    con.execute(f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM incoming_rows WHERE {match})")
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_rows")
    con.execute("DROP TABLE incoming_rows")


# --- writing (the importer, under the lock) ---------------------------------------------------


@contextmanager
def lock(settings: Settings) -> Iterator[None]:
    """One writer at a time (the CLI and the web upload may run together).

    The lock is taken on the directory holding the imports directory, so that a refused
    import leaves no file behind in the journal.
    """
    parent = settings.imports_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class Staged:
    """Files written for an import not yet in the index; removed again if it fails."""

    created: list[Path] = field(default_factory=list)  # files and directories, in order

    def rollback(self) -> None:
        """Remove what was created, newest first (directories only when empty)."""
        for path in reversed(self.created):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _mkdir(path: Path, staged: Staged) -> None:
    missing = []
    for directory in (path, *path.parents):
        if directory.exists():
            break
        missing.append(directory)
    for directory in reversed(missing):
        directory.mkdir()
        staged.created.append(directory)


def stage(
    settings: Settings,
    entry: Entry,
    source: Path,
    rows: Mapping[str, pd.DataFrame],
) -> Staged:
    """Write the raw file (if new) and the rows of an import that is not yet in the index.

    Raises:
        ValueError: the file's bytes no longer have the hash the preview computed.
    """
    import hashlib

    staged = Staged()
    try:
        raw = raw_path(settings, entry.sha256)
        _mkdir(raw.parent, staged)
        if not raw.exists():
            partial = raw.with_name(f".{raw.name}.partial-{os.getpid()}")
            digest = hashlib.sha256()
            staged.created.append(partial)
            with source.open("rb") as reader, partial.open("wb") as writer:
                while chunk := reader.read(1 << 20):
                    digest.update(chunk)
                    writer.write(chunk)
                writer.flush()
                os.fsync(writer.fileno())
            if digest.hexdigest() != entry.sha256:
                raise ValueError(
                    f"{entry.original_name} changed between its preview and its import; "
                    "preview it again"
                )
            os.chmod(partial, 0o444)
            os.replace(partial, raw)
            staged.created[-1] = raw
            _fsync_dir(raw.parent)
        final = settings.imports_dir / ROWS_DIR / entry.id
        _mkdir(final.parent, staged)
        building = final.with_name(f".{entry.id}.partial-{os.getpid()}")
        building.mkdir()
        staged.created.append(building)
        for dataset, frame in rows.items():
            target = building / f"{dataset}.parquet"
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), target)
            with target.open("rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(building, final)
        staged.created[-1] = final
        _fsync_dir(final.parent)
    except BaseException:
        staged.rollback()
        raise
    return staged


def _connect_for_writing(settings: Settings) -> sqlite3.Connection:
    connection = sqlite3.connect(index_path(settings), isolation_level=None)
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute(IMPORTS_TABLE)
    return connection


def commit(settings: Settings, entry: Entry) -> None:
    """Add the import to the index: from now on every build replays it."""
    settings.imports_dir.mkdir(parents=True, exist_ok=True)
    connection = _connect_for_writing(settings)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO imports VALUES (:seq, :id, :sha256, :original_name, :kind, "
            ":imported_at, :user, :rows, :added, :replaced, :unchanged, :status, "
            ":undone_at, :undone_by)",
            {
                **entry.__dict__,
                "rows": json.dumps(entry.rows, sort_keys=True),
                "added": json.dumps(entry.added, sort_keys=True),
                "replaced": json.dumps(entry.replaced, sort_keys=True),
                "unchanged": json.dumps(entry.unchanged, sort_keys=True),
            },
        )
        connection.execute("COMMIT")
    finally:
        connection.close()
    _fsync_dir(settings.imports_dir)


def mark_undone(settings: Settings, entry: Entry, user: str, at: str) -> Entry:
    """Record that the import is undone: builds stop replaying it; its files stay."""
    connection = _connect_for_writing(settings)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "UPDATE imports SET status = 'undone', undone_at = :at, undone_by = :user "
            "WHERE id = :id AND status = 'active'",
            {"at": at, "user": user, "id": entry.id},
        )
        connection.execute("COMMIT")
    finally:
        connection.close()
    return replace(entry, status=UNDONE, undone_at=at, undone_by=user)


def next_seq(settings: Settings) -> int:
    """The sequence number of the next import."""
    entries = read_entries(settings)
    return (entries[-1].seq if entries else 0) + 1
