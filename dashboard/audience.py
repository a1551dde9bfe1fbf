"""Which database the person asking reads: the published layer unless signed in as staff.

The web layer's one entry to the data door. An anonymous request opens the public file
alone (dashboard/publish.py), so nothing it is shown can be an unsuppressed figure.
"""

from __future__ import annotations

from dashboard import auth
from dashboard.db import Database, get_database
from dashboard.settings import Settings


def current_database(settings: Settings | None = None) -> Database:
    """The staff database for staff, the published layer for everyone else."""
    return get_database(settings, public=auth.current_role() == "public")
