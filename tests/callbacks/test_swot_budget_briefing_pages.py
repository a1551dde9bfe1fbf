"""The SWOT, Budget and Briefing pages: callbacks called directly, every value and language."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from dashboard.components.declared import page_layout
from dashboard.i18n import LANGUAGES, format_currency, format_number, t
from tests.callbacks.page_tools import (
    chart_cards,
    find,
    ids,
    post_page_callback,
    update_page,
    visible_text,
    walk,
)


@pytest.fixture(scope="module")
def pages(app):
    from dashboard.pages import briefing, budget, swot

    return swot, budget, briefing


@pytest.mark.parametrize("lang", LANGUAGES)
def test_swot_every_quadrant(pages, database, lang):
    swot = pages[0]
    for quadrant in ("S", "W", "O", "T"):
        content, search = update_page(swot.PAGE, lang, quadrant=quadrant)
        assert urlencode({"quadrant": quadrant}) in search
        expected = database.query("swot_items", {"quadrant": quadrant})
        card = find(content, f"swot-{quadrant}")
        assert all(text in visible_text(card) for text in expected["item_text"])
        assert {f"swot-{q}" for q in "SWOT"} & ids(content) == {f"swot-{quadrant}"}
        assert list(chart_cards(content)) == ["swot-counts"]
        graph = find(content, "chart-swot-counts")
        assert list(graph.figure.data[0].y) == [5, 10, 9, 6]  # every quadrant still counted
        links = [i.href for i in walk(content) if getattr(i, "href", None)]
        assert f"/charts/swot-items.csv{search}" in links
        assert f"/charts/swot-counts.csv{search}" in links
    content, search = update_page(swot.PAGE, lang, quadrant=None)
    assert search == ("" if lang == "sq" else f"?lang={lang}")
    assert {f"swot-{q}" for q in "SWOT"} <= ids(content)
    text = visible_text(content)
    graph = find(content, "chart-swot-counts")
    assert list(graph.figure.data[0].x) == [t(f"swot.quadrant.{q}", lang) for q in "SWOT"]
    assert list(graph.figure.data[0].y) == [5, 10, 9, 6]
    assert t("swot.takeaway", lang, quadrant=t("swot.quadrant.W", lang), items=10, total=30) in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_swot_invalid_quadrant_gives_the_notice(pages, lang):
    layout = page_layout(pages[0].PAGE, lang=lang, quadrant="X")
    assert "quadrant = «X»" in visible_text(find(layout, "filter-notice"))
    assert len([i for i in walk(layout) if getattr(i, "id", None) == "filter-notice"]) == 1
    assert visible_text(layout).count(t("filters.invalid_heading", lang)) == 1
    assert t("swot.no_links", lang) in visible_text(layout)
    assert {f"swot-{q}" for q in "SWOT"} <= ids(layout)  # the default: every quadrant


def test_swot_address_read_back_and_back_button(pages, client):
    swot = pages[0]
    layout = page_layout(swot.PAGE, lang="en", quadrant="O")
    assert find(layout, "swot-quadrant").value == "O"
    assert {f"swot-{q}" for q in "SWOT"} & ids(layout) == {"swot-O"}
    out = post_page_callback(client, swot.PAGE, "en", "?quadrant=W&lang=en")
    assert out["swot-quadrant"]["value"] == "W"
    assert "swot-url" not in out
    changed = post_page_callback(client, swot.PAGE, "sr", "?lang=sr", "quadrant", quadrant="T")
    assert changed["swot-url"]["search"] == "?quadrant=T&lang=sr"


def test_swot_downloads_follow_the_quadrant(client):
    import io

    import pandas as pd

    items = pd.read_csv(io.StringIO(client.get("/charts/swot-items.csv?quadrant=O").text))
    assert set(items["quadrant"]) == {"O"} and len(items) == 9
    counts = pd.read_csv(io.StringIO(client.get("/charts/swot-counts.csv?quadrant=O").text))
    assert len(counts) == 4


@pytest.mark.parametrize("lang", LANGUAGES)
def test_budget_every_sector_and_reading(pages, database, lang):
    budget = pages[1]
    for spec in budget.PAGE.specs:
        for value in spec.allowed_values():
            chosen = {"sector": None, "reading": None, spec.name: value}
            content, search = update_page(budget.PAGE, lang, **chosen)
            assert urlencode({spec.name: value}) in search
            lines = database.query("budget_lines", chosen)
            assert t("budget.table_heading", lang, lines=len(lines)) in visible_text(content)
            rows = {i for i in ids(content) if i.startswith("budget-line-")}
            assert rows == {f"budget-line-{n}" for n in lines["line_no"]}
            assert t("state.error", lang) not in visible_text(content)


def test_budget_marks_uncertain_and_missing_amounts(pages):
    content, _ = update_page(pages[1].PAGE, "en")
    line_12 = visible_text(find(content, "budget-line-12"))
    assert t("budget.amount_not_legible", "en") in line_12
    assert t("budget.reading.not_legible", "en") in line_12
    line_2 = visible_text(find(content, "budget-line-2"))
    assert t("budget.amount_none", "en") in line_2
    line_13 = visible_text(find(content, "budget-line-13"))
    assert (
        t("budget.reading.uncertain", "en") in line_13 and format_currency(140000, "en") in line_13
    )
    assert t("budget.execution_missing", "en") in visible_text(find(content, "budget-execution"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_budget_headline_and_invalid_values(pages, lang):
    layout = page_layout(pages[1].PAGE, lang=lang, reading="maybe")
    assert "reading = «maybe»" in visible_text(find(layout, "filter-notice"))
    assert visible_text(layout).count(t("filters.invalid_heading", lang)) == 1
    assert find(layout, "budget-reading").value is None
    assert format_currency(1_032_000, lang) in visible_text(find(layout, "kpi-budget-total"))
    assert format_currency(674_048.46, lang) in visible_text(find(layout, "kpi-qps-budget-page"))


def test_budget_address_read_back_and_back_button(pages, database, client):
    budget = pages[1]
    sector = budget.PAGE.specs[0].allowed_values()[0]
    layout = page_layout(budget.PAGE, lang="sr", sector=sector, reading="uncertain")
    assert find(layout, "budget-sector").value == sector
    assert find(layout, "budget-reading").value == "uncertain"
    lines = database.query("budget_lines", {"sector": sector, "reading": "uncertain"})
    rows = {i for i in ids(layout) if i.startswith("budget-line-")}
    assert rows == {f"budget-line-{n}" for n in lines["line_no"]}
    out = post_page_callback(client, budget.PAGE, "en", "?reading=certain&lang=en")
    assert out["budget-reading"]["value"] == "certain" and out["budget-sector"]["value"] is None
    changed = post_page_callback(
        client, budget.PAGE, "en", "?lang=en", "reading", reading="uncertain"
    )
    assert changed["budget-url"]["search"] == "?reading=uncertain&lang=en"
    # The sectors chart and the execution use no filter: their links carry the language only.
    links = [i.href for i in walk(layout) if getattr(i, "href", None)]
    assert "/charts/budget-sectors.csv?lang=sr" in links
    query = urlencode({"sector": sector, "reading": "uncertain", "lang": "sr"})
    assert f"/charts/budget-lines.csv?{query}" in links


@pytest.mark.parametrize("lang", LANGUAGES)
def test_briefing_has_every_headline_with_its_source(pages, lang):
    layout = pages[2].layout(lang=lang)
    assert t("state.error", lang) not in visible_text(layout)
    tiles = (
        "brief-demography",
        "brief-sns",
        "brief-services",
        "brief-indicators",
        "brief-budget",
        "brief-swot",
        "brief-quality",
    )
    for tile in tiles:
        text = visible_text(find(layout, tile))
        assert t("source.prefix", lang) in text, tile
    assert format_number(6735, lang) in visible_text(find(layout, "brief-services"))
    assert format_currency(1_032_000, lang) in visible_text(find(layout, "brief-budget"))
    assert t("briefing.print", lang) == find(layout, "briefing-print").children
    # Demonstration data is never in the briefing.
    grid = visible_text(find(layout, "briefing-grid"))
    assert t("chart.demonstration", lang) not in grid
    assert t("briefing.services_no_import", lang) in grid


def test_budget_shows_execution_once_an_execution_sheet_is_imported(
    pages, settings, tmp_path, monkeypatch
):
    from pathlib import Path

    from dashboard.db import get_database
    from dashboard.ingest import importer
    from dashboard.pipeline import rebuild

    private = settings.model_copy(
        update={"db_path": tmp_path / "db" / "dms.duckdb", "imports_dir": tmp_path / "imports"}
    )
    rebuild(private)  # budget_execution exists and is empty: see the test above
    sheet = (
        Path(__file__).resolve().parents[1]
        / "fixtures"
        / "budget"
        / "budget_execution_synthetic_2026_cp1252.csv"
    )
    plan = importer.preview(sheet, settings=private)
    assert plan.ok and plan.kind == "budget"
    importer.apply(plan, "test")
    database = get_database(private)
    # The page's own queries and the renderer's chart rows read the private build.
    monkeypatch.setattr(pages[1], "current_database", lambda: database)
    monkeypatch.setattr("dashboard.components.declared.current_database", lambda: database)
    content, _ = update_page(pages[1].PAGE, "en")
    section = find(content, "budget-execution")
    assert "budget-execution" in chart_cards(section)
    expected = t(
        "budget.execution_takeaway",
        "en",
        spent=format_currency(10_750.5, "en"),
        planned=format_currency(210_000, "en"),
        share="5.1%",
        lines=3,
        period="2026-Q1",
    )
    text = visible_text(section)
    assert expected in text
    assert sheet.name in text  # the source line names the imported file
    graph = find(section, "chart-budget-execution")
    names = [trace.name for trace in graph.figure.data]
    assert names == [t(k, "en") for k in ("budget.planned", "budget.committed", "budget.spent")]
    assert list(graph.figure.data[2].x) == [2500.0, 7250.5, 1000.0]


def test_briefing_tiles_are_drawn_once_per_build_and_a_failure_is_not_kept(app):
    from dashboard.pages._briefing import kept_tile

    drawn: list[str] = []

    def counted(lang: str):
        drawn.append(lang)
        return lang

    def failing(lang: str):
        drawn.append("failed")
        raise RuntimeError("the database could not be read")

    with app.server.test_request_context("/permbledhja"):
        assert [kept_tile(counted, "sq"), kept_tile(counted, "sq")] == ["sq", "sq"]
        assert kept_tile(counted, "en") == "en"  # a language of its own
        for _ in range(2):
            with pytest.raises(RuntimeError):
                kept_tile(failing, "sq")
    assert drawn == ["sq", "en", "failed", "failed"]
