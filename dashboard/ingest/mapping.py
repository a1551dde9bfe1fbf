"""Turn the tables the readers return into rows of the database's datasets.

A :class:`~dashboard.ingest.common.StatTable` is a cube in long form whose dimensions
are named as ASK names them, in Albanian, English or Serbian. This module recognises
each dimension by its name (``Komuna``/``Municipality``/``Opština``, ``Viti``/``Year``/
``Godina``, ...), each value by its label, and writes the cells as rows of:

* ``population_by_age_sex``: population by municipality or settlement, year, sex, age;
* ``population_by_municipality``: the municipality totals, when the file carries them;
* ``sns_beneficiaries``: social-assistance families and members by municipality, period
  and category.

Rules that keep the figures honest:

* Places are resolved through ONE alias table (``data/place_aliases.csv`` plus the
  canonical names of ``data/municipalities.csv`` and ``data/settlements.csv``) after
  folding case, whitespace and diacritics; a name not in it is an error that names it.
* Aggregates ("Gjithsej", "Total", "Ukupno", "KOSOVA", an all-ages band, both sexes,
  an age band that other bands of the file tile) are recognised. They are stored only
  where the target dataset has a place for them (the municipality total in
  ``population_by_municipality``; category ``all`` and ``Kosovë`` in
  ``sns_beneficiaries``, whose consumers read them) and never as a population row
  beside their parts. When the file holds every part, the parts must add up to the
  aggregate (an error names the aggregate and the sum); parts that are missing other
  than ``-`` (nil) or ``.`` (not applicable) make the check impossible and it is skipped.
* A missing cell is NULL with its symbol in ``status``, never 0. A figure that is not
  a whole number, or is negative, is an error (the targets count people and families).
* A dimension the dashboard does not know is an error, unless it has a single value
  that is a total or the table's contents (e.g. ``Treguesi = Popullsia``): silently
  dropping a filter such as ``Etnia = Shqiptarë`` would store a part as the whole.
* Time is read from every spelling ASK and staff use (:func:`read_period_label`): years
  (2023), months (2023M02, 2023-02, 2023 Shkurt, Shkurt 2023, February 2023, Februar
  2023) and quarters (2023Q1, 2023K1, 2023 TM1, TM1 2023, T1 2023, tremujori 1). A month
  or quarter written without its year (Shkurt, TM1) takes the year of the table's year
  column or, failing that, the one year its title names; with neither it is refused with
  a request for the year. A span of years is never squeezed into one: ``2011-2024`` (a
  range: a total or average over several years) and ``2023/2024`` (a school or fiscal
  year over two calendar years) are refused, saying so, since the datasets hold
  calendar years, quarters and months and a span would be stored as a year it is not.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard.catalog import Dataset
from dashboard.ingest.common import IngestError, ProblemLog, StatTable, problem
from dashboard.ingest.readings import CONTENTS, SHOWN_VALUES, ColumnReading

PENDING_IMPORT_ID = "pending"
"""``import_id`` of rows not yet accepted; the importer stamps the journal id on them."""

POPULATION = "population_by_age_sex"
MUNICIPALITY_TOTALS = "population_by_municipality"
SNS = "sns_beneficiaries"
SERVICE_COUNTS = "service_counts"

SNS_SOURCE = (
    "ASK, statistikat e mirëqenies sociale (eksport i importuar) / "
    "ASK social welfare statistics (imported export)"
)
"""One source for every imported ASK SNS figure: a newer export replaces an older one."""

ALL = "all"
MAX_LISTED = 20


# --- text ---------------------------------------------------------------------------

_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_SPACE_RE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold case, diacritics (ë→e, ç→c, š→s) and runs of whitespace, for matching names."""
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_DASHES))
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE_RE.sub(" ", letters.casefold()).strip()


def _words(*names: str) -> frozenset[str]:
    return frozenset(normalise(name) for name in names)


TOTAL_WORDS = _words(
    "Gjithsej", "Gjithsejt", "Totali", "Total", "Totals", "Ukupno", "Svega", "Sve",
    "Të gjitha", "All", "Shuma", "Sum",
)  # fmt: skip

MONTH_NAMES: dict[str, int] = {
    normalise(name): number
    for names in (
        ("Janar", "Shkurt", "Mars", "Prill", "Maj", "Qershor", "Korrik", "Gusht", "Shtator",
         "Tetor", "Nëntor", "Dhjetor"),
        ("Janari", "Shkurti", "Marsi", "Prilli", "Maji", "Qershori", "Korriku", "Gushti",
         "Shtatori", "Tetori", "Nëntori", "Dhjetori"),
        ("January", "February", "March", "April", "May", "June", "July", "August",
         "September", "October", "November", "December"),
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        ("Januar", "Februar", "Mart", "April", "Maj", "Jun", "Jul", "Avgust", "Septembar",
         "Oktobar", "Novembar", "Decembar"),
    )
    for number, name in enumerate(names, start=1)
}  # fmt: skip
"""Month names in Albanian (both forms), English and Serbian (Latin), folded."""

ROLE_NAMES: dict[str, frozenset[str]] = {
    "municipality": _words(
        "Komuna", "Komunat", "Municipality", "Municipalities", "Opština", "Opštine",
        "Komuna/Municipality",
    ),
    "settlement": _words(
        "Vendbanimi", "Vendbanimet", "Vendbanim", "Settlement", "Settlements", "Naselje", "Naselja",
        "Zona kadastrale", "Cadastral zone",
    ),
    "year": _words("Viti", "Vitet", "Year", "Years", "Godina", "Godine"),
    "month": _words(
        "Muaji", "Muajt", "Month", "Months", "Mesec", "Meseci", "Periudha", "Period", "Koha",
        "Time", "Vreme",
    ),
    "sex": _words("Gjinia", "Gjinitë", "Sex", "Gender", "Pol"),
    "age": _words(
        "Mosha", "Moshat", "Grupmosha", "Grupmoshat", "Grupmoshat pesëvjeçare", "Age", "Age group",
        "Age groups", "Starost", "Starosna grupa", "Starosne grupe",
    ),
    "measure": _words(
        "Treguesi", "Treguesit", "Indicator", "Indicators", "Measure", "Pokazatelj", "Pokazatelji",
        "Indikator", "Përfituesit", "Beneficiaries", "Korisnici",
    ),
    "category": _words(
        "Kategoria", "Kategoritë", "Category", "Categories", "Kategorija", "Kategorije",
        "Kategoria e ndihmës sociale", "Category of social assistance",
    ),
}  # fmt: skip
"""Dimension names of each role, folded (a table's own variable codes are tried too)."""

ROLE_TEXT = (
    "a dimension the dashboard knows: Komuna/Municipality/Opština, Vendbanimi/Settlement/"
    "Naselje, Viti/Year/Godina, Muaji/Month/Mesec, Gjinia/Sex/Pol, Mosha/Age/Starost, "
    "Treguesi/Indicator/Pokazatelj (families, members), Kategoria/Category/Kategorija (I, II)"
)

SEX_VALUES: dict[str, str] = {
    **dict.fromkeys(
        _words("M", "Meshkuj", "Meshkujt", "Mashkull", "Male", "Males", "Men", "Muški", "Muškarci",
               "Muško"),
        "M",
    ),
    **dict.fromkeys(
        _words("F", "Femra", "Femrat", "Femër", "Female", "Females", "Women", "Ž", "Žene", "Ženski",
               "Žensko"),
        "F",
    ),
}  # fmt: skip
SEX_TOTALS = TOTAL_WORDS | _words("Të dy gjinitë", "Both sexes", "Oba pola", "Gjithsej gjinia")

