"""Every ASK/QPS export shape the importers used to refuse imports to the exact figures.

The fixtures are written by tests/fixtures/formats/make_fixtures.py; their real figures
(population 2011/2024 by municipality, SNS February 2023) are compared with the rows the
importer would store, cell by cell, through the same functions the upload page calls.
Each is also imported from a staged copy without a file extension (as the web page
stores uploads): no reader may depend on the file name.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard.ingest import importer, jsonstat, mapping

ROOT = Path(__file__).resolve().parents[3]
FORMATS = ROOT / "tests" / "fixtures" / "formats"
IMPORT = ROOT / "tests" / "fixtures" / "import"
_spec = importlib.util.spec_from_file_location("format_fixtures", FORMATS / "make_fixtures.py")
assert _spec is not None and _spec.loader is not None
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)

NORTH = {"Leposaviq", "Zubin Potok", "Zveqan", "Mitrovica Veriore"}


@pytest.fixture()
def private(tmp_path, settings):
    """Settings with an empty journal and no database: previews only read."""
    return settings.model_copy(
        update={"db_path": tmp_path / "db" / "dms.duckdb", "imports_dir": tmp_path / "imports"}
    )


def preview(path: Path, settings, staged: Path | None = None, **kwargs) -> importer.ImportPreview:
    """Preview the file, or a copy of it without extension when ``staged`` is a folder."""
    if staged is not None:
        copy = staged / "upload-0001"
        shutil.copyfile(path, copy)
        result = importer.preview(copy, display_name=path.name, settings=settings, **kwargs)
    else:
        result = importer.preview(path, settings=settings, **kwargs)
    return result


def population_expected() -> dict[tuple[str, int], tuple[int | None, str | None]]:
    expected = {}
    for name, y2011, y2024 in fixtures.POPULATION:
        expected[(name, 2011)] = (y2011, None if y2011 is not None else ".")
        expected[(name, 2024)] = (y2024, None)
    return expected


def population_found(frame: pd.DataFrame) -> dict[tuple[str, int], tuple[int | None, str | None]]:
    return {
        (row.municipality, int(row.year)): (
            None if pd.isna(row.population) else int(row.population),
            None if pd.isna(row.status) else row.status,
        )
        for row in frame.itertuples()
    }


POPULATION_FILES = [
    "ask_population_by_municipality_2011_2024_years_heading.csv",
    "ask_population_by_municipality_2011_2024_webpage.xlsx",
    "ask_population_by_municipality_2011_2024_pxjson.json",
]


@pytest.mark.parametrize("name", POPULATION_FILES)
@pytest.mark.parametrize("staged", [False, True], ids=["named", "staged"])
def test_population_by_municipality_imports_exactly(name, staged, private, tmp_path):
    result = preview(FORMATS / name, private, tmp_path if staged else None)
    assert result.ok, result.error()
    assert set(result.rows) == {"population_by_municipality"}
    found = population_found(result.rows["population_by_municipality"])
    assert found == population_expected()
    # the four northern municipalities were not enumerated in 2011: unknown, never 0
    assert {k for k, (value, status) in found.items() if value is None} == {
        (name, 2011) for name in NORTH
    }


def test_a_heading_of_years_is_read_from_its_values(private):
    result = preview(FORMATS / POPULATION_FILES[0], private)
    (heading,) = [r for r in result.readings if r.column == "heading"]
    assert (heading.role, heading.reason, heading.values) == ("year", "values", ("2011", "2024"))
    assert heading.explain("en") == "heading: Year, from its values 2011, 2024"


def test_px_json_municipality_codes_are_flagged_for_staff(private):
    result = preview(FORMATS / POPULATION_FILES[2], private)
    (komuna,) = [r for r in result.readings if r.column == "Komuna"]
    assert komuna.reason == "code" and not komuna.certain


def sns_found(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    assert set(frame["period"]) == {"2023-02"} and set(frame["category"]) == {"all"}
    return {(row.municipality, row.measure): int(row.value) for row in frame.itertuples()}


SNS_EXPECTED = {
    ("Kosovë" if name == "KOSOVA" else name, measure): value
    for name, families, members in fixtures.SNS_2023_02
    for measure, value in (("families", families), ("members", members))
}


@pytest.mark.parametrize(
    "name",
    [
        "ask_sns_families_members_2023M02_month_measure.csv",
        "ask_sns_families_members_2023M02_webpage.xlsx",
    ],
)
@pytest.mark.parametrize("staged", [False, True], ids=["named", "staged"])
def test_sns_month_and_measure_heading_imports_exactly(name, staged, private, tmp_path):
    result = preview(FORMATS / name, private, tmp_path if staged else None)
    assert result.ok, result.error()
    assert sns_found(result.rows["sns_beneficiaries"]) == SNS_EXPECTED


def test_px_json_with_two_contents_is_a_measure(private, tmp_path):
    result = preview(FORMATS / "ask_sns_families_members_2023M02_pxjson.json", private, tmp_path)
    assert result.ok, result.error()
    kosovo = {key for key in SNS_EXPECTED if key[0] == "Kosovë"}
    expected = {k: v for k, v in SNS_EXPECTED.items() if k not in kosovo}
    assert sns_found(result.rows["sns_beneficiaries"]) == expected


def test_a_heading_joining_month_and_measure_is_split_into_both(private):
    result = preview(FORMATS / "ask_sns_families_members_2023M02_month_measure.csv", private)
    parts = {r.column: (r.role, r.reason, r.source) for r in result.readings}
    assert parts["heading[1]"] == ("month", "split", "heading")
    assert parts["heading[2]"] == ("measure", "split", "heading")


def age_sex_rows(result: importer.ImportPreview) -> dict[str, pd.DataFrame]:
    assert result.ok, result.error()
    out = {}
    for name, frame in result.rows.items():
        frame = frame.drop(columns=[c for c in ("source", "note") if c in frame.columns])
        out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True).astype(str)
    return out


@pytest.mark.parametrize(
    "name",
    [
        "ask_population_mitrovica_age_sex_en_noheading_synthetic.csv",
        "ask_population_mitrovice_age_sex_webpage_synthetic.xlsx",
    ],
)
def test_age_sex_cube_reads_as_the_same_rows_as_its_px(name, private, tmp_path):
    """English CSV without its heading line / XLSX with stub values only where they change."""
    expected = age_sex_rows(
        preview(IMPORT / "census_mitrovice_age_sex_synthetic_2011_2024.px", private)
    )
    found = age_sex_rows(preview(FORMATS / name, private, tmp_path))
    assert found.keys() == expected.keys()
    for dataset, frame in expected.items():
        pd.testing.assert_frame_equal(found[dataset], frame)
    # the totals were checked and not stored beside their parts
    assert not (found["population_by_age_sex"]["sex"] == "all").any()


def test_qps_clients_without_a_service_are_a_measure_of_their_own(private, tmp_path):
    result = preview(
        FORMATS / "qps_clients_by_category_month_synthetic_2024.xlsx", private, tmp_path
    )
    assert result.ok, result.error()
    assert result.kind == "qps"
    assert set(result.rows) == {"client_counts"}  # never added to service_counts
    frame = result.rows["client_counts"]
    found = {(int(r.client_category_code), int(r.month)): int(r.count) for r in frame.itertuples()}
    assert found == {(1, 1): 3, (1, 2): 2, (1, 3): 4, (3, 1): 5, (3, 3): 6}
    assert frame["service_code"].isna().all()
    (reading,) = result.readings
    assert reading.reason == "qps_clients"
    assert "kept apart from the services" in reading.explain("en")


def test_web_page_xlsx_is_not_taken_for_a_qps_sheet(tmp_path):
    copy = tmp_path / "staged"
    shutil.copyfile(FORMATS / "ask_population_by_municipality_2011_2024_webpage.xlsx", copy)
    assert importer.detect(copy) == "pxweb-xlsx"


def test_json_stat_bundle_is_read(tmp_path):
    dataset = {
        "label": "Popullsia sipas komunës dhe vitit",
        "dimension": {
            "id": ["Komuna", "Viti"],
            "size": [1, 2],
            "Komuna": {
                "label": "Komuna",
                "category": {"index": {"11": 0}, "label": {"11": "Mitrovicë"}},
            },
            "Viti": {"label": "Viti", "category": {"index": {"2011": 0, "2024": 1}}},
        },
        "value": [71909, 64742],
    }
    path = tmp_path / "bundle"
    path.write_text(json.dumps({"dataset": dataset}), encoding="utf-8")
    (table,) = jsonstat.read(path)
    assert table.data["value"].tolist() == [71909, 64742]
    assert table.data["Komuna"].tolist() == ["Mitrovicë", "Mitrovicë"]


@pytest.mark.parametrize(
    ("labels", "role"),
    [
        (["2011", "2024"], "year"),
        (["2023M01", "2023M02"], "month"),
        (["2023Q1", "2023Q2"], "month"),
        (["2023K1", "2023K2"], "month"),
        (["Gjithsej", "Meshkuj", "Femra"], "sex"),
        (["Total", "Male", "Female"], "sex"),
        (["Ukupno", "Muškarci", "Žene"], "sex"),
        (["Familjet", "Anëtarët"], "measure"),
        (["Porodice", "Članovi"], "measure"),
        (["0", "1", "84", "85+"], "age"),
        (["Gjithsej", "0-4", "85 e më shumë"], "age"),
        (["Kategoria I", "Kategoria II", "Gjithsej"], "category"),
        (["Mitrovicë", "Vushtrri", "KOSOVA"], "municipality"),
        (["Mitrovica", "Pristina"], "municipality"),
        (["Lorem", "Ipsum"], None),
    ],
)
def test_roles_from_values(labels, role):
    places = mapping.Places.from_data_dir(ROOT / "data")
    assert mapping.value_role(labels, places) == role


def test_an_ambiguous_or_unknown_heading_is_left_for_staff():
    assert mapping.split_labels(["Lorem 2011", "Ipsum 2024"]) is None
    assert mapping.split_labels(["2011 Total", "2024 Total"]) == (
        [["2011", "2024"], ["Total", "Total"]],
        ["year", None],
    )


def test_a_heading_of_three_variables_is_split_into_three():
    labels = [
        f"2023 {month} {measure}"
        for month in ("Janar", "Shkurt")
        for measure in ("Familjet", "Anëtarët")
    ]
    parts, roles = mapping.split_labels(labels)
    assert roles == ["year", "month", "measure"]
    assert parts[1] == ["Janar", "Janar", "Shkurt", "Shkurt"]
    assert parts[2] == ["Familjet", "Anëtarët", "Familjet", "Anëtarët"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("sq", ("rreshti", "kolona", "pritej", "një komunë e data/municipalities.csv")),
        ("en", ("row", "column", "expected", "a municipality of data/municipalities.csv")),
        ("sr", ("red", "kolona", "očekivano", "opštinu iz data/municipalities.csv")),
    ],
)
def test_a_refusal_is_said_whole_in_the_users_language(lang, words, private, tmp_path):
    raw = (FORMATS / POPULATION_FILES[0]).read_bytes()
    path = tmp_path / "upload"
    path.write_bytes(raw.replace(b'"Viti",', b'"Vitiaa",'))
    result = importer.preview(path, display_name="tabela.csv", settings=private)
    (problem,) = result.problems
    text = problem.text(lang)
    assert text.startswith("tabela.csv") and problem.line == 29  # the row of "Vitiaa"
    assert " 29," in text and "Komuna" in text and "Vitiaa" in text
    for word in words:
        assert word in text
    if lang != "en":
        assert "expected" not in text and "unknown name" not in text


@pytest.mark.parametrize("years_as", ["numbers", "text on the stub header"])
def test_web_page_xlsx_variants(years_as, private, tmp_path):
    """Years as number cells above the stub header, or on the stub header's own row."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Popullsia sipas komunës dhe vitit"])
    if years_as == "numbers":
        sheet.append([None, 2011, 2024])
        sheet.append(["Komuna"])
    else:
        sheet.append(["Komuna", "2011", "2024"])
    for name, y2011, y2024 in fixtures.POPULATION:
        sheet.append([name, "." if y2011 is None else y2011, y2024])
    sheet.append(["Burimi: ASK"])
    path = tmp_path / "upload"
    book.save(tmp_path / "book.xlsx")
    shutil.move(tmp_path / "book.xlsx", path)
    result = importer.preview(path, display_name="tabela.xlsx", settings=private)
    assert result.ok, result.error()
    assert result.kind == "pxweb-xlsx"
    assert population_found(result.rows["population_by_municipality"]) == population_expected()


