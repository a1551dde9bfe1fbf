"""Import one file: plan, validate, diff against the database, apply. Shared by CLI and web.

``preview(path)`` reads and checks the WHOLE file and changes nothing: it says which
kind of export it is, which rows each dataset would gain or have replaced, shows the
first rows, and lists every problem. ``apply(preview, user)`` then keeps the raw file
and its rows in the journal and rebuilds the database:

1. under the journal's lock, the file is hashed again and its rows written to
   ``rows/<id>/`` (not yet referenced by the index);
2. a new database is built beside the old one, replaying the journal plus this import
   (the build is handed in: dashboard/ingest/writers.py; the importer never imports it);
3. only then is the import added to the index, and the new database swapped in.

A refused import (any problem, or a failed build) removes what step 1 wrote, so the
journal and the database stay byte-identical. The same file imported twice is a no-op.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dashboard.catalog import Dataset, load_catalogue
from dashboard.db import get_database
from dashboard.files import discard, install
from dashboard.ingest import common, journal, mapping, recipes, writers
from dashboard.ingest.common import IngestError, Problem, problem
from dashboard.ingest.journal import Entry
from dashboard.ingest.readers import KINDS, derive_rows, detect, stamp
from dashboard.ingest.writers import BuildError, BuildReport
from dashboard.settings import Settings, get_settings

logger = logging.getLogger(__name__)

SAMPLE_ROWS = 10
# Columns that say where a row comes from rather than what it says: a row that differs
# from the stored one only in these is "unchanged".
_PROVENANCE = frozenset({"import_id", "source", "note"})


class ImportRefused(IngestError):
    """The file has problems (or the rebuild failed); nothing was changed."""


@dataclass
class DatasetChange:
    """What an import does to one dataset."""

    rows: int
    added: int = 0  # keys not in the database yet
    replaced: int = 0  # keys in the database with another value
    unchanged: int = 0  # keys in the database with the same value


@dataclass
class ImportPreview:
    """What importing a file would do; nothing has been changed yet."""

    path: Path
    display_name: str
    settings: Settings
    kind: str | None = None
    sha256: str | None = None
    size: int = 0
    rows: dict[str, pd.DataFrame] = field(default_factory=dict)
    changes: dict[str, DatasetChange] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    omitted: int = 0  # problems found beyond those listed
    notes: list[str] = field(default_factory=list)
    duplicate_of: Entry | None = None
    database_exists: bool = False
    # how each column was read and why (also when refused), and staff's choices used
    readings: list[mapping.ColumnReading] = field(default_factory=list)
    choices: dict[str, str] = field(default_factory=dict)
    recipe_keys: list[tuple[str, str]] = field(default_factory=list)  # (key, title) per table
    # every choice the reading used (staff's and the recipes'): kept in the journal entry
    applied_choices: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the file can be imported."""
        return not self.problems and not self.omitted

    @property
    def problem_count(self) -> int:
        """Problems found, listed or not."""
        return len(self.problems) + self.omitted

    def first_rows(self, count: int = SAMPLE_ROWS) -> dict[str, pd.DataFrame]:
        """The first rows each dataset would receive."""
        return {name: frame.head(count) for name, frame in self.rows.items()}

    def error(self) -> ImportRefused:
        """The refusal, listing the first 50 problems and counting the rest."""
        return ImportRefused(
            self.problems,
            summary=common.Label(
                "ingest.refused_one" if self.problem_count == 1 else "ingest.refused",
                count=self.problem_count,
                file=self.display_name,
            ),
            omitted=self.omitted,
        )


@dataclass
class ImportResult:
    """What an applied import did."""

    status: str  # "imported" or "duplicate"
    entry: Entry
    changes: dict[str, DatasetChange] = field(default_factory=dict)
    build: BuildReport | None = None


@dataclass
class UndoResult:
    """What undoing an import did."""

    status: str  # "undone" or "already undone"
    entry: Entry
    rows_before: dict[str, int] = field(default_factory=dict)
    rows_after: dict[str, int] = field(default_factory=dict)


# --- reading ----------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _check_rows(
    rows: Mapping[str, pd.DataFrame], catalogue: dict[str, Dataset], file: str
) -> list[Problem]:
    """Required columns filled and each key once, per dataset (after mapping)."""
    problems: list[Problem] = []
    for name, frame in rows.items():
        dataset = catalogue[name]
        for column in dataset.stored_columns:
            if column.required and frame[column.name].isna().any():
                count = int(frame[column.name].isna().sum())
                problems.append(
                    problem(file, None, f"{name}.{column.name}", None, "ingest.filled", count=count)
                )
        key = list(dataset.key)
        repeated = frame[frame.duplicated(subset=key, keep=False)]
        for values, group in list(repeated.groupby(key, dropna=False, sort=False))[:20]:
            described = ", ".join(f"{k}={v}" for k, v in zip(key, values, strict=True))
            problems.append(
                problem(file, None, name, described, "ingest.row_once", count=len(group))
            )
    return problems


# --- the diff ---------------------------------------------------------------------------


