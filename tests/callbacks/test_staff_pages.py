"""The staff pages: upload (/ngarkimi), result entry (on the same page) and audit (/auditimi).

Callbacks go through Flask's test client as each role would send them (the server decides
who may run them), and the pure helpers are called directly. Whatever changes data runs on
a private workspace (database + journals), so the session database stays as built.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
from pathlib import Path

import pytest

from dashboard import entries
from dashboard.db import get_database
from dashboard.ingest import importer, recipes, staging
from dashboard.ingest.common import Problem
from dashboard.ingest.writers import BuildError
from dashboard.pipeline import rebuild
from tests.unit.ingest.cli_tools import snapshot

ROOT = Path(__file__).resolve().parents[2]
GOOD_FILE = (
    ROOT / "tests" / "fixtures" / "import" / ("census_mitrovice_age_sex_synthetic_2011_2024.json")
)
SCRIPT = "<script>alert(1)</script>"
UPLOAD_OUTPUT = (
    "..ngarkimi-preview.children...ngarkimi-staged.data...ngarkimi-result.children"
    "...ngarkimi-mapping.data.."
)
ENTRY_OUTPUT = "..ngarkimi-entry-result.children...ngarkimi-history.children.."


def upload_part(name: str):
    """A module of the upload page's jobs (dashboard/pages/_<name>.py)."""
    return sys.modules[f"dashboard.pages._{name}"]


# The upload page and the modules of its jobs, each reading the settings for itself.
UPLOAD_MODULES = (
    "upload",
    "_upload_actions",
    "_upload_history",
    "_result_entry",
    "_column_mapping",
)


def use_settings(monkeypatch, settings) -> None:
    """Point the upload page and its jobs at private settings."""
    for name in UPLOAD_MODULES:
        monkeypatch.setattr(
            sys.modules[f"dashboard.pages.{name}"], "get_settings", lambda: settings
        )


def audit_page():
    return sys.modules["dashboard.pages.audit"]


@pytest.fixture()
def workspace(app, tmp_path, settings, monkeypatch):
    """A private database, import journal, entries journal and state folder for the pages."""
    private = settings.model_copy(
        update={"db_path": tmp_path / "db" / "dms.duckdb", "imports_dir": tmp_path / "imports"}
    )
    rebuild(private)
    use_settings(monkeypatch, private)
    monkeypatch.setattr(audit_page(), "get_settings", lambda: private)
    return private


def reported(settings, code: str, year: int) -> list[tuple]:
    found = get_database(settings).query_uncached(
        "plan_indicator_reported_value", {"indicator_code": code, "year": year, "kind": "reported"}
    )
    return list(found[["value", "source"]].itertuples(index=False, name=None))


def an_indicator(settings, unit: str) -> str:
    indicators = get_database(settings).query_uncached("plan_indicator_list")
    return min(indicators.loc[indicators["unit"] == unit, "indicator_code"])


def post(client, csrf_token, output, inputs, state, changed):
    """POST a callback as dash-renderer does, `changed` naming the input that fired."""
    from dash._utils import split_callback_id

    body = {
        "output": output,
        "outputs": split_callback_id(output),
        "inputs": inputs,
        "state": state,
        "changedPropIds": [changed],
    }
    return client.post(
        "/_dash-update-component", json=body, headers={"X-CSRFToken": csrf_token(client)}
    )


def upload_call(client, csrf_token, changed, contents=None, filename=None, staged=None):
    inputs = [
        {"id": "ngarkimi-file", "property": "contents", "value": contents},
        {"id": "ngarkimi-apply", "property": "n_clicks", "value": 1},
        {"id": "ngarkimi-cancel", "property": "n_clicks", "value": 0},
    ]
    state = [
        {"id": "ngarkimi-file", "property": "filename", "value": filename},
        {"id": "ngarkimi-staged", "property": "data", "value": staged},
        {"id": "ngarkimi-lang", "property": "data", "value": "en"},
    ]
    return post(client, csrf_token, UPLOAD_OUTPUT, inputs, state, changed)


