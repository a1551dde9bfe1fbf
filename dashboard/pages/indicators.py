"""Indicators: the Action Plan 2024-2026 from priority to objective to indicator, with status.

The status of each indicator follows the rule of dashboard/plan_status.py, printed on the
page. Values for years after the document's date are planned, not observed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.audience import current_database
from dashboard.cache import memo
from dashboard.components.chart_card import chart_card, empty_card
from dashboard.components.chart_data import register_chart_data
from dashboard.components.filters import FilterSpec, parse_filters, rejected_notice, to_search
from dashboard.figures.indicators import (
    indicator_takeaway,
    plan_series_figure,
    priority_label,
    progress_text,
    status_summary_figure,
    status_summary_takeaway,
)
from dashboard.i18n import format_date, format_number, format_percent, normalise_language, t
from dashboard.pages._page_tools import (
    STATUS_SOURCE,
    as_seen,
    card_once,
    control_value,
    current_role,
    dataset_source,
    drawn_once,
    filter_dropdown,
    for_table,
    guarded,
    indicators_with_status,
    is_missing,
    page_heading,
    parse_controls,
    withheld,
)
from dashboard.plan_status import AT_RISK_FROM, ON_TRACK_FROM, STATUSES
from dashboard.suppression import REASON_COLUMN

dash.register_page(
    __name__,
    order=4,
    menu_key="nav.indicators",
    path="/treguesit",
    name="indicators",
    title="Treguesit – Plani i Veprimit 2024-2026",
)

STATUS_BADGES = {
    "achieved": "success",
    "on_track": "info",
    "at_risk": "warning",
    "off_track": "danger",
    "no_data": "secondary",
}
RULE_KEYS = tuple(f"indicators.rule.{n}" for n in range(1, 9))


def _objectives() -> pd.DataFrame:
    return current_database().query("plan_objectives_list")


def _indicator_codes() -> list[str]:
    return list(current_database().query("plan_indicator_list")["indicator_code"])


FILTERS: tuple[FilterSpec, ...] = (
    FilterSpec(
        "priority",
        lambda: sorted(int(p) for p in _objectives()["priority"].unique()),
        None,
        parse=int,
    ),
    FilterSpec("objective", lambda: list(_objectives()["objective_code"]), None),
    FilterSpec("status", STATUSES, None),
    FilterSpec("indicator", _indicator_codes, None),
)
DEFAULTS = {spec.name: spec.default for spec in FILTERS}
SCOPE = ("priority", "objective")  # the filters that choose the indicators in scope


def effective_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The filters as applied: an objective outside the chosen priority is dropped."""
    values = dict(values)
    if values["priority"] is not None and values["objective"] is not None:
        objectives = _objectives()
        priority_of = dict(zip(objectives["objective_code"], objectives["priority"], strict=True))
        if int(priority_of.get(values["objective"], -1)) != values["priority"]:
            values["objective"] = None
    return values


def select(
    indicators: pd.DataFrame, values: Mapping[str, Any], *, with_status: bool = True
) -> pd.DataFrame:
    """The indicators under the chosen priority, objective and (optionally) status."""
    shown = indicators
    if values["priority"] is not None:
        shown = shown[shown["priority"] == values["priority"]]
    if values["objective"] is not None:
        shown = shown[shown["objective_code"] == values["objective"]]
    if with_status and values["status"] is not None:
        shown = shown[shown["status"] == values["status"]]
    return shown


def status_summary(indicators: pd.DataFrame) -> pd.DataFrame:
    """Indicators by priority and status, with the share of the priority's indicators."""
    counts = (
        indicators.groupby(["priority", "status"]).size().rename("indicators").reset_index()
        if len(indicators)
        else pd.DataFrame(columns=["priority", "status", "indicators"])
    )
    full = pd.MultiIndex.from_product(
        [sorted(indicators["priority"].unique()), STATUSES], names=["priority", "status"]
    )
    counts = counts.set_index(["priority", "status"]).reindex(full, fill_value=0).reset_index()
    counts["share"] = counts["indicators"] / counts.groupby("priority")["indicators"].transform(
        "sum"
    )
    counts["source"] = f"{dataset_source('plan_indicators')}; {STATUS_SOURCE}"
    counts["demonstration"] = False
    return counts


