"""The social assistance page: its callback for every filter value and language, the URL,
the notice for invalid values, and the downloads against the charts."""

from __future__ import annotations

import pandas as pd
import pytest
from dash.development.base_component import Component

from dashboard.components.declared import page_layout, respond
from dashboard.components.filters import query_of
from dashboard.i18n import LANGUAGES, t
from tests.callbacks.page_tools import chart_cards, figure_of, find, view, visible_text, walk
from tests.workbooks import download_rows

CHARTS = {"sns-trend", "sns-categories", "sns-rate", "sns-compare"}


@pytest.fixture(scope="module")
def page(app):
    from dashboard.pages import sns

    return sns


def compared(content) -> dict[str, float]:
    bar = figure_of(content, "sns-compare").data[0]
    return dict(zip(bar.y, bar.x, strict=True))


def test_the_filters_allow_what_the_data_has(page):
    allowed = {spec.name: spec.allowed_values() for spec in page.PAGE.specs}
    assert allowed["period"] == ["2023-02", "2025-01"]
    assert "Vushtrri" in allowed["compare"] and "Mitrovicë" not in allowed["compare"]
    assert "Kosovë" not in allowed["compare"]


def filter_cases(page):
    for spec in page.PAGE.specs:
        values = spec.allowed_values()
        for value in values:
            yield spec.name, [value] if spec.multiple else value
        if spec.multiple:
            yield spec.name, values[:2]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_filter_value_renders_the_charts_and_writes_the_address(page, database, lang):
    for name, value in filter_cases(page):
        query = {name: ",".join(value) if isinstance(value, list) else value}
        content, notice, search, values = view(page, query, lang)
        measure, period, compare, unit = (
            values[n] for n in ("measure", "period", "compare", "unit")
        )
        assert values[name] == value
        written = ",".join(value) if isinstance(value, list) else value
        is_default = value == page.PAGE.defaults[name] or (name == "period" and value == "2025-01")
        assert query_of(search).get(name) == (None if is_default else written), (name, search)
        assert (f"lang={lang}" in search) == (lang != "sq")
        text = visible_text([notice, content])
        assert t("state.error", lang) not in text
        assert t("filters.invalid_heading", lang) not in text
        cards = chart_cards(content)
        assert CHARTS == set(cards), (name, value)
        for chart_id in ("sns-trend", "sns-categories", "sns-rate"):
            assert t("source.prefix", lang) + ": " in visible_text(cards[chart_id])
        # The comparison shows Mitrovica South and exactly the chosen municipalities.
        rows = database.query("sns_comparison", {"period": period, "measure": measure})
        rows = rows[~rows["is_total"] & rows["value"].notna()]
        if rows.empty:  # e.g. members in January 2025: no figures reported, said in words
            assert t("sns.compare.empty", lang) in visible_text(cards["sns-compare"])
            continue
        if compare:
            rows = rows[rows["municipality"].isin(["Mitrovicë", *compare])]
        column = "per_1000" if unit == "per_1000" else "value"
        assert sorted(compared(content).values()) == sorted(rows[column].tolist())


def test_measure_switches_every_chart(page, database):
    families = view(page, {"measure": "families"}, "en")[0]
    members = view(page, {"measure": "members", "period": "2023-02"}, "en")[0]
    assert max(y for trace in figure_of(families, "sns-trend").data for y in trace.y if y) == 2357
    assert max(y for trace in figure_of(members, "sns-trend").data for y in trace.y if y) == 9439
    assert compared(members)["Mitrovica South"] == 8672


def test_trend_has_no_zero_for_a_missing_period(page):
    content = view(page, {}, "en")[0]
    values = [y for trace in figure_of(content, "sns-trend").data for y in trace.y]
    assert 0 not in values and None in values  # gaps between periods without figures


def test_per_1000_uses_the_2024_census_and_says_so(page):
    content = view(page, {"unit": "per_1000"}, "en")[0]
    assert compared(content)["Mitrovica South"] == round(1000 * 1759 / 64742, 1)
    rate = visible_text(chart_cards(content)["sns-rate"])
    assert "Population used: census 2024, 64,742 residents" in rate


def test_the_comparison_says_it_comes_from_press_reports(page):
    card = chart_cards(view(page, {}, "en")[0])["sns-compare"]
    text = visible_text(card)
    assert "Press reports" in text and "press report citing ASK" in text
    assert "9.8% of Kosovo's 17,940" in text


