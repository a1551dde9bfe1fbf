"""The message catalogues: every key in all three languages, the same placeholders."""

from __future__ import annotations

import ast
import json
import re
import string
from collections import defaultdict
from pathlib import Path

import pytest

from dashboard.i18n import LANGUAGES, messages, month_name, t

MESSAGES_DIR = Path(__file__).resolve().parents[2] / "dashboard" / "i18n" / "messages"
ROOT = Path(__file__).resolve().parents[2]


def _catalogues() -> dict[str, dict[str, dict[str, str]]]:
    """area -> language -> messages, from every messages/<area>.<lang>.json."""
    areas: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for path in sorted(MESSAGES_DIR.glob("*.json")):
        area, lang = path.stem.rsplit(".", 1)
        areas[area][lang] = json.loads(path.read_text(encoding="utf-8"))
    return dict(areas)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_file_is_named_area_dot_language():
    for path in MESSAGES_DIR.glob("*.json"):
        assert re.fullmatch(r"[a-z_]+\.(sq|en|sr)\.json", path.name), path.name


@pytest.mark.parametrize("area", sorted(_catalogues()))
def test_every_key_is_in_all_three_languages(area):
    catalogue = _catalogues()[area]
    assert set(catalogue) == set(LANGUAGES), f"{area}: files for {sorted(catalogue)}"
    keys = {lang: set(texts) for lang, texts in catalogue.items()}
    for lang in LANGUAGES:
        missing = keys["sq"] ^ keys[lang]
        assert not missing, f"{area}.{lang}.json differs from {area}.sq.json in {sorted(missing)}"


@pytest.mark.parametrize("area", sorted(_catalogues()))
def test_placeholders_are_the_same_in_every_language(area):
    catalogue = _catalogues()[area]
    for key, text in catalogue["sq"].items():
        expected = _placeholders(text)
        for lang in LANGUAGES:
            other = catalogue.get(lang, {}).get(key)
            if other is not None:
                assert _placeholders(other) == expected, f"{key} in {lang}: {other!r}"


def test_no_message_is_empty_and_no_key_is_defined_twice():
    for lang in LANGUAGES:
        merged = messages(lang)  # raises on a key defined in two files
        assert all(isinstance(text, str) and text.strip() for text in merged.values())


# The modules of the overview, demographics, social assistance and 404 pages.
OWN_MODULES = [
    "dashboard/pages/home.py",
    "dashboard/pages/demographics.py",
    "dashboard/pages/sns.py",
    "dashboard/pages/not_found_404.py",
    "dashboard/figures/overview.py",
    "dashboard/figures/demographics.py",
    "dashboard/figures/sns.py",
    "dashboard/components/print_header.py",
    "dashboard/components/settlements_table.py",
]


def _literal_keys(path: Path) -> set[str]:
    """The message keys passed to t() as plain string literals in a module."""
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "t"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            keys.add(node.args[0].value)
    return keys


@pytest.mark.parametrize("module", OWN_MODULES)
def test_every_literal_key_of_the_pages_exists(module):
    keys = _literal_keys(ROOT / module)
    assert keys, f"{module} uses no message keys?"
    for lang in LANGUAGES:
        missing = keys - set(messages(lang))
        assert not missing, f"{module}: {sorted(missing)} missing in {lang}"


@pytest.mark.parametrize(
    "family",
    [
        [f"demography.type.{v}" for v in ("all", "urban", "rural")],
        [
            f"demography.sort.{c}_{d}"
            for c in ("population", "area", "density", "name")
            for d in ("asc", "desc")
        ],
        [f"demography.ethnicity.source.{v}" for v in ("table", "text")],
        [f"demography.measure.{v}" for v in ("population", "area_km2", "density_computed")],
        [
            f"demography.settlements.title.{v}"
            for v in ("population", "area_km2", "density_computed")
        ],
        [
            f"demography.settlements.takeaway.{v}"
            for v in ("population", "area_km2", "density_computed")
        ],
        [
            f"demography.ethnicity.takeaway.{v}{s}"
            for v in ("table", "text")
            for s in ("", "_no_percent")
        ],
        [f"demography.sex.{v}" for v in ("male", "female")],
        [f"sns.measure.{v}" for v in ("families", "members")],
        [f"sns.count.{v}" for v in ("families", "members")],
        [f"sns.col.{v}" for v in ("families", "members")],
        [f"sns.unit.{v}" for v in ("count", "per_1000")],
        [f"sns.filter.{v}" for v in ("measure", "period", "unit", "compare")],
        [f"sns.category.{v}" for v in ("I", "II")],
        [
            f"sns.statistic.{v}"
            for v in ("monthly_average", "first_quarter", "quarter", "month", "as_reported")
        ],
        [f"sns.trend.takeaway_{d}{m}" for d in ("fell", "rose") for m in ("", "_mixed")],
        [f"sns.compare.title.{v}" for v in ("count", "per_1000")],
    ],
)
def test_every_key_built_from_a_value_exists(family):
    for lang in LANGUAGES:
        assert not set(family) - set(messages(lang)), lang


@pytest.mark.parametrize(
    ("lang", "january"), [("sq", "janar"), ("en", "January"), ("sr", "januar")]
)
def test_month_names_come_from_the_locale(lang, january):
    assert month_name(1, lang) == january


def test_a_missing_key_shows_itself_rather_than_failing():
    assert t("no.such.key", "en") == "no.such.key"
