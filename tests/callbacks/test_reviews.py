"""Staff decisions: indicator directions and table readings (/ngarkimi), finding marks (/cilesia).

Each goes through the server as a role would send it, is journalled (who, when, why),
recorded in the audit log and replayed by every build. Everything that changes data
runs on a private workspace, so the session database stays as built.
"""

from __future__ import annotations

import sys

import pytest

from dashboard import reviews
from dashboard.db import get_database
from dashboard.i18n import format_number
from dashboard.pipeline import rebuild
from dashboard.plan_status import PlanDecisions, indicator_statuses
from tests.callbacks.page_tools import find, visible_text
from tests.callbacks.test_staff_pages import post, texts
from tests.unit.ingest.cli_tools import snapshot

MARK_OUTPUT = "..cilesia-mark-result.children...cilesia-mark-list-container.children.."
DECISION_OUTPUT = "..ngarkimi-decision-result.children...ngarkimi-decision-history.children.."
OBJ_42 = "Plani i Veprimit 2024-2026 (002), Plani matricor, Prioriteti IV, Obj 4.2, Treguesit"


def module(name: str):
    return sys.modules[f"dashboard.pages.{name}"]


@pytest.fixture()
def workspace(app, tmp_path, settings, monkeypatch):
    """A private database and journals for the pages that write."""
    private = settings.model_copy(
        update={"db_path": tmp_path / "db" / "dms.duckdb", "imports_dir": tmp_path / "imports"}
    )
    rebuild(private)
    for name in ("_quality_findings", "_quality_marks", "_plan_decisions", "audit"):
        monkeypatch.setattr(module(name), "get_settings", lambda: private)
    return private


def query(settings, name: str):
    """A named query through the data door (the pages hold the file open already)."""
    return get_database(settings).query(name)


def statuses(settings):
    decisions = PlanDecisions.from_frame(query(settings, "staff_decisions_in_force"))
    frame = indicator_statuses(
        query(settings, "plan_indicator_list"),
        query(settings, "plan_indicator_values_by_year"),
        decisions,
    )
    return frame.set_index("indicator_code")


def mark_call(client, csrf_token, finding, mark, note):
    inputs = [{"id": "cilesia-mark-save", "property": "n_clicks", "value": 1}]
    state = [
        {"id": "cilesia-mark-finding", "property": "value", "value": finding},
        {"id": "cilesia-mark-value", "property": "value", "value": mark},
        {"id": "cilesia-mark-note", "property": "value", "value": note},
        {"id": "cilesia-mark-lang", "property": "data", "value": "en"},
    ]
    return post(client, csrf_token, MARK_OUTPUT, inputs, state, "cilesia-mark-save.n_clicks")


def decision_call(client, csrf_token, changed, **values):
    inputs = [
        {"id": "ngarkimi-decision-save-direction", "property": "n_clicks", "value": 1},
        {"id": "ngarkimi-decision-save-reading", "property": "n_clicks", "value": 1},
    ]
    names = ("indicator", "direction", "direction-note", "table", "reading", "reading-note")
    state = [
        {"id": f"ngarkimi-decision-{name}", "property": "value", "value": values.get(name)}
        for name in names
    ] + [{"id": "ngarkimi-decision-lang", "property": "data", "value": "en"}]
    return post(
        client, csrf_token, DECISION_OUTPUT, inputs, state, f"ngarkimi-decision-{changed}.n_clicks"
    )


