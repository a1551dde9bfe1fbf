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

Hooks for pages whose views depend on their data or on a filter's value: a page's
`resolve(values)` fixes the parsed values (a default known only from the data, such as
the latest period); a chart with `takes_values` gets the values of the filters it uses in
its builders (a measure named in the title, the quadrant to highlight). Also declarable:
a filter kept in the address only (`control="none"`, set by links and kept when the
controls change), a filter narrowed by the others (`scope`: its options follow them and a
value outside them falls back to the default), and a card of a chart's rows that is not a
chart card (`Chart.render`: e.g. the SWOT quadrants, with the chart's loader, `uses`,
caching and download).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html
from dash.development.base_component import Component

from dashboard import auth
from dashboard.audience import current_database
from dashboard.catalog import load_catalogue
from dashboard.components.chart_card import chart_card, empty_card, for_table
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
from dashboard.components.page_tools import (
    as_seen,
    card_once,
    drawn_once,
    guarded,
    query_from_controls,
)
from dashboard.components.print_header import print_header
from dashboard.i18n import normalise_language, t
from dashboard.publish import Policy
from dashboard.settings import get_settings

logger = logging.getLogger(__name__)
Values = Mapping[str, Any]
Params = Callable[[Values], dict[str, Any]]


@dataclass(frozen=True)
class Filter:
    """One filter of a page: kept in the address, shown as a labelled control."""

    spec: FilterSpec
    label_key: str
    options: Callable[[str], Sequence[tuple[str, str]]]
    width: int = 2
    control: Literal["dropdown", "select", "none"] = "dropdown"
    placeholder_key: str = "services.filter_all"
    searchable: bool = True
    dimension: str | None = None
    # The values allowed by the other filters (declared before this one), e.g. the
    # objectives of the chosen priority: None allows every value of `spec`.
    scope: Callable[[Values], Sequence[Any]] | None = None

    @property
    def name(self) -> str:
        """The filter's name in the address (?name=value)."""
        return self.spec.name