def _summary_frame(query: Mapping[str, str]) -> pd.DataFrame:
    values = effective_values(parse_filters(query, FILTERS).values)
    return status_summary(select(indicators_with_status(), values, with_status=False))


def selected_indicator(indicators: pd.DataFrame, values: Mapping[str, Any]) -> str | None:
    """The indicator shown in detail: the URL's, else the first of the selection."""
    shown = select(indicators, values)
    if values["indicator"] is not None and values["indicator"] in set(indicators["indicator_code"]):
        return str(values["indicator"])
    return str(shown["indicator_code"].iloc[0]) if len(shown) else None


def _series(code: str) -> pd.DataFrame:
    frame = current_database().query("plan_indicator_series", {"indicator_code": code})
    return as_seen(frame, "plan_indicator_values")


def values_as_seen() -> pd.DataFrame:
    """Every target and reported value, small counts of people withheld for the public."""
    return as_seen(
        current_database().query("plan_indicator_values_by_year"), "plan_indicator_values"
    )


def indicators_for_page(values_seen: pd.DataFrame | None = None) -> pd.DataFrame:
    """The indicators with their status, as the person asking may see them.

    The status is decided on every figure; for the public a withheld baseline or reported
    value stays withheld (its mark in baseline_withheld / reported_withheld) and so does
    the progress computed from it.
    """
    if values_seen is None:  # the usual call: the same for every filter, kept per build
        key = ("indicators_for_page", current_database().version, current_role())
        return memo(key, lambda: indicators_for_page(values_as_seen()))
    indicators = as_seen(indicators_with_status(), "plan_indicators")
    indicators = indicators.rename(columns={REASON_COLUMN: "baseline_withheld"})
    if REASON_COLUMN not in values_seen.columns:
        indicators["reported_withheld"] = None
        return indicators
    marks = {
        (code, int(year)): mark
        for code, year, kind, mark in values_seen[
            ["indicator_code", "year", "kind", REASON_COLUMN]
        ].itertuples(index=False)
        if kind == "reported" and isinstance(mark, str)
    }
    indicators["reported_withheld"] = [
        marks.get((code, int(year))) if not is_missing(year) else None
        for code, year in zip(indicators["indicator_code"], indicators["status_year"], strict=True)
    ]
    hidden = indicators["reported_withheld"].notna()
    indicators.loc[hidden, ["status_reported", "progress"]] = None
    return indicators


def _detail_frame(query: Mapping[str, str]) -> pd.DataFrame:
    values = effective_values(parse_filters(query, FILTERS).values)
    code = selected_indicator(indicators_with_status(), values)
    return _series(code) if code else pd.DataFrame()


register_chart_data("indicators-summary", _summary_frame)
register_chart_data("indicators-detail", _detail_frame)


def status_badge(status: str, lang: str) -> dbc.Badge:
    """The status in words on its colour (the words carry the meaning, not the colour)."""
    return dbc.Badge(
        t(f"indicators.status.{status}", lang),
        color=STATUS_BADGES.get(status, "secondary"),
        className="status-badge",
        text_color="dark" if status in ("at_risk", "on_track") else None,
    )


def direction_text(row: pd.Series, lang: str) -> str:
    """Higher or lower is better, and how that is known (the status rule's direction)."""
    if row.get("unit") == "text":
        return t("indicators.direction.none", lang)
    direction = row.get("status_direction")
    if not isinstance(direction, str) or direction not in ("higher", "lower"):
        return t("indicators.direction.not_set", lang)
    text = t(f"indicators.direction.{direction}", lang)
    basis = row.get("status_direction_basis")
    if isinstance(basis, str):
        text += " " + t(f"indicators.direction.{basis}", lang)
    return text


