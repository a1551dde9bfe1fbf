"""What the pages and the declared-page renderer share: who asks, what they may see, caching.

The role asking and its view of a frame (`as_seen`), drawing once per build, language,
role and filters (`drawn_once`, `card_once`), withheld marks, and the guard that turns a
failure into a notice.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import auth
from dashboard.audience import current_database
from dashboard.cache import memo
from dashboard.catalog import load_catalogue
from dashboard.components.chart_card import demonstration_badge, for_table  # noqa: F401
from dashboard.components.frame import guide_address
from dashboard.i18n import format_number, t
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


def dataset_source(name: str) -> str:
    """The source of a whole dataset, as the catalogue (data/datasets.toml) states it."""
    return load_catalogue(get_settings().data_dir)[name].source


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


def demonstration_alert(lang: str) -> html.Div:
    """The notice at the top of a page that shows generated demonstration data."""
    return html.Div(
        dbc.Alert(
            [
                demonstration_badge(lang),
                html.Span(" " + t("services.demo_notice", lang) + " "),
                html.A(t("guide.link", lang), href=guide_address(lang, "demonstration")),
            ],
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