AGE_TOTALS = TOTAL_WORDS | _words(
    "Të gjitha moshat", "Gjithsej mosha", "All ages", "Sve starosti", "Sve starosne grupe"
)
AGE_UNKNOWN = _words("E panjohur", "Mosha e panjohur", "Unknown", "Not stated", "Nepoznato")
_AGE_RANGE = re.compile(r"(\d{1,3}) ?- ?(\d{1,3})(?: ?(?:vjec|vjet|vjeç|years?|godina|god\.?))?")
_AGE_OPEN = re.compile(
    r"(\d{1,3}) ?(?:\+|\+ ?(?:vjec|vjet|years|godina)|(?:vjec |vjet |years |godina )?"
    r"(?:e me shume|e me teper|e lart|and over|and more|or more|and older|i vise|i stariji))"
)
_AGE_UNDER = re.compile(
    r"(?:nen|under|ispod|manje od) ?(\d{1,3})(?: ?(?:vjec|vjet|years?|godina))?"
)
_AGE_SINGLE = re.compile(r"(\d{1,3})(?: ?(?:vjec|vjet|vjeç|years?|godina|god\.?))?")

MEASURE_TEXT = "families (Familjet/Families/Porodice) or members (Anëtarët/Members/Članovi)"
POPULATION_WORDS = ("popullsi", "banor", "population", "inhabitant", "resident", "stanovni")
SNS_WORDS = ("ndihm", "social assistance", "socijaln", "sns", "skema")

_YEAR_RE = re.compile(r"(\d{4})")
QUARTER_WORDS = r"(?:q|t|tm|k|kv|tremujori|tremujor|quarter|kvartal)"
"""How a quarter's number is introduced: Q1, T1 and TM1 (tremujori), K1 and KV1 (kvartal)."""
_BETWEEN = r" ?[-/ ,.]? ?"  # between a period and its year: "Shkurt 2023", "TM1/2023"
_PERIOD_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("school_year", re.compile(r"(\d{4}) ?/ ?(\d{4}|\d{2})")),
    ("year_range", re.compile(r"(\d{4}) ?- ?(\d{4})")),
    ("month", re.compile(r"(\d{4}) ?(?:m|-|/|\.) ?(\d{1,2})")),
    ("quarter", re.compile(rf"(\d{{4}}) ?-? ?{QUARTER_WORDS}\.? ?([1-4])")),
    ("quarter_first", re.compile(rf"{QUARTER_WORDS}\.? ?([1-4])(?:{_BETWEEN}(\d{{4}}))?")),
    ("quarter_first", re.compile(rf"([1-4])\.? ?{QUARTER_WORDS}(?:{_BETWEEN}(\d{{4}}))?")),
    ("month_name", re.compile(rf"([a-z]+)\.?(?:{_BETWEEN}(\d{{4}}))?")),
    ("year_month_name", re.compile(rf"(\d{{4}}){_BETWEEN}([a-z]+)\.?")),
    ("year", re.compile(r"(\d{4})")),
)
"""Spellings of a period, tried in order on the folded label (spans first: 2011-2024 is
no month)."""
_CATEGORY_RE = re.compile(r"(?:kategoria|kategorija|category|kat\.?)? ?(ii|i|2|1)")


# --- places -------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A resolved place name."""

    name: str  # the canonical ASK name
    kind: str  # municipality, settlement or country


class Places:
    """The one alias table: every spelling of a place, folded, to its canonical name."""

    def __init__(self, by_kind: dict[str, dict[str, str]], ask_codes: dict[str, int]) -> None:
        """Keep the folded spellings per kind and the municipalities' ASK codes."""
        self.by_kind = by_kind
        self.ask_codes = ask_codes

    @classmethod
    def from_data_dir(cls, data_dir: Path) -> Places:
        """Read data/municipalities.csv, settlements.csv and place_aliases.csv."""
        stamps = tuple(
            (data_dir / name).stat().st_mtime_ns if (data_dir / name).exists() else 0
            for name in ("municipalities.csv", "settlements.csv", "place_aliases.csv")
        )
        return _places(data_dir, stamps)

    def resolve(self, label: str, kinds: Sequence[str]) -> Place | None:
        """Return the place ``label`` names among ``kinds`` (tried in order), or None."""
        key = normalise(label)
        for kind in kinds:
            canonical = self.by_kind.get(kind, {}).get(key)
            if canonical is not None:
                return Place(canonical, kind)
        return None

    @property
    def municipalities(self) -> frozenset[str]:
        """The canonical names of every municipality."""
        return frozenset(self.ask_codes)


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=4)
def _places(data_dir: Path, _stamps: tuple[int, ...]) -> Places:
    by_kind: dict[str, dict[str, str]] = {"municipality": {}, "settlement": {}, "country": {}}
    clashes: list[str] = []

    def add(alias: str, canonical: str, kind: str) -> None:
        table = by_kind.setdefault(kind, {})
        key = normalise(alias)
        if table.get(key, canonical) != canonical:
            clashes.append(f"{alias!r} ({kind}) -> {table[key]!r} and {canonical!r}")
        table[key] = canonical

    ask_codes: dict[str, int] = {}
    for row in _read_rows(data_dir / "municipalities.csv"):
        ask_codes[row["municipality"]] = int(row["ask_code"])
        add(row["municipality"], row["municipality"], "municipality")
    settlements = data_dir / "settlements.csv"
    if settlements.exists():
        for row in _read_rows(settlements):
            add(row["settlement"], row["settlement"], "settlement")
    add("Kosovë", "Kosovë", "country")
    for row in _read_rows(data_dir / "place_aliases.csv"):
        add(row["alias"], row["canonical"], row["kind"])
    if clashes:
        raise ValueError(
            "data/place_aliases.csv: a spelling names two places: " + "; ".join(clashes)
        )
    return Places(by_kind, ask_codes)


# --- value parsing --------------------------------------------------------------------


def parse_age(label: str) -> tuple[int | None, int | None] | str | None:
    """Parse an age label: ``(from, to)`` (``to`` None when open), "total", "unknown" or None."""
    text = normalise(label)
    if text in AGE_TOTALS:
        return "total"
    if text in AGE_UNKNOWN:
        return "unknown"
    if match := _AGE_RANGE.fullmatch(text):
        low, high = int(match.group(1)), int(match.group(2))
        return (low, high) if low <= high else None
    if match := _AGE_OPEN.fullmatch(text):
        return (int(match.group(1)), None)
    if match := _AGE_UNDER.fullmatch(text):
        high = int(match.group(1)) - 1
        return (0, high) if high >= 0 else None
    if match := _AGE_SINGLE.fullmatch(text):
        return (int(match.group(1)), int(match.group(1)))
    return None


def parse_sex(label: str) -> str | None:
    """Return "M", "F", "total" or None for a sex label."""
    text = normalise(label)
    if text in SEX_TOTALS:
        return "total"
    return SEX_VALUES.get(text)


def parse_measure(label: str) -> str | None:
    """Return "families", "members" or None for an SNS measure label."""
    text = normalise(label)
    if any(word in text for word in ("anetar", "member", "clan", "persona", "person", "lica")):
        return "members"
    if any(word in text for word in ("famil", "porodic", "household", "amvisni", "domacinstv")):
        return "families"
    return None


def parse_category(label: str) -> str | None:
    """Return "all", "I", "II" or None for an SNS category label."""
    text = normalise(label)
    if text in TOTAL_WORDS:
        return ALL
    match = _CATEGORY_RE.fullmatch(text)
    if match is None:
        return None
    return "II" if match.group(1) in ("ii", "2") else "I"


def parse_year(label: str) -> int | None:
    """Return a census or calendar year (1900-2100) written alone, else None."""
    text = normalise(label)
    if not (_YEAR_RE.fullmatch(text) and 1900 <= int(text) <= 2100):
        return None
    return int(text)


SPANS = ("year_range", "school_year")
"""Kinds of a label that cover more than one calendar year: refused, never stored."""


@dataclass(frozen=True)
class PeriodLabel:
    """What a period label says, before a year from elsewhere is given to it."""

    kind: str  # year, quarter, month, or one of SPANS
    year: int | None  # None: the label does not say (TM1, Shkurt)
    number: int | None = None  # the quarter 1-4 or the month 1-12
    last: int | None = None  # the last year of a span


