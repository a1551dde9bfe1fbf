"""Where an uploaded file waits between its preview and apply (or cancel).

Every staged file lives in its own folder under the state directory, named by a random
token the browser keeps; the workers share that folder, so any of them can apply it. The
staged copy is always named "upload" (the importer tells the kind by the content alone);
the name the user's file had is kept beside it, only ever shown and journaled.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dashboard.ingest.common import read_json_object
from dashboard.settings import Settings

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
TOKEN = re.compile(r"^[0-9a-f]{32}$")
CHOICES_FILE = "choices.json"  # the staff's column choices, beside the staged copy


def upload_limit(settings: Settings) -> int:
    """Bytes a file may have: 50 MB, or less when the request limit (base64) is smaller."""
    request_bytes = settings.max_request_mb * 1024 * 1024
    return min(MAX_UPLOAD_BYTES, request_bytes * 3 // 4 - 64 * 1024)


def staging_dir(settings: Settings) -> Path:
    """The folder of the staged uploads (shared by the workers)."""
    return settings.state_dir / "uploads"


def staged_file(settings: Settings, token: Any) -> Path | None:
    """The staged upload of a token, or None for a token that is not ours."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    path = staging_dir(settings) / token / "upload"
    return path if path.is_file() else None


def staged_name(path: Path) -> str:
    """The name the user's file had, kept beside its staged copy."""
    return (path.parent / "name").read_text(encoding="utf-8")


def discard(settings: Settings, token: Any) -> None:
    """Remove a staged upload (a token that is not ours removes nothing)."""
    path = staged_file(settings, token)
    if path is not None:
        shutil.rmtree(path.parent, ignore_errors=True)


def discard_stale(settings: Settings) -> int:
    """Remove staged uploads older than a staff session can last (previewed, never applied).

    Called whenever a file is staged, so the staging area never grows without bound.
    """
    oldest = time.time() - settings.session_hours * 3600
    removed = 0
    folder = staging_dir(settings)
    for staged in folder.iterdir() if folder.is_dir() else ():
        try:
            stale = TOKEN.match(staged.name) and staged.stat().st_mtime < oldest
        except OSError:  # removed meanwhile by another worker
            continue
        if stale:
            shutil.rmtree(staged, ignore_errors=True)
            removed += 1
    return removed


def original_name(filename: Any) -> str:
    """The name the user's file had (the browser gives no folders), without control characters."""
    name = "".join(char for char in str(filename or "") if char.isprintable()).strip()
    return name[:200] or "upload"


def stage_bytes(settings: Settings, data: bytes, name: str) -> str:
    """Keep a file's bytes in the staging area under a new token (its name kept apart)."""
    token = secrets.token_hex(16)
    folder = staging_dir(settings) / token
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "upload").write_bytes(data)
    (folder / "name").write_text(name, encoding="utf-8")
    return token


def save_staged_choices(folder: Path, choices: Mapping[str, str]) -> None:
    """Keep the staff's choices beside the staged upload, for the preview and the apply."""
    (folder / CHOICES_FILE).write_text(json.dumps(dict(choices)), encoding="utf-8")


def staged_choices(folder: Path) -> dict[str, str]:
    """The choices kept beside a staged upload (none when there are none)."""
    data = read_json_object(folder / CHOICES_FILE)
    return {str(k): str(v) for k, v in data.items()}
