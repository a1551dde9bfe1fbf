"""Budget-execution sheets: readers, every refusal naming its cell, the journal, the template."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard.catalog import load_catalogue
from dashboard.db import get_database
from dashboard.ingest import budget_execution, importer, journal
from dashboard.ingest.common import IngestError
from dashboard.pipeline import rebuild
from tests.unit.ingest.cli_tools import run, snapshot

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
FIXTURES = ROOT / "tests" / "fixtures" / "budget"
UTF8 = FIXTURES / "budget_execution_synthetic_2026.csv"
CP1252 = FIXTURES / "budget_execution_synthetic_2026_cp1252.csv"
BAD = FIXTURES / "budget_execution_synthetic_bad.csv"
CATALOGUE = load_catalogue(DATA)
HEADER = ",".join(budget_execution.TEMPLATE_COLUMNS)


def read(path: Path) -> pd.DataFrame:
    return budget_execution.read(path, data_dir=DATA, catalogue=CATALOGUE).rows["budget_execution"]


def keyed(frame: pd.DataFrame) -> list[tuple]:
    columns = ["line_no", "year", "period", "period_type", "planned_eur", "committed_eur"]
    columns.append("spent_eur")
    return sorted(
        tuple(None if pd.isna(v) else v for v in row)
        for row in frame[columns].itertuples(index=False)
    )


def refused(path: Path) -> list:
    with pytest.raises(IngestError) as caught:
        read(path)
    for problem in caught.value.problems:
        assert problem.file == path.name and problem.expected
    return caught.value.problems


def write_csv(tmp_path: Path, *lines: str, name: str = "execution_synthetic.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


# --- readers ---------------------------------------------------------------------------------


def test_utf8_comma_csv_keeps_empty_amounts_empty_and_notes_overspending():
    mapped = budget_execution.read(UTF8, data_dir=DATA, catalogue=CATALOGUE)
    frame = mapped.rows["budget_execution"]
    assert keyed(frame) == [
        (1, 2026, "2026-Q1", "quarter", 10000.0, 3000.0, 2500.0),
        (1, 2026, "2026-Q2", "quarter", 10000.0, 6000.0, 5200.5),
        (3, 2026, "2026-Q2", "quarter", 50000.0, 20000.0, None),
        (9, 2026, "2026-Q2", "quarter", 630000.0, 640000.0, 650000.0),
        (13, 2026, "2026-Q2", "quarter", None, None, 70000.0),
    ]
    assert set(frame["source"]) == {f"Realizimi i buxhetit: {UTF8.name}"}
    assert any("line 9" in n and "above the planned" in n for n in mapped.notes)
    assert any("1 line(s) without a committed or spent amount" in n for n in mapped.notes)


def test_cp1252_semicolon_csv_with_title_year_line_euro_amounts_and_a_total_row():
    frame = read(CP1252)
    assert keyed(frame) == [
        (1, 2026, "2026-Q1", "quarter", 10000.0, 3000.0, 2500.0),
        (4, 2026, "2026-Q1", "quarter", 20000.0, 8000.0, 7250.5),
        (8, 2026, "2026-Q1", "quarter", 180000.0, None, 1000.0),
    ]  # the Gjithsej row is checked, not stored


def test_xlsx_with_merged_title_rows_and_numeric_cells(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "2026"
    sheet["A1"] = "Realizimi i buxhetit (të dhëna sintetike)"
    sheet.merge_cells("A1:F2")
    sheet.append([])
    sheet.append(["Linja", "Objektivi", "Periudha", "Planifikuar", "Obliguar", "Shpenzuar"])
    sheet.append([4, "Pagesa e Qirasë", "Qershor 2026", 20000, 9000.5, 8000.25])
    sheet.append([4, "Pagesa e Qirasë", "2026", 20000, 19000, 18500])
    sheet.append([18, "Përvjetori", "2026-Q3", None, 1500, None])
    path = tmp_path / "realizimi_synthetic.xlsx"
    workbook.save(path)
    assert importer.detect(path) == "budget"
    assert keyed(read(path)) == [
        (4, 2026, "2026", "year", 20000.0, 19000.0, 18500.0),
        (4, 2026, "2026-06", "month", 20000.0, 9000.5, 8000.25),
        (18, 2026, "2026-Q3", "quarter", None, 1500.0, None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026", ("2026", "year")),
        ("2026-Q1", ("2026-Q1", "quarter")),
        ("Q2", ("2026-Q2", "quarter")),
        ("TM3", ("2026-Q3", "quarter")),
        ("T4", ("2026-Q4", "quarter")),
        ("tremujori 1", ("2026-Q1", "quarter")),
        ("2026-03", ("2026-03", "month")),
        ("Mars", ("2026-03", "month")),
        ("Dhjetor 2026", ("2026-12", "month")),
        ("7", ("2026-07", "month")),
    ],
)
def test_periods_have_one_canonical_spelling(text, expected):
    period = budget_execution.parse_period(text, 2026)
    assert isinstance(period, budget_execution.Period)
    assert (period.text, period.kind) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", 1234.56),
        ("1,234.56", 1234.56),
        ("1234.56", 1234.56),
        ("€ 1.234", 1234.0),
        ("12 345,5 €", 12345.5),
        ("", None),
    ],
)
def test_amounts_in_every_local_spelling(text, expected):
    assert budget_execution.parse_amount(text) == expected


# --- refusals ------------------------------------------------------------------------------


def test_every_bad_cell_is_named_by_file_row_column_and_value():
    problems = {(p.line, p.field, p.value): p.expected for p in refused(BAD)}
    assert "line number of the work plan" in problems[(2, "line_no (column A)", "99")]
    assert "at least 0" in problems[(3, "committed_eur (column F)", "-5")]
    assert "quarter 1-4" in problems[(4, "period (column D)", "2026-Q5")]
    assert "(also on row 5)" in problems[(6, "period (column D)", "line 4, 2026-Q1")]
    assert "an amount in EUR" in problems[(7, "committed_eur (column F)", "abc")]
    assert "total row and its lines disagree" in problems[(8, "spent_eur (column G)", "999.00")]


def test_a_month_out_of_range_and_a_missing_year_are_refused(tmp_path):
    path = write_csv(
        tmp_path,
        "line_no,period,planned_eur,committed_eur,spent_eur",
        "1,2026-13,10,5,4",
        "3,Q1,10,5,4",
    )
    problems = {(p.line, p.value): p.expected for p in refused(path)}
    assert "month 1-12" in problems[(2, "2026-13")]
    assert "a year" in problems[(3, "Q1")]


def test_a_missing_required_column_is_refused(tmp_path):
    path = write_csv(tmp_path, "line_no,year,period,planned_eur,spent_eur", "1,2026,2026,10,5")
    problems = refused(path)
    assert [p.line for p in problems] == [1]
    assert "committed amount (Obliguar)" in problems[0].expected


def test_a_sheet_without_any_amount_is_refused(tmp_path):
    path = write_csv(tmp_path, HEADER, "1,x,2026,2026-Q1,10000,,")
    assert "at least one committed or spent amount" in refused(path)[0].expected


def test_a_qps_sheet_is_still_a_qps_sheet(tmp_path):
    qps_file = ROOT / "tests" / "fixtures" / "qps" / "qps_template_filled_synthetic_2024.csv"
    assert importer.detect(qps_file) == "qps"
    assert importer.detect(
        ROOT / "tests" / "fixtures" / "qps" / "qps_wide_synthetic_2024.xlsx"
    ) == ("qps")


# --- the journal and the database ------------------------------------------------------------


def execution(settings) -> pd.DataFrame:
    return get_database(settings).query("budget_execution_by_line")


def test_the_built_database_has_an_empty_execution_table(workspace):
    con = get_database(workspace).connection().cursor()
    try:
        assert con.execute("SELECT count(*) FROM budget_execution").fetchall() == [(0,)]
    finally:
        con.close()


@pytest.mark.parametrize("bad", [BAD, "missing column"])
def test_a_refused_import_leaves_the_database_and_the_journal_byte_identical(
    workspace, capsys, tmp_path, bad
):
    assert run(capsys, "import", str(CP1252))[0] == 0
    path = (
        bad
        if isinstance(bad, Path)
        else write_csv(tmp_path, "line_no,year,period,planned_eur,spent_eur", "1,2026,2026,1,1")
    )
    before = snapshot(workspace)
    code, out, err = run(capsys, "import", str(path), "--kind", "budget")
    assert code == 1 and "nothing was imported" in err and path.name in err
    assert snapshot(workspace) == before


def test_apply_then_the_page_query_picks_the_latest_period_and_undo_removes_it(workspace, capsys):
    code, out, _ = run(capsys, "import", str(UTF8))
    assert code == 0 and "budget_execution" in out
    frame = execution(workspace).set_index("line_no")
    # line 1: Q1 and Q2 are cumulative readings; the latest (Q2) is shown, nothing is summed
    assert frame.loc[1, ["period", "committed_eur", "spent_eur"]].tolist() == [
        "2026-Q2",
        6000.0,
        5200.5,
    ]
    assert frame.loc[1, "spent_share"] == pytest.approx(0.52005)
    # line 13: planned from the work plan (140 000), spent from the sheet
    assert frame.loc[13, "planned_eur"] == 140000.0 and frame.loc[13, "planned_from"] == "work plan"
    assert pd.isna(frame.loc[3, "spent_share"])
    assert frame.loc[9, "spent_share"] > 1  # overspending is kept, not refused
    assert all(UTF8.name in s for s in frame["source"])
    # a newer sheet with a year row for line 1: the year (ends last, coarsest) wins
    second = workspace.db_path.parent.parent / "year_end_synthetic.csv"
    second.write_text(HEADER + "\n1,x,2026,2026,10000,9800,9750\n", encoding="utf-8")
    assert run(capsys, "import", str(second))[0] == 0
    frame = execution(workspace).set_index("line_no")
    assert frame.loc[1, ["period", "spent_eur"]].tolist() == ["2026", 9750.0]
    one, two = journal.read_entries(workspace)
    assert one.kind == two.kind == "budget"
    assert run(capsys, "imports", "undo", two.id)[0] == 0
    assert execution(workspace).set_index("line_no").loc[1, "period"] == "2026-Q2"
    assert run(capsys, "imports", "undo", one.id)[0] == 0
    assert execution(workspace).empty


def test_deleting_the_database_and_building_replays_the_execution_import(workspace, capsys):
    assert run(capsys, "import", str(CP1252))[0] == 0
    before = execution(workspace)
    workspace.db_path.unlink()
    rebuild(workspace)
    pd.testing.assert_frame_equal(execution(workspace), before)


def test_preview_and_apply_for_the_upload_page(workspace, tmp_path):
    upload = tmp_path / "upload-1234"
    upload.write_bytes(CP1252.read_bytes())
    plan = importer.preview(upload, display_name="realizimi.csv", settings=workspace)
    assert plan.ok and plan.kind == "budget"
    assert plan.changes["budget_execution"].added == 3
    result = importer.apply(plan, "web-user")
    assert result.status == "imported"
    assert len(execution(workspace)) == 3


# --- the template ----------------------------------------------------------------------------


def _budget_lines() -> dict[int, tuple[str, str]]:
    with (DATA / "budget.csv").open(encoding="utf-8", newline="") as handle:
        return {
            int(r["line_no"]): (r["objective_sq"], r["amount_eur"]) for r in csv.DictReader(handle)
        }


def test_csv_template_round_trip(workspace, capsys, tmp_path):
    code, out, _ = run(capsys, "template", "budget", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[0] == list(budget_execution.TEMPLATE_COLUMNS)
    lines = _budget_lines()
    assert [int(r[0]) for r in rows[1:]] == sorted(lines) and len(rows) == 24
    assert all(r[1] == lines[int(r[0])][0] and r[4] == lines[int(r[0])][1] for r in rows[1:])
    assert all(r[5] == r[6] == "" for r in rows[1:])
    # an unfilled template is refused, with a reason
    empty = tmp_path / "template_synthetic.csv"
    empty.write_text(out, encoding="utf-8")
    assert run(capsys, "import", str(empty))[0] == 1
    # fill two lines and import
    rows[1][3:7] = ["2026-Q1", rows[1][4], "1000", "800"]
    rows[9][3:7] = ["2026-Q1", rows[9][4], "", "12345,67"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    filled = tmp_path / "template_filled_synthetic.csv"
    filled.write_text(buffer.getvalue(), encoding="utf-8")
    code, out, _ = run(capsys, "import", str(filled))
    assert code == 0 and "budget_execution" in out
    frame = execution(workspace).set_index("line_no")
    assert frame.loc[1, "spent_eur"] == 800.0 and frame.loc[9, "spent_eur"] == 12345.67


def test_xlsx_template_round_trip(workspace, capsys, tmp_path):
    target = tmp_path / "budget_template_synthetic.xlsx"
    assert run(capsys, "template", "budget", "--out", str(target))[0] == 0
    workbook = openpyxl.load_workbook(target)
    sheet = workbook.active
    assert [c.value for c in sheet[4]] == list(budget_execution.TEMPLATE_COLUMNS)
    assert sheet.cell(row=5, column=1).value == 1 and sheet.cell(row=27, column=1).value == 23
    assert sheet.cell(row=5, column=5).value == 10000
    sheet.cell(row=5, column=4, value="TM2")
    sheet.cell(row=5, column=6, value=4000)
    sheet.cell(row=5, column=7, value=3500.5)
    workbook.save(target)
    code, out, _ = run(capsys, "import", str(target))
    assert code == 0
    frame = execution(workspace)
    assert frame[["line_no", "period", "spent_eur"]].values.tolist() == [[1, "2026-Q2", 3500.5]]
