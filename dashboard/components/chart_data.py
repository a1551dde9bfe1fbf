"""The data behind each chart, downloadable as CSV or Excel at /charts/<chart_id>.<fmt>.

A page registers, for each chart, a function from the page's URL query to the DataFrame
the chart shows; the download route calls it with the same query, so the file always
matches what the person sees (filters, language) without shipping data to the browser.

Downloads are role-aware: for the public, demonstration rows are left out and, when the
chart names the catalogue dataset it shows (`dataset=`), counts of people come
suppressed as on the page (dashboard/suppression.py); staff get every figure.

The Excel file stands alone: the chart's title, the municipality, the sources and the
date come before the rows; headers are translated when the catalogue has them and every
number column carries a format (thousands, euro, percent). CSV stays plain rows, for
machines.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from flask import Blueprint, Response, request
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard.audience import current_database
from dashboard.auth import current_role
from dashboard.components.source import distinct_sources
from dashboard.i18n import (
    DEFAULT_LANGUAGE,
    format_date,
    messages,
    normalise_language,
    t,
)
from dashboard.security import spreadsheet_safe
from dashboard.suppression import for_audience

ChartData = Callable[[Mapping[str, str]], pd.DataFrame]
# A chart's title for a download: from the URL query, the rows and the language.
ChartTitle = Callable[[Mapping[str, str], pd.DataFrame, str], str]
DOWNLOAD_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DEMONSTRATION_NOTE = "DEMONSTRATION DATA - generated, not real figures / TË DHËNA DEMONSTRUESE"
DATA_SHEET = "data"
COLUMNS_SHEET = "columns"

_providers: dict[str, ChartData] = {}
_datasets: dict[str, str | None] = {}
_titles: dict[str, str | ChartTitle] = {}
_column_labels: dict[str, Mapping[str, str]] = {}
chart_downloads = Blueprint("chart_downloads", __name__)


def register_chart_data(
    chart_id: str,
    provider: ChartData,
    dataset: str | None = None,
    *,
    title: str | ChartTitle | None = None,
    column_labels: Mapping[str, str] | None = None,
) -> None:
    """Make a chart's data downloadable; chart ids are unique across pages.

    `dataset` names the catalogue dataset the chart's counts come from, so that the
    public download applies that dataset's disclosure rule. `title` (a message key, or a
    function of query, rows and language) heads the Excel file; `column_labels` maps
    columns to the message keys of their headers.
    """
    if chart_id in _providers and _providers[chart_id] is not provider:
        raise ValueError(f"chart id {chart_id!r} is registered twice")
    _providers[chart_id] = provider
    _datasets[chart_id] = dataset
    if title is not None:
        _titles[chart_id] = title
    if column_labels is not None:
        _column_labels[chart_id] = dict(column_labels)


def chart_title(chart_id: str, query: Mapping[str, str], frame: pd.DataFrame, lang: str) -> str:
    """The title a chart's download carries, in the language (the chart id if none)."""
    title = _titles.get(chart_id)
    if title is None:
        return chart_id
    return title(query, frame, lang) if callable(title) else t(title, lang)


def _has_message(key: str, lang: str) -> bool:
    return key in messages(lang) or key in messages(DEFAULT_LANGUAGE)


def column_header(chart_id: str, column: str, lang: str) -> str:
    """A column's header: the chart's own label, its page's table header, the shared one.

    The page's header is the `<page>.col.<column>` key its on-screen table uses (the page
    is the chart id's first part); without any, the column keeps its name.
    """
    page = chart_id.split("-", 1)[0]
    for key in (
        _column_labels.get(chart_id, {}).get(column),
        f"{page}.col.{column}",
        f"column.{column}",
    ):
        if key and _has_message(key, lang):
            return t(key, lang)
    return column


# Integer columns that name a thing rather than count it: no thousands separator.
_IDENTIFIER_COLUMNS = frozenset(
    {"year", "month", "position", "line_no", "priority", "first_line", "age_from", "age_to"}
)


