"""`dms-dashboard import` end to end: every format, refusals that leave no trace, the journal."""

from __future__ import annotations

import csv
import io
import random
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard import cli
from dashboard.build import BuildError
from dashboard.db import get_database
from dashboard.ingest import common, importer, journal
from dashboard.pipeline import rebuild
from tests.unit.ingest.cli_tools import run, snapshot

ROOT = Path(__file__).resolve().parents[3]
IMPORT = ROOT / "tests" / "fixtures" / "import"
QPS = ROOT / "tests" / "fixtures" / "qps"
ASK = ROOT / "tests" / "fixtures" / "ask"
SYNTHETIC = "census_mitrovice_age_sex_synthetic_2011_2024"
HEADER = "year,month,client_category_code,service_code,sex,age_group,count"


def rows(settings, sql: str) -> list[tuple]:
    con = get_database(settings).connection().cursor()
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def every_table(settings) -> dict[str, list[tuple]]:
    con = get_database(settings).connection().cursor()
    try:
        names = [
            r[0]
            for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        ]
        tables = {}
        for name in names:
            columns = [
                r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall() if r[0] != "built_at"
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            tables[name] = con.execute(f'SELECT {listed} FROM "{name}" ORDER BY ALL').fetchall()
        return tables
    finally:
        con.close()


# --- every format end to end ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind", "datasets"),
    [
        (
            IMPORT / f"{SYNTHETIC}.px",
            "px",
            {"population_by_age_sex": 72, "population_by_municipality": 2},
        ),
        (
            IMPORT / f"{SYNTHETIC}.csv",
            "pxweb-csv",
            {"population_by_age_sex": 72, "population_by_municipality": 2},
        ),
        (
            IMPORT / f"{SYNTHETIC}.json",
            "jsonstat",
            {"population_by_age_sex": 72, "population_by_municipality": 2},
        ),
        (ASK / "sns_mitrovice_kosova_2023.px", "px", {"sns_beneficiaries": 48}),
        (IMPORT / "sns_categories_synthetic_2024.csv", "pxweb-csv", {"sns_beneficiaries": 18}),
        (QPS / "qps_template_filled_synthetic_2024.csv", "qps", {"service_counts": 8}),
        (QPS / "qps_template_filled_synthetic_2024.xlsx", "qps", {"service_counts": 8}),
        (QPS / "qps_wide_synthetic_2024.xlsx", "qps", {"service_counts": 47}),
        (QPS / "qps_wide_synthetic_2024.csv", "qps", {"service_counts": 25}),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else None,
)
def test_each_format_imports_end_to_end(workspace, capsys, path, kind, datasets):
    code, out, _ = run(capsys, "import", str(path), "--user", "tester")
    assert code == 0 and "imported as 0001-" in out
    (entry,) = journal.read_entries(workspace)
    assert entry.kind == kind and entry.rows == datasets and entry.user == "tester"
    for name, count in datasets.items():
        column = "import_id" if name in ("population_by_age_sex", "service_counts") else None
        if column:
            assert rows(
                workspace, f"SELECT count(*) FROM {name} WHERE import_id = '{entry.id}'"
            ) == [(count,)]
        assert f"{name}" in out
    code, out, _ = run(capsys, "imports", "list")
    assert entry.id in out and path.name in out and "active" in out


def test_done_when_the_census_imports_to_the_same_figures_from_px_csv_and_json(
    workspace, capsys, tmp_path, settings, monkeypatch
):
    figures = []
    for ext in ("px", "csv", "json"):
        private = settings.model_copy(
            update={
                "db_path": tmp_path / ext / "dms.duckdb",
                "imports_dir": tmp_path / ext / "imports",
            }
        )
        monkeypatch.setattr(cli, "get_settings", lambda private=private: private)
        rebuild(private)
        assert run(capsys, "import", str(IMPORT / f"{SYNTHETIC}.{ext}"))[0] == 0
        figures.append(
            rows(
                private,
                "SELECT area, area_type, year, sex, age_group, age_from, age_to, population, "
                "status FROM population_by_age_sex ORDER BY ALL",
            )
        )
        years = rows(private, "SELECT DISTINCT year FROM population_by_age_sex ORDER BY 1")
        assert years == [(2011,), (2024,)]  # side by side
        assert rows(
            private,
            "SELECT year, population FROM population_by_municipality "
            "WHERE municipality = 'Mitrovicë' ORDER BY year",
        ) == [(2011, 71909), (2024, 64742)]
        by_year = rows(
            private, "SELECT year, sum(population) FROM population_by_age_sex GROUP BY 1 ORDER BY 1"
        )
        assert by_year == [(2011, 71909), (2024, 64742)]
    assert figures[0] == figures[1] == figures[2] and len(figures[0]) == 72


def test_the_same_cube_in_another_format_replaces_nothing_and_changes_nothing(workspace, capsys):
    assert run(capsys, "import", str(IMPORT / f"{SYNTHETIC}.px"))[0] == 0
    before = every_table(workspace)
    code, out, _ = run(capsys, "import", str(IMPORT / f"{SYNTHETIC}.json"))
    assert code == 0 and "72 rows: 0 added, 0 replaced, 72 unchanged" in out
    after = every_table(workspace)
    figures = [row[:5] for row in before["population_by_municipality"]]  # not the provenance note
    assert [row[:5] for row in after["population_by_municipality"]] == figures
    assert {row[5] for row in after["population_by_municipality"] if row[0] == "Mitrovicë"} == {
        f"imported from {SYNTHETIC}.json"
    }
    strip = "SELECT area, year, sex, age_from, population FROM population_by_age_sex ORDER BY ALL"
    assert len(rows(workspace, strip)) == 72


def test_the_real_figures_fixture_keeps_its_unknown_cells_missing(workspace, capsys):
    assert run(capsys, "import", str(IMPORT / "census_mitrovice_age_sex_2011_2024.csv"))[0] == 0
    assert rows(
        workspace,
        "SELECT count(*), count(population), min(status), max(status) FROM population_by_age_sex",
    ) == [(72, 0, ":", ":")]


def test_sns_missing_months_stay_missing_in_the_database_and_the_api(
    workspace, capsys, monkeypatch, app
):
    assert run(capsys, "import", str(ASK / "sns_mitrovice_kosova_2023.px"))[0] == 0
    imported = "source LIKE 'ASK, statistikat%'"
    assert rows(
        workspace, f"SELECT count(*), count(value) FROM sns_beneficiaries WHERE {imported}"
    ) == [(48, 7)]
    assert rows(
        workspace,
        f"SELECT DISTINCT status FROM sns_beneficiaries WHERE {imported} AND value IS NULL",
    ) == [(":",)]
    assert rows(
        workspace, f"SELECT count(*) FROM sns_beneficiaries WHERE {imported} AND value = 0"
    ) == [(0,)]
    import dashboard.api

    monkeypatch.setattr(dashboard.api, "get_settings", lambda: workspace)
    monkeypatch.setattr(dashboard.api, "current_role", lambda: "viewer")
    response = app.server.test_client().get("/api/v1/datasets/sns_beneficiaries.csv?period=2023-03")
    table = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table and all(r["value"] == "" and r["status"] == ":" for r in table)


def test_a_filled_qps_template_comes_out_of_the_open_data_api(workspace, capsys, monkeypatch, app):
    source = QPS / "qps_template_filled_synthetic_2024.csv"
    assert run(capsys, "import", str(source))[0] == 0
    import dashboard.api

    monkeypatch.setattr(dashboard.api, "get_settings", lambda: workspace)
    client = app.server.test_client()
    expected = pd.read_csv(source, dtype=str, keep_default_na=False)
    key = ["year", "month", "client_category_code", "service_code", "sex", "age_group"]
    monkeypatch.setattr(dashboard.api, "current_role", lambda: "viewer")
    response = client.get("/api/v1/datasets/service_counts.csv")
    assert response.status_code == 200
    served = pd.read_csv(
        io.BytesIO(response.data), encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    assert set(served["demonstration"]) == {"False"}  # the real rows replace the demonstration
    served = served.set_index(key)
    assert len(served) == len(expected)
    for _, row in expected.iterrows():
        got = served.loc[
            tuple(row[k] if k != "client_category_code" or row[k].isdigit() else "3" for k in key)
        ]
        if row["count"] == ":":
            assert got["count"] == "" and got["status"] == ":"
        else:
            assert got["count"] == row["count"], row.to_dict()
    # The public gets the published layer: the tables a page shows, with their totals,
    # and no count of 1-4 people anywhere.
    monkeypatch.setattr(dashboard.api, "current_role", lambda: "public")
    response = client.get("/api/v1/datasets/service_counts.csv")
    assert response.status_code == 200
    public = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig", dtype=str)
    counts = pd.to_numeric(public["count"], errors="coerce")
    assert not counts.between(1, 4).any()
    withheld = public["suppressed"].notna()
    assert counts[withheld].isna().all() and withheld.any()
    assert set(public["demonstration"]) == {"False"}


# --- refusals leave no trace ------------------------------------------------------------


def bad_random(tmp_path: Path) -> Path:
    path = tmp_path / "random.bin"
    path.write_bytes(random.Random(7).randbytes(300_000))
    return path


def bad_empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    return path


def bad_truncated(tmp_path: Path) -> Path:
    raw = (IMPORT / f"{SYNTHETIC}.px").read_bytes()
    path = tmp_path / "cut.px"
    path.write_bytes(raw[: len(raw) * 2 // 3])
    return path


def bad_utf16(tmp_path: Path) -> Path:
    path = tmp_path / "utf16.csv"
    path.write_bytes((IMPORT / f"{SYNTHETIC}.csv").read_bytes().decode("cp1252").encode("utf-16"))
    return path


def bad_huge(tmp_path: Path) -> Path:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write((IMPORT / f"{SYNTHETIC}.csv").read_bytes())
        handle.truncate(common.MAX_BYTES + 1)  # sparse: 200 MB without writing them
    return path


def bad_merged_over_counts(tmp_path: Path) -> Path:
    workbook = openpyxl.load_workbook(QPS / "qps_wide_synthetic_2024.xlsx")
    workbook.active.merge_cells("C6:D6")
    path = tmp_path / "merged.xlsx"
    workbook.save(path)
    return path


def bad_zip(tmp_path: Path) -> Path:
    path = tmp_path / "broken.xlsx"
    path.write_bytes((QPS / "qps_wide_synthetic_2024.xlsx").read_bytes()[:3000])
    return path


def bad_place(tmp_path: Path) -> Path:
    path = tmp_path / "place.csv"
    text = (
        (IMPORT / f"{SYNTHETIC}.csv")
        .read_bytes()
        .decode("cp1252")
        .replace("Mitrovicë", "Mitrovica e Mesme")
    )
    path.write_bytes(text.encode("cp1252"))
    return path


def bad_totals(tmp_path: Path) -> Path:
    path = tmp_path / "totals.csv"
    text = (IMPORT / f"{SYNTHETIC}.csv").read_bytes().decode("cp1252")
    path.write_bytes(
        text.replace('"Gjithsej","Gjithsej",71909', '"Gjithsej","Gjithsej",71999').encode("cp1252")
    )
    return path


def bad_qps_codes(tmp_path: Path) -> Path:
    path = tmp_path / "codes.csv"
    path.write_text(
        HEADER + "\n" + "\n".join(f"2024,{m},{40 + m},12,F,0-5,1" for m in range(1, 13)) + "\n"
    )
    return path


def bad_two_spellings(tmp_path: Path) -> Path:
    path = tmp_path / "spellings.csv"
    path.write_text(
        '"Popullsia sipas Komuna dhe Viti"\n\n"Komuna","2024"\n'
        '"Mitrovicë",64742\n"Mitrovica",64742\n'
    )
    return path


BAD = {
    "random bytes": (bad_random, "binary"),
    "empty file": (bad_empty, "empty"),
    "truncated PX": (bad_truncated, "DATA"),
    "UTF-16 text": (bad_utf16, "UTF-16"),
    "over 200 MB": (bad_huge, "at most 200 MB"),
    "cells merged over counts": (bad_merged_over_counts, "unmerge"),
    "damaged workbook": (bad_zip, "XLSX"),
    "unknown place": (bad_place, "Mitrovica e Mesme"),
    "parts and total disagree": (bad_totals, "71999"),
    "unknown categories": (bad_qps_codes, "client category code 1-47"),
    "two spellings of one place": (bad_two_spellings, "two spellings"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_refused_import_leaves_the_database_and_the_journal_byte_identical(
    workspace, capsys, tmp_path, case
):
    assert run(capsys, "import", str(QPS / "qps_template_filled_synthetic_2024.csv"))[0] == 0
    make, message = BAD[case]
    path = make(tmp_path)
    before = snapshot(workspace)
    started = time.perf_counter()
    code, out, err = run(capsys, "import", str(path))
    assert time.perf_counter() - started < 5
    assert code == 1 and "imported as" not in out
    assert message in err and path.name in err and "nothing was imported" in err
    assert snapshot(workspace) == before


def test_errors_are_listed_fifty_then_counted(workspace, capsys, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text(
        HEADER + "\n" + "\n".join(f"2024,1,{100 + i},12,F,0-5,1" for i in range(120)) + "\n"
    )
    code, _, err = run(capsys, "import", str(path))
    assert code == 1
    assert "120 problems in many.csv" in err and "... and 70 more problems" in err
    assert err.count("client_category_code (column C)") == 50
    assert "many.csv:2: client_category_code (column C) = '100'" in err


def test_a_failed_rebuild_refuses_the_import_and_leaves_no_trace(workspace, capsys, monkeypatch):
    assert run(capsys, "import", str(QPS / "qps_template_filled_synthetic_2024.csv"))[0] == 0
    before = snapshot(workspace)

    def broken(*args, **kwargs):
        raise BuildError([common.Problem("x.csv", 1, "y", "z", "a working build")])

    monkeypatch.setattr("dashboard.build.quality.write_findings", broken)
    code, _, err = run(capsys, "import", str(ASK / "sns_mitrovice_kosova_2023.px"))
    assert code == 1 and "could not be rebuilt" in err
    assert snapshot(workspace) == before


def test_apply_refuses_a_file_that_changed_since_its_preview(workspace, tmp_path):
    path = tmp_path / "qps.csv"
    path.write_bytes((QPS / "qps_template_filled_synthetic_2024.csv").read_bytes())
    plan = importer.preview(path, settings=workspace)
    assert plan.ok
    path.write_text(HEADER + "\n2024,1,3,12,F,0-5,999\n")
    before = snapshot(workspace)
    with pytest.raises(importer.ImportRefused, match="changed between its preview"):
        importer.apply(plan, "tester")
    assert snapshot(workspace) == before


def test_a_dry_run_shows_the_plan_and_changes_nothing(workspace, capsys):
    before = snapshot(workspace)
    code, out, _ = run(capsys, "import", str(QPS / "qps_wide_synthetic_2024.xlsx"), "--dry-run")
    assert code == 0 and "dry run: nothing was changed" in out
    assert "service_counts" in out and "47 rows: 47 added" in out and "first rows" in out
    assert snapshot(workspace) == before


# --- the journal over several imports ---------------------------------------------------


def test_the_same_file_twice_is_a_no_op_that_says_so(workspace, capsys):
    path = QPS / "qps_template_filled_synthetic_2024.csv"
    assert run(capsys, "import", str(path))[0] == 0
    before = snapshot(workspace)
    code, out, _ = run(capsys, "import", str(path), "--user", "someone-else")
    assert code == 0 and "was already imported as 0001-" in out and "nothing changed" in out
    assert snapshot(workspace) == before


def test_a_newer_import_replaces_the_older_value_undo_brings_it_back(workspace, capsys, tmp_path):
    first, second = tmp_path / "january.csv", tmp_path / "january-corrected.csv"
    first.write_text(HEADER + "\n2024,1,3,12,F,0-5,4\n2024,1,3,12,M,0-5,6\n")
    second.write_text(HEADER + "\n2024,1,3,12,F,0-5,9\n2024,2,3,12,F,0-5,1\n")
    count = (
        'SELECT month, sex, "count", import_id FROM service_counts '
        "WHERE NOT demonstration ORDER BY ALL"
    )
    assert run(capsys, "import", str(first))[0] == 0
    code, out, _ = run(capsys, "import", str(second))
    assert code == 0 and "2 rows: 1 added, 1 replaced, 0 unchanged" in out
    one, two = journal.read_entries(workspace)
    assert (one.status, two.status) == ("active", "active")
    assert two.replaced == {"service_counts": 1} and two.added == {"service_counts": 1}
    assert rows(workspace, count) == [(1, "F", 9, two.id), (1, "M", 6, one.id), (2, "F", 1, two.id)]
    code, out, _ = run(capsys, "imports", "list")
    assert one.id in out and two.id in out
    code, out, _ = run(capsys, "imports", "undo", two.id, "--user", "lead")
    assert code == 0 and f"undid {two.id}" in out
    assert rows(workspace, count) == [(1, "F", 4, one.id), (1, "M", 6, one.id)]
    undone = journal.find(workspace, two.id)
    assert undone.status == "undone" and undone.undone_by == "lead" and undone.undone_at
    code, out, _ = run(capsys, "imports", "list")
    assert "[undone" in out
    assert run(capsys, "imports", "undo", two.id)[1].endswith("nothing changed.\n")
    assert run(capsys, "imports", "undo", "9999")[0] == 2
    assert run(capsys, "imports", "undo", one.id)[0] == 0
    assert rows(workspace, "SELECT bool_and(demonstration), count(*) > 0 FROM service_counts") == [
        (True, True)
    ]
    # the same file again after its undo: a new import, replayed again
    code, out, _ = run(capsys, "import", str(second))
    assert code == 0 and "imported as 0003-" in out


def test_an_import_replaces_a_row_of_data_and_undo_restores_it(workspace, capsys, tmp_path):
    path = tmp_path / "census.csv"
    path.write_text('"Popullsia sipas Komuna dhe Viti"\n\n"Komuna","2024"\n"Mitrovica",64000\n')
    query = (
        "SELECT population, source FROM population_by_municipality "
        "WHERE municipality = 'Mitrovicë' AND year = 2024"
    )
    original = rows(workspace, query)
    assert original[0][0] == 64742
    code, out, _ = run(capsys, "import", str(path))
    assert code == 0 and "1 rows: 0 added, 1 replaced" in out
    assert rows(workspace, query)[0][0] == 64000
    assert run(capsys, "imports", "undo", "1")[0] == 0
    assert rows(workspace, query) == original


def test_deleting_the_database_and_building_reproduces_it_exactly(workspace, capsys):
    for path in (
        IMPORT / f"{SYNTHETIC}.px",
        ASK / "sns_mitrovice_kosova_2023.px",
        IMPORT / "sns_categories_synthetic_2024.csv",
        QPS / "qps_wide_synthetic_2024.xlsx",
        QPS / "qps_template_filled_synthetic_2024.csv",
    ):
        assert run(capsys, "import", str(path))[0] == 0
    assert run(capsys, "imports", "undo", "4")[0] == 0
    before = every_table(workspace)
    journal_files = snapshot(workspace.model_copy(update={"db_path": workspace.imports_dir / "x"}))
    workspace.db_path.unlink()
    assert run(capsys, "build")[0] == 0
    assert every_table(workspace) == before
    assert (
        snapshot(workspace.model_copy(update={"db_path": workspace.imports_dir / "x"}))
        == journal_files
    )
    assert len(before["population_by_age_sex"]) == 72 and len(before["service_counts"]) == 8


# --- the functions a web upload page calls ----------------------------------------------


def test_preview_and_apply_for_an_upload_page(workspace, tmp_path):
    upload = tmp_path / "upload-3f9a.tmp"
    upload.write_bytes((IMPORT / f"{SYNTHETIC}.json").read_bytes())
    plan = importer.preview(upload, display_name="popullsia.json", settings=workspace)
    assert plan.ok and plan.kind == "jsonstat" and plan.display_name == "popullsia.json"
    assert plan.changes["population_by_age_sex"].added == 72
    assert plan.changes["population_by_municipality"].unchanged == 2
    first = plan.first_rows(3)["population_by_age_sex"]
    assert len(first) == 3 and set(first["import_id"]) == {"pending"}
    result = importer.apply(plan, "web-user")
    assert result.status == "imported" and result.entry.original_name == "popullsia.json"
    assert result.build is not None and result.build.db_path == workspace.db_path
    again = importer.preview(upload, display_name="other-name.json", settings=workspace)
    assert again.ok and again.duplicate_of == result.entry
    assert importer.apply(again, "web-user").status == "duplicate"
    broken = tmp_path / "broken.json"
    broken.write_bytes(b'{"version": "2.0", "class": "dataset", "id": ["Komuna"')
    bad = importer.preview(broken, display_name="broken.json", settings=workspace)
    assert not bad.ok and bad.problems[0].file == "broken.json" and not bad.rows
    with pytest.raises(importer.ImportRefused):
        importer.apply(bad, "web-user")


def test_the_template_command(workspace, capsys, tmp_path):
    code, out, _ = run(capsys, "template", "qps", "--format", "csv")
    assert code == 0 and out.lstrip("\ufeff").strip() == HEADER
    target = tmp_path / "shablloni.xlsx"
    assert run(capsys, "template", "qps", "--out", str(target))[0] == 0
    assert openpyxl.load_workbook(target).sheetnames == ["Të dhënat", "Kategoritë", "Shërbimet"]
