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


# Every module of the package: the pages, their declarations, figures, the ingest, the CLI.
OWN_MODULES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "dashboard").rglob("*.py"))


def _literal_keys(path: Path) -> set[str]:
    """The message keys a module names as plain string literals.

    Keys passed to t() or tn() (its plural forms), and keys declared by keyword (`title_key="..."`,
    `label_key=`, `lead_key=`, `menu_key=`, `message_key=`, `empty_key=` and the like)
    that the declared-page renderer looks up.
    """
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if (
            name in ("t", "tn")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            key = node.args[0].value
            # tn() reads the CLDR plural forms of a key; "one" and "other" exist in every
            # language ("few" in Serbian).
            keys.update((f"{key}.one", f"{key}.other") if name == "tn" else (key,))
        for keyword in node.keywords:
            if (
                keyword.arg
                and keyword.arg.endswith("_key")
                and isinstance(keyword.value, ast.Constant)
                and isinstance(keyword.value.value, str)
            ):
                keys.add(keyword.value.value)
    return keys


def test_the_key_scan_reads_every_module_that_speaks():
    speaking = [m for m in OWN_MODULES if _literal_keys(ROOT / m)]
    # The pages, figures and components name keys; the scan must see them (the ingest's
    # refusals are keys of their own problems: tests/unit/ingest/test_messages.py).
    for folder in ("pages", "figures", "components"):
        assert any(m.startswith(f"dashboard/{folder}/") for m in speaking), folder
    assert len(speaking) >= 30, speaking


@pytest.mark.parametrize("module", OWN_MODULES)
def test_every_literal_key_of_the_pages_exists(module):
    keys = _literal_keys(ROOT / module)
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