def _diff(
    settings: Settings, rows: Mapping[str, pd.DataFrame], catalogue: dict[str, Dataset]
) -> tuple[dict[str, DatasetChange], bool]:
    """Count per dataset the rows that are new, replace another value, or repeat one."""
    changes = {
        name: DatasetChange(rows=len(frame), added=len(frame)) for name, frame in rows.items()
    }
    if not settings.db_path.is_file():
        return changes, False
    # The process's own read-only connection (a second one with another configuration
    # would be refused by DuckDB once a page has opened the file).
    con = get_database(settings).connection().cursor()
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        for name, frame in rows.items():
            if name not in tables or frame.empty:
                continue
            dataset = catalogue[name]
            compared = [
                c.name
                for c in dataset.stored_columns
                if c.name not in dataset.key and c.name not in _PROVENANCE
            ]
            con.register("incoming_arrow", pa.Table.from_pandas(frame, preserve_index=False))
            try:
                cast = ", ".join(
                    f'CAST(i."{c.name}" AS {c.type}) AS "{c.name}"' for c in dataset.stored_columns
                )
                on = " AND ".join(f'n."{k}" IS NOT DISTINCT FROM t."{k}"' for k in dataset.key)
                same = (
                    " AND ".join(f'n."{c}" IS NOT DISTINCT FROM t."{c}"' for c in compared)
                    or "true"
                )
                found = con.execute(
                    f"WITH n AS (SELECT {cast}, row_number() OVER () AS _row "
                    "FROM incoming_arrow AS i) "
                    f"SELECT count(DISTINCT n._row) FILTER (WHERE {same}), "
                    f"count(DISTINCT n._row) FILTER (WHERE NOT ({same})) "
                    f'FROM n JOIN "{name}" AS t ON {on}'
                ).fetchall()[0]
            finally:
                con.unregister("incoming_arrow")
            unchanged, replaced = (int(found[0]), int(found[1])) if found else (0, 0)
            changes[name] = DatasetChange(
                rows=len(frame),
                added=len(frame) - unchanged - replaced,
                replaced=replaced,
                unchanged=unchanged,
            )
    finally:
        con.close()
    return changes, True


# --- preview and apply ---------------------------------------------------------------------


def preview(
    path: Path | str,
    kind: str | None = None,
    display_name: str | None = None,
    *,
    settings: Settings | None = None,
    choices: Mapping[str, str] | None = None,
) -> ImportPreview:
    """Read and check the whole file and say what importing it would change (nothing yet).

    Args:
        path: the file on disk (for a web upload, the temporary file).
        kind: px, pxweb-csv, jsonstat, qps or budget; detected from the content when None.
        display_name: the name the user knows the file by (used in problems and the journal).
        settings: defaults to the process settings.
        choices: staff's roles for columns (column -> one of readings.ROLES), kept as the
            table's recipe when the import is applied.
    """
    settings = settings or get_settings()
    path = Path(path)
    file = common.display_name(path, display_name)
    result = ImportPreview(path=path, display_name=file, settings=settings, kind=kind)
    result.choices = dict(choices or {})
    try:
        if kind is not None and kind not in KINDS:
            raise IngestError(
                [problem(file, None, "--kind", kind, "ingest.kind", kinds=", ".join(KINDS))]
            )
        result.kind = kind or detect(path, file)
        result.size = path.stat().st_size
        common.refuse_size(result.size, file)
        result.sha256 = _sha256(path)
        duplicate = [
            e for e in journal.read_entries(settings) if e.active and e.sha256 == result.sha256
        ]
        if duplicate:
            result.duplicate_of = duplicate[-1]
            return result
        catalogue = load_catalogue(settings.data_dir)
        mapped = derive_rows(
            path,
            result.kind,
            file,
            settings,
            catalogue,
            result.choices,
            result.readings,
            result.recipe_keys,
            applied=result.applied_choices,
        )
        result.notes = mapped.notes
        problems = _check_rows(mapped.rows, catalogue, file)
        if problems:
            raise IngestError(problems)
        result.rows = mapped.rows
        result.changes, result.database_exists = _diff(settings, mapped.rows, catalogue)
    except IngestError as error:
        result.problems = error.problems
        result.omitted = error.omitted
        result.rows = {}
    except OSError as error:
        result.problems = [common.unreadable(file, error)]
    except Exception as error:  # a reader's bug must not reach the user as a traceback
        # The traceback goes to a configured log (the server's), never to a terminal user.
        logger.error(
            "import preview of %s failed: %r",
            file,
            error,
            exc_info=bool(logging.getLogger().handlers),
        )
        result.problems = [
            problem(file, None, None, None, "ingest.unexpected", error=type(error).__name__)
        ]
        result.rows = {}
    return result


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def default_user() -> str:
    """The user recorded in the journal when none is given."""
    try:
        return os.environ.get("USER") or getpass.getuser()
    except OSError:
        return "unknown"


def _scratch_database(settings: Settings) -> Path:
    return settings.db_path.with_name(f".{settings.db_path.name}.journal-{os.getpid()}")


