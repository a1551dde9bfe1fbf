"""Read CSV files saved from a PxWeb site such as ASK's.

What PxWeb writes: optionally ("with heading") a quoted title on line 1 and a blank line
2; then a header; then one row per combination of the stub variables. Stub cells are
quoted text; value cells are unquoted numbers with ``.`` decimals or symbols. In the
wide layout the header holds the stub variable names, then one cell per combination of
heading values, the values joined by a space (``"2011 Meshkuj"``). A table without
heading variables has one value column named after its contents (the long layout).

Choices for what a file does not say:

* Encoding: strict UTF-8 (a byte-order mark is dropped), else strict Windows-1252; a file
  that is neither is refused.
* Delimiter: comma, semicolon, tab or space, whichever splits the header and most of the
  first rows into the same number (at least two) of well-formed fields; the most
  matching rows, then the most fields, wins; a tie between two delimiters is refused.
* Stub columns: the leading columns whose cells are all quoted (PxWeb quotes text, not
  numbers). In a file with no quoting difference (re-saved by a spreadsheet): the
  leading columns holding any text that is neither a number nor a symbol, or every
  column before a last one named ``value``; a numeric column that the title names as a
  variable is refused as ambiguous, and repeated stub rows are an error, which catches
  most other numeric label columns that would be taken for figures.
* Heading variable names: PxWeb titles read "<contents> by A, B and C" (also "sipas"/
  "dhe", "po"/"i"). If the title lists the stub columns first, the remaining names are
  the heading variables; with several of them each header cell must split, at spaces,
  into exactly one row-major product of labels. Otherwise (no title, another title, an
  ambiguous split) the value columns form one dimension named ``heading`` whose labels
  are the whole header cells: nothing is guessed, nothing lost.
* One value column named ``value``/``vlera``/``vrednost``, or a title that names only the
  stub columns, means the long layout: no heading dimension.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.ingest import common
from dashboard.ingest.common import Dimension, IngestError, ProblemLog, StatTable

FORMAT = "pxweb-csv"
HEADING = "heading"
"""Name of the single heading dimension when the heading variables cannot be known."""

DELIMITERS = (",", ";", "\t", " ")
VALUE_HEADERS = frozenset({"value", "values", "vlera", "vlerat", "vrednost", "vrednosti"})
TITLE_WORDS = ((" by ", " and "), (" sipas ", " dhe "), (" po ", " i "))
SAMPLE_ROWS = 50
MAX_SOLUTIONS = 2
MAX_SPLIT_STEPS = 2_000_000

_LINE_RE = re.compile(r"\r\n|\r|\n")
_TITLE_RE = re.compile(r'\s*"((?:[^"]|"")*)"\s*')
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", " ": "space"}
_DELIMITER_KEYS = {
    ",": "ingest.delimiter.comma",
    ";": "ingest.delimiter.semicolon",
    "\t": "ingest.delimiter.tab",
    " ": "ingest.delimiter.space",
}
_FIELD_RE = {
    delimiter: re.compile(
        (r'[ ]*"((?:[^"]|"")*)"[ ]*' if delimiter != " " else r'"((?:[^"]|"")*)"')
        + '|([^"'
        + re.escape(delimiter)
        + "]*)"
    )
    for delimiter in DELIMITERS
}


@dataclass(frozen=True)
class _Field:
    text: str
    quoted: bool


@dataclass(frozen=True)
class _Row:
    line: int
    fields: list[_Field]


def read(path: Path, *, display_name: str | None = None) -> list[StatTable]:
    """Read a PxWeb CSV export into one table.

    Args:
        path: the file on disk.
        display_name: the name the user gave the file, used in problems.

    Returns:
        A one-element list with the table in long form.

    Raises:
        IngestError: with every problem found.
    """
    file, raw = common.read_text_bytes(path, display_name)
    text, encoding = _decode(raw, file)
    common.refuse_control(text, file)
    log = ProblemLog(file)
    lines = _LINE_RE.split(text)
    title, header_index = _title(lines)
    if header_index is None:
        raise IngestError([common.problem(file, None, None, None, "ingest.csv.header")])
    header_line = header_index + 1
    body = [(i + 1, line) for i, line in enumerate(lines) if i > header_index and line.strip()]
    if not body:
        raise IngestError([common.problem(file, header_line, None, None, "ingest.csv.rows")])
    delimiter = _sniff(file, lines[header_index], header_line, body)
    header = _split(lines[header_index], delimiter)
    assert header is not None
    rows = _rows(body, delimiter, len(header), log)  # bad rows are reported, not read
    header, rows, no_stub = _drop_empty_edges(header, rows)
    table = _table(file, title, header, header_line, rows, no_stub, log)
    log.raise_if_any()
    assert table is not None
    table.metadata.update({"encoding": encoding, "delimiter": _DELIMITER_NAMES[delimiter]})
    return [table]


def _decode(raw: bytes, file: str) -> tuple[str, str]:
    if raw.startswith(codecs.BOM_UTF8):
        return common.decode(raw[3:], "utf-8", file), "utf-8 (byte-order mark)"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        problem = common.decode_problem(raw, error, "UTF-8 or Windows-1252", file)
        raise IngestError([problem]) from None


def _title(lines: list[str]) -> tuple[str | None, int | None]:
    """Return the title (if the file has one) and the index of the header line.

    The title is the first line when a blank line follows it; PxWeb quotes it, a
    spreadsheet program may not (and may pad it with delimiters).
    """
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        return None, None
    first = filled[0]
    if first + 1 < len(lines) and not lines[first + 1].strip() and len(filled) > 1:
        match = _TITLE_RE.fullmatch(lines[first])
        if match is not None:
            return match.group(1).replace('""', '"').strip(), filled[1]
        return lines[first].rstrip(" \t,;").strip(), filled[1]
    return None, first


def _split(line: str, delimiter: str) -> list[_Field] | None:
    """Split one line into fields, or None if its quoting is malformed."""
    pattern = _FIELD_RE[delimiter]
    fields: list[_Field] = []
    pos = 0
    while True:
        match = pattern.match(line, pos)
        assert match is not None  # the unquoted alternative matches the empty string
        if match.group(1) is not None:
            fields.append(_Field(match.group(1).replace('""', '"'), True))
        else:
            fields.append(_Field(match.group(2), False))
        pos = match.end()
        if pos == len(line):
            return fields
        if line[pos] != delimiter:
            return None
        pos += 1
        if pos == len(line):
            fields.append(_Field("", False))
            return fields


def _sniff(file: str, header: str, header_line: int, body: list[tuple[int, str]]) -> str:
    """Find the delimiter that splits the header and most of the first rows alike."""
    sample = body[:SAMPLE_ROWS]
    fits: list[tuple[int, int, str]] = []
    for delimiter in DELIMITERS:
        fields = _split(header, delimiter)
        if fields is None or len(fields) < 2:
            continue
        matching = sum(
            1
            for _, line in sample
            if (row := _split(line, delimiter)) is not None and len(row) == len(fields)
        )
        if matching * 2 >= len(sample) and matching:
            fits.append((matching, len(fields), delimiter))
    fits.sort(key=lambda fit: (-fit[0], -fit[1]))
    if not fits:
        raise IngestError([common.problem(file, header_line, None, header, "ingest.csv.delimiter")])
    if len(fits) > 1 and fits[0][:2] == fits[1][:2]:
        first, second = (common.Label(_DELIMITER_KEYS[fit[2]]) for fit in fits[:2])
        raise IngestError(
            [
                common.problem(
                    file,
                    header_line,
                    None,
                    header,
                    "ingest.csv.ambiguous",
                    first=first,
                    second=second,
                )
            ]
        )
    return fits[0][2]


def _rows(body: list[tuple[int, str]], delimiter: str, width: int, log: ProblemLog) -> list[_Row]:
    rows = []
    name = common.Label(_DELIMITER_KEYS[delimiter])
    for line_number, line in body:
        fields = _split(line, delimiter)
        if fields is None:
            log.say(line_number, None, line, "ingest.csv.quotes", delimiter=name)
        elif len(fields) != width:
            log.add(
                line_number,
                None,
                line,
                f"{width} fields like the header, not {len(fields)}",
                "imports.expected.fields",
                width=width,
                found=len(fields),
            )
        else:
            rows.append(_Row(line_number, fields))
    return rows


def _drop_empty_edges(
    header: list[_Field], rows: list[_Row]
) -> tuple[list[_Field], list[_Row], bool]:
    """Drop a last or first column that is empty everywhere.

    PxWeb starts every line with a delimiter when a table has no stub variable; a
    trailing delimiter is a common leftover of spreadsheet programs. Returns the columns
    kept, the rows, and whether the leading column was dropped.
    """
    dropped_first = False
    for edge in (-1, 0):
        if (
            len(header) > 2
            and not header[edge].text.strip()
            and all(
                not row.fields[edge].text.strip() and not row.fields[edge].quoted for row in rows
            )
        ):
            cut = slice(None, -1) if edge == -1 else slice(1, None)
            header = header[cut]
            rows = [_Row(row.line, row.fields[cut]) for row in rows]
            dropped_first = edge == 0
    return header, rows, dropped_first


def _stub_count(rows: list[_Row], names: list[str]) -> tuple[int, bool]:
    """Count the leading label columns; also tell whether quoting told them apart.

    See the module docstring for the rules.
    """
    quoted = [f.quoted for row in rows for f in row.fields]
    by_quotes = any(quoted) and not all(quoted)

    def is_label_column(j: int) -> bool:
        cells = [row.fields[j] for row in rows]
        if by_quotes:
            return all(c.quoted for c in cells) and any(
                c.text.strip() not in common.MISSING_SYMBOLS for c in cells
            )
        return any(
            not common.is_number(c.text.strip()) and c.text.strip() not in common.MISSING_SYMBOLS
            for c in cells
        )

    count = 0
    while count < len(names) and is_label_column(count):
        count += 1
    if not by_quotes and len(names) > 1 and names[-1].casefold() in VALUE_HEADERS:
        count = max(count, len(names) - 1)  # long layout: every column but "value" is a label
    return count, by_quotes


def _title_lists(title: str | None) -> list[list[str]]:
    """Return every reading of a PxWeb title as "<contents> by A, B and C": [A, B, C]."""
    readings = []
    for by, and_ in TITLE_WORDS:
        start = title.find(by) if title else -1
        while title and start >= 0:
            listed = title[start + len(by) :].strip().rstrip(".")
            head, sep, last = listed.rpartition(and_)
            names = [name.strip() for name in ([*head.split(", "), last] if sep else [listed])]
            if all(names):
                readings.append(names)
            start = title.find(by, start + 1)
    return readings


def _title_names(title: str | None) -> set[str]:
    """Return, case-folded, every name the title could list as a variable."""
    return {name.casefold() for names in _title_lists(title) for name in names}


def _title_variables(title: str | None, stub: list[str]) -> list[str] | None:
    """Return the heading variable names a PxWeb title gives after the stub names."""
    wanted = [name.casefold() for name in stub]
    for names in _title_lists(title):
        if [name.casefold() for name in names[: len(stub)]] == wanted:
            return names[len(stub) :]
    return None


def _factor(cells: list[str], count: int, budget: list[int] | None = None) -> list[list[list[str]]]:
    """Find the ways to read ``cells`` as a row-major product of ``count`` label lists.

    Stops at :data:`MAX_SOLUTIONS` (more than one is ambiguous anyway) or when the
    search exceeds its step budget (then it answers "none": nothing is guessed).
    """
    budget = budget if budget is not None else [MAX_SPLIT_STEPS]
    if count == 1:
        return [[cells]] if len(set(cells)) == len(cells) and all(cells) else []
    solutions: list[list[list[str]]] = []
    total = len(cells)
    for outer in (n for n in range(1, total + 1) if total % n == 0):
        inner = total // outer
        groups = [cells[g * inner : (g + 1) * inner] for g in range(outer)]
        first = groups[0][0]
        for cut in (i for i, char in enumerate(first) if char == " "):
            budget[0] -= total
            if budget[0] < 0:
                return []
            prefix = first[:cut]
            rest = [c[cut + 1 :] for c in groups[0]]
            if not prefix or not all(c.startswith(prefix + " ") for c in groups[0]):
                continue
            prefixes = _prefixes(groups, rest)
            if prefixes is None:
                continue
            for tail in _factor(rest, count - 1, budget):
                solutions.append([prefixes, *tail])
                if len(solutions) >= MAX_SOLUTIONS:
                    return solutions
            if budget[0] < 0:
                return []
    return solutions


def _prefixes(groups: list[list[str]], rest: list[str]) -> list[str] | None:
    """Return each group's leading label if every group is that label + ``rest``."""
    prefixes = []
    for group in groups:
        head = group[0][: len(group[0]) - len(rest[0]) - 1]
        if not head or any(
            cell != f"{head} {tail}" for cell, tail in zip(group, rest, strict=True)
        ):
            return None
        prefixes.append(head)
    return prefixes if len(set(prefixes)) == len(prefixes) else None


