"""Reported results entered by staff: kept in their own journal, replayed by every build.

``entries.sqlite`` beside the import journal (``settings.imports_dir``) holds one row per
entry (who, when, indicator, year, old value, new value, source, comment) and whether it
was undone. The build calls :func:`contribute`, which upserts the latest active entry of
each indicator and year into ``plan_indicator_values`` as kind "reported". Deleting the
database and rebuilding loses nothing; an undo brings back the value from data/ or the
previous entry.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dashboard.db import get_database
from dashboard.ingest import journal, writers
from dashboard.ingest.writers import BuildError
from dashboard.sqlite_journal import Journal, Refused, now

if TYPE_CHECKING:
    import pandas as pd

    from dashboard.catalog import Dataset
    from dashboard.db import Connection
    from dashboard.settings import Settings

ENTRIES_FILE = "entries.sqlite"
DATASET = "plan_indicator_values"
KIND = "reported"
MAX_TEXT = 500
FIRST_YEAR = 2000
ENTERED_UNITS = ("count", "binary")  # the units a result can be entered in (parse_value)

ENTRIES_TABLE = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,            -- replay order
    indicator_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    value REAL NOT NULL,
    old_value REAL,                    -- the reported value shown before the entry, if any
    source TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    user TEXT NOT NULL,
    entered_at TEXT NOT NULL,          -- UTC, ISO 8601
    status TEXT NOT NULL CHECK (status IN ('active', 'undone')),
    undone_at TEXT,
    undone_by TEXT
)
"""


class EntryRefused(Refused):
    """The value does not fit the indicator (message key and values for the page)."""


@dataclass(frozen=True)
class ResultEntry:
    """One reported value entered by a staff member."""

    id: int
    indicator_code: str
    year: int
    value: float
    old_value: float | None
    source: str
    comment: str
    user: str
    entered_at: str
    status: str
    undone_at: str | None
    undone_by: str | None

    @property
    def active(self) -> bool:
        """Whether the build replays this entry."""
        return self.status == journal.ACTIVE


JOURNAL = Journal(
    ENTRIES_FILE,
    ENTRIES_TABLE,
    select_all="SELECT * FROM entries ORDER BY id",
    select_by="SELECT * FROM entries WHERE indicator_code = ? ORDER BY id",
)


def read_entries(settings: Settings, indicator_code: str | None = None) -> list[ResultEntry]:
    """Every entry, oldest first (undone ones included); optionally of one indicator."""
    return [ResultEntry(**row) for row in JOURNAL.rows(settings.imports_dir, indicator_code)]


def source_text(entry: ResultEntry) -> str:
    """The `source` a replayed entry carries in plan_indicator_values."""
    return f"Hyrje nga stafi: {entry.user}, {entry.entered_at[:10]}: {entry.source}"


def contribute(con: Connection, settings: Settings, catalogue: dict[str, Dataset]) -> None:
    """Upsert the latest active entry of each indicator and year as a reported value."""
    if DATASET not in catalogue:
        return
    latest: dict[tuple[str, int], ResultEntry] = {}
    for entry in read_entries(settings):
        if entry.active:
            latest[(entry.indicator_code, entry.year)] = entry
    for entry in latest.values():
        con.execute(
            "DELETE FROM plan_indicator_values WHERE indicator_code = ? AND year = ? AND kind = ?",
            [entry.indicator_code, entry.year, KIND],
        )
        con.execute(
            "INSERT INTO plan_indicator_values"
            " (indicator_code, year, kind, value, value_text, source_date, note, source)"
            " VALUES (?, ?, ?, ?, NULL, ?, ?, ?)",
            [
                entry.indicator_code,
                entry.year,
                KIND,
                entry.value,
                entry.entered_at[:10],
                entry.comment or None,
                source_text(entry),
            ],
        )


# --- validation ---------------------------------------------------------------------------


def indicator_unit(settings: Settings, indicator_code: str) -> str | None:
    """The unit of a plan indicator (count, binary, text), or None when there is none."""
    found = get_database(settings).query("plan_indicator_unit", {"indicator_code": indicator_code})
    return None if found.empty else str(found["unit"].iloc[0])


def current_value(settings: Settings, indicator_code: str, year: int) -> float | None:
    """The reported value the database holds for an indicator and year."""
    found = get_database(settings).query(
        "plan_indicator_reported_value",
        {"indicator_code": indicator_code, "year": year, "kind": KIND},
    )
    if found.empty or found["value"].isna().iloc[0]:
        return None
    return float(found["value"].iloc[0])