@pytest.mark.parametrize(
    "spelling",
    ["Mitrovica", "Mitrovicë e Jugut", "South Mitrovica", "Južna Mitrovica", "Prishtina"],
)
def test_place_spellings_in_the_three_languages(spelling):
    places = mapping.Places.from_data_dir(ROOT / "data")
    assert places.resolve(spelling, ("municipality",)) is not None


def test_every_problem_key_is_in_the_three_catalogues():
    import re

    from dashboard.i18n import LANGUAGES, messages

    source = "".join(path.read_text() for path in (ROOT / "dashboard" / "ingest").glob("*.py"))
    keys = set(re.findall(r'"(imports\.expected\.[a-z_]+)"', source))
    keys |= {f"imports.expected.qps_{name}" for name in ("year", "month", "category", "service")}
    keys |= {f"imports.expected.qps_{name}" for name in ("sex", "age", "municipality")}
    assert len(keys) > 30
    for lang in LANGUAGES:
        missing = sorted(key for key in keys if key not in messages(lang))
        assert missing == [], (lang, missing)


def test_a_cell_problem_is_translated_with_its_values(tmp_path, private):
    raw = (FORMATS / POPULATION_FILES[0]).read_bytes().replace(b",40019,", b",40 019,")
    path = tmp_path / "upload"
    path.write_bytes(raw)
    (problem,) = importer.preview(path, display_name="t.csv", settings=private).problems
    assert (problem.line, problem.field, problem.value) == (4, "2011", "40 019")
    assert problem.expected_in("sq").startswith("një numër me pikë dhjetore ose një nga simbolet :")
    assert "broj sa decimalnom tačkom" in problem.text("sr")