def read_period_label(label: str) -> PeriodLabel | None:
    """Read a label as a period in any of its spellings (see the module docstring)."""
    text = normalise(label)
    for kind, pattern in _PERIOD_FORMS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        groups = match.groups()
        if kind in SPANS:
            first, second = int(groups[0]), int(groups[1])
            if kind == "school_year" and len(groups[1]) == 2:
                if second <= 12 or second != (first + 1) % 100:
                    continue  # 2023/12 is a month; 2023/24 a school year
                second = first + 1
            if second <= first:
                return None
            return PeriodLabel(kind, first, None, second)
        if kind == "month":
            year, month = int(groups[0]), int(groups[1])
            return PeriodLabel("month", year, month) if 1 <= month <= 12 else None
        if kind == "quarter":
            return PeriodLabel("quarter", int(groups[0]), int(groups[1]))
        if kind == "quarter_first":
            return PeriodLabel("quarter", int(groups[1]) if groups[1] else None, int(groups[0]))
        if kind in ("month_name", "year_month_name"):
            name, year_text = groups if kind == "month_name" else groups[::-1]
            month = MONTH_NAMES.get(name)
            if month is None:
                continue
            return PeriodLabel("month", int(year_text) if year_text else None, month)
        return PeriodLabel("year", int(groups[0]))
    return None


def parse_period(label: str, year: int | None = None) -> tuple[str, str, int, int | None] | None:
    """Parse a period label in any spelling; ``year`` is the year known from elsewhere.

    Returns:
        ``(period, period_type, year, month)`` as sns_beneficiaries writes them, or None
        for a label that is no period, a span of years, a month or quarter whose year is
        neither written nor given, or one whose year differs from ``year``.
    """
    found = read_period_label(label)
    if found is None or found.kind in SPANS:
        return None
    if found.year is not None and year is not None and found.year != year:
        return None
    chosen = found.year if found.year is not None else year
    if chosen is None or not 1900 <= chosen <= 2100:
        return None
    if found.kind == "year":
        return str(chosen), "year", chosen, None
    if found.kind == "quarter":
        return f"{chosen}-Q{found.number}", "quarter", chosen, None
    assert found.number is not None
    return f"{chosen}-{found.number:02d}", "month", chosen, found.number


def title_year(title: str | None) -> int | None:
    """The one calendar year a table's title names ("... 2023"), else None.

    None also for several years or a span (2011-2024, 2023/2024): no single year to give.
    """
    text = normalise(title or "")
    for match in _TITLE_SPAN_RE.finditer(text):
        span = read_period_label(match.group())
        if span is not None and span.kind in SPANS:
            return None
    years = set(_TITLE_YEAR_RE.findall(text))
    return int(years.pop()) if len(years) == 1 else None


_TITLE_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_TITLE_SPAN_RE = re.compile(r"(?<!\d)\d{4} ?[-/] ?(?:\d{4}|\d{2})(?!\d)")


def period_refusal(label: str, year: int | None) -> tuple[str, dict[str, object]]:
    """The message key (and its values) saying why ``label`` is not a period to store."""
    found = read_period_label(label)
    if found is None:
        return "ingest.period.any", {}
    if found.kind == "year_range":
        return "ingest.period.year_range", {"first": found.year, "last": found.last}
    if found.kind == "school_year":
        return "ingest.period.school_year", {"first": found.year, "last": found.last}
    if found.year is not None and year is not None and found.year != year:
        return "ingest.period.other_year", {"year": year, "given": found.year}
    if found.year is None and year is None:
        return "ingest.period.needs_year", {}
    return "imports.expected.year", {}


def parse_month(label: str) -> int | None:
    """Return the month 1-12 of a month name (sq, en, sr) or number, else None."""
    text = normalise(label).rstrip(".")
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return MONTH_NAMES.get(text)


# --- dimensions -----------------------------------------------------------------------


@dataclass
class _Aggregate:
    index: int  # label index of the aggregate
    parts: list[int]  # label indices of its leaves
    complete: bool  # whether the parts are all there is (so they must add up)
    why_not: str = ""  # why the sum is not checked, when it is not


@dataclass
class _Dim:
    """One dimension of a table: its role, labels and, per cell, the label index."""

    name: str
    role: str | None
    labels: list[str]
    codes: np.ndarray
    out: list[Any] = field(default_factory=list)  # per label: what the target stores
    is_total: list[bool] = field(default_factory=list)  # per label: the dimension's total
    aggregates: list[_Aggregate] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # label -> line it is first written on

    def line(self, label: str) -> int | None:
        """The line (or row) of the file where ``label`` is first written, when known."""
        return self.lines.get(label)

    @property
    def leaf(self) -> np.ndarray:
        """Per label: not an aggregate of other labels of the file."""
        mask = np.ones(len(self.labels), dtype=bool)
        for aggregate in self.aggregates:
            if aggregate.parts:
                mask[aggregate.index] = False
        return mask

    def __post_init__(self) -> None:
        if not self.out:
            self.out = [None] * len(self.labels)
        if not self.is_total:
            self.is_total = [False] * len(self.labels)


def _parse_labels(
    dim: _Dim, parse: Callable[[str], Any], expected: str, key: str, log: ProblemLog
) -> bool:
    """Fill ``dim.out`` with each label parsed; a label that does not parse is a problem.

    Returns:
        Whether every label parsed.
    """
    ok = True
    for index, label in enumerate(dim.labels):
        dim.out[index] = parse(label)
        if dim.out[index] is None:
            log.add(dim.line(label), dim.name, label, expected, key)
            ok = False
    return ok


