"""Helpers for tests that drive `dms-dashboard` commands (`workspace` is in conftest.py)."""

from __future__ import annotations

import hashlib

from dashboard import cli


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI: exit code, standard output and standard error (never a traceback)."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def snapshot(settings) -> dict[str, str]:
    """A hash of every file of the journal and of the database folder."""
    files = {}
    for folder in (settings.imports_dir, settings.db_path.parent):
        if folder.exists():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files
