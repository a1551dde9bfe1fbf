"""The import journal: the accepted raw files are, beside data/, the source of truth.

Layout under ``settings.imports_dir``::

    journal.sqlite              the index: one row per import (see IMPORTS_TABLE)
    raw/<sha256>                each accepted file, byte for byte as uploaded
    rows/<id>/<dataset>.parquet its normalised rows (derived: re-created from raw/ when absent)

The build (``pipeline.CONTRIBUTORS``) calls :func:`contribute`, which replays the active
imports in the order they were accepted: for each dataset an import brings, it deletes
the rows with the same key (from data/ or an older import), then inserts its own. So a
newer import of a figure replaces the older one, undoing an import brings the older
value back, and deleting the database loses nothing.

Reading never changes a file: the index is opened read-only (``mode=ro``) and never
created on read, parquet files are only read, and rows missing from ``rows/`` are
re-derived in memory. Writing (:func:`stage`, :func:`commit`, :func:`mark_undone`) is
done by :mod:`dashboard.ingest.importer` under :func:`lock`.

One writer at a time: every writer (import, undo, staff entry and the build itself) holds
:func:`lock` from its journal write to the swap of the rebuilt database. Files are
written under temporary names and renamed into place; the index row is committed only
after its files are in place. Whoever takes the lock first removes what an interrupted
writer left (:func:`recover`), and every build checks that each active import can be
replayed and, once replayed, that it brought the rows the index records.
"""

from __future__ import annotations

import fcntl
import functools
import json
import logging
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.files import fsync_dir
from dashboard.ingest.common import IngestError, Label, Problem, problem
from dashboard.ingest.writers import BuildError, BuildReport

if TYPE_CHECKING:
    from dashboard.catalog import Dataset
    from dashboard.db import Connection
    from dashboard.settings import Settings

INDEX_FILE = "journal.sqlite"
RAW_DIR = "raw"
ROWS_DIR = "rows"
LOCK_FILE = ".imports.lock"
ACTIVE = "active"
UNDONE = "undone"
# The table of the built database that says which journal entries it replayed.
REPLAYED_TABLE = "_journal"

logger = logging.getLogger(__name__)

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
    undone_by TEXT,
    choices TEXT                       -- JSON {column: role} the file was read with; NULL in
                                       -- entries from before choices were journalled
)
"""
ADDED_COLUMNS = {"choices": "TEXT"}
"""Columns added to IMPORTS_TABLE since its first version: a journal without them gets
them on its next write (``ALTER TABLE``) and reads as if they were NULL until then."""


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
    # the column choices (column -> role: --map, the upload page's drop-downs, the recipe
    # in force) the file was read with, so that a replay reads it the same way; None for
    # an entry journalled before choices were kept (its replay uses the recipes)
    choices: dict[str, str] | None = None

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
            choices=_choices_of(r),
        )
        for r in records
    ]


def _choices_of(record: sqlite3.Row) -> dict[str, str] | None:
    """The journalled choices of an index row (None: an older journal, or not recorded)."""
    if "choices" not in record.keys() or record["choices"] is None:
        return None
    return {str(column): str(role) for column, role in json.loads(record["choices"]).items()}


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
    from dashboard.ingest import readers  # the readers and the mapping; not needed otherwise

    raw = raw_path(settings, entry.sha256)
    if not raw.is_file():
        raise JournalError(
            [
                problem(
                    entry.original_name,
                    None,
                    Label("ingest.field.import", id=entry.id),
                    entry.sha256,
                    "ingest.journal.raw",
                    path=raw,
                )
            ]
        )
    mapped = readers.derive_rows(
        raw,
        entry.kind,
        entry.original_name,
        settings,
        dict(catalogue),
        entry.choices,
        use_recipes=entry.choices is None,  # journalled choices are the whole reading
    )
    frame = readers.stamp(mapped.rows, entry.id).get(dataset)
    if frame is None:
        frame = pd.DataFrame({c.name: [] for c in catalogue[dataset].stored_columns})
    return pa.Table.from_pandas(frame, preserve_index=False)


class JournalError(Exception):
    """The journal cannot be replayed (a raw file or a dataset is missing)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


