"""The sentences under the overview's headline figures: each change, and what it compares.

Pure functions of query results; a change between two different kinds of statistic is
shown with a plain warning, a change without an earlier figure is not invented.
"""

from __future__ import annotations

import pandas as pd

from dashboard.figures.common import is_missing
from dashboard.figures.sns import period_label, statistic_label
from dashboard.i18n import format_number, format_percent, t


def change_ratio(latest: object, earlier: object) -> float | None:
    """The ratio latest / earlier - 1; None when either is missing or the earlier one is 0."""
    if is_missing(latest) or is_missing(earlier) or not float(earlier):  # type: ignore[arg-type]
        return None
    return float(latest) / float(earlier) - 1  # type: ignore[arg-type]


def signed_percent(ratio: float, lang: str) -> str:
    """A change as a signed percentage (+2,5% / −10,0%)."""
    sign = "+" if ratio > 0 else "−" if ratio < 0 else "±"
    return sign + format_percent(abs(ratio), lang, 1)


def census_change(census: pd.DataFrame) -> tuple[pd.Series, pd.Series, float | None]:
    """The latest and the first census with a population, and the change between them."""
    known = census.dropna(subset=["population"]).sort_values("year")
    if known.empty:
        raise ValueError("no census population")
    latest, first = known.iloc[-1], known.iloc[0]
    change = change_ratio(latest["population"], first["population"]) if len(known) > 1 else None
    return latest, first, change


def population_detail(census: pd.DataFrame, lang: str) -> str:
    """'−10,0% since 2011 (71 909)' for the population card."""
    latest, first, change = census_change(census)
    if change is None:
        return t("overview.no_earlier", lang)
    return t(
        "home.population_change",
        lang,
        change=signed_percent(change, lang),
        base_year=int(first["year"]),
        base=format_number(first["population"], lang),
    )


def sns_detail(row: pd.Series, lang: str) -> str:
    """The change of an SNS figure from about a year earlier, flagging a different statistic."""
    if is_missing(row.get("earlier_value")):
        return t("overview.sns.no_earlier", lang)
    change = change_ratio(row["value"], row["earlier_value"])
    values = {
        "change": signed_percent(change, lang) if change is not None else "—",
        "earlier": format_number(row["earlier_value"], lang),
        "earlier_period": period_label(row["earlier_period"], row["earlier_period_type"], lang),
        "statistic": statistic_label(row["statistic"], lang),
        "earlier_statistic": statistic_label(row["earlier_statistic"], lang),
    }
    key = (
        "overview.sns.change"
        if row["statistic"] == row["earlier_statistic"]
        else "overview.sns.change_mixed"
    )
    return t(key, lang, **values)


def services_detail(row: pd.Series, lang: str) -> str:
    """Which indicator the services count is, and the target set for the next year."""
    if is_missing(row.get("target_value")):
        return t("overview.services.detail_no_target", lang, code=row["indicator_code"])
    return t(
        "overview.services.detail",
        lang,
        code=row["indicator_code"],
        target_year=int(row["target_year"]),
        target=format_number(row["target_value"], lang),
    )