def _heading_dimensions(
    title: str | None, stub: list[str], columns: list[str]
) -> tuple[list[Dimension], list[np.ndarray], str]:
    """Name and split the value columns; return dimensions, positions per column, a note."""
    names = _title_variables(title, stub)
    if names == [] and len(columns) == 1:
        return [], [], "long layout: the title names only the label columns"
    if names is None and len(columns) == 1 and columns[0].casefold() in VALUE_HEADERS:
        return [], [], "long layout: one value column"
    if names:
        found = _factor(columns, len(names))
        if len(found) == 1:
            labels = found[0]
            dims = []
            positions = []
            sizes = [len(values) for values in labels]
            for name, values, where in zip(
                names, labels, common.product_positions(sizes), strict=True
            ):
                dims.append(Dimension(name, values))
                positions.append(where)
            return dims, positions, "heading variables named by the title"
    name = HEADING
    while name in stub:
        name += "_"
    return (
        [Dimension(name, columns)],
        [np.arange(len(columns))],
        f"heading variables unknown: whole header cells kept as labels of {name!r}",
    )


def _table(
    file: str,
    title: str | None,
    header: list[_Field],
    header_line: int,
    rows: list[_Row],
    no_stub: bool,
    log: ProblemLog,
) -> StatTable | None:
    names = [field.text.strip() for field in header]
    for j, name in enumerate(names):
        if not name:
            log.say(
                header_line,
                common.Label("ingest.field.column", letter=j + 1),
                "",
                "ingest.csv.name",
            )
    stub_count, by_quotes = _stub_count(rows, names)
    if not by_quotes:
        listed = _title_names(title)
        for name in names[stub_count:]:
            if name.casefold() in listed:
                log.say(header_line, name, None, "ingest.csv.quoted")
    if stub_count == len(names):
        log.say(header_line, None, None, "ingest.csv.numbers")
        return None
    if stub_count == 0 and not (no_stub and len(rows) == 1):
        log.say(header_line, names[0], None, "ingest.csv.labels")
        return None
    stub, columns = names[:stub_count], names[stub_count:]
    for name in common.duplicates(stub):
        log.say(header_line, name, None, "ingest.csv.name_once")
    for name in common.reserved_names(stub):
        log.say(header_line, name, None, "ingest.reserved")
    for name in common.duplicates(columns):
        log.say(header_line, name, None, "ingest.csv.value_column_once")
    cells = _cells(rows, stub_count, columns, log)
    stub_dims, stub_positions = _stub_dimensions(stub, rows, log)
    if log:
        return None
    heading, heading_positions, note = _heading_dimensions(title, stub, columns)
    width = len(columns)
    positions = [np.repeat(where, width) for where in stub_positions]
    positions += [np.tile(where, len(rows)) for where in heading_positions]
    dims = stub_dims + heading
    frame = common.build_frame(dims, positions, cells.values, cells.status)
    lines: dict[str, dict[str, int]] = {}
    for j, dim in enumerate(stub_dims):
        first: dict[str, int] = {}
        for row in rows:
            field = row.fields[j]
            first.setdefault(field.text if field.quoted else field.text.strip(), row.line)
        lines[dim.name] = first
    for dim in heading:
        lines[dim.name] = dict.fromkeys(dim.labels, header_line)
    metadata = {"layout": "long" if not heading else "wide", "heading": note}
    if not heading:
        metadata["value_column"] = columns[0]
    return StatTable(
        title=title or Path(file).stem,
        source_file=file,
        fmt=FORMAT,
        language=None,
        source=None,
        units=None,
        dimensions=[d.name for d in dims],
        data=frame,
        metadata=metadata,
        lines=lines,
    )