@dataclass(frozen=True)
class Chart:
    """One chart card, declared once: everything the renderer needs to draw and export it.

    `load` replaces the named query when a chart's rows come from more than one query or
    from a domain rule; it gets the values of the filters the chart `uses`. `phone` gives
    the lines that replace the chart on a phone's narrow screen, where it would not read.
    `dimensions` are the dataset's columns the chart breaks its counts down by: with the
    filters' `dimension`s they tell whether the public layer publishes the view at all.

    The builders are `figure(frame, lang)`, `takeaway`, `note`, `title` (instead of
    `title_key`) and `table` (the rows as the card's table shows them, e.g. with a
    translated column); with `takes_values` each also gets the values of the filters the
    chart uses, `(frame, lang, values)`, and `is_empty` gets `(frame, values)`. A figure
    may be a component instead (a table a person sorts): the card shows it as it is.
    `column_labels` are the message keys of the table's headers (and, without
    `table_columns`, its columns); a key may name a filter in braces (`sns.col.{measure}`).
    With `error_key`, rows that cannot be read (an import of an unexpected shape) are said
    in the card instead of taking the page down.
    `render(rows, values, lang)` draws the rows as a card that is not a chart card (the
    SWOT quadrants) instead of `figure` and `takeaway`.
    """

    id: str
    title_key: str
    dataset: str
    figure: Callable[..., go.Figure | Component] | None = None
    takeaway: Callable[..., str] | None = None
    query: str | None = None
    params: Params | None = None
    uses: tuple[str, ...] = ()
    load: Callable[[Values], pd.DataFrame] | None = None
    is_empty: Callable[..., bool] = lambda frame, *_values: frame.empty
    table_columns: tuple[str, ...] | None = None
    note: Callable[..., Component | str | None] | None = None
    phone: Callable[..., Sequence[str]] | None = None
    dimensions: tuple[str, ...] = ()
    width: int = 6
    empty_key: str = "state.empty"
    hide_when_empty: bool = False
    takes_values: bool = False
    title: Callable[..., str] | None = None
    table: Callable[..., pd.DataFrame] | None = None
    column_labels: Mapping[str, str] | None = None
    empty_note_key: str | None = None
    error_key: str | None = None
    render: Callable[[pd.DataFrame, Values, str], Component] | None = None

    def __post_init__(self) -> None:
        if self.render is None and (self.figure is None or self.takeaway is None):
            raise ValueError(f"chart {self.id!r} declares neither a figure and takeaway nor render")

    def rows(self, values: Values) -> pd.DataFrame:
        """The chart's rows for the values of the filters it uses, as the asker may see them."""
        relevant = {name: values[name] for name in self.uses if name in values}
        if self.load is not None:
            return self.load(relevant)
        if self.query is None:
            raise ValueError(f"chart {self.id!r} declares neither a query nor a loader")
        params = self.params(relevant) if self.params else dict(relevant)
        return as_seen(current_database().query(self.query, params), self.dataset)

    def build(
        self, builder: Callable[..., Any], frame: pd.DataFrame, lang: str, values: Values
    ) -> Any:
        """A builder's result for the frame (and the values, when the chart takes them)."""
        return builder(frame, lang, values) if self.takes_values else builder(frame, lang)

    def empty(self, frame: pd.DataFrame, values: Values) -> bool:
        """Whether the rows leave nothing to draw."""
        return self.is_empty(frame, values) if self.takes_values else self.is_empty(frame)

    def heading(self, frame: pd.DataFrame, lang: str, values: Values) -> str:
        """The card's title in the language."""
        return (
            self.build(self.title, frame, lang, values) if self.title else t(self.title_key, lang)
        )

    def columns(self) -> list[str] | None:
        """The columns of the card's table: as declared, else the labelled ones (None: all)."""
        columns = self.table_columns or tuple(self.column_labels or ())
        return list(columns) or None

    def labels(self, lang: str, values: Values) -> dict[str, str] | None:
        """The table's headers in the language (None: the column names)."""
        if not self.column_labels:
            return None
        return {c: t(key.format_map(values), lang) for c, key in self.column_labels.items()}


def no_values(column: str) -> Callable[..., bool]:
    """A chart's `is_empty`: nothing to draw when `column` holds no value (missing is not 0)."""
    return lambda frame, *_values: frame.dropna(subset=[column]).empty


