"""Read PC-Axis (.px) files as ASK's PxWeb writes them, following the 2013 specification.

The file is a list of entries ``KEYWORD[lang]("sub","keys")=value;`` ending with
``DATA=...;``. Strings are quoted and long ones are split over lines as consecutive
quoted pieces, which are joined without adding anything. Lists are comma-separated and
may span lines. ``DATA`` is row-major: rows are the product of the STUB values, columns
of the HEADING values; cells are separated by spaces, commas, semicolons, tabs or line
breaks. With ``KEYS`` every row starts with its quoted stub values (or codes); rows left
out are zeros by the specification and are read as 0 (their number is put in metadata).

Encoding, in order: ``CODEPAGE`` if given; ``CHARSET="ANSI"`` alone means Windows-1252
(in both cases bytes that are valid UTF-8 are read as UTF-8: a mislabelled file).
With neither the specification says "DOS text", but modern writers also omit both for
UTF-8. So: bytes that are valid UTF-8 are read as UTF-8 (8-bit text in another code page
is practically never valid UTF-8); otherwise the file is decoded as Windows-1252 and as
DOS Latin-1 (cp850) and the one that yields more Albanian letters (ë ç Ë Ç, then other
accented lowercase letters) wins, Windows-1252 on a tie. cp850 rather than cp437: both
put ë and ç at the same bytes, but only cp850 has Ë, common in upper-case Albanian. The
choice is recorded in ``metadata["encoding"]``.

Only the main language is read (untagged keywords, or those tagged with ``LANGUAGE``).
"""

from __future__ import annotations

import codecs
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.ingest import common
from dashboard.ingest.common import Dimension, IngestError, ProblemLog, StatTable

FORMAT = "px"

MANDATORY = ("MATRIX", "SUBJECT-CODE", "SUBJECT-AREA", "CONTENTS", "UNITS", "DECIMALS")
"""Keywords the specification requires besides STUB/HEADING, VALUES, TITLE and DATA."""

_STRUCTURE = {"STUB", "HEADING", "VALUES", "CODES", "KEYS", "DATA"}
_ONCE = {"STUB", "HEADING", "VALUES", "CODES", "KEYS", "DECIMALS", "CHARSET", "CODEPAGE"}
_SYMBOLS = " ".join(f'"{s}"' for s in common.MISSING_SYMBOLS)

_KEY_RE = re.compile(
    r"[\s\x1a]*(?P<kw>[A-Za-z][A-Za-z0-9_-]*)"
    r"(?:\[(?P<lang>[^\]\"\r\n]*)\])?"
    r"(?:\((?P<sub>\s*\"[^\"]*\"(?:\s*,\s*\"[^\"]*\")*\s*)\))?"
    r"\s*="
)
_VALUE_RE = re.compile(r'(?:"[^"]*+"|[^";]++)*+;')
_SUB_RE = re.compile(r'"([^"]*)"')
_ITEM_RE = re.compile(r'"([^"]*)"|(,)|([^",\s]+)|\s+')
_RESYNC_RE = re.compile(r"\n(?=[A-Za-z][A-Za-z0-9_-]*(?:\[[^\]\r\n]*\])?(?:\([^)\r\n]*\))?[ \t]*=)")
_SEPARATORS = " \t\r\n\f\v,;"
_DATA_TOKEN_RE = re.compile(r"[^ \t\r\n\f\v,;]+")  # the same cells as _tokens() splits
_KEYS_TOKEN_RE = re.compile(r'"[^"]*"|[^ \t\r\n\f\v,;"]+')
_CODEPAGE_RE = re.compile(rb'(?m)^[ \t]*CODEPAGE[ \t]*=[ \t]*"([^"\r\n]*)"')
_CHARSET_RE = re.compile(rb'(?m)^[ \t]*CHARSET[ \t]*=[ \t]*"([^"\r\n]*)"')
_ALBANIAN = frozenset("ëçËÇ")
_ACCENTED = frozenset("àáâãäåæèéêìíîïñòóôõöøùúûüýÿšžœ")


