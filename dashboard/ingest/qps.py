"""Read the monthly service counts of a Centre for Social Work (QPS): template and real sheets.

There is no national QPS export format, so the product hands out a template
(:func:`write_template`, ``dms-dashboard template qps``) in the *long* layout, one count
a row::

    year, month, client_category_code, service_code, sex, age_group, count

and also reads the *wide* layout staff really keep: client categories as rows, one
column per month headed ``Janar`` .. ``Dhjetor`` (or ``1`` .. ``12``, English or Serbian
names), merged title rows above the header in XLSX. Both come as CSV (UTF-8 or
Windows-1252; comma, semicolon or tab) or XLSX (read with openpyxl in streaming mode;
merged cells are unmerged by giving every cell of the range the value of its first one,
which is allowed above the header and in label columns, never over counts).

What the wide layout needs besides the months: the service (a ``Shërbimi`` column, or a
line ``Shërbimi: 12`` above the header) and the year (a ``Viti`` column, a line
``Viti: 2024``, or exactly one year written in the title rows). Sex and age group are
columns when the sheet has them, else ``all``; the municipality is a ``Komuna`` column or
line, else Mitrovicë (the QPS of Mitrovica South). A ``Gjithsej`` row or column is a
total: checked against the sum of its parts, never stored. An empty cell is no row
(nothing reported), never 0.

Every cell is checked against the catalogue: client categories 1-47 and services 1-56
by code or by name (matched after folding case and diacritics, ë/e, ç/c), months 1-12,
counts whole and not negative (or ``:`` not available, ``x`` withheld: NULL with the
symbol in ``status``), each key once. Each problem names file, row, column and value.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard.catalog import Dataset
from dashboard.ingest import common
from dashboard.ingest.common import IngestError, Label, ProblemLog, column_label, problem
from dashboard.ingest.mapping import (
    PENDING_IMPORT_ID,
    SERVICE_COUNTS,
    TOTAL_WORDS,
    Mapped,
    Places,
    dataset_of,
    normalise,
    parse_month,
    rows_frame,
)
from dashboard.ingest.readings import ColumnReading
from dashboard.vocabulary import MUNICIPALITY

FORMAT = "qps"
CLIENT_COUNTS = "client_counts"
"""Clients of the QPS by category (and month): a measure of its own, never added to services."""
_NO_SERVICE = -1  # a client count given for all services together (service_code NULL)
AGE_GROUPS = ("0-5", "6-13", "14-17", "18-64", "65+")
SYMBOLS = {":": "not available", "x": "withheld for confidentiality"}
MAX_SHEET_ROWS = 200_000
"""Rows read from one XLSX sheet; bigger exports go through the CSV template."""
MAX_UNZIPPED = 400 * 1024 * 1024
"""Uncompressed size of a workbook's parts (a ZIP bomb is refused before parsing)."""
HEAD_ROWS = 40
"""Rows searched for the header (title rows and notes may come first)."""

TEMPLATE_COLUMNS = (
    "year",
    "month",
    "client_category_code",
    "service_code",
    "sex",
    "age_group",
    "count",
)

_HEADERS: dict[str, frozenset[str]] = {
    name: frozenset(normalise(h) for h in names)
    for name, names in {
        "year": ("year", "viti", "godina"),
        "month": ("month", "muaji", "mesec", "muaji (1-12)"),
        "category": (
            "client_category_code", "client_category", "client category", "category", "kategoria",
            "kategoria e klientit", "kodi i kategorise", "kodi i kategorisë", "lloji i klientit",
            "lloji i klientit/kategorisë", "lloji i klientit/kategorise", "kategorija",
            "kategorija klijenta",
        ),
        "service": (
            "service_code", "service", "sherbimi", "shërbimi", "kodi i sherbimit",
            "kodi i shërbimit", "usluga", "sifra usluge",
        ),
        "sex": ("sex", "gjinia", "pol", "gender"),
        "age": ("age_group", "age group", "age", "mosha", "grupmosha", "grupi i moshes",
                "grupi i moshës", "starost", "starosna grupa"),
        "count": ("count", "numri", "nr. i sherbimeve", "numri i sherbimeve", "numri i shërbimeve",
                  "broj", "vlera", "value", "clients", "klientet", "klientët", "numri i klienteve",
                  "numri i klientëve", "broj klijenata", "klijenti"),
        "municipality": ("municipality", "komuna", "opstina", "opština"),
        "code": ("kodi", "code", "nr", "nr.", "sifra", "šifra", "#", "rb", "r.b.", "nr. rendor"),
    }.items()
}  # fmt: skip
CLIENT_WORDS = frozenset(
    ("klientet", "klienteve", "kliente", "clients", "klijenti", "klijenata", "klijentima")
)
"""Words (plural: "the clients") by which a title, sheet name or count header says that the
sheet counts clients, not services; "klientit" (of the client, as in "Kategoria e klientit")
is not one of them."""
SERVICE_WORDS = frozenset(("sherbimet", "sherbimeve", "services", "usluge", "usluga"))
_WORD_RE = re.compile(r"[a-z]+")