STATUS_REASONS = (
    "direction_not_set",
    "table_unconfirmed",
    "text_indicator",
    "no_observed_value",
    "no_target_for_year",
)


def status_cell(row: pd.Series, lang: str) -> list[Any]:
    """The status badge, with why an indicator has none and how a shifted table is read."""
    parts: list[Any] = [status_badge(row["status"], lang)]
    reason = row.get("status_reason")
    if row["status"] == "no_data" and reason in STATUS_REASONS:
        parts.append(html.Div(t(f"indicators.reason.{reason}", lang), className="small"))
    reading = row.get("status_table_reading")
    if isinstance(reading, str) and reading:
        parts.append(
            html.Div(t(f"indicators.reading.{reading}", lang), className="small text-muted")
        )
    return parts


def _number(value: object, lang: str) -> str:
    if is_missing(value):
        return t("chart.missing_mark", lang)
    return format_number(float(value), lang, decimals=0 if float(value).is_integer() else 1)  # type: ignore[arg-type]


ValueCells = dict[tuple[str, int, str], dict[str, Any]]


def value_cells(values_by_year: pd.DataFrame) -> ValueCells:
    """The values keyed by (indicator, year, kind), for the table's cells."""
    return {
        (row["indicator_code"], int(row["year"]), row["kind"]): row
        for row in values_by_year.to_dict("records")
    }


def _value_cell(cells: ValueCells, code: str, year: int, lang: str) -> html.Td:
    """Target and reported value of a year; a value after the document's date is marked planned."""
    lines = []
    for kind in ("target", "reported"):
        cell = cells.get((code, year, kind))
        if cell is None:
            continue
        mark = withheld(cell)
        if mark:
            text = mark
        elif is_missing(cell["value"]) and isinstance(cell["value_text"], str):
            text = cell["value_text"]
        else:
            text = _number(cell["value"], lang)
        label = html.Span(t(f"indicators.kind.{kind}_short", lang) + ": ", className="text-muted")
        if kind == "reported" and not bool(cell["observed"]):
            lines.append(
                html.Div(
                    [
                        html.Span(
                            t("indicators.kind.planned_short", lang) + ": ", className="text-muted"
                        ),
                        html.Em(text),
                    ],
                    className="planned-value",
                    title=t("indicators.kind.planned", lang),
                )
            )
        else:
            lines.append(html.Div([label, text]))
    return html.Td(lines or t("chart.missing_mark", lang), className="small")


def indicator_rows(
    rows: pd.DataFrame,
    cells: ValueCells,
    years: list[int],
    values: Mapping[str, Any],
    lang: str,
) -> list[html.Tr]:
    """One table row per indicator: baseline, each year's target and report, progress, status."""
    out = []
    for _, row in rows.iterrows():
        href = "/treguesit" + to_search(
            {**values, "indicator": row["indicator_code"]}, DEFAULTS, lang
        )
        if isinstance(row.get("baseline_withheld"), str):
            baseline = row["baseline_withheld"]
        elif is_missing(row["baseline_value"]) and isinstance(row["baseline_text"], str):
            baseline = row["baseline_text"]
        else:
            baseline = _number(row["baseline_value"], lang)
        progress = row.get("progress")
        out.append(
            html.Tr(
                [
                    html.Td(
                        dcc.Link(
                            row["indicator_code"],
                            href=href,
                            title=t("indicators.show_detail", lang),
                        )
                    ),
                    html.Td(
                        [
                            html.Div(row["indicator_text"]),
                            html.Small(direction_text(row, lang), className="text-muted"),
                        ]
                    ),
                    html.Td(
                        [
                            baseline,
                            html.Small(f" ({int(row['baseline_year'])})", className="text-muted"),
                        ],
                        className="small",
                    ),
                    *[_value_cell(cells, row["indicator_code"], year, lang) for year in years],
                    html.Td(
                        progress_text(None if is_missing(progress) else progress, lang),
                        className="small",
                    ),
                    html.Td(status_cell(row, lang)),
                ],
                id=f"indicator-row-{row['indicator_code'].replace('.', '-')}",
            )
        )
    return out


