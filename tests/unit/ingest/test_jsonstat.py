import copy
import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard.ingest import common, jsonstat
from dashboard.ingest.common import IngestError

FIXTURES = Path(__file__).parents[2] / "fixtures" / "ask"

DATASET = {
    "version": "2.0",
    "class": "dataset",
    "label": "Popullsia sipas Komuna, Gjinia dhe Viti",
    "source": "ASK",
    "updated": "2025-06-12",
    "id": ["komuna", "gjinia", "viti"],
    "size": [2, 2, 2],
    "dimension": {
        "komuna": {
            "label": "Komuna",
            "category": {
                "index": {"11": 0, "38": 1},
                "label": {"11": "Mitrovicë", "38": "Mitrovica Veriore"},
            },
        },
        "gjinia": {
            "label": "Gjinia",
            "category": {"index": ["1", "2"], "label": {"1": "Meshkuj", "2": "Femra"}},
        },
        "viti": {"label": "Viti", "category": {"index": ["2011", "2024"]}},
    },
    "value": [1, 2, 3, None, None, 6, 7, 8],
    "status": {"3": ":", "4": "."},
}


def write(tmp_path: Path, document, *, bom: bool = True, name: str = "t.json") -> Path:
    path = tmp_path / name
    text = json.dumps(document, ensure_ascii=False).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text)
    return path


def dataset(**changes) -> dict:
    document = copy.deepcopy(DATASET)
    document.update(changes)
    return document


def problems(path: Path) -> list[common.Problem]:
    with pytest.raises(IngestError) as caught:
        jsonstat.read(path)
    return caught.value.problems


@pytest.mark.parametrize("bom", [True, False])
def test_dataset(tmp_path, bom):
    (table,) = jsonstat.read(write(tmp_path, DATASET, bom=bom))
    assert table.dimensions == ["Komuna", "Gjinia", "Viti"]
    assert list(table.data.columns) == [
        "Komuna",
        "Gjinia",
        "Viti",
        "Komuna#code",
        "Gjinia#code",
        "Viti#code",
        "value",
        "status",
    ]
    row = table.data.iloc[4]
    assert (row["Komuna"], row["Komuna#code"], row["Gjinia"], row["Viti"]) == (
        "Mitrovica Veriore",
        "38",
        "Meshkuj",
        "2011",
    )
    assert pd.isna(row["value"]) and row["status"] == "."
    assert table.data["status"].iloc[3] == ":"
    assert table.data["value"].iloc[7] == 8
    assert table.title == "Popullsia sipas Komuna, Gjinia dhe Viti"
    assert table.source == "ASK"
    assert table.metadata["LAST-UPDATED"] == "2025-06-12"
    assert table.metadata['VARIABLECODE("Komuna")'] == "komuna"


def test_value_as_object_leaves_absent_cells_missing(tmp_path):
    (table,) = jsonstat.read(write(tmp_path, dataset(value={"0": 5, "7": 9.5}, status=None)))
    assert table.data["value"].isna().tolist() == [False] + [True] * 6 + [False]
    assert table.data["value"].iloc[7] == 9.5


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            [None, None, None, ":", ".", None, None, "e"],
            [None, None, None, ":", ".", None, None, "e"],
        ),
        (["p"], ["p"] * 8),
        ("p", ["p"] * 8),
        ({"7": "e"}, [None] * 7 + ["e"]),
    ],
)
def test_status_forms(tmp_path, status, expected):
    (table,) = jsonstat.read(write(tmp_path, dataset(status=status)))
    got = [None if pd.isna(s) else s for s in table.data["status"]]
    assert got == expected


def test_symbol_written_as_value_is_kept_as_status(tmp_path):
    document = dataset(value=[1, "..", 3, "-", 5, 6, 7, 8], status=None)
    (table,) = jsonstat.read(write(tmp_path, document))
    assert table.data["status"].iloc[1] == ".."
    assert table.data["status"].iloc[3] == "-"
    assert table.data["value"].iloc[1:4].isna().tolist() == [True, False, True]