def _measure_of(texts: Sequence[str]) -> str | None:
    """``"clients"`` or ``"services"`` when the texts say which is counted, else None."""
    words = {word for text in texts if text for word in _WORD_RE.findall(normalise(text))}
    if words & CLIENT_WORDS:
        return "clients"
    if words & SERVICE_WORDS:
        return "services"
    return None


_IGNORED = frozenset(
    normalise(h)
    for h in ("vërejtje", "verejtje", "shenime", "shënime", "notes", "note", "napomena", "koment")
)
_SEX = {
    **dict.fromkeys(("f", "femer", "femra", "female", "z", "zensko", "zene"), "F"),
    **dict.fromkeys(("m", "mashkull", "meshkuj", "male", "musko", "muskarci"), "M"),
    **dict.fromkeys(("all", "gjithsej", "total", "ukupno", "te dy", "te dyja"), "all"),
}
_AGE_RE = re.compile(r"(\d{1,2}) ?- ?(\d{1,2})|(\d{1,2}) ?(?:\+|e me shume|e lart|and over|i vise)")
_TITLE_YEAR_RE = re.compile(r"(?<!\d)(20\d\d|19\d\d)(?!\d)")
_INTEGER_RE = re.compile(r"\+?\d+(?:\.0+)?")
_COLUMN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = _COLUMN_LETTERS[remainder] + letters
    return letters


# --- the official lists -----------------------------------------------------------------


@dataclass(frozen=True)
class Codes:
    """The official client categories and services, by code and by folded name."""

    categories: dict[int, str]
    services: dict[int, str]

    @property
    def category_names(self) -> dict[str, int]:
        """Folded name -> code of every client category."""
        return {normalise(name): code for code, name in self.categories.items()}

    @property
    def service_names(self) -> dict[str, int]:
        """Folded name -> code of every service."""
        return {normalise(name): code for code, name in self.services.items()}


def load_codes(data_dir: Path) -> Codes:
    """Read data/client_categories.csv and data/services.csv."""
    stamps = tuple(
        (data_dir / f).stat().st_mtime_ns for f in ("client_categories.csv", "services.csv")
    )
    return _codes(data_dir, stamps)


@lru_cache(maxsize=4)
def _codes(data_dir: Path, _stamps: tuple[int, ...]) -> Codes:
    def read(name: str) -> dict[int, str]:
        with (data_dir / name).open(encoding="utf-8", newline="") as handle:
            return {int(row["code"]): row["name_sq"] for row in csv.DictReader(handle)}

    return Codes(read("client_categories.csv"), read("services.csv"))


# --- the grid of cells ------------------------------------------------------------------


@dataclass
class Sheet:
    """The cells of one sheet (or CSV file) as texts, with their row numbers."""

    name: str | None  # sheet name (None for CSV)
    rows: list[list[str]]
    numbers: list[int]  # the row (line) number of each row, 1-based
    merged: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # r1, c1, r2, c2 (1-based)


def read_xlsx(
    path: Path, file: str, cell_text: Callable[[object], str] | None = None
) -> Iterator[Sheet]:
    """Yield every worksheet's cells (streaming; merged ranges read from the sheet XML).

    Shared with the budget-execution reader; `cell_text` turns a cell into text (default:
    :func:`common.cell_text`, which writes whole numbers without a decimal point).
    """
    cell_text = cell_text or common.cell_text
    import openpyxl  # imported here: only XLSX imports pay for it

    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise IngestError(
            [problem(file, None, None, None, "ingest.xlsx.readable", error=error)]
        ) from None
    if total > MAX_UNZIPPED:
        raise IngestError(
            [
                problem(
                    file,
                    None,
                    None,
                    Label("ingest.value.unpacked", mb=f"{total / 1024 / 1024:.0f}"),
                    "ingest.qps.unpacked",
                    mb=MAX_UNZIPPED // 1024 // 1024,
                )
            ]
        )
    # openpyxl refuses a path without an .xlsx name (a staged upload has none), not a handle.
    handle = path.open("rb")
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        handle.close()
        raise IngestError(
            [
                problem(
                    file,
                    None,
                    None,
                    None,
                    "ingest.xlsx.readable",
                    error=f"{type(error).__name__}: {error}",
                )
            ]
        ) from None
    try:
        for worksheet in workbook.worksheets:
            rows: list[list[str]] = []
            numbers: list[int] = []
            try:
                for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                    if number > MAX_SHEET_ROWS:
                        raise IngestError(
                            [
                                problem(
                                    file,
                                    number,
                                    None,
                                    worksheet.title,
                                    "ingest.qps.sheet_rows",
                                    rows=f"{MAX_SHEET_ROWS:,}",
                                )
                            ]
                        )
                    rows.append([cell_text(v) for v in values])
                    numbers.append(number)
                merged = _merged_ranges(path, getattr(worksheet, "_worksheet_path", None))
            except IngestError:
                raise
            except Exception as error:
                raise IngestError(
                    [
                        problem(
                            file,
                            None,
                            worksheet.title,
                            None,
                            "ingest.qps.worksheet",
                            error=f"{type(error).__name__}: {error}",
                        )
                    ]
                ) from None
            yield Sheet(worksheet.title, rows, numbers, merged)
    finally:
        workbook.close()
        handle.close()


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_ranges(path: Path, member: str | None) -> list[tuple[int, int, int, int]]:
    """Read the sheet's <mergeCell ref="A1:G1"/> entries, streaming its XML."""
    if not member:
        return []
    found = []
    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as handle:
        tail = b""
        while chunk := handle.read(1 << 20):
            data = tail + chunk
            for match in _MERGE_RE.finditer(data):
                found.append(
                    (
                        int(match.group(2)),
                        _column_index(match.group(1).decode()) + 1,
                        int(match.group(4)),
                        _column_index(match.group(3).decode()) + 1,
                    )
                )
            tail = data[-200:]
            if found and _MERGE_RE.search(tail):  # a match in the overlap is found twice
                found = list(dict.fromkeys(found))
    return list(dict.fromkeys(found))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - 64)
    return index - 1