def test_a_mark_survives_two_rebuilds_and_is_audited(app, workspace, client_for, csrf_token):
    findings = query(workspace, "data_quality_findings")
    target = findings[findings["check"] == "table_years"].iloc[0]
    saved = mark_call(
        client_for("editor"), csrf_token, target["finding_id"], "accepted", "<b>as printed</b>"
    )
    assert saved.status_code == 200
    response = saved.get_json()["response"]
    assert "Saved: accepted as printed" in " ".join(
        texts(response["cilesia-mark-result"]["children"])
    )
    assert "<b>as printed</b>" in " ".join(
        texts(response["cilesia-mark-list-container"]["children"])
    )
    for _ in range(2):  # survives a rebuild, and another
        rebuild(workspace)
        marks = query(workspace, "staff_decisions_in_force")
        [mark] = marks[marks["kind"] == "finding_mark"].itertuples()
        assert (mark.target, mark.value) == (target["finding_id"], "accepted")
        assert target["finding_id"] in set(query(workspace, "data_quality_findings")["finding_id"])
    [decision] = reviews.read_decisions(workspace)
    assert decision.user == "editor" and decision.note == "<b>as printed</b>"
    events = [r for r in module("audit").audit_rows() if r.action == "review.finding_mark"]
    assert events and events[0].target == target["finding_id"] and events[0].actor == "editor"
    # The page shows the mark to everyone, and the public summary counts it.
    with app.server.test_request_context("/"):
        layout = module("quality").layout(lang="en")
    assert "1 accepted as printed" in visible_text(find(layout, "quality-summary"))


def test_refused_marks_and_viewers_change_nothing(workspace, client_for, csrf_token):
    finding = query(workspace, "data_quality_findings")["finding_id"].iloc[0]
    before = snapshot(workspace)
    no_note = mark_call(client_for("editor"), csrf_token, finding, "open", "  ")
    assert "Write why" in " ".join(
        texts(no_note.get_json()["response"]["cilesia-mark-result"]["children"])
    )
    unknown = mark_call(client_for("editor"), csrf_token, "nope", "open", "why")
    assert "Choose what" in " ".join(
        texts(unknown.get_json()["response"]["cilesia-mark-result"]["children"])
    )
    bad = mark_call(client_for("editor"), csrf_token, finding, "deleted", "why")
    assert "expected one of: accepted, corrected, open" in " ".join(
        texts(bad.get_json()["response"]["cilesia-mark-result"]["children"])
    )
    assert mark_call(client_for("viewer"), csrf_token, finding, "open", "why").status_code == 403
    assert mark_call(client_for("public"), csrf_token, finding, "open", "why").status_code == 401
    assert snapshot(workspace) == before and reviews.read_decisions(workspace) == []


def test_a_direction_set_by_staff_rates_the_field_visits(workspace, client_for, csrf_token):
    assert statuses(workspace).loc["2.3.b", "status_reason"] == "direction_not_set"
    saved = decision_call(
        client_for("editor"),
        csrf_token,
        "save-direction",
        indicator="2.3.b",
        direction="higher",
        **{"direction-note": "visits are a service: more is better"},
    )
    assert saved.status_code == 200
    assert "visits are a service" in " ".join(
        texts(saved.get_json()["response"]["ngarkimi-decision-history"]["children"])
    )
    for _ in range(2):
        rebuild(workspace)
        row = statuses(workspace).loc["2.3.b"]
        # 29 observed in 2024 against the 2024 target 90: off track, not achieved.
        assert (row["status"], row["status_direction_basis"]) == ("off_track", "staff")
        assert row["status_reported"] == 29
    withdrawn = decision_call(
        client_for("editor"),
        csrf_token,
        "save-direction",
        indicator="2.3.b",
        direction="unset",
        **{"direction-note": "asked again"},
    )
    assert withdrawn.status_code == 200
    assert statuses(workspace).loc["2.3.b", "status_reason"] == "direction_not_set"
    actions = [r.action for r in module("audit").audit_rows()]
    assert actions.count("review.direction") >= 2


def test_a_confirmed_reading_rates_the_shifted_table(workspace, client_for, csrf_token):
    assert statuses(workspace).loc["4.2.b", "status_reason"] == "table_unconfirmed"
    saved = decision_call(
        client_for("editor"),
        csrf_token,
        "save-reading",
        table=OBJ_42,
        reading="shifted",
        **{"reading-note": "its values follow the other tables a year later"},
    )
    assert saved.status_code == 200
    rebuild(workspace)
    row = statuses(workspace).loc["4.2.b"]
    # Read a year later, the printed 2023 column is 2024: 0 reported against a target of 0.
    assert (row["status_year"], row["status_reported"], row["status_year_shift"]) == (2024, 0, 1)
    assert row["status_table_reading"] == "shifted" and row["status"] == "on_track"
    table_finding = query(workspace, "data_quality_findings")
    table_finding = table_finding[table_finding["check"] == "table_years"].iloc[0]
    assert "read shifted by staff" in table_finding["message"]
    refused = decision_call(
        client_for("editor"),
        csrf_token,
        "save-reading",
        table="Tabela 6",
        reading="shifted",
        **{"reading-note": "x"},
    )
    assert "Choose what" in " ".join(
        texts(refused.get_json()["response"]["ngarkimi-decision-result"]["children"])
    )


