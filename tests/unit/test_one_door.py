"""One door to DuckDB: only the data layer imports it (dashboard/db.py).

A second connection to a file with another configuration is refused by DuckDB once a
server's reader has it open, so a side door is a bug in the web path, not a style issue.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "dashboard"
DOOR = PACKAGE / "db.py"


def duckdb_imports(path: Path) -> list[int]:
    """The lines of a module that import duckdb (at any depth, type-checking ones too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(
            alias.name.split(".")[0] == "duckdb" for alias in node.names
        ):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "duckdb":
            lines.append(node.lineno)
    return lines


def test_only_the_data_layer_imports_duckdb():
    side_doors = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != DOOR and (lines := duckdb_imports(path))
    }
    assert side_doors == {}


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "side_door.py"
    module.write_text("def read():\n    import duckdb\n    return duckdb\n", encoding="utf-8")
    assert duckdb_imports(module) == [2]
    assert duckdb_imports(DOOR)  # the door itself does import it
