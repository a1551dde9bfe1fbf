"""Read budget-execution sheets (planned, committed, spent per work-plan line and period).

One row per work-plan line and period::

    line_no, objective, year, period, planned_eur, committed_eur, spent_eur

as CSV (UTF-8 or Windows-1252; comma, semicolon or tab) or XLSX (openpyxl, streaming;
merged title rows above the header are fine). The header may be in Albanian, English or
Serbian (Linja/Nr., Periudha, Planifikuar, Obliguar/Zotuar, Shpenzuar; Planirano,
Obavezano, Potrošeno) and may come below title rows. ``dms-dashboard template budget``
writes the sheet with the 23 lines of the 2026 work plan filled in.

Amounts are cumulative: from the start of the year to the end of the period. So the
latest period of a line and year is its year to date, and a year row beside quarter or
month rows of the same line is another reading of the same running total, never a part
to add (the Budget page picks the latest period, see queries/budget_execution_by_line.sql).

Checks, each problem naming file, row, column and value: the line exists in
data/budget.csv; the period is a year, a quarter 1-4 or a month 1-12 (``2026``,
``2026-Q1``, ``TM1``, ``T1``, ``tremujori 1``, ``2026-03``, ``Mars 2026``, ``3`` with the
year from a Viti column or a ``Viti: 2026`` line); amounts are numbers of at least 0
(``1.234,56``, ``1,234.56``, ``1234.56``, ``€``) or empty (NULL, never 0); each line,
year and period once; a ``Gjithsej`` row equals the sum of the rows of its period and
is not stored. Spending above the plan is reported as a note, not refused: it is
information, not an input error. Rows without a committed or spent amount are not
stored (nothing was reported).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.catalog import Dataset
from dashboard.ingest import common, qps
from dashboard.ingest.common import IngestError, Label, ProblemLog, column_label, problem
from dashboard.ingest.mapping import (
    MONTH_NAMES,
    PENDING_IMPORT_ID,
    TOTAL_WORDS,
    Mapped,
    dataset_of,
    normalise,
    rows_frame,
)

FORMAT = "budget"
DATASET = "budget_execution"
HEAD_ROWS = 40
AMOUNTS = ("planned", "committed", "spent")
TEMPLATE_COLUMNS = (
    "line_no",
    "objective",
    "year",
    "period",
    "planned_eur",
    "committed_eur",
    "spent_eur",
)
NOT_AVAILABLE = ":"
TOLERANCE = 0.01
"""A total may differ from the sum of its parts by rounding (one cent)."""

_HEADERS: dict[str, frozenset[str]] = {
    name: frozenset(normalise(h) for h in names)
    for name, names in {
        "line": ("line_no", "line", "line no", "line no.", "linja", "nr. i linjes", "nr.", "nr",
                 "rreshti", "linija", "br.", "br", "rb", "r.b.", "nr. rendor"),
        "year": ("year", "viti", "godina"),
        "period": ("period", "periudha", "periudha e raportimit", "reporting period",
                   "izvestajni period"),
        "planned": ("planned_eur", "planned", "planifikuar", "e planifikuar",
                    "buxheti i planifikuar", "planifikimi i buxhetit", "plan", "planirano",
                    "planirani budzet"),
        "committed": ("committed_eur", "committed", "obliguar", "e obliguar", "obligime",
                      "obligimet", "zotuar", "e zotuar", "te zotuara", "obavezano",
                      "preuzete obaveze", "obaveze"),
        "spent": ("spent_eur", "spent", "shpenzuar", "e shpenzuar", "shpenzimet", "realizuar",
                  "e realizuar", "potroseno", "izvrseno", "utroseno"),
        "objective": ("objective", "objektivi", "objektivat", "pershkrimi", "description",
                      "opis", "cilj", "aktiviteti"),
    }.items()
}  # fmt: skip
_IGNORED = frozenset(
    normalise(h)
    for h in (
        "vërejtje",
        "verejtje",
        "shenime",
        "shënime",
        "notes",
        "note",
        "napomena",
        "koment",
        "sektori",
        "sector",
        "sektor",
    )
)
_UNIT_RE = re.compile(r"(?:\s*[(\[](?:eur|euro|€)[)\]]|\s+(?:eur|euro)|\s*€)$")

_QUARTER_WORDS = r"(?:q|t|tm|k|kv|tremujori|tremujor|quarter|kvartal)"
_PERIOD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("year", re.compile(r"(?:(?:viti|year|godina) ?)?(\d{4})")),
    ("year_word", re.compile(r"(?:i )?(?:viti|year|godina|gjithe viti|whole year|cela godina)")),
    ("quarter", re.compile(rf"(\d{{4}}) ?[-/ ]? ?{_QUARTER_WORDS}\.? ?(?:i )?(\d+)")),
    (
        "quarter",
        re.compile(
            rf"{_QUARTER_WORDS}\.? ?(?:i )?(\d+)(?: ?[-/ ,.] ?(\d{{4}}))?",
        ),
    ),
    ("quarter", re.compile(rf"(\d+)\.? ?{_QUARTER_WORDS}(?: ?[-/ ,.] ?(\d{{4}}))?")),
    ("month", re.compile(r"(\d{4}) ?(?:[-/.]|m) ?(\d{1,2})")),
    ("month", re.compile(r"(\d{1,2}) ?[-/.] ?(\d{4})")),
    ("month", re.compile(r"(\d{1,2})")),
    ("month_name", re.compile(r"([^\d\s.,/-]+)\.?(?: ?[-/ ,.] ?(\d{4}))?")),
)
PERIOD_TEXT = Label("ingest.budget.period")
"""What a period cell must hold (the message of an unreadable one)."""


def _header_kind(cell: str) -> str | None:
    text = _UNIT_RE.sub("", normalise(cell)).strip()
    for name, names in _HEADERS.items():
        if text in names:
            return name
    return None


def _is_header(row: Sequence[str]) -> bool:
    kinds = {_header_kind(cell) for cell in row}
    return {"line", "period"} <= kinds and bool(kinds & {"spent", "committed"})


# --- periods and amounts --------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A reporting period in its one canonical spelling."""

    year: int
    text: str  # 2026, 2026-Q1, 2026-03
    kind: str  # year, quarter, month


