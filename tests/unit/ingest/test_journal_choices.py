"""Staff's column choices are part of the journal entry: how the file was read, replayed alike.

A choice made with ``--map`` (or the upload page's drop-downs, which call the same
preview and apply) is kept in the import's own entry, so the journal says how the file
was read and a rebuild reads it the same way, even with the recipe forgotten and the
derived rows deleted. An old journal without the column still opens.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from dashboard.catalog import load_catalogue
from dashboard.db import attached_read_only
from dashboard.ingest import importer, journal, recipes
from dashboard.ingest.common import IngestError
from dashboard.pipeline import rebuild
from tests.unit.ingest.cli_tools import run

ROOT = Path(__file__).resolve().parents[3]
SNS = ROOT / "tests" / "fixtures" / "import" / "sns_categories_synthetic_2024.csv"
QPS = ROOT / "tests" / "fixtures" / "qps" / "qps_template_filled_synthetic_2024.csv"


def coded(tmp_path: Path, name: str) -> Path:
    """The SNS table with its categories as ASK codes (1, 2) under "Lloji": read with doubt."""
    raw = SNS.read_bytes().replace(b"Kategoria II", b"2").replace(b"Kategoria I", b"1")
    path = tmp_path / name
    path.write_bytes(raw.replace(b"Kategoria", b"Lloji"))
    return path


def sns_rows(settings) -> list[tuple]:
    with attached_read_only(settings.db_path) as con:  # the CLI's reader may hold the file
        return con.execute("SELECT * FROM built.sns_beneficiaries ORDER BY ALL").fetchall()


def test_choices_are_journalled_and_a_rebuild_reads_the_file_the_same_way(
    workspace, capsys, tmp_path
):
    path = coded(tmp_path, "sns_codes.csv")
    code, _, err = run(capsys, "import", str(path), "--map", "Lloji=category", "--user", "arta")
    assert code == 0, err
    (entry,) = journal.read_entries(workspace)
    assert entry.choices == {"Lloji": "category"}
    code, out, _ = run(capsys, "imports", "list")
    assert code == 0 and f"{entry.id}" in out and "--map Lloji=category" in out
    before = sns_rows(workspace)
    assert any(row[3] == "II" for row in before)  # the mapped categories are in

    # the recipe forgotten, the derived rows and the database deleted: only the journal
    for recipe in recipes.list_recipes(workspace):
        assert recipes.remove(workspace, recipe.key)
    shutil.rmtree(workspace.imports_dir / journal.ROWS_DIR)
    workspace.db_path.unlink()
    rebuild(workspace)
    assert sns_rows(workspace) == before
    # without the journalled choice the same file is not read: the replay needed it
    with pytest.raises(IngestError):
        importer.derive_rows(path, entry.kind, path.name, workspace, load_catalogue(ROOT / "data"))


def test_a_choice_from_a_recipe_is_journalled_as_well(workspace, capsys, tmp_path):
    code, _, err = run(
        capsys, "import", str(coded(tmp_path, "first.csv")), "--map", "Lloji=category"
    )
    assert code == 0, err
    run(capsys, "imports", "undo", journal.read_entries(workspace)[0].id)
    later = coded(tmp_path, "later.csv")
    later.write_bytes(later.read_bytes().replace(b"9439", b"9440"))  # another export
    code, _, err = run(capsys, "import", str(later))  # no --map: the recipe reads it
    assert code == 0, err
    assert journal.read_entries(workspace)[-1].choices == {"Lloji": "category"}


def test_an_import_without_choices_journals_none_made(workspace):
    plan = importer.preview(QPS, settings=workspace)
    importer.apply(plan, "arta")
    (entry,) = journal.read_entries(workspace)
    assert entry.choices == {}


def test_a_journal_from_before_choices_opens_builds_and_takes_the_column(workspace, capsys):
    importer.apply(importer.preview(QPS, settings=workspace), "arta")
    index = journal.index_path(workspace)
    connection = sqlite3.connect(index)
    connection.execute("ALTER TABLE imports DROP COLUMN choices")  # the journal as it was
    connection.commit()
    connection.close()

    (old,) = journal.read_entries(workspace)
    assert old.choices is None and old.active
    workspace.db_path.unlink()
    shutil.rmtree(workspace.imports_dir / journal.ROWS_DIR)
    report = rebuild(workspace)  # replayed from its raw file, as before
    assert report.rows_per_dataset["service_counts"] > 0

    code, _, err = run(capsys, "import", str(SNS), "--user", "arta")  # the next write
    assert code == 0, err
    first, second = journal.read_entries(workspace)
    assert first.choices is None and second.choices == {}
    connection = sqlite3.connect(index)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(imports)")]
    connection.close()
    assert columns[-1] == "choices"
