"""Shared pieces of the export readers: problems, the table model, bytes, text and cells.

Every reader turns a file into :class:`StatTable` objects (a cube in long form) or raises
:class:`IngestError` carrying every :class:`Problem` it found, so that staff can fix a
file in one go. Nothing here guesses a number: a cell is a number written with ``.``
decimals or one of the :data:`MISSING_SYMBOLS`, anything else is a problem.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MAX_BYTES = 200 * 1024 * 1024
"""Files bigger than this are refused before any byte is read."""

MAX_PROBLEMS = 1000
"""Problems kept per file; beyond this they are only counted."""

MESSAGE_PROBLEMS = 50
"""Problems spelled out in the message of an :class:`IngestError`."""

VALUE_CHARS = 80

STRING_DTYPE = pd.StringDtype()
"""Dtype of label, code and status columns (missing is ``pd.NA``)."""

VALUE_DTYPE = "Float64"

MISSING_SYMBOLS: dict[str, str] = {
    ":": "not available (ASK; some census tables use it where the true value is 0)",
    ".": "not applicable or not collected (PC-Axis DATASYMBOL1; ASK: not enumerated)",
    "..": "not available (PC-Axis DATASYMBOL2)",
    "...": "PC-Axis DATASYMBOL3 (often: confidential or not published)",
    "....": "PC-Axis DATASYMBOL4",
    ".....": "PC-Axis DATASYMBOL5",
    "......": "PC-Axis DATASYMBOL6",
    ".......": "sum of cells with differing symbols (PC-Axis DATASYMBOLSUM)",
    "-": "nil: a true zero by PC-Axis definition (DATASYMBOLNIL); kept as a symbol",
}
"""Cell symbols that stand for a missing number, with what they mean.

