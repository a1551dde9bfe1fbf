"""Small layout helpers shared by the Services, Indicators, SWOT, Budget and Briefing pages.

(Dash does not load files whose name starts with "_" as pages.)
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import auth
from dashboard.audience import current_database
from dashboard.cache import memo
from dashboard.catalog import load_catalogue
from dashboard.components.chart_card import demonstration_badge
from dashboard.components.filters import FilterSpec, ParsedFilters, parse_filters
from dashboard.i18n import format_number, t
from dashboard.plan_status import PlanDecisions, indicator_statuses
from dashboard.settings import get_settings
from dashboard.suppression import REASON_COLUMN, for_audience, is_disclosure_mark
from dashboard.vocabulary import MUNICIPALITY as MUNICIPALITY
from dashboard.vocabulary import is_missing

logger = logging.getLogger(__name__)
T = TypeVar("T")

# The plan-matrix indicator "Numri i i shërbimeve të ofruara": the real total of services.
TOTAL_SERVICES_INDICATOR = "2.3.a"


def current_role() -> str:
    """The role of the person asking ("public" outside a request)."""
    return auth.current_role()


def is_staff() -> bool:
    """Whether the person asking is signed in as staff (sees demonstration data)."""
    return current_role() != "public"


def drawn_once(page: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorate a page's `render(values, lang, ...)`: drawn once per build, filters, language, role.

    Everything a page draws is a function of the built database (its version), the
    filter values, the language and the role asking (suppression, staff-only data), so
    the drawn components can be kept and served again (dashboard/cache.py's `memo`).
    """

    def decorate(draw: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(draw)
        def drawn(values: Mapping[str, Any], lang: str, *args: Any, **kwargs: Any) -> T:
            key = (page, current_database().version, lang, current_role(), sorted(values.items()))
            return memo(key, lambda: draw(values, lang, *args, **kwargs))

        return drawn

    return decorate


def card_once(
    page: str,
    card: str,
    uses: Sequence[str],
    values: Mapping[str, Any],
    lang: str,
    draw: Callable[[dict[str, Any], str], T],
) -> T:
    """One card drawn once per build, language, role and the filters it `uses`.

    A card that depends on fewer filters than its page is served again when only the
    others change. `draw(relevant, lang)` gets only the values it uses, so its download
    links name those alone (the download endpoint takes defaults for the rest).
    """
    relevant = {name: values[name] for name in uses}
    key = (page, card, current_database().version, lang, current_role(), sorted(relevant.items()))
    return memo(key, lambda: draw(relevant, lang))


def as_seen(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """What the person asking may see of a frame read from their database.

    The public's database is the published layer, already suppressed at build time
    (dashboard/publish.py); here only demonstration rows are dropped, as a second guard.
    """
    return for_audience(frame, dataset, current_role())


def withheld(row: Mapping[str, Any] | pd.Series) -> str | None:
    """The mark of a withheld count ("< 5", "secondary"), or None when it is shown.

    The published layer writes the mark in `suppressed` and in the dataset's status
    column, so a query that selects only the status carries it too.
    """
    if not hasattr(row, "get"):
        return None
    for column in (REASON_COLUMN, "status", "value_text"):
        mark = row.get(column)
        if isinstance(mark, str) and is_disclosure_mark(mark):
            return mark
    return None


def number_or_mark(row: Mapping[str, Any] | pd.Series, column: str, lang: str) -> str:
    """A count in the language's format, or its mark when it is withheld."""
    mark = withheld(row)
    if mark:
        return mark
    value = row[column]
    return t("chart.missing_mark", lang) if is_missing(value) else format_number(value, lang)


YEAR_COLUMNS = ("year", "baseline_year", "status_year", "final_year")


def for_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A chart's frame for its data table: years as written (2024, not 2,024), dates as dates."""
    table = frame.copy()
    for column in table.columns:
        if column in YEAR_COLUMNS:
            table[column] = table[column].map(lambda y: None if is_missing(y) else str(int(y)))
        elif pd.api.types.is_datetime64_any_dtype(table[column]):
            table[column] = table[column].dt.strftime("%Y-%m-%d")
    return table


def dataset_source(name: str) -> str:
    """The source of a whole dataset, as the catalogue (data/datasets.toml) states it."""
    return load_catalogue(get_settings().data_dir)[name].source


STATUS_SOURCE = "dashboard/plan_status.py"


def indicators_with_status() -> pd.DataFrame:
    """Every plan indicator with its objective, priority and status (plan_status rule)."""
    database = current_database()
    indicators = database.query("plan_indicator_list")
    values = database.query("plan_indicator_values_by_year")
    decisions = PlanDecisions.from_frame(database.query("staff_decisions_in_force"))
    statuses = indicator_statuses(indicators, values, decisions)
    return indicators.merge(statuses, on="indicator_code", how="left")


def control_value(value: Any, multiple: bool = False) -> Any:
    """A parsed filter value as a dropdown value (dropdown values are strings)."""
    if multiple:
        return [str(v) for v in (value or [])]
    return None if value is None else str(value)


def query_from_controls(controls: Mapping[str, Any]) -> dict[str, str]:
    """The dropdowns' values as a URL query, to be parsed like one (same validation)."""
    query: dict[str, str] = {}
    for name, value in controls.items():
        if value is None or value == "" or value == []:
            continue
        query[name] = (
            ",".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
        )
    return query


def parse_controls(controls: Mapping[str, Any], specs: Sequence[FilterSpec]) -> ParsedFilters:
    """Validate the dropdowns' values exactly as URL values are validated."""
    return parse_filters(query_from_controls(controls), specs)


def filter_dropdown(
    component_id: str,
    label: str,
    options: Sequence[tuple[str, str]],
    value: Any,
    lang: str,
    *,
    multi: bool = False,
    width: int = 3,
) -> dbc.Col:
    """A labelled dropdown of the page's filter bar; empty means every value."""
    return dbc.Col(
        [
            html.Label(label, htmlFor=component_id, className="form-label small fw-semibold mb-1"),
            dcc.Dropdown(
                id=component_id,
                options=[{"label": text, "value": code} for code, text in options],
                value=value,
                multi=multi,
                clearable=True,
                placeholder=t("services.filter_all", lang),
                optionHeight=44,
            ),
        ],
        xs=12,
        sm=6,
        lg=width,
        className="mb-2",
    )


def page_heading(title: str, lead: str, *extra: Any) -> html.Div:
    """The page's title and lead paragraph."""
    return html.Div([html.H1(title, className="h3 mt-3"), html.P(lead, className="lead"), *extra])


def demonstration_alert(lang: str) -> html.Div:
    """The notice at the top of a page that shows generated demonstration data."""
    return html.Div(
        dbc.Alert(
            [demonstration_badge(lang), html.Span(" " + t("services.demo_notice", lang))],
            color="warning",
            className="demo-notice py-2",
        ),
        id="demo-notice",
        role="note",
    )


def error_alert(lang: str) -> dbc.Alert:
    """What a person sees when the data cannot be read."""
    return dbc.Alert(t("state.error", lang), color="danger")


def guarded(render: Callable[[], Any], lang: str, what: str) -> Any:
    """Render a part of a page; a failure is logged and shown as a notice, not a traceback."""
    try:
        return render()
    except Exception:
        logger.exception("could not render %s", what)
        return error_alert(lang)
