"""Read JSON-stat 2.0 files (a dataset, or a collection of embedded datasets).

PxWeb answers start with a UTF-8 byte-order mark, which is dropped. ``value`` may be an
array or an ``{"index": value}`` object (absent cells are missing); ``status`` an array
(one per cell, or one for all), an object or a single string. Values are numbers or
null; a string value that is one of the missing symbols is read as that symbol. The
status column holds the JSON-stat status where given, else the symbol of a symbol value.
Dimension names are the dimensions' labels (their ids when unlabelled); category ids
go to ``{name}#code`` columns. Links to other files are not followed.
"""

from __future__ import annotations

import codecs
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from dashboard.ingest import common, pxjson
from dashboard.ingest.common import Dimension, IngestError, ProblemLog, StatTable

FORMAT = "jsonstat"

_SYMBOL_LIST = " ".join(common.MISSING_SYMBOLS)


class _DuplicateKeyError(ValueError):
    """A JSON object repeats a key (the later value would silently win)."""


def read(path: Path, *, display_name: str | None = None) -> list[StatTable]:
    """Read a JSON-stat 2.0 dataset or collection.

    Args:
        path: the file on disk.
        display_name: the name the user gave the file, used in problems.

    Returns:
        One table per dataset, in the file's order.

    Raises:
        IngestError: with every problem found.
    """
    file, raw = common.read_text_bytes(path, display_name)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    text = common.decode(raw, "utf-8", file)
    document = _load(text, file)
    log = ProblemLog(file)
    tables = _document(document, file, log)
    log.raise_if_any()
    return tables


def _load(text: str, file: str) -> Any:
    def reject_constant(name: str) -> None:
        raise ValueError(f"{name} is not a JSON number")

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            repeated = common.duplicates([key for key, _ in pairs])
            raise _DuplicateKeyError(repeated[0])
        return obj

    def refusal(line: int | None, value: str | None, key: str, **params: object) -> IngestError:
        return IngestError([common.problem(file, line, None, value, key, **params)])

    try:
        return json.loads(text, parse_constant=reject_constant, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as error:
        snippet = error.doc[error.pos : error.pos + 30] if error.doc else ""
        raise refusal(
            error.lineno, snippet, "ingest.json.cut", error=error.msg, column=error.colno
        ) from None
    except _DuplicateKeyError as error:
        raise refusal(None, str(error), "ingest.json.key_once") from None
    except ValueError as error:
        raise refusal(None, None, "ingest.json.numbers", error=error) from None
    except RecursionError:
        raise refusal(None, None, "ingest.json.depth") from None


def _document(document: Any, file: str, log: ProblemLog) -> list[StatTable]:
    if not isinstance(document, dict):
        log.say(None, None, type(document).__name__, "ingest.jsonstat.object")
        return []
    if pxjson.is_pxjson(document):
        try:
            return [pxjson.table_of(document, file)]
        except IngestError as error:
            log.extend(error.problems)
            return []
    kind = document.get("class")
    if (
        kind is None
        and document
        and all(
            isinstance(item, dict) and "dimension" in item and "value" in item
            for item in document.values()
        )
    ):  # a bundle (the PxWeb API's JSON-stat 1 style answer): datasets by their ids
        tables = []
        for key, item in document.items():
            dimension = item["dimension"]
            if "id" not in item and isinstance(dimension, dict) and "id" in dimension:
                item = {  # JSON-stat 1: id and size inside "dimension"
                    **item,
                    "id": dimension["id"],
                    "size": dimension.get("size"),
                    "dimension": {
                        k: v for k, v in dimension.items() if k not in ("id", "size", "role")
                    },
                }
            table = _dataset(item, str(key), file, log)
            if table is not None:
                tables.append(table)
        return tables
    version = document.get("version")
    if kind not in ("dataset", "collection"):
        log.say(
            None,
            "class",
            _text(kind),
            "ingest.jsonstat.class_v1" if kind is None else "ingest.jsonstat.class",
        )
        return []
    if version is not None and not (isinstance(version, str) and version.startswith("2")):
        log.say(None, "version", _text(version), "ingest.jsonstat.version")
        return []
    if kind == "dataset":
        table = _dataset(document, "", file, log)
        return [table] if table is not None else []
    link = document.get("link")
    items = link.get("item") if isinstance(link, dict) else None
    if not isinstance(items, list) or not items:
        log.say(None, "link.item", None, "ingest.jsonstat.items")
        return []
    tables = []
    for i, item in enumerate(items):
        where = f"link.item[{i}]"
        if not isinstance(item, dict) or item.get("class") != "dataset" or "value" not in item:
            log.say(
                None,
                where,
                _text(item.get("href") if isinstance(item, dict) else item),
                "ingest.jsonstat.embedded",
            )
            continue
        table = _dataset(item, where, file, log)
        if table is not None:
            tables.append(table)
    return tables


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _dataset(ds: dict, where: str, file: str, log: ProblemLog) -> StatTable | None:
    """Check one dataset and turn it into a table (None when it has problems)."""
    before = log.count

    def at(key: str) -> str:
        return f"{where}.{key}" if where else key

    ids = ds.get("id")
    sizes = ds.get("size")
    dimension_objects = ds.get("dimension")
    if not (isinstance(ids, list) and ids and all(isinstance(i, str) for i in ids)):
        log.say(None, at("id"), _text(ids), "ingest.jsonstat.ids")
        return None
    for repeated in common.duplicates(ids):
        log.say(None, at("id"), repeated, "ingest.jsonstat.id_once")
    if not (
        isinstance(sizes, list)
        and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes)
    ):
        log.say(None, at("size"), _text(sizes), "ingest.jsonstat.sizes")
        return None
    if len(sizes) != len(ids):
        log.say(None, at("size"), _text(sizes), "ingest.jsonstat.size_count", count=len(ids))
        return None
    if not isinstance(dimension_objects, dict):
        log.say(None, at("dimension"), None, "ingest.jsonstat.dimensions")
        return None
    dims: list[Dimension] = []
    for position, (dim_id, size) in enumerate(zip(ids, sizes, strict=True)):
        dim = _dimension(dimension_objects.get(dim_id), dim_id, size, position, at, log)
        if dim is not None:
            dims.append(dim)
    for repeated in common.duplicates([d.name for d in dims]):
        log.say(None, at("dimension"), repeated, "ingest.jsonstat.label_once")
    for name in common.reserved_names([d.name for d in dims]):
        log.say(None, at("dimension"), name, "ingest.reserved")
    if log.count > before:
        return None
    total = math.prod(sizes)
    values, status = _values(ds.get("value"), total, at("value"), log)
    given = _status(ds.get("status"), total, at("status"), log)
    if values is None or given is None or log.count > before:
        return None
    status = np.where(pd.isna(given), status, given)
    frame = common.build_frame(dims, common.product_positions(sizes), values, status)
    return StatTable(
        title=_plain(ds.get("label")) or where or Path(file).stem,
        source_file=file,
        fmt=FORMAT,
        language=_language(ds),
        source=_plain(ds.get("source")),
        units=_units(ds, ids),
        dimensions=[d.name for d in dims],
        data=frame,
        metadata=_metadata(ds, ids, dims),
    )


