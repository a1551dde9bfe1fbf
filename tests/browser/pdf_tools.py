"""Just enough PDF reading to check Chromium's printed output (no PDF library is installed).

Chromium (Skia) writes one object per `N 0 obj`, Flate-compressed streams, Type0 fonts
with Identity-H encoding and a ToUnicode CMap, and text as hex glyph strings in Tj/TJ.
"""

from __future__ import annotations

import re
import unicodedata
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def objects(data: bytes) -> dict[int, bytes]:
    """Every indirect object's body by its number."""
    return {int(number): body for number, body in _OBJECT.findall(data)}


def stream(body: bytes) -> bytes:
    """The decoded stream of an object (b'' when it has none).

    The stream's /Length, when given directly, says where it ends: compressed bytes may
    happen to contain "endstream" and a line break.
    """
    match = _STREAM.search(body)
    if not match:
        return b""
    raw = match.group(1)
    length = re.search(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", body[: match.start()])
    if length:
        start = match.start(1)
        raw = body[start : start + int(length.group(1))]
    return zlib.decompress(raw) if b"/FlateDecode" in body[: match.start()] else raw


def pages(data: bytes) -> list[bytes]:
    """The page objects (Type /Page, not /Pages)."""
    return [body for body in objects(data).values() if re.search(rb"/Type\s*/Page(?![a-z])", body)]


def media_box(page: bytes) -> tuple[float, float]:
    """Width and height of a page in points."""
    match = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", page)
    assert match, "page without a MediaBox"
    x0, y0, x1, y1 = (float(v) for v in match.groups())
    return x1 - x0, y1 - y0


def _cmap(text: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int.from_bytes(bytes.fromhex(dst.decode()), "big")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def page_text(data: bytes, page: bytes) -> str:
    """The text drawn on one page, its runs separated by spaces."""
    table = objects(data)
    fonts: dict[bytes, dict[int, str]] = {}
    font_block = re.search(rb"/Font\s*<<(.*?)>>", page, re.S)
    for name, number in re.findall(
        rb"/(\w+)\s+(\d+)\s+0\s+R", font_block.group(1) if font_block else b""
    ):
        to_unicode = re.search(rb"/ToUnicode\s+(\d+)\s+0\s+R", table.get(int(number), b""))
        fonts[name] = _cmap(stream(table[int(to_unicode.group(1))])) if to_unicode else {}
    contents = re.search(rb"/Contents\s+(\d+)\s+0\s+R", page)
    content = stream(table[int(contents.group(1))]) if contents else b""
    runs: list[str] = []
    current: dict[int, str] = {}
    for token in re.finditer(
        rb"/(\w+)\s+[-\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj", content, re.S
    ):
        if token.group(1) is not None:
            current = fonts.get(token.group(1), {})
            continue
        hexes = (
            re.findall(rb"<([0-9A-Fa-f]*)>", token.group(2))
            if token.group(2) is not None
            else [token.group(3)]
        )
        glyphs = b"".join(hexes)
        codes = [int(glyphs[i : i + 4], 16) for i in range(0, len(glyphs) - 3, 4)]
        runs.append("".join(current.get(code, "") for code in codes))
    return " ".join(runs)


def squeeze(text: str) -> str:
    """Text without any kind of space or ligature, to find figures whatever their grouping."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
