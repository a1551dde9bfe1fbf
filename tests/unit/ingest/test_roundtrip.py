"""Property tests: one random cube written as PX, PxWeb CSV and JSON-stat reads back alike.

The writers below imitate ASK's exports (PxWeb's serialisers): PX with split strings and
lists over lines, CSV with quoted labels and unquoted numbers and symbols, JSON-stat 2.0
with a byte-order mark, category ids and a status object.
"""

import itertools
import json
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest import common, jsonstat, px, pxweb_csv

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SYMBOLS = list(common.MISSING_SYMBOLS)
CONTENTS = "Popullsia"
LETTERS = "abcdefghijklmnopqrstuvwxyzëçABCDEFGHIJKLMNOPQRSTUVWXYZËÇ"


@dataclass(frozen=True)
class Cube:
    names: list[str]
    labels: list[list[str]]
    codes: list[list[str]]
    stub: int  # the first `stub` variables are the stub, the rest the heading
    cells: list[float | int | str]  # numbers, or symbols from MISSING_SYMBOLS


label_text = (
    st.text(alphabet=LETTERS + "0123456789 -()/'", min_size=1, max_size=12)
    .map(lambda text: " ".join(text.split()))
    .filter(lambda text: any(c.isalnum() for c in text))
)
cell = st.one_of(
    st.integers(-1000, 10_000_000),
    st.integers(-100_000, 100_000).map(lambda n: n / 100),
    st.sampled_from(SYMBOLS),
)


@st.composite
def cubes(draw) -> Cube:
    count = draw(st.integers(1, 3))
    names = draw(
        st.lists(
            st.text(alphabet=LETTERS, min_size=1, max_size=8),
            min_size=count,
            max_size=count,
            unique_by=str.casefold,
        ).filter(lambda names: not {n.casefold() for n in names} & {"heading", "value", "status"})
    )
    labels = [draw(st.lists(label_text, min_size=1, max_size=3, unique=True)) for _ in names]
    codes = [[f"{i}{chr(97 + j)}" for j in range(len(values))] for i, values in enumerate(labels)]
    stub = draw(st.integers(1, count))
    size = math.prod(len(values) for values in labels)
    cells = draw(st.lists(cell, min_size=size, max_size=size))
    return Cube(names, labels, codes, stub, cells)


def number(value: float | int) -> str:
    return str(value) if isinstance(value, int) else repr(value)


def title(cube: Cube) -> str:
    names = cube.names
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " dhe " + names[-1]
    return f"{CONTENTS} sipas {listed}"


def quoted(items: list[str]) -> str:
    return ",".join(f'"{item}"' for item in items)


def write_px(cube: Cube, path: Path, encoding: str, separator: str) -> None:
    head = {
        "cp1252": 'CHARSET="ANSI";\nCODEPAGE="windows-1252";\n',
        "utf-8": 'CODEPAGE="utf-8";\n',
        "cp850": "",  # DOS text: no CHARSET and no CODEPAGE
    }[encoding]
    whole = title(cube)
    lines = [
        head + "DECIMALS=2;",
        'MATRIX="prop";',
        'SUBJECT-CODE="T";',
        'SUBJECT-AREA="Test";',
        f'CONTENTS="{CONTENTS}";',
        f'TITLE="{whole[:9]}"\n"{whole[9:]}";',  # a string split over two lines
        'UNITS="numër";',
        f"STUB={quoted(cube.names[: cube.stub])};",
    ]
    if cube.stub < len(cube.names):
        lines.append(f"HEADING={quoted(cube.names[cube.stub :])};")
    for name, values, codes in zip(cube.names, cube.labels, cube.codes, strict=True):
        pairs = [values[i : i + 2] for i in range(0, len(values), 2)]
        lines.append(f'VALUES("{name}")=' + ",\n".join(quoted(p) for p in pairs) + ";")
        lines.append(f'CODES("{name}")={quoted(codes)};')
    width = math.prod(len(v) for v in cube.labels[cube.stub :])
    rows = []
    for start in range(0, len(cube.cells), width):
        row = cube.cells[start : start + width]
        rows.append(
            separator.join(f'"{c}"' if isinstance(c, str) else number(c) for c in row) + " "
        )
    text = "\n".join(lines) + "\nDATA=\n" + "\n".join(rows) + ";\n"
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))


