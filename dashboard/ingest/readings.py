"""How the importer read each column of a table, and why: shown to staff before an import.

A :class:`ColumnReading` says which role a column (a dimension of the table) was given,
the reason as a message key of ``dashboard/i18n/messages/imports.*.json`` and the values
that decided it. Where the reading is not certain, staff choose a role from
:data:`ROLES` (the upload page's list, the CLI's ``--map COLUMN=ROLE``) and the choice is
kept as a recipe for the table (:mod:`dashboard.ingest.recipes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.i18n import t
from dashboard.ingest.common import IngestError, problem

ROLES: tuple[str, ...] = (
    "municipality",
    "settlement",
    "year",
    "month",
    "sex",
    "age",
    "measure",
    "category",
    "ignore",
)
"""Roles a column can be given; "month" is any period (2023M02, 2023Q1), "ignore" a
column with a single value that is a total or the table's contents."""

CONTENTS = "(contents)"
"""The pseudo-column of a table's contents, for a table whose title does not say what its
figures count (a CSV saved without its heading line): staff choose one of
:data:`CONTENTS_ROLES` (``--map "(contents)=population"``)."""

CONTENTS_ROLES: tuple[str, ...] = ("population", "families", "members")

REASONS: tuple[str, ...] = (
    "name",
    "code",
    "values",
    "split",
    "chosen",
    "single",
    "unknown",
    "qps_clients",
    "qps_services",
    "contents",
)
"""Why a column got its role: its name, its codes read through ASK's code list, its
values, a split of a heading combining two variables, a staff choice (recipe or --map),
a single harmless value, or nothing (staff must choose); for a QPS sheet, whether it
counts clients (its title says so) or services."""

SHOWN_VALUES = 5


@dataclass(frozen=True)
class ColumnReading:
    """One column of a table as the importer read it."""

    table: str  # the table's title
    column: str  # the dimension's name as the file writes it (or the split part's)
    role: str | None  # one of ROLES, or None when it could not be read
    reason: str  # one of REASONS
    values: tuple[str, ...] = field(default_factory=tuple)  # the first values
    certain: bool = True  # False: staff should confirm or choose
    source: str | None = None  # for a split part: the column it was cut from

    def explain(self, lang: str) -> str:
        """The reading in a sentence of ``lang``: "Year: its values 2011, 2024 are years"."""
        role = t(f"imports.role.{self.role or 'none'}", lang)
        values = ", ".join(self.values[:SHOWN_VALUES])
        return t(
            f"imports.reason.{self.reason}",
            lang,
            column=self.column,
            role=role,
            values=values,
            source=self.source or "",
        )

    def as_dict(self, lang: str | None = None) -> dict[str, object]:
        """Plain data for a page or a JSON answer (``text`` when a language is given)."""
        data: dict[str, object] = {
            "table": self.table,
            "column": self.column,
            "role": self.role,
            "reason": self.reason,
            "values": list(self.values),
            "certain": self.certain,
            "source": self.source,
        }
        if lang is not None:
            data["text"] = self.explain(lang)
        return data


class ChoiceError(IngestError, ValueError):
    """A ``--map`` choice that cannot be read; its problem is said in sq, en and sr."""

    def __str__(self) -> str:
        return str(self.problems[0])


def parse_choice(text: str) -> tuple[str, str]:
    """Read a ``COLUMN=ROLE`` choice (the CLI's ``--map``).

    Raises:
        ChoiceError: no ``=``, an empty column, or a role not in :data:`ROLES`.
    """
    column, sep, role = text.rpartition("=")
    column, role = column.strip(), role.strip().casefold()
    if not sep or not column:
        raise ChoiceError([problem("--map", None, None, text, "ingest.choice.syntax")])
    roles = CONTENTS_ROLES if column == CONTENTS else ROLES
    if role not in roles:
        raise ChoiceError(
            [problem("--map", None, column, text, "ingest.choice.role", roles=", ".join(roles))]
        )
    return column, role


def role_choices(lang: str) -> list[dict[str, str]]:
    """The roles staff can choose from, for a drop-down: ``{"value", "label"}`` in ``lang``."""
    return [{"value": role, "label": t(f"imports.role.{role}", lang)} for role in ROLES]


def contents_choices(lang: str) -> list[dict[str, str]]:
    """What a table's figures can count, for the (contents) drop-down, in ``lang``."""
    return [{"value": role, "label": t(f"imports.role.{role}", lang)} for role in CONTENTS_ROLES]
