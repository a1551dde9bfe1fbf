"""Every refusal of the importers is said in sq, en and sr: file, row, column, value, expected.

Two halves: a scan of dashboard/ingest finds every problem the package can raise and the
message key it names (a problem without a key, or with a key built at run time, fails);
then broken files of each format are read and each problem is checked in Albanian and
Serbian as staff see it.
"""

from __future__ import annotations

import ast
import io
import json
import re
import string
from pathlib import Path

import pytest

from dashboard.catalog import load_catalogue
from dashboard.i18n import LANGUAGES, messages
from dashboard.ingest import (
    budget_execution,
    jsonstat,
    px,
    pxjson,
    pxweb_csv,
    pxweb_xlsx,
    qps,
    readings,
    sniff,
)
from dashboard.ingest.common import IngestError, Label, Problem

ROOT = Path(__file__).parents[3]
INGEST = ROOT / "dashboard" / "ingest"
FIXTURES = ROOT / "tests" / "fixtures"
DATA = ROOT / "data"
KEY_RE = re.compile(r"(?:imports|ingest)(?:\.[a-z0-9_]+)+")
ENGLISH_LEFTOVERS = (" expected", "column ", "(sheet ", "above the header", " values", " line ")

# where the message key sits in each way of making a problem: (positional index, keyword)
PROBLEM_MAKERS = {"Problem": (5, "key"), "problem": (4, "key"), "add": (4, "key"), "say": (3, None)}


