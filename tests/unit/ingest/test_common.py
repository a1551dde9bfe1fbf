from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.ingest import common
from dashboard.ingest.common import Dimension, IngestError, Problem, ProblemLog


def test_problem_str_names_file_line_field_value_and_expectation():
    problem = Problem("data.px", 12, 'VALUES("Viti")', "2011", "four digits")
    assert str(problem) == "data.px:12: VALUES(\"Viti\") = '2011': expected four digits"


def test_problem_str_without_line_field_or_value():
    assert str(Problem("a.csv", None, None, None, "a header")) == "a.csv: expected a header"
    assert str(Problem("a.csv", 3, "Viti", None, "x")) == "a.csv:3: Viti: expected x"
    assert str(Problem("a.csv", 3, None, "v", "x")) == "a.csv:3: 'v': expected x"


def test_problem_value_is_shortened_to_80_chars():
    problem = Problem("a.px", 1, "DATA", "x" * 500, "y")
    assert problem.value is not None
    assert len(problem.value) == 80
    assert problem.value.endswith("…")


def test_ingest_error_lists_first_50_problems_then_a_count():
    problems = [Problem("a.px", i, "DATA", str(i), "a number") for i in range(1, 121)]
    error = IngestError(problems)
    message = str(error)
    assert message.startswith("120 problems in a.px:")
    assert "a.px:50: DATA = '50'" in message
    assert "a.px:51:" not in message
    assert message.rstrip().endswith("... and 70 more problems")
    assert error.problems == problems


def test_problem_log_keeps_a_bounded_number_but_counts_all():
    log = ProblemLog("big.px")
    for i in range(common.MAX_PROBLEMS + 25):
        log.add(i, None, None, "x")
    with pytest.raises(IngestError) as caught:
        log.raise_if_any()
    assert len(caught.value.problems) == common.MAX_PROBLEMS
    assert caught.value.total == common.MAX_PROBLEMS + 25
    assert f"{common.MAX_PROBLEMS + 25} problems" in str(caught.value)


def test_missing_symbols_cover_ask_and_pc_axis_symbols():
    for symbol in [":", "-", ".", "..", "...", "....", ".....", "......", "......."]:
        assert symbol in common.MISSING_SYMBOLS
    assert "0" not in common.MISSING_SYMBOLS
    assert "" not in common.MISSING_SYMBOLS


@pytest.mark.parametrize(
    ("text", "number"),
    [("12", 12.0), ("-3.25", -3.25), ("0.5", 0.5), (".5", 0.5), ("1e3", 1000.0), (" 7 ", 7.0)],
)
def test_classify_cells_reads_numbers(text, number):
    cells = common.classify_cells([text])
    assert cells.values[0] == number
    assert cells.status[0].as_py() is None
    assert len(cells.bad) == 0


@pytest.mark.parametrize("symbol", list(common.MISSING_SYMBOLS))
def test_classify_cells_keeps_symbols_as_status(symbol):
    cells = common.classify_cells([symbol])
    assert np.isnan(cells.values[0])
    assert cells.status[0].as_py() == symbol
    assert len(cells.bad) == 0


@pytest.mark.parametrize(
    "text", ["", "1,5", "1 000", "nan", "inf", "1e999", "12a", "x", "1_000", "--", "+-1"]
)
def test_classify_cells_flags_everything_else(text):
    assert common.classify_cells(["1", text]).bad.tolist() == [1]


def test_product_positions_are_row_major():
    first, second = common.product_positions([2, 3])
    assert first.tolist() == [0, 0, 0, 1, 1, 1]
    assert second.tolist() == [0, 1, 2, 0, 1, 2]


def test_build_frame_columns_and_dtypes():
    dims = [Dimension("Viti", ["2011", "2024"], ["a", "b"]), Dimension("Gjinia", ["M", "F"])]
    frame = common.build_frame(
        dims,
        common.product_positions([2, 2]),
        np.array([1.0, np.nan, 3.0, np.nan]),
        np.array([None, ":", None, None], dtype=object),
    )
    assert list(frame.columns) == ["Viti", "Gjinia", "Viti#code", "value", "status"]
    assert frame["value"].dtype == "Float64"
    assert frame["status"].dtype == common.STRING_DTYPE
    assert frame["value"].isna().tolist() == [False, True, False, True]
    assert frame["status"].tolist() == [pd.NA, ":", pd.NA, pd.NA]


def test_read_bytes_refuses_big_files_before_reading(tmp_path: Path, monkeypatch):
    path = tmp_path / "big.px"
    path.write_bytes(b"x" * 2048)
    monkeypatch.setattr(common, "MAX_BYTES", 1024)
    with pytest.raises(IngestError, match="at most"):
        common.read_bytes(path, "big.px")


def test_read_bytes_refuses_empty_and_missing_files(tmp_path: Path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"  \r\n")
    with pytest.raises(IngestError, match="empty"):
        common.read_bytes(empty, "empty.csv")
    with pytest.raises(IngestError, match="readable file"):
        common.read_bytes(tmp_path / "nope.csv", "nope.csv")
    with pytest.raises(IngestError, match="readable file"):
        common.read_bytes(tmp_path, "folder")


def test_cell_text_reads_a_spreadsheet_cell_as_the_csv_would_write_it():
    from datetime import date, datetime

    assert common.cell_text(None) == ""
    assert common.cell_text(float("nan")) == ""
    assert common.cell_text(12.0) == "12"
    assert common.cell_text(2.5) == "2.5"
    assert common.cell_text(7) == "7"
    assert common.cell_text(True) == "True"
    assert common.cell_text(date(2024, 3, 1)) == "2024-03-01"
    assert common.cell_text(datetime(2024, 3, 1, 8, 30)) == "2024-03-01T08:30:00"
    assert common.cell_text("  Janar ") == "Janar"