def decode_text(raw: bytes, file: str) -> str:
    """A text export's bytes as text: UTF-8 (with or without BOM), else Windows-1252."""
    binary = common.binary_problem(raw, file)
    if binary is not None:
        raise IngestError([binary])
    if raw.startswith(codecs.BOM_UTF8):
        text = common.decode(raw[3:], "utf-8", file)
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = common.decode(raw, "cp1252", file)
    common.refuse_control(text, file)
    return text


def split_line(line: str, delimiter: str) -> list[str]:
    """One CSV line's cells, stripped (none for a line the csv module cannot read)."""
    try:
        return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter))]
    except (StopIteration, csv.Error):
        return []


def _csv_head(text: str) -> tuple[str, list[str]]:
    """Choose the delimiter under which a header is found; return it and the head lines."""
    lines = text.splitlines()[:HEAD_ROWS]
    best = (0, ",")
    for delimiter in (",", ";", "\t"):
        grid = [split_line(line, delimiter) for line in lines]
        score = max((_header_score(row) for row in grid), default=0)
        if score > best[0]:
            best = (score, delimiter)
    return best[1], lines


# --- header ---------------------------------------------------------------------------


def _header_kind(cell: str) -> str | None:
    text = normalise(cell)
    for name, names in _HEADERS.items():
        if text in names:
            return name
    return None


def _header_score(row: Sequence[str]) -> int:
    """How much a row looks like a QPS header: known column names, month names."""
    kinds = [_header_kind(cell) for cell in row]
    known = sum(1 for k in kinds if k and k != "code")
    months = sum(1 for cell, k in zip(row, kinds, strict=True) if k is None and _month_header(cell))
    if months >= 1 and any(k in ("category", "code") for k in kinds):
        return 10 + months
    return known if known >= 4 and "count" in kinds else 0


def _month_header(cell: str) -> int | None:
    text = normalise(cell)
    if not text or text in TOTAL_WORDS:
        return None
    return parse_month(text)


def looks_like_qps(path: Path) -> bool:
    """Tell whether a text file's first lines hold a QPS header (the template or wide)."""
    try:
        text = common.head_text(path)
    except OSError:
        return False
    _, lines = _csv_head(text)
    for delimiter in (",", ";", "\t"):
        if any(_header_score(split_line(line, delimiter)) for line in lines):
            return True
    return False


# --- reading ---------------------------------------------------------------------------


def read(
    path: Path,
    *,
    display_name: str | None = None,
    data_dir: Path,
    catalogue: dict[str, Dataset],
) -> Mapped:
    """Read a QPS file (CSV or XLSX, long or wide layout) into service_counts rows.

    Args:
        path: the file on disk.
        display_name: the name the user gave the file, used in problems.
        data_dir: where the official lists and the alias table are.
        catalogue: the datasets (the rows match service_counts' columns).

    Raises:
        IngestError: with every problem found.
    """
    file = common.sized_name(path, display_name)
    codes = load_codes(data_dir)
    places = Places.from_data_dir(data_dir)
    zipped = common.is_zip(path)
    log = ProblemLog(file)
    cells: _Cells | None = None
    notes: list[str] = []
    if zipped:
        tried = []
        for sheet in read_xlsx(path, file):
            tried.append(sheet.name or "")
            cells = _from_sheet(sheet, file, log, notes)
            if cells is not None or log:
                break
        if cells is None and not log:
            log.say(None, None, ", ".join(tried), "ingest.qps.header")
    else:
        raw = common.read_bytes(path, file)
        text = decode_text(raw, file)
        cells = _from_csv(text, file, log, notes)
    if cells is None:
        log.raise_if_any()
        raise IngestError([problem(file, None, None, None, "ingest.qps.header")])
    target = CLIENT_COUNTS if cells.measure == "clients" else SERVICE_COUNTS
    dataset = dataset_of(catalogue, target, file)
    if target == CLIENT_COUNTS:
        notes.append(
            "read as a count of clients (the sheet says so): stored apart from the services "
            "and never added to them"
        )
    frame = _validate(cells, file, codes, places, dataset, log, notes)
    log.raise_if_any()
    assert frame is not None
    if frame.empty:
        raise IngestError([problem(file, None, None, None, "ingest.qps.no_count")])
    counted = f"{cells.columns['count']}" if isinstance(cells.columns["count"], str) else "count"
    reading = ColumnReading(
        sheet_title(cells.source),
        counted,
        "measure",
        "qps_clients" if target == CLIENT_COUNTS else "qps_services",
        (cells.measure,),
    )
    return Mapped({target: frame}, notes, [reading])