def test_categories_are_marked_undated(page):
    text = visible_text(chart_cards(view(page, {}, "sq")[0])["sns-categories"])
    assert "Pa datë" in text and "dokumenti nuk thotë për cilin vit" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_invalid_url_values_give_the_notice_not_an_exception(page, lang):
    layout = page_layout(
        page.PAGE, lang=lang, measure="cats", period="1999-13", compare="Atlantis", unit="km"
    )
    notice = visible_text(find(layout, "filter-notice"))
    assert t("filters.invalid_heading", lang) in notice
    for value in ("cats", "1999-13", "Atlantis", "km"):
        assert value in notice
    assert find(layout, "sns-measure").value == "families"
    assert find(layout, "sns-period").value == "2025-01"  # the latest comparison
    # One notice for the page: none among the cards.
    assert t("filters.invalid_heading", lang) not in visible_text(find(layout, "sns-content"))
    content, notice, search, controls = respond(
        page.PAGE, {"period": "1999-13", "compare": "Atlantis,Vushtrri"}, lang
    )
    assert controls == ["families", "2025-01", ["Vushtrri"], "count"]
    assert "Atlantis" in visible_text(notice) and "1999" not in search
    names = {
        "sq": {"Mitrovicë", "Vushtrri"},
        "en": {"Mitrovica South", "Vushtrri"},
        "sr": {"Južna Mitrovica", "Vučitrn"},
    }
    assert set(compared(content)) == names[lang]


def test_the_url_query_is_read_back(page):
    query = query_of(
        "?measure=members&period=2023-02&compare=Vushtrri,Lipjan&unit=per_1000&lang=sr"
    )
    content, _notice, search, controls = respond(page.PAGE, query, "sr")
    assert controls == ["members", "2023-02", ["Vushtrri", "Lipjan"], "per_1000"]
    assert (
        search == "?measure=members&period=2023-02&compare=Vushtrri%2CLipjan&unit=per_1000&lang=sr"
    )
    assert set(compared(content)) == {"Južna Mitrovica", "Vučitrn", "Lipljan"}


def test_layout_works_without_arguments(page):
    layout = page_layout(page.PAGE)
    assert find(layout, "sns-url") is not None and find(layout, "sns-content") is not None
    assert set(chart_cards(find(layout, "sns-content"))) == CHARTS  # drawn with the page


@pytest.mark.parametrize(
    ("chart_id", "query"),
    [
        ("sns-trend", {"measure": "members"}),
        ("sns-categories", {}),
        ("sns-rate", {"measure": "families"}),
        ("sns-compare", {"period": "2023-02", "compare": "Vushtrri,Gjakovë", "unit": "per_1000"}),
        ("sns-compare", {}),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloads_return_the_rows_of_the_chart(page, client, chart_id, query, fmt):
    content, _notice, search, _controls = respond(page.PAGE, query, "en")
    response = client.get(f"/charts/{chart_id}.{fmt}{search}")
    assert response.status_code == 200
    # The card's own link names only the filters the chart uses, and gives the same file.
    link = next(
        c.href
        for c in walk(chart_cards(content)[chart_id])
        if isinstance(c, Component)
        and str(getattr(c, "href", "")).startswith("/charts/")
        and str(c.href).split("?")[0].endswith(f".{fmt}")
    )
    uses = set(page.PAGE.chart(chart_id).uses) | {"lang"}
    assert set(query_of(link.partition("?")[2])) <= uses, link
    pd.testing.assert_frame_equal(
        download_rows(client.get(link).data, fmt), download_rows(response.data, fmt)
    )
    rows = download_rows(response.data, fmt)
    figure = figure_of(content, chart_id)
    if chart_id == "sns-trend":
        drawn = {y for trace in figure.data for y in trace.y if y is not None}
        assert drawn == set(rows["value"].dropna())
    elif chart_id == "sns-categories":
        drawn = sorted(y for trace in figure.data for y in trace.y)
        assert drawn == sorted(rows["value"])
    elif chart_id == "sns-rate":
        drawn = sorted(y for trace in figure.data for y in trace.y)
        assert drawn == sorted(rows["per_1000"])
    else:
        shown = rows[~rows["is_total"].astype(bool)]
        column = "per_1000" if query.get("unit") == "per_1000" else "value"
        assert sorted(figure.data[0].x) == sorted(shown[column])
        assert set(figure.data[0].y) == set(shown["name_en"])
        assert rows["source"].str.contains("press report citing ASK").all()