def parse_period(text: str, year: int | None) -> Period | Label:
    """The period of a cell (year from the cell, else ``year``), or what was expected."""
    folded = normalise(text).strip(" .")
    if not folded:
        return Label("ingest.budget.period_empty")
    for kind, pattern in _PERIOD_PATTERNS:
        match = pattern.fullmatch(folded)
        if match is None:
            continue
        groups = match.groups()
        if kind == "year":
            return _with_year(int(groups[0]), year, "year", None)
        if kind == "year_word":
            return _with_year(None, year, "year", None)
        if kind == "month_name":
            month = MONTH_NAMES.get(groups[0])
            if month is None:
                continue
            return _with_year(int(groups[1]) if groups[1] else None, year, "month", month)
        if pattern.pattern.startswith("(\\d{4})"):
            given, number = int(groups[0]), int(groups[1])
        else:
            number = int(groups[0])
            given = int(groups[1]) if len(groups) > 1 and groups[1] else None
        if kind == "quarter" and not 1 <= number <= 4:
            return Label("ingest.budget.quarter", number=number)
        if kind == "month" and not 1 <= number <= 12:
            return Label("ingest.budget.month", number=number)
        return _with_year(given, year, kind, number)
    return PERIOD_TEXT


def _with_year(
    given: int | None, year: int | None, kind: str, number: int | None
) -> Period | Label:
    if given is not None and year is not None and given != year:
        return Label("ingest.budget.row_year", year=year, given=given)
    chosen = given if given is not None else year
    if chosen is None:
        return Label("ingest.budget.needs_year")
    if not 1990 <= chosen <= 2100:
        return Label("ingest.budget.year_range")
    if kind == "year":
        return Period(chosen, str(chosen), "year")
    if kind == "quarter":
        return Period(chosen, f"{chosen}-Q{number}", "quarter")
    return Period(chosen, f"{chosen}-{number:02d}", "month")


