import time
from pathlib import Path

import pandas as pd
import pytest

from dashboard.ingest import common, px
from dashboard.ingest.common import IngestError

FIXTURES = Path(__file__).parents[2] / "fixtures" / "ask"

META = (
    "DECIMALS=0;\n"
    'MATRIX="t1";\n'
    'SUBJECT-CODE="P";\n'
    'SUBJECT-AREA="Popullsia";\n'
    'CONTENTS="Popullsia";\n'
    'TITLE="Popullsia sipas Komuna, Gjinia dhe Viti";\n'
    'UNITS="numër";\n'
)
CUBE = (
    'STUB="Komuna","Gjinia";\n'
    'HEADING="Viti";\n'
    'VALUES("Komuna")="Mitrovicë","Zveçan";\n'
    'VALUES("Gjinia")="Meshkuj","Femra";\n'
    'VALUES("Viti")="2011","2024";\n'
)
DATA = "DATA=\n1 2\n3 4\n5 6\n7 8;\n"


def write(
    tmp_path: Path,
    body: str,
    *,
    head: str = 'CHARSET="ANSI";\n',
    encoding: str = "cp1252",
    name: str = "t.px",
) -> Path:
    path = tmp_path / name
    path.write_bytes((head + body).replace("\n", "\r\n").encode(encoding))
    return path


def read_one(path: Path) -> common.StatTable:
    tables = px.read(path)
    assert len(tables) == 1
    return tables[0]


def cell(table: common.StatTable, **labels: str):
    frame = table.data
    mask = pd.Series(True, index=frame.index)
    for name, label in labels.items():
        mask &= frame[name] == label
    (row,) = frame.index[mask]
    return frame.at[row, "value"], frame.at[row, "status"]


def problems(path: Path) -> list[common.Problem]:
    with pytest.raises(IngestError) as caught:
        px.read(path)
    return caught.value.problems


def test_data_is_row_major_over_stub_then_heading(tmp_path):
    table = read_one(write(tmp_path, META + CUBE + DATA))
    assert table.dimensions == ["Komuna", "Gjinia", "Viti"]
    assert list(table.data.columns) == ["Komuna", "Gjinia", "Viti", "value", "status"]
    assert cell(table, Komuna="Mitrovicë", Gjinia="Meshkuj", Viti="2011")[0] == 1
    assert cell(table, Komuna="Mitrovicë", Gjinia="Meshkuj", Viti="2024")[0] == 2
    assert cell(table, Komuna="Mitrovicë", Gjinia="Femra", Viti="2011")[0] == 3
    assert cell(table, Komuna="Zveçan", Gjinia="Meshkuj", Viti="2024")[0] == 6
    assert cell(table, Komuna="Zveçan", Gjinia="Femra", Viti="2024")[0] == 8
    assert table.data["status"].isna().all()
    assert table.title == "Popullsia sipas Komuna, Gjinia dhe Viti"
    assert table.units == "numër"
    assert table.fmt == "px"
    assert table.metadata["MATRIX"] == "t1"
    assert table.metadata["DECIMALS"] == "0"


def test_heading_variables_vary_fastest_within_a_row(tmp_path):
    cube = (
        'STUB="Komuna";\nHEADING="Viti","Gjinia";\n'
        'VALUES("Komuna")="Mitrovicë","Zveçan";\n'
        'VALUES("Viti")="2011","2024";\nVALUES("Gjinia")="Meshkuj","Femra";\n'
    )
    table = read_one(write(tmp_path, META + cube + DATA))
    assert table.dimensions == ["Komuna", "Viti", "Gjinia"]
    assert cell(table, Komuna="Mitrovicë", Viti="2011", Gjinia="Femra")[0] == 2
    assert cell(table, Komuna="Mitrovicë", Viti="2024", Gjinia="Meshkuj")[0] == 3
    assert cell(table, Komuna="Zveçan", Viti="2011", Gjinia="Meshkuj")[0] == 5


