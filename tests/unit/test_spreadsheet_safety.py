"""Cells a spreadsheet would run as formulas stay text in CSV and XLSX downloads (OWASP)."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from dashboard.components.chart_data import encode_download
from dashboard.opendata import encode
from dashboard.security import formula_risk, spreadsheet_safe
from tests.workbooks import header_row

RISKY = ["=1+2", "+1+2", "-1+2", "-2*A1", "@SUM(A1:A9)", "\t=1+2", "\r=1+2", "-cmd|' /C calc'!A0"]
HARMLESS = ["-", "-3.5", "+7", "-12", "1e5", "..", ":", "text", "", "a=b"]


@pytest.mark.parametrize("text", RISKY)
def test_text_a_spreadsheet_would_run_is_risky(text):
    assert formula_risk(text)


@pytest.mark.parametrize("text", HARMLESS)
def test_numbers_written_as_text_and_ask_symbols_are_left_alone(text):
    assert not formula_risk(text)


def csv_cells(body: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    "encoder", [lambda f: encode_download(f, "csv"), lambda f: encode(f, "csv")]
)
def test_csv_downloads_neutralise_every_formula_start(encoder):
    frame = pd.DataFrame({"comment": RISKY + HARMLESS, "value": range(len(RISKY + HARMLESS))})
    cells = [row[0] for row in csv_cells(encoder(frame))[1:]]
    assert cells[: len(RISKY)] == ["'" + text for text in RISKY]
    assert cells[len(RISKY) :] == HARMLESS  # unchanged
    assert spreadsheet_safe(frame)["value"].tolist() == list(range(len(RISKY + HARMLESS)))


def test_xlsx_downloads_keep_every_formula_start_as_text():
    frame = pd.DataFrame({"comment": RISKY, "n": range(len(RISKY))})
    sheet = openpyxl.load_workbook(io.BytesIO(encode_download(frame, "xlsx")))["data"]
    first = header_row(sheet) + 1
    cells = [sheet.cell(row=row, column=1) for row in range(first, first + len(RISKY))]
    assert [cell.data_type for cell in cells] == ["s"] * len(RISKY)
    # The text itself, never a formula (XML stores a carriage return as a line feed).
    assert [cell.value for cell in cells] == [text.replace("\r", "\n") for text in RISKY]