@contextmanager
def _writer(
    settings: Settings,
    file: str,
    on_wait: Callable[[], None] | None,
    timeout: float | None,
) -> Iterator[None]:
    """The writers' lock; waiting longer than ``timeout`` is refused as ImportRefused."""
    try:
        with journal.lock(settings, on_wait=on_wait, timeout=timeout):
            yield
    except journal.WriterBusy as error:
        raise ImportRefused(
            [
                problem(
                    file,
                    None,
                    common.Label("ingest.field.lock"),
                    None,
                    "ingest.busy",
                    seconds=f"{error.waited:g}",
                )
            ],
            summary=str(error),
        ) from None


def apply(
    preview_: ImportPreview,
    user: str | None = None,
    *,
    on_wait: Callable[[], None] | None = None,
    timeout: float | None = None,
) -> ImportResult:
    """Keep the file in the journal and rebuild the database with its rows.

    Args:
        preview_: the checked file.
        user: who imports (default: the login name).
        on_wait: called once when another writer holds the lock.
        timeout: seconds to wait for it at most (None: as long as it takes).

    Raises:
        ImportRefused: the preview has problems, another writer ran longer than
            ``timeout``, or the rebuild failed; nothing changed.
    """
    settings = preview_.settings
    user = user or default_user()
    if not preview_.ok:
        raise preview_.error()
    if preview_.duplicate_of is not None:
        return ImportResult("duplicate", preview_.duplicate_of)
    assert preview_.sha256 is not None and preview_.kind is not None
    catalogue = load_catalogue(settings.data_dir)
    with _writer(settings, preview_.display_name, on_wait, timeout):
        entries = journal.read_entries(settings)
        for entry in entries:
            if entry.active and entry.sha256 == preview_.sha256:
                return ImportResult("duplicate", entry)
        seq = (entries[-1].seq if entries else 0) + 1
        entry_id = journal.make_id(seq, preview_.sha256)
        rows = stamp(preview_.rows, entry_id)
        changes, _ = _diff(settings, rows, catalogue)
        entry = Entry(
            seq=seq,
            id=entry_id,
            sha256=preview_.sha256,
            original_name=preview_.display_name,
            kind=preview_.kind,
            imported_at=_now(),
            user=user,
            rows={name: c.rows for name, c in changes.items()},
            added={name: c.added for name, c in changes.items()},
            replaced={name: c.replaced for name, c in changes.items()},
            unchanged={name: c.unchanged for name, c in changes.items()},
            choices=dict(preview_.applied_choices),
        )
        scratch = _scratch_database(settings)
        try:
            staged = journal.stage(settings, entry, preview_.path, rows)
        except IngestError as error:  # the file changed since its preview
            raise ImportRefused(error.problems) from None
        try:
            with journal.overlay(pending=[entry]):
                report = writers.rebuild(settings, target=scratch)
            journal.commit(settings, entry)
        except BuildError as error:
            staged.rollback()
            discard(scratch)
            raise ImportRefused(
                error.problems,
                summary=f"the database could not be rebuilt with {preview_.display_name}; "
                "nothing was imported",
            ) from None
        except BaseException:
            if entry.id not in {e.id for e in journal.read_entries(settings)}:
                staged.rollback()  # committed already (interrupted after): its files stay
            discard(scratch)
            raise
        install(scratch, settings.db_path)
        if preview_.choices:
            recipes.save_choices(settings, preview_.recipe_keys, preview_.choices, user)
    report = replace(report, db_path=settings.db_path)
    return ImportResult("imported", entry, changes, report)


def _row_counts(settings: Settings) -> dict[str, int]:
    if not settings.db_path.is_file():
        return {}
    counts = get_database(settings).query_uncached("dataset_row_counts")
    return {
        str(name): int(rows) for name, rows in zip(counts["name"], counts["row_count"], strict=True)
    }


def undo(
    wanted: str,
    user: str | None = None,
    *,
    settings: Settings | None = None,
    on_wait: Callable[[], None] | None = None,
    timeout: float | None = None,
) -> UndoResult:
    """Stop replaying an import and rebuild; its raw file stays in the journal.

    ``on_wait`` and ``timeout`` are those of :func:`apply`.

    Raises:
        journal.UnknownImport: no import with that id.
        ImportRefused: another writer ran longer than ``timeout``, or the rebuild
            failed; nothing changed.
    """
    settings = settings or get_settings()
    user = user or default_user()
    with _writer(settings, wanted, on_wait, timeout):
        entry = journal.find(settings, wanted)
        if not entry.active:
            return UndoResult("already undone", entry)
        before = _row_counts(settings)
        scratch = _scratch_database(settings)
        try:
            with journal.overlay(undone=[entry.id]):
                report = writers.rebuild(settings, target=scratch)
            entry = journal.mark_undone(settings, entry, user, _now())
        except BuildError as error:
            discard(scratch)
            raise ImportRefused(
                error.problems, summary=f"the database could not be rebuilt without {entry.id}"
            ) from None
        except BaseException:
            discard(scratch)
            raise
        install(scratch, settings.db_path)
    return UndoResult("undone", entry, before, dict(report.rows_per_dataset))


def list_imports(settings: Settings | None = None) -> list[Entry]:
    """Every import, oldest first (undone ones included)."""
    return journal.read_entries(settings or get_settings())