def test_heading_only_and_stub_only_tables(tmp_path):
    heading_only = 'HEADING="Viti";\nVALUES("Viti")="2011","2024";\n'
    table = read_one(write(tmp_path, META + heading_only + "DATA=\n71909 64742;\n"))
    assert table.data["value"].tolist() == [71909, 64742]
    stub_only = 'STUB="Viti";\nVALUES("Viti")="2011","2024";\n'
    table = read_one(write(tmp_path, META + stub_only + "DATA=\n71909\n64742;\n"))
    assert table.data["Viti"].tolist() == ["2011", "2024"]


@pytest.mark.parametrize(
    ("head", "encoding", "expected"),
    [
        ('CHARSET="ANSI";\n', "cp1252", "cp1252 (CHARSET=ANSI)"),
        ('CHARSET="ANSI";\nCODEPAGE="windows-1252";\n', "cp1252", "cp1252 (CODEPAGE)"),
        ('CODEPAGE="utf-8";\n', "utf-8", "utf-8 (CODEPAGE)"),
        ('CHARSET="ANSI";\nCODEPAGE="iso-8859-1";\n', "latin-1", "iso8859-1 (CODEPAGE)"),
        ("", "cp850", "cp850 (no CHARSET or CODEPAGE; DOS text guessed)"),
        ("", "cp1252", "cp1252 (no CHARSET or CODEPAGE; DOS text guessed)"),
        ("", "utf-8", "utf-8 (no CHARSET or CODEPAGE; valid UTF-8)"),
    ],
)
def test_encodings(tmp_path, head, encoding, expected):
    cube = CUBE.replace('"Zveçan"', '"KOSOVË"')
    table = read_one(write(tmp_path, META + cube + DATA, head=head, encoding=encoding))
    assert table.data["Komuna"].unique().tolist() == ["Mitrovicë", "KOSOVË"]
    assert table.units == "numër"
    assert table.metadata["encoding"] == expected


def test_dos_text_upper_case_e_diaeresis_needs_cp850(tmp_path):
    body = META.replace("numër", "NUMËR") + CUBE.replace('"Zveçan"', '"MITROVICË"') + DATA
    table = read_one(write(tmp_path, body, head="", encoding="cp850"))
    assert table.units == "NUMËR"
    assert "MITROVICË" in table.data["Komuna"].tolist()


def test_utf8_bom_is_dropped(tmp_path):
    path = write(tmp_path, META + CUBE + DATA, head="", encoding="utf-8-sig")
    assert read_one(path).data["Komuna"].iloc[0] == "Mitrovicë"


def test_codepage_that_does_not_match_the_bytes_is_a_problem(tmp_path):
    path = write(tmp_path, META + CUBE + DATA, head='CODEPAGE="utf-8";\n', encoding="cp1252")
    (problem,) = problems(path)
    assert problem.line == 8  # the "numër" line: 1 head + 7 meta lines
    assert "utf-8" in problem.expected


def test_unknown_codepage_is_a_problem(tmp_path):
    path = write(tmp_path, META + CUBE + DATA, head='CODEPAGE="klingon-1";\n')
    (problem,) = problems(path)
    assert problem.field == "CODEPAGE"
    assert problem.value == "klingon-1"


def test_main_language_is_read_other_languages_ignored(tmp_path):
    body = (
        'LANGUAGE="sq";\nLANGUAGES="sq","en";\n'
        + META
        + 'TITLE[en]="Population by Municipality, Sex and Year";\nUNITS[en]="number";\n'
        + CUBE
        + 'STUB[en]="Municipality","Sex";\nHEADING[en]="Year";\n'
        + 'VALUES[en]("Municipality")="Mitrovica","Zvecan";\n'
        + 'VALUES[en]("Sex")="Male","Female";\nVALUES[en]("Year")="2011","2024";\n'
        + DATA
    )
    table = read_one(write(tmp_path, body))
    assert table.language == "sq"
    assert table.title == "Popullsia sipas Komuna, Gjinia dhe Viti"
    assert table.units == "numër"
    assert table.data["Gjinia"].unique().tolist() == ["Meshkuj", "Femra"]
    assert table.metadata["LANGUAGES"] == '["sq", "en"]'
    assert "TITLE[en]" not in table.metadata