def _label_codes(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Return per-row label indices and the labels, for a categorical or text column."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        labels = [str(label) for label in column.cat.categories]
        used = np.unique(codes)
        if (used < 0).any():
            raise ValueError(f"dimension {column.name!r} has cells without a label")
        if len(used) < len(labels):  # drop categories no cell uses
            remap = np.full(len(labels), -1, dtype=np.int64)
            remap[used] = np.arange(len(used))
            codes = remap[codes]
            labels = [labels[i] for i in used]
        return codes.astype(np.int32), labels
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    if (codes < 0).any():
        raise ValueError(f"dimension {column.name!r} has cells without a label")
    return codes.astype(np.int32), [str(u) for u in uniques]


def _role(name: str, table: StatTable) -> str | None:
    candidates = [name]
    code = table.metadata.get(f'VARIABLECODE("{name}")')
    if code:
        candidates.append(code)
    for candidate in candidates:
        folded = normalise(candidate)
        for role, names in ROLE_NAMES.items():
            if folded in names:
                return role
        if folded.startswith(("mosha", "grupmosh", "age ", "starost")):
            return "age"
    return None


def _describe(dims: Sequence[_Dim], row: int) -> str:
    return ", ".join(f"{d.name}={d.labels[d.codes[row]]}" for d in dims)


# --- recognition of columns by their values ------------------------------------------

VALUE_ROLES = ("year", "month", "sex", "measure", "category", "age")
"""Roles recognised from values alone, in the order tried (places are tried last)."""


def _role_value(role: str, label: str) -> str | None:
    """``"value"`` or ``"total"`` when ``label`` is a value of ``role``, else None."""
    text = normalise(label)
    if text in TOTAL_WORDS:
        return "total"
    if role == "year":
        if parse_year(label) is not None:
            return "value"
        span = read_period_label(label)  # a span is time too: read as such, then refused
        return "value" if span is not None and span.kind in SPANS else None
    if role == "month":
        # a month or quarter, its year written or not (Shkurt, TM1); a bare number 1-12
        # fits other roles and is not taken for a month here
        period = read_period_label(label)
        return "value" if period is not None and period.kind in ("month", "quarter") else None
    if role == "sex":
        sex = parse_sex(label)
        return None if sex is None else ("total" if sex == "total" else "value")
    if role == "measure":
        return "value" if parse_measure(label) is not None else None
    if role == "category":
        if text.isdigit():
            return None
        category = parse_category(label)
        return None if category is None else ("total" if category == ALL else "value")
    if role == "age":
        age = parse_age(label)
        if age is None:
            return None
        return "total" if age == "total" else ("value" if age != "unknown" else "total")
    return None


def value_role(labels: Sequence[str], places: Places | None = None) -> str | None:
    """The role every label is a value of (totals aside, at least one true value), or None."""
    for role in VALUE_ROLES:
        kinds = [_role_value(role, label) for label in labels]
        if all(kinds) and "value" in kinds:
            return role
    if places is not None:
        kinds_found: set[str] = set()
        for label in labels:
            if normalise(label) in TOTAL_WORDS:
                continue
            place = places.resolve(label, ("municipality", "settlement", "country"))
            if place is None:
                return None
            kinds_found.add(place.kind)
        if "settlement" in kinds_found:
            only_settlements = any(
                places.resolve(label, ("municipality", "country")) is None
                for label in labels
                if normalise(label) not in TOTAL_WORDS
            )
            return "settlement" if only_settlements else "municipality"
        if "municipality" in kinds_found:
            return "municipality"
    return None


def split_labels(
    labels: Sequence[str], places: Places | None = None
) -> tuple[list[list[str]], list[str | None]] | None:
    """Cut each label at spaces into variables recognised by their values.

    ``"2023M02 Familjet"`` -> ``2023M02`` and ``Familjet``: a period and a measure;
    ``"2023 Shkurt Familjet"`` -> a year, a month and a measure. A cut is searched from
    the side a recognised variable starts; exactly one reading must fit every label (an
    ambiguous heading is left whole, for staff to map).

    Returns:
        The parts (one list per variable, one item per label) and their roles (None for
        a part that is only a total), or None when no single reading fits.
    """
    if len(labels) < 2 or not all(" " in label.strip() for label in labels):
        return None
    found: dict[tuple[tuple[str, ...], ...], tuple[str | None, ...]] = {}
    for side in ("first", "second"):
        for role in VALUE_ROLES:
            firsts: list[str] = []
            seconds: list[str] = []
            for label in labels:
                tokens = label.strip().split()
                cuts = range(1, len(tokens)) if side == "first" else range(len(tokens) - 1, 0, -1)
                for cut in cuts:
                    head, tail = " ".join(tokens[:cut]), " ".join(tokens[cut:])
                    if _role_value(role, head if side == "first" else tail):
                        firsts.append(head)
                        seconds.append(tail)
                        break
                else:
                    break
            if len(firsts) != len(labels):
                continue
            mine, other = (firsts, seconds) if side == "first" else (seconds, firsts)
            if not any(_role_value(role, part) == "value" for part in mine):
                continue
            distinct = list(dict.fromkeys(other))
            deeper = split_labels(distinct, places)
            if deeper is not None:
                if role in deeper[1]:
                    continue
                index = {label: i for i, label in enumerate(distinct)}
                other_parts = [[part[index[o]] for o in other] for part in deeper[0]]
                other_roles = list(deeper[1])
            else:
                other_role = value_role(distinct, places)
                if other_role is None and not all(normalise(p) in TOTAL_WORDS for p in other):
                    continue
                if other_role == role:
                    continue
                other_parts, other_roles = [other], [other_role]
            if side == "first":
                parts, roles = [mine, *other_parts], [role, *other_roles]
            else:
                parts, roles = [*other_parts, mine], [*other_roles, role]
            if len(set(zip(*parts, strict=True))) != len(labels):
                continue
            found.setdefault(tuple(tuple(part) for part in parts), tuple(roles))
    if len(found) > 1:
        # "TM1 2023 Familjet" reads as (TM1 2023, Familjet), as (TM1, 2023 Familjet: a
        # measure by its last word) and as (TM1, 2023, Familjet): where one reading cuts
        # every label wherever another does and more, it is the same reading told finer
        cuts = {parts: _cuts(parts) for parts in found}
        found = {
            parts: roles
            for parts, roles in found.items()
            if not any(
                other != parts
                and all(
                    mine < theirs for mine, theirs in zip(cuts[parts], cuts[other], strict=True)
                )
                for other in found
            )
        }
    if len(found) != 1:
        return None
    parts_found, roles_found = next(iter(found.items()))
    return [list(part) for part in parts_found], list(roles_found)


def _cuts(parts: Sequence[Sequence[str]]) -> tuple[frozenset[int], ...]:
    """Per label, after which of its words a reading cuts it (its parts' boundaries)."""
    out = []
    for i in range(len(parts[0])):
        words, boundaries = 0, set()
        for part in parts[:-1]:
            words += len(part[i].split())
            boundaries.add(words)
        out.append(frozenset(boundaries))
    return tuple(out)


def _shown(labels: Sequence[str]) -> tuple[str, ...]:
    return tuple(labels[:SHOWN_VALUES])


def _unknown_choices(
    tables: Sequence[StatTable], choices: Mapping[str, str], readings: list[ColumnReading] | None
) -> list[str]:
    """Chosen columns that no table has (a split part ``NAME[1]`` counts as NAME's)."""
    names = {name for table in tables for name in table.dimensions}
    return [
        column
        for column in choices
        if column != CONTENTS and column not in names and column.rsplit("[", 1)[0] not in names
    ]


def _certain(role: str | None, labels: Sequence[str]) -> bool:
    """Bare numbers fit several roles (ages, codes of categories or places); years do not."""
    return role in (None, "year") or not all(
        label.strip().isdigit() for label in labels if normalise(label) not in TOTAL_WORDS
    )


def _ask_numbers(dim: _Dim, places: Places) -> bool:
    """Read municipality codes 1-38 (ASK's census order) as names, when every label is one."""
    by_code = {code: name for name, code in places.ask_codes.items()}
    if not all(label.isdigit() and int(label) in by_code for label in dim.labels):
        return False
    dim.labels = [by_code[int(label)] for label in dim.labels]
    return True


def recognise(
    table: StatTable,
    dims: list[_Dim],
    places: Places,
    choices: Mapping[str, str],
    log: ProblemLog,
) -> tuple[list[_Dim], list[ColumnReading]]:
    """Give every dimension a role: staff's choice, else its name, else its values.

    A dimension whose values are pairs of two variables (a CSV heading "2023M02
    Familjet") is split into both. Returns the dimensions and how each was read.
    """
    title = table.title or ""
    out: list[_Dim] = []
    readings: list[ColumnReading] = []

    def choose(dim: _Dim, role: str, source: str | None = None) -> None:
        if role == "ignore":
            if len(dim.labels) != 1:
                log.add(
                    None,
                    dim.name,
                    ", ".join(dim.labels[:SHOWN_VALUES]),
                    "a column with a single value to ignore (ignoring a column of several "
                    "values would add its parts together)",
                    "imports.expected.ignore_single",
                )
            dim.role = "ignored"
        else:
            dim.role = role
        readings.append(
            ColumnReading(title, dim.name, role, "chosen", _shown(dim.labels), True, source)
        )

    for dim in dims:
        if dim.name in choices:
            choose(dim, choices[dim.name])
            out.append(dim)
            continue
        if dim.role is not None:
            coded = table.metadata.get("labels_are_codes", "").split("|")
            if dim.role == "municipality" and dim.name in coded and _ask_numbers(dim, places):
                readings.append(
                    ColumnReading(
                        title, dim.name, dim.role, "code", _shown(dim.labels), False, dim.name
                    )
                )
            else:
                readings.append(
                    ColumnReading(title, dim.name, dim.role, "name", _shown(dim.labels))
                )
            out.append(dim)
            continue
        # a pair first: "2023M02 Familjet" also reads as a measure by its last word
        split = split_labels(dim.labels, places)
        role = value_role(dim.labels, places) if split is None else None
        if role is not None:
            dim.role = role
            certain = _certain(role, dim.labels)
            readings.append(
                ColumnReading(title, dim.name, role, "values", _shown(dim.labels), certain)
            )
            out.append(dim)
            continue
        if split is not None:
            for number, (parts, role_of) in enumerate(zip(*split, strict=True), start=1):
                codes, uniques = pd.factorize(pd.Series(parts, dtype=object))
                part = _Dim(
                    f"{dim.name}[{number}]",
                    role_of,
                    [str(u) for u in uniques],
                    np.asarray(codes, dtype=np.int32)[dim.codes],
                    lines={
                        piece: dim.lines[whole]
                        for whole, piece in zip(dim.labels, parts, strict=True)
                        if whole in dim.lines
                    },
                )
                if part.name in choices:
                    choose(part, choices[part.name], dim.name)
                else:
                    reason = "split" if role_of is not None else "single"
                    certain = _certain(role_of, part.labels)
                    readings.append(
                        ColumnReading(
                            title,
                            part.name,
                            role_of,
                            reason,
                            _shown(part.labels),
                            certain,
                            dim.name,
                        )
                    )
                out.append(part)
            continue
        if len(dim.labels) == 1:
            readings.append(ColumnReading(title, dim.name, None, "single", _shown(dim.labels)))
        else:
            readings.append(
                ColumnReading(title, dim.name, None, "unknown", _shown(dim.labels), False)
            )
        out.append(dim)
    return out, readings


# --- the import result ------------------------------------------------------------------


@dataclass
class Mapped:
    """The rows an import brings, per dataset, and what the mapping noticed on the way."""

    rows: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)
    readings: list[ColumnReading] = field(default_factory=list)