def sheet_title(source: str) -> str:
    """The table name readings show for a QPS sheet (its file and sheet)."""
    return source.removeprefix("QPS: ")


@dataclass
class _Cells:
    """Cells in long form, texts as written, before validation."""

    lines: np.ndarray  # row number of each count
    fields: dict[str, np.ndarray]  # year, month, category, service, sex, age, count, municipality
    columns: dict[str, np.ndarray | str]  # the column each field was read from (per row or one)
    source: str
    category_code: np.ndarray | None = None  # a code column beside the name column (wide)
    measure: str = "services"  # "services" delivered, or "clients" (client_counts)


@dataclass
class _Body:
    """A sheet below its header, column by column, with what the lines above it say."""

    header: Sequence[str]
    columns: list[np.ndarray]  # per column, its texts in the rows kept
    numbers: np.ndarray  # the row (line) number of each row kept
    meta: dict[str, str]  # "Viti: 2024" and the like above the header, see _metadata
    file: str
    sheet: str | None

    def column(self, j: int) -> Label:
        """Where column ``j`` is, for problems and readings: its letter and header."""
        return column_label(column_letter(j), self.header[j])

    def field(
        self,
        name: str,
        found: dict[str, int],
        default: str,
        size: int,
        rows: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray | str]:
        """A field's cells (its column's, at ``rows``), else ``default``; and where it was read.

        A field without a column comes from a line above the header, or is the default.
        """
        if name in found:
            cells = self.columns[found[name]]
            return (cells if rows is None else cells[rows]), self.column(found[name])
        where = Label("ingest.field.above_header", name=name) if name in self.meta else name
        return np.full(size, default, dtype=object), where

    @property
    def source(self) -> str:
        """The rows' source: the file, and the sheet of a workbook."""
        return f"QPS: {self.file}" + (f", fleta {self.sheet}" if self.sheet else "")


def _from_csv(text: str, file: str, log: ProblemLog, notes: list[str]) -> _Cells | None:
    delimiter, lines = _csv_head(text)
    grid = [split_line(line, delimiter) for line in lines]
    header_at = next((i for i, row in enumerate(grid) if _header_score(row)), None)
    if header_at is None:
        log.say(None, None, lines[0][:80] if lines else "", "ingest.qps.header")
        return None
    header = grid[header_at]
    if _header_score(header) < 10:  # long layout: parse the body with pandas (fast, compact)
        offset = sum(len(line) for line in text.splitlines(keepends=True)[: header_at + 1])
        try:
            body = pd.read_csv(
                io.StringIO(text[offset:]),
                sep=delimiter,
                header=None,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                engine="c",
                names=range(len(header)),
            )
        except (pd.errors.ParserError, ValueError) as error:
            match = re.search(r"line (\d+)", str(error))
            line = header_at + 1 + int(match.group(1)) if match else None
            log.say(
                line,
                None,
                None,
                "ingest.qps.fields",
                width=len(header),
                error=_first_line(error),
            )
            return None
        body = body.apply(lambda column: column.str.strip())
        filled = (body != "").any(axis=1).to_numpy()
        numbers = np.arange(header_at + 2, header_at + 2 + len(body))[filled]
        body = body[filled]
        meta = _metadata(grid[:header_at])
        columns = [body[j].to_numpy(dtype=object) for j in range(len(header))]
        return _long(_Body(header, columns, numbers, meta, file, None), log)
    all_rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    sheet = Sheet(
        None, [[c.strip() for c in row] for row in all_rows], list(range(1, len(all_rows) + 1))
    )
    return _from_sheet(sheet, file, log, notes)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__