def test_keywords_tagged_with_the_main_language_are_read(tmp_path):
    tagged = (META + CUBE).replace('TITLE="', 'TITLE[sq]="').replace('STUB="', 'STUB[sq]="')
    table = read_one(write(tmp_path, 'LANGUAGE="sq";\n' + tagged + DATA))
    assert table.title == "Popullsia sipas Komuna, Gjinia dhe Viti"
    assert table.dimensions == ["Komuna", "Gjinia", "Viti"]


def test_strings_split_over_lines_are_joined_and_lists_span_lines(tmp_path):
    body = (
        META.replace(
            'TITLE="Popullsia sipas Komuna, Gjinia dhe Viti";',
            'TITLE="Popullsia sipas Komuna, "\n"Gjinia dhe Viti";',
        )
        + 'NOTE="Shënim; me pikëpresje; dhe "\n"rreshta.";\n'
        + CUBE.replace('"Mitrovicë","Zveçan"', '"Mitrovicë",\n"Zveçan"')
        + DATA
    )
    table = read_one(write(tmp_path, body))
    assert table.title == "Popullsia sipas Komuna, Gjinia dhe Viti"
    assert table.metadata["NOTE"] == "Shënim; me pikëpresje; dhe rreshta."
    assert table.data["Komuna"].unique().tolist() == ["Mitrovicë", "Zveçan"]


def test_sub_keys_and_value_labels_with_parentheses(tmp_path):
    cube = CUBE.replace('"Gjinia"', '"Mosha (vjet)"').replace(
        'VALUES("Mosha (vjet)")="Meshkuj","Femra"', 'VALUES("Mosha (vjet)")="0-14","15+"'
    )
    body = META + cube + 'PRECISION("Viti","2011")=1;\nELIMINATION("Viti")=NO;\n' + DATA
    table = read_one(write(tmp_path, body))
    assert table.dimensions == ["Komuna", "Mosha (vjet)", "Viti"]
    assert table.metadata['PRECISION("Viti","2011")'] == "1"
    assert table.metadata['ELIMINATION("Viti")'] == "NO"


def test_codes_become_code_columns(tmp_path):
    codes = 'CODES("Komuna")="11","38";\nCODES("Viti")="2011","2024";\n'
    table = read_one(write(tmp_path, META + CUBE + codes + DATA))
    assert list(table.data.columns) == [
        "Komuna",
        "Gjinia",
        "Viti",
        "Komuna#code",
        "Viti#code",
        "value",
        "status",
    ]
    first = table.data.iloc[0]
    assert (first["Komuna"], first["Komuna#code"]) == ("Mitrovicë", "11")


def test_codes_count_must_match_values(tmp_path):
    codes = 'CODES("Komuna")="11";\n'
    (problem,) = problems(write(tmp_path, META + CUBE + codes + DATA))
    assert problem.field == 'CODES("Komuna")'
    assert problem.value == "1 codes"
    assert problem.expected.startswith("2 codes")


@pytest.mark.parametrize(
    "data",
    [
        "1 2 3 4 5 6 7 8",
        "1,2,3,4,5,6,7,8",
        "1;2;3;4;5;6;7;8",
        "1\t2\t3\t4\t5\t6\t7\t8",
        "1\n2\n3\n4\n5\n6\n7\n8",
        "1 2,\n3;4\t5  6 ,7\n\n8 ",
    ],
)
def test_data_separators(tmp_path, data):
    table = read_one(write(tmp_path, META + CUBE + f"DATA=\n{data};\n"))
    assert table.data["value"].tolist() == [1, 2, 3, 4, 5, 6, 7, 8]


def test_decimals_and_negative_numbers(tmp_path):
    table = read_one(write(tmp_path, META + CUBE + "DATA=\n1.5 -2\n0.25 3.\n.5 -0.75\n7 8;\n"))
    assert table.data["value"].tolist()[:6] == [1.5, -2, 0.25, 3, 0.5, -0.75]


@pytest.mark.parametrize("quoted", [True, False])
def test_symbols_are_na_with_the_symbol_as_status(tmp_path, quoted):
    symbols = ["..", "...", "-", ":", ".", "......", "......."]
    cells = [f'"{s}"' if quoted else s for s in symbols] + ["0"]
    table = read_one(write(tmp_path, META + CUBE + "DATA=\n" + " ".join(cells) + ";\n"))
    assert table.data["status"].tolist()[:7] == symbols
    assert table.data["value"].isna().tolist() == [True] * 7 + [False]
    assert table.data["value"].iloc[7] == 0
    assert pd.isna(table.data["status"].iloc[7])