@dataclass(frozen=True)
class ByCode:
    """A column given as one value per label and, per row, the label's index.

    Built in Arrow by taking from the few distinct values: fast and compact for the
    millions of rows of a big cube, where a list of Python strings per row is not.
    """

    values: Sequence[Any]
    codes: np.ndarray

    @classmethod
    def constant(cls, value: Any, size: int) -> ByCode:
        """The same value on every row."""
        return cls([value], np.zeros(size, dtype=np.int32))


def _column_array(value: Any, dtype: str, size: int) -> Any:
    if isinstance(value, ByCode):
        if dtype == "string":
            # Categorical: each distinct text once, whatever the number of rows.
            texts = [None if v is None or v is pd.NA else str(v) for v in value.values]
            categories = list(dict.fromkeys(t for t in texts if t is not None))
            position = {text: i for i, text in enumerate(categories)}
            remap = np.array([-1 if t is None else position[t] for t in texts], dtype=np.int32)
            return pd.Categorical.from_codes(
                remap[value.codes] if len(remap) else np.full(len(value.codes), -1),
                categories=pd.Index(categories, dtype="string"),
            )
        missing = np.array([v is None or v is pd.NA for v in value.values], dtype=bool)
        if dtype == "boolean":
            data = np.array(
                [bool(v) if not m else False for v, m in zip(value.values, missing, strict=True)]
            )
            return pd.arrays.BooleanArray(data[value.codes], missing[value.codes])
        data = np.array([0 if m else v for v, m in zip(value.values, missing, strict=True)])
        if dtype == "Int64":
            return pd.arrays.IntegerArray(data.astype(np.int64)[value.codes], missing[value.codes])
        return pd.arrays.FloatingArray(data.astype(np.float64)[value.codes], missing[value.codes])
    if isinstance(getattr(value, "dtype", None), pd.api.extensions.ExtensionDtype) and str(
        value.dtype
    ) == str(pd.array([], dtype=dtype).dtype):
        return value
    return pd.array(value, dtype=dtype)


def dataset_of(catalogue: Mapping[str, Dataset], name: str, file: str) -> Dataset:
    """The dataset a reader fills; a file for one missing from data/datasets.toml is refused."""
    if name not in catalogue:
        raise IngestError([problem(file, None, None, None, "ingest.dataset_missing", dataset=name)])
    return catalogue[name]


def rows_frame(dataset: Dataset, columns: dict[str, Any], size: int) -> pd.DataFrame:
    """Build a frame with exactly the dataset's stored columns, in catalogue order.

    Columns the catalogue adds later and this module does not fill are NULL; a required
    one is a programming error, caught by the tests rather than shipped.
    """
    unknown = set(columns) - {c.name for c in dataset.stored_columns}
    if unknown:
        raise ValueError(f"{dataset.name} has no column(s) {sorted(unknown)} in data/datasets.toml")
    frame: dict[str, Any] = {}
    for column in dataset.stored_columns:
        dtype = _dtype(column.type)
        if column.name in columns:
            frame[column.name] = _column_array(columns[column.name], dtype, size)
        elif column.required:
            raise ValueError(f"{dataset.name}.{column.name} is required and not filled")
        else:
            frame[column.name] = _column_array(ByCode.constant(None, size), dtype, size)
    return pd.DataFrame(frame)


def _dtype(sql_type: str) -> str:
    base = sql_type.split("(")[0]
    if base in ("INTEGER", "BIGINT"):
        return "Int64"
    if base in ("DOUBLE",) or base == "DECIMAL":
        return "Float64"
    if base == "BOOLEAN":
        return "boolean"
    return "string"


# --- mapping ----------------------------------------------------------------------------


def map_tables(
    tables: Iterable[StatTable],
    file: str,
    places: Places,
    catalogue: dict[str, Dataset],
    choices: Mapping[str, str] | None = None,
    readings: list[ColumnReading] | None = None,
) -> Mapped:
    """Map every table of one file; raise IngestError with every problem found.

    Args:
        tables: what a reader returned for the file.
        file: the name to show in problems (the user's file name).
        places: the alias table.
        catalogue: the datasets, to match their columns.
        choices: staff's roles for columns (column name -> one of ROLES), which win over
            what the names and values say.
        readings: filled with how each column was read (also when the import is refused).
    """
    log = ProblemLog(file)
    parts: dict[str, list[pd.DataFrame]] = {}
    notes: list[str] = []
    readings = readings if readings is not None else []
    tables = list(tables)
    for column in _unknown_choices(tables, choices or {}, readings):
        log.add(
            None,
            column,
            (choices or {})[column],
            "a column of the file to map (--map)",
            "imports.expected.map_column",
        )
    for table in tables:
        mapped = _map_table(table, file, places, catalogue, log, dict(choices or {}), readings)
        if mapped is None:
            continue
        notes.extend(mapped.notes)
        for name, frame in mapped.rows.items():
            parts.setdefault(name, []).append(frame)
    log.raise_if_any()
    rows = {
        name: frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        for name, frames in parts.items()
    }
    rows = {name: frame for name, frame in rows.items() if len(frame)}
    if not rows:
        raise IngestError([problem(file, None, None, None, "imports.expected.rows")])
    return Mapped(rows, notes, readings)


@dataclass
class _Cube:
    """A table read into dimensions with its cells' values: what a dataset's builder maps."""

    table: StatTable
    file: str  # the name to show in problems and sources
    dims: list[_Dim]
    values: np.ndarray  # per cell, NaN where missing
    status: pd.Series  # per cell, the symbol of a missing value

    def sums_agree(self, log: ProblemLog, *, otherwise: Sequence[_Dim] = ()) -> bool:
        """Whether each total equals its parts along the dimensions not ignored (or ``otherwise``).

        A total that does not is said in the log.
        """
        dims = [d for d in self.dims if d.role != "ignored"] or list(otherwise)
        return _check_aggregates(dims, self.values, self.status, log)


def _map_table(
    table: StatTable,
    file: str,
    places: Places,
    catalogue: dict[str, Dataset],
    log: ProblemLog,
    choices: dict[str, str] | None = None,
    readings: list[ColumnReading] | None = None,
) -> Mapped | None:
    data = table.data
    dims: list[_Dim] = []
    for name in table.dimensions:
        try:
            codes, labels = _label_codes(data[name])
        except ValueError:
            log.say(None, name, None, "ingest.label_every_cell")
            return None
        dims.append(_Dim(name, _role(name, table), labels, codes, lines=table.lines.get(name, {})))
    before = log.count
    dims, found = recognise(table, dims, places, choices or {}, log)
    if readings is not None:
        readings.extend(found)
    if log.count > before:
        return None
    contents = (choices or {}).get(CONTENTS)
    if contents is not None:
        target: str | None = "population" if contents == "population" else "sns"
        if readings is not None:
            readings.append(ColumnReading(table.title or "", CONTENTS, contents, "chosen"))
    else:
        target = _target(table, dims)
    if target is None:
        if readings is not None:
            readings.append(ColumnReading(table.title or "", CONTENTS, None, "contents", (), False))
        names = ", ".join(d.name for d in dims)
        log.add(
            None,
            "title",
            table.title,
            "a table of population (Popullsia/Population/Stanovništvo) by place, sex, age "
            "and year, or of social-assistance families and members by municipality and "
            f"month; this one has the dimensions {names}",
            "imports.expected.target",
            names=names,
        )
        return None
    if not _check_roles(table, dims, target, log):
        return None
    values = np.asarray(data["value"].to_numpy(dtype="float64", na_value=np.nan))
    before = log.count
    _check_whole_numbers(dims, values, log)
    if log.count > before:
        return None
    cube = _Cube(table, file, dims, values, data["status"].astype("string"))
    if target == "population":
        return _population(cube, places, catalogue, log)
    return _sns(cube, places, catalogue, log, contents)