def write_csv(cube: Cube, path: Path, delimiter: str, encoding: str, with_title: bool) -> None:
    heading_labels = cube.labels[cube.stub :]
    if heading_labels:
        columns = [" ".join(combo) for combo in itertools.product(*heading_labels)]
    else:
        columns = [CONTENTS]
    lines = [f'"{title(cube)}"', ""] if with_title else []
    lines.append(delimiter.join(f'"{n}"' for n in [*cube.names[: cube.stub], *columns]))
    stub_rows = list(itertools.product(*cube.labels[: cube.stub]))
    for r, stub in enumerate(stub_rows):
        row = cube.cells[r * len(columns) : (r + 1) * len(columns)]
        lines.append(
            delimiter.join(
                [
                    *(f'"{s}"' for s in stub),
                    *(str(c) if isinstance(c, str) else number(c) for c in row),
                ]
            )
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def write_jsonstat(cube: Cube, path: Path, sparse: bool, bom: bool) -> None:
    ids = [f"v{i}" for i in range(len(cube.names))]
    values = [None if isinstance(c, str) else c for c in cube.cells]
    document = {
        "version": "2.0",
        "class": "dataset",
        "label": title(cube),
        "id": ids,
        "size": [len(v) for v in cube.labels],
        "dimension": {
            dim_id: {
                "label": name,
                "category": {
                    "index": {code: i for i, code in enumerate(codes)},
                    "label": dict(zip(codes, labels, strict=True)),
                },
            }
            for dim_id, name, labels, codes in zip(
                ids, cube.names, cube.labels, cube.codes, strict=True
            )
        },
        "value": {str(i): v for i, v in enumerate(values) if v is not None} if sparse else values,
        "status": {str(i): c for i, c in enumerate(cube.cells) if isinstance(c, str)},
    }
    text = json.dumps(document, ensure_ascii=False).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text)


def expected_frame(cube: Cube, names: list[str], labels: list[list[str]]) -> pd.DataFrame:
    combos = list(itertools.product(*labels))
    frame = pd.DataFrame(
        {name: [combo[i] for combo in combos] for i, name in enumerate(names)}, dtype="string"
    )
    frame["value"] = pd.array(
        [None if isinstance(c, str) else float(c) for c in cube.cells], dtype="Float64"
    )
    frame["status"] = pd.array([c if isinstance(c, str) else None for c in cube.cells], "string")
    return frame


def without_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without code columns, categorical labels as plain strings."""
    kept = frame[[c for c in frame.columns if not c.endswith("#code")]]
    return kept.astype(
        {c: "string" for c in kept.columns if isinstance(kept[c].dtype, pd.CategoricalDtype)}
    )


@SETTINGS
@given(
    cube=cubes(),
    encoding=st.sampled_from(["cp1252", "utf-8", "cp850"]),
    separator=st.sampled_from([" ", ",", ";", "\t"]),
    sparse=st.booleans(),
    bom=st.booleans(),
)
def test_px_and_jsonstat_read_back_the_same_cube(cube, encoding, separator, sparse, bom):
    expected = expected_frame(cube, cube.names, cube.labels)
    with tempfile.TemporaryDirectory() as folder:
        px_path, json_path = Path(folder) / "t.px", Path(folder) / "t.json"
        write_px(cube, px_path, encoding, separator)
        write_jsonstat(cube, json_path, sparse, bom)
        (from_px,) = px.read(px_path)
        (from_json,) = jsonstat.read(json_path)
    assert from_px.dimensions == cube.names == from_json.dimensions
    pd.testing.assert_frame_equal(without_codes(from_px.data), expected)
    pd.testing.assert_frame_equal(without_codes(from_json.data), expected)
    code_columns = [f"{name}#code" for name in cube.names]
    pd.testing.assert_frame_equal(from_px.data[code_columns], from_json.data[code_columns])
    assert from_px.title == title(cube) == from_json.title


@SETTINGS
@given(
    cube=cubes(),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["cp1252", "utf-8", "utf-8-sig"]),
    with_title=st.booleans(),
)
def test_pxweb_csv_reads_back_the_same_cube(cube, delimiter, encoding, with_title):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        write_csv(cube, path, delimiter, encoding, with_title)
        (table,) = pxweb_csv.read(path)
    stub_names, stub_labels = cube.names[: cube.stub], cube.labels[: cube.stub]
    heading_labels = cube.labels[cube.stub :]
    if table.dimensions == cube.names:
        # heading variables recovered (or none: the long layout named by the title)
        expected = expected_frame(cube, cube.names, cube.labels)
    else:
        # heading variables unknown or ambiguous: whole header cells, nothing guessed
        assert table.dimensions == [*stub_names, "heading"]
        assert not with_title or len(heading_labels) > 1
        if heading_labels:
            joined = [" ".join(combo) for combo in itertools.product(*heading_labels)]
        else:
            joined = [CONTENTS]  # a long file without title: its value column is kept
        expected = expected_frame(cube, table.dimensions, [*stub_labels, joined])
    pd.testing.assert_frame_equal(without_codes(table.data), expected)


@SETTINGS
@given(cube=cubes().filter(lambda cube: 1 <= len(cube.names) - cube.stub))
def test_csv_heading_split_is_exact_when_labels_have_no_spaces(cube):
    cube = Cube(
        cube.names,
        [[label.replace(" ", "_") for label in labels] for labels in cube.labels],
        cube.codes,
        cube.stub,
        cube.cells,
    )
    if any(len(set(labels)) < len(labels) for labels in cube.labels):
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        write_csv(cube, path, ",", "utf-8", with_title=True)
        (table,) = pxweb_csv.read(path)
    assert table.dimensions == cube.names
    pd.testing.assert_frame_equal(
        without_codes(table.data), expected_frame(cube, cube.names, cube.labels)
    )
