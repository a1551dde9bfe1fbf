"""Declared pages and charts: one renderer builds layout, callback, downloads and caching.

A chart is declared once (`Chart`): its id, the named query, the one mapping from filter
values to query parameters, the filters it uses, the dataset for disclosure, the figure
builder, the takeaway, the title key and its table columns. A page is declared (`Page`):
path, menu key, role, filters, charts, and how its cards are arranged. `register_page(page)`
registers it with Dash and builds from the declaration:

- `layout(**query)`: the page for the address's filters, drawn on the server at load;
- one callback: a control changed -> redraw and write the address; the address changed
  (back, forward) -> redraw and set the controls. Reload and the language links go
  through `layout`, so every view has one address and every filter survives them;
- the CSV/Excel download of each chart (/charts/<id>.csv), from the same loader and only
  the filters the chart uses (so its link and cache key carry those alone).

Page modules keep only what is truly theirs (a drill-down table, a map, staff forms).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html
from dash.development.base_component import Component

from dashboard import auth
from dashboard.audience import current_database
from dashboard.components.chart_card import chart_card, empty_card
from dashboard.components.chart_data import register_chart_data
from dashboard.components.filters import (
    FilterSpec,
    ParsedFilters,
    dropdown_labels,
    parse_filters,
    query_of,
    rejected_notice,
    to_search,
)
from dashboard.components.print_header import print_header
from dashboard.i18n import normalise_language, t
from dashboard.pages._page_tools import (
    as_seen,
    card_once,
    drawn_once,
    for_table,
    guarded,
    query_from_controls,
)

Values = Mapping[str, Any]
Params = Callable[[Values], dict[str, Any]]


@dataclass(frozen=True)
class Filter:
    """One filter of a page: kept in the address, shown as a labelled control."""

    spec: FilterSpec
    label_key: str
    options: Callable[[str], Sequence[tuple[str, str]]]
    width: int = 2
    control: Literal["dropdown", "select"] = "dropdown"
    placeholder_key: str = "services.filter_all"
    searchable: bool = True

    @property
    def name(self) -> str:
        """The filter's name in the address (?name=value)."""
        return self.spec.name


@dataclass(frozen=True)
class Chart:
    """One chart card, declared once: everything the renderer needs to draw and export it.

    `load` replaces the named query when a chart's rows come from more than one query or
    from a domain rule; it gets the values of the filters the chart `uses`.
    """

    id: str
    title_key: str
    dataset: str
    figure: Callable[[pd.DataFrame, str], go.Figure]
    takeaway: Callable[[pd.DataFrame, str], str]
    query: str | None = None
    params: Params | None = None
    uses: tuple[str, ...] = ()
    load: Callable[[Values], pd.DataFrame] | None = None
    is_empty: Callable[[pd.DataFrame], bool] = lambda frame: frame.empty
    table_columns: tuple[str, ...] | None = None
    note: Callable[[pd.DataFrame, str], Component | str | None] | None = None
    width: int = 6
    empty_key: str = "state.empty"
    hide_when_empty: bool = False

    def rows(self, values: Values) -> pd.DataFrame:
        """The chart's rows for the values of the filters it uses, as the asker may see them."""
        relevant = {name: values[name] for name in self.uses if name in values}
        if self.load is not None:
            return self.load(relevant)
        if self.query is None:
            raise ValueError(f"chart {self.id!r} declares neither a query nor a loader")
        params = self.params(relevant) if self.params else dict(relevant)
        return as_seen(current_database().query(self.query, params), self.dataset)


Section = Callable[[Values, str], Sequence[Component | None]]
Arrange = Callable[[Mapping[str, Component], Values, str], Sequence[Component | None]]
Intro = Callable[[Mapping[str, Component], str], Sequence[Component | None]]


@dataclass(frozen=True)
class Page:
    """One page: where it lives, who may see it, its filters, charts and arrangement.

    `standing` charts do not depend on the filters: they are drawn once, above the filter
    bar, by `intro(cards, lang)` (in a row by default), with anything else that does not
    depend on the filters;
    `gate(lang)` returns what to show instead of the filters and charts when the page has
    nothing to show to the asker (None otherwise); `above(values, lang)` is drawn above
    the cards and redrawn with them; `arrange(cards, values, lang)` places the cards
    (a row of columns of each chart's width by default).
    """

    module: str
    path: str
    name: str
    prefix: str
    title_key: str
    lead_key: str
    order: int
    menu_key: str | None = None
    role: str = "public"
    filters: tuple[Filter, ...] = ()
    charts: tuple[Chart, ...] = ()
    standing: tuple[Chart, ...] = ()
    intro: Intro | None = None
    gate: Callable[[str], Component | None] | None = None
    above: Section | None = None
    arrange: Arrange | None = None
    css_class: str = ""
    specs: tuple[FilterSpec, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "specs", tuple(f.spec for f in self.filters))

    @property
    def defaults(self) -> dict[str, Any]:
        """Each filter's default value."""
        return {spec.name: spec.default for spec in self.specs}

    def control_id(self, name: str) -> str:
        """The component id of a filter's control."""
        return f"{self.prefix}-{name}"

    def chart(self, chart_id: str) -> Chart:
        """A declared chart of the page by its id."""
        return next(chart for chart in (*self.charts, *self.standing) if chart.id == chart_id)