def _cells(rows: list[_Row], stub_count: int, columns: list[str], log: ProblemLog) -> common.Cells:
    """Classify the value cells row by row, reporting each bad one with row and column."""
    cells = common.classify_cells([f.text for row in rows for f in row.fields[stub_count:]])
    for index in cells.bad[: common.MAX_PROBLEMS].tolist():
        row, column = divmod(index, len(columns))
        log.add(
            rows[row].line,
            columns[column],
            rows[row].fields[stub_count + column].text,
            "a number with '.' decimals or one of the symbols " + " ".join(common.MISSING_SYMBOLS),
            "imports.expected.cell",
            symbols=" ".join(common.MISSING_SYMBOLS),
        )
    log.omitted += max(0, len(cells.bad) - common.MAX_PROBLEMS)
    return cells


def _stub_dimensions(
    stub: list[str], rows: list[_Row], log: ProblemLog
) -> tuple[list[Dimension], list[np.ndarray]]:
    """Turn the label columns into dimensions; report rows whose labels repeat."""
    dims = []
    positions = []
    for j, name in enumerate(stub):
        texts = [f.text if f.quoted else f.text.strip() for f in (row.fields[j] for row in rows)]
        codes, uniques = pd.factorize(pd.Series(texts, dtype=object))
        dims.append(Dimension(name, [str(u) for u in uniques]))
        positions.append(np.asarray(codes, dtype=np.int64))
    seen: dict[tuple[str, ...], int] = {}
    for row in rows:
        key = tuple(f.text if f.quoted else f.text.strip() for f in row.fields[: len(stub)])
        if key in seen:
            log.add(
                row.line,
                ", ".join(stub) or None,
                " | ".join(key),
                f"each combination of labels once (also on line {seen[key]})",
                "imports.expected.labels_once",
                other=seen[key],
            )
        else:
            seen[key] = row.line
    return dims, positions
