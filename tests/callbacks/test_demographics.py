"""The demographics page: its callback for every filter value and language, the URL, the
notice for invalid values, and the downloads against the charts."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from dash._utils import split_callback_id
from dash.development.base_component import Component

from dashboard.components.declared import card_for, chart_component, page_layout, respond
from dashboard.components.filters import query_of
from dashboard.i18n import LANGUAGES, t
from tests.callbacks.page_tools import chart_cards, figure_of, find, view, visible_text, walk
from tests.workbooks import download_rows

CHARTS = {
    "demography-settlements",
    "demography-treemap",
    "demography-density",
    "demography-ethnicity",
    "demography-age",
    "demography-map",
}


@pytest.fixture(scope="module")
def page(app):
    from dashboard.pages import demographics

    return demographics


def bar_rows(figure) -> list[tuple[str, float]]:
    """(label, value) of every bar, top to bottom as a person reads the chart."""
    order = list(reversed(figure.layout.yaxis.categoryarray))
    values = {y: x for trace in figure.data for y, x in zip(trace.y, trace.x, strict=True)}
    return [(label, values[label]) for label in order]


def filter_cases(page):
    for spec in page.PAGE.specs:
        for value in spec.allowed_values():
            yield spec.name, value


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_filter_value_renders_every_chart_and_writes_the_address(page, database, lang):
    for name, value in filter_cases(page):
        query = {**page.PAGE.defaults, name: value}
        content, notice, search, controls = view(page, query, lang)
        assert (controls["type"], controls["sort"], controls["ethnicity"]) == (
            query["type"],
            query["sort"],
            query["ethnicity"],
        )
        assert (f"{name}={value}" in search) == (value != page.PAGE.defaults[name]), (
            name,
            value,
            search,
        )
        assert (f"lang={lang}" in search) == (lang != "sq")
        text = visible_text([notice, content])
        assert t("state.error", lang) not in text
        assert t("filters.invalid_heading", lang) not in text
        assert CHARTS <= set(chart_cards(content)), (name, value)
        # The ranked bar shows exactly the settlements the query gives, in its order.
        expected = database.query(
            "settlements_ranked", {"settlement_type": query["type"], "sort": query["sort"]}
        )
        rows = bar_rows(figure_of(content, "demography-settlements"))
        assert [label for label, _ in rows] == expected["settlement"].tolist()
        # Every chart has a source line and a takeaway in words.
        for chart_id in CHARTS:
            card_text = visible_text(chart_cards(content)[chart_id])
            assert t("source.prefix", lang) + ": " in card_text, chart_id


def test_settlement_type_filters_the_rows(page):
    content = view(page, {"type": "rural"}, "en")[0]
    labels = [label for label, _ in bar_rows(figure_of(content, "demography-settlements"))]
    assert "Mitrovicë" not in labels and len(labels) == 38
    content = view(page, {"type": "urban"}, "en")[0]
    assert bar_rows(figure_of(content, "demography-settlements")) == [("Mitrovicë", 32260)]


def test_sort_by_area_ranks_by_area_with_the_missing_area_last(page, database):
    content = view(page, {"sort": "area_desc"}, "en")[0]
    rows = bar_rows(figure_of(content, "demography-settlements"))
    values = [value for _, value in rows]
    known = [v for v in values if v == v]
    assert known == sorted(known, reverse=True)
    assert rows[-1][0] == "Zasellë" and rows[-1][1] != rows[-1][1]  # NaN, not 0


def test_ethnicity_source_switches_the_chart_and_notes_the_other(page):
    table = view(page, {"ethnicity": "table"}, "en")[0]
    text = view(page, {"ethnicity": "text"}, "en")[0]
    table_bars = dict(
        zip(
            figure_of(table, "demography-ethnicity").data[0].y,
            figure_of(table, "demography-ethnicity").data[0].x,
            strict=True,
        )
    )
    text_bars = dict(
        zip(
            figure_of(text, "demography-ethnicity").data[0].y,
            figure_of(text, "demography-ethnicity").data[0].x,
            strict=True,
        )
    )
    assert table_bars["Albanians"] == 6949 and text_bars["Albanians"] == 69497
    note = visible_text(chart_cards(table)["demography-ethnicity"])
    assert "Albanians: 6,949 in Table 3, 69,497 in the text" in note
    assert "See the data-quality page." in note
    links = [
        c
        for c in walk(chart_cards(table)["demography-ethnicity"])
        if isinstance(c, Component) and getattr(c, "href", None)
    ]
    assert any(link.href == "/cilesia?lang=en" for link in links)


def test_map_counts_the_northern_municipalities_as_no_data(page):
    content = view(page, {}, "en")[0]
    figure = figure_of(content, "demography-map")
    shapes = [trace for trace in figure.data if trace.fill == "toself"]
    no_data = [trace for trace in shapes if "not enumerated" in trace.name]
    assert len(shapes) == 38 and len(no_data) == 4
    card = visible_text(chart_cards(content)["demography-map"])
    assert "geoBoundaries" in card and "CC BY-SA 2.0" in card
    assert "Mitrovica South's population fell 10.0% from 2011 to 2024" in card


@pytest.mark.parametrize("lang", LANGUAGES)
def test_age_sex_card_explains_why_it_is_empty(page, lang):
    content = view(page, {}, lang)[0]
    card = find(content, "card-demography-age-sex")
    assert t("demography.age_sex.empty", lang) in visible_text(card)
    assert t("demography.age_sex.empty_how", lang) in visible_text(card)
    assert find(card, "chart-demography-age-sex") is None


def test_age_sex_card_draws_the_pyramid_when_rows_exist(page):
    rows = [
        (year, band, start, sex, value, "ASK census2024")
        for year in (2011, 2024)
        for band, start in (("0-14", 0), ("15-64", 15), ("65+", 65))
        for sex, value in (("M", 100), ("F", 110))
    ]
    frame = pd.DataFrame(
        rows, columns=["year", "age_group", "age_from", "sex", "population", "source"]
    )
    card = card_for(page.PAGE, page.AGE_SEX, frame, {}, "en")
    assert find(card, "chart-demography-age-sex") is not None
    assert "ASK census2024" in visible_text(find(card, "card-demography-age-sex").children)
    assert t("demography.age_sex.empty", "en") not in visible_text(card)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_age_sex_rows_that_cannot_be_read_are_said_in_the_card(page, lang):
    def unreadable(_values):
        raise ValueError("an import of an unexpected shape")

    broken = dataclasses.replace(page.AGE_SEX, query=None, load=unreadable)
    card = chart_component(page.PAGE, broken, {}, lang)
    assert t("demography.age_sex.error", lang) in visible_text(card)
    assert card.id == "card-demography-age-sex" and find(card, "chart-demography-age-sex") is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_invalid_url_values_give_the_notice_not_an_exception(page, lang):
    layout = page_layout(page.PAGE, lang=lang, type="suburban", sort="size", ethnicity="gossip")
    notice = visible_text(find(layout, "filter-notice"))
    assert t("filters.invalid_heading", lang) in notice
    for value in ("suburban", "size", "gossip"):
        assert value in notice
    assert find(layout, "demography-type").value == "all"
    # One notice for the page: none among the cards.
    content = find(layout, "demography-content")
    assert t("filters.invalid_heading", lang) not in visible_text(content)
    content, notice, search, controls = respond(
        page.PAGE, {"type": "suburban", "sort": "population_desc", "ethnicity": "text"}, lang
    )
    assert controls == ["all", "population_desc", "text"]
    assert "suburban" in visible_text(notice) and "type=" not in search
    assert CHARTS <= set(chart_cards(content))


def test_the_url_query_is_read_back(page):
    query = query_of("?type=rural&sort=name_desc&ethnicity=text&lang=sr")
    content, _notice, search, controls = respond(page.PAGE, query, "sr")
    assert controls == ["rural", "name_desc", "text"]
    assert search == "?type=rural&sort=name_desc&ethnicity=text&lang=sr"


def test_layout_works_without_arguments(page):
    layout = page_layout(page.PAGE)
    assert (
        find(layout, "demography-url") is not None
        and find(layout, "demography-content") is not None
    )
    assert CHARTS <= set(chart_cards(find(layout, "demography-content")))  # drawn with the page


def test_sort_headers_link_to_the_sorted_address(page):
    content = view(page, {"type": "rural", "sort": "population_desc"}, "en")[0]
    table = find(content, "card-demography-settlements-table")
    links = {c.href for c in walk(table) if isinstance(c, Component) and getattr(c, "href", None)}
    assert "/demografia?type=rural&sort=population_asc&lang=en" in links  # the active column flips
    assert "/demografia?type=rural&sort=name_asc&lang=en" in links
    # The table's source and downloads are the chart card's.
    assert t("source.prefix", "en") + ": " in visible_text(table)
    assert "/charts/demography-settlements-table.csv?type=rural&lang=en" in links
    # Sorting keeps every other filter of the view.
    content = view(page, {"type": "rural", "ethnicity": "text"}, "en")[0]
    table = find(content, "card-demography-settlements-table")
    links = {c.href for c in walk(table) if isinstance(c, Component) and getattr(c, "href", None)}
    assert "/demografia?type=rural&sort=area_desc&ethnicity=text&lang=en" in links


@pytest.mark.parametrize(
    ("chart_id", "query"),
    [
        ("demography-settlements", {"type": "rural", "sort": "area_desc"}),
        ("demography-treemap", {"type": "urban"}),
        ("demography-density", {}),
        ("demography-ethnicity", {"ethnicity": "text"}),
        ("demography-age", {}),
        ("demography-map", {}),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloads_return_the_rows_of_the_chart(page, client, chart_id, query, fmt):
    content, _notice, search, _controls = respond(page.PAGE, query, "en")
    response = client.get(f"/charts/{chart_id}.{fmt}{search}")
    assert response.status_code == 200
    rows = download_rows(response.data, fmt)
    # The card's own link names only the filters the chart uses, and gives the same rows.
    link = next(
        c.href
        for c in walk(chart_cards(content)[chart_id])
        if isinstance(c, Component)
        and str(getattr(c, "href", "")).startswith(f"/charts/{chart_id}.{fmt}")
    )
    uses = set(page.PAGE.chart(chart_id).uses) | {"lang"}
    assert set(query_of(link.partition("?")[2])) <= uses, link
    pd.testing.assert_frame_equal(download_rows(client.get(link).data, fmt), rows)
    figure = figure_of(content, chart_id)
    if chart_id == "demography-settlements":
        assert rows["settlement"].tolist() == [label for label, _ in bar_rows(figure)]
        assert rows["area_km2"].tolist()[:3] == [value for _, value in bar_rows(figure)][:3]
    elif chart_id == "demography-treemap":
        assert rows["settlement"].tolist() == list(figure.data[0].labels[1:])
    elif chart_id == "demography-density":
        assert sorted(rows["density_difference"]) == sorted(figure.data[0].x)
    elif chart_id == "demography-ethnicity":
        assert rows["population"].tolist() == list(figure.data[0].x)
    elif chart_id == "demography-age":
        assert rows["age_group"].tolist() == list(figure.data[0].x)
        assert rows["population"].tolist() == list(figure.data[0].y)
    else:
        shapes = [trace for trace in figure.data if trace.fill == "toself"]
        assert len(rows) == len(shapes) == 38
        assert rows["change"].isna().sum() == 4


def page_callback(app) -> str:
    """The output key of the page's one callback (controls and address)."""
    return next(key for key in app.callback_map if "demography-content.children" in key)