def _dimension(
    dim: Any, dim_id: str, size: int, position: int, at: Any, log: ProblemLog
) -> Dimension | None:
    """Read one dimension's categories: codes in index order and their labels."""
    where = at(f"dimension.{dim_id}")
    category = dim.get("category") if isinstance(dim, dict) else None
    if not isinstance(category, dict):
        log.say(None, where, None, "ingest.jsonstat.category", id=dim_id)
        return None
    index = category.get("index")
    labels = category.get("label", {})
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        log.say(None, f"{where}.category.label", _text(labels), "ingest.jsonstat.labels")
        return None
    codes: list[str] | None
    if index is None:
        codes = list(labels) if len(labels) == 1 else None
    elif isinstance(index, list) and all(isinstance(c, str) for c in index):
        codes = index
    elif isinstance(index, dict) and _is_permutation(list(index.values())):
        codes = [code for code, _ in sorted(index.items(), key=lambda pair: pair[1])]
    else:
        codes = None
    if not codes:
        log.say(None, f"{where}.category.index", _text(index), "ingest.jsonstat.index")
        return None
    for repeated in common.duplicates(codes):
        log.say(None, f"{where}.category.index", repeated, "ingest.jsonstat.category_once")
    unknown = [code for code in labels if code not in set(codes)]
    if unknown:
        log.say(None, f"{where}.category.label", unknown[0], "ingest.jsonstat.listed")
    if len(codes) != size:
        log.say(
            None,
            f"{where}.category",
            common.Label("ingest.value.categories", count=len(codes)),
            "ingest.jsonstat.category_count",
            count=size,
            position=position,
        )
    name = dim.get("label") if isinstance(dim.get("label"), str) and dim.get("label") else dim_id
    return Dimension(name, [labels.get(code, code) for code in codes], list(codes))


def _is_permutation(positions: list[Any]) -> bool:
    """Tell whether ``positions`` are the whole numbers 0..n-1, each once."""
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in positions):
        return False
    return sorted(positions) == list(range(len(positions)))


def _cell_positions(obj: dict, total: int, where: str, log: ProblemLog) -> dict[int, Any]:
    """Turn an ``{"index": x}`` object into positions, reporting bad keys."""
    cells = {}
    for key, item in obj.items():
        if not (key.isdigit() and int(key) < total):
            log.say(None, where, key, "ingest.jsonstat.positions", last=total - 1)
            continue
        cells[int(key)] = item
    return cells


