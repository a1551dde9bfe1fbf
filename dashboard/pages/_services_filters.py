"""The Services page's filters and the one mapping from their values to query parameters.

Each filter's values are those the counts hold (the staff database, or the published
layer for the public), and each names the dimension of the counts it fixes, so the
renderer can tell when a public view crosses two published tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard.audience import current_database
from dashboard.components.declared import Filter
from dashboard.components.filters import FilterSpec
from dashboard.figures import services as figures
from dashboard.i18n import month_name
from dashboard.vocabulary import MUNICIPALITY

AUDIENCES = ("children", "adults", "requests", "other")
CATEGORY, SERVICE = "client_category_code", "service_code"


def _dimension(name: str) -> list[str]:
    frame = current_database().query("service_count_dimensions", {"municipality": MUNICIPALITY})
    return list(frame.loc[frame["dimension"] == name, "value"])


def _coded(query_name: str) -> list[tuple[int, str]]:
    frame = current_database().query(query_name)
    return [(int(c), n) for c, n in zip(frame["code"], frame["name_sq"], strict=True)]


def _labelled(query_name: str) -> list[tuple[str, str]]:
    return [(str(code), figures.short_label(code, name, 70)) for code, name in _coded(query_name)]


def _coded_filter(name: str, catalogue: str, column: str, multiple: bool = False) -> Filter:
    """A filter over a coded catalogue (categories, services), labelled "code · name"."""
    return Filter(
        FilterSpec(
            name,
            lambda: [code for code, _ in _coded(catalogue)],
            [] if multiple else None,
            parse=int,
            multiple=multiple,
        ),
        f"services.filter.{name}",
        lambda _lang: _labelled(catalogue),
        width=6,
        dimension=column,
    )


def _dimension_filter(
    name: str, column: str, label: Any = lambda value, _lang: value, parse: Any = str
) -> Filter:
    """A filter over one dimension of the counts, its values as the counts hold them."""
    return Filter(
        FilterSpec(name, lambda: [parse(v) for v in _dimension(column)], None, parse=parse),
        f"services.filter.{name}",
        lambda lang: [(v, label(v, lang)) for v in _dimension(column)],
        dimension=column,
    )


FILTERS = (
    _coded_filter("category", "service_categories", CATEGORY, multiple=True),
    Filter(
        FilterSpec("audience", AUDIENCES, None),
        "services.filter.audience",
        lambda lang: [(a, figures.audience_label(a, lang)) for a in AUDIENCES],
        dimension=CATEGORY,
    ),
    _coded_filter("service", "service_catalogue", SERVICE),
    _dimension_filter("year", "year", parse=int),
    _dimension_filter("month", "month", lambda m, lang: month_name(int(m), lang), parse=int),
    _dimension_filter("sex", "sex", figures.sex_label),
    _dimension_filter("age", "age_group"),
)
EVERY_FILTER = tuple(f.name for f in FILTERS)


def query_params(values: Mapping[str, Any]) -> dict[str, Any]:
    """The filter values as the bound parameters of the services_* queries."""
    return {
        "municipality": MUNICIPALITY,
        "categories": list(values.get("category") or []),
        "audience": values.get("audience"),
        "service": values.get("service"),
        "year": values.get("year"),
        "month": values.get("month"),
        "sex": values.get("sex"),
        "age_group": values.get("age"),
    }
