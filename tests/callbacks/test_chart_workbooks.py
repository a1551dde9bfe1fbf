"""The chart workbooks served at /charts/<id>.xlsx: the page's title, language and formats."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dashboard.i18n import t
from tests.workbooks import chart_rows, header_row


def book_of(client, url: str) -> openpyxl.Workbook:
    response = client.get(url)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.data))


@pytest.mark.parametrize("lang", ["sq", "en", "sr"])
def test_a_settlements_workbook_is_headed_and_formatted_in_the_language(client, lang):
    from dashboard.pages.demographics import PAGE

    sheet = book_of(client, f"/charts/demography-settlements.xlsx?type=rural&lang={lang}")["data"]
    # The workbook is titled as its chart card is, for the same filters.
    chart = PAGE.chart("demography-settlements")
    values = PAGE.values({"type": "rural"}).values
    assert sheet["A1"].value == chart.heading(chart.rows(values), lang, values)
    assert sheet["A1"].value != "demography-settlements"
    assert sheet["A2"].value.startswith(t("app.municipality", lang))
    assert sheet["A3"].value.startswith(t("source.prefix", lang) + ": Plani i Veprimit")
    assert "Tabela 5" in sheet["A3"].value
    assert sheet["A4"].value.split(" ")[0] in t("export.downloaded_on", lang, date="")
    row = header_row(sheet)
    headers = [cell.value for cell in sheet[row]]
    assert headers[:3] == [
        t("demography.col.settlement", lang),
        t("demography.col.settlement_type", lang),
        t("demography.col.population", lang),
    ]
    population = sheet.cell(row=row + 1, column=3)
    assert isinstance(population.value, int) and population.number_format == "#,##0"
    census_year = headers.index(t("column.census_year", lang)) + 1
    assert sheet.cell(row=row + 1, column=census_year).number_format == "0"


def test_the_rows_are_those_of_the_csv(client):
    import pandas as pd

    csv = pd.read_csv(
        io.BytesIO(client.get("/charts/demography-settlements.csv?type=urban").data),
        encoding="utf-8-sig",
    )
    xlsx = chart_rows(client.get("/charts/demography-settlements.xlsx?type=urban").data)
    assert xlsx["settlement"].tolist() == csv["settlement"].tolist()
    assert xlsx["population"].tolist() == csv["population"].tolist()


def test_amounts_are_in_euro_and_shares_in_percent(client):
    sheet = book_of(client, "/charts/budget-lines.xlsx?lang=en")["data"]
    row = header_row(sheet)
    headers = [cell.value for cell in sheet[row]]
    amount = headers.index(t("column.amount_eur", "en")) + 1
    share = headers.index(t("column.share_of_total", "en")) + 1
    assert sheet.cell(row=row + 1, column=amount).number_format == '"€"#,##0.00'
    assert sheet.cell(row=row + 1, column=share).number_format == "0.0%"
    sheet = book_of(client, "/charts/budget-lines.xlsx?lang=sq")["data"]
    assert sheet.cell(row=row + 1, column=amount).number_format == '#,##0.00 "€"'


def test_a_title_that_depends_on_the_filters_follows_them(client):
    sheet = book_of(client, "/charts/sns-trend.xlsx?measure=members&lang=en")["data"]
    assert sheet["A1"].value == t("sns.trend.title", "en", measure=t("sns.measure.members", "en"))
    assert "ASK" in sheet["A3"].value


def test_demonstration_workbooks_say_so_above_the_rows(client, staff_client):
    book = book_of(staff_client, "/charts/services-heatmap.xlsx?lang=en")
    assert "DEMONSTRATION" in book["data"]["A5"].value
    assert book["data"]["A1"].value == t("services.chart.heatmap", "en")
