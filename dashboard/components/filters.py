"""Filters kept in the URL (?year=2024&category=3): parse, validate, write back.

Every view has an address that can be shared and bookmarked. A value that is not allowed
falls back to the default and the page shows a notice saying so, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import t


@dataclass(frozen=True)
class FilterSpec:
    """One URL filter: its name, the values it allows and its default."""

    name: str
    allowed: Callable[[], Sequence[Any]] | Sequence[Any]
    default: Any
    parse: Callable[[str], Any] = str
    multiple: bool = False

    def allowed_values(self) -> list[Any]:
        """The allowed values (computed now when given as a function of the database)."""
        values = self.allowed() if callable(self.allowed) else self.allowed
        return list(values)


@dataclass
class ParsedFilters:
    """Filter values taken from a URL, and the notices about values that were refused."""

    values: dict[str, Any]
    rejected: list[tuple[str, str]] = field(default_factory=list)


def parse_filters(query: Mapping[str, Any], specs: Sequence[FilterSpec]) -> ParsedFilters:
    """Read filters from a page's query arguments, replacing invalid values by defaults."""
    values: dict[str, Any] = {}
    rejected: list[tuple[str, str]] = []
    for spec in specs:
        raw = query.get(spec.name)
        if raw is None or raw == "":
            values[spec.name] = spec.default
            continue
        allowed = spec.allowed_values()
        items = str(raw).split(",") if spec.multiple else [str(raw)]
        parsed = []
        for item in items:
            try:
                value = spec.parse(item)
            except (TypeError, ValueError):
                rejected.append((spec.name, item))
                continue
            if value in allowed:
                parsed.append(value)
            else:
                rejected.append((spec.name, item))
        if spec.multiple:
            values[spec.name] = parsed or spec.default
        else:
            values[spec.name] = parsed[0] if parsed else spec.default
    return ParsedFilters(values=values, rejected=rejected)


def query_of(search: str | None) -> dict[str, str]:
    """The arguments of a query string ("?type=rural&lang=en"), the first value of each."""
    return {name: values[0] for name, values in parse_qs((search or "").lstrip("?")).items()}


def to_search(values: Mapping[str, Any], defaults: Mapping[str, Any], lang: str) -> str:
    """The query string for a view: only values that differ from the default, plus ?lang."""
    query: dict[str, str] = {}
    for name, value in values.items():
        if value is None or value == defaults.get(name):
            continue
        if isinstance(value, list | tuple):
            if not value:
                continue
            query[name] = ",".join(str(v) for v in value)
        else:
            query[name] = str(value)
    if lang != "sq":
        query["lang"] = lang
    return f"?{urlencode(query)}" if query else ""


def rejected_notice(parsed: ParsedFilters, lang: str) -> html.Div:
    """A visible notice for the URL values that were not valid (empty when all were)."""
    if not parsed.rejected:
        return html.Div(id="filter-notice")
    items = [
        html.Li(t("filters.invalid_value", lang, name=name, value=value))
        for name, value in parsed.rejected
    ]
    return html.Div(
        dbc.Alert(
            [html.P(t("filters.invalid_heading", lang), className="mb-1"), html.Ul(items)],
            color="warning",
            className="py-2",
        ),
        id="filter-notice",
        role="status",
    )


DROPDOWN_LABELS = (
    "select_all",
    "deselect_all",
    "selected_count",
    "search",
    "clear_search",
    "clear_selection",
    "no_options_found",
)


def dropdown_labels(lang: str) -> dict[str, str]:
    """The texts dcc.Dropdown writes itself ("Search", "No options found"), in the language.

    `selected_count` keeps Dash's own {num_selected} placeholder, filled by the browser.
    """
    return {name: t(f"dropdown.{name}", lang) for name in DROPDOWN_LABELS}