def post_callback(client, path, output, inputs, state, changed):
    """POST a callback as dash-renderer does (with the CSRF token of the page's cookie)."""
    assert client.get(path).status_code == 200
    cookie = client.get_cookie("_csrf_token")
    headers = {"X-CSRFToken": cookie.value} if cookie else {}
    body = {
        "output": output,
        "outputs": split_callback_id(output),
        "inputs": [{"id": c, "property": p, "value": v} for c, p, v in inputs],
        "state": [{"id": c, "property": p, "value": v} for c, p, v in state],
        "changedPropIds": changed,
    }
    return client.post("/_dash-update-component", json=body, headers=headers)


def _inputs(settlement_type, search):
    return [
        ("demography-type", "value", settlement_type),
        ("demography-sort", "value", "population_desc"),
        ("demography-ethnicity", "value", "table"),
        ("demography-url", "search", search),
    ]


def test_a_control_change_writes_the_address_through_dash(app, client, page):
    response = post_callback(
        client,
        "/demografia?lang=en",
        page_callback(app),
        _inputs("rural", "?lang=en"),
        [("demography-lang", "data", "en"), ("demography-drawn", "data", "?lang=en")],
        ["demography-type.value"],
    )
    assert response.status_code == 200, response.data[:300]
    answer = response.get_json()["response"]
    assert answer["demography-url"]["search"] == "?type=rural&lang=en"
    assert "demography-type" not in answer  # the controls are left as the person set them


def test_back_and_forward_render_the_view_of_the_address(app, client, page):
    response = post_callback(
        client,
        "/demografia?lang=en",
        page_callback(app),
        _inputs("rural", "?type=urban&lang=en"),
        [("demography-lang", "data", "en"), ("demography-drawn", "data", "?lang=en")],
        ["demography-url.search"],
    )
    assert response.status_code == 200, response.data[:300]
    answer = response.get_json()["response"]
    assert answer["demography-type"]["value"] == "urban"
    assert "demography-url" not in answer  # no new history entry for a back/forward step


def test_the_address_reported_as_the_page_mounts_draws_nothing_again(app, client, page):
    """The Location reports the address the page was drawn for: no second drawing."""
    client.get("/")  # the first request sets the callbacks up
    response = post_callback(
        client,
        "/demografia?lang=en&sort=name_asc",
        page_callback(app),
        _inputs("all", "?lang=en&sort=name_asc"),
        [("demography-lang", "data", "en"), ("demography-drawn", "data", "?sort=name_asc&lang=en")],
        ["demography-url.search"],
    )
    assert response.status_code == 200, response.data[:300]
    assert response.get_json()["response"] == {}  # every output left as it is
