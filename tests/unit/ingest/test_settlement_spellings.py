"""Every settlement of data/ resolves however a table spells it: sq, no diacritics, upper
case, the definite form, the Serbian (Latin) name of an sr table (data/place_aliases.csv)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from dashboard.ingest import importer
from dashboard.ingest.mapping import Place, Places

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
FORMATS = ROOT / "tests" / "fixtures" / "formats"


def rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((DATA / name).read_text(encoding="utf-8"))))


SETTLEMENTS = [row["settlement"] for row in rows("settlements.csv")]
# typed without diacritics the way a keyboard without ë and ç gives them
PLAIN = str.maketrans({"ë": "e", "Ë": "E", "ç": "c", "Ç": "C"})


@pytest.fixture(scope="module")
def places() -> Places:
    return Places.from_data_dir(DATA)


def test_the_settlements_are_the_municipalitys_cadastral_zones():
    assert len(SETTLEMENTS) == 39 and "Mitrovicë" in SETTLEMENTS  # Tabela 5 lists 39 rows


@pytest.mark.parametrize("name", SETTLEMENTS)
def test_each_settlement_resolves_from_sq_without_diacritics_and_upper_case(places, name):
    expected = Place(name, "settlement")
    for spelling in (name, name.translate(PLAIN), name.upper(), name.translate(PLAIN).upper()):
        assert places.resolve(spelling, ("settlement",)) == expected, spelling


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("Šipolje", "Shipol"),
        ("SIPOLJE", "Shipol"),
        ("Stari Trg", "Stantërg"),
        ("Stan Tërg", "Stantërg"),
        ("Suvi Do", "Suhodoll"),
        ("Donji Žabar", "Zhabar i ulët"),
        ("Zhabar i Poshtëm", "Zhabar i ulët"),
        ("Gornji Žabar", "Zhabar i epërm"),
        ("Donje Vinarce", "Vinarc i ulët"),
        ("Vinarc i Poshtëm", "Vinarc i ulët"),
        ("Ovčar", "Ofqar"),
        ("Brabonjić", "Broboniq"),
        ("Kqiq i Madh", "Kçiq i Madh"),
        ("Svinjare", "Svinjarë Frashër"),
        ("Frashër", "Svinjarë Frashër"),
        ("Mitrovica", "Mitrovicë"),
        ("Zijaqa", "Zijaqë"),
        ("Zijača", "Zijaqë"),
    ],
)
def test_serbian_names_definite_forms_and_variants_resolve(places, spelling, name):
    assert places.resolve(spelling, ("settlement",)) == Place(name, "settlement")


def test_every_settlement_alias_names_a_settlement_of_data(places):
    settlement_aliases = [row for row in rows("place_aliases.csv") if row["kind"] == "settlement"]
    assert len(settlement_aliases) >= 50
    for row in settlement_aliases:
        assert row["canonical"] in SETTLEMENTS, row
        assert row["source"], row


def test_an_sr_settlement_table_imports_under_the_sq_names(tmp_path, settings):
    private = settings.model_copy(
        update={"db_path": tmp_path / "db" / "dms.duckdb", "imports_dir": tmp_path / "imports"}
    )
    path = FORMATS / "ask_population_settlements_sr_synthetic_2011.csv"
    result = importer.preview(path, settings=private)
    assert result.ok, [p.text("en") for p in result.problems]
    rows = result.rows["population_by_age_sex"]
    assert set(rows["area_type"]) == {"settlement"}
    assert set(rows["area"]) == {
        "Shipol",
        "Stantërg",
        "Zhabar i ulët",
        "Suhodoll",
        "Bajgorë",
        "Mitrovicë",
    }
    shipol = rows[(rows["area"] == "Shipol") & (rows["sex"] == "F")]
    assert shipol["population"].tolist() == [2332]
