"""Demographics: settlements, ethnicity, age, and Kosovo's municipalities on a map.

Filters live in the URL (?type=rural&sort=area_desc&ethnicity=text). The page's own parts
are the sortable table of settlements (its headings sort through the address) and the
notes that set two sources side by side; everything else is declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.audience import current_database
from dashboard.boundaries import municipal_boundaries
from dashboard.components.declared import (
    Chart,
    Filter,
    Page,
    in_a_row,
    no_values,
    plain,
    register_page,
)
from dashboard.components.filters import FilterSpec
from dashboard.components.frame import with_language
from dashboard.components.page_tools import MUNICIPALITY, as_seen
from dashboard.components.settlements_table import SORT_ORDERS, TABLE_COLUMNS, settlements_table
from dashboard.figures import demographics as figures
from dashboard.i18n import t

PATH = "/demografia"
SETTLEMENT_TYPES = ("all", "urban", "rural")
ETHNICITY_SOURCES = ("table", "text")
Values = Mapping[str, Any]


def _choice(name: str, values: tuple[str, ...], default: str, key: str) -> Filter:
    return Filter(
        FilterSpec(name, values, default),
        f"demography.filter.{name}",
        lambda lang: [(v, t(f"{key}.{v}", lang)) for v in values],
        width=4,
        control="select",
    )


FILTERS = (
    _choice("type", SETTLEMENT_TYPES, "all", "demography.type"),
    _choice("sort", SORT_ORDERS, "population_desc", "demography.sort"),
    _choice("ethnicity", ETHNICITY_SOURCES, "table", "demography.ethnicity.source"),
)
DEFAULTS = {f.name: f.spec.default for f in FILTERS}


def _labels(*columns: str) -> dict[str, str]:
    return {column: f"demography.col.{column}" for column in columns}


SETTLEMENT_LABELS = _labels(*TABLE_COLUMNS)


def _with_quality_link(text: str, lang: str) -> html.Span:
    """A note followed by the link to the data-quality page, where the finding is listed."""
    link = dcc.Link(t("demography.quality_link", lang), href=with_language("/cilesia", lang))
    return html.Span([text, " ", link])


def _ranked(values: Values) -> dict[str, Any]:
    return {"settlement_type": values["type"], "sort": values.get("sort", DEFAULTS["sort"])}


def totals_note(_frame: pd.DataFrame, lang: str, _values: Values) -> html.Span:
    """How many settlements Tabela 5 lists against the totals it prints."""
    totals = as_seen(current_database().query("settlement_totals"), "settlements").iloc[0]
    return _with_quality_link(figures.settlement_totals_note(totals, lang), lang)


def ethnicity_note(_frame: pd.DataFrame, lang: str, values: Values) -> html.Span | None:
    """Where Tabela 3 and the text disagree, with what each implies."""
    params = {"municipality": MUNICIPALITY}
    query = current_database().query("ethnicity_source_comparison", params)
    comparison = as_seen(query, "population_by_ethnicity")
    if comparison.empty:
        return None
    text = t("demography.ethnicity.sources_disagree", lang)
    badge = dbc.Badge(text, color="warning", text_color="dark", className="me-1")
    note = _with_quality_link(figures.ethnicity_note(comparison, values["ethnicity"], lang), lang)
    return html.Span([badge, note])


# The four views of Tabela 5's settlements: the ranked bar, the table, the treemap, densities.
_settlements = partial(Chart, dataset="settlements", query="settlements_ranked", params=_ranked)
SETTLEMENTS = _settlements(
    id="demography-settlements",
    title_key="demography.settlements.title",
    uses=("type", "sort"),
    title=lambda frame, lang, v: figures.settlements_title(frame, lang, v["sort"]),
    takes_values=True,
    figure=lambda frame, lang, v: figures.settlements_bar(frame, lang, v["sort"]),
    takeaway=lambda frame, lang, v: figures.settlements_takeaway(frame, lang, v["sort"]),
    column_labels=SETTLEMENT_LABELS,
    note=totals_note,
)
TABLE = _settlements(
    id="demography-settlements-table",
    title_key="demography.table.title",
    uses=("type", "sort", "ethnicity"),  # its sort links keep every filter of the page
    takes_values=True,
    figure=lambda frame, lang, v: settlements_table(frame, lang, v, PATH, DEFAULTS),
    takeaway=lambda _frame, lang, _values: t("demography.table.lead", lang),
    width=12,
)
# The treemap and the densities do not depend on the sort order: drawn per type only.
TREEMAP = _settlements(
    id="demography-treemap",
    title_key="demography.treemap.title",
    uses=("type",),
    figure=figures.settlements_treemap,
    takeaway=figures.treemap_takeaway,
    column_labels=_labels("settlement", "settlement_type", "population"),
    note=lambda _frame, lang: t("demography.treemap.note", lang),
)
DENSITY = Chart(
    id="demography-density",
    title_key="demography.density.title",
    dataset="settlements",
    load=lambda values: figures.density_differences(TREEMAP.rows(values)),
    uses=("type",),
    takes_values=True,
    is_empty=lambda _frame, _values: False,  # none differing is a finding, said in words
    figure=plain(figures.density_figure),
    takeaway=lambda frame, lang, v: figures.density_takeaway(frame, TREEMAP.rows(v), lang),
    table_columns=(*(c for c in TABLE_COLUMNS if c != "settlement_type"), "density_difference"),
    column_labels={**SETTLEMENT_LABELS, **_labels("density_difference")},
    note=plain(lambda _frame, lang: _with_quality_link(t("demography.density.note", lang), lang)),
)
ETHNICITY = Chart(
    id="demography-ethnicity",
    title_key="demography.ethnicity.title",
    title=lambda frame, lang, v: figures.ethnicity_title(frame, lang, v["ethnicity"]),
    dataset="population_by_ethnicity",
    query="population_by_ethnicity",
    params=lambda v: {"source_kind": v["ethnicity"]},
    uses=("ethnicity",),
    takes_values=True,
    figure=plain(figures.ethnicity_figure),
    takeaway=lambda frame, lang, v: figures.ethnicity_takeaway(frame, v["ethnicity"], lang),
    column_labels=_labels("ethnicity", "year", "population", "percent_printed", "note"),
    note=ethnicity_note,
)
AGE = Chart(
    id="demography-age",
    title_key="demography.age.title",
    dataset="population_by_age_group",
    query="population_by_age_group",
    figure=figures.age_figure,
    takeaway=figures.age_takeaway,
    column_labels=_labels("age_group", "year", "population", "percent_printed", "label_printed"),
)
MAP = Chart(
    id="demography-map",
    title_key="demography.map.title",
    dataset="population_by_municipality",
    query="population_change_by_municipality",
    figure=lambda frame, lang: figures.population_change_map(
        frame, municipal_boundaries(), lang, MUNICIPALITY
    ),
    takeaway=lambda frame, lang: figures.map_takeaway(frame, lang, MUNICIPALITY),
    column_labels={
        **_labels("municipality", "population_2011", "population_2024", "change"),
        "note_2011": "demography.col.note",
    },
    note=lambda _frame, lang: html.Span(
        t("demography.map.attribution", lang), className="map-attribution"
    ),
    width=7,
)
# The pyramid appears when the ASK table by age and sex is imported; until then, why not.
AGE_SEX = Chart(
    id="demography-age-sex",
    title_key="demography.age_sex.title",
    dataset="population_by_age_sex",
    query="population_by_age_sex",
    params=lambda _values: {"municipality": MUNICIPALITY},
    is_empty=no_values("population"),
    empty_key="demography.age_sex.empty",
    empty_note_key="demography.age_sex.empty_how",
    error_key="demography.age_sex.error",
    figure=figures.age_sex_figure,
    takeaway=figures.age_sex_takeaway,
    width=5,
)


def arrange(cards: Mapping[str, Component | None], _values: Values, lang: str) -> list[Any]:
    """Three sections: the settlements, the people, Kosovo's municipalities."""

    def section(key: str) -> html.H2:
        return html.H2(t(key, lang), className="h5 section-title mt-2")

    side = [html.Div(cards[chart.id], className="mb-3") for chart in (TREEMAP, DENSITY)]
    ranked = dbc.Col(cards[SETTLEMENTS.id], xs=12, lg=7, className="mb-3")
    return [
        section("demography.section.settlements"),
        dbc.Row([ranked, dbc.Col(side, xs=12, lg=5)]),
        in_a_row((TABLE,), cards),
        section("demography.section.people"),
        in_a_row((ETHNICITY, AGE), cards),
        section("demography.section.kosovo"),
        in_a_row((MAP, AGE_SEX), cards),
    ]


PAGE = register_page(
    Page(
        module=__name__,
        path=PATH,
        name="demographics",
        prefix="demography",
        order=1,
        filters=FILTERS,
        charts=(SETTLEMENTS, TREEMAP, DENSITY, TABLE, ETHNICITY, AGE, MAP, AGE_SEX),
        arrange=arrange,
    )
)