class _Messages(NamedTuple):
    """How a wrong ``value`` or ``status`` is said: the count found, and the two refusals."""

    found: str  # label of the number of items found
    miscounted: str  # a list of another length than the cells
    refused: str  # neither a list nor an object


_VALUE_MESSAGES = _Messages(
    "ingest.value.values", "ingest.jsonstat.value_count", "ingest.jsonstat.values"
)
_STATUS_MESSAGES = _Messages(
    "ingest.value.statuses", "ingest.jsonstat.status_count", "ingest.jsonstat.statuses"
)


def _positioned(
    given: Any, total: int, where: str, log: ProblemLog, messages: _Messages
) -> Iterable[tuple[int, Any]] | None:
    """The cells of a ``value`` or ``status``: a list of one item per cell, or an object.

    JSON-stat allows both forms for both; anything else, or a list of another length, is
    said in the log and gives None.
    """
    if isinstance(given, list):
        if len(given) != total:
            found = common.Label(messages.found, count=len(given))
            log.say(None, where, found, messages.miscounted, count=total)
            return None
        return enumerate(given)
    if isinstance(given, dict):
        return _cell_positions(given, total, where, log).items()
    log.say(None, where, _text(given), messages.refused)
    return None


def _values(
    value: Any, total: int, where: str, log: ProblemLog
) -> tuple[np.ndarray | None, np.ndarray]:
    values = np.full(total, np.nan)
    status = np.full(total, None, dtype=object)
    cells = _positioned(value, total, where, log, _VALUE_MESSAGES)
    if cells is None:
        return None, status
    for i, item in cells:
        if item is None:
            continue
        if isinstance(item, str) and item.strip() in common.MISSING_SYMBOLS:
            status[i] = item.strip()
            continue
        number = _number(item)
        if number is None:
            log.say(
                None, f"{where}[{i}]", _text(item), "ingest.jsonstat.cell", symbols=_SYMBOL_LIST
            )
        else:
            values[i] = number
    return values, status


def _number(item: Any) -> float | None:
    if isinstance(item, bool) or not isinstance(item, int | float):
        return None
    try:
        number = float(item)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _status(status: Any, total: int, where: str, log: ProblemLog) -> np.ndarray | None:
    given = np.full(total, None, dtype=object)
    if status is None:
        return given
    if isinstance(status, str):
        given[:] = status
        return given
    if isinstance(status, list) and len(status) == 1:
        status = status * total  # one status for every cell
    cells = _positioned(status, total, where, log, _STATUS_MESSAGES)
    if cells is None:
        return None
    for i, item in cells:
        if item is not None and not isinstance(item, str):
            log.say(None, f"{where}[{i}]", _text(item), "ingest.jsonstat.status")
        else:
            given[i] = item
    return given


def _plain(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _px(ds: dict) -> dict:
    extension = ds.get("extension")
    px = extension.get("px") if isinstance(extension, dict) else None
    return px if isinstance(px, dict) else {}


def _language(ds: dict) -> str | None:
    return _plain(_px(ds).get("language")) or _plain(ds.get("lang"))


def _units(ds: dict, ids: list[str]) -> str | None:
    """Return the unit text when the dataset gives exactly one."""
    found: list[str] = []
    for dim_id in ids:
        dim = ds["dimension"].get(dim_id)
        unit = dim.get("category", {}).get("unit") if isinstance(dim, dict) else None
        if isinstance(unit, dict):
            for description in unit.values():
                if isinstance(description, dict):
                    text = _plain(description.get("label")) or _plain(description.get("base"))
                    if text and text not in found:
                        found.append(text)
    return found[0] if len(found) == 1 else None


def _metadata(ds: dict, ids: list[str], dims: list[Dimension]) -> dict[str, str]:
    metadata: dict[str, str] = {}
    if _plain(ds.get("updated")):
        metadata["LAST-UPDATED"] = ds["updated"]
    note = ds.get("note")
    if isinstance(note, list) and note:
        metadata["NOTE"] = note[0] if len(note) == 1 else json.dumps(note, ensure_ascii=False)
    elif isinstance(note, str):
        metadata["NOTE"] = note
    px = _px(ds)
    for key, name in (("tableid", "MATRIX"), ("matrix", "MATRIX"), ("decimals", "DECIMALS")):
        if key in px and name not in metadata:
            metadata[name] = _text(px[key])
    for key in ("role", "extension", "href"):
        if key in ds:
            metadata[key] = _text(ds[key])
    for dim_id, dim in zip(ids, dims, strict=True):
        if dim.name != dim_id:
            metadata[f'VARIABLECODE("{dim.name}")'] = dim_id
    return metadata