def _from_sheet(sheet: Sheet, file: str, log: ProblemLog, notes: list[str]) -> _Cells | None:
    """Unmerge, find the header, and read the long or wide layout of one sheet.

    Every merged range is first given its first cell's value everywhere (so that a label
    merged over a two-row header reads on the header row); once the header is known, a
    range that covers counts below it is refused: a count cannot stand for two cells.
    """
    width = max((len(row) for row in sheet.rows), default=0)
    original = [row + [""] * (width - len(row)) for row in sheet.rows]
    rows = [list(row) for row in original]
    index_of = {number: i for i, number in enumerate(sheet.numbers)}
    for r1, c1, r2, c2 in sheet.merged:
        first = index_of.get(r1)
        if first is None or c1 - 1 >= width:
            continue
        value = original[first][c1 - 1]
        for r in range(r1, r2 + 1):
            i = index_of.get(r)
            if i is not None:
                for c in range(c1 - 1, min(c2, width)):
                    if not original[i][c]:
                        rows[i][c] = value
    header_at = next((i for i, row in enumerate(rows[:HEAD_ROWS]) if _header_score(row)), None)
    if header_at is None:
        return None
    header_number = sheet.numbers[header_at]
    header = rows[header_at]
    value_columns = {
        j
        for j, cell in enumerate(header)
        if _month_header(cell) or _header_kind(cell) == "count" or normalise(cell) in TOTAL_WORDS
    }
    for r1, c1, r2, c2 in sheet.merged:
        if r2 > header_number and any(c - 1 in value_columns for c in range(c1, c2 + 1)):
            first = index_of.get(r1)
            cells = f"{column_letter(c1 - 1)}{r1}:{column_letter(c2 - 1)}{r2}"
            log.say(
                r1,
                Label("ingest.field.in_sheet", field=cells, sheet=sheet.name)
                if sheet.name
                else cells,
                original[first][c1 - 1] if first is not None and c1 - 1 < width else "",
                "ingest.qps.merged",
            )
    if log:
        return None
    header = rows[header_at]
    meta = _metadata(rows[:header_at])
    if sheet.name and _TITLE_YEAR_RE.fullmatch(sheet.name.strip()):
        meta.setdefault("_title_year", sheet.name.strip())
    body = rows[header_at + 1 :]
    numbers = np.asarray(sheet.numbers[header_at + 1 :], dtype=np.int64)
    filled = (
        np.array([any(cell for cell in row) for row in body], dtype=bool)
        if body
        else np.zeros(0, bool)
    )
    body = [row for row, keep in zip(body, filled, strict=True) if keep]
    numbers = numbers[filled] if len(numbers) else numbers
    columns = [np.array([row[j] for row in body], dtype=object) for j in range(width)]
    measure = _measure_of([sheet.name or "", *(c for row in rows[:header_at] for c in row)])
    if measure:
        meta["_measure"] = measure
    table = _Body(header, columns, numbers, meta, file, sheet.name)
    if _header_score(header) >= 10:
        return _wide(table, log, notes)
    return _long(table, log)


def _metadata(rows: Sequence[Sequence[str]]) -> dict[str, str]:
    """Lines above the header: "Viti: 2024", "Shërbimi: 5", "Komuna: X", and title years."""
    meta: dict[str, str] = {}
    years: set[str] = set()
    for row in rows:
        cells = [cell for cell in row if cell]
        for key, value in common.labelled_values(cells):
            kind = _header_kind(key) if key else None
            if kind in ("year", "service", "municipality") and value:
                meta.setdefault(kind, value)
        for cell in dict.fromkeys(cells):
            years.update(_TITLE_YEAR_RE.findall(cell))
    if len(years) == 1:
        meta["_title_year"] = years.pop()
    return meta


def _columns_of(
    header: Sequence[str], file: str, line_of_header: int | None, log: ProblemLog
) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, cell in enumerate(header):
        kind = _header_kind(cell)
        if kind is None:
            continue
        if kind in found:
            log.say(
                line_of_header,
                column_label(column_letter(j)),
                cell,
                "ingest.one_column",
                kind=kind,
                other=column_letter(found[kind]),
            )
        found[kind] = j
    return found


def _long(body: _Body, log: ProblemLog) -> _Cells | None:
    header, meta = body.header, body.meta
    found = _columns_of(header, body.file, None, log)
    for j, cell in enumerate(header):
        text = normalise(cell)
        if _header_kind(cell) is None and text and text not in _IGNORED:
            log.say(
                None,
                column_label(column_letter(j)),
                cell,
                "ingest.qps.template_column",
                columns=", ".join(TEMPLATE_COLUMNS),
            )
    measure = meta.get("_measure", "services")
    if "count" in found:
        measure = _measure_of([header[found["count"]]]) or measure
    for needed in ("year", "month", "category", "service", "count"):
        if needed == "service" and measure == "clients":
            continue
        if needed not in found and needed not in meta:
            log.say(None, None, None, _NEEDED_KEYS[needed], columns=", ".join(TEMPLATE_COLUMNS))
    if log:
        return None
    size = len(body.numbers)
    fields: dict[str, np.ndarray] = {}
    where: dict[str, np.ndarray | str] = {}
    for name in ("year", "month", "category", "service", "sex", "age", "count", "municipality"):
        default = meta.get(name, _DEFAULTS.get(name, ""))
        fields[name], where[name] = body.field(name, found, default, size)
    return _Cells(body.numbers, fields, where, body.source, measure=measure)