@pytest.mark.parametrize("lang", ["sq", "en", "sr"])
def test_the_review_reads_in_each_language_with_formatted_figures(app, lang):
    page = module("quality")
    with app.server.test_request_context("/"):
        layout = page.layout(lang=lang)
    text = visible_text(find(layout, "quality-findings"))
    assert format_number(68238, lang) in text and format_number(71909, lang) in text
    assert "68238" not in text  # no figure left without the language's grouping
    assert "Plani i Veprimit 2024-2026 (002)" in text  # grouped by document
    help_text = visible_text(find(layout, "quality-severity-help"))
    for severity in ("error", "warning", "info"):
        assert page.t(f"quality.severity_help.{severity}", lang) in help_text
    assert find(layout, "cilesia-mark-form") is None  # the public sees no marking form


def test_staff_find_the_forms_on_their_pages(app, monkeypatch):
    monkeypatch.setattr(module("quality"), "is_staff", lambda: True)
    with app.server.test_request_context("/"):
        quality_layout = module("quality").layout(lang="sr")
        upload_layout = module("upload").layout(lang="sq")
    form = find(quality_layout, "cilesia-mark-finding")
    assert form is not None and len(form.options) == len(
        get_database().query("data_quality_findings")
    )
    indicators = find(upload_layout, "ngarkimi-decision-indicator").options
    # Indicators without a direction come first; 2.3.b is among them.
    assert indicators[0]["label"].split(" – ")[1] == module("quality").t(
        "indicators.direction.not_set", "sq"
    )
    assert "2.3.b" in {o["value"] for o in indicators}
    tables = find(upload_layout, "ngarkimi-decision-table").options
    assert [o["value"] for o in tables] == [OBJ_42]


def test_a_failed_build_takes_the_decision_back(workspace, monkeypatch):
    from dashboard.ingest.writers import BuildError

    finding = query(workspace, "data_quality_findings")["finding_id"].iloc[0]

    def refuse(settings) -> None:
        raise BuildError([])

    monkeypatch.setattr(reviews.writers, "rebuild", refuse)
    with pytest.raises(BuildError):
        reviews.decide(workspace, "finding_mark", finding, "accepted", "seen", "editor")
    assert reviews.read_decisions(workspace) == []


def test_every_finding_is_listed_once_under_its_document_and_table(app):
    from dashboard.quality import document_of, table_of

    page = module("quality")
    findings = get_database().query("data_quality_findings")
    with app.server.test_request_context("/"):
        listed = find(page.layout(lang="en"), "quality-findings")
    documents = listed.children
    assert [d.children[0].children[0] for d in documents] == list(
        dict.fromkeys(document_of(s) for s in findings["source"])
    )  # documents in the findings' order
    seen = []
    for document in documents:
        tables = document.children[1:]
        names = [table.children[0].children[0] for table in tables]
        assert names == sorted(names)
        for table in tables:
            items = table.children[1].children
            assert f"{len(items)} finding" in visible_text(table.children[0])
            for item in items:
                row = findings[findings["finding_id"] == item.id.removeprefix("finding-")].iloc[0]
                assert document_of(row["source"]) == document.children[0].children[0]
                assert (table_of(row["source"]) or page.t("quality.group.no_table", "en")) == (
                    table.children[0].children[0]
                )
                seen.append(row["finding_id"])
    assert sorted(seen) == sorted(findings["finding_id"])  # each once, none left out
    # A finding nobody has marked says so.
    assert page.t("quality.mark.none", "en") in visible_text(documents[0])
