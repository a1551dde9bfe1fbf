"""Read the XLSX a PxWeb web page (ASK's) saves: the export staff most likely have.

What the page writes, top to bottom: one or more title rows (the table's title, maybe
its code and unit); one row per heading variable, its values over the value columns
(written where they change, or on every column; the variable's name, when written, in
the stub columns of that row); the stub header (the stub variables' names); the data,
stub values written only where they change; then footnotes (source, symbols, notes).

How this reader finds the parts, from the bottom up so that title and notes never
matter: the data block is the last run of rows whose value columns all hold a number
or a symbol (``..``, ``:``, ``-``); its width is where the last text of its bottom row
ends. Above it, the first row with names in the stub columns is the stub header; the
rows above that with values over the value columns are the heading rows; the rest are
title rows. Stub labels and heading values are filled forward where left empty. A
heading variable without a name is named ``heading``, ``heading_2``, ... and recognised
later from its values (:func:`dashboard.ingest.mapping.recognise`).

The file name is never looked at: the reader takes the path (or bytes) and the name to
show in problems.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dashboard.ingest import common
from dashboard.ingest.common import (
    Dimension,
    IngestError,
    Label,
    ProblemLog,
    StatTable,
    cell_text,
    problem,
)

FORMAT = "pxweb-xlsx"
HEADING = "heading"
MAX_ROWS = 500_000


def _is_value(value: Any) -> bool:
    """A data cell: a number, or a text that is a number or a missing symbol."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return not (isinstance(value, float) and math.isnan(value))
    text = cell_text(value)
    return bool(text) and (common.is_number(text) or text in common.MISSING_SYMBOLS)


def _is_label(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not _is_value(value)


def sheets(source: Path | bytes, file: str) -> list[tuple[str, list[list[Any]]]]:
    """Every sheet's cells as Python values (calamine), with leading empty rows kept.

    Raises:
        IngestError: the workbook cannot be read.
    """
    from python_calamine import CalamineWorkbook

    try:
        if isinstance(source, bytes):
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(source))
        else:
            workbook = CalamineWorkbook.from_path(str(source))
    except Exception as error:  # calamine raises its own kinds for a damaged workbook
        raise IngestError(
            [problem(file, None, None, None, "ingest.xlsx.readable", error=error)]
        ) from None
    found = []
    try:
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            if len(rows) > MAX_ROWS:
                raise IngestError(
                    [problem(file, None, name, None, "ingest.xlsx.rows", rows=f"{MAX_ROWS:,}")]
                )
            found.append((name, [list(row) for row in rows]))
    finally:
        workbook.close()
    return found


def looks_like_pxweb(source: Path | bytes, file: str = "") -> bool:
    """Whether the first sheet has a PxWeb table: a data block under a stub header."""
    try:
        found = sheets(source, file)
    except IngestError:
        return False
    return bool(found) and _layout(found[0][1]) is not None


def _layout(rows: list[list[Any]]) -> tuple[int, int, int, int, list[int]] | None:
    """Find (stub header row, first data row, last data row, stub width, heading rows)."""
    width = max((len(row) for row in rows), default=0)
    grid = [row + [None] * (width - len(row)) for row in rows]
    bottom = None
    for r in range(len(grid) - 1, -1, -1):
        row = grid[r]
        labels = [j for j, v in enumerate(row) if _is_label(v)]
        stub = labels[-1] + 1 if labels else 0
        values = row[stub:]
        if stub >= 1 and values and all(_is_value(v) for v in values if cell_text(v)):
            filled = [v for v in values if cell_text(v)]
            if len(filled) == len(values):
                bottom = (r, stub)
                break
    if bottom is None:
        return None
    last, stub = bottom
    top = last
    while top - 1 >= 0:
        row = grid[top - 1]
        values = row[stub:]
        # heading values are text cells ("2011"), figures are number cells or symbols
        headed = all(isinstance(v, str) and v.strip() not in common.MISSING_SYMBOLS for v in values)
        if (
            all(_is_value(v) for v in values)
            and not any(_is_value(v) for v in row[:stub])
            and not headed
        ):
            top -= 1
            continue
        break
    header = top - 1
    if header < 0 or not all(_is_label(v) for v in grid[header][:stub]):
        # the stub header may share its row with the last heading values (years as text)
        return None
    heading_rows = [
        r
        for r in range(header)
        if sum(1 for v in grid[r][stub:] if cell_text(v)) >= 1
        and not (
            _is_label(grid[r][0]) and not any(cell_text(v) for v in grid[r][1:])
        )  # a title row: one text in the first cell
    ]
    if any(cell_text(v) for v in grid[header][stub:]):
        heading_rows.append(header)
    return header, top, last, stub, heading_rows


def read(source: Path | bytes, *, display_name: str | None = None) -> list[StatTable]:
    """Read the first PxWeb table of a workbook saved from the web page.

    Raises:
        IngestError: with every problem found.
    """
    if isinstance(source, Path):
        file = common.display_name(source, display_name)
        common.read_bytes(source, file)  # exists, not empty, not too big
    else:
        file = display_name or "upload"
        common.refuse_size(len(source), file)
    found = sheets(source, file)
    log = ProblemLog(file)
    for name, rows in found:
        layout = _layout(rows)
        if layout is None:
            continue
        table = _table(file, name, rows, layout, log)
        log.raise_if_any()
        assert table is not None
        return [table]
    raise IngestError(
        [
            problem(
                file, None, ", ".join(name for name, _ in found) or None, None, "ingest.xlsx.layout"
            )
        ]
    )


