"""The overview's pure parts: plurals, translated tables, ticks, small charts, the list."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from dash import html

from dashboard import attention
from dashboard.components.chart_card import data_table
from dashboard.components.source import source_line
from dashboard.figures import overview
from dashboard.figures.theme import separators_for
from dashboard.i18n import LANGUAGES, messages, plural_category, t, tn
from dashboard.plan_status import STATUSES


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# --- plural forms (Babel's CLDR rules) ------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("sr", {1: "one", 21: "one", 2: "few", 4: "few", 22: "few", 5: "other", 11: "other",
                12: "other", 14: "other", 25: "other", 100: "other"}),
        ("sq", {1: "one", 2: "other", 5: "other", 21: "other"}),
        ("en", {1: "one", 2: "other", 21: "other", 0: "other"}),
    ],
)  # fmt: skip
def test_plural_categories_follow_cldr(lang, counts):
    assert {n: plural_category(n, lang) for n in counts} == counts


def test_tn_picks_the_form_of_the_count_in_each_language():
    assert tn("headline.attention.off_track", 1, "en", codes="2.3.a").startswith(
        "1 plan indicator is off track"
    )
    assert tn("headline.attention.off_track", 9, "en", codes="x").startswith(
        "9 plan indicators are"
    )
    assert (
        tn("headline.sns.families", 1, "sr", period="p", detail="d") == "1 porodica u periodu p: d"
    )
    assert (
        tn("headline.sns.families", 3, "sr", period="p", detail="d") == "3 porodice u periodu p: d"
    )
    assert (
        tn("headline.sns.families", 5, "sr", period="p", detail="d") == "5 porodica u periodu p: d"
    )
    assert tn("headline.sns.members", 22, "sr", period="p", detail="d").startswith("22 člana ")
    assert tn("headline.sns.members", 25, "sr", period="p", detail="d").startswith("25 članova ")
    assert tn("headline.budget.without", 1, "sq") == "1 rresht nuk ka shumë"
    assert tn("headline.budget.without", 16, "sq") == "16 rreshta nuk kanë shumë"
    # The count is written in the language's format, with a no-break space in sq.
    assert tn("headline.budget.without", 1500, "sq") == "1\u00a0500 rreshta nuk kanë shumë"


def test_every_plural_key_has_every_form_in_every_language():
    for lang in LANGUAGES:
        stems = {k.rsplit(".", 1)[0] for k in messages(lang) if k.endswith((".one", ".few"))}
        for stem in stems:
            for form in ("one", "few", "other"):
                assert f"{stem}.{form}" in messages(lang), (lang, stem, form)


# --- the data table under a chart -----------------------------------------------------------


def _table_texts(table: html.Div) -> tuple[list[str], list[list[str]]]:
    headers = [c.children for c in table._traverse() if isinstance(c, html.Th)]
    rows = [
        [cell.children for cell in row.children]
        for row in table._traverse()
        if isinstance(row, html.Tr) and row.children and isinstance(row.children[0], html.Td)
    ]
    return headers, rows


@pytest.mark.parametrize(
    ("lang", "headers", "yes", "no", "status"),
    [
        ("sq", ["Viti", "Popullsia", "E vëzhguar deri në datën e dokumentit", "Statusi",
                "E fshehur"], "po", "jo", "jashtë rrugës"),
        ("en", ["Year", "Population", "Observed by the document's date", "Status", "Withheld"],
         "yes", "no", "off track"),
        ("sr", ["Godina", "Stanovništvo", "Zabeleženo do datuma dokumenta", "Status",
                "Uskraćeno"], "da", "ne", "zaostaje"),
    ],
)  # fmt: skip
def test_table_headers_values_and_marks_are_in_the_language(lang, headers, yes, no, status):
    frame = pd.DataFrame(
        {
            "year": ["2011", "2024"],
            "population": [71909, None],
            "observed": [True, False],
            "status": ["off_track", "no_such_code"],
            "suppressed": [None, "< 5"],
        }
    )
    shown_headers, rows = _table_texts(data_table(frame, lang))
    assert shown_headers == headers
    first, second = rows
    assert first[2] == yes and second[2] == no
    assert first[3] == status and second[3] == "no_such_code"  # an unknown code as it stands
    assert first[4] == "" and second[4] == "< 5"  # not withheld: empty, never "no data"
    assert second[1] == t("chart.missing_mark", lang) != "0"
    assert _plain(first[1]) == {"sq": "71 909", "en": "71,909", "sr": "71.909"}[lang]


def test_every_column_the_catalogue_describes_has_a_header_in_every_language():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    catalogue = tomllib.loads((root / "data" / "datasets.toml").read_text(encoding="utf-8"))
    columns = {
        column
        for dataset in catalogue["datasets"].values()
        for section in ("columns", "computed")
        for column in dataset.get(section, {})
    }
    for lang in LANGUAGES:
        missing = {c for c in columns if f"column.{c}" not in messages(lang)}
        assert not missing, (lang, sorted(missing))


def test_every_column_of_the_queries_results_has_a_header(database):
    from dashboard.settings import get_settings

    queries = get_settings().queries_dir
    missing: dict[str, set[str]] = {}
    for path in sorted(queries.glob("*.sql")):
        try:
            frame = database.query_uncached(path.stem, _null_params(path.read_text("utf-8")))
        except Exception:  # a query needing list parameters; its public twin is read below
            continue
        for column in frame.columns:
            if f"column.{column}" not in messages("sr"):
                missing.setdefault(column, set()).add(path.stem)
    assert not missing, missing


def _null_params(sql: str) -> dict[str, None]:
    import re

    return {name: None for name in re.findall(r"\$([a-z_]+)", sql)}


def test_source_lines_read_in_the_language():
    source = "Referencë: press report citing ASK social welfare statistics: https://example.org/a"
    plan = "Plani i Veprimit 2024-2026 (002), Tabela 6"
    line = {
        lang: " ".join(map(str, source_line([source, plan], lang).children[1:]))
        for lang in LANGUAGES
    }
    assert line["en"].startswith("Reference: press report citing ASK's social welfare")
    assert line["sq"].startswith("Referencë: raport mediatik që citon")
    assert line["sr"].startswith("Referenca: novinski izveštaj koji citira")
    for lang in LANGUAGES:  # the address and the document's own title stay as they are
        assert "https://example.org/a" in line[lang] and plan in line[lang]
    assert "press report" not in line["sq"] + line["sr"]


# --- ticks and hovers -----------------------------------------------------------------------


def test_separators_are_the_languages_cldr_symbols():
    assert separators_for("en") == ".,"
    assert separators_for("sr") == ",."
    assert separators_for("sq") == ",\u00a0"  # a no-break space: "2 000" never wraps


def test_every_figure_groups_thousands_and_never_abbreviates():
    figure = go.Figure(go.Bar(x=["a"], y=[5000]))  # any figure gets the default template
    for axis in (figure.layout.template.layout.xaxis, figure.layout.template.layout.yaxis):
        assert axis.exponentformat == "none"  # never "5k" or "0,2M"
        assert axis.separatethousands is True  # "2 000", not "2000"
    assert pio.templates.default == "dms"


def test_no_figure_module_abbreviates_its_ticks():
    from pathlib import Path

    figures = Path(__file__).resolve().parents[2] / "dashboard" / "figures"
    for path in figures.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert 'tickformat="~s"' not in text and "tickformat='~s'" not in text, path.name


# --- the small charts and their sentences ---------------------------------------------------

CENSUS = pd.DataFrame(
    {"year": [2011, 2024], "population": [71909, 64742], "status": [None, None], "source": "a"}
)


def test_census_chart_and_sentence():
    figure = overview.census_figure(CENSUS, "en")
    assert list(figure.data[0].x) == ["2011", "2024"]  # years on a category axis: no "2,024"
    assert figure.layout.height <= 200 and figure.layout.showlegend is False
    assert overview.census_takeaway(CENSUS, "en") == (
        "64,742 residents in 2024: −10.0% since 2011 (71,909)."
    )
    assert _plain(overview.census_takeaway(CENSUS, "sr")).startswith("64.742 stanovnika (2024)")


def _series() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2023-12", "2024-06", "2025-01"],
            "period_type": ["month"] * 3,
            "period_start": pd.to_datetime(["2023-12-01", "2024-06-01", "2025-01-01"]),
            "value": [1967, 1800, 1759],
            "statistic": ["month"] * 3,
            "source": ["s1", "s2", "s3"],
        }
    )


def _change(**values) -> pd.DataFrame:
    row = {
        "measure": "families",
        "period": "2025-01",
        "period_type": "month",
        "value": 1759,
        "statistic": "month",
        "source": "s3",
        "earlier_period": "2023-12",
        "earlier_period_type": "month",
        "earlier_value": 1967,
        "earlier_statistic": "month",
        "earlier_source": "s1",
    }
    row.update(values)
    return pd.DataFrame([row])


def test_the_sns_chart_marks_the_two_figures_its_headline_compares():
    marked = overview.mark_compared(_series(), _change()).assign(measure="families")
    assert list(marked["compared"]) == ["earlier", None, "latest"]
    assert overview.sns_takeaway(marked, "en") == (
        "1,759 families in January 2025: −10.6% from December 2023 (1,967)."
    )
    figure = overview.sns_figure(marked, "en")
    assert [len(trace.x) for trace in figure.data] == [1, 2]  # the pair stands out
    assert all(trace.mode == "markers" for trace in figure.data)  # statistics never joined


def test_status_chart_counts_every_status_in_the_rules_order():
    counts = pd.DataFrame({"status": list(STATUSES), "indicators": [0, 20, 3, 9, 27]})
    figure = overview.status_figure(counts, "en")
    assert list(figure.data[0].y) == [t(f"indicators.status.{s}", "en") for s in STATUSES]
    assert overview.status_takeaway(counts, "en") == (
        "Of 59 plan indicators, 20 are achieved or on track and 9 are off track."
    )
    one = counts.assign(indicators=[0, 1, 0, 1, 0])
    assert overview.status_takeaway(one, "en") == (
        "Of 2 plan indicators, 1 is achieved or on track and 1 is off track."
    )


def test_budget_split_names_sectors_from_their_stored_translation():
    split = pd.DataFrame(
        {
            "sector_sq": ["Sektori A", "Sektori B"],
            "name_en": ["Sector A", None],
            "name_sr": ["Sektor A", None],
            "amount_eur": [900.0, 100.0],
            "share_of_total": [0.9, 0.1],
            "lines_without_amount": [1, 0],
        }
    )
    assert list(overview.budget_split_figure(split, "en").data[0].y) == ["Sector A", "Sektori B"]
    assert list(overview.budget_split_figure(split, "sq").data[0].y) == ["Sektori A", "Sektori B"]
    text = _plain(overview.budget_split_takeaway(split, "en"))
    assert "«Sector A» has 90.0%" in text and "1 line has no amount" in text


# --- what needs attention -------------------------------------------------------------------


def _findings(*ids_severities: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"finding_id": i, "severity": s} for i, s in ids_severities],
        columns=["finding_id", "severity"],
    )


NO_DECISIONS = pd.DataFrame(columns=["kind", "target", "value", "note", "decided_at"])


def test_needs_attention_follows_the_data():
    statuses = pd.DataFrame(
        {"indicator_code": ["1.1.a", "2.3.a"], "status": ["on_track", "off_track"]}
    )
    findings = _findings(("f1", "error"), ("f2", "warning"))
    items = attention.needs_attention(statuses, _change(), findings, NO_DECISIONS)
    assert [item.rule for item in items] == ["off_track", "findings_open"]  # families fell
    assert items[0].subjects == ("2.3.a",) and items[1].count == 2 and items[1].errors == 1
    rising = _change(value=2100, period="2026-01")
    items = attention.needs_attention(
        statuses.assign(status="on_track"), rising, findings, NO_DECISIONS
    )
    assert [item.rule for item in items] == ["sns_rising", "findings_open"]
    assert "rose to 2,100 in January 2026, from 1,967 in December 2023 (+6.8%)" in (
        overview.attention_text(items[0], "en")
    )
    settled = pd.DataFrame(
        {"kind": ["finding_mark"] * 2, "target": ["f1", "f2"], "value": ["accepted", "open"],
         "note": "n", "decided_at": "d"}
    )  # fmt: skip
    [item] = attention.needs_attention(
        statuses.assign(status="on_track"), _change(), findings, settled
    )
    assert (item.rule, item.count, item.errors) == ("findings_open", 1, 0)  # "open" still waits


def test_a_rise_between_two_different_statistics_is_not_called_a_rise():
    mixed = _change(value=2500, earlier_statistic="monthly average")
    assert attention.sns_rising(mixed) == []
    assert attention.sns_rising(_change(earlier_value=None)) == []


@pytest.mark.parametrize(
    ("lang", "search"), [("sq", "Kërko"), ("en", "Search"), ("sr", "Pretraži")]
)
def test_the_dropdowns_own_texts_are_in_the_language(lang, search):
    from dashboard.components.declared import Filter, Page, filter_control
    from dashboard.components.filters import FilterSpec, dropdown_labels

    labels = dropdown_labels(lang)
    assert labels["search"] == search
    assert "{num_selected}" in labels["selected_count"]  # Dash fills it in the browser
    declared = Filter(FilterSpec("year", [2024], None), "services.filter.year", lambda _l: [])
    page = Page("m", "/x", "x", "x", "home.title", "home.lead", 0, filters=(declared,))
    control = filter_control(page, declared, None, lang).children[1]
    assert control.labels == labels