def number_format(column: str, values: pd.Series, lang: str) -> str | None:
    """The Excel number format of a column, by what its name says it holds (None: as is).

    Amounts (`*_eur`) in euro, shares and changes (ratios) as percentages, printed
    percentages (already x100) with a % sign, counts with thousands separators, years
    and codes as plain digits, dates as dates.
    """
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_datetime64_any_dtype(values):
        return "yyyy-mm-dd"
    if not pd.api.types.is_numeric_dtype(values):
        return None
    if column.endswith("_eur"):
        return '"€"#,##0.00' if lang == "en" else '#,##0.00 "€"'
    if column in ("share", "change") or column.endswith("_share") or column.startswith("share_"):
        return "0.0%"
    if column.startswith("percent"):
        return '0.0#"%"'
    if column in _IDENTIFIER_COLUMNS or column.endswith(("_year", "_code")):
        return "0"
    present = pd.to_numeric(values, errors="coerce").dropna()
    if present.empty or (present == present.round()).all():
        return "#,##0"
    return "#,##0.0#"


@dataclass(frozen=True)
class WorkbookHeading:
    """What an Excel download says above its rows, in the language of the page."""

    title: str
    lang: str = DEFAULT_LANGUAGE
    headers: Mapping[str, str] = field(default_factory=dict)
    downloaded_on: date = field(default_factory=date.today)
    built_on: str | None = None


def has_rows(chart_id: str) -> bool:
    """Whether a chart's rows can be asked for (its page registered it)."""
    return chart_id in _providers


def chart_rows(chart_id: str, query: Mapping[str, str]) -> pd.DataFrame:
    """The rows behind a chart for a page's query, as the person asking may see them."""
    frame = _providers[chart_id](query)
    return for_audience(frame, _datasets.get(chart_id), current_role())


def is_demonstration(frame: pd.DataFrame) -> bool:
    """Whether any row of the frame is demonstration data."""
    return "demonstration" in frame.columns and bool(frame["demonstration"].fillna(False).any())


def image_caption(title: str, data: pd.DataFrame, lang: str) -> dict[str, str]:
    """The data attributes an image download draws around its chart (assets/charts.js)."""
    caption = {
        "data-title": title,
        "data-source": f"{t('source.prefix', lang)}: " + "; ".join(sources_of(data)),
        "data-municipality": t("app.municipality", lang),
        "data-date": format_date(date.today(), lang),
    }
    if is_demonstration(data):
        caption["data-demonstration"] = t("chart.demonstration", lang)
    return caption


def sources_of(frame: pd.DataFrame) -> list[str]:
    """Every distinct source the rows name (the `source` column and any `*_source`)."""
    columns = [c for c in frame.columns if c == "source" or c.endswith("_source")]
    values: list[object] = []
    for column in columns:
        values.extend(frame[column].tolist())
    return distinct_sources(values)


def encode_download(frame: pd.DataFrame, fmt: str, heading: WorkbookHeading | None = None) -> bytes:
    """CSV (UTF-8 with BOM, for Excel) or XLSX; demonstration data says so in the file."""
    if fmt == "csv":
        text = spreadsheet_safe(frame).to_csv(index=False, lineterminator="\r\n")
        if is_demonstration(frame):
            text = f"# {DEMONSTRATION_NOTE}\r\n{text}"
        return text.encode("utf-8-sig")
    if fmt == "xlsx":
        return _workbook(frame, heading or WorkbookHeading(title=""))
    raise ValueError(f"unknown format {fmt!r}")


def _heading_lines(frame: pd.DataFrame, heading: WorkbookHeading) -> list[tuple[str, Font]]:
    lang = heading.lang
    dated = t("export.downloaded_on", lang, date=format_date(heading.downloaded_on, lang))
    if heading.built_on:
        dated += " · " + t("export.data_as_of", lang, date=format_date(heading.built_on, lang))
    lines = [
        (heading.title, Font(bold=True, size=14)),
        (t("app.municipality", lang) + " · " + t("app.directorate", lang), Font(size=11)),
        (f"{t('source.prefix', lang)}: " + "; ".join(sources_of(frame)), Font(italic=True)),
        (dated, Font(size=10)),
    ]
    if is_demonstration(frame):
        lines.append((DEMONSTRATION_NOTE, Font(bold=True, color="9C2A00")))
    return lines