The value of such a cell is NA and its status is the symbol itself; readers never turn
a symbol into 0, not even ``-``: deciding that belongs to whoever uses the figure.
"""

NUMBER_PATTERN = r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
"""A number as the exports write it: ``.`` decimals, no thousands separator."""

_NUMBER_RE = re.compile(NUMBER_PATTERN)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x19\x1b-\x1f\x7f]")
_SYMBOL_ARRAY = pa.array(sorted(MISSING_SYMBOLS), type=pa.string())


def english(key: str, **params: object) -> str:
    """The English text of message ``key``: what logs and ``str(problem)`` show."""
    from dashboard.i18n import t

    return t(key, "en", **{name: str(value) for name, value in params.items()})


class Label(str):
    """A place in a file said in words ("Janar (column C)", "DATA cell 7"), translatable.

    The string itself is the English text, so a label goes wherever a field name does
    (a problem's ``field``, an array of per-row column names); ``in_language`` says it in
    sq, en or sr from its message key (``dashboard/i18n/messages/ingest.*.json``).
    """

    key: str
    params: tuple[tuple[str, str], ...]  # a value may itself be a Label

    def __new__(cls, key: str, **params: object) -> Label:
        """Make the label of message ``key`` filled with ``params``."""
        texts = _texts(params)
        label = super().__new__(cls, english(key, **dict(texts)))
        label.key, label.params = key, texts
        return label

    def __reduce__(self) -> tuple[object, ...]:
        return (_label, (self.key, self.params))

    def in_language(self, lang: str) -> str:
        """The label in ``lang``; nested labels among its values are said in ``lang`` too."""
        from dashboard.i18n import t

        values = {
            name: value.in_language(lang) if isinstance(value, Label) else value
            for name, value in self.params
        }
        return t(self.key, lang, **values)


def _label(key: str, params: tuple[tuple[str, str], ...]) -> Label:
    return Label(key, **dict(params))


def _texts(params: dict[str, object]) -> tuple[tuple[str, str], ...]:
    """Message values as texts; a :class:`Label` stays one, to be said in each language."""
    return tuple(
        (name, value if isinstance(value, Label) else str(value)) for name, value in params.items()
    )


def said(text: str | None, lang: str) -> str | None:
    """A :class:`Label` in ``lang``; any other text as it is (it is the file's own)."""
    return text.in_language(lang) if isinstance(text, Label) else text


def column_label(letter: str, header: str | None = None, sheet: str | None = None) -> Label:
    """Where a spreadsheet column is: "Janar (column C)", "column C (sheet 2024)"."""
    if header:
        label = Label("ingest.field.header_column", header=header, letter=letter)
    else:
        label = Label("ingest.field.column", letter=letter)
    return Label("ingest.field.in_sheet", field=label, sheet=sheet) if sheet else label


def shorten(text: str, limit: int = VALUE_CHARS) -> str:
    """Return ``text`` cut to ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, said so that a person can fix it."""

    file: str
    line: int | None
    field: str | None
    value: str | None
    expected: str
    # the message key of `expected` in dashboard/i18n/messages/imports.*.json, and its values
    key: str | None = None
    params: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.value is not None and len(self.value) > VALUE_CHARS:
            object.__setattr__(self, "value", shorten(self.value))

    def expected_in(self, lang: str) -> str:
        """What was expected, in ``lang`` (sq, en, sr); English where no key was given."""
        if self.key is None:
            return self.expected
        from dashboard.i18n import messages, normalise_language, t

        if self.key not in messages(normalise_language(lang)):
            return self.expected
        try:
            return t(self.key, lang, **{name: said(v, lang) for name, v in self.params})
        except (KeyError, IndexError, ValueError):  # a catalogue text naming another value
            return self.expected

    def field_in(self, lang: str) -> str | None:
        """The column or place in the file, in ``lang`` (a :class:`Label`) or as written."""
        return said(self.field, lang)

    def value_in(self, lang: str) -> str | None:
        """The value as the file writes it, or a count said in ``lang`` ("7 values")."""
        return said(self.value, lang)

    def text(self, lang: str) -> str:
        """The whole problem in ``lang``: file, row, column, value and what was expected."""
        from dashboard.i18n import t

        # a Label says its own kind of place ("column C", "DATA cell 7"): not "column column C"
        return t(
            "ingest.problem_at" if isinstance(self.field, Label) else "imports.problem",
            lang,
            file=self.file,
            line="—" if self.line is None else self.line,
            field=self.field_in(lang) or "—",
            value="—" if self.value is None else self.value_in(lang),
            expected=self.expected_in(lang),
        )

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = self.field or ""
        if self.value is not None:
            what = f"{what} = {self.value!r}" if what else repr(self.value)
        if what:
            return f"{where}: {what}: expected {self.expected}"
        return f"{where}: expected {self.expected}"


class IngestError(Exception):
    """Raised with every problem found; message lists the first 50 then a count."""

    problems: list[Problem]

    def __init__(
        self, problems: Iterable[Problem], *, summary: str | None = None, omitted: int = 0
    ) -> None:
        """Build the error.

        Args:
            problems: the problems found (at least one).
            summary: a leading sentence; defaults to "N problem(s) in FILE".
            omitted: problems found beyond those listed (not kept to bound memory).
        """
        self.problems = list(problems)
        self.omitted = omitted
        self.summary = summary
        super().__init__(self._message())

    @property
    def total(self) -> int:
        """Number of problems found, listed or not."""
        return len(self.problems) + self.omitted

    def _message(self) -> str:
        files = sorted({p.file for p in self.problems})
        head = self.summary or (
            f"{self.total} problem{'s' if self.total != 1 else ''} in {', '.join(files)}"
        )
        lines = [str(p) for p in self.problems[:MESSAGE_PROBLEMS]]
        rest = self.total - len(lines)
        if rest > 0:
            lines.append(f"... and {rest} more problem{'s' if rest != 1 else ''}")
        return head + ":\n  " + "\n  ".join(lines) if lines else head


class ProblemLog:
    """Collects the problems of one file, keeping the first :data:`MAX_PROBLEMS`."""

    def __init__(self, file: str) -> None:
        """Start an empty log for ``file`` (the name shown to the user)."""
        self.file = file
        self.problems: list[Problem] = []
        self.omitted = 0

    def add(
        self,
        line: int | None,
        field: str | None,
        value: str | None,
        expected: str,
        key: str | None = None,
        **params: object,
    ) -> None:
        """Record a problem; ``key`` and ``params`` translate ``expected`` (imports.*.json)."""
        if len(self.problems) >= MAX_PROBLEMS:
            self.omitted += 1
            return
        self.problems.append(
            Problem(
                self.file,
                line,
                field,
                value,
                expected,
                key,
                _texts(params),
            )
        )

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record problems found elsewhere (e.g. in a nested reader)."""
        for problem in problems:
            if len(self.problems) >= MAX_PROBLEMS:
                self.omitted += 1
            else:
                self.problems.append(problem)

    def say(
        self, line: int | None, field: str | None, value: str | None, key: str, **params: object
    ) -> None:
        """Record a problem whose expectation is message ``key`` (English from its catalogue)."""
        self.add(line, field, value, english(key, **params), key, **params)

    def __bool__(self) -> bool:
        return bool(self.problems) or self.omitted > 0

    @property
    def count(self) -> int:
        """Number of problems recorded so far, listed or not."""
        return len(self.problems) + self.omitted

    def raise_if_any(self, summary: str | None = None) -> None:
        """Raise :class:`IngestError` if anything was recorded."""
        if self:
            raise IngestError(self.problems, summary=summary, omitted=self.omitted)


@dataclass
class StatTable:
    """A statistical cube in long form, as read from one export."""

    title: str
    source_file: str
    fmt: str
    language: str | None
    source: str | None
    units: str | None
    dimensions: list[str]
    data: pd.DataFrame
    metadata: dict[str, str] = field(default_factory=dict)
    # where each label is first written: {dimension: {label: line or row number}}
    lines: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Dimension:
    """A variable of a cube: its name, its value labels and, when known, their codes."""

    name: str
    labels: list[str]
    codes: list[str] | None = None


def problem(
    file: str,
    line: int | None,
    field: str | None,
    value: str | None,
    key: str,
    **params: object,
) -> Problem:
    """A problem whose expectation is message ``key``, said in sq, en and sr.

    The English of ``expected`` comes from the catalogue too, so a text lives in one
    place; ``params`` fill the message's {placeholders} (as texts: format them first).
    """
    texts = _texts(params)
    return Problem(file, line, field, value, english(key, **dict(texts)), key, texts)


def display_name(path: Path, given: str | None) -> str:
    """Return the name to show for ``path`` in problems: the user's own file name."""
    return given if given else path.name


def read_json_object(path: Path) -> dict[str, Any]:
    """The JSON object kept in a file; empty when it is missing, unreadable or not an object.

    For the small files the importer keeps for convenience (saved recipes, staged
    choices): a damaged one is as good as none and must not stop an import.
    """
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def line_at(raw: bytes | str, offset: int) -> int:
    """Return the 1-based line number of ``offset`` in ``raw``."""
    newline = b"\n" if isinstance(raw, bytes) else "\n"
    return raw.count(newline, 0, offset) + 1  # type: ignore[arg-type]


def read_bytes(path: Path, file: str) -> bytes:
    """Read a whole file after checking that it exists, is not empty and not too big.

    Raises:
        IngestError: the file is missing, unreadable, empty or larger than MAX_BYTES.
    """
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IsADirectoryError(str(path))
    except OSError as error:
        raise IngestError([unreadable(file, error)]) from None
    refuse_size(size, file)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise IngestError([unreadable(file, error)]) from None
    if not raw.strip():
        raise IngestError([problem(file, None, None, None, "imports.expected.not_empty")])
    return raw


def sized_name(path: Path, given: str | None) -> str:
    """The name to show for ``path``, after refusing a file that cannot be seen or is too big.

    Raises:
        IngestError: the file is missing or unreadable, or larger than MAX_BYTES.
    """
    file = display_name(path, given)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise IngestError([unreadable(file, error)]) from None
    refuse_size(size, file)
    return file


_LABELLED_RE = re.compile(r"^\s*([^:]{2,40}?)\s*:\s*(.+?)\s*$")


def labelled_values(cells: Sequence[str]) -> Iterator[tuple[str, str]]:
    """The "Label: value" pairs of a line above a header, in one cell or in two.

    A template's title rows say "Viti: 2024" in one cell or "Viti:" | "2024" in two;
    ``cells`` are the line's non-empty cells.
    """
    for position, cell in enumerate(cells):
        match = _LABELLED_RE.match(cell)
        if match:
            yield match.group(1), match.group(2)
        elif cell.endswith(":") and position + 1 < len(cells):
            yield cell[:-1], cells[position + 1]


def head_text(path: Path, size: int = 64 * 1024) -> str:
    """A file's first bytes as text to sniff a header in: UTF-8 (BOM dropped), else cp1252.

    Raises:
        OSError: the file cannot be opened or read.
    """
    with path.open("rb") as handle:
        head = handle.read(size)
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError:
        return head.decode("cp1252", errors="replace")


def is_zip(path: Path) -> bool:
    """Whether the file starts as a ZIP archive does (an XLSX workbook)."""
    with path.open("rb") as handle:
        return handle.read(4).startswith(b"PK\x03\x04")


def unreadable(file: str, error: OSError) -> Problem:
    """The problem of a file that cannot be opened or read (the system's reason kept)."""
    return Problem(
        file,
        None,
        None,
        None,
        f"a readable file ({error})",
        "imports.expected.readable",
        (("error", str(error)),),
    )


def refuse_size(size: int, file: str) -> None:
    """Raise :class:`IngestError` when ``size`` exceeds :data:`MAX_BYTES`."""
    if size > MAX_BYTES:
        raise IngestError(
            [
                Problem(
                    file,
                    None,
                    None,
                    f"{size / 1024 / 1024:.1f} MB",
                    f"a file of at most {MAX_BYTES // 1024 // 1024} MB",
                    "imports.expected.size",
                    (("mb", str(MAX_BYTES // 1024 // 1024)),),
                )
            ]
        )


def binary_problem(raw: bytes, file: str) -> Problem | None:
    """Return a problem when ``raw`` is UTF-16/32 or binary rather than 8-bit text."""
    head = raw[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(head) >= 4 and head.count(b"\x00") * 4 >= len(head)
    ):
        return Problem(
            file,
            None,
            None,
            None,
            "text in UTF-8 or Windows-1252; this file is UTF-16 (save it again as UTF-8)",
            "imports.expected.utf16",
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        return Problem(
            file,
            line_at(raw, nul),
            None,
            None,
            "text; found a NUL byte (a binary or damaged file)",
            "imports.expected.binary",
        )
    return None


def decode(raw: bytes, encoding: str, file: str) -> str:
    """Decode ``raw`` strictly, reporting where the first undecodable byte is.

    Raises:
        IngestError: a byte is not valid in ``encoding``.
    """
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise IngestError([decode_problem(raw, error, encoding, file)]) from None


def decode_problem(raw: bytes, error: UnicodeDecodeError, encoding: str, file: str) -> Problem:
    """Describe a decoding failure with its line and the offending bytes."""
    bad = raw[error.start : error.end]
    return Problem(
        file,
        line_at(raw, error.start),
        None,
        bad.hex(" "),
        f"text in the {encoding} encoding",
        "imports.expected.encoding",
        (("encoding", encoding),),
    )


def read_text_bytes(path: Path, given: str | None) -> tuple[str, bytes]:
    """The name to show for a text export and its bytes, refused when binary or UTF-16.

    Raises:
        IngestError: the file is missing, unreadable, empty, too big or not 8-bit text.
    """
    file = display_name(path, given)
    raw = read_bytes(path, file)
    binary = binary_problem(raw, file)
    if binary is not None:
        raise IngestError([binary])
    return file, raw


def refuse_control(text: str, file: str) -> None:
    """Raise :class:`IngestError` when ``text`` holds a control character (a binary file)."""
    control = control_problem(text, file)
    if control is not None:
        raise IngestError([control])


def control_problem(text: str, file: str) -> Problem | None:
    """Return a problem when ``text`` holds a control character (a binary file)."""
    match = _CONTROL_RE.search(text)
    if match is None:
        return None
    return problem(
        file, line_at(text, match.start()), None, f"U+{ord(match.group()):04X}", "ingest.control"
    )


def cell_text(value: object) -> str:
    """A spreadsheet cell as text, so that XLSX cells are read like the same CSV cells.

    Empty for no value (or NaN); a whole number without ``.0``; a date in ISO form.
    """
    if value is None:
        return ""
    if isinstance(value, bool | int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def is_number(text: str) -> bool:
    """Tell whether ``text`` is a number written as the exports write them."""
    return _NUMBER_RE.fullmatch(text) is not None


@dataclass(frozen=True)
class Cells:
    """Cell texts classified: values (NaN where missing), statuses, positions of bad cells."""

    values: np.ndarray
    status: pa.Array
    bad: np.ndarray


def classify_cells(cells: Sequence[str] | pa.Array) -> Cells:
    """Turn cell texts (quotes already removed) into numbers and symbol statuses.

    A cell is a number (:data:`NUMBER_PATTERN`) or a key of :data:`MISSING_SYMBOLS`;
    every other text, the empty one included, lands in ``bad``.
    """
    texts = cells if isinstance(cells, pa.Array) else pa.array(cells, type=pa.string())
    texts = pc.utf8_trim_whitespace(texts)
    numeric = pc.fill_null(pc.match_substring_regex(texts, f"^(?:{NUMBER_PATTERN})$"), False)
    symbolic = pc.fill_null(pc.is_in(texts, value_set=_SYMBOL_ARRAY), False)
    values = pc.cast(pc.if_else(numeric, texts, None), pa.float64()).to_numpy(zero_copy_only=False)
    status = pc.if_else(symbolic, texts, None)
    bad = np.flatnonzero(~pc.or_(numeric, symbolic).to_numpy(zero_copy_only=False))
    finite = np.isfinite(values) | np.isnan(values)
    if not finite.all():  # "1e999" overflows: not a figure anybody meant
        bad = np.union1d(bad, np.flatnonzero(~finite))
    return Cells(values=values, status=status, bad=bad)


def product_position(sizes: Sequence[int], index: int) -> np.ndarray:
    """Return the value position of dimension ``index`` for every cell of a row-major cube."""
    total = math.prod(sizes)
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    inner = math.prod(sizes[index + 1 :])
    outer = math.prod(sizes[:index])
    kind = np.int32 if sizes[index] < 2**31 else np.int64
    return np.tile(np.repeat(np.arange(sizes[index], dtype=kind), inner), outer)


def product_positions(sizes: Sequence[int]) -> list[np.ndarray]:
    """Return, per dimension, the value position of every cell of a row-major cube."""
    total = math.prod(sizes)
    if total == 0:
        return [np.zeros(0, dtype=np.int64) for _ in sizes]
    positions = []
    inner = total
    for size in sizes:
        inner //= size
        outer = total // (size * inner)
        positions.append(np.tile(np.repeat(np.arange(size, dtype=np.int64), inner), outer))
    return positions


def build_frame(
    dimensions: Sequence[Dimension],
    positions: Sequence[np.ndarray] | None,
    values: np.ndarray,
    status: np.ndarray | pa.Array,
) -> pd.DataFrame:
    """Assemble the long table: labels, codes, ``value`` (Float64) and ``status``.

    Args:
        dimensions: the variables, in the table's order.
        positions: per dimension, the value position of every cell; None for a full
            row-major cube (computed one dimension at a time to bound memory).
        values: the numbers, NaN where missing.
        status: the symbol or status of every cell, None where there is none.
    """
    sizes = [len(dimension.labels) for dimension in dimensions]

    def where(index: int) -> np.ndarray:
        return positions[index] if positions is not None else product_position(sizes, index)

    columns: dict[str, object] = {}
    for index, dimension in enumerate(dimensions):
        columns[dimension.name] = _take(dimension.labels, where(index))
    for index, dimension in enumerate(dimensions):
        if dimension.codes is not None:
            columns[f"{dimension.name}#code"] = _take(dimension.codes, where(index))
    columns["value"] = pd.array(np.asarray(values, dtype=np.float64), dtype=VALUE_DTYPE)
    if not isinstance(status, pa.Array):
        status = pa.array(np.asarray(status, dtype=object), type=pa.string())
    columns["status"] = pd.array(status, dtype=STRING_DTYPE)
    return pd.DataFrame(columns)


def _take(labels: Sequence[str], where: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Return ``labels[where]`` as a categorical of strings.

    A cube of tens of millions of cells repeats a handful of labels per dimension:
    categorical codes keep memory bounded (a byte or two per cell, not a string each).
    """
    if len(set(labels)) == len(labels):
        categories = pd.Index(list(labels), dtype=STRING_DTYPE)
        return pd.Categorical.from_codes(np.asarray(where, dtype=np.int32), categories=categories)
    taken = pa.array(list(labels), type=pa.string()).take(pa.array(where))
    return pd.array(taken, dtype=STRING_DTYPE)


RESERVED_TEXT = "a variable name other than 'value', 'status' or one ending in '#code'"


def reserved_names(names: Sequence[str]) -> list[str]:
    """Return the names that would clash with the columns the long table adds."""
    return [name for name in names if name in ("value", "status") or name.endswith("#code")]


def duplicates(items: Sequence[str]) -> list[str]:
    """Return the items that occur more than once, in first-seen order."""
    seen: set[str] = set()
    repeated: dict[str, None] = {}
    for item in items:
        if item in seen:
            repeated[item] = None
        seen.add(item)
    return list(repeated)