_DEFAULTS = {"sex": "all", "age": "all", "municipality": MUNICIPALITY}
_NEEDED_KEYS = {
    "year": "ingest.qps.needs_year",
    "month": "ingest.qps.needs_month",
    "category": "ingest.qps.needs_category",
    "service": "ingest.qps.needs_service",
    "count": "ingest.qps.needs_count",
}
"""The message of a column the long layout lacks (and no line above the header gives)."""


def _wide(body: _Body, log: ProblemLog, notes: list[str]) -> _Cells | None:
    header, columns, numbers, meta = body.header, body.columns, body.numbers, body.meta
    found = _columns_of(header, body.file, None, log)
    months: dict[int, int] = {}
    total_column: int | None = None
    for j, cell in enumerate(header):
        month = _month_header(cell) if _header_kind(cell) is None else None
        text = normalise(cell)
        if month is not None:
            if month in months.values():
                log.say(None, column_label(column_letter(j)), cell, "ingest.qps.month_once")
            months[j] = month
        elif text in TOTAL_WORDS:
            total_column = j
        elif _header_kind(cell) is None and text and text not in _IGNORED:
            log.say(None, column_label(column_letter(j)), cell, "ingest.qps.wide_column")
        elif _header_kind(cell) == "count":
            log.say(None, column_label(column_letter(j)), cell, "ingest.qps.wide_count")
    label = found.get("category", found.get("code"))
    if label is None:
        log.say(None, None, None, "ingest.qps.category_column")
    year_known = "year" in found or "year" in meta or "_title_year" in meta
    if not year_known:
        log.say(None, None, None, "ingest.qps.year")
    measure = meta.get("_measure", "services")
    if "service" not in found and "service" not in meta and measure != "clients":
        log.say(None, None, None, "imports.expected.qps_service_missing")
    if log:
        return None
    assert label is not None
    label_values = columns[label]
    code_values = columns[found["code"]] if "category" in found and "code" in found else None
    is_total_row = np.array([normalise(v) in TOTAL_WORDS for v in label_values], dtype=bool)
    month_columns = sorted(months)
    value_grid = (
        np.stack([columns[j] for j in month_columns], axis=1)
        if month_columns
        else np.zeros((len(numbers), 0), object)
    )
    has_value = value_grid != ""
    label_fields = {
        name: columns[found[name]]
        for name in ("service", "sex", "age", "year", "municipality")
        if name in found
    }
    _check_wide_totals(body, month_columns, total_column, is_total_row, label_fields, log)
    rows_with_values = has_value.any(axis=1) & ~is_total_row
    empty_label = np.array([not v for v in label_values], dtype=bool)
    for i in np.flatnonzero(rows_with_values & empty_label)[:50].tolist():
        log.say(
            int(numbers[i]),
            body.column(label),
            "",
            "ingest.qps.row_category",
        )
    skipped = int((~has_value & rows_with_values[:, None]).sum())
    if skipped:
        notes.append(
            f"{skipped} empty month cell(s) were not stored (an empty cell is no report, not 0)"
        )
    take_rows, take_cols = np.nonzero(has_value & rows_with_values[:, None])
    size = len(take_rows)
    fields: dict[str, np.ndarray] = {
        "category": label_values[take_rows],
        "month": np.array([str(months[month_columns[c]]) for c in take_cols], dtype=object),
        "count": value_grid[take_rows, take_cols],
    }
    where: dict[str, np.ndarray | str] = {
        "category": body.column(label),
        "month": "month",
        "count": np.array(  # one label per month column, shared by its cells
            [body.column(j) for j in month_columns], dtype=object
        )[take_cols],
    }
    year_default = meta.get("year") or meta.get("_title_year", "")
    defaults = {
        "year": year_default,
        "service": meta.get("service", ""),
        "municipality": meta.get("municipality", MUNICIPALITY),
        "sex": "all",
        "age": "all",
    }
    for name, default in defaults.items():
        fields[name], where[name] = body.field(name, found, default, size, take_rows)
    cells = _Cells(numbers[take_rows], fields, where, body.source, measure=measure)
    if code_values is not None:
        cells.category_code = code_values[take_rows]
    return cells


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _check_wide_totals(
    body: _Body,
    month_columns: list[int],
    total_column: int | None,
    is_total_row: np.ndarray,
    label_fields: dict[str, np.ndarray],
    log: ProblemLog,
) -> None:
    """A total column must be the sum of the row's months; a total row, of the rows above."""
    columns, numbers = body.columns, body.numbers

    def check(i: int, j: int, parts: list[float], key: str) -> None:
        """Say when the number in row ``i``, column ``j`` is not the sum of ``parts``."""
        total = _number(columns[j][i])
        if total is not None and abs(total - sum(parts)) > 0.5:
            log.say(int(numbers[i]), body.column(j), columns[j][i], key, sum=f"{sum(parts):g}")

    if total_column is not None:
        for i in range(len(numbers)):
            cells = [columns[j][i] for j in month_columns]
            parts = [_number(c) for c in cells if c]
            if parts and not any(p is None for p in parts):
                check(i, total_column, parts, "ingest.qps.row_sum")  # type: ignore[arg-type]
    if not is_total_row.any():
        return
    groups = list(zip(*label_fields.values(), strict=True)) if label_fields else [()] * len(numbers)
    for t in np.flatnonzero(is_total_row).tolist():
        members = [i for i in range(len(numbers)) if not is_total_row[i] and groups[i] == groups[t]]
        for j in month_columns + ([total_column] if total_column is not None else []):
            parts = [_number(columns[j][i]) for i in members if columns[j][i]]
            if not any(p is None for p in parts):
                check(t, j, parts, "ingest.qps.total_sum")  # type: ignore[arg-type]