def _calls() -> list[tuple[str, int, str, ast.expr | None]]:
    """Every call in dashboard/ingest that makes a problem, with the key expression it gives."""
    found = []
    for path in sorted(INGEST.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in PROBLEM_MAKERS or (name == "add" and len(node.args) < 4):
                continue  # set.add(x) and the like
            index, keyword = PROBLEM_MAKERS[name]
            key = node.args[index] if len(node.args) > index else None
            key = next((k.value for k in node.keywords if k.arg == keyword), key)
            found.append((path.name, node.lineno, name, key))
    return found


def _literal_keys() -> set[str]:
    """Every message key dashboard/ingest names as a literal (problems, labels, readings)."""
    keys = set()
    for path in sorted(INGEST.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if KEY_RE.fullmatch(node.value):
                    keys.add(node.value)
    return keys


def _reading_keys() -> set[str]:
    """The keys readings.py builds from its lists of roles and reasons."""
    roles = (*readings.ROLES, *readings.CONTENTS_ROLES, "none")
    return {f"imports.role.{role}" for role in roles} | {
        f"imports.reason.{reason}" for reason in readings.REASONS
    }


def test_the_scan_sees_the_problems_of_every_reader():
    files = {file for file, *_ in _calls()}
    for reader in ("px.py", "sniff.py", "budget_execution.py", "qps.py", "jsonstat.py"):
        assert reader in files
    assert len(_calls()) > 150


def test_every_problem_of_the_ingest_package_names_a_message_key():
    missing = []
    for file, line, name, key in _calls():
        if key is None or (isinstance(key, ast.Constant) and key.value is None):
            missing.append(f"{file}:{line} {name}(...) without a message key")
        elif isinstance(key, ast.JoinedStr):  # a key built at run time escapes the scan
            missing.append(f"{file}:{line} {name}(...) builds its key with an f-string")
        elif isinstance(key, ast.Constant) and not KEY_RE.fullmatch(str(key.value)):
            missing.append(f"{file}:{line} {name}(...) with {key.value!r}, not a message key")
    assert not missing, "\n".join(missing)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(_literal_keys() | _reading_keys()))
def test_each_message_key_is_in_sq_en_and_sr_and_translated(key):
    english = messages("en").get(key)
    assert english, f"{key} is not in the English catalogue"
    for lang in LANGUAGES:
        text = messages(lang).get(key)
        assert text, f"{key} is not in the {lang} catalogue"
        # a placeholder another language lacks would make the text fall back to English
        assert _placeholders(text) == _placeholders(english), (key, lang)
        if lang != "en":
            assert text != english, f"{key}: the {lang} text is the English one"


# --- broken files, as staff would upload them ----------------------------------------------


def said_in_sq_and_sr(problem: Problem) -> None:
    """The problem whole in Albanian and Serbian: where, what was found, what was expected."""
    assert problem.key is not None, problem
    for lang in ("sq", "sr"):
        text = problem.text(lang)
        expected = problem.expected_in(lang)
        assert expected != problem.expected, f"{problem.key} falls back to English"
        assert text.startswith(problem.file) and expected in text
        if problem.line is not None:
            assert f" {problem.line}," in text
        if problem.field is not None:
            assert problem.field_in(lang) in text
        if isinstance(problem.field, Label):
            assert problem.field_in(lang) != str(problem.field)
        if problem.value is not None:
            assert f"“{problem.value_in(lang)}”" in text or f"„{problem.value_in(lang)}”" in text
        for word in ENGLISH_LEFTOVERS:
            assert word not in text, (lang, text)


def refused(read, path: Path, **kwargs) -> list[Problem]:
    with pytest.raises(IngestError) as caught:
        read(path, display_name=path.name, **kwargs)
    for problem in caught.value.problems:
        said_in_sq_and_sr(problem)
    return caught.value.problems


def one(problems: list[Problem], key: str) -> Problem:
    matching = [p for p in problems if p.key == key]
    assert matching, [p.key for p in problems]
    return matching[0]


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_px_bad_cell_and_missing_entry(tmp_path):
    raw = (FIXTURES / "ask" / "census_mitrovice_2011_2024.px").read_bytes()
    data_at = raw.index(b"DATA=")
    body = raw[data_at:].replace(b"71909", b"7l909", 1)
    head = raw[:data_at].replace(b'UNITS="num', b'XUNITS="num', 1)
    problems = refused(px.read, write(tmp_path, "tabela.px", head + body))
    cell = one(problems, "imports.expected.cell")
    assert cell.value == "7l909" and cell.field == "DATA cell 1"
    assert "qeliza 1 e DATA" in cell.text("sq") and "ćelija 1 u DATA" in cell.text("sr")
    assert "numër me pikë dhjetore" in cell.text("sq")
    units = one(problems, "ingest.px.mandatory")
    assert "një hyrje UNITS (e detyrueshme në PC-Axis)" in units.text("sq")
    assert "unos UNITS (obavezan u PC-Axis formatu)" in units.text("sr")


def test_px_wrong_count_of_cells(tmp_path):
    raw = (FIXTURES / "ask" / "census_mitrovice_2011_2024.px").read_bytes()
    cut = raw[: raw.rindex(b";")].rstrip().rsplit(b" ", 1)[0] + b";\n"
    problem = one(refused(px.read, write(tmp_path, "cut.px", cut)), "ingest.px.cells_count")
    assert problem.value is not None and problem.value.endswith(" values")
    assert problem.value_in("sq").endswith(" vlera") and problem.value_in("sr").endswith(
        " vrednosti"
    )


def test_px_unknown_code_page(tmp_path):
    raw = (FIXTURES / "ask" / "census_mitrovice_2011_2024.px").read_bytes()
    path = write(tmp_path, "kodi.px", raw.replace(b'"windows-1252"', b'"klingon-7"'))
    problem = one(refused(px.read, path), "ingest.px.codepage")
    assert (problem.line, problem.field, problem.value) == (3, "CODEPAGE", "klingon-7")
    assert "faqe kodi e njohur" in problem.text("sq")
    assert "poznatu kodnu stranicu" in problem.text("sr")


def test_pxweb_csv_bad_cell_and_short_row(tmp_path):
    raw = (FIXTURES / "ask" / "census_mitrovice_2011_2024.csv").read_bytes()
    raw = raw.replace(b",71909,", b",71 909x,", 1) + b'"Mitrovic\xeb","Femra"\r\n'
    problems = refused(pxweb_csv.read, write(tmp_path, "tabela.csv", raw))
    cell = one(problems, "imports.expected.cell")
    assert (cell.line, cell.field, cell.value) == (4, "2011", "71 909x")
    assert "rreshti 4, kolona 2011: vlera “71 909x”" in cell.text("sq")
    assert "red 4, kolona 2011: vrednost „71 909x”" in cell.text("sr")
    one(problems, "imports.expected.fields")


def test_pxweb_csv_without_a_clear_delimiter(tmp_path):
    path = write(tmp_path, "ndares.csv", b"a;b,c\n1;2,3\n4;5,6\n")
    problem = one(refused(pxweb_csv.read, path), "ingest.csv.ambiguous")
    assert "presje" in problem.text("sq") and "pikëpresje" in problem.text("sq")
    assert "zarez" in problem.text("sr") and "tačka-zarez" in problem.text("sr")


def test_jsonstat_cut_short(tmp_path):
    raw = (FIXTURES / "ask" / "census_mitrovice_2011_2024.json").read_bytes()
    problem = one(refused(jsonstat.read, write(tmp_path, "cut.json", raw[:200])), "ingest.json.cut")
    assert "JSON i vlefshëm" in problem.text("sq") and "ispravan JSON" in problem.text("sr")


def test_jsonstat_wrong_number_of_values(tmp_path):
    document = json.loads(
        (FIXTURES / "ask" / "census_mitrovice_2011_2024.json").read_text("utf-8-sig")
    )
    document["value"] = document["value"][:-1]
    path = write(tmp_path, "vlerat.json", json.dumps(document).encode())
    problem = one(refused(jsonstat.read, path), "ingest.jsonstat.value_count")
    assert problem.field == "value" and "vlera, prodhimi i size" in problem.text("sq")


def test_pxjson_bad_cell(tmp_path):
    name = "ask_sns_families_members_2023M02_pxjson.json"
    document = json.loads((FIXTURES / "formats" / name).read_text("utf-8-sig"))
    document["data"][0]["values"][1] = "tetë"
    path = write(tmp_path, "sns.json", json.dumps(document).encode())
    problem = one(refused(pxjson.read, path), "ingest.number_or_symbol")
    assert (problem.field, problem.value) == ("data[0].values[1]", "tetë")
    assert "një numër ose një nga simbolet" in problem.text("sq")


def test_web_page_xlsx_bad_cell(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Popullsia sipas komunës dhe vitit"])
    sheet.append(["Komuna", "2011", "2011"])  # a year twice: two columns of one heading
    sheet.append(["Mitrovicë", 71909, 64742])
    sheet.append(["Vushtrri", 69870, 64546])
    buffer = io.BytesIO()
    book.save(buffer)
    path = write(tmp_path, "tabela.xlsx", buffer.getvalue())
    problem = one(refused(pxweb_xlsx.read, path), "ingest.xlsx.heading_once")
    assert (problem.line, problem.field, problem.value) == (2, "column 3", "2011")
    assert problem.text("sq") == (
        "tabela.xlsx, rreshti 2, kolona 3: vlera “2011”; "
        "pritej: çdo kombinim vlerash të kokës vetëm një herë"
    )
    assert problem.text("sr").startswith("tabela.xlsx, red 2, kolona 3: vrednost „2011”")


def test_qps_template_bad_month_and_category(tmp_path):
    raw = (FIXTURES / "qps" / "qps_template_filled_synthetic_2024.csv").read_bytes()
    lines = raw.splitlines(keepends=True)
    lines[1] = b"2024,13,3,12,F,0-5,4\n"
    lines[2] = b"2024,1,Kategori e panjohur,12,M,0-5,6\n"
    path = write(tmp_path, "qps.csv", b"".join(lines))
    catalogue = load_catalogue(DATA)
    problems = refused(qps.read, path, data_dir=DATA, catalogue=catalogue)
    month = one(problems, "imports.expected.qps_month")
    assert (month.line, month.field, month.value) == (2, "month (column B)", "13")
    assert "rreshti 2, month (kolona B): vlera “13”" in month.text("sq")
    assert "red 2, month (kolona B): vrednost „13”" in month.text("sr")
    category = one(problems, "imports.expected.qps_category")
    assert category.line == 3 and category.value == "Kategori e panjohur"


def test_qps_wide_sheet_bad_count(tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(FIXTURES / "qps" / "qps_wide_synthetic_2024.xlsx")
    sheet = book.worksheets[0]
    header = next(
        r for r in range(1, 20) if any(str(c.value).strip() == "Janar" for c in sheet[r] if c.value)
    )
    column = next(c.column for c in sheet[header] if str(c.value).strip() == "Janar")
    target = next(r for r in range(header + 1, header + 20) if sheet.cell(r, column).value)
    sheet.cell(target, column).value = "pesë"
    buffer = io.BytesIO()
    book.save(buffer)
    path = write(tmp_path, "qps.xlsx", buffer.getvalue())
    catalogue = load_catalogue(DATA)
    problems = refused(qps.read, path, data_dir=DATA, catalogue=catalogue)
    count = next(p for p in problems if p.value == "pesë")
    assert count.key == "imports.expected.qps_count" and count.line == target
    assert "Janar (kolona " in count.text("sq") and "Janar (kolona " in count.text("sr")


def test_budget_sheet_every_bad_cell(tmp_path):
    path = FIXTURES / "budget" / "budget_execution_synthetic_bad.csv"
    catalogue = load_catalogue(DATA)
    problems = refused(budget_execution.read, path, data_dir=DATA, catalogue=catalogue)
    quarter = one(problems, "ingest.budget.quarter")
    assert (quarter.line, quarter.field, quarter.value) == (4, "period (column D)", "2026-Q5")
    assert "rreshti 4, period (kolona D): vlera “2026-Q5”" in quarter.text("sq")
    assert "nuk ka tremujor 5" in quarter.text("sq") and "ne postoji kvartal 5" in quarter.text(
        "sr"
    )
    once = one(problems, "ingest.budget.once")
    assert once.value_in("sq") == "rreshti 4, 2026-Q1" and once.value_in("sr") == "red 4, 2026-Q1"
    one(problems, "ingest.budget.negative")
    one(problems, "ingest.budget.total")


def test_budget_sheet_without_its_header(tmp_path):
    path = write(tmp_path, "buxheti.csv", b"a,b,c\n1,2,3\n")
    catalogue = load_catalogue(DATA)
    problem = one(
        refused(budget_execution.read, path, data_dir=DATA, catalogue=catalogue),
        "ingest.budget.header",
    )
    assert "një fletë e realizimit të buxhetit" in problem.text("sq")
    assert "list izvršenja budžeta" in problem.text("sr")


@pytest.mark.parametrize(
    ("content", "key", "sq", "sr"),
    [
        (b"%PDF-1.7\n...", "ingest.sniff.pdf", "dokument PDF", "PDF dokument"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "ingest.sniff.xls", ".xls", ".xls"),
        (b"<html><body>Gabim</body></html>", "ingest.sniff.html", "faqe interneti", "veb stranica"),
        (b"PK\x03\x04not a workbook", "ingest.sniff.zip", "arkiv ZIP", "ZIP arhiva"),
        (b"\n\n", "imports.expected.not_empty", "bosh", "prazna"),
    ],
)
def test_a_file_that_is_no_export(tmp_path, content, key, sq, sr):
    path = write(tmp_path, "shkarkimi.bin", content)
    with pytest.raises(IngestError) as caught:
        sniff.detect_kind(path, display_name="shkarkimi.bin")
    (problem,) = caught.value.problems
    said_in_sq_and_sr(problem)
    assert problem.key == key and sq in problem.text("sq") and sr in problem.text("sr")


@pytest.mark.parametrize(
    ("choice", "key"), [("Viti", "ingest.choice.syntax"), ("Viti=ngjyra", "ingest.choice.role")]
)
def test_a_column_choice_that_cannot_be_read(choice, key):
    with pytest.raises(readings.ChoiceError) as caught:
        readings.parse_choice(choice)
    (problem,) = caught.value.problems
    said_in_sq_and_sr(problem)
    assert problem.key == key and problem.value == choice
    assert isinstance(caught.value, ValueError)  # callers that catch ValueError still do