def plain(builder: Callable[[pd.DataFrame, str], Any]) -> Callable[..., Any]:
    """A builder that needs no filter value, for a chart whose other builders do."""
    return lambda frame, lang, _values: builder(frame, lang)


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
    (a row of columns of each chart's width by default); `resolve(values)` fixes the
    parsed values before anything uses them (a default known only from the data), and
    the address leaves out what equals the resolved defaults.
    """

    module: str
    path: str
    name: str
    order: int
    # By default the prefix is the name, the title and lead are "<prefix>.title" and
    # "<prefix>.lead", and the menu entry "nav.<name>".
    prefix: str = ""
    title_key: str = ""
    lead_key: str = ""
    menu_key: str | None = ""
    role: str = "public"
    filters: tuple[Filter, ...] = ()
    charts: tuple[Chart, ...] = ()
    standing: tuple[Chart, ...] = ()
    intro: Intro | None = None
    gate: Callable[[str], Component | None] | None = None
    above: Section | None = None
    arrange: Arrange | None = None
    css_class: str = ""
    resolve: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    specs: tuple[FilterSpec, ...] = field(init=False)

    def __post_init__(self) -> None:
        prefix = self.prefix or self.name
        defaults = {
            "prefix": prefix,
            "title_key": f"{prefix}.title",
            "lead_key": f"{prefix}.lead",
            "menu_key": f"nav.{self.name}",
        }
        for name, value in defaults.items():
            if getattr(self, name) == "":
                object.__setattr__(self, name, value)
        object.__setattr__(self, "specs", tuple(f.spec for f in self.filters))

    @property
    def defaults(self) -> dict[str, Any]:
        """Each filter's default value."""
        return {spec.name: spec.default for spec in self.specs}

    def values(self, query: Mapping[str, Any]) -> ParsedFilters:
        """An address's (or the controls') filter values: parsed, scoped and resolved.

        A value outside its filter's `scope` falls back quietly: it was valid, only the
        other filters leave it out (an objective of another priority).
        """
        parsed = parse_filters(query, self.specs)
        for declared in self.filters:
            value, default = parsed.values[declared.name], declared.spec.default
            if declared.scope is None or value == default:
                continue
            allowed = set(declared.scope(parsed.values))
            if declared.spec.multiple:
                parsed.values[declared.name] = [v for v in value if v in allowed] or default
            elif value not in allowed:
                parsed.values[declared.name] = default
        if self.resolve:
            parsed.values = self.resolve(dict(parsed.values))
        return parsed

    def view_defaults(self) -> dict[str, Any]:
        """The defaults as resolved: what the address leaves out."""
        return self.resolve(self.defaults) if self.resolve else self.defaults

    def control_id(self, name: str) -> str:
        """The component id of a filter's control."""
        return f"{self.prefix}-{name}"

    def chart(self, chart_id: str) -> Chart:
        """A declared chart of the page by its id."""
        return next(chart for chart in (*self.charts, *self.standing) if chart.id == chart_id)

    @property
    def controlled(self) -> tuple[Filter, ...]:
        """The filters shown as controls (the others live in the address alone)."""
        return tuple(f for f in self.filters if f.control != "none")


def filter_options(declared: Filter, values: Values, lang: str) -> list[dict[str, str]]:
    """A control's options, narrowed to the filter's scope for the other filters' values."""
    options = declared.options(lang)
    if declared.scope is not None:
        allowed = {str(v) for v in declared.scope(values)}
        options = [(code, text) for code, text in options if str(code) in allowed]
    return [{"label": text, "value": code} for code, text in options]


def control_value(value: Any, multiple: bool) -> Any:
    """A parsed filter value as a control value (controls hold strings)."""
    if multiple:
        return [str(v) for v in (value or [])]
    return None if value is None else str(value)


def filter_control(
    page: Page, declared: Filter, value: Any, lang: str, values: Values | None = None
) -> dbc.Col:
    """A labelled control of the filter bar; empty means every value."""
    component_id = page.control_id(declared.name)
    options = filter_options(declared, values or {declared.name: value}, lang)
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
            [filter_control(page, f, values[f.name], lang, values) for f in page.controlled],
            className="g-2",
        ),
        className="filter-bar no-print",
        role="group",
        **{"aria-label": t("filters.label", lang)},
    )


@lru_cache(maxsize=64)
def _policy(dataset: str) -> Policy:
    return Policy.of(load_catalogue(get_settings().data_dir)[dataset])


def published_in_detail(
    page: Page, dataset: str, dimensions: Sequence[str], values: Values
) -> bool:
    """Whether the public layer publishes `dataset` at this view's detail (staff: always).

    The detail is what the view breaks down by and every dimension a set filter fixes.
    """
    if not auth.current_role() == "public":
        return True
    fixed = [
        f.dimension
        for f in page.filters
        if f.dimension and values.get(f.name) not in (None, [], f.spec.default)
    ]
    return _policy(dataset).publishes([*dimensions, *fixed])


def card_for(
    page: Page, chart: Chart, frame: pd.DataFrame, relevant: Values, lang: str
) -> Component | None:
    """A chart's card for its rows and the values of the filters it uses."""
    title = chart.heading(frame, lang, relevant)
    if chart.empty(frame, relevant):
        if chart.hide_when_empty:
            return None
        return empty_card(
            chart_id=chart.id,
            title=title,
            lang=lang,
            message_key=chart.empty_key,
            note_key=chart.empty_note_key,
        )
    defaults = page.view_defaults()
    shown = chart.build(chart.table, frame, lang, relevant) if chart.table else frame
    return chart_card(
        chart_id=chart.id,
        title=title,
        figure=chart.build(chart.figure, frame, lang, relevant),
        takeaway=chart.build(chart.takeaway, frame, lang, relevant),
        data=for_table(shown),
        lang=lang,
        search=to_search(relevant, {name: defaults[name] for name in relevant}, lang),
        table_columns=chart.columns(),
        column_labels=chart.labels(lang, relevant),
        note=chart.build(chart.note, frame, lang, relevant) if chart.note else None,
        phone=chart.build(chart.phone, frame, lang, relevant) if chart.phone else None,
    )


