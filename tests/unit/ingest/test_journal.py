"""The import journal: read-only reads, replay order, replacement by key, re-derivation."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from dashboard.build import BuildError
from dashboard.catalog import load_catalogue
from dashboard.ingest import importer, journal
from dashboard.pipeline import rebuild

ROOT = Path(__file__).resolve().parents[3]
QPS = ROOT / "tests" / "fixtures" / "qps"
IMPORT = ROOT / "tests" / "fixtures" / "import"


@pytest.fixture()
def workspace(tmp_path, settings):
    """Private database and journal; the embedded data/ is only read."""
    return settings.model_copy(
        update={"db_path": tmp_path / "db" / "dms.duckdb", "imports_dir": tmp_path / "imports"}
    )


def files_of(directory: Path) -> dict[str, tuple[str, int]]:
    """Every file under a directory: content hash and modification time."""
    return {
        str(p.relative_to(directory)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def table(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def imported(workspace, path: Path, user: str = "tester") -> importer.ImportResult:
    plan = importer.preview(path, settings=workspace)
    assert plan.ok, plan.problems
    return importer.apply(plan, user)


def test_reading_an_absent_journal_creates_nothing(workspace):
    assert journal.read_entries(workspace) == []
    rebuild(workspace)
    assert not workspace.imports_dir.exists()


def test_a_build_reads_the_journal_without_changing_a_byte_or_a_time(workspace):
    imported(workspace, QPS / "qps_template_filled_synthetic_2024.csv")
    before = files_of(workspace.imports_dir)
    assert set(before) == {
        "journal.sqlite",
        f"raw/{journal.read_entries(workspace)[0].sha256}",
        f"rows/{journal.read_entries(workspace)[0].id}/service_counts.parquet",
    }
    rebuild(workspace)
    journal.read_entries(workspace)
    importer.preview(QPS / "qps_wide_synthetic_2024.csv", settings=workspace)
    assert files_of(workspace.imports_dir) == before


def test_entries_record_who_when_what_and_the_raw_file_is_kept_unchanged(workspace):
    source = QPS / "qps_template_filled_synthetic_2024.csv"
    result = imported(workspace, source, user="arta")
    (entry,) = journal.read_entries(workspace)
    assert entry == result.entry
    assert entry.user == "arta" and entry.kind == "qps" and entry.status == "active"
    assert entry.original_name == source.name and entry.imported_at.endswith("+00:00")
    assert entry.rows == {"service_counts": 8} and entry.added == {"service_counts": 8}
    assert entry.id == f"0001-{entry.sha256[:8]}"
    assert journal.raw_path(workspace, entry.sha256).read_bytes() == source.read_bytes()
    assert journal.find(workspace, "1") == entry == journal.find(workspace, "0001")
    with pytest.raises(journal.UnknownImport):
        journal.find(workspace, "0002")


def test_derived_rows_are_recreated_from_the_raw_file_in_memory(workspace):
    imported(workspace, IMPORT / "census_mitrovice_age_sex_synthetic_2011_2024.px")
    query = "SELECT * FROM population_by_age_sex ORDER BY ALL"
    first = table(workspace.db_path, query)
    shutil.rmtree(workspace.imports_dir / "rows")
    before = files_of(workspace.imports_dir)
    rebuild(workspace)
    assert table(workspace.db_path, query) == first and len(first) == 72
    assert files_of(workspace.imports_dir) == before  # nothing written back on a read


def test_a_journal_whose_raw_file_is_lost_refuses_the_build_and_keeps_the_database(workspace):
    result = imported(workspace, QPS / "qps_template_filled_synthetic_2024.csv")
    database = workspace.db_path.read_bytes()
    shutil.rmtree(workspace.imports_dir / "rows")
    journal.raw_path(workspace, result.entry.sha256).unlink()
    with pytest.raises(BuildError) as refused:
        rebuild(workspace)
    assert result.entry.id in str(refused.value)
    assert workspace.db_path.read_bytes() == database


def test_replace_rows_matches_keys_with_nulls(workspace):
    catalogue = load_catalogue(workspace.data_dir)
    dataset = catalogue["service_counts"]
    con = duckdb.connect()
    columns = ", ".join(f'"{c.name}" {c.type}' for c in dataset.columns)
    con.execute(f"CREATE TABLE service_counts ({columns})")

    def rows(count: int, month: int | None) -> pa.Table:
        return pa.table(
            {
                "municipality": ["Mitrovicë"],
                "year": [2024],
                "month": pa.array([month], pa.int64()),
                "client_category_code": [3],
                "service_code": [12],
                "sex": ["F"],
                "age_group": ["all"],
                "count": [count],
                "status": pa.array([None], pa.string()),
                "demonstration": [False],
                "import_id": ["x"],
                "source": ["test"],
            }
        )

    journal.replace_rows(con, dataset, rows(4, None))
    journal.replace_rows(con, dataset, rows(5, 1))
    journal.replace_rows(con, dataset, rows(6, None))  # same key as the first: replaces it
    assert con.execute('SELECT month, "count" FROM service_counts ORDER BY ALL').fetchall() == [
        (1, 5),
        (None, 6),
    ]


def test_the_overlay_lets_a_build_see_a_pending_or_undone_import(workspace):
    result = imported(workspace, QPS / "qps_template_filled_synthetic_2024.csv")
    with journal.overlay(undone=[result.entry.id]):
        assert journal.replayed_entries(workspace) == []
    pending = dataclasses.replace(result.entry, seq=2, id="0002-pending")
    with journal.overlay(pending=[pending]):
        assert [e.id for e in journal.replayed_entries(workspace)] == [
            result.entry.id,
            "0002-pending",
        ]
    assert [e.id for e in journal.replayed_entries(workspace)] == [result.entry.id]
