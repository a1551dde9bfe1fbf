"""Staff's column choices: --map on the CLI, kept as the table's recipe, reused, removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.ingest import recipes
from dashboard.ingest.readings import parse_choice
from tests.unit.ingest.cli_tools import run

ROOT = Path(__file__).resolve().parents[3]
SNS = ROOT / "tests" / "fixtures" / "import" / "sns_categories_synthetic_2024.csv"


def coded(tmp_path: Path, name: str, change: tuple[bytes, bytes] | None = None) -> Path:
    """The SNS table with its categories written as ASK codes (1, 2) under "Lloji"."""
    raw = SNS.read_bytes().replace(b"Kategoria II", b"2").replace(b"Kategoria I", b"1")
    raw = raw.replace(b"Kategoria", b"Lloji")
    if change:
        raw = raw.replace(*change)
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def test_choice_syntax():
    assert parse_choice("heading[2]=Measure") == ("heading[2]", "measure")
    for bad in ("Lloji", "=year", "Lloji=colour"):
        with pytest.raises(ValueError):
            parse_choice(bad)


def test_a_column_read_with_doubt_is_mapped_saved_reused_and_removed(workspace, capsys, tmp_path):
    first = coded(tmp_path, "sns_codes.csv")
    code, out, err = run(capsys, "import", str(first), "--dry-run")
    assert code == 1
    assert "Lloji: Age, from its values Gjithsej, 1, 2  [check: --map COLUMN=ROLE]" in out
    assert "Lloji" in err

    code, out, err = run(capsys, "import", str(first), "--map", "Lloji=category", "--user", "t")
    assert code == 0, err
    assert "Lloji: Category (I, II), chosen by staff" in out
    (recipe,) = recipes.list_recipes(workspace)
    assert recipe.choices == {"Lloji": "category"} and recipe.user == "t"

    code, out, _ = run(capsys, "imports", "recipes")
    assert code == 0 and recipe.key in out and "Lloji=category" in out

    # the next export of the same table (another file: another spelling) needs no --map
    second = coded(tmp_path, "sns_codes_later.csv", (b'"Mitrovica"', b'"Mitrovic\xeb"'))
    code, out, err = run(capsys, "import", str(second), "--dry-run")
    assert code == 0, err
    assert "chosen by staff" in out

    code, out, _ = run(capsys, "imports", "forget", recipe.key)
    assert code == 0 and recipes.list_recipes(workspace) == []
    code, _, _ = run(capsys, "import", str(second), "--dry-run")
    assert code == 1
    code, _, err = run(capsys, "imports", "forget", recipe.key)
    assert code == 2 and "no recipe" in err


def test_a_mapped_import_stores_the_same_rows_as_the_named_one(workspace, capsys, tmp_path):
    from dashboard.ingest import importer

    named = importer.preview(SNS, settings=workspace)
    mapped = importer.preview(
        coded(tmp_path, "sns_codes.csv"), settings=workspace, choices={"Lloji": "category"}
    )
    assert named.ok and mapped.ok, mapped.error()
    drop = ["note"]
    left = named.rows["sns_beneficiaries"].drop(columns=drop).astype(str)
    right = mapped.rows["sns_beneficiaries"].drop(columns=drop).astype(str)
    assert (
        left.sort_values(list(left.columns)).values.tolist()
        == right.sort_values(list(right.columns)).values.tolist()
    )


def test_a_map_naming_no_column_is_refused(workspace, capsys, tmp_path):
    code, _, err = run(capsys, "import", str(SNS), "--dry-run", "--map", "Vit=year")
    assert code == 1 and "Vit" in err and "a column of the file" in err
    code, _, err = run(capsys, "import", str(SNS), "--dry-run", "--map", "Viti=colour")
    assert code == 2 and "expected a role" in err


def test_a_split_part_read_with_doubt_can_be_chosen(workspace, tmp_path):
    from dashboard.ingest import importer

    path = tmp_path / "upload"
    path.write_text(
        '"Komuna","Treguesi","2024M01 Gjithsej","2024M01 1","2024M01 2"\n'
        '"Mitrovicë","Familjet",302,101,201\n',
        encoding="utf-8",
    )
    doubtful = importer.preview(path, display_name="t.csv", settings=workspace)
    part = {r.column: r for r in doubtful.readings}["heading[2]"]
    assert (part.role, part.certain) == ("age", False) and not doubtful.ok
    chosen = importer.preview(
        path, display_name="t.csv", settings=workspace, choices={"heading[2]": "category"}
    )
    assert chosen.ok, chosen.error()
    frame = chosen.rows["sns_beneficiaries"]
    assert dict(zip(frame["category"], frame["value"], strict=True)) == {
        "all": 302,
        "I": 101,
        "II": 201,
    }
