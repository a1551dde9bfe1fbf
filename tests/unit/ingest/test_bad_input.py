"""Bad input of every kind ends in an IngestError with a clear problem, quickly."""

import random
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest import common, jsonstat, px, pxweb_csv, sniff
from dashboard.ingest.common import IngestError, StatTable

FIXTURES = Path(__file__).parents[2] / "fixtures" / "ask"
READERS = {"px": px.read, "pxweb-csv": pxweb_csv.read, "jsonstat": jsonstat.read}
FIXTURE_OF = {
    "px": "census_mitrovice_2011_2024.px",
    "pxweb-csv": "census_mitrovice_2011_2024.csv",
    "jsonstat": "census_mitrovice_2011_2024.json",
}
FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def read_error(kind: str, path: Path) -> IngestError:
    start = time.perf_counter()
    with pytest.raises(IngestError) as caught:
        READERS[kind](path)
    assert time.perf_counter() - start < 1
    assert caught.value.problems
    for problem in caught.value.problems:
        assert problem.file == path.name
        assert problem.expected
        # said in the user's language too, never the English text in its place
        assert problem.key is not None, problem
        assert problem.expected_in("sq") != problem.expected, problem
        assert problem.expected_in("sr") != problem.expected, problem
    return caught.value


@pytest.mark.parametrize("kind", READERS)
def test_random_bytes(tmp_path, kind):
    path = tmp_path / "random.bin"
    path.write_bytes(random.Random(3).randbytes(100_000))
    assert "binary" in str(read_error(kind, path)) or "NUL" in str(read_error(kind, path))


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("content", [b"", b" \r\n\t\r\n"])
def test_empty_file(tmp_path, kind, content):
    path = tmp_path / "empty"
    path.write_bytes(content)
    assert "empty" in str(read_error(kind, path))


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file(tmp_path, kind, encoding):
    text = (FIXTURES / FIXTURE_OF[kind]).read_bytes().decode("cp1252", errors="replace")
    path = tmp_path / "utf16"
    path.write_bytes(text.encode(encoding))
    assert "UTF-16" in str(read_error(kind, path))


@pytest.mark.parametrize("kind", READERS)
def test_too_big_file_is_refused_before_reading(tmp_path, kind):
    path = tmp_path / "huge"
    with path.open("wb") as handle:
        handle.write((FIXTURES / FIXTURE_OF[kind]).read_bytes())
        handle.truncate(common.MAX_BYTES + 1)  # sparse: no time spent writing
    assert "at most 200 MB" in str(read_error(kind, path))


def test_px_whose_data_ends_early(tmp_path):
    raw = (FIXTURES / FIXTURE_OF["px"]).read_bytes()
    path = tmp_path / "cut.px"
    path.write_bytes(raw[: raw.rindex(b'":"')])
    error = read_error("px", path)
    assert {p.field for p in error.problems} == {"DATA"}
    assert any("cut short" in p.expected for p in error.problems)
    assert any(p.value == "5 values" and "6 values" in p.expected for p in error.problems)


def test_px_cut_in_its_keywords(tmp_path):
    raw = (FIXTURES / FIXTURE_OF["px"]).read_bytes()
    path = tmp_path / "cut.px"
    path.write_bytes(raw[: len(raw) // 3])
    error = read_error("px", path)
    assert "DATA" in {p.field for p in error.problems}


def test_json_cut_in_half(tmp_path):
    raw = (FIXTURES / FIXTURE_OF["jsonstat"]).read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(raw[: len(raw) // 2])
    (problem,) = read_error("jsonstat", path).problems
    assert "valid JSON" in problem.expected


def test_csv_cut_in_a_row(tmp_path):
    raw = (FIXTURES / FIXTURE_OF["pxweb-csv"]).read_bytes()
    path = tmp_path / "cut.csv"
    path.write_bytes(raw[: raw.rindex(b",:")])
    (problem,) = read_error("pxweb-csv", path).problems
    assert problem.line == 6
    assert "4 fields" in problem.expected


def test_csv_cut_inside_quotes(tmp_path):
    raw = (FIXTURES / FIXTURE_OF["pxweb-csv"]).read_bytes()
    path = tmp_path / "cut.csv"
    path.write_bytes(raw[: raw.rindex(b'"Fem') + 4])
    (problem,) = read_error("pxweb-csv", path).problems
    assert problem.line == 6
    assert "quotes closed" in problem.expected


def check_outcome(kind: str, content: bytes) -> None:
    """Reading gives tables or an IngestError, nothing else, and the sniffer agrees."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(content)
        try:
            tables = READERS[kind](path)
        except IngestError as error:
            assert error.problems
            assert str(error)
        else:
            assert tables and all(isinstance(t, StatTable) for t in tables)
            for table in tables:
                assert list(table.data.columns[-2:]) == ["value", "status"]
                assert len(table.data) > 0
        try:
            assert sniff.detect_kind(path) in sniff.KINDS
        except IngestError as error:
            assert error.problems


@FUZZ
@given(kind=st.sampled_from(list(READERS)), content=st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise_anything_else(kind, content):
    check_outcome(kind, content)


@st.composite
def damaged(draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(list(READERS)))
    raw = bytearray((FIXTURES / FIXTURE_OF[kind]).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["delete", "insert", "replace"]))
        if action == "delete":
            del raw[at : at + draw(st.integers(1, 40))]
        elif action == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif at < len(raw):
            raw[at] = draw(st.sampled_from(b'";,=\n\r :.-"x0{}[]\x00\xeb\xff'))
    return kind, bytes(raw)


@FUZZ
@given(case=damaged())
def test_damaged_exports_never_raise_anything_else(case):
    check_outcome(*case)
