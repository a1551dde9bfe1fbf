"""Durable file steps the writers share: a directory's fsync and the swap of a built database.

Pure file operations (no DuckDB, no Flask): the build, the import journal and the
importer use them, each after writing files that must survive a power cut.
"""

from __future__ import annotations

import os
from pathlib import Path

from dashboard.settings import public_path


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in `directory` durable (its entry, not only its bytes)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def install(built: Path, target: Path) -> None:
    """Swap a built staff database and its published layer in place of `target`'s.

    The public file first: each file is whole on its own, and the staff file naming the
    newer build comes last.
    """
    os.replace(public_path(built), public_path(target))
    os.replace(built, target)
    fsync_dir(target.parent)


def discard(built: Path) -> None:
    """Remove a built database that will not be installed, with its published layer."""
    for path in (built, public_path(built)):
        path.unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)
