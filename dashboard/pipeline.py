"""How the writers and the build fit together: the contributors of every build, and the rebuild.

The build replays the journals (imports, staff entries, review decisions) and adds the
demonstration data; the writers rebuild after each journal write. Neither imports the
other: this module lists the contributors for the build and hands the writers the
rebuild (``configure``, called once at start by the CLI and the app). Imports only go
down from here (pyproject.toml's import-linter contracts).
"""

from __future__ import annotations

from pathlib import Path

from dashboard import demo, entries, reviews
from dashboard.build import BuildReport, Contributor, build_database
from dashboard.ingest import journal, writers
from dashboard.settings import Settings

# In order: the import journal's replay, then the generated demonstration data (it needs
# to know which real rows arrived), reported results entered by staff (last of the data,
# so they win), and the staff's review decisions (indicator directions, readings, marks).
CONTRIBUTORS: tuple[Contributor, ...] = (
    journal.contribute,
    demo.contribute,
    entries.contribute,
    reviews.contribute,
)


def rebuild(settings: Settings, *, target: Path | None = None) -> BuildReport:
    """Build the databases from data/ and every contributor (see build.build_database)."""
    return build_database(settings, contributors=CONTRIBUTORS, target=target)


def configure() -> None:
    """Hand this process's writers the rebuild (idempotent; at start, before any writer)."""
    writers.use_rebuild(rebuild)


def ensure_database(settings: Settings) -> None:
    """Build the databases when either file is missing or the journal has an import they lack."""
    if (
        not settings.db_path.exists()
        or not settings.public_db_path.exists()
        or journal.disagreements(settings)
    ):
        rebuild(settings)