def chart_component(page: Page, chart: Chart, values: Values, lang: str) -> Component | None:
    """One chart's card for the filter values, drawn once per build, language and role."""

    def draw(relevant: dict[str, Any], lang: str) -> Component | None:
        if not published_in_detail(page, chart.dataset, chart.dimensions, relevant):
            return empty_card(
                chart_id=chart.id,
                title=t(chart.title_key, lang),
                lang=lang,
                message_key="state.not_published_detail",
            )
        if chart.error_key is None and chart.render is None:
            return card_for(page, chart, chart.rows(relevant), relevant, lang)
        try:
            frame = chart.rows(relevant)
        except Exception:  # rows of an unexpected shape must not take the page down
            if chart.error_key is None:
                raise
            logger.exception("chart %s could not be read", chart.id)
            title = t(chart.title_key, lang)
            return empty_card(
                chart_id=chart.id, title=title, lang=lang, message_key=chart.error_key, warning=True
            )
        if chart.render is not None:
            return chart.render(frame, relevant, lang)
        return card_for(page, chart, frame, relevant, lang)

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
    drawn = to_search(parsed.values, page.view_defaults(), lang)
    # The address and the language exist with the controls only: the callback needs all.
    return [
        *intro,
        # Given the address it was drawn for, the Location does not report it on mounting
        # (that fired the page's callback: a second round trip, once a second drawing).
        dcc.Location(id=f"{page.prefix}-url", refresh=False, search=address_as_loaded(drawn)),
        dcc.Store(id=f"{page.prefix}-lang", data=lang),
        # The view drawn, as its canonical address: a view already shown is not drawn again.
        dcc.Store(id=f"{page.prefix}-drawn", data=drawn),
        rejected_notice(parsed, lang),
        filter_bar(page, parsed.values, lang) if page.filters else None,
        dcc.Loading(
            html.Div(content(page, parsed.values, lang), id=f"{page.prefix}-content"),
            type="dot",
            delay_show=300,
        ),
    ]


# The query string of a page drawn into the app's layout on its first load (shell.py).
_loaded_search: ContextVar[str | None] = ContextVar("loaded_search", default=None)


@contextmanager
def loaded_from(search: str) -> Iterator[None]:
    """Draw pages as loaded at an address with this query string (outside the router)."""
    token = _loaded_search.set(search)
    try:
        yield
    finally:
        _loaded_search.reset(token)


def address_as_loaded(canonical: str) -> str:
    """The query string the browser shows, as the pages router (or the layout) was given it.

    The canonical address of the view outside both (Dash's layout check).
    """
    try:
        search = dash.ctx.inputs.get("_pages_location.search")
    except (dash.exceptions.MissingCallbackContextException, LookupError):
        # Outside a callback: with no request Dash says so, within one its context is unset.
        search = _loaded_search.get()
    return search if isinstance(search, str) else canonical


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
                guarded(lambda: body(page, page.values(query), lang), lang, page.name),
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


Response = tuple[list[Component | None], Component, str, list[Any]]


def respond(page: Page, query: Mapping[str, str], lang: str) -> Response:
    """The content, the notice, the canonical address and the controls for a query."""
    return respond_parsed(page, page.values(query), lang)


def respond_parsed(page: Page, parsed: ParsedFilters, lang: str) -> Response:
    """`respond` for filters already parsed (the callback also needs their values)."""
    search = to_search(parsed.values, page.view_defaults(), lang)
    drawn = guarded(lambda: content(page, parsed.values, lang), lang, page.name)
    controls = [control_value(parsed.values[f.name], f.spec.multiple) for f in page.filters]
    return drawn, rejected_notice(parsed, lang), search, controls