# --- the build's contributor ---------------------------------------------------------------


def contribute(con: Connection, settings: Settings, catalogue: dict[str, Dataset]) -> None:
    """Replay the active imports in order: delete rows by the dataset's key, insert the new."""
    replayed = replayed_entries(settings)
    brought: list[tuple[str, str, int]] = []
    for entry in replayed:
        for dataset_name, count in entry.rows.items():
            if not count:
                brought.append((entry.id, dataset_name, 0))
                continue
            if dataset_name not in catalogue:
                raise BuildError(
                    [
                        problem(
                            entry.original_name,
                            None,
                            Label("ingest.field.import", id=entry.id),
                            dataset_name,
                            "ingest.journal.dataset",
                        )
                    ]
                )
            try:
                table = load_rows(settings, entry, dataset_name, catalogue)
            except JournalError as error:
                raise BuildError(error.problems) from None
            inserted = replace_rows(con, catalogue[dataset_name], table)
            if inserted != count:
                raise BuildError(
                    [
                        problem(
                            entry.original_name,
                            None,
                            Label("ingest.field.import", id=entry.id),
                            Label("ingest.value.replayed", count=inserted, dataset=dataset_name),
                            "ingest.journal.count",
                            count=count,
                        )
                    ]
                )
            brought.append((entry.id, dataset_name, inserted))
    if [e.id for e in replayed_entries(settings)] != [e.id for e in replayed]:
        raise BuildError(_unreplayed(settings, [e.id for e in replayed]))
    con.execute(f"CREATE TABLE {REPLAYED_TABLE} (import_id VARCHAR, dataset VARCHAR, rows BIGINT)")
    if brought:
        con.executemany(f"INSERT INTO {REPLAYED_TABLE} VALUES (?, ?, ?)", brought)


def _unreplayed(settings: Settings, replayed: Sequence[str]) -> list[Problem]:
    """The imports whose state changed while a build replayed the journal (a lock bypassed)."""
    now = [e.id for e in replayed_entries(settings)]
    return [
        problem(
            INDEX_FILE,
            None,
            Label("ingest.field.import", id=import_id),
            Label("ingest.value.active" if import_id in now else "ingest.value.inactive"),
            "ingest.journal.during_build",
        )
        for import_id in sorted(set(now) ^ set(replayed))
    ]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def replace_rows(con: Connection, dataset: Dataset, rows: pa.Table | Path) -> int:
    """Delete the dataset's rows whose key the new rows have, insert the new rows, count them.

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
            raise BuildError(
                [problem(dataset.name, None, column.name, None, "ingest.journal.column")]
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
    inserted = con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_rows").fetchone()
    con.execute("DROP TABLE incoming_rows")
    return int(inserted[0]) if inserted else 0


# --- writing (the importer, under the lock) ---------------------------------------------------


class WriterBusy(TimeoutError):
    """Another writer held the lock for longer than the caller would wait."""

    def __init__(self, waited: float):
        self.waited = waited
        super().__init__(
            f"another import, undo, entry or build is still running (waited {waited:g} s); "
            "nothing was changed: try again when it has finished"
        )


WAIT_POLL_SECONDS = 0.05


class _Held(threading.local):
    """How deep each thread holds each lock: a writer's own rebuild takes it again."""

    def __init__(self) -> None:
        self.depth: dict[str, int] = {}


_held = _Held()


def _acquire(fd: int, on_wait: Callable[[], None] | None, timeout: float | None) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if on_wait is not None:
        on_wait()
    if timeout is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + timeout
    while True:
        time.sleep(max(0.0, min(WAIT_POLL_SECONDS, deadline - time.monotonic())))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise WriterBusy(timeout) from None