def test_single_category_without_index(tmp_path):
    document = dataset(size=[1, 2, 2], value=[1, 2, 3, 4], status=None)
    document["dimension"]["komuna"]["category"] = {"label": {"11": "Mitrovicë"}}
    (table,) = jsonstat.read(write(tmp_path, document))
    assert table.data["Komuna"].unique().tolist() == ["Mitrovicë"]


def test_collection_gives_one_table_per_dataset(tmp_path):
    second = dataset(label="Tjetër")
    collection = {
        "version": "2.0",
        "class": "collection",
        "link": {"item": [dataset(), second]},
    }
    tables = jsonstat.read(write(tmp_path, collection))
    assert [t.title for t in tables] == ["Popullsia sipas Komuna, Gjinia dhe Viti", "Tjetër"]


def test_collection_with_links_only_is_a_problem(tmp_path):
    collection = {
        "version": "2.0",
        "class": "collection",
        "link": {"item": [{"class": "dataset", "href": "https://askdata.rks-gov.net/x"}]},
    }
    (problem,) = problems(write(tmp_path, collection))
    assert problem.field == "link.item[0]"
    assert "not followed" in problem.expected


def test_size_and_id_must_agree(tmp_path):
    (problem,) = problems(write(tmp_path, dataset(size=[2, 2])))
    assert problem.field == "size"


def test_category_count_must_match_size(tmp_path):
    found = problems(write(tmp_path, dataset(size=[2, 2, 3])))
    assert any(p.field == "dimension.viti.category" and p.value == "2 categories" for p in found)


def test_value_count_must_match_product_of_size(tmp_path):
    (problem,) = problems(write(tmp_path, dataset(value=[1, 2, 3])))
    assert (problem.field, problem.value) == ("value", "3 values")
    assert problem.expected.startswith("8 values")


def test_all_bad_values_are_reported(tmp_path):
    found = problems(write(tmp_path, dataset(value=[1, True, "12", 4, 5, {}, 7, 8])))
    assert [p.field for p in found] == ["value[1]", "value[2]", "value[5]"]


def test_bad_index_is_a_problem(tmp_path):
    document = dataset()
    document["dimension"]["komuna"]["category"]["index"] = {"11": 0, "38": 5}
    (problem,) = problems(write(tmp_path, document))
    assert problem.field == "dimension.komuna.category.index"


def test_collection_problems_name_the_item(tmp_path):
    collection = {
        "version": "2.0",
        "class": "collection",
        "link": {"item": [dataset(), dataset(value=[1])]},
    }
    (problem,) = problems(write(tmp_path, collection))
    assert problem.field == "link.item[1].value"


def test_truncated_json_is_a_problem_with_line(tmp_path):
    path = tmp_path / "cut.json"
    text = json.dumps(DATASET, indent=1)
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    (problem,) = problems(path)
    assert problem.line is not None and problem.line > 1
    assert "cut short" in problem.expected


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"columns": [], "data": []}, "PX-JSON"),
        ({"dataset": {"value": []}}, "JSON-stat 1.x"),
        ([1, 2], "JSON-stat object"),
        ({"class": "dataset", "version": "1.0"}, "version"),
    ],
)
def test_other_json_is_refused(tmp_path, document, fragment):
    (problem,) = problems(write(tmp_path, document))
    assert fragment in str(problem)


def test_nan_and_duplicate_keys_are_refused(tmp_path):
    path = tmp_path / "nan.json"
    path.write_text('{"class": "dataset", "value": [NaN]}', encoding="utf-8")
    assert "NaN" in problems(path)[0].expected
    path.write_text('{"class": "dataset", "class": "collection"}', encoding="utf-8")
    assert problems(path)[0].value == "class"


def test_ask_census_fixture():
    (table,) = jsonstat.read(FIXTURES / "census_mitrovice_2011_2024.json")
    assert table.language == "sq"
    totals = table.data[table.data["Gjinia"] == "Gjithsej"]
    assert totals["value"].tolist() == [71909, 64742]
    assert table.data.loc[table.data["Gjinia"] != "Gjithsej", "status"].eq(":").all()


def test_dimension_without_categories_is_a_problem(tmp_path):
    document = dataset(size=[2, 2, 0], value=[])
    document["dimension"]["viti"]["category"] = {"index": []}
    found = problems(write(tmp_path, document))
    assert [p.field for p in found] == ["dimension.viti.category.index"]
