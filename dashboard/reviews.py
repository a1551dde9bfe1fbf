"""Staff decisions about the plan and the findings: kept in their own journal, replayed by builds.

``reviews.sqlite`` beside the entries journal (``settings.imports_dir``) holds one row per
decision (who, when, what, why), never updated: the latest decision of a kind and target
is the one in force. Three kinds:

- ``direction``: whether higher or lower is better for an indicator (target: its code);
- ``table_reading``: how to read an indicator table whose years disagree with the plan
  or the other tables (target: the table's source; value: as_printed or shifted);
- ``finding_mark``: a data-quality finding accepted, corrected or open (target: its id).

The value ``unset`` withdraws a direction or reading. The build calls :func:`contribute`,
which writes the decisions in force into ``staff_decisions`` (without user names: those
stay in this journal and in the audit log). Deleting the database loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashboard.db import Connection
from dashboard.ingest import journal, writers
from dashboard.ingest.writers import BuildError
from dashboard.plan_status import DIRECTIONS, READINGS
from dashboard.sqlite_journal import Journal, Refused, now

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

    from dashboard.catalog import Dataset
    from dashboard.settings import Settings

REVIEWS_FILE = "reviews.sqlite"
DATASET = "staff_decisions"
MAX_TEXT = 500
MAX_TARGET = 300
UNSET = "unset"
MARKS: tuple[str, ...] = ("accepted", "corrected", "open")
KINDS: dict[str, tuple[str, ...]] = {
    "direction": (*DIRECTIONS, UNSET),
    "table_reading": (*READINGS, UNSET),
    "finding_mark": MARKS,
}

DECISIONS_TABLE = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY,            -- replay order
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    value TEXT NOT NULL,
    note TEXT NOT NULL,                -- why
    user TEXT NOT NULL,
    decided_at TEXT NOT NULL           -- UTC, ISO 8601
)
"""


class DecisionRefused(Refused):
    """The decision does not fit (message key and values for the page)."""


@dataclass(frozen=True)
class Decision:
    """One staff decision."""

    id: int
    kind: str
    target: str
    value: str
    note: str
    user: str
    decided_at: str


JOURNAL = Journal(
    REVIEWS_FILE,
    DECISIONS_TABLE,
    select_all="SELECT * FROM decisions ORDER BY id",
    select_by="SELECT * FROM decisions WHERE kind = ? ORDER BY id",
)


def read_decisions(settings: Settings, kind: str | None = None) -> list[Decision]:
    """Every decision, oldest first; optionally of one kind."""
    return [Decision(**row) for row in JOURNAL.rows(settings.imports_dir, kind)]


def in_force(decisions: list[Decision]) -> dict[tuple[str, str], Decision]:
    """The latest decision of each kind and target, withdrawn ones (unset) left out."""
    latest: dict[tuple[str, str], Decision] = {}
    for decision in decisions:
        latest[(decision.kind, decision.target)] = decision
    return {key: d for key, d in latest.items() if d.value != UNSET}


def contribute(con: Connection, settings: Settings, catalogue: dict[str, Dataset]) -> None:
    """Write the decisions in force into staff_decisions."""
    if DATASET not in catalogue:
        return
    for decision in in_force(read_decisions(settings)).values():
        con.execute(
            "INSERT INTO staff_decisions (kind, target, value, note, decided_at, source)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                decision.kind,
                decision.target,
                decision.value,
                decision.note,
                decision.decided_at,
                f"Vendim i stafit, {decision.decided_at[:10]}",
            ],
        )


def finding_marks(decisions: pd.DataFrame) -> pd.DataFrame:
    """The marks on data-quality findings among the decisions in force (staff_decisions)."""
    if decisions.empty:
        return decisions
    return decisions[decisions["kind"] == "finding_mark"]


def check_finding(finding_id: object, finding_ids: Iterable[str]) -> None:
    """Refuse a mark for a finding the current build does not have (DecisionRefused)."""
    if finding_id not in set(finding_ids):
        raise DecisionRefused("quality.error.target")


def validate(kind: str, target: str, value: str, note: str) -> tuple[str, str, str, str]:
    """The decision's fields cleaned, or DecisionRefused naming the field."""
    kind = (kind or "").strip()
    target = (target or "").strip()
    value = (value or "").strip()
    note = (note or "").strip()
    if kind not in KINDS:
        raise DecisionRefused("quality.error.kind", value=kind[:40])
    if not target or len(target) > MAX_TARGET:
        raise DecisionRefused("quality.error.target")
    if value not in KINDS[kind]:
        raise DecisionRefused(
            "quality.error.value", value=value[:40], expected=", ".join(KINDS[kind])
        )
    if not note:
        raise DecisionRefused("quality.error.note")
    return kind, target, value, note[:MAX_TEXT]


def decide(
    settings: Settings, kind: str, target: str, value: str, note: str, user: str
) -> Decision:
    """Validate, journal and rebuild; on a failed build the decision is removed again."""
    kind, target, value, note = validate(kind, target, value, note)
    with journal.lock(settings):
        decision_id, _ = JOURNAL.write(
            settings.imports_dir,
            "INSERT INTO decisions (kind, target, value, note, user, decided_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (kind, target, value, note, user, now()),
        )
        # Built beside the old file and swapped in atomically; a failed build takes it back.
        JOURNAL.rebuild_or_revert(
            settings.imports_dir,
            lambda: writers.rebuild(settings),
            BuildError,
            "DELETE FROM decisions WHERE id = ?",
            (decision_id,),
        )
    return next(d for d in read_decisions(settings) if d.id == decision_id)
