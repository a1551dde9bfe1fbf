"""The Budget and SWOT pages' data against the source documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
ALL_LINES = {"sector": None, "reading": None}


def test_the_budget_total_is_the_sum_of_its_lines_and_the_documents_total(database):
    lines = database.query("budget_lines", ALL_LINES)
    assert lines["total_eur"].nunique() == 1
    assert lines["total_eur"].iloc[0] == pytest.approx(lines["amount_eur"].sum())
    # 10,000 + 50,000 + 20,000 + 180,000 + 630,000 + 140,000 + 2,000 EUR (004, as read).
    assert lines["total_eur"].iloc[0] == pytest.approx(1_032_000)
    assert database.query("budget_summary").iloc[0]["total_eur"] == pytest.approx(1_032_000)
    by_sector = database.query("budget_by_sector")
    assert by_sector["amount_eur"].sum() == pytest.approx(1_032_000)
    assert by_sector["share_of_total"].sum() == pytest.approx(1.0)
    assert lines["share_of_total"].sum() == pytest.approx(1.0)


def test_lines_without_an_amount_stay_and_say_why(database):
    lines = database.query("budget_lines", ALL_LINES).set_index("line_no")
    assert len(lines) == 23
    assert lines["amount_eur"].isna().sum() == 16
    assert lines.loc[12, "reading"] == "not legible"
    assert lines.loc[10, "amount_text"].startswith("Me marrëveshje")


def test_a_filtered_line_keeps_its_share_of_the_whole_plan(database):
    lines = database.query("budget_lines", {"sector": None, "reading": "certain"})
    assert set(lines["reading"]) == {"certain"}
    elderly = lines.set_index("line_no").loc[9]
    assert elderly["amount_eur"] == pytest.approx(630_000)
    assert elderly["share_of_total"] == pytest.approx(630_000 / 1_032_000)


def test_swot_counts_per_quadrant_as_printed(database):
    items = database.query("swot_items", {"quadrant": None})
    counts = items.groupby("quadrant", sort=False)["position"].count()
    assert list(counts.items()) == [("S", 5), ("W", 10), ("O", 9), ("T", 6)]
    assert (
        items.groupby("quadrant", sort=False)["quadrant_items"].first().to_dict()
        == counts.to_dict()
    )
    one = database.query("swot_items", {"quadrant": "O"})
    assert len(one) == 9 and set(one["quadrant_items"]) == {9}


@pytest.mark.parametrize(
    ("quadrant", "position", "text"),
    [
        ("S", 1, "Staf i kualifikuar dhe trajnuar"),
        ("W", 1, "Mos adaptimi me risitë teknologjike - digjitalizimi"),
        ("W", 7, "Qasshmëria e vështirësuar pas orarit të rregullt të punës"),
        ("O", 7, "Trajnimet sistematike të stafit të ofruara nga MFPT/MD"),
        (
            "T",
            6,
            "Mungesa e pilotimit të e-shërbimeve, telemjekësisë dhe digjitalizimit të shërbimeve",
        ),
    ],
)
def test_swot_exact_texts(database, quadrant, position, text):
    items = database.query("swot_items", {"quadrant": quadrant}).set_index("position")
    assert items.loc[position, "item_text"] == text


def test_swot_matches_the_document_item_by_item(database):
    document = next(SEEDS.glob("002_*.txt"), None) if SEEDS.is_dir() else None
    if document is None:
        pytest.skip("the source documents (../shared/seeds) are not beside the repository")
    text = document.read_text(encoding="utf-8")
    start = text.index("(S) Anët e forta")
    cells = [line for line in text[start:].splitlines() if "<p>" in line][:2]
    printed = [re.findall(r"<p>(.*?)</p>", line) for line in cells]
    # Two table rows of two cells each: S | W, then O | T, separated by a tab.
    quadrants = {}
    for row, names in zip(cells, (("S", "W"), ("O", "T")), strict=True):
        for cell, name in zip(row.split("\t"), names, strict=True):
            quadrants[name] = [
                item.strip().rstrip(",").strip() for item in re.findall(r"<p>(.*?)</p>", cell)
            ]
    assert sum(len(p) for p in printed) == 30
    items = database.query("swot_items", {"quadrant": None})
    for name, expected in quadrants.items():
        assert list(items.loc[items["quadrant"] == name, "item_text"]) == expected, name
