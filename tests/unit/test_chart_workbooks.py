"""Excel downloads stand alone: title, municipality, sources, date, headers, number formats."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dashboard.components.chart_data import (
    DEMONSTRATION_NOTE,
    WorkbookHeading,
    column_header,
    encode_download,
    number_format,
)
from tests.workbooks import chart_rows, header_row

FRAME = pd.DataFrame(
    {
        "year": [2023, 2024],
        "population": [64742, 71909],
        "amount_eur": [1032000.0, 2500.5],
        "share": [0.25, 0.125],
        "percent_printed": [96.68, 0.9],
        "per_1000": [36.4, 35.7],
        "period_start": pd.to_datetime(["2023-01-01", "2024-01-01"]),
        "note": ['=HYPERLINK("http://x")', "ok"],
        "source": ["ASK census2024_00.px", "=cmd|' /C calc'!A0"],
    }
)


def workbook(frame: pd.DataFrame, lang: str = "en", **heading) -> openpyxl.Workbook:
    defaults = {"title": "Residents by year", "downloaded_on": date(2025, 3, 4)}
    body = encode_download(frame, "xlsx", WorkbookHeading(lang=lang, **(defaults | heading)))
    return openpyxl.load_workbook(io.BytesIO(body))


@pytest.mark.parametrize(
    ("lang", "municipality", "source", "downloaded"),
    [
        ("sq", "Komuna e Mitrovicës së Jugut", "Burimi:", "Shkarkuar më 4 mars 2025"),
        ("en", "Municipality of Mitrovica South", "Source:", "Downloaded on 4 March 2025"),
        ("sr", "Opština Južna Mitrovica", "Izvor:", "Preuzeto 4. mart 2025"),
    ],
)
def test_the_heading_names_title_municipality_sources_and_date(
    lang, municipality, source, downloaded
):
    sheet = workbook(FRAME, lang, built_on="2025-03-01")["data"]
    assert sheet["A1"].value == "Residents by year" and sheet["A1"].font.bold
    assert sheet["A2"].value.startswith(municipality)
    assert sheet["A3"].value.startswith(source)
    assert "ASK census2024_00.px" in sheet["A3"].value
    assert sheet["A4"].value.startswith(downloaded)
    assert "2025" in sheet["A4"].value.split("·")[1]  # the data's build date too
    assert header_row(sheet) == 6


def test_headers_are_translated_and_the_columns_sheet_names_them():
    headers = {"population": "Residents", "year": "Year"}
    book = workbook(FRAME, headers=headers)
    sheet = book["data"]
    row = header_row(sheet)
    assert [c.value for c in sheet[row]][:3] == ["Year", "Residents", "amount_eur"]
    assert sheet[row][0].font.bold
    rows = chart_rows(encode_download(FRAME, "xlsx", WorkbookHeading(title="t", headers=headers)))
    assert rows["population"].tolist() == [64742, 71909]
    assert list(rows.columns) == list(FRAME.columns)


@pytest.mark.parametrize(
    ("lang", "euro"), [("en", '"€"#,##0.00'), ("sq", '#,##0.00 "€"'), ("sr", '#,##0.00 "€"')]
)
def test_every_number_column_has_its_format(lang, euro):
    sheet = workbook(FRAME, lang)["data"]
    first = header_row(sheet) + 1
    formats = {
        sheet.cell(row=first - 1, column=i).value: sheet.cell(row=first, column=i).number_format
        for i in range(1, len(FRAME.columns) + 1)
    }
    assert formats["year"] == "0"  # 2024, never 2,024
    assert formats["population"] == "#,##0"
    assert formats["amount_eur"] == euro
    assert formats["share"] == "0.0%"
    assert formats["percent_printed"] == '0.0#"%"'
    assert formats["per_1000"] == "#,##0.0#"
    assert formats["period_start"] == "yyyy-mm-dd"
    assert sheet.cell(row=first, column=2).value == 64742  # a number, not text


def test_formula_starts_stay_text_in_the_rows_and_in_the_heading():
    sheet = workbook(FRAME)["data"]
    assert sheet["A3"].data_type == "s"
    first = header_row(sheet) + 1
    note = sheet.cell(row=first, column=8)
    assert note.data_type == "s" and note.value.startswith("=HYPERLINK")
    for row in sheet.iter_rows():
        assert all(cell.data_type != "f" for cell in row)


def test_demonstration_data_says_so_above_the_rows_and_in_its_own_sheet():
    frame = FRAME.assign(demonstration=[True, True])
    book = workbook(frame)
    assert book["data"]["A5"].value == DEMONSTRATION_NOTE
    assert "DEMONSTRATION" in book.sheetnames
    assert header_row(book["data"]) == 7
    assert "DEMONSTRATION" not in workbook(FRAME).sheetnames


def test_number_formats_follow_the_column_names():
    assert number_format("line_no", pd.Series([1, 2]), "en") == "0"
    assert number_format("census_year", pd.Series([2011]), "en") == "0"
    assert number_format("services", pd.Series([1234]), "en") == "#,##0"
    assert number_format("value", pd.Series([6735.0, None]), "en") == "#,##0"
    assert number_format("spent_share", pd.Series([0.5]), "en") == "0.0%"
    assert number_format("settlement", pd.Series(["Shipol"]), "en") is None
    assert number_format("demonstration", pd.Series([True]), "en") is None


def test_headers_come_from_the_page_then_the_shared_catalogue():
    assert column_header("demography-settlements", "population", "sq") == "Banorë"
    assert column_header("services-trend", "services", "sr") == "Usluge"
    assert column_header("services-trend", "no_such_column", "en") == "no_such_column"