def undo_button(kind: str, index) -> dict:
    """The pattern-matching id of a history row's undo button, as dash-renderer sends it."""
    return {"index": index, "type": f"ngarkimi-{kind}-undo"}


def button_prop(button_id: dict) -> str:
    """The changed-property id of a pattern-matching button's click."""
    return json.dumps(button_id, sort_keys=True, separators=(",", ":")) + ".n_clicks"


def entry_call(client, csrf_token, changed, undo=None, **values):
    """Save (changed="ngarkimi-save.n_clicks") or click the undo button of entry `undo`."""
    buttons = [undo_button("entry", undo)] if undo is not None else []
    inputs = [
        {"id": "ngarkimi-save", "property": "n_clicks", "value": 1},
        [{"id": button, "property": "n_clicks", "value": 1} for button in buttons],
    ]
    state = [
        {"id": f"ngarkimi-{name}", "property": "value", "value": values.get(name)}
        for name in ("indicator", "year", "value", "source", "comment")
    ] + [{"id": "ngarkimi-lang", "property": "data", "value": "en"}]
    return post(client, csrf_token, ENTRY_OUTPUT, inputs, state, changed)


def data_url(content: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(content).decode()


def texts(node) -> list[str]:
    """Every string in a rendered component tree (as JSON), in order."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [text for item in node for text in texts(item)]
    if isinstance(node, dict):
        return texts(node.get("props", {}).get("children")) if "props" in node else []
    return []


# --- pages by role ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/ngarkimi", (302, 403, 200, 200)), ("/auditimi", (302, 403, 403, 200))],
)
def test_staff_pages_answer_each_role(client_for, path, expected):
    for role, code in zip(("public", "viewer", "editor", "admin"), expected, strict=True):
        assert client_for(role).get(path).status_code == code, (path, role)


def test_the_upload_callback_needs_an_editor(client_for, csrf_token):
    codes = [
        upload_call(client_for(role), csrf_token, "ngarkimi-cancel.n_clicks").status_code
        for role in ("public", "viewer", "editor", "admin")
    ]
    assert codes == [401, 403, 200, 200]


def test_the_audit_callback_needs_an_admin(client_for, csrf_token):
    output = "auditimi-table.children"
    inputs = [
        {"id": "auditimi-filter", "property": "value", "value": "import"},
        {"id": "auditimi-kind", "property": "value", "value": "all"},
    ]
    state = [{"id": "auditimi-lang", "property": "data", "value": "en"}]
    codes = [
        post(
            client_for(role), csrf_token, output, inputs, state, "auditimi-filter.value"
        ).status_code
        for role in ("public", "viewer", "editor", "admin")
    ]
    assert codes == [401, 403, 403, 200]


# --- upload -------------------------------------------------------------------------------


def test_a_bad_upload_shows_every_error_as_text_and_changes_nothing(
    workspace, client_for, csrf_token
):
    before = snapshot(workspace)
    name = f"{SCRIPT}.json"
    response = upload_call(
        client_for("editor"),
        csrf_token,
        "ngarkimi-file.contents",
        contents=data_url(b'{"version": "2.0", "class": "dataset", "id": ["Komuna"'),
        filename=name,
    )
    assert response.status_code == 200
    result = response.get_json()["response"]
    shown = " ".join(texts(result["ngarkimi-preview"]["children"]))
    assert SCRIPT in shown and "nothing was imported" in shown  # the name as plain text
    assert "dangerouslySetInnerHTML" not in response.get_data(as_text=True)
    assert result["ngarkimi-staged"]["data"] is None  # nothing to apply
    assert snapshot(workspace) == before
    # Apply with no staged file, or with a token that is not ours, does nothing either.
    for staged in (None, "../../etc/passwd", "0" * 32):
        refused = upload_call(
            client_for("editor"), csrf_token, "ngarkimi-apply.n_clicks", staged=staged
        )
        assert refused.status_code == 200
    assert snapshot(workspace) == before


def test_a_good_upload_previews_then_applies_and_is_audited(workspace, client_for, csrf_token):
    client = client_for("editor")
    response = upload_call(
        client,
        csrf_token,
        "ngarkimi-file.contents",
        contents=data_url(GOOD_FILE.read_bytes()),
        filename="popullsia.json",
    )
    result = response.get_json()["response"]
    token = result["ngarkimi-staged"]["data"]
    shown = " ".join(texts(result["ngarkimi-preview"]["children"]))
    assert token and "population_by_age_sex: 72 rows added" in shown
    assert importer.list_imports(workspace) == []  # a preview changes nothing
    applied = upload_call(client, csrf_token, "ngarkimi-apply.n_clicks", staged=token)
    message = " ".join(texts(applied.get_json()["response"]["ngarkimi-result"]["children"]))
    assert "popullsia.json was imported" in message
    [entry] = importer.list_imports(workspace)
    assert entry.user == "editor" and entry.original_name == "popullsia.json"
    assert staging.staged_file(workspace, token) is None  # the staged copy is gone
    rows = audit_page().audit_rows()
    assert any(r.action == "import.accepted" and r.target == "popullsia.json" for r in rows)
    assert any(r.action == "journal.import" and r.actor == "editor" for r in rows)


HISTORY_OUTPUT = "..ngarkimi-imports.children...ngarkimi-import-result.children.."
QPS_TEMPLATE = ROOT / "tests" / "fixtures" / "qps" / "qps_template_filled_synthetic_2024.xlsx"


def history_call(client, csrf_token, undo=None):
    """Refresh the import history (as after an apply), or click the undo of import `undo`."""
    buttons = [undo_button("import", undo)] if undo is not None else []
    inputs = [
        {"id": "ngarkimi-result", "property": "children", "value": None},
        [{"id": button, "property": "n_clicks", "value": 1} for button in buttons],
    ]
    state = [{"id": "ngarkimi-lang", "property": "data", "value": "en"}]
    changed = button_prop(buttons[0]) if buttons else "ngarkimi-result.children"
    return post(client, csrf_token, HISTORY_OUTPUT, inputs, state, changed)


def row_counts(settings) -> dict[str, int]:
    counts = get_database(settings).query_uncached("dataset_row_counts")
    return dict(zip(counts["name"], counts["row_count"], strict=True))


def test_an_xlsx_upload_is_recognised_by_content_and_keeps_its_name(
    workspace, client_for, csrf_token
):
    client = client_for("editor")
    response = upload_call(
        client,
        csrf_token,
        "ngarkimi-file.contents",
        contents=data_url(QPS_TEMPLATE.read_bytes()),
        filename="Shablloni QPS.xlsx",
    )
    result = response.get_json()["response"]
    token = result["ngarkimi-staged"]["data"]
    assert staging.staged_file(workspace, token).name == "upload"  # no extension to go by
    shown = " ".join(texts(result["ngarkimi-preview"]["children"]))
    assert "Shablloni QPS.xlsx (QPS sheet) is valid" in shown
    assert "service_counts: 8 rows added" in shown
    applied = upload_call(client, csrf_token, "ngarkimi-apply.n_clicks", staged=token)
    message = " ".join(texts(applied.get_json()["response"]["ngarkimi-result"]["children"]))
    assert "Shablloni QPS.xlsx was imported" in message
    [entry] = importer.list_imports(workspace)
    assert entry.kind == "qps" and entry.original_name == "Shablloni QPS.xlsx"


def test_the_import_history_lists_imports_and_undoes_one_in_the_page(
    workspace, client_for, csrf_token
):
    before = row_counts(workspace)
    client = client_for("editor")
    staged = upload_call(
        client,
        csrf_token,
        "ngarkimi-file.contents",
        contents=data_url(GOOD_FILE.read_bytes()),
        filename="popullsia.json",
    ).get_json()["response"]["ngarkimi-staged"]["data"]
    upload_call(client, csrf_token, "ngarkimi-apply.n_clicks", staged=staged)
    [entry] = importer.list_imports(workspace)
    assert row_counts(workspace) != before
    listed = history_call(client, csrf_token).get_json()["response"]
    shown = " ".join(texts(listed["ngarkimi-imports"]["children"]))
    for expected in (
        "popullsia.json",
        "editor",
        "JSON-stat",
        "population_by_age_sex: 72",
        "active",
    ):
        assert expected in shown
    assert entry.imported_at[:10] in shown
    # A viewer may see no history and undo nothing.
    assert history_call(client_for("viewer"), csrf_token, undo=entry.id).status_code == 403
    undone = history_call(client, csrf_token, undo=entry.id).get_json()["response"]
    message = " ".join(texts(undone["ngarkimi-import-result"]["children"]))
    assert f"Import {entry.id} (popullsia.json) was undone" in message
    assert "undone by editor" in " ".join(texts(undone["ngarkimi-imports"]["children"]))
    [entry] = importer.list_imports(workspace)
    assert not entry.active and entry.undone_by == "editor"
    assert row_counts(workspace) == before
    unknown = history_call(client, csrf_token, undo="9999-deadbeef").get_json()["response"]
    assert "There is no import" in " ".join(texts(unknown["ngarkimi-import-result"]["children"]))


def test_every_message_key_of_the_upload_page_exists():
    from dashboard.i18n import LANGUAGES, messages
    from tests.unit.test_i18n import _literal_keys

    keys = set().union(
        *(_literal_keys(ROOT / "dashboard" / "pages" / f"{name}.py") for name in UPLOAD_MODULES),
        _literal_keys(ROOT / "dashboard" / "pages" / "_upload_preview.py"),
    )
    kinds = {f"upload.kind.{kind}" for kind in upload_part("upload_history").KIND_KEYS}
    units = {f"entry.unit.{unit}" for unit in entries.ENTERED_UNITS}
    assert len(keys) > 30
    for lang in LANGUAGES:
        assert not (keys | kinds | units) - set(messages(lang)), lang


def test_a_budget_execution_sheet_uploads_like_any_export(workspace, client_for, csrf_token):
    sheet = Path(__file__).parent.parent / "fixtures" / "budget"
    sheet = sheet / "budget_execution_synthetic_2026_cp1252.csv"
    client = client_for("editor")
    response = upload_call(
        client, csrf_token, "ngarkimi-file.contents", data_url(sheet.read_bytes()), sheet.name
    )
    result = response.get_json()["response"]
    shown = " ".join(texts(result["ngarkimi-preview"]["children"]))
    assert "budget_execution" in shown and "rows added" in shown
    token = result["ngarkimi-staged"]["data"]
    applied = upload_call(client, csrf_token, "ngarkimi-apply.n_clicks", staged=token)
    message = " ".join(texts(applied.get_json()["response"]["ngarkimi-result"]["children"]))
    assert f"{sheet.name} was imported" in message
    [entry] = importer.list_imports(workspace)
    assert entry.kind == "budget"


def test_staged_uploads_older_than_a_session_are_removed(app, tmp_path, settings, monkeypatch):
    private = settings.model_copy(update={"state_dir": tmp_path / "state"})
    use_settings(monkeypatch, private)
    old, _ = upload_part("upload_actions").stage_upload(data_url(b"a,b\n1,2\n"), "old.csv")
    long_ago = time.time() - (private.session_hours + 1) * 3600
    os.utime(staging.staging_dir(private) / old, (long_ago, long_ago))
    new, _ = upload_part("upload_actions").stage_upload(data_url(b"a,b\n3,4\n"), "new.csv")
    assert staging.staged_file(private, old) is None
    assert staging.staged_file(private, new) is not None


def test_the_server_refuses_a_file_over_the_limit(app, monkeypatch):
    actions = upload_part("upload_actions")
    monkeypatch.setattr(actions, "upload_limit", lambda: 10)
    token, error = actions.stage_upload(data_url(b"x" * 11), "big.csv")
    assert token is None and error == "upload.too_big"
    assert actions.stage_upload("not a data url", "x.csv") == (None, "upload.unreadable")


def test_problems_render_as_text(app, tmp_path, settings):
    preview = importer.ImportPreview(path=tmp_path / "x", display_name=SCRIPT, settings=settings)
    preview.problems = [Problem(SCRIPT, 3, "<b>field</b>", "<img src=x onerror=alert(1)>", "a")]
    rendered = json.loads(
        json.dumps(
            upload_part("upload_preview").problems_list(preview, "en").to_plotly_json(),
            default=lambda o: o.to_plotly_json(),
        )
    )
    shown = " ".join(texts(rendered))
    assert "row 3" in shown and "<img src=x onerror=alert(1)>" in shown and SCRIPT in shown


# --- result entry -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "value", "key"),
    [
        ("count", "-1", "entry.error.negative"),
        ("count", "2.5", "entry.error.whole"),
        ("count", "many", "entry.error.number"),
        ("binary", "2", "entry.error.binary"),
        ("text", "1", "entry.error.text_unit"),
        (None, "1", "entry.error.indicator"),
    ],
)
def test_values_are_checked_against_the_unit(unit, value, key):
    with pytest.raises(entries.EntryRefused) as refused:
        entries.parse_value(unit, value)
    assert refused.value.key == key


def test_units_accept_their_values():
    assert entries.parse_value("count", " 12 ") == 12.0
    assert entries.parse_value("binary", "1") == 1.0
    with pytest.raises(entries.EntryRefused):
        entries.parse_year("1999")


def test_an_entry_and_its_undo_survive_rebuilds(workspace, client_for, csrf_token):
    code = an_indicator(workspace, "count")
    year = 2025
    original = reported(workspace, code, year)
    client = client_for("editor")
    saved = entry_call(
        client,
        csrf_token,
        "ngarkimi-save.n_clicks",
        indicator=code,
        year=year,
        value="42",
        source=SCRIPT,
        comment=f"checked {SCRIPT}",
    )
    assert saved.status_code == 200
    result = saved.get_json()["response"]
    assert f"{code}, {year} = 42" in " ".join(texts(result["ngarkimi-entry-result"]["children"]))
    assert SCRIPT in " ".join(texts(result["ngarkimi-history"]["children"]))
    [entry] = entries.read_entries(workspace)
    assert entry.user == "editor" and entry.value == 42
    assert entry.old_value == (original[0][0] if original else None)
    for _ in range(2):  # survives a rebuild, and another
        rebuild(workspace)
        [(value, source)] = reported(workspace, code, year)
        assert value == 42 and source.startswith("Hyrje nga stafi: editor, ")
        assert source.endswith(f": {SCRIPT}")
    # the indicators page's query says who entered the value and when
    shown = get_database(workspace).query_uncached("plan_indicator_values_by_year")
    mine = shown[(shown["indicator_code"] == code) & (shown["year"] == year)]
    mine = mine[mine["kind"] == "reported"].iloc[0]
    assert mine["reported_by"] == "editor" and mine["value"] == 42 and bool(mine["observed"])
    assert shown[shown["kind"] == "target"]["reported_by"].isna().all()
    # Refused values change nothing.
    before = snapshot(workspace)
    bad = entry_call(
        client,
        csrf_token,
        "ngarkimi-save.n_clicks",
        indicator=code,
        year=year,
        value="-3",
        source="x",
    )
    assert "cannot be negative" in " ".join(
        texts(bad.get_json()["response"]["ngarkimi-entry-result"]["children"])
    )
    assert snapshot(workspace) == before
    # A viewer may not enter anything.
    viewer = entry_call(
        client_for("viewer"),
        csrf_token,
        "ngarkimi-save.n_clicks",
        indicator=code,
        year=year,
        value="7",
        source="x",
    )
    assert viewer.status_code == 403
    undone = entry_call(
        client, csrf_token, button_prop(undo_button("entry", entry.id)), undo=entry.id
    )
    assert undone.status_code == 200
    for _ in range(2):
        rebuild(workspace)
        assert reported(workspace, code, year) == original
    [entry] = entries.read_entries(workspace)
    assert not entry.active and entry.undone_by == "editor"
    actions = [row.action for row in audit_page().audit_rows()]
    assert {"entry.saved", "entry.undone", "journal.entry", "journal.entry_undone"} <= set(actions)


def test_a_failed_build_takes_an_entry_and_an_undo_back(workspace, monkeypatch):
    code = an_indicator(workspace, "count")
    entry = entries.record(workspace, code, 2024, "3", "akt", "", "editor")

    def refuse(settings) -> None:
        raise BuildError([])

    monkeypatch.setattr(entries.writers, "rebuild", refuse)
    with pytest.raises(BuildError):
        entries.undo(workspace, entry.id, "editor")
    [kept] = entries.read_entries(workspace)
    assert kept.active and kept.undone_at is None and kept.undone_by is None
    with pytest.raises(BuildError):
        entries.record(workspace, code, 2023, "4", "akt", "", "editor")
    assert [e.id for e in entries.read_entries(workspace)] == [entry.id]


def test_the_audit_page_lists_newest_first(workspace):
    entries.record(workspace, an_indicator(workspace, "binary"), 2024, "1", "akt", "", "admin")
    rows = audit_page().audit_rows()
    times = [row.time for row in rows]
    assert times == sorted(times, reverse=True)
    # Staff actions alone, newest first: the entry just made is among them (the store is
    # shared, so another test's login may be newer than it).
    staff = audit_page().audit_rows(kind="staff")
    staff_times = [row.time for row in staff]
    assert staff_times == sorted(staff_times, reverse=True)
    assert "journal.entry" in {row.action for row in staff}


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Popullsia 2024.xlsx", "Popullsia 2024.xlsx"),
        ("<b>x</b>.px", "<b>x</b>.px"),  # shown as text, never as HTML
        ("a\nb\x00.csv", "ab.csv"),
        ("", "upload"),
        (None, "upload"),
    ],
)
def test_the_original_name_is_kept_without_control_characters(given, kept):
    assert staging.original_name(given) == kept


# --- a column the importer cannot read with certainty: staff choose, it is kept -----------

CODED_SNS = ROOT / "tests" / "fixtures" / "import" / "sns_categories_synthetic_2024.csv"


def coded_sns() -> bytes:
    """The SNS table with its categories written as ASK codes (1, 2) under "Lloji"."""
    raw = CODED_SNS.read_bytes().replace(b"Kategoria II", b"2").replace(b"Kategoria I", b"1")
    return raw.replace(b"Kategoria", b"Lloji")


def reread_call(client, csrf_token, token, choices):
    from dashboard.pages._column_mapping import CHOICE

    ids = [{"index": column, "type": CHOICE} for column in choices]
    inputs = [{"id": "ngarkimi-reread", "property": "n_clicks", "value": 1}]
    state = [
        [{"id": i, "property": "id", "value": i} for i in ids],
        [
            {"id": i, "property": "value", "value": v}
            for i, v in zip(ids, choices.values(), strict=True)
        ],
        {"id": "ngarkimi-mapping", "property": "data", "value": token},
        {"id": "ngarkimi-lang", "property": "data", "value": "en"},
    ]
    return post(client, csrf_token, _reread_output(), inputs, state, "ngarkimi-reread.n_clicks")


def _reread_output() -> str:
    """The re-read callback's output id: dash names allow_duplicate outputs with a hash."""
    from dashboard.app import app

    (key,) = [
        key
        for key, spec in app.callback_map.items()
        if any(i.get("id") == "ngarkimi-reread" for i in spec["inputs"])
    ]
    return key


def test_staff_map_an_uncertain_column_and_the_choice_is_kept_as_a_recipe(
    workspace, client_for, csrf_token
):
    client = client_for("editor")
    response = upload_call(
        client,
        csrf_token,
        "ngarkimi-file.contents",
        contents=data_url(coded_sns()),
        filename="s.csv",
    )
    result = response.get_json()["response"]
    shown = " ".join(texts(result["ngarkimi-preview"]["children"]))
    assert "How each column was read" in shown and "Lloji" in shown
    assert result["ngarkimi-staged"]["data"] is None  # refused as read: nothing to apply
    token = result["ngarkimi-mapping"]["data"]
    assert token  # kept for the staff's choice
    reread = reread_call(client, csrf_token, token, {"Lloji": "category"})
    assert reread.status_code == 200, reread.get_data(as_text=True)[:500]
    again = reread.get_json()["response"]
    assert again["ngarkimi-staged"]["data"] == token  # now it can be applied
    assert "chosen by staff" in " ".join(texts(again["ngarkimi-preview"]["children"]))
    applied = upload_call(client, csrf_token, "ngarkimi-apply.n_clicks", staged=token)
    assert applied.status_code == 200
    (recipe,) = recipes.list_recipes(workspace)
    assert recipe.choices == {"Lloji": "category"}
    assert "Lloji = category" in repr(mapping_page().recipes_view(workspace, "en"))


def mapping_page():
    return sys.modules["dashboard.pages._column_mapping"]


# --- the staff button that fetches a table from ASK's PxWeb API ---------------------------

from tests.unit.ingest.test_fetch import TABLE as ASK_TABLE  # noqa: E402
from tests.unit.ingest.test_fetch import server  # noqa: E402, F401  (the local PxWeb server)


def fetch_call(client, csrf_token, table, lang="sq"):
    from dashboard.app import app

    (output,) = [
        key
        for key, spec in app.callback_map.items()
        if any(i.get("id") == "ngarkimi-fetch" for i in spec["inputs"])
    ]
    inputs = [{"id": "ngarkimi-fetch", "property": "n_clicks", "value": 1}]
    state = [
        {"id": "ngarkimi-ask-table", "property": "value", "value": table},
        {"id": "ngarkimi-ask-api", "property": "value", "value": "v1"},
        {"id": "ngarkimi-staged", "property": "data", "value": None},
        {"id": "ngarkimi-lang", "property": "data", "value": lang},
    ]
    return post(client, csrf_token, output, inputs, state, "ngarkimi-fetch.n_clicks")


def test_the_fetch_button_previews_the_answer_of_ask_like_an_upload(
    workspace,
    client_for,
    csrf_token,
    server,  # noqa: F811  (the fixture imported above)
    monkeypatch,
):
    here = workspace.model_copy(update={"ask_api_url": f"{server}/api/v1"})
    use_settings(monkeypatch, here)
    client = client_for("editor")
    response = fetch_call(client, csrf_token, ASK_TABLE)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    result = response.get_json()["response"]
    (token,) = {result[key]["data"] for key in result if key.startswith("ngarkimi-staged")}
    assert token
    shown = " ".join(texts(next(v["children"] for k, v in result.items() if "preview" in k)))
    assert "76" in shown  # the census table's 38 municipalities x 2 years, as embedded
    applied = upload_call(client, csrf_token, "ngarkimi-apply.n_clicks", staged=token)
    assert applied.status_code == 200
    (entry,) = importer.list_imports(here)
    assert entry.original_name == f"{ASK_TABLE} (sq, PxWeb API v1)"
    # An unknown table is refused in the page's language, naming what was asked.
    refused = fetch_call(client, csrf_token, "ASKdata/nothing.px", lang="sq")
    assert refused.status_code == 200
    said = " ".join(texts(next(v["children"] for k, v in refused.get_json()["response"].items())))
    assert "ASKdata/nothing.px" in said