@contextmanager
def lock(
    settings: Settings,
    *,
    on_wait: Callable[[], None] | None = None,
    timeout: float | None = None,
) -> Iterator[None]:
    """One writer at a time, across processes and threads; re-entrant within a thread.

    The lock is taken on the directory holding the imports directory, so that a refused
    import leaves no file behind in the journal. Whoever takes it first removes what an
    interrupted writer left (:func:`recover`).

    Args:
        settings: whose journal and database.
        on_wait: called once when another writer holds the lock (to say "waiting").
        timeout: seconds to wait at most, then :class:`WriterBusy`; None waits as long
            as it takes.
    """
    parent = settings.imports_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    key = str(parent.resolve())
    if _held.depth.get(key):
        _held.depth[key] += 1
        try:
            yield
        finally:
            _held.depth[key] -= 1
        return
    fd = os.open(parent, os.O_RDONLY)
    try:
        _acquire(fd, on_wait, timeout)
        _held.depth[key] = 1
        try:
            recover(settings)
            yield
        finally:
            del _held.depth[key]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# A writer's temporary file or directory: .<name>.<partial|building|journal>-<pid>[.wal]
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?:partial|building|journal)-(?P<pid>\d+)(?:\.wal)?$")


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def recover(settings: Settings) -> list[Path]:
    """Remove what interrupted writers left; called under the lock, returns what it removed.

    Left behind by a writer killed mid-way: temporary files and directories of a process
    that no longer runs (partial raw files and rows, databases being built), and raw files
    and rows that no index row refers to (written, but the import was never committed).
    Nothing else is touched, so a journal in order is left byte-identical.
    """
    entries = read_entries(settings)
    kept = {RAW_DIR: {e.sha256 for e in entries}, ROWS_DIR: {e.id for e in entries}}
    candidates: list[tuple[Path, bool]] = []  # (path, whether it is named as temporary only)
    for folder, names in kept.items():
        directory = settings.imports_dir / folder
        if directory.is_dir():
            candidates += [(p, False) for p in directory.iterdir() if p.name not in names]
    if settings.db_path.parent.is_dir():
        candidates += [(p, True) for p in settings.db_path.parent.iterdir()]
    removed = []
    for path, temporary_only in candidates:
        temporary = _TEMPORARY.match(path.name)
        if temporary and _running(int(temporary["pid"])):
            continue
        if temporary or not temporary_only:
            _remove(path)
            removed.append(path)
    if removed:
        logger.warning(
            "removed what an interrupted import or build left: %s",
            ", ".join(str(p) for p in removed),
        )
    return removed


# --- what every build checks -----------------------------------------------------------------


def replayable_problems(settings: Settings) -> list[Problem]:
    """Each import the build will replay whose rows are neither in rows/ nor re-derivable."""
    problems = []
    for entry in replayed_entries(settings):
        if raw_path(settings, entry.sha256).is_file():
            continue
        lost = [
            dataset
            for dataset, count in entry.rows.items()
            if count and not rows_path(settings, entry.id, dataset).is_file()
        ]
        if lost:
            problems.append(
                problem(
                    entry.original_name,
                    None,
                    Label("ingest.field.import", id=entry.id),
                    entry.sha256,
                    "ingest.journal.lost",
                    path=raw_path(settings, entry.sha256),
                    datasets=", ".join(lost),
                )
            )
    return problems


def replayed_in(database: Path) -> dict[str, dict[str, int]] | None:
    """The imports a built database replayed, with their rows per dataset; None if unknown."""
    from dashboard.db import DatabaseError, attached_read_only

    if not database.is_file():
        return None
    try:
        with attached_read_only(database) as con:
            records = con.execute(
                f"SELECT import_id, dataset, rows FROM built.{REPLAYED_TABLE}"
            ).fetchall()
    except DatabaseError:
        return None  # built before the table existed, or not readable: the reader says so
    replayed: dict[str, dict[str, int]] = {}
    for import_id, dataset, rows in records:
        replayed.setdefault(import_id, {})[dataset] = int(rows)
    return replayed