@dataclass(frozen=True)
class _Entry:
    keyword: str
    language: str | None
    subkeys: tuple[str, ...]
    items: tuple[str, ...]
    raw: str
    line: int

    @property
    def label(self) -> str:
        lang = f"[{self.language}]" if self.language else ""
        sub = "(" + ",".join(f'"{s}"' for s in self.subkeys) + ")" if self.subkeys else ""
        return f"{self.keyword}{lang}{sub}"


@dataclass(frozen=True)
class _DataPart:
    text: str
    offset: int
    line: int


class _Lines:
    """Line numbers of text offsets, counted only when a problem or an entry needs one.

    Offsets are asked for mostly in increasing order, so counting resumes from the last
    answer; no list of every line is kept (a DATA of one cell a line has millions).
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1

    def at(self, offset: int) -> int:
        if offset < self._offset:
            self._offset, self._line = 0, 1
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


def read(path: Path, *, display_name: str | None = None) -> list[StatTable]:
    """Read a PC-Axis file into one table.

    Args:
        path: the file on disk.
        display_name: the name the user gave the file, used in problems.

    Returns:
        A one-element list with the table in the file's main language.

    Raises:
        IngestError: with every problem found.
    """
    file, raw = common.read_text_bytes(path, display_name)
    text, encoding = _decode(raw, file)
    log = ProblemLog(file)
    common.refuse_control(text.rstrip("\x1a"), file)
    lines = _Lines(text)
    entries, data = _scan(text, lines, log)
    chosen, language = _select(entries, log)
    table = _build(file, chosen, language, data, lines, log)
    log.raise_if_any()
    assert table is not None
    table.metadata["encoding"] = encoding
    return [table]


def _decode(raw: bytes, file: str) -> tuple[str, str]:
    """Decode the file as its CODEPAGE/CHARSET say, or guess as the module docstring says."""
    if raw.startswith(codecs.BOM_UTF8):
        return common.decode(raw[3:], "utf-8", file), "utf-8 (byte-order mark)"
    codepage = _CODEPAGE_RE.search(raw)
    if codepage is not None:
        name = codepage.group(1).decode("ascii", "replace").strip()
        codec = _codec(name)
        if codec is None:
            raise _refused_declaration(raw, codepage, "CODEPAGE", name, "ingest.px.codepage", file)
        return _declared(raw, codec, f"{codec} (CODEPAGE)", file)
    charset = _CHARSET_RE.search(raw)
    if charset is not None and charset.group(1).strip().upper() == b"ANSI":
        return _declared(raw, "cp1252", "cp1252 (CHARSET=ANSI)", file)
    if charset is not None:
        value = charset.group(1).decode("ascii", "replace")
        raise _refused_declaration(raw, charset, "CHARSET", value, "ingest.px.charset", file)
    if raw.isascii():
        return raw.decode("ascii"), "ascii (no CHARSET or CODEPAGE)"
    try:
        return raw.decode("utf-8"), "utf-8 (no CHARSET or CODEPAGE; valid UTF-8)"
    except UnicodeDecodeError:
        pass
    candidates = []
    for codec in ("cp1252", "cp850"):
        try:
            candidates.append((_letter_score(raw.decode(codec)), codec))
        except UnicodeDecodeError:
            continue
    best = max(candidates, key=lambda pair: (pair[0], pair[1] == "cp1252"))
    return raw.decode(best[1]), f"{best[1]} (no CHARSET or CODEPAGE; DOS text guessed)"


def _refused_declaration(
    raw: bytes, match: re.Match[bytes], keyword: str, value: str, key: str, file: str
) -> IngestError:
    """The error of a CODEPAGE or CHARSET this reader cannot decode, at its line."""
    return IngestError(
        [
            common.problem(
                file,
                common.line_at(raw, match.start()),
                keyword,
                value,
                key,
            )
        ]
    )


def _declared(raw: bytes, codec: str, note: str, file: str) -> tuple[str, str]:
    """Decode with the declared code page, unless the bytes are plainly UTF-8.

    Files edited in a UTF-8 editor keep saying CHARSET="ANSI"; read as Windows-1252 they
    would silently turn "ë" into "Ã«". Non-ASCII bytes that are valid UTF-8 are
    practically never 8-bit text, so they are read as UTF-8 and the mismatch is noted.
    """
    if codecs.lookup(codec).name != "utf-8" and not raw.isascii():
        try:
            return raw.decode("utf-8"), f"utf-8 (declared {note}, but the bytes are UTF-8)"
        except UnicodeDecodeError:
            pass
    return common.decode(raw, codec, file), note


def _codec(name: str) -> str | None:
    """Return the Python codec of a PX CODEPAGE value, or None if unknown."""
    key = name.strip().lower()
    if key.isdigit():
        key = f"cp{key}"
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def _letter_score(text: str) -> tuple[int, int]:
    """Score a decoding by the Albanian, then other accented, letters it produces."""
    albanian = accented = 0
    for char in text:
        if char in _ALBANIAN:
            albanian += 1
        elif char in _ACCENTED:
            accented += 1
    return albanian, accented


def _scan(text: str, lines: _Lines, log: ProblemLog) -> tuple[list[_Entry], _DataPart | None]:
    """Split the text into keyword entries, up to the DATA entry."""
    entries: list[_Entry] = []
    pos = 0
    while True:
        key = _KEY_RE.match(text, pos)
        if key is None:
            rest = text[pos:]
            if not rest.strip(" \t\r\n\x1a"):
                return entries, None
            start = pos + len(rest) - len(rest.lstrip())
            snippet = text[start:].split("\n", 1)[0].rstrip()
            log.say(lines.at(start), None, snippet, "ingest.px.entry")
            resync = _RESYNC_RE.search(text, start)
            if resync is None:
                return entries, None
            pos = resync.end()
            continue
        keyword = key["kw"].upper()
        line = lines.at(key.start("kw"))
        if keyword == "DATA" and key["lang"] is None and key["sub"] is None:
            return entries, _DataPart(text[key.end() :], key.end(), line)
        value = _VALUE_RE.match(text, key.end())
        if value is None:
            log.say(
                line, keyword, text[key.end() :].split("\n", 1)[0].rstrip(), "ingest.px.value_end"
            )
            resync = _RESYNC_RE.search(text, key.end())
            if resync is None:
                return entries, None
            pos = resync.end()
            continue
        raw = text[key.end() : value.end() - 1]
        subkeys = tuple(_SUB_RE.findall(key["sub"])) if key["sub"] else ()
        entries.append(_Entry(keyword, key["lang"], subkeys, _items(raw), raw, line))
        pos = value.end()


def _items(raw: str) -> tuple[str, ...]:
    """Split a value into its comma-separated items, joining consecutive quoted pieces."""
    items: list[str] = []
    current: str | None = None
    for match in _ITEM_RE.finditer(raw):
        string, comma, bare = match.groups()
        if comma:
            items.append(current if current is not None else "")
            current = None
        elif string is not None or bare is not None:
            piece = string if string is not None else bare
            current = piece if current is None else current + piece
    if current is not None or items:
        items.append(current if current is not None else "")
    return tuple(items)


def _select(entries: list[_Entry], log: ProblemLog) -> tuple[dict, str | None]:
    """Keep the entries of the main language, one per keyword and sub-keys."""
    language = next(
        (e.items[0] for e in entries if e.keyword == "LANGUAGE" and not e.language and e.items),
        None,
    )
    chosen: dict[tuple[str, tuple[str, ...]], _Entry] = {}
    for entry in entries:
        if entry.language is not None and entry.language != language:
            continue
        key = (entry.keyword, entry.subkeys)
        previous = chosen.get(key)
        if previous is None or (previous.language and not entry.language):
            chosen[key] = entry
        elif entry.language and not previous.language:
            continue
        elif entry.keyword in _ONCE:
            log.say(
                entry.line,
                entry.label,
                None,
                "ingest.px.entry_once",
                entry=entry.label,
                other=previous.line,
            )
        else:
            chosen[key] = _Entry(
                previous.keyword,
                previous.language,
                previous.subkeys,
                previous.items + entry.items,
                previous.raw + "\n" + entry.raw,
                previous.line,
            )
    return chosen, language


def _text(chosen: dict, keyword: str, *subkeys: str) -> str | None:
    entry = chosen.get((keyword, subkeys))
    return ", ".join(entry.items) if entry is not None and entry.items else None


def _build(
    file: str,
    chosen: dict,
    language: str | None,
    data: _DataPart | None,
    lines: _Lines,
    log: ProblemLog,
) -> StatTable | None:
    """Check the structure, read DATA and assemble the table (None if not possible)."""
    stub = list(chosen[("STUB", ())].items) if ("STUB", ()) in chosen else []
    heading = list(chosen[("HEADING", ())].items) if ("HEADING", ()) in chosen else []
    _check_mandatory(chosen, log)
    if not stub and not heading:
        log.say(None, "STUB/HEADING", None, "ingest.px.variables")
    for name in common.duplicates(stub + heading):
        log.say(None, "STUB/HEADING", name, "ingest.variable_once")
    for name in common.reserved_names(stub + heading):
        log.say(None, "STUB/HEADING", name, "ingest.reserved")
    dimensions = [_dimension(chosen, name, log) for name in stub + heading]
    if data is None:
        log.say(None, "DATA", None, "ingest.px.data")
        return None
    if any(d is None for d in dimensions) or not dimensions:
        _cells(data, lines, log)  # still report bad cells, so that all problems show at once
        return None
    dims = [d for d in dimensions if d is not None]
    keys = {name: chosen.get(("KEYS", (name,))) for name in stub}
    if any(keys.values()):
        values, status, omitted = _keyed_data(dims, len(stub), keys, data, lines, log)
    else:
        values, status = _plain_data(dims, data, lines, log)
        omitted = None
    if values is None or log:
        return None
    frame = common.build_frame(dims, None, values, status)
    metadata = _metadata(chosen)
    if omitted:
        metadata["KEYS omitted rows"] = f"{omitted} rows not in the file were read as 0"
    return StatTable(
        title=_text(chosen, "TITLE")
        or _text(chosen, "DESCRIPTION")
        or _text(chosen, "CONTENTS")
        or Path(file).stem,
        source_file=file,
        fmt=FORMAT,
        language=language,
        source=_text(chosen, "SOURCE"),
        units=_units(chosen),
        dimensions=[d.name for d in dims],
        data=frame,
        metadata=metadata,
    )


def _check_mandatory(chosen: dict, log: ProblemLog) -> None:
    present = {keyword for keyword, _ in chosen}
    for keyword in MANDATORY:
        if keyword == "UNITS" and ("UNITS" in present or "CONTVARIABLE" in present):
            continue
        if keyword not in present:
            log.say(None, keyword, None, "ingest.px.mandatory", keyword=keyword)
    if "TITLE" not in present and "DESCRIPTION" not in present:
        log.say(None, "TITLE", None, "ingest.px.title")
    decimals = chosen.get(("DECIMALS", ()))
    if decimals is not None:
        text = "".join(decimals.items).strip()
        if not (text.isdigit() and int(text) <= 15):
            log.say(decimals.line, "DECIMALS", text, "ingest.px.decimals")


def _dimension(chosen: dict, name: str, log: ProblemLog) -> Dimension | None:
    """Read VALUES and CODES of one variable, reporting what is missing or inconsistent."""
    values = chosen.get(("VALUES", (name,)))
    if values is None:
        others = sorted(sub[0] for kw, sub in chosen if kw == "VALUES" and len(sub) == 1)
        if others:
            log.say(
                None,
                f'VALUES("{name}")',
                None,
                "ingest.px.values_of",
                name=name,
                others=", ".join(others),
            )
        else:
            log.say(None, f'VALUES("{name}")', None, "ingest.px.values", name=name)
        return None
    labels = list(values.items)
    if not labels:
        log.say(values.line, values.label, "", "ingest.px.one_value")
        return None
    codes_entry = chosen.get(("CODES", (name,)))
    codes = list(codes_entry.items) if codes_entry is not None else None
    ok = True
    if codes_entry is not None and codes is not None:
        if len(codes) != len(labels):
            log.say(
                codes_entry.line,
                codes_entry.label,
                common.Label("ingest.value.codes", count=len(codes)),
                "ingest.px.codes_count",
                count=len(labels),
            )
            ok = False
        for code in common.duplicates(codes):
            log.say(codes_entry.line, codes_entry.label, code, "ingest.px.code_once")
            ok = False
    elif common.duplicates(labels):
        for label in common.duplicates(labels):
            log.say(values.line, values.label, label, "ingest.px.value_once")
        ok = False
    return Dimension(name, labels, codes) if ok else None


def _data_body(data: _DataPart, lines: _Lines, log: ProblemLog) -> str | None:
    """Return the DATA cells text, without its final ';' (None if quotes are unbalanced).

    A DATA that does not end with ';' is reported (the last cell may be cut) but still
    returned, so that the count of cells can be reported too.
    """
    body = data.text.rstrip(" \t\r\n\x1a")
    if body.endswith(";"):
        body = body[:-1]
    else:
        log.say(
            lines.at(data.offset + len(body)),
            "DATA",
            " ".join(body[-30:].split()),
            "ingest.px.data_end",
        )
    quote = _unclosed_quote(body)
    if quote is not None:
        log.say(lines.at(data.offset + quote), "DATA", body[quote : quote + 20], "ingest.px.quote")
        return None
    return body


def _unclosed_quote(body: str) -> int | None:
    """Return the offset of a quote that is never closed, if any."""
    if body.count('"') % 2 == 0:
        return None
    return body.rfind('"')


def _cells(data: _DataPart, lines: _Lines, log: ProblemLog) -> None:
    body = _data_body(data, lines, log)
    if body is not None:
        tokens = _tokens(body)
        _report_bad(_classify(tokens), tokens, body, data, lines, log)


def _tokens(body: str) -> pa.Array:
    """Split the DATA cells in Arrow (compact for millions of cells, unlike a list).

    Quoted symbols hold no separator, so splitting at separators is exact for a valid
    file; in a broken one a quoted text with spaces becomes pieces, each reported.
    """
    trimmed = body.strip(_SEPARATORS)
    if not trimmed:
        return pa.array([], type=pa.string())
    pieces = pc.split_pattern_regex(
        pa.array([trimmed], type=pa.large_string()), r"[ \t\r\n\f\v,;]+"
    )
    return pc.cast(pieces.flatten(), pa.string())


def _classify(tokens: pa.Array | list[str]) -> common.Cells:
    """Classify DATA cells, unquoting only cells quoted at both ends (``"12`` is bad)."""
    texts = tokens if isinstance(tokens, pa.Array) else pa.array(tokens, type=pa.string())
    quoted = pc.and_(
        pc.and_(pc.starts_with(texts, '"'), pc.ends_with(texts, '"')),
        pc.greater_equal(pc.utf8_length(texts), 2),
    )
    inner = pc.utf8_slice_codeunits(texts, start=1, stop=-1)
    return common.classify_cells(pc.if_else(quoted, inner, texts))


def _report_bad(
    cells: common.Cells,
    tokens: pa.Array,
    body: str,
    data: _DataPart,
    lines: _Lines,
    log: ProblemLog,
) -> None:
    if len(cells.bad) == 0:
        return
    wanted = set(cells.bad[: common.MAX_PROBLEMS].tolist())
    last = max(wanted)
    for index, match in enumerate(_DATA_TOKEN_RE.finditer(body)):
        if index in wanted:
            log.say(
                lines.at(data.offset + match.start()),
                common.Label("ingest.field.data_cell", number=index + 1),
                tokens[index].as_py(),
                "imports.expected.cell",
                symbols=_SYMBOLS,
            )
        if index >= last:
            break
    log.omitted += max(0, len(cells.bad) - len(wanted))


def _miscounted(data: _DataPart, found: int, log: ProblemLog, key: str, **params: object) -> None:
    """Say that DATA holds ``found`` values where message ``key`` says how many it should."""
    log.say(data.line, "DATA", common.Label("ingest.value.values", count=found), key, **params)


def _plain_data(
    dims: list[Dimension], data: _DataPart, lines: _Lines, log: ProblemLog
) -> tuple[np.ndarray | None, pa.Array | None]:
    before = log.count
    body = _data_body(data, lines, log)
    if body is None:
        return None, None
    tokens = _tokens(body)
    expected = math.prod(len(d.labels) for d in dims)
    if len(tokens) != expected:
        sizes = " × ".join(f"{len(d.labels)} ({d.name})" for d in dims)
        _miscounted(data, len(tokens), log, "ingest.px.cells_count", count=expected, sizes=sizes)
    cells = _classify(tokens)
    _report_bad(cells, tokens, body, data, lines, log)
    if log.count > before:
        return None, None
    return cells.values, cells.status


def _keyed_data(
    dims: list[Dimension],
    stub_count: int,
    keys: dict,
    data: _DataPart,
    lines: _Lines,
    log: ProblemLog,
) -> tuple[np.ndarray | None, np.ndarray | None, int]:
    """Read DATA written with KEYS: each row names its stub values, missing rows are 0."""
    before = log.count
    lookups = []
    for dim in dims[:stub_count]:
        entry = keys[dim.name]
        kind = "".join(entry.items).strip().upper() if entry is not None else ""
        if kind not in ("VALUES", "CODES") or (kind == "CODES" and dim.codes is None):
            log.say(
                entry.line if entry is not None else None,
                f'KEYS("{dim.name}")',
                kind or None,
                "ingest.px.keys",
            )
            continue
        names = dim.labels if kind == "VALUES" else dim.codes
        lookups.append({name: i for i, name in enumerate(names or [])})
    body = _data_body(data, lines, log)
    if log.count > before or body is None:
        return None, None, 0
    heading_sizes = [len(d.labels) for d in dims[stub_count:]]
    columns = math.prod(heading_sizes)
    stub_sizes = [len(d.labels) for d in dims[:stub_count]]
    row_count = math.prod(stub_sizes)
    values = np.zeros(row_count * columns, dtype=np.float64)
    status = np.full(row_count * columns, None, dtype=object)
    matches = list(_KEYS_TOKEN_RE.finditer(body))
    width = stub_count + columns
    if len(matches) % width:
        _miscounted(data, len(matches), log, "ingest.px.keyed_rows", keys=stub_count, cells=columns)
        return None, None, 0
    seen: dict[int, int] = {}
    for start in range(0, len(matches), width):
        row_matches = matches[start : start + width]
        line = lines.at(data.offset + row_matches[0].start())
        position = []
        for lookup, match, dim in zip(lookups, row_matches, dims, strict=False):
            key = match.group()
            found = lookup.get(key[1:-1]) if key.startswith('"') else None
            if found is None:
                log.say(line, f'KEYS("{dim.name}")', key, "ingest.px.key_value", name=dim.name)
            position.append(found)
        if any(p is None for p in position):
            continue
        row = int(np.ravel_multi_index(position, stub_sizes)) if stub_sizes else 0
        if row in seen:
            log.say(line, "DATA", None, "ingest.px.row_once", other=seen[row])
            continue
        seen[row] = line
        tokens = [m.group() for m in row_matches[stub_count:]]
        cells = _classify(tokens)
        for index in cells.bad.tolist():
            log.say(
                lines.at(data.offset + row_matches[stub_count + index].start()),
                "DATA",
                tokens[index],
                "imports.expected.cell",
                symbols=_SYMBOLS,
            )
        values[row * columns : (row + 1) * columns] = cells.values
        status[row * columns : (row + 1) * columns] = cells.status.to_numpy(zero_copy_only=False)
    if log.count > before:
        return None, None, 0
    return values, status, row_count - len(seen)


def _units(chosen: dict) -> str | None:
    units = _text(chosen, "UNITS")
    if units is not None:
        return units
    per_content = {
        sub[0]: "".join(e.items) for (kw, sub), e in chosen.items() if kw == "UNITS" and sub
    }
    if not per_content:
        return None
    distinct = set(per_content.values())
    if len(distinct) == 1:
        return distinct.pop()
    return "; ".join(f"{content}: {unit}" for content, unit in per_content.items())


def _metadata(chosen: dict) -> dict[str, str]:
    """Keep every non-structural entry as text (lists as JSON arrays)."""
    metadata: dict[str, str] = {}
    for (keyword, _), entry in chosen.items():
        if keyword in _STRUCTURE:
            continue
        if keyword == "TIMEVAL" or len(entry.items) == 0:
            value = " ".join(entry.raw.split())
        elif len(entry.items) == 1:
            value = entry.items[0]
        else:
            value = json.dumps(list(entry.items), ensure_ascii=False)
        label = entry.label.replace(f"[{entry.language}]", "") if entry.language else entry.label
        metadata[label] = value
    return metadata
