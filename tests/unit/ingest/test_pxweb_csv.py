from pathlib import Path

import pandas as pd
import pytest

from dashboard.ingest import common, pxweb_csv
from dashboard.ingest.common import IngestError

FIXTURES = Path(__file__).parents[2] / "fixtures" / "ask"
TITLE = '"Popullsia sipas Komuna, Gjinia dhe Viti"\n\n'
WIDE = (
    '"Komuna","Gjinia","2011","2024"\n'
    '"Mitrovicë","Gjithsej",71909,64742\n'
    '"Mitrovicë","Meshkuj",:,".."\n'
    '"Zveçan","Gjithsej",.,-\n'
)


def write(tmp_path: Path, text: str, *, encoding: str = "cp1252", name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


def read_one(path: Path) -> common.StatTable:
    tables = pxweb_csv.read(path)
    assert len(tables) == 1
    return tables[0]


def problems(path: Path) -> list[common.Problem]:
    with pytest.raises(IngestError) as caught:
        pxweb_csv.read(path)
    return caught.value.problems


def as_tuples(table: common.StatTable) -> list[tuple]:
    frame = table.data.astype(object).where(table.data.notna(), None)
    return [tuple(row) for row in frame.itertuples(index=False)]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig"])
@pytest.mark.parametrize("with_title", [True, False])
def test_wide_layout_in_every_delimiter_encoding_and_title_variant(
    tmp_path, delimiter, encoding, with_title
):
    text = (TITLE if with_title else "") + WIDE.replace(",", delimiter)
    table = read_one(write(tmp_path, text, encoding=encoding))
    expected_heading = "Viti" if with_title else "heading"
    assert table.dimensions == ["Komuna", "Gjinia", expected_heading]
    assert as_tuples(table) == [
        ("Mitrovicë", "Gjithsej", "2011", 71909.0, None),
        ("Mitrovicë", "Gjithsej", "2024", 64742.0, None),
        ("Mitrovicë", "Meshkuj", "2011", None, ":"),
        ("Mitrovicë", "Meshkuj", "2024", None, ".."),
        ("Zveçan", "Gjithsej", "2011", None, "."),
        ("Zveçan", "Gjithsej", "2024", None, "-"),
    ]
    assert table.fmt == "pxweb-csv"
    assert table.title == ("Popullsia sipas Komuna, Gjinia dhe Viti" if with_title else "t")
    assert table.metadata["encoding"].startswith("cp1252" if encoding == "cp1252" else "utf-8")


def test_space_delimiter(tmp_path):
    text = '"Komuna" "2011 Gjithsej" "2024 Gjithsej"\n"Mitrovicë e Jugut" 71909 64742\n'
    table = read_one(write(tmp_path, text))
    assert table.metadata["delimiter"] == "space"
    assert table.data["heading"].tolist() == ["2011 Gjithsej", "2024 Gjithsej"]
    assert table.data["Komuna"].iloc[0] == "Mitrovicë e Jugut"


def test_two_heading_variables_are_split_back_using_the_title(tmp_path):
    text = (
        '"Popullsia sipas Komuna, Viti dhe Gjinia"\n\n'
        '"Komuna","2011 Meshkuj","2011 Femra","2024 Meshkuj","2024 Femra"\n'
        '"Mitrovicë",1,2,3,4\n'
    )
    table = read_one(write(tmp_path, text))
    assert table.dimensions == ["Komuna", "Viti", "Gjinia"]
    assert as_tuples(table)[1] == ("Mitrovicë", "2011", "Femra", 2.0, None)
    assert as_tuples(table)[2] == ("Mitrovicë", "2024", "Meshkuj", 3.0, None)
    assert table.metadata["heading"] == "heading variables named by the title"


def test_english_title_words_and_labels_with_spaces(tmp_path):
    text = (
        '"Population by Municipality, Year and Age group"\n\n'
        '"Municipality","2011 65 and over","2011 Under 65","2024 65 and over","2024 Under 65"\n'
        '"Mitrovica",1,2,3,4\n'
    )
    table = read_one(write(tmp_path, text))
    assert table.dimensions == ["Municipality", "Year", "Age group"]
    assert table.data["Age group"].tolist() == ["65 and over", "Under 65"] * 2


def test_three_heading_variables_with_spaces_in_labels(tmp_path):
    years, sexes, ages = ["2011", "2024"], ["Gjithsej", "Femra"], ["0-4 vjet", "65 e më shumë"]
    cells = [f"{y} {s} {a}" for y in years for s in sexes for a in ages]
    text = (
        '"Popullsia sipas Komuna, Viti, Gjinia dhe Mosha"\n\n'
        + ",".join(f'"{c}"' for c in ["Komuna", *cells])
        + "\n"
        + '"Mitrovicë",'
        + ",".join(str(i) for i in range(8))
        + "\n"
    )
    table = read_one(write(tmp_path, text))
    assert table.dimensions == ["Komuna", "Viti", "Gjinia", "Mosha"]
    assert as_tuples(table)[5] == ("Mitrovicë", "2024", "Gjithsej", "65 e më shumë", 5.0, None)


def test_ambiguous_split_keeps_whole_header_cells(tmp_path):
    # "2024 Mbi 65" could be ("2024", "Mbi 65") or ("2024 Mbi", "65"): nothing is guessed
    text = (
        '"Popullsia sipas Komuna, Viti dhe Mosha"\n\n'
        '"Komuna","2024 Mbi 65","2024 Nën 65"\n"Mitrovicë",1,2\n'
    )
    table = read_one(write(tmp_path, text))
    assert table.dimensions == ["Komuna", "heading"]
    assert table.data["heading"].tolist() == ["2024 Mbi 65", "2024 Nën 65"]
    assert "unknown" in table.metadata["heading"]


def test_title_not_listing_the_stub_first_is_not_trusted(tmp_path):
    text = '"Popullsia sipas Viti dhe Komuna"\n\n"Komuna","2011","2024"\n"Mitrovicë",1,2\n'
    assert read_one(write(tmp_path, text)).dimensions == ["Komuna", "heading"]


def test_long_layout_with_value_column(tmp_path):
    text = '"Komuna","Viti","value"\n"Mitrovicë","2011",71909\n"Mitrovicë","2024",64742\n'
    table = read_one(write(tmp_path, text))
    assert table.dimensions == ["Komuna", "Viti"]
    assert as_tuples(table) == [
        ("Mitrovicë", "2011", 71909.0, None),
        ("Mitrovicë", "2024", 64742.0, None),
    ]
    assert table.metadata["layout"] == "long"


def test_long_layout_named_by_the_title(tmp_path):
    text = (
        '"Popullsia sipas Komuna dhe Viti"\n\n'
        '"Komuna","Viti","Popullsia"\n"Mitrovicë","2011",71909\n"Mitrovicë","2024",:\n'
    )
    table = read_one(write(tmp_path, text))
    assert table.dimensions == ["Komuna", "Viti"]
    assert table.metadata["value_column"] == "Popullsia"
    assert table.data["status"].tolist() == [pd.NA, ":"]


def test_long_layout_repeating_a_combination_is_a_problem(tmp_path):
    text = '"Komuna","Viti","value"\n"Mitrovicë","2011",1\n"Mitrovicë","2011",2\n'
    (problem,) = problems(write(tmp_path, text))
    assert problem.line == 3
    assert "also on line 2" in problem.expected


def test_quoted_numeric_labels_stay_labels(tmp_path):
    text = '"Viti","Meshkuj","Femra"\n"2011",1,2\n"2024",3,4\n'
    table = read_one(write(tmp_path, text))
    assert table.dimensions == ["Viti", "heading"]
    assert table.data["Viti"].tolist() == ["2011", "2011", "2024", "2024"]


def test_unquoted_file_is_read_by_content(tmp_path):
    ok = "Komuna;2011;2024\nMitrovicë;71909;64742\nZveçan;.;7920\n"
    table = read_one(write(tmp_path, ok))
    assert table.data["value"].tolist()[:2] == [71909, 64742]
    assert table.data["status"].tolist()[2] == "."


def test_unquoted_numeric_label_column_named_value_layout(tmp_path):
    text = "Komuna;Viti;value\nMitrovicë;2011;71909\nMitrovicë;2024;64742\n"
    table = read_one(write(tmp_path, text))
    assert table.dimensions == ["Komuna", "Viti"]
    assert table.data["value"].tolist() == [71909, 64742]


def test_unquoted_numeric_column_named_by_the_title_is_refused_as_ambiguous(tmp_path):
    text = (
        "Popullsia sipas Komuna, Viti dhe Gjinia\n\n"
        "Komuna;Viti;Meshkuj;Femra\nMitrovicë;2011;1;2\nZveçan;2011;3;4\n"
    )
    (problem,) = problems(write(tmp_path, text))
    assert (problem.line, problem.field) == (3, "Viti")
    assert "cannot be told apart" in problem.expected


def test_quoted_heading_value_equal_to_a_variable_name_is_not_a_label(tmp_path):
    text = '"Popullsia sipas A dhe AA"\n\n"A","AA","0"\n"0",1,2\n'
    table = read_one(write(tmp_path, text))
    assert table.dimensions == ["A", "AA"]
    assert table.data["AA"].tolist() == ["AA", "0"]


def test_unquoted_numeric_label_column_without_hints_is_caught(tmp_path):
    # with no quotes, no title and no "value" header a column of years looks like
    # figures; the repeated "Mitrovicë" rows reveal it instead of a silent misreading
    text = "Komuna;Viti;Meshkuj\nMitrovicë;2011;1\nMitrovicë;2024;2\n"
    (problem,) = problems(write(tmp_path, text))
    assert (problem.line, problem.field) == (3, "Komuna")


def test_no_label_column_is_refused(tmp_path):
    # quoted symbols everywhere leave no quoting difference: "12" cannot be a label here
    text = '"Komuna","2011"\n"12",":"\n"13",":"\n'
    assert any("label columns" in p.expected for p in problems(write(tmp_path, text)))


def test_reserved_column_names_are_refused(tmp_path):
    text = '"status","2011"\n"a",1\n'
    (problem,) = problems(write(tmp_path, text))
    assert problem.field == "status"


def test_delimiters_inside_quotes(tmp_path):
    text = '"Komuna","2011"\n"Mitrovicë, e Jugut; ""Jug""",1\n'
    table = read_one(write(tmp_path, text))
    assert table.data["Komuna"].tolist() == ['Mitrovicë, e Jugut; "Jug"']


def test_bad_cells_are_all_reported_with_row_and_column(tmp_path):
    text = TITLE + WIDE + '"Zveçan","Meshkuj",1 200,x\n"Leposaviq","Gjithsej",,12,5\n'
    found = problems(write(tmp_path, text))
    assert {(p.line, p.field, p.value) for p in found} == {
        (7, "2011", "1 200"),
        (7, "2024", "x"),
        (8, None, '"Leposaviq","Gjithsej",,12,5'),
    }
    assert [p.expected for p in found if p.line == 8] == ["4 fields like the header, not 5"]


def test_comma_decimals_are_refused_not_guessed(tmp_path):
    text = '"Komuna";"2011"\n"Mitrovicë";12,5\n'
    (problem,) = problems(write(tmp_path, text))
    assert (problem.line, problem.field, problem.value) == (2, "2011", "12,5")


def test_empty_cell_is_a_problem(tmp_path):
    (problem,) = problems(write(tmp_path, '"Komuna","2011","2024"\n"Mitrovicë",1,\n'))
    assert (problem.line, problem.field, problem.value) == (2, "2024", "")


def test_text_in_neither_utf8_nor_cp1252_is_a_problem(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b'"Komuna","2011"\r\n"Mitrovic\x81",1\r\n')
    (problem,) = problems(path)
    assert problem.line == 2
    assert "UTF-8 or Windows-1252" in problem.expected


def test_cp1252_bytes_are_not_misread_as_utf8(tmp_path):
    table = read_one(write(tmp_path, '"Komuna","2011"\n"Zveçan",1\n', encoding="cp1252"))
    assert table.data["Komuna"].iloc[0] == "Zveçan"
    assert table.metadata["encoding"] == "cp1252"


def test_header_without_rows_is_a_problem(tmp_path):
    (problem,) = problems(write(tmp_path, TITLE + '"Komuna","2011"\n'))
    assert "data rows" in problem.expected


def test_ragged_file_has_no_clear_delimiter(tmp_path):
    found = problems(write(tmp_path, '"Komuna","2011"\n"Mitrovicë",1,2\n'))
    assert "same number of fields" in found[0].expected


def test_ambiguous_delimiter_is_refused(tmp_path):
    found = problems(write(tmp_path, "a,b;c\nx,1;2\n"))
    assert "comma or semicolon" in found[0].expected


def test_table_without_stub_has_a_leading_empty_column(tmp_path):
    table = read_one(write(tmp_path, ',"2011","2024"\n,71909,64742\n'))
    assert table.dimensions == ["heading"]
    assert table.data["value"].tolist() == [71909, 64742]


def test_trailing_delimiter_column_is_dropped(tmp_path):
    table = read_one(write(tmp_path, '"Komuna","2011","2024",\n"Mitrovicë",1,2,\n'))
    assert table.data["heading"].tolist() == ["2011", "2024"]


def test_duplicate_stub_rows_are_a_problem(tmp_path):
    text = '"Komuna","2011"\n"Mitrovicë",1\n"Mitrovicë",2\n'
    (problem,) = problems(write(tmp_path, text))
    assert (problem.line, problem.field) == (3, "Komuna")


def test_ask_census_fixture():
    table = read_one(FIXTURES / "census_mitrovice_2011_2024.csv")
    assert table.dimensions == ["Komuna", "Gjinia", "Viti"]
    totals = table.data[table.data["Gjinia"] == "Gjithsej"]
    assert totals["value"].tolist() == [71909, 64742]
    assert table.metadata["encoding"] == "cp1252"
