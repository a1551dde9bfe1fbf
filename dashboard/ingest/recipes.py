"""Staff's column choices, kept per table and reused the next time the table is imported.

A recipe says, for one ASK table (by its matrix code, else its title), which role each
column the importer could not read with certainty has: ``{"heading[2]": "measure"}``.
It is saved when an import made with choices is applied, shown with the readings, and
can be listed and removed (``dms-dashboard imports recipes``). One JSON file in the
imports folder, written whole and swapped in, so a reader never sees half of it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dashboard.ingest.common import StatTable, read_json_object
from dashboard.ingest.readings import CONTENTS, CONTENTS_ROLES, ROLES
from dashboard.settings import Settings

FILE_NAME = "recipes.json"


@dataclass(frozen=True)
class Recipe:
    """The saved choices of one table."""

    key: str
    title: str
    choices: dict[str, str]
    saved_at: str
    user: str


def path_of(settings: Settings) -> Path:
    """Where the recipes are kept."""
    return settings.imports_dir / FILE_NAME


def recipe_key(table: StatTable) -> str:
    """A table's key: ``matrix:<code>`` when the file names its matrix, else its title."""
    matrix = table.metadata.get("MATRIX")
    if matrix:
        return f"matrix:{matrix.strip()}"
    from dashboard.ingest.mapping import normalise

    return f"title:{normalise(table.title or '')}"


def _load(settings: Settings) -> dict[str, dict]:
    return read_json_object(path_of(settings))


def _write(settings: Settings, data: Mapping[str, dict]) -> None:
    path = path_of(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}")
    scratch.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), "utf-8")
    os.replace(scratch, path)


def list_recipes(settings: Settings) -> list[Recipe]:
    """Every saved recipe, by key."""
    return [
        Recipe(
            key,
            str(item.get("title", "")),
            {str(k): str(v) for k, v in dict(item.get("choices", {})).items()},
            str(item.get("saved_at", "")),
            str(item.get("user", "")),
        )
        for key, item in sorted(_load(settings).items())
        if isinstance(item, dict)
    ]


def choices_for(settings: Settings, tables: Iterable[StatTable]) -> dict[str, str]:
    """The saved choices of these tables, for the columns they have."""
    saved = _load(settings)
    found: dict[str, str] = {}
    for table in tables:
        item = saved.get(recipe_key(table))
        if not isinstance(item, dict):
            continue
        names = set(table.dimensions)
        for column, role in dict(item.get("choices", {})).items():
            if column == CONTENTS and role in CONTENTS_ROLES:
                found[column] = str(role)
            elif role in ROLES and (column in names or column.rsplit("[", 1)[0] in names):
                found[str(column)] = str(role)
    return found


def save_choices(
    settings: Settings,
    keys: Sequence[tuple[str, str]],
    choices: Mapping[str, str],
    user: str,
) -> None:
    """Keep ``choices`` as the recipe of each table (key, title) the import read."""
    if not choices or not keys:
        return
    data = _load(settings)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    for key, title in keys:
        data[key] = {"title": title, "choices": dict(choices), "saved_at": now, "user": user}
    _write(settings, data)


def remove(settings: Settings, key: str) -> bool:
    """Forget a recipe; False when there is none with that key."""
    data = _load(settings)
    if key not in data:
        return False
    del data[key]
    _write(settings, data)
    return True