def control_value(value: Any, multiple: bool) -> Any:
    """A parsed filter value as a control value (controls hold strings)."""
    if multiple:
        return [str(v) for v in (value or [])]
    return None if value is None else str(value)


def filter_control(page: Page, declared: Filter, value: Any, lang: str) -> dbc.Col:
    """A labelled control of the filter bar; empty means every value."""
    component_id = page.control_id(declared.name)
    options = [{"label": text, "value": code} for code, text in declared.options(lang)]
    multiple = declared.spec.multiple
    if declared.control == "select":
        control: Component = dbc.Select(
            id=component_id, options=options, value=control_value(value, multiple)
        )
    else:
        control = dcc.Dropdown(
            id=component_id,
            options=options,
            value=control_value(value, multiple),
            multi=multiple,
            clearable=True,
            searchable=declared.searchable,
            placeholder=t(declared.placeholder_key, lang),
            labels=dropdown_labels(lang),
            optionHeight=44,
        )
    return dbc.Col(
        [
            html.Label(
                t(declared.label_key, lang),
                htmlFor=component_id,
                className="form-label small fw-semibold mb-1",
            ),
            control,
        ],
        xs=12,
        sm=6,
        lg=declared.width,
        className="mb-2",
    )


def filter_bar(page: Page, values: Values, lang: str) -> html.Div:
    """The page's controls, set to the address's values."""
    return html.Div(
        dbc.Row(
            [filter_control(page, f, values[f.name], lang) for f in page.filters],
            className="g-2",
        ),
        className="filter-bar no-print",
        role="group",
        **{"aria-label": t("filters.label", lang)},
    )


def chart_component(page: Page, chart: Chart, values: Values, lang: str) -> Component | None:
    """One chart's card for the filter values, drawn once per build, language and role."""

    def draw(relevant: dict[str, Any], lang: str) -> Component | None:
        frame = chart.rows(relevant)
        title = t(chart.title_key, lang)
        if chart.is_empty(frame):
            if chart.hide_when_empty:
                return None
            return empty_card(
                chart_id=chart.id, title=title, lang=lang, message_key=chart.empty_key
            )
        defaults = {name: page.defaults[name] for name in relevant}
        return chart_card(
            chart_id=chart.id,
            title=title,
            figure=chart.figure(frame, lang),
            takeaway=chart.takeaway(frame, lang),
            data=for_table(frame),
            lang=lang,
            search=to_search(relevant, defaults, lang),
            table_columns=list(chart.table_columns) if chart.table_columns else None,
            note=chart.note(frame, lang) if chart.note else None,
        )

    return card_once(page.name, chart.id, chart.uses, values, lang, draw)


def in_a_row(charts: Sequence[Chart], cards: Mapping[str, Component | None]) -> dbc.Row:
    """The cards in declaration order, each in a column of its chart's width."""
    return dbc.Row(
        [
            dbc.Col(cards[chart.id], lg=chart.width, className="mb-3")
            for chart in charts
            if cards.get(chart.id) is not None
        ]
    )


def content(page: Page, values: Values, lang: str) -> list[Component | None]:
    """Everything the filters change: the section above the cards and the cards."""
    gate = page.gate(lang) if page.gate else None
    if gate is not None:
        return [gate]

    @drawn_once(page.name)
    def draw(values: Values, lang: str) -> list[Component | None]:
        cards = {chart.id: chart_component(page, chart, values, lang) for chart in page.charts}
        above = list(page.above(values, lang)) if page.above else []
        if page.arrange:
            return [*above, *page.arrange(cards, values, lang)]
        return [*above, in_a_row(page.charts, cards)]

    return draw(values, lang)


def body(page: Page, parsed: ParsedFilters, lang: str) -> list[Component | None]:
    """The page below its heading, for parsed filter values."""
    standing = {chart.id: chart_component(page, chart, {}, lang) for chart in page.standing}
    if page.intro:
        intro = list(page.intro(standing, lang))
    else:
        intro = [in_a_row(page.standing, standing)] if page.standing else []
    gate = page.gate(lang) if page.gate else None
    if gate is not None:
        return [*intro, gate]
    # The address and the language exist with the controls only: the callback needs all.
    return [
        *intro,
        dcc.Location(id=f"{page.prefix}-url", refresh=False),
        dcc.Store(id=f"{page.prefix}-lang", data=lang),
        rejected_notice(parsed, lang),
        filter_bar(page, parsed.values, lang) if page.filters else None,
        dcc.Loading(
            html.Div(content(page, parsed.values, lang), id=f"{page.prefix}-content"),
            type="dot",
            delay_show=300,
        ),
    ]


