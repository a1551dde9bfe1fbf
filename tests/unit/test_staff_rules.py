"""The rules the staff pages apply, without a database: what can be entered, marked, grouped."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import entries, quality, reviews


def test_results_are_entered_only_for_counts_and_yes_no_indicators_in_plan_order():
    indicators = pd.DataFrame(
        {
            "indicator_code": ["1.1.a", "1.1.b", "1.2.a", "2.1.a"],
            "unit": ["count", "percent", "binary", "text"],
            "indicator_text": ["Schools", "Share", "Plan adopted", "Description"],
        }
    )
    enterable = entries.enterable_indicators(indicators)
    assert list(enterable["indicator_code"]) == ["1.1.a", "1.2.a"]
    # the same units parse_value accepts, and no other
    assert entries.parse_value("binary", "1") == 1.0
    with pytest.raises(entries.EntryRefused):
        entries.parse_value("percent", "12")


def test_the_marks_are_the_finding_marks_among_the_decisions_in_force():
    decisions = pd.DataFrame(
        {
            "kind": ["direction", "finding_mark", "table_reading", "finding_mark"],
            "target": ["1.1.a", "Q-1", "Tabela 5", "Q-2"],
            "value": ["higher", "accepted", "shifted", "open"],
        }
    )
    marks = reviews.finding_marks(decisions)
    assert list(marks["target"]) == ["Q-1", "Q-2"]
    empty = decisions.iloc[0:0]
    assert reviews.finding_marks(empty).empty


def test_a_mark_is_refused_for_a_finding_the_build_does_not_have():
    reviews.check_finding("Q-1", ["Q-1", "Q-2"])  # known: no error
    for unknown in ("Q-9", None, ""):
        with pytest.raises(reviews.DecisionRefused) as refused:
            reviews.check_finding(unknown, ["Q-1", "Q-2"])
        assert refused.value.key == "quality.error.target"


@pytest.mark.parametrize(
    ("source", "document", "table"),
    [
        (
            "Plani i Veprimit 2024-2026 (002), Tabela 5",
            "Plani i Veprimit 2024-2026 (002)",
            "Tabela 5",
        ),
        ("Profili (001), Kapitulli 2, Tabela 3", "Profili (001)", "Kapitulli 2, Tabela 3"),
        ("ASK census", "ASK census", ""),
    ],
)
def test_a_source_splits_into_its_document_and_table(source, document, table):
    assert quality.document_of(source) == document
    assert quality.table_of(source) == table


def test_findings_are_grouped_by_document_and_table_of_their_source():
    findings = pd.DataFrame({"finding_id": ["Q-1", "Q-2"], "source": ["A (1), T 1", "B (2)"]})
    grouped = quality.with_document_and_table(findings)
    assert list(grouped["document"]) == ["A (1)", "B (2)"]
    assert list(grouped["table"]) == ["T 1", ""]
    assert list(grouped["finding_id"]) == ["Q-1", "Q-2"]  # the findings themselves unchanged