def drilldown(shown: pd.DataFrame, values: Mapping[str, Any], lang: str) -> html.Div:
    """Priority, then objective, then the indicators' table."""
    if shown.empty:
        return html.P(t("state.empty", lang), className="text-muted", id="indicators-drilldown")
    values_by_year = values_as_seen()
    values_by_year = values_by_year[values_by_year["indicator_code"].isin(shown["indicator_code"])]
    years = sorted(int(y) for y in values_by_year["year"].unique())
    cells = value_cells(values_by_year)
    header = html.Thead(
        html.Tr(
            [
                html.Th(t("indicators.col.code", lang), scope="col"),
                html.Th(t("indicators.col.indicator", lang), scope="col"),
                html.Th(t("indicators.col.baseline", lang), scope="col"),
                *[html.Th(str(y), scope="col") for y in years],
                html.Th(t("indicators.col.progress", lang), scope="col"),
                html.Th(t("indicators.col.status", lang), scope="col"),
            ]
        )
    )
    sections = []
    for priority, by_priority in shown.groupby("priority", sort=False):
        objectives = []
        for objective_code, rows in by_priority.groupby("objective_code", sort=False):
            counts = rows["status"].value_counts()
            objectives.append(
                html.Details(
                    [
                        html.Summary(
                            [
                                html.Strong(f"{objective_code} "),
                                rows["objective_text"].iloc[0],
                                html.Span(
                                    " · "
                                    + ", ".join(
                                        f"{int(counts[s])} "
                                        f"{t(f'indicators.status.{s}', lang).lower()}"
                                        for s in STATUSES
                                        if counts.get(s, 0)
                                    ),
                                    className="small text-muted",
                                ),
                            ]
                        ),
                        dbc.Table(
                            [
                                header,
                                html.Tbody(indicator_rows(rows, cells, years, values, lang)),
                            ],
                            size="sm",
                            responsive=True,
                            className="indicator-table mt-2",
                        ),
                        html.P(
                            [
                                html.Span(f"{t('source.prefix', lang)}: ", className="fw-semibold"),
                                rows["source"].iloc[0],
                            ],
                            className="source-line small text-muted",
                        ),
                    ],
                    open=values["objective"] is not None
                    or values["status"] is not None
                    or len(shown) <= 12,
                    className="objective-section ms-2 mb-2",
                )
            )
        sections.append(
            html.Details(
                [
                    html.Summary(
                        [
                            html.Strong(priority_label(int(priority), lang) + ": "),
                            by_priority["priority_text"].iloc[0],
                        ],
                        className="h6",
                    ),
                    *objectives,
                ],
                open=True,
                className="priority-section mb-3",
            )
        )
    return html.Div(sections, id="indicators-drilldown")


def detail_card(
    indicators: pd.DataFrame, code: str | None, values: Mapping[str, Any], lang: str
) -> dbc.Card:
    """The chosen indicator by year, with its status and the figures it was decided on."""
    title = t("indicators.chart.detail", lang)
    if code is None:
        return empty_card(chart_id="indicators-detail", title=title, lang=lang)
    row = indicators[indicators["indicator_code"] == code].iloc[0]
    series = _series(code)
    detail_search = to_search({**values, "indicator": code}, DEFAULTS, lang)
    card = chart_card(
        chart_id="indicators-detail",
        title=f"{title}: {code} {row['indicator_text']}",
        figure=plan_series_figure(series, lang),
        takeaway=indicator_takeaway(row.to_dict(), lang),
        data=for_table(series),
        lang=lang,
        search=detail_search,
        table_columns=[
            "year",
            "kind",
            "value",
            "value_text",
            "observed",
            "reported_source",
            "reported_by",
            "reported_on",
        ],
    )
    return card


