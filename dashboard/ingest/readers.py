"""Read a file of any known kind and map it to dataset rows (the importer's and the replay's).

The import journal re-derives an import's rows from its raw file with these when its
parquet rows are missing; the importer previews a new file with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.catalog import Dataset
from dashboard.ingest import (
    budget_execution,
    common,
    jsonstat,
    mapping,
    px,
    pxweb_csv,
    pxweb_xlsx,
    qps,
    recipes,
    sniff,
)
from dashboard.ingest.common import IngestError, problem
from dashboard.settings import Settings

KINDS = ("px", "pxweb-csv", "pxweb-xlsx", "jsonstat", "qps", "budget")
READERS = {
    "px": px.read,
    "pxweb-csv": pxweb_csv.read,
    "pxweb-xlsx": pxweb_xlsx.read,
    "jsonstat": jsonstat.read,
}


def detect(path: Path, display_name: str | None = None) -> str:
    """The kind of a file: px, pxweb-csv, jsonstat, budget or qps (by content, not name).

    A CSV or XLSX whose header has the budget-execution columns (line, period, committed or
    spent) is "budget"; any other XLSX, and a CSV with a QPS header, is "qps".
    """
    kind = sniff.detect_kind(path, display_name=display_name)
    if kind in ("xlsx", "pxweb-csv") and budget_execution.looks_like_budget(path):
        return "budget"
    if kind == "xlsx":
        return pxweb_xlsx.kind_of_workbook(path)
    if kind == "pxweb-csv" and qps.looks_like_qps(path):
        return "qps"
    return kind


def derive_rows(
    path: Path,
    kind: str,
    display_name: str | None,
    settings: Settings,
    catalogue: dict[str, Dataset],
    choices: Mapping[str, str] | None = None,
    readings: list[mapping.ColumnReading] | None = None,
    recipe_keys: list[tuple[str, str]] | None = None,
    *,
    use_recipes: bool = True,
    applied: dict[str, str] | None = None,
) -> mapping.Mapped:
    """Read a file of a known kind and map it to dataset rows (IngestError on problems).

    ``choices`` (column -> role, the CLI's ``--map``) win over the recipes saved for the
    file's tables, which win over what names and values say. ``readings`` and
    ``recipe_keys`` are filled with how each column was read and each table's recipe key,
    ``applied`` with the choices the reading used (given and saved: what the journal
    keeps). A replay of a journalled import passes its choices with ``use_recipes=False``:
    a recipe saved or forgotten since must not change how an accepted file reads.
    """
    file = common.display_name(path, display_name)
    if kind == "qps":
        mapped = qps.read(path, display_name=file, data_dir=settings.data_dir, catalogue=catalogue)
        if readings is not None:
            readings.extend(mapped.readings)
        return mapped
    if kind == "budget":
        return budget_execution.read(
            path, display_name=file, data_dir=settings.data_dir, catalogue=catalogue
        )
    if kind not in READERS:
        raise IngestError(
            [problem(file, None, "kind", kind, "ingest.kind", kinds=", ".join(KINDS))]
        )
    tables = READERS[kind](path, display_name=file)
    places = mapping.Places.from_data_dir(settings.data_dir)
    saved = recipes.choices_for(settings, tables) if use_recipes else {}
    if recipe_keys is not None:
        recipe_keys.extend((recipes.recipe_key(table), table.title) for table in tables)
    used = {**saved, **(choices or {})}
    if applied is not None:
        applied.update(used)
    return mapping.map_tables(tables, file, places, catalogue, used, readings)


def stamp(rows: Mapping[str, pd.DataFrame], import_id: str) -> dict[str, pd.DataFrame]:
    """Put the journal id on rows whose dataset has an import_id column."""
    stamped = {}
    for name, frame in rows.items():
        if "import_id" in frame.columns:
            frame = frame.copy()
            frame["import_id"] = pd.Categorical.from_codes(
                np.zeros(len(frame), dtype=np.int8),
                categories=pd.Index([import_id], dtype="string"),
            )
        stamped[name] = frame
    return stamped