def test_data_count_is_checked_against_the_product_of_value_counts(tmp_path):
    (problem,) = problems(write(tmp_path, META + CUBE + "DATA=\n1 2 3 4 5 6 7;\n"))
    assert problem.field == "DATA"
    assert problem.value == "7 values"
    assert problem.expected.startswith("8 values = 2 (Komuna) × 2 (Gjinia) × 2 (Viti)")
    assert "DATA = '7 values': expected 8 values" in str(problem)


def test_truncated_data_is_reported(tmp_path):
    found = problems(write(tmp_path, META + CUBE + "DATA=\n1 2\n3 4\n5 6\n7 8"))
    assert any("cut short" in p.expected for p in found)


def test_bad_cells_are_reported_with_line_and_position(tmp_path):
    found = problems(write(tmp_path, META + CUBE + "DATA=\n1 2\n3 x4\n5 6\n7 1,5.5;\n"))
    bad = {(p.line, p.field, p.value) for p in found}
    # "1,5.5" is two cells (comma is a separator): the count is then wrong too
    assert bad == {(16, "DATA cell 4", "x4"), (14, "DATA", "9 values")}


def test_unclosed_quote_in_data(tmp_path):
    found = problems(write(tmp_path, META + CUBE + 'DATA=\n1 2\n3 4\n5 6\n7 "..;\n'))
    assert [p.expected for p in found] == ["a closing quote"]


def test_missing_values_for_a_variable_is_a_problem_with_a_hint(tmp_path):
    cube = CUBE.replace('VALUES("Viti")', 'VALUES("viti")')
    found = problems(write(tmp_path, META + cube + DATA))
    (problem,) = [p for p in found if p.field == 'VALUES("Viti")']
    assert "viti" in problem.expected


def test_missing_data_and_mandatory_keywords_are_all_reported(tmp_path):
    body = META.replace('UNITS="numër";\n', "").replace("DECIMALS=0;\n", "") + CUBE
    fields = {p.field for p in problems(write(tmp_path, body))}
    assert {"DATA", "UNITS", "DECIMALS"} <= fields


def test_missing_stub_and_heading(tmp_path):
    body = META + 'VALUES("Viti")="2011";\nDATA=\n1;\n'
    assert "STUB/HEADING" in {p.field for p in problems(write(tmp_path, body))}


def test_invalid_decimals(tmp_path):
    (problem,) = problems(write(tmp_path, META.replace("DECIMALS=0", "DECIMALS=x") + CUBE + DATA))
    assert (problem.field, problem.value) == ("DECIMALS", "x")


def test_keyword_given_twice_is_a_problem(tmp_path):
    body = META + CUBE + 'VALUES("Viti")="2011","2024";\n' + DATA
    (problem,) = problems(write(tmp_path, body))
    assert problem.field == 'VALUES("Viti")'
    assert problem.line == 14


def test_duplicate_values_without_codes_is_a_problem(tmp_path):
    cube = CUBE.replace('"Meshkuj","Femra"', '"Meshkuj","Meshkuj"')
    (problem,) = problems(write(tmp_path, META + cube + DATA))
    assert problem.value == "Meshkuj"


def test_unclosed_string_is_reported_and_reading_goes_on(tmp_path):
    body = META.replace('CONTENTS="Popullsia";', 'CONTENTS="Popullsia;') + CUBE
    found = problems(write(tmp_path, body + "DATA=\n1 2 3 4 5 6 7 x;\n"))
    assert any(p.field == "CONTENTS" and p.line == 6 for p in found)
    assert any(p.value == "x" for p in found)  # DATA was still checked


def test_garbage_line_is_reported(tmp_path):
    found = problems(write(tmp_path, META + "this is not px\n" + CUBE + DATA))
    assert [(p.line, p.value) for p in found] == [(9, "this is not px")]


