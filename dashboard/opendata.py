"""Open data: the catalogue and the rows of every dataset, in CSV, JSON and Parquet.

Shared by the HTTP API and `dms-dashboard export`, so both give the same bytes.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.catalog import Dataset, load_catalogue
from dashboard.db import Database
from dashboard.publish import Policy
from dashboard.security import spreadsheet_safe
from dashboard.settings import Settings
from dashboard.suppression import REASON_COLUMN

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
    """The catalogue: what each dataset is, where it comes from, how big it is (for the role).

    For the public, `database` is the published layer, so the row counts are of what is
    published (no demonstration rows; the sums the layer adds included).
    """
    built = database.query("dataset_row_counts").set_index("name")
    entries = []
    for dataset in load_catalogue(settings.data_dir).values():
        stats = built.loc[dataset.name] if dataset.name in built.index else None
        row_count = int(stats["row_count"]) if stats is not None else 0
        columns = [
            {"name": c.name, "type": c.type, "description": c.description} for c in dataset.columns
        ]
        policy = Policy.of(dataset)
        if role == "public" and policy.kind == "threshold":
            columns.append(
                {
                    "name": REASON_COLUMN,
                    "type": "VARCHAR",
                    "description": (
                        f"why {policy.count} is empty: '< "
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
                "disclosure": _disclosure_note(policy, settings) if role == "public" else None,
                "row_count": row_count,
                "built_at": str(stats["built_at"]) if stats is not None else None,
                "downloads": {fmt: f"/api/v1/datasets/{dataset.name}.{fmt}" for fmt in FORMATS},
            }
        )
    return entries


def _disclosure_note(policy: Policy, settings: Settings) -> dict[str, Any] | None:
    if policy.kind == "open":
        return None
    if policy.kind == "as_printed":
        return {"policy": "as_printed", "reason": policy.reason}
    totals = {
        column: f"rows with {column} = 0 or 'total' are the sums over every {column}"
        for column in policy.summed
    }
    return {
        "policy": "threshold",
        "reason": policy.reason,
        "count_column": policy.count,
        "threshold": settings.disclosure_threshold,
        "zero_suppressed": False,
        "as_printed_sources": list(policy.as_printed_sources),
        "totals": totals,
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


def dataset_batches(
    settings: Settings,
    database: Database,
    name: str,
    filters: Mapping[str, Sequence[str]] | None = None,
    role: str = "public",
) -> Iterator[pd.DataFrame]:
    """The rows of one dataset the role may see, in frames of bounded size.

    The public reads the published layer (`database` must be it): suppression was decided
    once at build time over the whole linked table, so two filtered downloads never
    withhold different cells. Raises UnknownDataset or BadFilter before the first frame.
    """
    dataset = _checked(settings, name, filters)
    if role == "public" and not database.public:
        raise PermissionError("the public reads the published layer only")
    return (
        frame.reset_index(drop=True)
        for frame in database.dataset_batches(dataset.name, dataset.filters, filters)
    )


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