def page_layout(page: Page, lang: str | None = None, **query: str) -> html.Div:
    """The page for the filters in the address (cheap with no arguments, as Dash needs)."""
    lang = normalise_language(lang)
    title = t(page.title_key, lang)
    return html.Div(
        [
            print_header(title, lang),
            html.H1(title, className="h3 mt-3"),
            html.P(t(page.lead_key, lang), className="lead"),
            html.Div(
                guarded(
                    lambda: body(page, parse_filters(query, page.specs), lang), lang, page.name
                ),
                id=f"{page.prefix}-body",
            ),
        ],
        className=f"page-{page.name} {page.css_class}".strip(),
        lang=lang,
    )


def controls_query(page: Page, controls: Sequence[Any]) -> dict[str, str]:
    """The controls' values as an address query, to be validated exactly like one."""
    return query_from_controls(
        {f.name: value for f, value in zip(page.filters, controls, strict=True)}
    )


def respond(
    page: Page, query: Mapping[str, str], lang: str
) -> tuple[list[Component | None], Component, str, list[Any]]:
    """The content, the notice, the canonical address and the controls for a query."""
    parsed = parse_filters(query, page.specs)
    search = to_search(parsed.values, page.defaults, lang)
    drawn = guarded(lambda: content(page, parsed.values, lang), lang, page.name)
    controls = [control_value(parsed.values[f.name], f.spec.multiple) for f in page.filters]
    return drawn, rejected_notice(parsed, lang), search, controls


def register_callback(page: Page) -> None:
    """The page's one callback: controls -> content and address; address -> content, controls."""
    if not page.filters:
        return
    url_id = f"{page.prefix}-url"
    control_ids = [page.control_id(f.name) for f in page.filters]

    @dash.callback(
        Output(f"{page.prefix}-content", "children"),
        Output("filter-notice", "children", allow_duplicate=True),
        Output(url_id, "search"),
        *(Output(cid, "value") for cid in control_ids),
        *(Input(cid, "value") for cid in control_ids),
        Input(url_id, "search"),
        State(f"{page.prefix}-lang", "data"),
        prevent_initial_call=True,
    )
    def update(*args: Any) -> tuple[Any, ...]:
        *controls, search, lang = args
        lang = normalise_language(lang)
        unchanged = [dash.no_update] * len(control_ids)
        if dash.ctx.triggered_id == url_id:
            # Back or forward: draw the address's view and set the controls to it.
            drawn, notice, _search, values = respond(page, _without_lang(search), lang)
            return drawn, notice.children, dash.no_update, *values
        drawn, notice, new_search, _values = respond(page, controls_query(page, controls), lang)
        if new_search == (search or ""):
            # The controls were set from the address: what is shown is already this view.
            return dash.no_update, dash.no_update, dash.no_update, *unchanged
        return drawn, notice.children, new_search, *unchanged

    update.__name__ = f"update_{page.name}"


def _without_lang(search: str | None) -> dict[str, str]:
    query = query_of(search)
    query.pop("lang", None)
    return query


def register_downloads(page: Page) -> None:
    """Each chart's CSV/Excel download: the same rows as its card, for the link's filters."""
    for chart in (*page.charts, *page.standing):

        def provider(query: Mapping[str, str], chart: Chart = chart) -> pd.DataFrame:
            return for_table(chart.rows(parse_filters(query, page.specs).values))

        register_chart_data(chart.id, provider, dataset=chart.dataset)


REGISTRY: dict[str, Page] = {}


def register_page(page: Page) -> Page:
    """Register a declared page with Dash: layout, callback, downloads, menu entry.

    (Dash imports a module of the pages folder only when its text names `register_page`.)
    """
    if page.path in {p.path for p in REGISTRY.values() if p.name != page.name}:
        raise ValueError(f"two pages declare the path {page.path!r}")
    REGISTRY[page.name] = page
    dash.register_page(
        page.module,
        path=page.path,
        name=page.name,
        title=t(page.title_key, "sq"),
        order=page.order,
        layout=lambda lang=None, **query: page_layout(page, lang, **query),
        menu_key=page.menu_key,
        role=page.role,
    )
    if page.role != "public":
        auth.require_role_for_outputs(f"{page.prefix}-", page.role)
    register_callback(page)
    register_downloads(page)
    return page
