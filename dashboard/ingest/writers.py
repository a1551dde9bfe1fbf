"""What every writer shares with the build it runs: the rebuild, its report and its error.

The writers (an import or its undo, a staff entry, a review decision) journal their
change, then rebuild the database. The build sits above them: it replays their journals
(dashboard/pipeline.py lists them as its contributors). So a writer never imports the
build; the composition hands it in once per process with :func:`use_rebuild` (the CLI's
``main`` and the app do, through ``pipeline.configure``), and a writer calls
:func:`rebuild`. The report and the error are defined here, below both, for the same
reason; ``dashboard.build`` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from dashboard.ingest.common import Problem
from dashboard.publish import PublishedLayer

if TYPE_CHECKING:
    from dashboard.settings import Settings

MAX_LISTED_PROBLEMS = 50


class BuildError(Exception):
    """The data does not validate; the database in place was left untouched."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems[:MAX_LISTED_PROBLEMS])
        more = len(problems) - MAX_LISTED_PROBLEMS
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"the build found {len(problems)} problem(s):\n{listed}{tail}")


@dataclass
class BuildReport:
    """What a build produced."""

    db_path: Path
    built_at: str
    rows_per_dataset: dict[str, int] = field(default_factory=dict)
    findings: int = 0
    seconds: float = 0.0
    published: PublishedLayer | None = None

    @property
    def total_rows(self) -> int:
        """Rows loaded over all datasets."""
        return sum(self.rows_per_dataset.values())


class Rebuild(Protocol):
    """Build the databases from data/ and every journal; into `target` when given.

    Without `target` the new files are swapped in place of the settings' database; with
    it the caller installs them (dashboard/files.py) once its own journal write is done.
    Raises BuildError when the data does not validate.
    """

    def __call__(self, settings: Settings, *, target: Path | None = None) -> BuildReport:
        """Build, validate and (without `target`) swap in."""
        ...


_rebuild: Rebuild | None = None


def use_rebuild(build: Rebuild) -> None:
    """Hand this process's writers the build they run after a journal write."""
    global _rebuild
    _rebuild = build


def rebuild(settings: Settings, *, target: Path | None = None) -> BuildReport:
    """Run the build handed in by :func:`use_rebuild` (see :class:`Rebuild`)."""
    if _rebuild is None:
        raise RuntimeError(
            "no build was handed to the writers of this process: call "
            "dashboard.pipeline.configure() at start (the CLI and the app do)"
        )
    return _rebuild(settings, target=target)