def enterable_indicators(indicators: pd.DataFrame) -> pd.DataFrame:
    """The plan indicators a result can be entered for (counts and yes/no), order kept."""
    return indicators[indicators["unit"].isin(ENTERED_UNITS)]


def parse_value(unit: str | None, text: str | float | int | None) -> float:
    """The entered value as a number that fits the unit, or EntryRefused."""
    if unit is None:
        raise EntryRefused("entry.error.indicator")
    if unit not in ENTERED_UNITS:
        raise EntryRefused("entry.error.text_unit", unit=unit)
    raw = str(text if text is not None else "").strip().replace(",", ".")
    try:
        number = float(raw)
    except ValueError:
        raise EntryRefused("entry.error.number", value=raw[:40]) from None
    if not math.isfinite(number) or number != int(number):
        raise EntryRefused("entry.error.whole", value=raw[:40])
    if unit == "binary" and number not in (0, 1):
        raise EntryRefused("entry.error.binary", value=raw[:40])
    if number < 0:
        raise EntryRefused("entry.error.negative", value=raw[:40])
    return float(int(number))


def parse_year(text: str | int | None) -> int:
    """A year from FIRST_YEAR to the current year, or EntryRefused."""
    try:
        year = int(str(text).strip())
    except ValueError:
        raise EntryRefused("entry.error.year", value=str(text)[:20]) from None
    if not FIRST_YEAR <= year <= datetime.now(UTC).year:
        raise EntryRefused("entry.error.year", value=str(year))
    return year


# --- writing ------------------------------------------------------------------------------


def _rebuild_or_revert(settings: Settings, revert: str, parameters: tuple[object, ...]) -> None:
    """Rebuild (beside the old file, swapped in atomically); a failed build is reverted."""
    JOURNAL.rebuild_or_revert(
        settings.imports_dir, lambda: writers.rebuild(settings), BuildError, revert, parameters
    )


@contextmanager
def _writer(
    settings: Settings, on_wait: Callable[[], None] | None, timeout: float | None
) -> Iterator[None]:
    """The writers' lock; waiting longer than ``timeout`` is refused with a message key."""
    try:
        with journal.lock(settings, on_wait=on_wait, timeout=timeout):
            yield
    except journal.WriterBusy as error:
        raise EntryRefused("writers.busy", seconds=f"{error.waited:g}") from None


def record(
    settings: Settings,
    indicator_code: str,
    year: str | int | None,
    value: str | float | None,
    source: str,
    comment: str,
    user: str,
    *,
    on_wait: Callable[[], None] | None = None,
    timeout: float | None = None,
) -> ResultEntry:
    """Validate, journal and rebuild; on a failed build the entry is removed again.

    ``on_wait`` is called once if another writer holds the lock; after ``timeout``
    seconds of waiting (None: no limit) the entry is refused ("writers.busy").
    """
    source = (source or "").strip()[:MAX_TEXT]
    comment = (comment or "").strip()[:MAX_TEXT]
    if not source:
        raise EntryRefused("entry.error.source")
    unit = indicator_unit(settings, indicator_code or "")
    number = parse_value(unit, value)
    year_ = parse_year(year)
    with _writer(settings, on_wait, timeout):
        old = current_value(settings, indicator_code, year_)
        entry_id, _ = JOURNAL.write(
            settings.imports_dir,
            "INSERT INTO entries (indicator_code, year, value, old_value, source, comment,"
            " user, entered_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active')",
            (indicator_code, year_, number, old, source, comment, user, now()),
        )
        _rebuild_or_revert(settings, "DELETE FROM entries WHERE id = ?", (entry_id,))
    return next(e for e in read_entries(settings) if e.id == entry_id)


def undo(
    settings: Settings,
    entry_id: int,
    user: str,
    *,
    on_wait: Callable[[], None] | None = None,
    timeout: float | None = None,
) -> ResultEntry:
    """Stop replaying an entry and rebuild (the row stays, marked undone).

    ``on_wait`` and ``timeout`` are those of :func:`record`.
    """
    with _writer(settings, on_wait, timeout):
        _, changed = JOURNAL.write(
            settings.imports_dir,
            "UPDATE entries SET status = 'undone', undone_at = ?, undone_by = ?"
            " WHERE id = ? AND status = 'active'",
            (now(), user, int(entry_id)),
        )
        if changed:
            _rebuild_or_revert(
                settings,
                "UPDATE entries SET status = 'active', undone_at = NULL, undone_by = NULL"
                " WHERE id = ?",
                (int(entry_id),),
            )
    found = [e for e in read_entries(settings) if e.id == int(entry_id)]
    if not found:
        raise EntryRefused("entry.error.unknown", value=str(entry_id))
    return found[0]
