"""Message catalogues (sq, en, sr) and locale-aware formatting of numbers and dates.

Every text of the interface is a key in messages/<area>.<lang>.json (one file per page or
shared area, so pages can be worked on apart); Albanian is the default.
Data as printed in the documents stays in Albanian unless a translation is stored as data.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

LANGUAGES: tuple[str, ...] = ("sq", "en", "sr")
DEFAULT_LANGUAGE = "sq"
LANGUAGE_NAMES = {"sq": "Shqip", "en": "English", "sr": "Srpski"}
LOCALES = {"sq": "sq_XK", "en": "en_GB", "sr": "sr_Latn_XK"}
_MESSAGES_DIR = Path(__file__).with_name("messages")


def normalise_language(value: str | None) -> str:
    """A supported language code, falling back to Albanian."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=len(LANGUAGES))
def messages(lang: str) -> dict[str, str]:
    """The message catalogue of one language: every messages/*.<lang>.json merged."""
    merged: dict[str, str] = {}
    for path in sorted(_MESSAGES_DIR.glob(f"*.{lang}.json")):
        for key, text in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"message key {key!r} is defined twice ({path.name})")
            merged[key] = text
    return merged


def t(key: str, lang: str, **values: object) -> str:
    """Translate a message key; values fill {placeholders}. A missing key shows itself."""
    text = messages(normalise_language(lang)).get(key) or messages(DEFAULT_LANGUAGE).get(key, key)
    return text.format(**values) if values else text


def has_message(key: str, lang: str) -> bool:
    """Whether the catalogue of the language (or the default one) holds a key."""
    return key in messages(normalise_language(lang)) or key in messages(DEFAULT_LANGUAGE)


def plural_category(count: float, lang: str) -> str:
    """The CLDR plural category of a count in the language: one, few, other, ...

    Serbian has one (1, 21, 31), few (2-4, 22-24) and other; Albanian and English one
    and other (Babel's CLDR rules).
    """
    return str(_locale(lang).plural_form(abs(count)))


def tn(key: str, count: float, lang: str, **values: object) -> str:
    """A message with a count and the noun it counts, in the plural form of the language.

    Reads `key.one`, `key.few`, `key.other` (as CLDR names them), falling back to
    `key.other`; `{count}` is the count in the language's number format.
    """
    lang = normalise_language(lang)
    category = plural_category(count, lang)
    chosen = f"{key}.{category}" if has_message(f"{key}.{category}", lang) else f"{key}.other"
    number = format_number(count, lang, decimals=0 if float(count).is_integer() else 1)
    return t(chosen, lang, count=number, **values)


@lru_cache(maxsize=len(LANGUAGES))
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[normalise_language(lang)])


@lru_cache(maxsize=64)
def _number_pattern(pattern: str) -> babel_numbers.NumberPattern:
    # Parsed once: babel's format_decimal parses the pattern and locale on every call,
    # which dominated the data tables under each chart.
    return babel_numbers.parse_pattern(pattern)


def number_separators(lang: str) -> tuple[str, str]:
    """The language's CLDR decimal and grouping symbols (',' and U+00A0 in sq).

    The grouping symbol of sq is a no-break space, so "1 000" never wraps in a line.
    """
    symbols = _locale(lang).number_symbols["latn"]
    return symbols["decimal"], symbols["group"]


def format_number(value: float | int | None, lang: str, decimals: int = 0) -> str:
    """A number in the language's CLDR format (71 909 in sq, 71,909 in en, 71.909 in sr)."""
    if value is None or value != value:  # NaN
        return "—"
    pattern = _number_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))
    return pattern.apply(value, _locale(lang))


def format_percent(ratio: float | None, lang: str, decimals: int = 1) -> str:
    """A ratio (0.1 = 10%) as a percentage in the language's format."""
    if ratio is None or ratio != ratio:
        return "—"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return babel_numbers.format_percent(
        ratio, format=pattern, locale=LOCALES[normalise_language(lang)]
    )


def format_currency(value: float | None, lang: str) -> str:
    """An amount in euro."""
    if value is None or value != value:
        return "—"
    return babel_numbers.format_currency(value, "EUR", locale=LOCALES[normalise_language(lang)])


def format_date(value: date | datetime | str, lang: str) -> str:
    """A date in the language's long format (26 nëntor 2024)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return babel_dates.format_date(value, "long", locale=LOCALES[normalise_language(lang)])


def month_name(month: int, lang: str, width: str = "wide") -> str:
    """The name of a month (1-12) in the language."""
    return babel_dates.get_month_names(width, locale=LOCALES[normalise_language(lang)])[month]
