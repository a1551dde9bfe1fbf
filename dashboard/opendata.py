"""Open data: the catalogue and the rows of every dataset, in CSV, JSON and Parquet.

Shared by the HTTP API and `dms-dashboard export`, so both give the same bytes.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.catalog import Dataset, load_catalogue
from dashboard.db import Database
from dashboard.security import spreadsheet_safe
from dashboard.settings import Settings
from dashboard.suppression import REASON_COLUMN, drop_demonstration, for_audience

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


def catalogue_entries(
    settings: Settings, database: Database, role: str = "public"
) -> list[dict[str, Any]]:
    """The catalogue: what each dataset is, where it comes from, how big it is (for the role)."""
    built = database.query("dataset_row_counts").set_index("name")
    entries = []
    for dataset in load_catalogue(settings.data_dir).values():
        stats = built.loc[dataset.name] if dataset.name in built.index else None
        row_count = int(stats["row_count"]) if stats is not None else 0
        if role == "public" and dataset.demonstration and row_count:
            public = database.query("dataset_public_row_count", {"table": dataset.name})
            row_count = int(public["public_rows"].iloc[0])
        columns = [
            {"name": c.name, "type": c.type, "description": c.description} for c in dataset.columns
        ]
        if role == "public" and dataset.disclosure:
            columns.append(
                {
                    "name": REASON_COLUMN,
                    "type": "VARCHAR",
                    "description": (
                        f"why {dataset.disclosure['count']} is empty: '< "
                        f"{settings.disclosure_threshold}' (too few people to publish) or "
                        "'secondary' (withheld so that a small count cannot be worked out)"
                    ),
                }
            )
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
                "columns": columns,
                "disclosure": _disclosure_note(dataset, settings) if role == "public" else None,
                "row_count": row_count,
                "built_at": str(stats["built_at"]) if stats is not None else None,
                "downloads": {fmt: f"/api/v1/datasets/{dataset.name}.{fmt}" for fmt in FORMATS},
            }
        )
    return entries


def _disclosure_note(dataset: Dataset, settings: Settings) -> dict[str, Any] | None:
    if not dataset.disclosure:
        return None
    return {
        "count_column": dataset.disclosure["count"],
        "threshold": settings.disclosure_threshold,
        "zero_suppressed": False,
        "marks": {
            f"< {settings.disclosure_threshold}": "fewer people than the threshold",
            "secondary": "withheld so that a small count cannot be worked out from totals",
        },
    }


def _checked(settings: Settings, name: str, filters: Mapping[str, Sequence[str]] | None) -> Dataset:
    dataset = get_dataset(settings, name)
    for column in filters or {}:
        if column not in dataset.filters:
            allowed = ", ".join(dataset.filters) or "none"
            raise BadFilter(f"'{column}' is not a filter of {name}; allowed: {allowed}")
    return dataset


def _has_demonstration_column(dataset: Dataset) -> bool:
    return any(column.name == "demonstration" for column in dataset.columns)


def dataset_batches(
    settings: Settings,
    database: Database,
    name: str,
    filters: Mapping[str, Sequence[str]] | None = None,
    role: str = "public",
) -> Iterator[pd.DataFrame]:
    """The rows of one dataset the role may see, in frames of bounded size.

    For the public, demonstration rows are left out (in the database, before anything is
    read) and counts of people are suppressed (dashboard/suppression.py). Suppression is
    decided on the whole table and then the filter is applied, so that two filtered
    downloads never withhold different cells (which would let someone difference them);
    that table is read whole, every other download is streamed. Raises UnknownDataset or
    BadFilter before the first frame.
    """
    dataset = _checked(settings, name, filters)
    if role != "public":
        return database.dataset_batches(dataset.name, dataset.filters, filters)
    real_only = _has_demonstration_column(dataset)
    if not dataset.disclosure:
        batches = database.dataset_batches(
            dataset.name, dataset.filters, filters, real_only=real_only
        )
        return (
            drop_demonstration(frame, dataset.demonstration).reset_index(drop=True)
            for frame in batches
        )
    whole = _public_table(settings, database, dataset)
    if not filters:
        return iter([whole.copy(deep=False)])
    chosen = database.select_dataset(dataset.name, dataset.filters, filters, real_only=real_only)
    chosen = drop_demonstration(chosen, dataset.demonstration)
    key = list(dataset.key)
    return iter([chosen[key].merge(whole, on=key, how="left", sort=False)[list(whole.columns)]])


def dataset_rows(
    settings: Settings,
    database: Database,
    name: str,
    filters: Mapping[str, Sequence[str]] | None = None,
    role: str = "public",
) -> pd.DataFrame:
    """All the rows `dataset_batches` gives, in one frame."""
    frames = list(dataset_batches(settings, database, name, filters, role))
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


_public_tables: OrderedDict[tuple[str, str, int], pd.DataFrame] = OrderedDict()
_public_tables_lock = threading.Lock()


def _public_table(settings: Settings, database: Database, dataset: Dataset) -> pd.DataFrame:
    """The whole table as the public sees it, kept per database build."""
    cache_key = (dataset.name, database.version, settings.disclosure_threshold)
    with _public_tables_lock:
        if cache_key in _public_tables:
            _public_tables.move_to_end(cache_key)
            return _public_tables[cache_key]
    rows = database.select_dataset(
        dataset.name, dataset.filters, None, real_only=_has_demonstration_column(dataset)
    )
    public = for_audience(
        rows, dataset.name, "public", threshold=settings.disclosure_threshold
    ).reset_index(drop=True)
    with _public_tables_lock:
        _public_tables[cache_key] = public
        while len(_public_tables) > 16:
            _public_tables.popitem(last=False)
    return public


def encode(frame: pd.DataFrame, fmt: str) -> bytes:
    """Serialise rows: CSV with a BOM so Excel reads Albanian letters, JSON records, Parquet."""
    return b"".join(encode_stream(iter([frame]), fmt))


def encode_stream(frames: Iterator[pd.DataFrame], fmt: str) -> Iterator[bytes]:
    """Serialise frames of rows as one file, a piece at a time (bounded memory).

    The bytes equal those of the frames concatenated and encoded at once (Parquet: the
    same rows, one row group per frame).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "csv":
        for index, frame in enumerate(frames):
            safe = spreadsheet_safe(frame)  # a text cell never runs as a formula in Excel
            text = safe.to_csv(index=False, header=index == 0, lineterminator="\r\n")
            yield text.encode("utf-8-sig" if index == 0 else "utf-8")
    elif fmt == "json":
        yield b"["
        first = True
        for frame in frames:
            records = json.loads(
                frame.to_json(orient="records", date_format="iso", force_ascii=False)
            )
            if not records:
                continue
            text = ", ".join(json.dumps(record, ensure_ascii=False) for record in records)
            yield (text if first else ", " + text).encode("utf-8")
            first = False
        yield b"]"
    else:
        yield from _parquet_stream(frames)


def _parquet_stream(frames: Iterator[pd.DataFrame]) -> Iterator[bytes]:
    # Parquet's footer comes last, so the file is written first: to memory while small,
    # to a temporary file beyond 64 MB.
    with tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024) as spool:
        writer: pq.ParquetWriter | None = None
        try:
            for frame in frames:
                table = pa.Table.from_pandas(frame, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(spool, table.schema)
                writer.write_table(table.cast(writer.schema))
        finally:
            if writer is not None:
                writer.close()
        spool.seek(0)
        while chunk := spool.read(1 << 20):
            yield chunk
