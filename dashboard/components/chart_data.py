"""The data behind each chart, downloadable as CSV or Excel at /charts/<chart_id>.<fmt>.

A page registers, for each chart, a function from the page's URL query to the DataFrame
the chart shows; the download route calls it with the same query, so the file always
matches what the person sees (filters, language) without shipping data to the browser.

Downloads are role-aware: for the public, demonstration rows are left out and, when the
chart names the catalogue dataset it shows (`dataset=`), counts of people come
suppressed as on the page (dashboard/suppression.py); staff get every figure.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from flask import Blueprint, Response, request

from dashboard.auth import current_role
from dashboard.security import spreadsheet_safe
from dashboard.suppression import for_audience

ChartData = Callable[[Mapping[str, str]], pd.DataFrame]
DOWNLOAD_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DEMONSTRATION_NOTE = "DEMONSTRATION DATA - generated, not real figures / TË DHËNA DEMONSTRUESE"

_providers: dict[str, ChartData] = {}
_datasets: dict[str, str | None] = {}
chart_downloads = Blueprint("chart_downloads", __name__)


def register_chart_data(chart_id: str, provider: ChartData, dataset: str | None = None) -> None:
    """Make a chart's data downloadable; chart ids are unique across pages.

    `dataset` names the catalogue dataset the chart's counts come from, so that the
    public download applies that dataset's disclosure rule.
    """
    if chart_id in _providers and _providers[chart_id] is not provider:
        raise ValueError(f"chart id {chart_id!r} is registered twice")
    _providers[chart_id] = provider
    _datasets[chart_id] = dataset


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


def encode_download(frame: pd.DataFrame, fmt: str) -> bytes:
    """CSV (UTF-8 with BOM, for Excel) or XLSX; demonstration data says so in the file."""
    if fmt == "csv":
        text = spreadsheet_safe(frame).to_csv(index=False, lineterminator="\r\n")
        if is_demonstration(frame):
            text = f"# {DEMONSTRATION_NOTE}\r\n{text}"
        return text.encode("utf-8-sig")
    if fmt == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name="data")
            _no_formulas(writer.sheets["data"])
            if is_demonstration(frame):
                pd.DataFrame({"note": [DEMONSTRATION_NOTE]}).to_excel(
                    writer, index=False, sheet_name="DEMONSTRATION"
                )
        return buffer.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


def _no_formulas(sheet: Any) -> None:
    """Text that starts with '=' stays text: a file name or comment never runs in Excel."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


@chart_downloads.get("/charts/<chart_id>.<fmt>")
def download_chart_data(chart_id: str, fmt: str) -> Response | tuple[str, int]:
    """The rows behind one chart, for the filters in the query string."""
    if chart_id not in _providers or fmt not in DOWNLOAD_FORMATS:
        return "no such chart download", 404
    frame = chart_rows(chart_id, request.args.to_dict())
    response = Response(encode_download(frame, fmt), content_type=DOWNLOAD_FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{chart_id}.{fmt}"'
    return response