# --- validation -------------------------------------------------------------------------


def _age(text: str) -> str | None:
    folded = normalise(text)
    if folded in ("all", "gjithsej", "total", "te gjitha"):
        return "all"
    match = _AGE_RE.fullmatch(folded)
    if match is None:
        return None
    band = (
        f"{int(match.group(1))}-{int(match.group(2))}"
        if match.group(1)
        else f"{int(match.group(3))}+"
    )
    return band if band in AGE_GROUPS else None


def _whole(text: str, low: int, high: int) -> int | None:
    if not _INTEGER_RE.fullmatch(text):
        return None
    number = int(float(text))
    return number if low <= number <= high else None


def _validate(
    cells: _Cells,
    file: str,
    codes: Codes,
    places: Places,
    dataset: Dataset,
    log: ProblemLog,
    notes: list[str],
) -> pd.DataFrame | None:
    size = len(cells.lines)
    category_names, service_names = codes.category_names, codes.service_names

    def category(text: str) -> int | None:
        code = _whole(text, 0, 10**6)
        if code is not None:
            return code if code in codes.categories else None
        return category_names.get(normalise(text))

    def service(text: str) -> int | None:
        if not text and cells.measure == "clients":
            return _NO_SERVICE
        code = _whole(text, 0, 10**6)
        if code is not None:
            return code if code in codes.services else None
        return service_names.get(normalise(text))

    def municipality(text: str) -> str | None:
        place = places.resolve(text, ("municipality",))
        return place.name if place else None

    def month(text: str) -> int | None:
        return parse_month(text) if text else None

    rules = {  # each field's reading and the message of a value it cannot read
        "year": (lambda t: _whole(t, 1990, 2100), "imports.expected.qps_year"),
        "month": (month, "imports.expected.qps_month"),
        "category": (category, "imports.expected.qps_category"),
        "service": (service, "imports.expected.qps_service"),
        "sex": (lambda t: _SEX.get(normalise(t)), "imports.expected.qps_sex"),
        "age": (_age, "imports.expected.qps_age"),
        "municipality": (municipality, "imports.expected.qps_municipality"),
    }
    parsed: dict[str, np.ndarray] = {}
    for name, (parse, key) in rules.items():
        values = cells.fields[name]
        uniques, inverse = np.unique(values.astype(str), return_inverse=True)
        mapped = np.array([parse(u) for u in uniques.tolist()], dtype=object)
        result = mapped[inverse]
        bad = np.flatnonzero(pd.isna(result))
        for i in bad[:200].tolist():
            log.say(
                int(cells.lines[i]),
                _where(cells, name, i),
                str(values[i]),
                key,
                categories=max(codes.categories),
                services=max(codes.services),
            )
        log.omitted += max(0, len(bad) - 200)
        parsed[name] = result
    if cells.category_code is not None:
        code_of_row = np.array(
            [_whole(str(c), 0, 10**6) if c else None for c in cells.category_code], dtype=object
        )
        differ = [
            i
            for i in range(size)
            if code_of_row[i] is not None
            and parsed["category"][i] is not None
            and code_of_row[i] != parsed["category"][i]
        ]
        for i in differ[:50]:
            log.say(
                int(cells.lines[i]),
                "code",
                str(cells.category_code[i]),
                "ingest.qps.code_of_name",
                code=parsed["category"][i],
            )
    count_text = cells.fields["count"].astype(str)
    status = np.array(
        [t.lower() if t.lower() in SYMBOLS else None for t in count_text], dtype=object
    )
    numeric = np.array([_count(t) for t in count_text], dtype=object)
    bad = np.flatnonzero((numeric == None) & (status == None))  # noqa: E711
    for i in bad[:200].tolist():
        log.say(
            int(cells.lines[i]),
            _where(cells, "count", i),
            count_text[i],
            "imports.expected.qps_count",
        )
    log.omitted += max(0, len(bad) - 200)
    if log:
        return None
    columns = {
        "municipality": parsed["municipality"],
        "year": parsed["year"],
        "month": parsed["month"],
        "client_category_code": parsed["category"],
        "service_code": np.array(
            [None if v == _NO_SERVICE else v for v in parsed["service"]], dtype=object
        ),
        "sex": parsed["sex"],
        "age_group": parsed["age"],
        "count": pd.array(np.where(status == None, numeric, None), dtype="Int64"),  # noqa: E711
        "status": status,
        "demonstration": np.zeros(size, dtype=bool),
        "import_id": np.full(size, PENDING_IMPORT_ID, dtype=object),
        "source": np.full(size, cells.source, dtype=object),
    }
    stored = {c.name for c in dataset.stored_columns}
    frame = rows_frame(dataset, {k: v for k, v in columns.items() if k in stored}, size)
    key = list(dataset.key)
    repeated = frame.duplicated(subset=key, keep=False).to_numpy()
    if repeated.any():
        first_line: dict[tuple, int] = {}
        shown = 0
        for i in np.flatnonzero(repeated).tolist():
            values = tuple(frame.iloc[i][k] for k in key)
            values = tuple(None if pd.isna(v) else v for v in values)
            if values not in first_line:
                first_line[values] = int(cells.lines[i])
                continue
            if shown < 200:
                shown += 1
                log.say(
                    int(cells.lines[i]),
                    _where(cells, "count", i),
                    ", ".join(
                        f"{k}={'' if v is None else v}" for k, v in zip(key, values, strict=True)
                    ),
                    "ingest.qps.once",
                    other=first_line[values],
                )
            else:
                log.omitted += 1
        return None
    return frame


