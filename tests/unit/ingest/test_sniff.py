import random
import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dashboard.ingest import common, sniff
from dashboard.ingest.common import IngestError

FIXTURES = Path(__file__).parents[2] / "fixtures" / "ask"


def copy_as(tmp_path: Path, fixture: str, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / fixture, target)
    return target


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        ("census_mitrovice_2011_2024.px", "px"),
        ("census_mitrovice_2011_2024.csv", "pxweb-csv"),
        ("census_mitrovice_2011_2024.json", "jsonstat"),
        ("sns_mitrovice_kosova_2023.px", "px"),
    ],
)
def test_fixtures(fixture, kind):
    assert sniff.detect_kind(FIXTURES / fixture) == kind


@pytest.mark.parametrize(
    ("fixture", "name", "kind"),
    [
        ("census_mitrovice_2011_2024.json", "export.csv", "jsonstat"),
        ("census_mitrovice_2011_2024.px", "export.csv", "px"),
        ("census_mitrovice_2011_2024.csv", "export.px", "pxweb-csv"),
        ("census_mitrovice_2011_2024.csv", "export", "pxweb-csv"),
    ],
)
def test_content_wins_over_extension(tmp_path, fixture, name, kind):
    assert sniff.detect_kind(copy_as(tmp_path, fixture, name)) == kind


def test_xlsx(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Komuna", "2011"])
    path = tmp_path / "tabela.xlsx"
    workbook.save(path)
    assert sniff.detect_kind(path) == "xlsx"


def test_semicolon_and_tab_csv_without_title(tmp_path):
    for text in ['"Komuna";"2011"\n"Mitrovicë";1\n', '"Komuna"\t"2011"\n"Mitrovicë"\t1\n']:
        path = tmp_path / "x.txt"
        path.write_text(text, encoding="utf-8")
        assert sniff.detect_kind(path) == "pxweb-csv"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (random.Random(7).randbytes(5000), "binary"),
        ("Komuna,2011\n".encode("utf-16"), "UTF-16"),
        (b"<!DOCTYPE html><html><body>Login</body></html>", "web page"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"%PDF-1.7\n", "PDF"),
        (b"PK\x03\x04" + b"not a workbook" * 10, "ZIP"),
        (b"just some words without structure\n", "export"),
    ],
)
def test_unrecognised_files(tmp_path, content, fragment):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    with pytest.raises(IngestError) as caught:
        sniff.detect_kind(path)
    message = str(caught.value)
    assert message.startswith("not a recognised export: upload.csv")
    assert fragment in message


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "empty.px"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match="empty"):
        sniff.detect_kind(empty)
    with pytest.raises(IngestError, match="readable"):
        sniff.detect_kind(tmp_path / "missing.px")


def test_a_200_mb_file_of_random_bytes_is_answered_quickly(tmp_path):
    path = tmp_path / "random.bin"
    with path.open("wb") as handle:
        handle.write(random.Random(1).randbytes(4 * 1024 * 1024))
        handle.truncate(common.MAX_BYTES)  # the rest is a sparse hole: still 200 MB to read
    assert path.stat().st_size == common.MAX_BYTES
    start = time.perf_counter()
    with pytest.raises(IngestError, match="not a recognised export"):
        sniff.detect_kind(path)
    assert time.perf_counter() - start < 2


def test_too_big_files_are_refused_without_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write(b'"Komuna","2011"\n')
        handle.truncate(common.MAX_BYTES + 1)
    with pytest.raises(IngestError, match="at most 200 MB"):
        sniff.detect_kind(path)


def test_display_name_is_used(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(b"\x00\x01\x02\x03")
    with pytest.raises(IngestError, match="not a recognised export: Tabela.csv"):
        sniff.detect_kind(path, display_name="Tabela.csv")


def test_a_workbook_is_recognised_without_an_extension(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Kodi i kategorisë", "Numri"])
    path = tmp_path / "upload"  # as the web page stages it: the user's name is kept apart
    workbook.save(path)
    assert sniff.detect_kind(path) == "xlsx"


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    # A Word document is a ZIP with [Content_Types].xml too, but no xl/workbook.xml.
    path = tmp_path / "raport.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(IngestError, match="ZIP archive that is not a workbook"):
        sniff.detect_kind(path)