@drawn_once("indicators")
def render_content(
    values: Mapping[str, Any], lang: str, indicators: pd.DataFrame | None = None
) -> list:
    """Everything below the filters (`indicators`: indicators_with_status(), if already read)."""
    values = effective_values(values)
    indicators = indicators_for_page() if indicators is None else indicators
    shown = select(indicators, values)
    document_date = indicators["document_date"].dropna().max()
    code = selected_indicator(indicators, values)

    def draw_summary(scope: dict[str, Any], lang: str) -> dbc.Card:
        in_scope = select(indicators, {**values, **scope}, with_status=False)
        summary = status_summary(in_scope)
        if not len(in_scope):
            title = t("indicators.chart.summary", lang)
            return empty_card(chart_id="indicators-summary", title=title, lang=lang)
        return chart_card(
            chart_id="indicators-summary",
            title=t("indicators.chart.summary", lang),
            figure=status_summary_figure(summary, lang),
            takeaway=status_summary_takeaway(summary, lang),
            data=for_table(summary),
            lang=lang,
            search=to_search(scope, DEFAULTS, lang),
        )

    # The summary depends on the priority and objective only, the detail on the indicator.
    summary_card = card_once("indicators", "summary", SCOPE, values, lang, draw_summary)
    detail = card_once(
        "indicators",
        "detail",
        ("indicator",),
        {"indicator": code},
        lang,
        lambda chosen, lang: detail_card(indicators, code, {**DEFAULTS, **chosen}, lang),
    )
    parts: list = [
        html.P(
            t("indicators.as_of", lang, date=format_date(pd.Timestamp(document_date).date(), lang)),
            className="small text-muted",
            id="indicators-as-of",
        ),
        dbc.Row(
            [
                dbc.Col(summary_card, lg=6, className="mb-3"),
                dbc.Col(detail, lg=6, className="mb-3"),
            ]
        ),
        html.H2(
            t("indicators.drilldown_heading", lang, shown=len(shown), total=len(indicators)),
            className="h5 mt-2",
            id="indicators-count",
        ),
        drilldown(shown, values, lang),
    ]
    if values["objective"] is not None:
        parts.append(activities(values["objective"], lang))
    return parts


def activities(objective_code: str, lang: str) -> html.Div:
    """The activities the plan lists under one objective."""
    rows = current_database().query(
        "plan_activities_for_objective", {"objective_code": objective_code}
    )
    if rows.empty:
        return html.Div()
    items = [
        html.Li(
            [
                html.Strong(f"{r['printed_code']}: "),
                r["activity_text"],
                html.Small(
                    " — "
                    + "; ".join(
                        f"{t(f'indicators.activity.{k}', lang)}: {r[k]}"
                        for k in ("lead_institution", "implementer", "timeline")
                        if isinstance(r[k], str) and r[k]
                    ),
                    className="text-muted",
                ),
            ]
        )
        for _, r in rows.iterrows()
    ]
    return html.Div(
        [
            html.H2(
                t("indicators.activities_heading", lang, objective=objective_code),
                className="h5 mt-3",
            ),
            html.Ul(items, className="small"),
            html.P(
                [
                    html.Span(f"{t('source.prefix', lang)}: ", className="fw-semibold"),
                    rows["source"].iloc[0],
                ],
                className="source-line small text-muted",
            ),
        ],
        id="indicators-activities",
    )


def rule_values(lang: str) -> dict[str, str]:
    """The thresholds of the rule, as the rule's text shows them."""
    return {
        "full": format_percent(1.0, lang, decimals=0),
        "on_track": format_percent(ON_TRACK_FROM, lang, decimals=0),
        "at_risk": format_percent(AT_RISK_FROM, lang, decimals=0),
    }


def rule_box(lang: str) -> html.Details:
    """The status rule in words, as implemented in dashboard/plan_status.py."""
    return html.Details(
        [
            html.Summary(t("indicators.rule_heading", lang), className="fw-semibold"),
            html.Ol(
                [html.Li(t(key, lang, **rule_values(lang))) for key in RULE_KEYS],
                className="small mb-1",
            ),
            html.P(t("indicators.direction_note", lang), className="small mb-0"),
        ],
        open=True,
        className="rule-box border rounded p-2 mb-3 bg-white",
        id="indicators-rule",
    )