def _count(text: str) -> int | None:
    if not _INTEGER_RE.fullmatch(text):
        return None
    return int(float(text))


def _where(cells: _Cells, name: str, i: int) -> str:
    """The column a field of row ``i`` was read from (a Label, said in each language)."""
    column = cells.columns[name]
    return column[i] if isinstance(column, np.ndarray) else column


# --- the template ---------------------------------------------------------------------------

TEMPLATE_TITLE = (
    "Shërbimet e QPS sipas muajit: shablloni i importit / QPS services by month: import template"
)
TEMPLATE_HELP = (
    "Një rresht për çdo numër. Kodet e kategorive (1-47) dhe të shërbimeve (1-56) janë në "
    "fletët 'Kategoritë' dhe 'Shërbimet'. Gjinia: F, M ose all. Mosha: 0-5, 6-13, 14-17, "
    "18-64, 65+ ose all. Numri: numër i plotë; ':' nuk ka të dhëna, 'x' i fshehur. "
    "Mos e ndryshoni rreshtin e titujve."
)


def template_sheet(
    workbook: Any, name: str, title: str, help_text: str, columns: Sequence[str]
) -> Any:
    """The first sheet of an import template: title and help above the header on row 4.

    Rows 1-2 are merged title and help text (the readers skip them), the header is bold and
    frozen, data starts on row 5. Shared with the budget-execution template.
    """
    from openpyxl.styles import Alignment, Font

    sheet = workbook.active
    sheet.title = name
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet["A2"] = help_text
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns))
    sheet.row_dimensions[2].height = 60
    for j, column in enumerate(columns, start=1):
        sheet.cell(row=4, column=j, value=column).font = Font(bold=True)
        sheet.column_dimensions[column_letter(j - 1)].width = max(12, len(column) + 2)
    sheet.freeze_panes = "A5"
    return sheet


def write_template(fmt: str, codes: Codes) -> bytes:
    """The QPS import template as CSV (header only) or XLSX (with the official lists)."""
    if fmt == "csv":
        return ("\ufeff" + ",".join(TEMPLATE_COLUMNS) + "\r\n").encode("utf-8")
    if fmt != "xlsx":
        raise ValueError(f"unknown template format {fmt!r}; expected csv or xlsx")
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = template_sheet(workbook, "Të dhënat", TEMPLATE_TITLE, TEMPLATE_HELP, TEMPLATE_COLUMNS)
    for column, values in (("E", "F,M,all"), ("F", ",".join((*AGE_GROUPS, "all")))):
        validation = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
        validation.add(f"{column}5:{column}100000")
        sheet.add_data_validation(validation)
    month = DataValidation(
        type="whole", operator="between", formula1="1", formula2="12", allow_blank=True
    )
    month.add("B5:B100000")
    sheet.add_data_validation(month)
    for title, items in (("Kategoritë", codes.categories), ("Shërbimet", codes.services)):
        listing = workbook.create_sheet(title)
        listing.append(["kodi", "emri"])
        listing["A1"].font = listing["B1"].font = Font(bold=True)
        for code, name in sorted(items.items()):
            listing.append([code, name])
        listing.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def has_qps_header(rows: Sequence[Sequence[str]]) -> bool:
    """Whether one of these rows is a QPS header (the template's or the wide layout's)."""
    return any(_header_score(row) for row in rows)