def _workbook(frame: pd.DataFrame, heading: WorkbookHeading) -> bytes:
    lines = _heading_lines(frame, heading)
    header_row = len(lines) + 2  # one empty row between the heading and the table
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=DATA_SHEET, startrow=header_row - 1)
        sheet = writer.sheets[DATA_SHEET]
        for row, (text, font) in enumerate(lines, start=1):
            sheet.cell(row=row, column=1, value=text).font = font
        headers = [heading.headers.get(str(c), str(c)) for c in frame.columns]
        _format_table(sheet, frame, headers, header_row, heading.lang)
        _no_formulas(sheet)
        columns = pd.DataFrame(
            {
                t("export.columns_sheet_header", heading.lang): headers,
                t("export.columns_sheet_name", heading.lang): [str(c) for c in frame.columns],
            }
        )
        columns.to_excel(writer, index=False, sheet_name=COLUMNS_SHEET)
        _no_formulas(writer.sheets[COLUMNS_SHEET])
        if is_demonstration(frame):
            pd.DataFrame({"note": [DEMONSTRATION_NOTE]}).to_excel(
                writer, index=False, sheet_name="DEMONSTRATION"
            )
    return buffer.getvalue()


def _format_table(
    sheet: Any, frame: pd.DataFrame, headers: list[str], header_row: int, lang: str
) -> None:
    """Translated headers, number formats per column, widths, frozen header, a filter."""
    last_row = header_row + len(frame)
    fill = PatternFill("solid", fgColor="DCE6F0")
    for index, (column, header) in enumerate(zip(frame.columns, headers, strict=True), start=1):
        cell = sheet.cell(row=header_row, column=index, value=header)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        code = number_format(str(column), frame[column], lang)
        if code:
            for row in range(header_row + 1, last_row + 1):
                sheet.cell(row=row, column=index).number_format = code
        width = max([len(header)] + [len(str(v)) for v in frame[column].head(200).tolist()])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if len(frame.columns):
        sheet.auto_filter.ref = (
            f"A{header_row}:{get_column_letter(len(frame.columns))}{max(last_row, header_row)}"
        )


def _no_formulas(sheet: Any) -> None:
    """Text that starts with '=' stays text: a file name or comment never runs in Excel."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _built_on() -> str | None:
    frame = current_database().query("build_info")
    built = frame["built_at"].iloc[0] if len(frame) else None
    return None if built is None or pd.isna(built) else str(built)


def workbook_heading(
    chart_id: str, query: Mapping[str, str], frame: pd.DataFrame, columns: Iterable[str]
) -> WorkbookHeading:
    """The heading of a chart's Excel download for the query's language."""
    lang = normalise_language(query.get("lang"))
    return WorkbookHeading(
        title=chart_title(chart_id, query, frame, lang),
        lang=lang,
        headers={c: column_header(chart_id, c, lang) for c in columns},
        built_on=_built_on(),
    )


@chart_downloads.get("/charts/<chart_id>.<fmt>")
def download_chart_data(chart_id: str, fmt: str) -> Response | tuple[str, int]:
    """The rows behind one chart, for the filters in the query string."""
    if chart_id not in _providers or fmt not in DOWNLOAD_FORMATS:
        return "no such chart download", 404
    query = request.args.to_dict()
    frame = chart_rows(chart_id, query)
    heading = (
        workbook_heading(chart_id, query, frame, [str(c) for c in frame.columns])
        if fmt == "xlsx"
        else None
    )
    response = Response(encode_download(frame, fmt, heading), content_type=DOWNLOAD_FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{chart_id}.{fmt}"'
    return response
