"""Read PX-JSON: the ``json`` answer of the PxWeb API v1 (what ASK's API gives by default).

``{"columns": [{"code", "text", "type"}...], "data": [{"key": [...], "values": [...]}],
"comments": [...], "metadata": [{"label", "source", "updated"}]}``. Columns are typed:
``d`` a dimension, ``t`` time, ``c`` a content (a measure: one value per content column
in ``values``). Keys are value CODES, not labels: the labels come from the table's
metadata (the API's GET answer, ``variables[].values``/``valueTexts``) when given, else
the codes are kept as labels and recognised later (years and months are their own
codes; municipality numbers go through the ASK code list, flagged for staff to check).
Values are strings: a number, or one of the missing symbols.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import numpy as np

from dashboard.ingest import common
from dashboard.ingest.common import Dimension, IngestError, ProblemLog, StatTable

FORMAT = "px-json"
CONTENTS = "Contents"
"""Name of the measure dimension when a table has several content columns."""


def is_pxjson(document: Any) -> bool:
    """Whether a parsed JSON document is a PX-JSON answer."""
    return (
        isinstance(document, dict)
        and isinstance(document.get("columns"), list)
        and isinstance(document.get("data"), list)
    )


def read(
    source: Path | bytes,
    *,
    display_name: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> list[StatTable]:
    """Read a PX-JSON answer into one table.

    Args:
        source: the file on disk, or its bytes.
        display_name: the name shown in problems.
        metadata: the table's metadata (PxWeb API GET answer), for the value labels.

    Raises:
        IngestError: with every problem found.
    """
    if isinstance(source, Path):
        file = common.display_name(source, display_name)
        raw = common.read_bytes(source, file)
    else:
        file, raw = display_name or "upload", source
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    text = common.decode(raw, "utf-8", file)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise IngestError(
            [common.problem(file, error.lineno, None, None, "ingest.json.valid", error=error.msg)]
        ) from None
    return [table_of(document, file, metadata)]


def _labels_from(metadata: dict[str, Any] | None) -> dict[str, tuple[str, dict[str, str]]]:
    """Per variable code: its name and {value code: label}, from a GET metadata answer."""
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for variable in (metadata or {}).get("variables", []) or []:
        if not isinstance(variable, dict):
            continue
        codes = [str(v) for v in variable.get("values", [])]
        texts = [str(v) for v in variable.get("valueTexts", codes)]
        found[str(variable.get("code"))] = (
            str(variable.get("text") or variable.get("code")),
            dict(zip(codes, texts, strict=False)),
        )
    return found


def table_of(document: Any, file: str, metadata: dict[str, Any] | None = None) -> StatTable:
    """Turn a parsed PX-JSON answer into a table (IngestError on problems)."""
    log = ProblemLog(file)
    if not is_pxjson(document):
        raise IngestError([common.problem(file, None, None, None, "ingest.pxjson.shape")])
    columns = document["columns"]
    known = _labels_from(metadata)
    keys: list[dict[str, Any]] = []
    contents: list[dict[str, Any]] = []
    for i, column in enumerate(columns):
        kind = column.get("type") if isinstance(column, dict) else None
        if kind in ("d", "t"):
            keys.append(column)
        elif kind == "c":
            contents.append(column)
        else:
            log.say(None, f"columns[{i}].type", str(kind), "ingest.pxjson.type")
    if not contents:
        log.say(None, "columns", None, "ingest.pxjson.contents")
    log.raise_if_any()
    key_codes: list[list[str]] = [[] for _ in keys]
    cell_texts: list[str] = []
    for n, row in enumerate(document["data"]):
        key = row.get("key") if isinstance(row, dict) else None
        values = row.get("values") if isinstance(row, dict) else None
        if not isinstance(key, list) or len(key) != len(keys):
            log.say(
                None, f"data[{n}].key", json.dumps(key)[:60], "ingest.pxjson.key", count=len(keys)
            )
            continue
        if not isinstance(values, list) or len(values) != len(contents):
            log.say(
                None,
                f"data[{n}].values",
                json.dumps(values)[:60],
                "ingest.pxjson.values",
                count=len(contents),
            )
            continue
        for j, code in enumerate(key):
            key_codes[j].append(str(code))
        cell_texts.extend("" if v is None else str(v) for v in values)
    log.raise_if_any()
    dims: list[Dimension] = []
    positions: list[np.ndarray] = []
    rows = len(document["data"])
    width = len(contents)
    labels_are_codes = []
    for column, codes in zip(keys, key_codes, strict=True):
        code = str(column.get("code"))
        name, texts = known.get(code, (str(column.get("text") or code), {}))
        uniques = list(dict.fromkeys(codes))
        index = {c: i for i, c in enumerate(uniques)}
        labels = [texts.get(c, c) for c in uniques]
        if not texts:
            labels_are_codes.append(name)
        dims.append(Dimension(name, labels, uniques))
        positions.append(np.repeat(np.array([index[c] for c in codes], dtype=np.int64), width))
    if width > 1:
        names = [str(c.get("text") or c.get("code")) for c in contents]
        dims.append(Dimension(CONTENTS, names, [str(c.get("code")) for c in contents]))
        positions.append(np.tile(np.arange(width, dtype=np.int64), rows))
    cells = common.classify_cells(cell_texts)
    for index in cells.bad[:200].tolist():
        row, column = divmod(index, width)
        log.say(
            None,
            f"data[{row}].values[{column}]",
            cell_texts[index],
            "ingest.number_or_symbol",
            symbols=" ".join(common.MISSING_SYMBOLS),
        )
    for name in common.duplicates([d.name for d in dims]):
        log.say(None, name, None, "ingest.variable_once")
    log.raise_if_any()
    meta_list = document.get("metadata")
    info = meta_list[0] if isinstance(meta_list, list) and meta_list else {}
    info = info if isinstance(info, dict) else {}
    title = str(
        (metadata or {}).get("title")
        or info.get("label")
        or (contents[0].get("text") if len(contents) == 1 else "")
        or Path(file).stem
    )
    table_metadata = {"layout": "long", "heading": "PX-JSON columns"}
    if len(contents) == 1:
        table_metadata["CONTENTS"] = str(contents[0].get("text") or "")
        if contents[0].get("unit"):
            table_metadata["UNITS"] = str(contents[0]["unit"])
    for dim, column in zip(dims, keys, strict=False):
        table_metadata[f'VARIABLECODE("{dim.name}")'] = str(column.get("code"))
    if labels_are_codes:
        table_metadata["labels_are_codes"] = "|".join(labels_are_codes)
    frame = common.build_frame(dims, positions, cells.values, cells.status)
    return StatTable(
        title=title,
        source_file=file,
        fmt=FORMAT,
        language=None,
        source=str(info.get("source")) if info.get("source") else None,
        units=table_metadata.get("UNITS"),
        dimensions=[d.name for d in dims],
        data=frame,
        metadata=table_metadata,
    )