def disagreements(settings: Settings) -> list[Problem]:
    """Where the database in place and the journal disagree: imports missing, extra or partial.

    A writer interrupted between its journal commit and its database swap leaves the
    database without an import the journal holds; the next build brings it in.
    """
    database = settings.db_path
    expected = [e for e in read_entries(settings) if e.active]
    found = replayed_in(database)
    if found is None:
        return []
    problems = []
    for entry in expected:
        if found.get(entry.id, {}) != entry.rows:
            problems.append(
                problem(
                    database.name,
                    None,
                    Label("ingest.field.import", id=entry.id),
                    entry.original_name,
                    "ingest.journal.disagree",
                    rows=", ".join(f"{d} {n}" for d, n in entry.rows.items()) or "—",
                    found=", ".join(f"{d} {n}" for d, n in found[entry.id].items())
                    if entry.id in found
                    else "—",
                )
            )
    for import_id in sorted(set(found) - {e.id for e in expected}):
        problems.append(
            problem(
                database.name,
                None,
                Label("ingest.field.import", id=import_id),
                None,
                "ingest.journal.extra",
            )
        )
    return problems


P = ParamSpec("P")


def exclusive(
    build: Callable[Concatenate[Settings, P], BuildReport],
) -> Callable[Concatenate[Settings, P], BuildReport]:
    """Make a build a writer: it holds the lock and checks the journal first.

    Before: the database in place is compared with the journal (a difference, left by an
    interrupted writer, is logged: this build repairs it) and every import to replay must
    have its rows, else a BuildError names it. While replaying, :func:`contribute` checks
    that each import brought the rows the index records.
    """

    @functools.wraps(build)
    def locked(settings: Settings, /, *args: P.args, **kwargs: P.kwargs) -> BuildReport:
        with lock(settings):
            for disagreement in disagreements(settings):
                logger.warning(
                    "the database in place disagrees with the journal (a writer was "
                    "interrupted); this build repairs it: %s",
                    disagreement,
                )
            problems = replayable_problems(settings)
            if problems:
                raise BuildError(problems)
            return build(settings, *args, **kwargs)

    return locked


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
                raise IngestError(
                    [problem(entry.original_name, None, None, None, "ingest.journal.changed")]
                )
            os.chmod(partial, 0o444)
            os.replace(partial, raw)
            staged.created[-1] = raw
            fsync_dir(raw.parent)
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
        fsync_dir(final.parent)
    except BaseException:
        staged.rollback()
        raise
    return staged


def _connect_for_writing(settings: Settings) -> sqlite3.Connection:
    connection = sqlite3.connect(index_path(settings), isolation_level=None)
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute(IMPORTS_TABLE)
    present = {row[1] for row in connection.execute("PRAGMA table_info(imports)")}
    for column, kind in ADDED_COLUMNS.items():
        if column not in present:  # a journal written before the column existed
            connection.execute(f"ALTER TABLE imports ADD COLUMN {column} {kind}")
    return connection


def commit(settings: Settings, entry: Entry) -> None:
    """Add the import to the index: from now on every build replays it."""
    settings.imports_dir.mkdir(parents=True, exist_ok=True)
    connection = _connect_for_writing(settings)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            # columns by name: an old journal has the added ones last, after ALTER TABLE
            "INSERT INTO imports (seq, id, sha256, original_name, kind, imported_at, user, "
            "rows, added, replaced, unchanged, status, undone_at, undone_by, choices) "
            "VALUES (:seq, :id, :sha256, :original_name, :kind, :imported_at, :user, :rows, "
            ":added, :replaced, :unchanged, :status, :undone_at, :undone_by, :choices)",
            {
                **entry.__dict__,
                "rows": json.dumps(entry.rows, sort_keys=True),
                "added": json.dumps(entry.added, sort_keys=True),
                "replaced": json.dumps(entry.replaced, sort_keys=True),
                "unchanged": json.dumps(entry.unchanged, sort_keys=True),
                "choices": None
                if entry.choices is None
                else json.dumps(entry.choices, ensure_ascii=False, sort_keys=True),
            },
        )
        connection.execute("COMMIT")
    finally:
        connection.close()
    fsync_dir(settings.imports_dir)


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
