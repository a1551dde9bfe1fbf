"""The command line: export and check, as a person runs them."""

from __future__ import annotations

import json

from dashboard.cli import main


def test_export_writes_the_same_rows_as_the_api(built_db, tmp_path, client, capsys):
    out = tmp_path / "settlements.json"
    assert main(["export", "settlements", "--format", "json", "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == client.get("/api/v1/datasets/settlements.json").get_json()


def test_export_of_an_unknown_dataset_names_the_known_ones(built_db, capsys):
    assert main(["export", "nope"]) == 2
    assert "settlements" in capsys.readouterr().err


def test_check_lists_contradictions_with_both_sides(built_db, capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "expected 70156, found 70056" in out
    assert "expected 2314, found 2357" in out
    assert "6949" in out and "69497" in out
    assert out.strip().splitlines()[-1].startswith(tuple("0123456789"))