def _target(table: StatTable, dims: list[_Dim]) -> str | None:
    roles = {d.role for d in dims}
    text = normalise(
        " ".join(filter(None, [table.title, table.metadata.get("CONTENTS"), table.units]))
    )
    sns_measure = any(
        d.role == "measure" and any(parse_measure(label) for label in d.labels) for d in dims
    )
    if sns_measure or "category" in roles or any(word in text for word in SNS_WORDS):
        return "sns"
    has_place = roles & {"municipality", "settlement"}
    if has_place and "year" in roles and any(word in text for word in POPULATION_WORDS):
        return "population"
    if has_place and "year" in roles and ({"sex", "age"} & roles):
        return "population"
    return None


_ALLOWED = {
    "population": {"municipality", "settlement", "year", "sex", "age"},
    "sns": {"municipality", "year", "month", "measure", "category"},
}
_REQUIRED_TEXT = {
    "population": "a place (Komuna or Vendbanimi) and a year (Viti) dimension",
    "sns": "a municipality (Komuna) and a period (Muaji or Viti) dimension",
}


def _check_roles(table: StatTable, dims: list[_Dim], target: str, log: ProblemLog) -> bool:
    """Every dimension has a role of the target (or is a single total/contents value)."""
    ok = True
    seen: dict[str, str] = {}
    for dim in dims:
        if dim.role == "ignored":
            continue
        if dim.role in _ALLOWED[target] and dim.role not in seen:
            seen[dim.role] = dim.name
            continue
        if len(dim.labels) == 1 and _harmless(dim.labels[0], target):
            dim.role = "ignored"
            continue
        if dim.role in seen:
            log.add(
                None,
                dim.name,
                None,
                f"one {dim.role} dimension (also {seen[dim.role]!r})",
                "imports.expected.one_role",
                other=seen[dim.role],
            )
        else:
            hint = (
                "; the CSV header did not name its variables: export 'with heading' so the "
                "title names them"
                if dim.name == "heading"
                else ""
            )
            log.add(
                dim.line(dim.labels[0]) if dim.labels else None,
                dim.name,
                ", ".join(dim.labels[:5]) + (" …" if len(dim.labels) > 5 else ""),
                ROLE_TEXT + hint,
                "imports.expected.role_heading" if hint else "imports.expected.role",
            )
        ok = False
    if not ok:
        return False
    roles = {d.role for d in dims}
    if target == "population" and not (roles & {"municipality", "settlement"} and "year" in roles):
        log.add(None, None, None, _REQUIRED_TEXT[target], "imports.expected.needs_population")
        return False
    if target == "sns" and not ("municipality" in roles and roles & {"year", "month"}):
        log.add(None, None, None, _REQUIRED_TEXT[target], "imports.expected.needs_sns")
        return False
    if target == "sns" and "month" not in roles and "year" not in roles:
        return False
    return True


def _harmless(label: str, target: str) -> bool:
    text = normalise(label)
    if text in TOTAL_WORDS:
        return True
    if target == "population":
        return any(word in text for word in POPULATION_WORDS)
    return False


def _check_whole_numbers(dims: list[_Dim], values: np.ndarray, log: ProblemLog) -> None:
    known = ~np.isnan(values)
    bad = np.flatnonzero(known & ((values < 0) | (np.floor(values) != values)))
    for row in bad[:MAX_LISTED].tolist():
        log.add(
            None,
            _describe(dims, row),
            _number_text(values[row]),
            "a whole number of at least 0 (people or families are counted)",
            "imports.expected.whole",
        )
    log.omitted += max(0, len(bad) - MAX_LISTED)


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# --- classification of the labels of each role -------------------------------------------


def _classify_places(
    dim: _Dim, places: Places, log: ProblemLog, target: str, notes: list[str]
) -> bool:
    kinds = (
        ("settlement", "municipality", "country")
        if dim.role == "settlement"
        else ("municipality", "country")
    )
    ok = True
    for index, label in enumerate(dim.labels):
        if normalise(label) in TOTAL_WORDS:
            dim.out[index] = Place("Kosovë", "country") if dim.role == "municipality" else None
            dim.is_total[index] = True
            continue
        place = places.resolve(label, kinds)
        if place is None:
            expected = (
                "a settlement of data/settlements.csv or a spelling of it in data/place_aliases.csv"
                if dim.role == "settlement"
                else "a municipality of data/municipalities.csv or a spelling of it in "
                "data/place_aliases.csv"
            )
            log.add(
                dim.line(label),
                dim.name,
                label,
                f"{expected} (an unknown name is never a new place)",
                "imports.expected.settlement"
                if dim.role == "settlement"
                else "imports.expected.municipality",
            )
            ok = False
            continue
        dim.out[index] = place
        dim.is_total[index] = place.kind == "country"
    if not ok:
        return False
    _place_aggregates(dim, places, notes)
    return True


def _place_aggregates(dim: _Dim, places: Places, notes: list[str]) -> None:
    """A country total is the sum of every municipality; a settlement total is not checked."""
    for index in range(len(dim.out)):
        if not dim.is_total[index]:
            continue
        if dim.role == "municipality":
            parts = [i for i, p in enumerate(dim.out) if p is not None and p.kind == "municipality"]
            present = {dim.out[i].name for i in parts}
            complete = present == places.municipalities and len(parts) == len(present)
            why = "" if complete else f"the file lists {len(present)} of the 38 municipalities"
        else:
            parts = [i for i, p in enumerate(dim.out) if p is not None and p.kind == "settlement"]
            complete, why = False, "the complete list of settlements is not known"
        dim.aggregates.append(_Aggregate(index, parts, complete, why))
        if parts and not complete:
            notes.append(f"{dim.name} = {dim.labels[index]} not checked against its parts: {why}")


def _classify_sex(dim: _Dim, log: ProblemLog) -> bool:
    ok = _parse_labels(
        dim,
        parse_sex,
        "Meshkuj/Male/Muškarci (M), Femra/Female/Žene (F) or a total",
        "imports.expected.sex",
        log,
    )
    for index, sex in enumerate(dim.out):
        if sex == "total":
            dim.is_total[index] = True
            dim.out[index] = ALL
    if ok:
        _total_of(dim, ("F", "M"), "only one sex is in the file")
    return ok


def _total_of(dim: _Dim, members: tuple[str, ...], why_not: str) -> None:
    """Make each total label of ``dim`` the aggregate of its ``members`` (sexes, categories).

    The sum is checked only when every member is in the file; else ``why_not`` says why.
    """
    for index in (i for i, total in enumerate(dim.is_total) if total):
        parts = [i for i, out in enumerate(dim.out) if out in members]
        complete = sorted(dim.out[i] for i in parts) == sorted(members)
        dim.aggregates.append(_Aggregate(index, parts, complete, "" if complete else why_not))


