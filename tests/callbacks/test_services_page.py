"""The Services page: callbacks called directly for every filter value and language."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import openpyxl
import pandas as pd
import pytest

from dashboard.components.chart_data import DEMONSTRATION_NOTE
from dashboard.components.declared import page_layout
from dashboard.components.filters import parse_filters
from dashboard.i18n import LANGUAGES, format_number, t
from tests.callbacks.page_tools import (
    chart_cards,
    find,
    is_demonstration_card,
    update_page,
    visible_text,
)

CONTROLS = ("category", "audience", "service", "year", "month", "sex", "age")
DEMO_CHARTS = (
    "services-categories",
    "services-trend",
    "services-heatmap",
    "services-sex-age",
    "services-by-service",
)


@pytest.fixture(scope="module")
def page(app):
    from dashboard.pages import services

    return services


@pytest.fixture()
def staff(monkeypatch):
    """Signed in as staff: the role the pages, downloads and API ask for."""
    for target in (
        "dashboard.auth.current_role",
        "dashboard.components.chart_data.current_role",
        "dashboard.api.current_role",
    ):
        monkeypatch.setattr(target, lambda: "viewer")


def controls(**chosen):
    values = {name: None for name in CONTROLS}
    values["category"] = []
    values.update(chosen)
    return values


def expected_total(page, database, values) -> int:
    frame = database.query("services_by_category", page.query_params(values))
    return int(frame["services"].sum())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_filter_value_redraws_the_charts_and_the_address(page, database, staff, lang):
    for spec in page.PAGE.specs:
        allowed = spec.allowed_values()
        assert allowed, spec.name
        for value in allowed:
            chosen = {spec.name: [str(value)] if spec.multiple else str(value)}
            content, search = update_page(page.PAGE, lang, **controls(**chosen))
            assert urlencode({spec.name: value}) in search, (spec.name, value, search)
            assert (f"lang={lang}" in search) == (lang != "sq")
            text = visible_text(content)
            assert t("state.error", lang) not in text
            parsed = parse_filters({spec.name: str(value)}, page.PAGE.specs).values
            total = expected_total(page, database, parsed)
            summary = visible_text(find(content, "services-selection-total"))
            assert format_number(total, lang) in summary, (spec.name, value)
            cards = chart_cards(content)
            assert set(cards) == set(DEMO_CHARTS)
            # Every chart of generated data says so (an empty selection says "no data" instead).
            for chart_id, card in cards.items():
                if total:
                    assert is_demonstration_card(card), chart_id
                    assert t("chart.demonstration", lang) in visible_text(card)


def test_the_filters_narrow_the_data(page, database, staff):
    everything = controls()
    one_year = controls(year="2024", category=["14", "37"], sex="F")
    _, search = update_page(page.PAGE, "en", **one_year)
    assert search == "?category=14%2C37&year=2024&sex=F&lang=en"
    total = expected_total(
        page,
        database,
        parse_filters({"year": "2024", "category": "14,37", "sex": "F"}, page.PAGE.specs).values,
    )
    assert 0 < total < expected_total(page, database, parse_filters({}, page.PAGE.specs).values)
    frame = database.query(
        "services_by_category",
        page.query_params(
            parse_filters({"year": "2024", "category": "14,37", "sex": "F"}, page.PAGE.specs).values
        ),
    )
    assert set(frame["client_category_code"]) <= {14, 37}
    assert everything["category"] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_invalid_url_values_give_the_notice_and_the_defaults(page, staff, lang):
    query = {"year": "1990", "category": "14,999,x", "sex": "Q", "month": "13"}
    layout = page_layout(page.PAGE, lang=lang, **query)
    notice = visible_text(find(layout, "filter-notice"))
    assert t("filters.invalid_heading", lang) in notice
    for name, value in (
        ("year", "1990"),
        ("category", "999"),
        ("category", "x"),
        ("sex", "Q"),
        ("month", "13"),
    ):
        assert f"{name} = «{value}»" in notice
    # The valid part of the address is kept: category 14 only.
    assert find(layout, "services-category").value == ["14"]
    assert find(layout, "services-year").value is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_real_count_stands_apart_and_is_not_demonstration(page, staff, lang):
    layout = page_layout(page.PAGE, lang=lang)
    real = find(layout, "services-real")
    cards = chart_cards(real)
    assert list(cards) == ["services-plan-total"]
    assert not is_demonstration_card(cards["services-plan-total"])
    text = visible_text(real)
    assert format_number(6735, lang) in text  # the plan matrix's 2023 baseline
    assert format_number(1696, lang) in text  # reported for 2024 by the document's date
    graph = find(real, "chart-services-plan-total")
    names = {trace.name: list(trace.x) for trace in graph.figure.data}
    # Reported values for 2025 and 2026 are drawn as planned, never as results.
    assert names[t("indicators.kind.planned", lang)] == ["2025", "2026"]
    assert names[t("indicators.kind.reported", lang)] == ["2024"]
    demo = find(layout, "demo-notice")
    assert demo is not None and t("services.demo_notice", lang) in visible_text(demo)


def test_downloads_say_demonstration_in_the_file(client, staff):
    response = client.get("/charts/services-categories.csv?year=2024&lang=en")
    assert response.status_code == 200
    body = response.data.decode("utf-8-sig")
    assert body.startswith(f"# {DEMONSTRATION_NOTE}")
    frame = pd.read_csv(io.StringIO(body), comment="#")
    assert len(frame) > 0 and frame["demonstration"].all()
    xlsx = client.get("/charts/services-heatmap.xlsx?category=14")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert "DEMONSTRATION" in book.sheetnames
    real = client.get("/charts/services-plan-total.csv").data.decode("utf-8-sig")
    assert not real.startswith("#") and "6735" in real


def test_the_public_never_gets_demonstration_rows(page, client):
    body = client.get("/charts/services-categories.csv?year=2024").data.decode("utf-8-sig")
    assert pd.read_csv(io.StringIO(body), comment="#").empty
    real = client.get("/charts/services-plan-total.csv").data.decode("utf-8-sig")
    assert "6735" in real  # the real count stays public
    catalogue = client.get("/api/v1/datasets").get_json()["datasets"]
    entry = next(d for d in catalogue if d["name"] == "service_counts")
    assert entry["demonstration"] is True
    assert client.get("/api/v1/datasets/service_counts.json").get_json() == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_public_page_says_the_counts_are_not_published(page, lang):
    layout = page_layout(page.PAGE, lang=lang)
    assert t("services.not_published", lang) in visible_text(find(layout, "services-not-published"))
    assert find(layout, "demo-notice") is None
    assert find(layout, "services-category") is None
    assert list(chart_cards(layout)) == ["services-plan-total"]
    content, search = update_page(page.PAGE, lang, **controls(year="2024"))
    assert find(content, "services-not-published") is not None
    assert chart_cards(content) == {}


def test_staff_see_the_api_rows_labelled(client, staff):
    rows = client.get("/api/v1/datasets/service_counts.json?year=2024").get_json()
    assert rows and all(r["demonstration"] is True and "not real" in r["source"] for r in rows)


def test_a_public_view_across_two_linked_tables_says_it_is_not_published(page, monkeypatch):
    from dashboard.components.declared import chart_component, published_in_detail

    # Values as a page with real counts would parse them (the public database holds none
    # here: the embedded data has demonstration counts only).
    values = {**page.PAGE.defaults, "category": [14], "sex": "F"}
    one_table = {**page.PAGE.defaults, "category": [14], "service": 1}
    monkeypatch.setattr("dashboard.auth.current_role", lambda: "public")
    assert not published_in_detail(page.PAGE, "service_counts", (), values)
    assert published_in_detail(page.PAGE, "service_counts", ("client_category_code",), one_table)
    card = chart_component(page.PAGE, page.PAGE.chart("services-categories"), values, "en")
    assert t("state.not_published_detail", "en") in visible_text(card)
    assert find(card, "chart-services-categories") is None
    # Staff read the staff database: every detail.
    monkeypatch.setattr("dashboard.auth.current_role", lambda: "viewer")
    assert published_in_detail(page.PAGE, "service_counts", ("client_category_code",), values)