def register_callback(page: Page) -> None:
    """The page's one callback: controls -> content and address; address -> content, controls.

    A filter without a control keeps its value from the address when a control changes;
    a control whose value falls out of its scope is cleared, and scoped options follow.
    """
    if not page.filters:
        return
    url_id = f"{page.prefix}-url"
    controlled = page.controlled
    scoped = tuple(f for f in controlled if f.scope is not None)
    control_ids = [page.control_id(f.name) for f in controlled]

    @dash.callback(
        Output(f"{page.prefix}-content", "children"),
        Output("filter-notice", "children", allow_duplicate=True),
        Output(url_id, "search"),
        Output(f"{page.prefix}-drawn", "data"),
        *(Output(cid, "value") for cid in control_ids),
        *(Output(page.control_id(f.name), "options") for f in scoped),
        *(Input(cid, "value") for cid in control_ids),
        Input(url_id, "search"),
        State(f"{page.prefix}-lang", "data"),
        State(f"{page.prefix}-drawn", "data"),
        prevent_initial_call=True,
    )
    def update(*args: Any) -> tuple[Any, ...]:
        *controls, search, lang, drawn_view = args
        lang = normalise_language(lang)
        address = _without_lang(search)
        from_address = dash.ctx.triggered_id == url_id
        if from_address:
            # Back or forward: draw the address's view and set the controls to it.
            parsed = page.values(address)
        else:
            given = dict(zip((f.name for f in controlled), controls, strict=True))
            chosen = [given.get(f.name, address.get(f.name)) for f in page.filters]
            parsed = page.values(controls_query(page, chosen))
        new_search = to_search(parsed.values, page.view_defaults(), lang)
        if new_search == drawn_view:
            # This view is the one shown (the address as the page loaded, or controls set
            # from the address): nothing is drawn again.
            unchanged = [dash.no_update] * (len(control_ids) + len(scoped))
            return dash.no_update, dash.no_update, dash.no_update, dash.no_update, *unchanged
        drawn, notice, _, _ = respond_parsed(page, parsed, lang)
        applied = [control_value(parsed.values[f.name], f.spec.multiple) for f in controlled]
        options = [filter_options(f, parsed.values, lang) for f in scoped]
        if from_address:
            return drawn, notice.children, dash.no_update, new_search, *applied, *options
        # A control whose value the other filters leave out is set to the value applied.
        corrected = [
            value if value != control else dash.no_update
            for value, control in zip(applied, controls, strict=True)
        ]
        return drawn, notice.children, new_search, new_search, *corrected, *options

    update.__name__ = f"update_{page.name}"


def _without_lang(search: str | None) -> dict[str, str]:
    query = query_of(search)
    query.pop("lang", None)
    return query


def register_downloads(page: Page) -> None:
    """Each chart's CSV/Excel download: the same rows as its card, for the link's filters."""
    for chart in (*page.charts, *page.standing):

        def provider(query: Mapping[str, str], chart: Chart = chart) -> pd.DataFrame:
            return for_table(chart.rows(page.values(query).values))

        def title(query: Mapping[str, str], frame: pd.DataFrame, lang: str, chart: Chart = chart):
            return chart.heading(frame, lang, page.values(query).values)

        register_chart_data(chart.id, provider, dataset=chart.dataset, title=title)


def register_page_module(
    module: str, *, path: str, name: str, order: int, title: str, role: str = "public"
) -> None:
    """Register a page module with its own layout (staff forms, the briefing), as declared pages.

    Its menu key follows its name; a staff page's component ids all start with its path's
    name ("/ngarkimi" -> "ngarkimi-"), so each callback writing one is checked for the role.
    """
    dash.register_page(
        module, path=path, name=name, order=order, menu_key=f"nav.{name}", role=role, title=title
    )
    if role != "public":
        auth.require_role_for_outputs(f"{path.strip('/')}-", role)


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