def _fill(values: Sequence[str]) -> list[str]:
    out, last = [], ""
    for value in values:
        last = value or last
        out.append(last)
    return out


def _table(
    file: str,
    sheet: str,
    rows: list[list[Any]],
    layout: tuple[int, int, int, int, list[int]],
    log: ProblemLog,
) -> StatTable | None:
    header, top, last, stub, heading_rows = layout
    width = max(len(row) for row in rows)
    grid = [[cell_text(v) for v in row] + [""] * (width - len(row)) for row in rows]
    titles = [" ".join(v for v in grid[r] if v) for r in range(header) if r not in heading_rows]
    titles = [t for t in titles if t]
    notes = [" ".join(v for v in grid[r] if v) for r in range(last + 1, len(grid))]
    notes = [n for n in notes if n]
    columns = width - stub
    stub_names = grid[header][:stub]
    dims: list[Dimension] = []
    positions: list[np.ndarray] = []
    lines: dict[str, dict[str, int]] = {}
    count = last - top + 1
    for j, name in enumerate(stub_names):
        labels = _fill([grid[r][j] for r in range(top, last + 1)])
        for offset, label in enumerate(labels):
            if not label:
                log.say(top + offset + 1, name, "", "ingest.xlsx.label")
        uniques = list(dict.fromkeys(labels))
        index = {label: i for i, label in enumerate(uniques)}
        dims.append(Dimension(name, uniques))
        positions.append(np.repeat(np.array([index[x] for x in labels], dtype=np.int64), columns))
        lines[name] = {}
        for offset, label in enumerate(labels):
            lines[name].setdefault(label, top + offset + 1)
    used = set(stub_names)
    for number, r in enumerate(heading_rows):
        names = [v for v in grid[r][:stub] if v and r != header]
        name = names[-1] if names else HEADING if number == 0 else f"{HEADING}_{number + 1}"
        while name in used:
            name += "_"
        used.add(name)
        values = _fill(grid[r][stub:])
        for j, value in enumerate(values):
            if not value:
                log.say(
                    r + 1,
                    Label("ingest.field.column", letter=j + stub + 1),
                    "",
                    "ingest.xlsx.heading",
                )
        uniques = list(dict.fromkeys(values))
        index = {label: i for i, label in enumerate(uniques)}
        dims.append(Dimension(name, uniques))
        positions.append(np.tile(np.array([index[x] for x in values], dtype=np.int64), count))
        lines[name] = dict.fromkeys(uniques, r + 1)
    # each column must be one combination of heading values
    combos = list(zip(*[_fill(grid[r][stub:]) for r in heading_rows], strict=True))
    for j, combo in enumerate(combos):
        if combo in combos[:j]:
            log.say(
                heading_rows[-1] + 1 if heading_rows else header + 1,
                Label("ingest.field.column", letter=j + stub + 1),
                " ".join(combo),
                "ingest.xlsx.heading_once",
            )
    keys: dict[tuple[str, ...], int] = {}
    stub_labels = [_fill([grid[r][j] for r in range(top, last + 1)]) for j in range(stub)]
    for offset in range(count):
        key = tuple(labels[offset] for labels in stub_labels)
        if key in keys:
            log.add(
                top + offset + 1,
                ", ".join(stub_names),
                " | ".join(key),
                f"each combination of labels once (also on row {keys[key]})",
                "imports.expected.labels_once",
                other=keys[key],
            )
        keys.setdefault(key, top + offset + 1)
    texts = [grid[r][stub + j] for r in range(top, last + 1) for j in range(columns)]
    cells = common.classify_cells(texts)
    for index in cells.bad[:200].tolist():
        row, column = divmod(index, columns)
        log.add(
            top + row + 1,
            Label("ingest.field.column", letter=stub + column + 1),
            texts[index],
            "a number or one of the symbols " + " ".join(common.MISSING_SYMBOLS),
            "imports.expected.cell",
            symbols=" ".join(common.MISSING_SYMBOLS),
        )
    if log:
        return None
    frame = common.build_frame(dims, positions, cells.values, cells.status)
    metadata = {"sheet": sheet, "layout": "wide", "heading": "rows above the stub header"}
    if notes:
        metadata["NOTE"] = " | ".join(notes)
    return StatTable(
        title=titles[0] if titles else sheet,
        source_file=file,
        fmt=FORMAT,
        language=None,
        source=next((n for n in notes if "ask" in n.casefold()), None),
        units=None,
        dimensions=[d.name for d in dims],
        data=frame,
        metadata=metadata,
        lines=lines,
    )


def kind_of_workbook(path: Path) -> str:
    """``"qps"`` for a workbook with a QPS header, ``"pxweb-xlsx"`` for a PxWeb table.

    A QPS sheet (categories and months, or the template) wins; a workbook that is
    neither is given to the QPS reader, whose refusal says what a QPS sheet needs.
    """
    from dashboard.ingest import qps

    try:
        found = sheets(path, path.name)
    except IngestError:
        return "qps"
    for _, rows in found:
        if qps.has_qps_header([[cell_text(v) for v in row] for row in rows[: qps.HEAD_ROWS]]):
            return "qps"
    if any(_layout(rows) is not None for _, rows in found):
        return "pxweb-xlsx"
    return "qps"
