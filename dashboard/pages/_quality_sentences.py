"""A data-quality finding as one plain sentence in the reader's language.

The build stores each finding's rule class and parameters (dashboard/quality.py); the
sentence is the class's message with the figures formatted for the language, and the
build's English text where a language has no message for the class.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from dashboard.i18n import format_number, t


def number_text(value: Any, lang: str) -> str:
    """A figure in the language's format: grouping, decimals as printed (up to 2), ∞."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    number = float(value)
    if number.is_integer():
        return format_number(int(number), lang)
    decimals = 1 if round(number, 1) == number else 2
    return format_number(number, lang, decimals=decimals)


def _year_like(name: str) -> bool:
    return name in {"year", "table", "period", "other_period"}


def _listed(name: str, items: list, lang: str) -> str:
    """A list parameter in words: places, category parts, label pairs or classes."""
    if name == "classes":
        return ", ".join(f"{number_text(a, lang)}–{number_text(b, lang)}" for a, b in items)
    if name == "categories":
        return " + ".join(f"{label} {number_text(v, lang)}" for label, v in items)
    if name == "pairs":
        return "; ".join(
            f"{where}: {number_text(a, lang)} / {number_text(b, lang)}" for where, a, b in items
        )
    return "; ".join(
        f"{number_text(v, lang)} ({period or '—'}, «{source}»)" for v, period, source in items
    )


def sentence_values(params: dict, lang: str) -> dict[str, str]:
    """The parameters of a finding as they read in the sentence of a language."""
    values: dict[str, str] = {}
    for name, value in params.items():
        if isinstance(value, list):
            values[name] = _listed(name, value, lang)
        elif isinstance(value, bool) or _year_like(name):
            values[name] = str(value)
        elif isinstance(value, int | float):
            values[name] = number_text(value, lang)
        else:
            values[name] = str(value)
    return values


def finding_sentence(row: pd.Series | dict, lang: str) -> str:
    """One plain sentence in the reader's language; the build's English text as a fallback."""
    try:
        params = json.loads(row.get("params") or "{}")
    except (TypeError, ValueError):
        params = {}
    key = f"quality.class.{row.get('rule_class') or row.get('check')}"
    try:
        text = t(key, lang, **sentence_values(params, lang))
    except (KeyError, IndexError, ValueError):
        return str(row.get("message", ""))
    if text == key:
        return str(row.get("message", ""))
    if row.get("rule_class") == "table_years" and params.get("reading"):
        text += " " + t(f"quality.reading.{params['reading']}", lang)
    return text