def _classify_age(dim: _Dim, log: ProblemLog, notes: list[str]) -> bool:
    """Parse age bands; a band that other bands tile is their aggregate (all ages included)."""
    ok = True
    bands: dict[int, tuple[int, int | None]] = {}
    unknown: list[int] = []
    for index, label in enumerate(dim.labels):
        parsed = parse_age(label)
        if parsed is None:
            log.add(
                dim.line(label),
                dim.name,
                label,
                "an age or band such as 0-4, 85+, 85 e më shumë, or a total",
                "imports.expected.age",
            )
            ok = False
        elif parsed == "total":
            bands[index] = (0, None)
            dim.is_total[index] = True
        elif parsed == "unknown":
            unknown.append(index)
            dim.out[index] = (label, None, None)
        else:
            assert isinstance(parsed, tuple)
            bands[index] = parsed
    if not ok:
        return False
    seen: dict[tuple[int, int | None], int] = {}
    for index, band in bands.items():
        if band in seen:
            log.add(
                dim.line(dim.labels[index]),
                dim.name,
                dim.labels[index],
                f"each age band once (also {dim.labels[seen[band]]!r})",
                "imports.expected.age_once",
                other=dim.labels[seen[band]],
            )
            ok = False
        seen[band] = index
    if not ok:
        return False

    def inside(inner: tuple[int, int | None], outer: tuple[int, int | None]) -> bool:
        top = float("inf") if outer[1] is None else outer[1]
        inner_top = float("inf") if inner[1] is None else inner[1]
        return outer[0] <= inner[0] and inner_top <= top and inner != outer

    containers = {i for i, b in bands.items() if any(inside(o, b) for o in bands.values())}
    leaves = [i for i in bands if i not in containers]
    for a in leaves:  # leaves must not overlap
        for b in leaves:
            if a < b and _overlap(bands[a], bands[b]):
                log.add(
                    None,
                    dim.name,
                    f"{dim.labels[a]} / {dim.labels[b]}",
                    "age bands that do not overlap (or that tile a wider band exactly)",
                    "imports.expected.age_overlap",
                )
                ok = False
    if not ok:
        return False
    for index in bands:
        low, high = bands[index]
        dim.out[index] = (dim.labels[index], low, high)
    for index in sorted(containers):
        parts = sorted(
            (i for i in leaves if inside(bands[i], bands[index])), key=lambda i: bands[i]
        )
        if bands[index] == (0, None):
            parts += unknown
        complete, why = _tiles(bands[index], [bands[i] for i in parts if i in bands])
        dim.aggregates.append(_Aggregate(index, parts, complete, why))
        if not complete:
            notes.append(f"{dim.name} = {dim.labels[index]} not checked against its parts: {why}")
    if unknown and not containers:
        for index in unknown:
            dim.out[index] = (dim.labels[index], None, None)
    return True


def _overlap(a: tuple[int, int | None], b: tuple[int, int | None]) -> bool:
    a_top = float("inf") if a[1] is None else a[1]
    b_top = float("inf") if b[1] is None else b[1]
    return a[0] <= b_top and b[0] <= a_top


def _tiles(outer: tuple[int, int | None], parts: list[tuple[int, int | None]]) -> tuple[bool, str]:
    """Whether the bands cover ``outer`` exactly, one after the other."""
    position: float = outer[0]
    for low, high in sorted(parts, key=lambda band: band[0]):
        if low != position:
            return False, f"the age bands leave out ages {int(position)}-{low - 1}"
        position = float("inf") if high is None else high + 1
    end = float("inf") if outer[1] is None else outer[1] + 1
    if position != end:
        return False, "the age bands stop at " + (
            f"{int(position) - 1}" if position != float("inf") else "the open band"
        )
    return True, ""


# --- aggregates ---------------------------------------------------------------------------

_NOT_BLOCKING = ("-", ".")  # nil and not applicable: count as nothing in a sum


def _check_aggregates(
    dims: list[_Dim], values: np.ndarray, status: pd.Series, log: ProblemLog
) -> bool:
    """Every complete aggregate equals the sum of its parts, the other dimensions fixed.

    Returns:
        Whether they all do (each one that does not is said in the log).
    """
    before = log.count
    missing = np.isnan(values)
    blocking = missing & ~status.isin(_NOT_BLOCKING).fillna(False).to_numpy(dtype=bool)
    as_zero = np.where(missing, 0.0, values)
    listed = 0
    for d, dim in enumerate(dims):
        checked = [a for a in dim.aggregates if a.complete and a.parts]
        if not checked:
            continue
        others = [o for j, o in enumerate(dims) if j != d and len(o.labels) > 1]
        key = _combined_key([o.codes for o in others], len(values))
        groups = int(key.max()) + 1 if len(key) else 0
        for aggregate in checked:
            in_parts = np.isin(dim.codes, aggregate.parts)
            part_sum = np.bincount(key[in_parts], weights=as_zero[in_parts], minlength=groups)
            part_count = np.bincount(key[in_parts], minlength=groups)
            part_blocked = np.bincount(key[in_parts], weights=blocking[in_parts], minlength=groups)
            totals = np.flatnonzero(dim.codes == aggregate.index)
            total_key = key[totals]
            usable = (
                ~missing[totals]
                & (part_blocked[total_key] == 0)
                & (part_count[total_key] == len(aggregate.parts))
            )
            wrong = np.abs(values[totals] - part_sum[total_key]) > 0.5
            for row in totals[usable & wrong].tolist():
                if listed >= MAX_LISTED:
                    log.omitted += 1
                    continue
                listed += 1
                parts = ", ".join(dim.labels[i] for i in aggregate.parts[:6])
                more = " …" if len(aggregate.parts) > 6 else ""
                log.add(
                    None,
                    _describe(dims, row),
                    _number_text(values[row]),
                    f"the sum of its parts ({dim.name}: {parts}{more}), which is "
                    f"{_number_text(part_sum[key[row]])}: the total and its parts disagree",
                    "imports.expected.sum",
                    dimension=dim.name,
                    parts=parts + more,
                    sum=_number_text(part_sum[key[row]]),
                )
    return log.count == before


def _combined_key(codes: list[np.ndarray], size: int) -> np.ndarray:
    """One small integer per combination of labels of the given dimensions."""
    key = np.zeros(size, dtype=np.int64)
    for column in codes:
        key = key * (int(column.max()) + 1 if len(column) else 1) + column
        key = pd.factorize(key)[0].astype(np.int64)
    return key


# --- population -------------------------------------------------------------------------------