def test_keys_variant(tmp_path):
    keys = 'CODES("Gjinia")="1","2";\nKEYS("Komuna")=VALUES;\nKEYS("Gjinia")=CODES;\n'
    data = 'DATA=\n"Zveçan","2",7,8\n"Mitrovicë","1",1 ".."\n;\n'
    table = read_one(write(tmp_path, META + CUBE + keys + data))
    assert cell(table, Komuna="Zveçan", Gjinia="Femra", Viti="2024")[0] == 8
    assert cell(table, Komuna="Mitrovicë", Gjinia="Meshkuj", Viti="2024")[1] == ".."
    # rows left out of a KEYS file are zeros by the PC-Axis specification
    assert cell(table, Komuna="Mitrovicë", Gjinia="Femra", Viti="2011")[0] == 0
    assert "2 rows" in table.metadata["KEYS omitted rows"]


def test_keys_with_unknown_key(tmp_path):
    keys = 'KEYS("Komuna")=VALUES;\nKEYS("Gjinia")=VALUES;\n'
    data = 'DATA=\n"Zveçan","Meshkuj",1,2\n"Prishtinë","Femra",3,4;\n'
    (problem,) = problems(write(tmp_path, META + CUBE + keys + data))
    assert (problem.line, problem.field, problem.value) == (18, 'KEYS("Komuna")', '"Prishtinë"')


def test_dos_end_of_file_marker_is_ignored(tmp_path):
    path = write(tmp_path, META + CUBE + DATA)
    path.write_bytes(path.read_bytes() + b"\x1a")
    assert len(read_one(path).data) == 8


def test_display_name_is_used_in_problems(tmp_path):
    path = write(tmp_path, META + CUBE + "DATA=\n1;\n")
    with pytest.raises(IngestError) as caught:
        px.read(path, display_name="Popullsia 2024.px")
    assert caught.value.problems[0].file == "Popullsia 2024.px"
    assert str(caught.value).startswith("1 problem in Popullsia 2024.px")


def test_ask_census_fixture():
    table = read_one(FIXTURES / "census_mitrovice_2011_2024.px")
    assert table.language == "sq"
    assert table.source is not None and "ASK" in table.source
    assert cell(table, Gjinia="Gjithsej", Viti="2011")[0] == 71909
    assert cell(table, Gjinia="Gjithsej", Viti="2024")[0] == 64742
    assert table.data.loc[table.data["Gjinia"] != "Gjithsej", "status"].eq(":").all()
    assert table.data["Komuna#code"].unique().tolist() == ["11"]


def test_ansi_declared_file_that_is_really_utf8_is_not_garbled(tmp_path):
    table = read_one(write(tmp_path, META + CUBE + DATA, encoding="utf-8"))
    assert table.data["Komuna"].iloc[0] == "Mitrovicë"
    assert "but the bytes are UTF-8" in table.metadata["encoding"]


def test_a_large_cube_is_read_in_linear_time(tmp_path):
    stub = [f"Vendbanimi {i}" for i in range(3000)]
    heading = [str(1924 + i) for i in range(100)]
    cube = (
        'STUB="Vendbanimi";\nHEADING="Viti";\n'
        + 'VALUES("Vendbanimi")='
        + ",\n".join(f'"{v}"' for v in stub)
        + ";\n"
        + 'VALUES("Viti")='
        + ",".join(f'"{v}"' for v in heading)
        + ";\n"
    )
    row = " ".join(str(i) for i in range(99)) + ' ".."'
    path = write(tmp_path, META + cube + "DATA=\n" + "\n".join([row] * len(stub)) + ";\n")
    start = time.perf_counter()
    table = read_one(path)
    assert time.perf_counter() - start < 5
    assert len(table.data) == 300_000
    assert table.data["status"].eq("..").sum() == 3000
    assert table.data["value"].sum() == sum(range(99)) * 3000


def test_half_quoted_cells_are_not_unquoted(tmp_path):
    found = problems(write(tmp_path, META + CUBE + 'DATA=\n1 2\n3 4\n5 6\n"7 8";\n'))
    assert {(p.field, p.value) for p in found} == {("DATA cell 7", '"7'), ("DATA cell 8", '8"')}
