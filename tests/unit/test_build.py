"""The build: validates data/, swaps the database in atomically, refuses bad data whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dashboard.build import BuildError
from dashboard.catalog import load_catalogue
from dashboard.db import Database
from dashboard.pipeline import rebuild

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def workspace(tmp_path, settings):
    """A private copy of data/ and settings pointing at it."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    return settings.model_copy(
        update={
            "data_dir": data,
            "db_path": tmp_path / "db" / "dms.duckdb",
            "imports_dir": tmp_path / "imports",
        }
    )


def test_build_loads_every_dataset_with_its_declared_columns(workspace):
    report = rebuild(workspace)
    catalogue = load_catalogue(workspace.data_dir)
    con = duckdb.connect(str(workspace.db_path), read_only=True)
    try:
        for name, dataset in catalogue.items():
            columns = [row[0] for row in con.execute(f'DESCRIBE "{name}"').fetchall()]
            assert columns == list(dataset.column_names), name
        assert report.rows_per_dataset["settlements"] == 39
        density = con.execute(
            "SELECT density_computed FROM settlements WHERE settlement = 'Rahovë'"
        ).fetchone()
        assert density == (116.2,)
    finally:
        con.close()
    built = {"dms.duckdb", "dms.public.duckdb"}  # the staff database and the published layer
    leftovers = [p.name for p in workspace.db_path.parent.iterdir() if p.name not in built]
    assert leftovers == []


@pytest.mark.parametrize(
    ("dataset", "edit", "expected"),
    [
        (
            "settlements",
            lambda t: t.replace("Bare,Rural,841", "Bare,Rural,many"),
            "settlements.csv",
        ),
        ("settlements", lambda t: t.replace("Bare,Rural,841", "Bajgorë,Rural,841"), "unique key"),
        ("swot", lambda t: t.replace("quadrant,", "kuadranti,", 1), "header"),
        ("budget", lambda t: t.replace(",certain,", ",,", 1), "required"),
    ],
)
def test_a_bad_file_is_refused_and_the_old_database_stays(workspace, dataset, edit, expected):
    rebuild(workspace)
    before = workspace.db_path.read_bytes()
    path = workspace.data_dir / f"{dataset}.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    load_catalogue.cache_clear()
    with pytest.raises(BuildError) as refused:
        rebuild(workspace)
    message = str(refused.value)
    assert f"{dataset}.csv" in message and expected in message
    assert workspace.db_path.read_bytes() == before
    assert sorted(p.name for p in workspace.db_path.parent.iterdir()) == [
        "dms.duckdb",
        "dms.public.duckdb",
    ]


def test_a_wrong_type_names_line_column_and_value(workspace):
    path = workspace.data_dir / "settlements.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Bare,Rural,841", "Bare,Rural,many"), "utf-8"
    )
    with pytest.raises(BuildError) as refused:
        rebuild(workspace)
    problem = refused.value.problems[0]
    assert (problem.file, problem.line, problem.field, problem.value) == (
        "settlements.csv",
        3,
        "population",
        "many",
    )
    assert "INTEGER" in problem.expected


def test_key_violation_names_the_line(workspace):
    path = workspace.data_dir / "settlements.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Bare,Rural", "Bajgorë,Rural"), "utf-8"
    )
    with pytest.raises(BuildError) as refused:
        rebuild(workspace)
    problem = refused.value.problems[0]
    assert problem.file == "settlements.csv" and problem.line == 2 and "Bajgorë" in problem.value


def test_a_running_reader_sees_the_swapped_database(workspace):
    rebuild(workspace)
    database = Database(workspace)
    first = database.query("build_info")["built_at"].iloc[0]
    version = database.version
    path = workspace.data_dir / "swot.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # one SWOT item fewer
    rebuild(workspace)
    assert database.version != version
    rows = database.select_dataset("swot", ["quadrant"])
    assert len(rows) == 29
    assert database.query("build_info")["built_at"].iloc[0] >= first


def test_the_reader_cannot_write_or_read_files(workspace):
    rebuild(workspace)
    connection = Database(workspace).connection()
    with pytest.raises(duckdb.Error):
        connection.execute("DELETE FROM swot")
    with pytest.raises(duckdb.Error):
        connection.execute("SELECT * FROM read_csv('/etc/passwd')")


def test_select_dataset_refuses_unlisted_filter_columns(workspace):
    rebuild(workspace)
    database = Database(workspace)
    with pytest.raises(ValueError):
        database.select_dataset("settlements", ["settlement_type"], {"population": ["1"]})
    injected = database.select_dataset(
        "settlements", ["settlement_type"], {"settlement_type": ["Urban' OR '1'='1"]}
    )
    assert injected.empty
