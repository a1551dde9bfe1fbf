"""Reading the chart workbooks back (dashboard/components/chart_data.py) as rows."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from dashboard.components.chart_data import COLUMNS_SHEET, DATA_SHEET


def header_row(sheet) -> int:
    """The row of the table's headers: the one above the frozen panes."""
    return sheet[sheet.freeze_panes].row - 1


def chart_rows(body: bytes) -> pd.DataFrame:
    """The rows of a chart workbook under their column names (from the columns sheet)."""
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=False)
    row = header_row(book[DATA_SHEET])
    frame = pd.read_excel(
        io.BytesIO(body), sheet_name=DATA_SHEET, header=row - 1, engine="openpyxl"
    )
    columns = pd.read_excel(io.BytesIO(body), sheet_name=COLUMNS_SHEET, engine="openpyxl")
    assert [str(h) for h in frame.columns] == [str(h) for h in columns.iloc[:, 0]]
    frame.columns = list(columns.iloc[:, 1])  # by position: two headers may read alike
    return frame


def download_rows(data: bytes, fmt: str) -> pd.DataFrame:
    """The rows of a chart download, CSV (UTF-8 with BOM) or Excel."""
    if fmt == "csv":
        return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    return chart_rows(data)
