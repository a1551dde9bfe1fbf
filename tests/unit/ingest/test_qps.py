"""QPS sheets: the template, the wide layout staff keep, and every error naming its cell."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.catalog import load_catalogue
from dashboard.ingest import importer, qps
from dashboard.ingest.common import IngestError

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
FIXTURES = ROOT / "tests" / "fixtures" / "qps"
ASK = ROOT / "tests" / "fixtures" / "ask"
CATALOGUE = load_catalogue(DATA)
CODES = qps.load_codes(DATA)
HEADER = ",".join(qps.TEMPLATE_COLUMNS)


def read(path: Path) -> pd.DataFrame:
    return qps.read(path, data_dir=DATA, catalogue=CATALOGUE).rows["service_counts"]


def refused(path: Path) -> list:
    with pytest.raises(IngestError) as caught:
        read(path)
    for problem in caught.value.problems:
        assert problem.file == path.name and problem.expected
    return caught.value.problems


def write_csv(tmp_path: Path, *lines: str, name: str = "qps.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def keyed(frame: pd.DataFrame) -> list[tuple]:
    columns = [
        "year",
        "month",
        "client_category_code",
        "service_code",
        "sex",
        "age_group",
        "count",
        "status",
    ]
    return sorted(
        tuple(None if pd.isna(v) else v for v in row)
        for row in frame[columns].itertuples(index=False)
    )


# --- the template -----------------------------------------------------------------------


def test_csv_template_is_the_header_of_the_long_layout():
    body = qps.write_template("csv", CODES)
    assert body.decode("utf-8-sig").strip() == HEADER


def test_xlsx_template_has_the_header_below_a_merged_title_and_the_official_lists(tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(qps.write_template("xlsx", CODES))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Të dhënat"]
    assert [c.value for c in sheet[4]] == list(qps.TEMPLATE_COLUMNS)
    assert "A1:G1" in {str(r) for r in sheet.merged_cells.ranges}
    categories = workbook["Kategoritë"]
    assert categories.max_row == 48 and categories["B4"].value == "Fëmijët jetimë"
    assert workbook["Shërbimet"].max_row == 57
    (problem,) = refused(path)
    assert "at least one count" in problem.expected
    assert importer.detect(path) == "qps"


def test_filled_templates_give_the_same_rows_in_csv_and_xlsx():
    from_csv = read(FIXTURES / "qps_template_filled_synthetic_2024.csv")
    from_xlsx = read(FIXTURES / "qps_template_filled_synthetic_2024.xlsx")
    assert keyed(from_csv) == keyed(from_xlsx)
    assert len(from_csv) == 8
    assert (from_csv["client_category_code"] == 3).sum() == 4  # "Fëmijët jetimë" is code 3
    assert set(from_csv["municipality"]) == {"Mitrovicë"}
    assert not from_csv["demonstration"].any()
    assert set(from_csv["import_id"]) == {"pending"}
    withheld = from_csv[from_csv["count"].isna()]
    assert withheld["status"].tolist() == [":"]
    assert (
        from_xlsx["source"].iloc[0]
        == "QPS: qps_template_filled_synthetic_2024.xlsx, fleta Të dhënat"
    )
    assert list(from_csv.columns) == [c.name for c in CATALOGUE["service_counts"].stored_columns]


# --- the wide layout --------------------------------------------------------------------


def test_wide_workbook_with_merged_titles_and_labels_albanian_months_and_totals():
    mapped = qps.read(FIXTURES / "qps_wide_synthetic_2024.xlsx", data_dir=DATA, catalogue=CATALOGUE)
    frame = mapped.rows["service_counts"]
    assert len(frame) == 47  # 4 rows x 12 months, one empty cell; totals not stored
    assert set(frame["year"]) == {2024}  # from the title
    assert set(frame["service_code"]) == {1}  # "Shërbimi: Kujdestaria për të mitur"
    assert set(frame["client_category_code"]) == {1, 3}  # "1" and the merged "Fëmijët jetimë"
    orphans_m = frame[(frame["client_category_code"] == 3) & (frame["sex"] == "M")]
    assert len(orphans_m) == 11 and 7 not in set(orphans_m["month"])  # July left empty
    assert frame["count"].sum() == 12 + 12 + 4 + 4
    assert any("not 0" in note for note in mapped.notes)


def test_wide_csv_in_windows_1252_with_numbered_months_and_names_without_diacritics():
    frame = read(FIXTURES / "qps_wide_synthetic_2024.csv")
    assert set(frame["client_category_code"]) == {1, 26}
    assert set(frame["service_code"]) == {1, 2, 16}
    upper = frame[frame["service_code"] == 2]  # "PERSONAT E RRITUR ME CRREGULLIME MENDORE"
    assert upper[["month", "age_group", "count"]].values.tolist() == [[4, "65+", 1]]
    assert frame.loc[frame["status"] == "x", "month"].tolist() == [3]
    assert set(frame["sex"]) == {"all"}


def wide_workbook(
    tmp_path: Path, rows: list[list], *, above: list[list] | None = None, merge: str | None = None
) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    for row in above if above is not None else [["Raporti 2024"], ["Shërbimi:", 4]]:
        sheet.append(row)
    sheet.append(["Kategoria", "Janar", "Shkurt", "Mars", "Gjithsej"])
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    path = tmp_path / "wide.xlsx"
    workbook.save(path)
    return path


def test_a_total_row_or_column_that_disagrees_names_the_cell_and_the_sum(tmp_path):
    path = wide_workbook(tmp_path, [[3, 1, 2, 3, 7], [5, 1, 1, 1, 3], ["Gjithsej", 2, 3, 5, 10]])
    problems = refused(path)
    assert [(p.line, p.field, p.value) for p in problems] == [
        (4, "Gjithsej (column E)", "7"),
        (6, "Mars (column D)", "5"),
    ]
    assert "6" in problems[0].expected and "4" in problems[1].expected


def test_cells_merged_over_counts_are_refused(tmp_path):
    path = wide_workbook(tmp_path, [[3, 4, None, 1, 5]], merge="B4:C4")
    (problem,) = refused(path)
    assert problem.field == "B4:C4 (sheet Sheet1)" and "unmerge" in problem.expected


def test_a_wide_sheet_without_service_or_year_says_where_to_put_them(tmp_path):
    path = wide_workbook(tmp_path, [[3, 1, 2, 3, 6]], above=[["Raporti mujor"]])
    expected = " ".join(p.expected for p in refused(path))
    assert "Viti" in expected and "Shërbimi" in expected


# --- every error names file, row, column and value --------------------------------------


@pytest.mark.parametrize(
    ("row", "field", "value", "expected"),
    [
        (
            "2024,1,48,12,F,0-5,4",
            "client_category_code (column C)",
            "48",
            "client category code 1-47",
        ),
        (
            "2024,1,Fëmijët e humbur,12,F,0-5,4",
            "client_category_code (column C)",
            "Fëmijët e humbur",
            "its name",
        ),
        ("2024,1,3,57,F,0-5,4", "service_code (column D)", "57", "service code 1-56"),
        ("2024,1,3,12,F,0-5,-2", "count (column G)", "-2", "whole number of at least 0"),
        ("2024,1,3,12,F,0-5,2.5", "count (column G)", "2.5", "whole number"),
        ("2024,1,3,12,F,0-5,", "count (column G)", "", "':' (not available)"),
        ("2024,13,3,12,F,0-5,4", "month (column B)", "13", "month 1-12"),
        ("2024,1,3,12,X,0-5,4", "sex (column E)", "X", "F, M or all"),
        ("2024,1,3,12,F,5-9,4", "age_group (column F)", "5-9", "0-5, 6-13"),
        ("24,1,3,12,F,0-5,4", "year (column A)", "24", "a year"),
    ],
)
def test_a_bad_cell_is_named_by_file_row_column_and_value(tmp_path, row, field, value, expected):
    path = write_csv(tmp_path, HEADER, "2024,1,3,12,M,0-5,1", row)
    (problem,) = refused(path)
    assert (problem.file, problem.line, problem.field, problem.value) == (
        "qps.csv",
        3,
        field,
        value,
    )
    assert expected in problem.expected


def test_a_duplicate_key_names_both_rows(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        "2024,1,3,12,F,0-5,4",
        "2024,2,3,12,F,0-5,4",
        "2024,01,Fëmijët jetimë,12,f,0 - 5,5",
    )
    (problem,) = refused(path)
    assert problem.line == 4 and "also on row 2" in problem.expected


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    rows = [f"2024,{m},99,12,F,0-5,{c}" for m, c in ((1, 1), (2, -1), (14, 3))]
    problems = refused(write_csv(tmp_path, HEADER, *rows))
    assert {(p.line, p.field.split(" ")[0]) for p in problems} == {
        (2, "client_category_code"),
        (3, "client_category_code"),
        (4, "client_category_code"),
        (3, "count"),
        (4, "month"),
    }


def test_names_match_after_folding_case_and_diacritics(tmp_path):
    path = write_csv(
        tmp_path,
        "Viti;Muaji;Kategoria e klientit;Shërbimi;Gjinia;Mosha;Numri",
        "2024;Mars;FEMIJET JETIME;kujdestaria per te mitur;Femër;65 e më shumë;3",
        name="staff.csv",
        encoding="cp1252",
    )
    frame = read(path)
    assert keyed(frame) == [(2024, 3, 3, 1, "F", "65+", 3, None)]


def test_a_header_the_reader_does_not_know_is_explained(tmp_path):
    (problem,) = refused(write_csv(tmp_path, "a,b,c", "1,2,3"))
    assert "template qps" in problem.expected
    extra = write_csv(tmp_path, HEADER + ",komenti", "2024,1,3,12,F,0-5,4,ok", name="extra.csv")
    (problem,) = refused(extra)
    assert problem.field == "column H" and problem.value == "komenti"


def test_ask_exports_are_not_taken_for_qps_sheets():
    assert importer.detect(ASK / "census_mitrovice_2011_2024.csv") == "pxweb-csv"
    assert importer.detect(FIXTURES / "qps_template_filled_synthetic_2024.csv") == "qps"
    assert importer.detect(FIXTURES / "qps_wide_synthetic_2024.csv") == "qps"


# --- round trips ------------------------------------------------------------------------

ROWS = st.lists(
    st.tuples(
        st.integers(2015, 2030),
        st.integers(1, 12),
        st.integers(1, 47),
        st.integers(1, 56),
        st.sampled_from(["F", "M", "all"]),
        st.sampled_from([*qps.AGE_GROUPS, "all"]),
        st.one_of(st.integers(0, 100_000), st.sampled_from([":", "x"])),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda r: r[:6],
)
ROUND_TRIP = settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def expected_rows(rows: list[tuple]) -> list[tuple]:
    return sorted(
        (y, m, c, s, sex, age, None if isinstance(n, str) else n, n if isinstance(n, str) else None)
        for y, m, c, s, sex, age, n in rows
    )


@ROUND_TRIP
@given(rows=ROWS, by_name=st.booleans())
def test_rows_written_in_the_csv_template_read_back_unchanged(rows, by_name):
    lines = [HEADER]
    for y, m, c, s, sex, age, n in rows:
        category = CODES.categories[c] if by_name else str(c)
        lines.append(",".join(str(v) for v in (y, m, f'"{category}"', s, sex, age, n)))
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder), *lines)
        assert keyed(read(path)) == expected_rows(rows)


@ROUND_TRIP
@given(rows=ROWS)
def test_rows_written_in_the_xlsx_template_read_back_unchanged(rows):
    workbook = openpyxl.load_workbook(io.BytesIO(qps.write_template("xlsx", CODES)))
    sheet = workbook["Të dhënat"]
    for row in rows:
        sheet.append(list(row))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "filled.xlsx"
        workbook.save(path)
        assert keyed(read(path)) == expected_rows(rows)


def test_a_two_row_header_with_merged_label_and_month_group_cells(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Raporti 2024 (SYNTHETIC TEST FIXTURE)"])
    sheet.append(["Shërbimi: 12"])
    sheet.append(["Kategoria", "Muajt", None, None])
    sheet.append([None, "Janar", "Shkurt", "Mars"])
    sheet.append(["Fëmijët jetimë", 1, 2, 3])
    sheet.merge_cells("A1:D1")
    sheet.merge_cells("A3:A4")  # the label over both header rows
    sheet.merge_cells("B3:D3")  # "Muajt" over the months
    path = tmp_path / "two-rows.xlsx"
    workbook.save(path)
    assert keyed(read(path)) == [
        (2024, 1, 3, 12, "all", "all", 1, None),
        (2024, 2, 3, 12, "all", "all", 2, None),
        (2024, 3, 3, 12, "all", "all", 3, None),
    ]