_AMOUNT_CLEAN_RE = re.compile(r"[\s\u00a0\u202f'’€]|eur(?:o)?$|^eur(?:o)?", re.IGNORECASE)
_GROUPED_RE = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


def parse_amount(text: str) -> float | Label | None:
    """An amount in EUR (None for an empty cell), or what was expected.

    Thousands and decimal separators are told apart by position: with both, the last one
    is the decimal mark; with one kind only, a mark followed by exactly three digits
    groups thousands (``1.234`` = 1234) and one followed by one or two digits is decimal.
    """
    raw = text.strip()
    if not raw:
        return None
    cleaned = _AMOUNT_CLEAN_RE.sub("", raw)
    cleaned = _AMOUNT_CLEAN_RE.sub("", cleaned)
    if cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")")):
        return Label("ingest.budget.negative")
    if not cleaned or not re.fullmatch(r"[0-9.,]+", cleaned) or not cleaned[0].isdigit():
        return Label("ingest.budget.amount")
    if "." in cleaned and "," in cleaned:
        decimal = "." if cleaned.rfind(".") > cleaned.rfind(",") else ","
        whole, _, cents = cleaned.rpartition(decimal)
        thousands = "," if decimal == "." else "."
        if decimal in whole or not _GROUPED_RE.fullmatch(whole) or len(cents) > 2:
            return Label("ingest.budget.separators")
        return round(float(whole.replace(thousands, "") + "." + cents), 2)
    mark = "." if "." in cleaned else "," if "," in cleaned else None
    if mark is None:
        return float(cleaned)
    if cleaned.count(mark) > 1 or len(cleaned.rpartition(mark)[2]) == 3:
        if not _GROUPED_RE.fullmatch(cleaned):
            return Label("ingest.budget.separators")
        return float(cleaned.replace(mark, ""))
    whole, _, cents = cleaned.rpartition(mark)
    if len(cents) > 2 or not cents:
        return Label("ingest.budget.decimals")
    return round(float(whole + "." + cents), 2)


# --- reading the grid -----------------------------------------------------------------------


def _cell_text(value: object) -> str:
    """A cell as text; numbers from XLSX in an unambiguous form (``.`` decimal, no grouping).

    An amount keeps its cents and a date only its day; any other cell reads as elsewhere.
    """
    if isinstance(value, float) and not value.is_integer():
        cents = round(value * 100)
        if abs(value * 100 - cents) < 1e-6:
            return f"{cents / 100:.2f}"
        return f"{value:.6f}"  # more than two decimals: refused by parse_amount
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return common.cell_text(value)


@dataclass
class _Grid:
    name: str | None
    rows: list[list[str]]
    numbers: list[int]


def _xlsx_grids(path: Path, file: str) -> list[_Grid]:
    """Every worksheet as a grid of text; a merged title or label reads in every cell."""
    grids = []
    for sheet in qps.read_xlsx(path, file, cell_text=_cell_text):
        width = max((len(r) for r in sheet.rows), default=0)
        rows = [r + [""] * (width - len(r)) for r in sheet.rows]
        for r1, c1, r2, c2 in sheet.merged:
            if r1 - 1 >= len(rows) or c1 - 1 >= width:
                continue
            value = rows[r1 - 1][c1 - 1]
            for r in range(r1, min(r2, len(rows)) + 1):
                for c in range(c1, min(c2, width) + 1):
                    if not rows[r - 1][c - 1]:
                        rows[r - 1][c - 1] = value
        grids.append(_Grid(sheet.name, rows, sheet.numbers))
    return grids