def _population_csv(delimiter: str, heading: bool) -> str:
    quote = '"{}"'.format
    lines = [quote("Popullsia sipas komunave"), ""] if heading else []
    lines.append(delimiter.join(map(quote, ("Komuna", "2011", "2024"))))
    for name, y2011, y2024 in fixtures.POPULATION:
        cells = [quote(name), "." if y2011 is None else str(y2011), str(y2024)]
        lines.append(delimiter.join(cells))
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    "delimiter", [",", ";", "\t", " "], ids=["comma", "semicolon", "tab", "space"]
)
@pytest.mark.parametrize("heading", [True, False], ids=["heading", "no-heading"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_every_csv_variant_imports_exactly(delimiter, heading, encoding, private, tmp_path):
    path = tmp_path / "upload"
    path.write_bytes(_population_csv(delimiter, heading).encode(encoding))
    result = importer.preview(path, display_name="tabela.csv", settings=private)
    if not heading:  # nothing says what the figures count: staff say it
        assert not result.ok
        (contents,) = [r for r in result.readings if r.column == "(contents)"]
        assert contents.role is None and not contents.certain
        choices = {"(contents)": "population"}
        result = importer.preview(
            path, display_name="tabela.csv", settings=private, choices=choices
        )
    assert result.ok, result.error()
    found = population_found(result.rows["population_by_municipality"])
    assert found == population_expected()


def test_qps_template_counting_clients_per_service(private, tmp_path):
    path = tmp_path / "upload"
    path.write_text(
        "year,month,client_category_code,service_code,sex,age_group,clients\n"
        "2024,1,1,5,F,0-5,3\n2024,1,1,6,F,0-5,2\n2024,2,3,5,all,all,:\n",
        encoding="utf-8",
    )
    result = importer.preview(path, display_name="klientet.csv", settings=private)
    assert result.ok, result.error()
    assert set(result.rows) == {"client_counts"}
    frame = result.rows["client_counts"]
    assert frame["service_code"].tolist() == [5, 6, 5]
    assert frame["count"].tolist()[:2] == [3, 2] and pd.isna(frame["count"].iloc[2])
    assert frame["status"].tolist()[2] == ":"  # unknown, never 0


def test_staff_say_an_untitled_table_counts_families(workspace, tmp_path, capsys):
    from dashboard import cli
    from tests.unit.ingest.cli_tools import run

    path = tmp_path / "families.csv"
    lines = ['"Komuna","2023M02"'] + [f'"{n}",{f}' for n, f, _ in fixtures.SNS_2023_02]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = importer.preview(path, settings=workspace, choices={"(contents)": "families"})
    assert result.ok, result.error()
    expected = {k: v for k, v in SNS_EXPECTED.items() if k[1] == "families"}
    assert sns_found(result.rows["sns_beneficiaries"]) == expected

    code, out, err = run(capsys, "import", str(path), "--dry-run", "--lang", "sq")
    assert code == 1 and "(contents): titulli nuk thotë çfarë numërojnë shifrat" in out
    assert cli.main(["import", str(path), "--dry-run", "--map", "(contents)=families"]) == 0
