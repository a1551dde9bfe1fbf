"""`make audit` (tools/audit_dependencies.py): never a silent pass when nothing was audited."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORT = 8701  # loopback only: a stand-in for PyPI's JSON API


def load_tool(monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "audit_dependencies", ROOT / "tools" / "audit_dependencies.py"
    )
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# name -> (latest version, advisories of the latest version)
PROJECTS = {
    "fresh-package": ("1.0", []),
    "old-package": ("2.0", []),
    "vulnerable-package": ("3.1", [{"id": "PYSEC-2026-1", "fixed_in": ["3.2"]}]),
    "withdrawn-advisory": ("1.0", [{"id": "GHSA-x", "fixed_in": [], "withdrawn": "2026-01-01"}]),
}


class StandIn(BaseHTTPRequestHandler):
    """Serves /pypi/<name>/json only, as the registry here does (no per-version pages)."""

    def do_GET(self):  # noqa: N802 - the name http.server calls
        parts = self.path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "pypi" and parts[2] == "json":
            name = parts[1]
            if name == "pip" or name in PROJECTS:
                latest, advisories = PROJECTS.get(name, ("26.0", []))
                body = json.dumps({"info": {"version": latest}, "vulnerabilities": advisories})
                self.send_response(200)
                self.end_headers()
                self.wfile.write(body.encode())
                return
        self.send_response(404)
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture()
def stand_in():
    server = ThreadingHTTPServer(("127.0.0.1", PORT), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{PORT}/pypi"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def tool(monkeypatch):
    module = load_tool(monkeypatch)

    def pip_audit_skips_everything(_lock, report, pins):
        # What pip-audit reports when the registry has no per-version pages.
        for name, version in pins.items():
            report.not_audited[name] = f"Dependency not found on PyPI: {name} ({version})"

    monkeypatch.setattr(module, "run_pip_audit", pip_audit_skips_everything)
    monkeypatch.delenv("AUDIT_STRICT", raising=False)
    monkeypatch.delenv("AUDIT_ALLOW_OFFLINE", raising=False)
    return module


def lock_file(tmp_path, *pins: str) -> Path:
    path = tmp_path / "requirements.lock"
    path.write_text("# a comment\n" + "\n".join(pins) + "\n", encoding="utf-8")
    return path


def test_without_access_to_pypi_it_fails_and_says_nothing_was_audited(tool, tmp_path, capsys):
    tool.PYPI = f"http://127.0.0.1:{PORT}/pypi"  # nothing listens there
    lock = lock_file(tmp_path, "fresh-package==1.0", "old-package==1.0")
    assert tool.main([str(lock)]) == 2
    err = capsys.readouterr().err
    assert "DEPENDENCY AUDIT SKIPPED" in err and "none of the 2 pinned packages" in err
    assert "AUDIT FAILED" in err


def test_offline_it_skips_loudly_only_when_asked(tool, tmp_path, capsys, monkeypatch):
    tool.PYPI = f"http://127.0.0.1:{PORT}/pypi"
    monkeypatch.setenv("AUDIT_ALLOW_OFFLINE", "1")
    assert tool.main([str(lock_file(tmp_path, "fresh-package==1.0"))]) == 0
    assert "DEPENDENCY AUDIT SKIPPED" in capsys.readouterr().err


def test_a_pin_at_the_latest_release_is_audited_and_others_are_named(
    tool, stand_in, tmp_path, capsys, monkeypatch
):
    tool.PYPI = stand_in
    lock = lock_file(tmp_path, "fresh-package==1.0", "Old_Package==1.0", "withdrawn-advisory==1.0")
    assert tool.main([str(lock)]) == 0
    out = capsys.readouterr().out
    assert "NOT AUDITED old-package==1.0: pinned 1.0, but only the advisories of 2.0" in out
    assert "audited 2 of 3 pinned packages; 0 with known vulnerabilities, 1 not audited" in out
    monkeypatch.setenv("AUDIT_STRICT", "1")
    assert tool.main([str(lock)]) == 1


def test_a_known_vulnerability_fails(tool, stand_in, tmp_path, capsys):
    tool.PYPI = stand_in
    assert tool.main([str(lock_file(tmp_path, "vulnerable-package==3.1"))]) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE vulnerable-package==3.1: PYSEC-2026-1 (fixed in 3.2)" in out


def test_when_not_one_package_could_be_audited_it_fails(tool, stand_in, tmp_path, capsys):
    tool.PYPI = stand_in
    assert tool.main([str(lock_file(tmp_path, "old-package==1.0", "unknown-package==1"))]) == 1
    captured = capsys.readouterr()
    assert "audited 0 of 2" in captured.out and "not one package could be audited" in captured.err


def test_an_empty_lock_fails(tool, tmp_path, capsys):
    assert tool.main([str(lock_file(tmp_path))]) == 1
    assert "pins no package" in capsys.readouterr().err


def test_the_make_target_runs_the_tool():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\naudit:", 1)[1].split("\n\n", 1)[0]
    assert "tools/audit_dependencies.py requirements.lock" in recipe