def _population(
    cube: _Cube, places: Places, catalogue: dict[str, Dataset], log: ProblemLog
) -> Mapped | None:
    table, file, values = cube.table, cube.file, cube.values
    notes: list[str] = []
    by_role = {d.role: d for d in cube.dims}
    ok = True
    place_dims = [d for d in cube.dims if d.role in ("municipality", "settlement")]
    if len(place_dims) == 2:
        municipality = by_role["municipality"]
        if len(municipality.labels) != 1:
            log.add(
                None,
                municipality.name,
                ", ".join(municipality.labels[:5]),
                "one municipality when the table also has settlements",
                "imports.expected.one_municipality",
            )
            return None
        municipality.role = "ignored"
    place = by_role.get("settlement") or by_role["municipality"]
    ok &= _classify_places(place, places, log, "population", notes)
    year = by_role["year"]
    for index, label in enumerate(year.labels):
        year.out[index] = parse_year(label)
    ok &= _refuse_years(year, year.out, log)
    sex = by_role.get("sex")
    age = by_role.get("age")
    if sex is not None:
        ok &= _classify_sex(sex, log)
    if age is not None:
        ok &= _classify_age(age, log, notes)
    if not ok:
        return None
    if not cube.sums_agree(log, otherwise=[d for d in (place, sex, age) if d is not None]):
        return None

    size = len(values)
    place_kind = np.array([p.kind if p else "country" for p in place.out], dtype=object)[
        place.codes
    ]
    if sex is not None:
        sex_leaf = sex.leaf[sex.codes]
        sex_total = np.array(sex.is_total)[sex.codes]
    else:
        sex_leaf = sex_total = np.ones(size, dtype=bool)
    if age is not None:
        age_leaf = age.leaf[age.codes]
        age_total = np.array(age.is_total)[age.codes]
    else:
        age_leaf = age_total = np.ones(size, dtype=bool)
    is_area = (place_kind == "municipality") | (place_kind == "settlement")
    to_totals = (place_kind == "municipality") & sex_total & age_total
    to_age_sex = is_area & sex_leaf & age_leaf & ~to_totals
    dropped = int((~to_totals & ~to_age_sex).sum())
    if dropped:
        notes.append(
            f"{dropped} total cell(s) were used to check their parts and are not stored beside them"
        )
    matrix = table.metadata.get("MATRIX")
    source_title = (f"{matrix}, " if matrix else "") + (table.title or Path(file).stem)
    rows: dict[str, pd.DataFrame] = {}
    population = pd.array(values, dtype="Float64").astype("Int64")
    status_array = pd.array(cube.status, dtype="string")
    names = [p.name if p else None for p in place.out]
    kinds = [p.kind if p else None for p in place.out]

    def at(dim: _Dim | None, per_label: list[Any], default: Any, pick: np.ndarray) -> ByCode:
        if dim is None:
            return ByCode.constant(default, len(pick))
        return ByCode(per_label, dim.codes[pick])

    if to_age_sex.any() and POPULATION in catalogue:
        pick = np.flatnonzero(to_age_sex)
        ages = age.out if age is not None else []
        rows[POPULATION] = rows_frame(
            catalogue[POPULATION],
            {
                "area": ByCode(names, place.codes[pick]),
                "area_type": ByCode(kinds, place.codes[pick]),
                "year": ByCode(year.out, year.codes[pick]),
                "sex": at(sex, sex.out if sex else [], ALL, pick),
                "age_group": at(age, [o[0] for o in ages], ALL, pick),
                "age_from": at(age, [o[1] for o in ages], 0, pick),
                "age_to": at(age, [o[2] for o in ages], None, pick),
                "population": population[pick],
                "status": status_array[pick],
                "import_id": ByCode.constant(PENDING_IMPORT_ID, len(pick)),
                "source": ByCode.constant(f"ASK, {source_title} (eksport: {file})", len(pick)),
            },
            len(pick),
        )
    elif to_age_sex.any():
        notes.append(f"{POPULATION} is not in data/datasets.toml: its rows are not stored")
    if to_totals.any() and MUNICIPALITY_TOTALS in catalogue:
        pick = np.flatnonzero(to_totals)
        codes = [places.ask_codes.get(name) if name else None for name in names]
        rows[MUNICIPALITY_TOTALS] = rows_frame(
            catalogue[MUNICIPALITY_TOTALS],
            {
                "municipality": ByCode(names, place.codes[pick]),
                "ask_code": ByCode(codes, place.codes[pick]),
                "year": ByCode(year.out, year.codes[pick]),
                "population": population[pick],
                "status": status_array[pick],
                "note": ByCode.constant(f"imported from {file}", len(pick)),
                "source": ByCode.constant(f"ASK, {source_title} (eksport i importuar)", len(pick)),
            },
            len(pick),
        )
    return Mapped(rows, notes)


# --- social assistance -------------------------------------------------------------------------


def _sns(
    cube: _Cube,
    places: Places,
    catalogue: dict[str, Dataset],
    log: ProblemLog,
    contents: str | None = None,
) -> Mapped | None:
    table, values = cube.table, cube.values
    notes: list[str] = []
    by_role = {d.role: d for d in cube.dims}
    ok = _classify_places(by_role["municipality"], places, log, "sns", notes)
    periods = _sns_periods(
        by_role.get("year"), by_role.get("month"), len(values), log, title_year(table.title)
    )
    measure = by_role.get("measure")
    if measure is not None:
        if not _parse_labels(measure, parse_measure, MEASURE_TEXT, "imports.expected.measure", log):
            ok = False
        measure_out = np.array(measure.out, dtype=object)[measure.codes]
    else:
        single = contents or parse_measure(
            " ".join(filter(None, [table.metadata.get("CONTENTS"), table.title]))
        )
        both = contents is None and (
            "famil" in normalise(table.title or "") and "anetar" in normalise(table.title or "")
        )
        if single is None or both:
            log.add(
                None,
                None,
                None,
                f"a Treguesi/Indicator dimension: {MEASURE_TEXT}",
                "imports.expected.measure_dimension",
            )
            return None
        measure_out = np.full(len(values), single, dtype=object)
    category = by_role.get("category")
    if category is not None:
        if not _parse_labels(
            category,
            parse_category,
            "Kategoria I, Kategoria II or a total (Gjithsej)",
            "imports.expected.category",
            log,
        ):
            ok = False
        for index, out in enumerate(category.out):
            if out == ALL:
                category.is_total[index] = True
        if ok:
            _total_of(category, ("I", "II"), "one category only")
        category_out = np.array(category.out, dtype=object)[category.codes]
    else:
        category_out = np.full(len(values), ALL, dtype=object)
    if not ok or periods is None:
        return None
    if not cube.sums_agree(log):
        return None
    place = by_role["municipality"]
    names = np.array([p.name for p in place.out], dtype=object)[place.codes]
    period, period_type, statistic = periods
    if SNS not in catalogue:
        notes.append(f"{SNS} is not in data/datasets.toml: its rows are not stored")
        return Mapped({}, notes)
    frame = rows_frame(
        catalogue[SNS],
        {
            "municipality": names,
            "period": period,
            "period_type": period_type,
            "category": category_out,
            "measure": measure_out,
            "value": pd.array(values, dtype="Float64").astype("Int64"),
            "statistic": statistic,
            "status": cube.status.to_numpy(dtype=object, na_value=None),
            "note": np.full(len(values), f"{table.title} (eksport: {cube.file})", dtype=object),
            "source": np.full(len(values), SNS_SOURCE, dtype=object),
        },
        len(values),
    )
    return Mapped({SNS: frame}, notes)


def _refuse_years(year: _Dim, years: Sequence[int | None], log: ProblemLog) -> bool:
    """Report each label of a year dimension that is no calendar year; True if none."""
    for label, value in zip(year.labels, years, strict=True):
        if value is None:
            key, params = period_refusal(label, None)
            if key == "ingest.period.any":
                key = "imports.expected.year"
            log.say(year.line(label), year.name, label, key, **params)
    return all(value is not None for value in years)


def _sns_periods(
    year: _Dim | None,
    month: _Dim | None,
    size: int,
    log: ProblemLog,
    year_of_title: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Period text, type and statistic per cell, from a period dimension and/or a year.

    A month or quarter written without its year (Shkurt, TM1) takes the year column's,
    else the one year of the table's title; with neither it is refused, asking for it.
    """
    ok = True
    if month is not None and year is None:
        parsed = []
        for label in month.labels:
            period = parse_period(label, year_of_title)
            if period is None:
                key, params = period_refusal(label, year_of_title)
                log.say(month.line(label), month.name, label, key, **params)
                ok = False
            parsed.append(period)
        if not ok:
            return None
        text = np.array([p[0] for p in parsed], dtype=object)[month.codes]
        kind = np.array([p[1] for p in parsed], dtype=object)[month.codes]
    elif month is not None and year is not None:
        years = [parse_year(label) for label in year.labels]
        ok = _refuse_years(year, years, log)
        # each month label: a month (Shkurt, 2) or a quarter (TM1) of the row's year
        within: list[tuple[str, int] | None] = []
        for label in month.labels:
            found = read_period_label(label)
            number = parse_month(label)
            if number is not None:
                within.append(("month", number))
            elif found is not None and found.kind == "quarter" and found.year is None:
                within.append(("quarter", found.number or 0))
            else:
                within.append(None)
                log.say(month.line(label), month.name, label, "ingest.period.within_year")
                ok = False
        if not ok:
            return None
        year_of = np.array(years, dtype=np.int64)[year.codes]
        part_of = [within[code] for code in month.codes]
        text = np.array(
            [
                f"{y}-{n:02d}" if part == "month" else f"{y}-Q{n}"
                for y, (part, n) in zip(year_of, part_of, strict=True)  # type: ignore[misc]
            ],
            dtype=object,
        )
        kind = np.array([part for part, _ in part_of], dtype=object)  # type: ignore[misc]
    else:
        assert year is not None
        years = [parse_year(label) for label in year.labels]
        if not _refuse_years(year, years, log):
            return None
        text = np.array([str(y) for y in years], dtype=object)[year.codes]
        kind = np.full(size, "year", dtype=object)
    statistic = np.where(
        kind == "month", "month", np.where(kind == "quarter", "quarter", "as reported")
    )
    return text, kind, statistic.astype(object)
