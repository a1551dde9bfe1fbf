"""fetch-ask against a small local PxWeb-like server serving recorded answers (no network)."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dashboard.ingest import fetch, journal
from tests.unit.ingest.cli_tools import run

ROOT = Path(__file__).resolve().parents[3]
ANSWERS = ROOT / "tests" / "fixtures" / "formats" / "pxweb_api"
TABLE = "ASKdata/Census/census2024_00.px"
PORTS = range(8741, 8750)


class _Handler(BaseHTTPRequestHandler):
    queries: list[dict] = []

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, name: str | None) -> None:
        if name is None:
            self.send_response(404)
            self.end_headers()
            self.wfile.write(b'{"error": "no such table"}')
            return
        body = (ANSWERS / name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == f"/api/v1/sq/{TABLE}":
            self._send("v1_metadata.json")
        elif self.path.startswith("/api/v2/tables/census2024_00/metadata"):
            self._send("v2_metadata.json")
        else:
            self._send(None)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).queries.append(body)
        if self.path == f"/api/v1/sq/{TABLE}":
            self._send("v1_data.json")
        elif self.path.startswith("/api/v2/tables/census2024_00/data"):
            self._send("v2_data.json")
        else:
            self._send(None)


@pytest.fixture()
def server():
    """A PxWeb-like server on the first free port of 8741-8749."""
    for port in PORTS:
        try:
            httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
            break
        except OSError:
            continue
    else:
        pytest.skip("no free port in 8741-8749")
    _Handler.queries = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_v1_asks_for_every_value_and_imports_the_answer(workspace, server, capsys):
    code, out, err = run(
        capsys, "fetch-ask", TABLE, "--base-url", f"{server}/api/v1", "--user", "t"
    )
    assert code == 0, err
    # the same figures as the embedded ASK census table: nothing new, nothing replaced
    assert "population_by_municipality          76 rows: 0 added, 0 replaced, 76 unchanged" in out
    (query,) = _Handler.queries
    assert query["response"] == {"format": "json-stat2"}
    assert [q["code"] for q in query["query"]] == ["Komuna", "Viti"]
    assert len(query["query"][0]["selection"]["values"]) == 38
    (entry,) = journal.read_entries(workspace)
    assert entry.original_name == f"{TABLE} (sq, PxWeb API v1)" and entry.kind == "jsonstat"
    raw = journal.raw_path(workspace, entry.sha256).read_bytes()
    assert raw == (ANSWERS / "v1_data.json").read_bytes()  # journaled as answered
    assert not list((workspace.imports_dir / "fetched").iterdir())


def test_fetch_v2_and_a_query_file(workspace, server, capsys, tmp_path):
    query = tmp_path / "query.json"
    query.write_text(json.dumps({"selection": [{"variableCode": "Viti", "valueCodes": ["2024"]}]}))
    code, out, err = run(
        capsys,
        "fetch-ask",
        "census2024_00",
        "--api",
        "v2",
        "--base-url",
        f"{server}/api/v2",
        "--query",
        str(query),
        "--dry-run",
    )
    assert code == 0, err
    assert "76 rows" in out
    assert _Handler.queries[0]["selection"][0]["valueCodes"] == ["2024"]


def test_unknown_table_and_offline_are_said_clearly(workspace, server, capsys):
    code, _, err = run(capsys, "fetch-ask", "ASKdata/nope.px", "--base-url", f"{server}/api/v1")
    assert code == 1 and "HTTP 404" in err and "ASKdata/nope.px" in err
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        free = closed.getsockname()[1]
    code, _, err = run(capsys, "fetch-ask", TABLE, "--base-url", f"http://127.0.0.1:{free}/api/v1")
    assert code == 1 and "cannot be reached" in err and "offline" in err
    assert journal.read_entries(workspace) == []


def test_the_staff_button_preview(workspace, server):
    found = fetch.preview_table(TABLE, workspace, base_url=f"{server}/api/v1")
    assert found.ok, found.error()
    assert found.rows["population_by_municipality"]["population"].notna().sum() == 72
    offline = workspace.model_copy(update={"ask_api_url": "http://127.0.0.1:9/api/v1"})
    refused = fetch.preview_table(TABLE, offline)
    assert not refused.ok and "cannot be reached" in str(refused.error())
