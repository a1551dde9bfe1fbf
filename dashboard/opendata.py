"""Open data: the catalogue and the rows of every dataset, in CSV, JSON and Parquet.

Shared by the HTTP API and `dms-dashboard export`, so both give the same bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from dashboard.catalog import Dataset, load_catalogue
from dashboard.db import Database
from dashboard.settings import Settings

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}


class UnknownDataset(LookupError):
    """No dataset of that name."""


class BadFilter(ValueError):
    """A query argument that is not a documented filter of the dataset."""


def get_dataset(settings: Settings, name: str) -> Dataset:
    """The catalogue entry of a dataset, or UnknownDataset."""
    catalogue = load_catalogue(settings.data_dir)
    if name not in catalogue:
        raise UnknownDataset(name)
    return catalogue[name]


def catalogue_entries(settings: Settings, database: Database) -> list[dict[str, Any]]:
    """The public catalogue: what each dataset is, where it comes from, how big it is."""
    built = database.query("dataset_row_counts").set_index("name")
    entries = []
    for dataset in load_catalogue(settings.data_dir).values():
        stats = built.loc[dataset.name] if dataset.name in built.index else None
        entries.append(
            {
                "name": dataset.name,
                "title": {"sq": dataset.title_sq, "en": dataset.title_en},
                "description": dataset.description,
                "source": dataset.source,
                "licence": dataset.licence,
                "demonstration": dataset.demonstration,
                "key": list(dataset.key),
                "filters": list(dataset.filters),
                "columns": [
                    {"name": c.name, "type": c.type, "description": c.description}
                    for c in dataset.columns
                ],
                "row_count": int(stats["row_count"]) if stats is not None else 0,
                "built_at": str(stats["built_at"]) if stats is not None else None,
                "downloads": {fmt: f"/api/v1/datasets/{dataset.name}.{fmt}" for fmt in FORMATS},
            }
        )
    return entries


def dataset_rows(
    settings: Settings,
    database: Database,
    name: str,
    filters: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """The rows of one dataset, filtered on its documented filter columns."""
    dataset = get_dataset(settings, name)
    for column in filters or {}:
        if column not in dataset.filters:
            allowed = ", ".join(dataset.filters) or "none"
            raise BadFilter(f"'{column}' is not a filter of {name}; allowed: {allowed}")
    return database.select_dataset(dataset.name, dataset.filters, filters)


def encode(frame: pd.DataFrame, fmt: str) -> bytes:
    """Serialise rows: CSV with a BOM so Excel reads Albanian letters, JSON records, Parquet."""
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
        return json.dumps(records, ensure_ascii=False).encode("utf-8")
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