def _objective_options(priority: int | None, lang: str) -> list[tuple[str, str]]:
    objectives = _objectives()
    if priority is not None:
        objectives = objectives[objectives["priority"] == priority]
    return [
        (code, f"{code} · {text[:80]}{'…' if len(text) > 80 else ''}")
        for code, text in zip(
            objectives["objective_code"], objectives["objective_text"], strict=True
        )
    ]


def filter_bar(values: Mapping[str, Any], lang: str) -> dbc.Row:
    """The dropdowns, set to the URL's values."""
    priorities = sorted(int(p) for p in _objectives()["priority"].unique())
    return dbc.Row(
        [
            filter_dropdown(
                "indicators-priority",
                t("indicators.filter.priority", lang),
                [(str(p), priority_label(p, lang)) for p in priorities],
                control_value(values["priority"]),
                lang,
                width=3,
            ),
            filter_dropdown(
                "indicators-objective",
                t("indicators.filter.objective", lang),
                _objective_options(values["priority"], lang),
                control_value(values["objective"]),
                lang,
                width=6,
            ),
            filter_dropdown(
                "indicators-status",
                t("indicators.filter.status", lang),
                [(s, t(f"indicators.status.{s}", lang)) for s in STATUSES],
                control_value(values["status"]),
                lang,
                width=3,
            ),
        ],
        className="filter-bar no-print g-2",
    )


def layout(lang: str | None = None, **query: str) -> html.Div:
    """The Indicators page for the filters in the URL."""
    lang = normalise_language(lang)

    def render() -> list:
        parsed = parse_filters(query, FILTERS)
        values = effective_values(parsed.values)
        return [
            rejected_notice(parsed, lang),
            filter_bar(values, lang),
            dcc.Store(id="indicators-selected", data=values["indicator"]),
            dcc.Loading(
                html.Div(render_content(values, lang), id="indicators-content"), type="dot"
            ),
        ]

    return html.Div(
        [
            dcc.Location(id="indicators-url", refresh=False),
            dcc.Store(id="indicators-lang", data=lang),
            page_heading(t("indicators.title", lang), t("indicators.lead", lang)),
            rule_box(lang),
            html.Div(guarded(render, lang, "indicators page"), id="indicators-body"),
        ],
        className="page-indicators",
    )


@callback(
    Output("indicators-content", "children"),
    Output("indicators-url", "search"),
    Output("indicators-objective", "options"),
    Output("indicators-objective", "value"),
    Input("indicators-priority", "value"),
    Input("indicators-objective", "value"),
    Input("indicators-status", "value"),
    State("indicators-selected", "data"),
    State("indicators-lang", "data"),
    prevent_initial_call=True,
)
def update_indicators(
    priority: str | None,
    objective: str | None,
    status: str | None,
    indicator: str | None,
    lang: str | None,
) -> tuple[Any, str, list[dict[str, str]], str | None]:
    """Re-draw the drill-down for the chosen filters and write them into the address."""
    lang = normalise_language(lang)
    parsed = parse_controls(
        {"priority": priority, "objective": objective, "status": status, "indicator": indicator},
        FILTERS,
    )
    values = effective_values(parsed.values)
    # A newly chosen priority or objective shows its own first indicator in detail.
    indicators = indicators_for_page()
    if values["indicator"] is not None and values["indicator"] not in set(
        select(indicators, values)["indicator_code"]
    ):
        values["indicator"] = None
    content = guarded(lambda: render_content(values, lang, indicators), lang, "indicators content")
    options = [
        {"label": text, "value": code}
        for code, text in _objective_options(values["priority"], lang)
    ]
    return content, to_search(values, DEFAULTS, lang), options, values["objective"]
