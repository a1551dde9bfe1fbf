"""Tell which kind of export a file is, by its content, never by its name.

An XLSX workbook is a ZIP archive with ``xl/workbook.xml``; a PC-Axis file starts with
keywords (``CHARSET=``, ``MATRIX=``); JSON-stat with ``{``; anything else with separators
is CSV. Only the first :data:`HEAD_BYTES` are read (and a ZIP's directory), so any file is
answered in milliseconds.
Files bigger than :data:`dashboard.ingest.common.MAX_BYTES` are refused here already.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from dashboard.ingest import common
from dashboard.ingest.common import IngestError, problem

HEAD_BYTES = 64 * 1024
KINDS = ("px", "pxweb-csv", "jsonstat", "xlsx")
WORKBOOK_PART = "xl/workbook.xml"

_PX_START = re.compile(r'[A-Z][A-Z0-9_-]*(?:\[[^\]\r\n]*\])?(?:\(\s*"[^"\r\n]*"[^)\r\n]*\))?\s*=')
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0D, 0x1A}


def detect_kind(path: Path, *, display_name: str | None = None) -> str:
    """Return "px", "pxweb-csv", "jsonstat" or "xlsx" for an export file.

    Args:
        path: the file on disk.
        display_name: the name the user gave the file, used in problems.

    Raises:
        IngestError: the file is missing, empty, too big or not a recognised export.
    """
    file = common.display_name(path, display_name)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IsADirectoryError(str(path))
        common.refuse_size(size, file)
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        raise IngestError([common.unreadable(file, error)]) from None
    if not head.strip():
        raise IngestError([problem(file, None, None, None, "imports.expected.not_empty")])
    kind, reason = _kind(path, head)
    if kind is None:
        raise IngestError(
            [problem(file, None, None, _preview(head), reason)],
            summary=f"not a recognised export: {file}",
        )
    return kind


def is_workbook(path: Path) -> bool:
    """Whether a file is an XLSX workbook: a ZIP archive holding xl/workbook.xml."""
    try:
        with zipfile.ZipFile(path) as archive:
            return WORKBOOK_PART in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _looks_like_json(text: str) -> bool:
    return text.startswith(("{", "["))


def _looks_like_px(text: str) -> bool:
    return _PX_START.match(text) is not None


def _looks_like_csv(text: str) -> bool:
    first_lines = [line for line in text.split("\n")[:6] if line.strip()][:3]
    return any('"' in line or any(d in line for d in (",", ";", "\t")) for line in first_lines)


# Text exports, tried in order on the decoded start of the file (CSV last: it takes
# anything with a separator). A new text format adds its test here.
TEXT_KINDS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("jsonstat", _looks_like_json),
    ("px", _looks_like_px),
    ("pxweb-csv", _looks_like_csv),
)


def _kind(path: Path, head: bytes) -> tuple[str | None, str]:
    """Classify a file by its content: its kind, or None and the message key of a refusal.

    Each refusal says "a PC-Axis (.px), PxWeb CSV, JSON-stat or XLSX export" and what the
    file is instead.
    """
    if head.startswith(b"PK\x03\x04"):
        if is_workbook(path):
            return "xlsx", ""
        return None, "ingest.sniff.zip"
    refusal = _refusal(head)
    if refusal is not None:
        return None, refusal
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    text = head.decode("latin-1").lstrip()
    if text.startswith("<"):
        return None, "ingest.sniff.html"
    for kind, looks_like in TEXT_KINDS:
        if looks_like(text):
            return kind, ""
    return None, "ingest.sniff.unknown"


def _refusal(head: bytes) -> str | None:
    """The message key saying what a file is when it is a known kind that is no export."""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ingest.sniff.xls"
    if head.startswith(b"%PDF"):
        return "ingest.sniff.pdf"
    utf16 = common.binary_problem(head, "")
    if utf16 is not None and utf16.key == "imports.expected.utf16":
        return "ingest.sniff.utf16"
    if any(byte in _CONTROL_BYTES for byte in head):
        return "ingest.sniff.binary"
    return None


def _preview(head: bytes) -> str:
    """Show the start of a file: its first line if it is text, else its first bytes in hex."""
    if any(byte in _CONTROL_BYTES for byte in head[:64]) or head.startswith(
        (b"\xff\xfe", b"\xfe\xff")
    ):
        return head[:16].hex(" ")
    return head.decode("utf-8", "replace").lstrip().split("\n", 1)[0].rstrip()
