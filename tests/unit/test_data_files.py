"""The curated data/ files against the source documents they were transcribed from."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SEEDS = ROOT.parent / "shared" / "seeds"
PLAN = SEEDS / "002_97a8ebda51b46301.txt"
CATALOGUE_SHEET = SEEDS / "003_9aac7c44d849ddaa.txt"


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def plan_text() -> str:
    if not PLAN.exists():
        pytest.skip("../shared/seeds is not beside the repository")
    return PLAN.read_text(encoding="utf-8")


def test_every_row_of_every_dataset_has_a_source():
    for path in DATA.glob("*.csv"):
        for line, row in enumerate(rows(path.stem), start=2):
            assert row.get("source", "").strip(), f"{path.name}:{line} has no source"


def test_settlements_match_tabela_5_row_by_row():
    text = plan_text()
    table = text[text.index("Tabela 5:") : text.index("Gjithsej vendbanime")]
    printed = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.split("\t") if c.strip() and c.strip() != "/"]
        if len(cells) >= 5 and cells[1] in ("Rural", "Urban"):
            printed[cells[0]] = cells[1:5]
    ours = {row["settlement"]: row for row in rows("settlements")}
    assert len(printed) == len(ours) == 39
    for name, (kind, population, area, density) in printed.items():
        row = ours[name]
        assert row["settlement_type"] == kind
        assert row["population"] == population
        if area == "///":
            assert row["area_km2"] == "" and row["density_printed_text"] == "///"
        else:
            assert float(row["area_km2"]) == float(area), name
            assert row["density_printed"] == density, name


def test_tabela_3_and_4_figures():
    text = plan_text()
    ethnicity = {
        r["ethnicity"]: r for r in rows("population_by_ethnicity") if "Tabela 3" in r["source"]
    }
    line = next(row for row in text.splitlines() if row.startswith("<b>Nr. i banorëve</b>\t6949"))
    assert [ethnicity[e]["population"] for e in ethnicity] == line.split("\t")[1:]
    ages = rows("population_by_age_group")
    line = next(row for row in text.splitlines() if row.startswith("<b>Nr. i banorëve</b>\t6454"))
    assert [a["population"] for a in ages] == line.split("\t")[1:]
    assert sum(int(a["population"]) for a in ages) == 71909


def test_tabela_6_figures():
    text = plan_text()
    table = text[text.index("Tabela 6:") : text.index("Në kuadër të stafit")]
    printed = {}
    for line in table.splitlines():
        if "\t" in line:
            label, value = line.rsplit("\t", 1)
            printed[label] = float(value.replace(",", ""))
    ours = {r["label_sq"]: float(r["value"]) for r in rows("social_indicators")}
    assert ours == printed


def test_sns_figures_of_the_plan():
    values = {
        (r["period"], r["category"], r["measure"], r["value"])
        for r in rows("sns_beneficiaries")
        if r["municipality"] == "Mitrovicë" and "(002)" in r["source"]
    }
    assert ("2022", "all", "families", "2314") in values  # Tabela 2
    assert ("2022", "all", "members", "9439") in values
    assert ("2022", "all", "families", "2357") in values  # text above Tabela 2
    assert ("2023-Q1", "all", "families", "2152") in values  # Tabela 6
    assert ("", "I", "families", "1314") in values and ("", "II", "members", "7129") in values


def test_swot_items_are_printed_in_the_document_in_order():
    text = plan_text()
    items = rows("swot")
    assert [sum(1 for i in items if i["quadrant"] == q) for q in "SWOT"] == [5, 10, 9, 6]
    for quadrant in "SWOT":
        positions = [
            text.index(f"<p>{i['item_text']}")
            for i in sorted(items, key=lambda i: int(i["position"]))
            if i["quadrant"] == quadrant
        ]
        assert positions == sorted(positions), quadrant


def test_catalogue_lists_match_the_klina_sheet():
    if not CATALOGUE_SHEET.exists():
        pytest.skip("../shared/seeds is not beside the repository")
    sheet = CATALOGUE_SHEET.read_text(encoding="utf-8")
    for name, count in (("client_categories", 47), ("services", 56), ("admin_services", 8)):
        listed = rows(name)
        assert [int(r["code"]) for r in listed] == list(range(1, count + 1))
        for row in listed:
            assert f"{row['code']}. {row['name_sq']}" in sheet, row


def test_plan_matrix_shape():
    indicators = rows("plan_indicators")
    assert len(rows("plan_objectives")) == 12
    assert len(indicators) == 59
    values = {
        (r["indicator_code"], r["year"], r["kind"]): r["value"]
        for r in rows("plan_indicator_values")
    }
    services = next(i for i in indicators if i["indicator_text"].startswith("Numri i i shërbimeve"))
    assert services["baseline_value"] in ("6735", "6735.0")
    assert float(values[(services["indicator_code"], "2024", "target")]) == 7000
    assert float(values[(services["indicator_code"], "2024", "reported")]) == 1696


def test_budget_amounts_follow_the_reading_of_the_ocr():
    amounts = [float(r["amount_eur"]) for r in rows("budget") if r["amount_eur"]]
    assert sorted(amounts) == [2000, 10000, 20000, 50000, 140000, 180000, 630000]
    assert {r["reading"] for r in rows("budget")} <= {"certain", "uncertain", "not legible"}


def test_population_by_municipality_matches_the_reference():
    reference = (
        ROOT.parent / "shared" / "reference" / "ask_population_by_municipality_2011_2024.csv"
    )
    if not reference.exists():
        pytest.skip("../shared/reference is not beside the repository")
    with reference.open(encoding="utf-8") as handle:
        expected = {
            (r["municipality"], year): r[f"population_{year}"]
            for r in csv.DictReader(handle)
            for year in ("2011", "2024")
        }
    ours = {
        (r["municipality"], r["year"]): r["population"] for r in rows("population_by_municipality")
    }
    assert ours == expected
    assert ours[("Mitrovicë", "2011")] == "71909" and ours[("Mitrovicë", "2024")] == "64742"


def test_every_municipality_has_one_geometry():
    import json

    shapes = {
        f["properties"]["shapeName"]
        for f in json.loads((DATA / "kosovo_municipalities.geojson").read_text())["features"]
    }
    names = [r["geo_shape_name"] for r in rows("municipalities")]
    assert sorted(names) == sorted(shapes) and len(names) == 38


def test_aliases_resolve_to_known_places():
    known = {
        "country": {"Kosovë"},
        "municipality": {r["municipality"] for r in rows("municipalities")},
        "settlement": {r["settlement"] for r in rows("settlements")},
    }
    aliases = rows("place_aliases")
    for alias in aliases:
        assert alias["canonical"] in known[alias["kind"]], alias
    folded = [(re.sub(r"\s+", " ", a["alias"].casefold()), a["kind"]) for a in aliases]
    assert len(folded) == len(set(folded)), "an alias maps to two places"
    assert {a["alias"]: a["canonical"] for a in aliases}["Mitrovica South"] == "Mitrovicë"