def _csv_grid(path: Path, file: str) -> _Grid:
    text = qps.decode_text(common.read_bytes(path, file), file)
    lines = text.splitlines()
    delimiter = ","
    for candidate in (";", "\t", ","):
        if any(_is_header(qps.split_line(line, candidate)) for line in lines[:HEAD_ROWS]):
            delimiter = candidate
            break
    rows = [
        [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]
    return _Grid(None, rows, list(range(1, len(rows) + 1)))


def looks_like_budget(path: Path) -> bool:
    """Whether a CSV or XLSX file has a budget-execution header in its first rows."""
    try:
        if common.is_zip(path):
            import openpyxl

            with path.open("rb") as handle:  # by handle: openpyxl goes by the name otherwise
                workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
                try:
                    for sheet in workbook.worksheets:
                        for values in sheet.iter_rows(max_row=HEAD_ROWS, values_only=True):
                            if _is_header([_cell_text(v) for v in values]):
                                return True
                finally:
                    workbook.close()
            return False
        return any(
            _is_header(qps.split_line(line, delimiter))
            for line in common.head_text(path).splitlines()[:HEAD_ROWS]
            for delimiter in (",", ";", "\t")
        )
    except Exception:  # an unreadable file is not a budget sheet; its reader says why
        return False


# --- the rows ---------------------------------------------------------------------------------


def budget_lines(data_dir: Path) -> dict[int, tuple[str, float | None]]:
    """The work-plan lines of data/budget.csv: line_no -> (objective, planned amount)."""
    with (data_dir / "budget.csv").open(encoding="utf-8", newline="") as handle:
        return {
            int(row["line_no"]): (
                row["objective_sq"],
                float(row["amount_eur"]) if row["amount_eur"] else None,
            )
            for row in csv.DictReader(handle)
        }


def read(
    path: Path,
    *,
    display_name: str | None = None,
    data_dir: Path,
    catalogue: dict[str, Dataset],
) -> Mapped:
    """Read a budget-execution CSV or XLSX into budget_execution rows.

    Raises:
        IngestError: with every problem found.
    """
    file = common.sized_name(path, display_name)
    dataset = dataset_of(catalogue, DATASET, file)
    grids = _xlsx_grids(path, file) if common.is_zip(path) else [_csv_grid(path, file)]
    for grid in grids:
        header_at = next(
            (i for i, row in enumerate(grid.rows[:HEAD_ROWS]) if _is_header(row)), None
        )
        if header_at is not None:
            break
    else:
        raise IngestError(
            [
                problem(
                    file,
                    None,
                    None,
                    ", ".join(g.name or "" for g in grids) or None,
                    "ingest.budget.header",
                )
            ]
        )
    log = ProblemLog(file)
    notes: list[str] = []
    frame = _rows(grid, header_at, file, budget_lines(data_dir), dataset, log, notes)
    log.raise_if_any()
    assert frame is not None
    if frame.empty:
        raise IngestError([problem(file, None, None, None, "ingest.budget.no_amount")])
    return Mapped({DATASET: frame}, notes)


def _meta_year(rows: Sequence[Sequence[str]]) -> str | None:
    for row in rows:
        for key, value in common.labelled_values([c for c in row if c]):
            if _header_kind(key) == "year":
                return value
    return None


def _rows(
    grid: _Grid,
    header_at: int,
    file: str,
    lines: dict[int, tuple[str, float | None]],
    dataset: Dataset,
    log: ProblemLog,
    notes: list[str],
) -> pd.DataFrame | None:
    header = grid.rows[header_at]

    def column(j: int, header_text: str | None = None) -> Label:
        return column_label(qps.column_letter(j), header_text, grid.name)

    found: dict[str, int] = {}
    for j, cell in enumerate(header):
        kind = _header_kind(cell)
        if kind is None:
            if cell and normalise(cell) not in _IGNORED:
                notes.append(f"column {qps.column_letter(j)} '{cell}' was not read")
            continue
        if kind in found:
            log.say(
                grid.numbers[header_at],
                column(j),
                cell,
                "ingest.one_column",
                kind=kind,
                other=qps.column_letter(found[kind]),
            )
        found[kind] = j
    for needed in ("line", "period", *AMOUNTS):
        if needed not in found:
            log.say(
                grid.numbers[header_at],
                None,
                None,
                _NEEDED_KEYS[needed],
                columns=", ".join(TEMPLATE_COLUMNS),
            )
    if log:
        return None
    meta_year = _meta_year(grid.rows[:header_at])

    def where(name: str) -> Label:
        j = found[name]
        return column(j, header[j])

    def cell(row: list[str], name: str) -> str:
        j = found.get(name)
        return row[j] if j is not None and j < len(row) else ""

    records: list[dict] = []
    totals: list[tuple[int, Period, dict[str, float | None]]] = []
    first_seen: dict[tuple[int, int, str], int] = {}
    skipped = 0
    for number, row in zip(grid.numbers[header_at + 1 :], grid.rows[header_at + 1 :], strict=True):
        if not any(row):
            continue
        line_text = cell(row, "line")
        is_total = normalise(line_text) in TOTAL_WORDS or (
            not line_text and normalise(cell(row, "objective")) in TOTAL_WORDS
        )
        amounts: dict[str, float | None] = {}
        status = None
        bad = False
        for name in AMOUNTS:
            text = cell(row, name)
            if text.strip() == NOT_AVAILABLE:
                amounts[name], status = None, NOT_AVAILABLE
                continue
            value = parse_amount(text)
            if isinstance(value, Label):
                log.say(number, where(name), text, value.key, **dict(value.params))
                bad = True
                value = None
            amounts[name] = value
        if not is_total and amounts["committed"] is None and amounts["spent"] is None and not bad:
            skipped += 1  # a line with nothing reported (e.g. an unfilled template row)
            continue
        year_text = cell(row, "year") or meta_year or ""
        year: int | None = None
        if year_text:
            year = int(year_text) if re.fullmatch(r"\d{4}", year_text.strip()) else None
            if year is None:
                log.say(
                    number,
                    where("year")
                    if "year" in found
                    else Label("ingest.field.above_header", name="Viti"),
                    year_text,
                    "ingest.budget.year",
                )
                continue
        period = parse_period(cell(row, "period"), year)
        if isinstance(period, Label):
            log.say(number, where("period"), cell(row, "period"), period.key, **dict(period.params))
            continue
        if is_total:
            totals.append((number, period, amounts))
            continue
        line_no = int(line_text) if re.fullmatch(r"\d{1,6}", line_text) else None
        if line_no is None or line_no not in lines:
            log.say(number, where("line"), line_text, "ingest.budget.line", last=max(lines))
            continue
        if bad:
            continue
        key = (line_no, period.year, period.text)
        if key in first_seen:
            log.say(
                number,
                where("period"),
                Label("ingest.value.line_period", line=line_no, period=period.text),
                "ingest.budget.once",
                other=first_seen[key],
            )
            continue
        first_seen[key] = number
        records.append(
            {
                "line_no": line_no,
                "period": period,
                "row": number,
                "status": status,
                **{f"{n}_eur": amounts[n] for n in AMOUNTS},
            }
        )
    _check_totals(totals, records, where, log)
    if log:
        return None
    if skipped:
        notes.append(f"{skipped} line(s) without a committed or spent amount were not stored")
    _notes(records, lines, notes)
    size = len(records)
    source = f"Realizimi i buxhetit: {file}" + (f", fleta {grid.name}" if grid.name else "")
    return rows_frame(
        dataset,
        {
            "line_no": np.array([r["line_no"] for r in records], dtype=object),
            "year": np.array([r["period"].year for r in records], dtype=object),
            "period": np.array([r["period"].text for r in records], dtype=object),
            "period_type": np.array([r["period"].kind for r in records], dtype=object),
            **{
                f"{n}_eur": pd.array([r[f"{n}_eur"] for r in records], dtype="Float64")
                for n in AMOUNTS
            },
            "status": np.array([r["status"] for r in records], dtype=object),
            "import_id": np.full(size, PENDING_IMPORT_ID, dtype=object),
            "source": np.full(size, source, dtype=object),
        },
        size,
    )


_NEEDED_KEYS = {
    "line": "ingest.budget.needs_line",
    "period": "ingest.budget.needs_period",
    "planned": "ingest.budget.needs_planned",
    "committed": "ingest.budget.needs_committed",
    "spent": "ingest.budget.needs_spent",
}
"""The message of a column the sheet lacks."""


def _check_totals(totals, records, where, log: ProblemLog) -> None:  # noqa: ANN001
    """A total row must equal the sum of the lines of its period (cent rounding allowed)."""
    for number, period, amounts in totals:
        parts = [r for r in records if r["period"] == period]
        for name in AMOUNTS:
            total = amounts[name]
            values = [r[f"{name}_eur"] for r in parts if r[f"{name}_eur"] is not None]
            if total is None or not values:
                continue
            if abs(total - sum(values)) > TOLERANCE:
                log.say(
                    number,
                    where(name),
                    f"{total:.2f}",
                    "ingest.budget.total",
                    period=period.text,
                    sum=f"{sum(values):.2f}",
                )


def _notes(
    records: list[dict], lines: dict[int, tuple[str, float | None]], notes: list[str]
) -> None:
    for r in records:
        planned = r["planned_eur"] if r["planned_eur"] is not None else lines[r["line_no"]][1]
        if (
            planned is not None
            and r["spent_eur"] is not None
            and r["spent_eur"] > planned + TOLERANCE
        ):
            notes.append(
                f"row {r['row']}: line {r['line_no']}, {r['period'].text}: spent "
                f"{r['spent_eur']:.2f} EUR is above the planned {planned:.2f} EUR (stored as given)"
            )
        work_plan = lines[r["line_no"]][1]
        if (
            r["planned_eur"] is not None
            and work_plan is not None
            and abs(r["planned_eur"] - work_plan) > TOLERANCE
        ):
            notes.append(
                f"row {r['row']}: line {r['line_no']}: planned {r['planned_eur']:.2f} EUR differs "
                f"from the work plan's {work_plan:.2f} EUR (a revision?); the sheet's is used"
            )


# --- the template ---------------------------------------------------------------------------

TEMPLATE_TITLE = "Realizimi i buxhetit të planit të punës / Budget execution of the work plan"
TEMPLATE_HELP = (
    "Një rresht për çdo linjë dhe periudhë. Periudha: 2026 (viti), 2026-Q1 … 2026-Q4 ose "
    "2026-01 … 2026-12. Shumat në EUR, kumulative nga fillimi i vitit deri në fund të "
    "periudhës; bosh kur nuk dihen (jo 0). Mos e ndryshoni rreshtin e titujve."
)


def write_template(fmt: str, data_dir: Path, year: int = 2026) -> bytes:
    """The execution template: one row per work-plan line, planned from budget.amount_eur."""
    lines = budget_lines(data_dir)
    body = [
        [no, objective, year, "", "" if planned is None else f"{planned:.2f}", "", ""]
        for no, (objective, planned) in sorted(lines.items())
    ]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(TEMPLATE_COLUMNS)
        writer.writerows(body)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt != "xlsx":
        raise ValueError(f"unknown template format {fmt!r}; expected csv or xlsx")
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = qps.template_sheet(
        workbook, "Realizimi", TEMPLATE_TITLE, TEMPLATE_HELP, TEMPLATE_COLUMNS
    )
    sheet.column_dimensions[qps.column_letter(TEMPLATE_COLUMNS.index("objective"))].width = 60
    for i, row in enumerate(body, start=5):
        for j, value in enumerate(row, start=1):
            if j == 5 and value:
                value = float(value)
            sheet.cell(row=i, column=j, value=value if value != "" else None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
