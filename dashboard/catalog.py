"""The dataset catalogue: what each embedded dataset is, read from data/datasets.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

CATALOGUE_FILE = "datasets.toml"
ALLOWED_TYPES = ("VARCHAR", "INTEGER", "BIGINT", "DOUBLE", "BOOLEAN", "DATE")


@dataclass(frozen=True)
class Column:
    """One column of a dataset."""

    name: str
    type: str
    description: str
    required: bool = False
    computed_sql: str | None = None


@dataclass(frozen=True)
class Dataset:
    """One dataset: its CSV in data/, its table in the database, its API contract."""

    name: str
    title_sq: str
    title_en: str
    description: str
    source: str
    licence: str
    key: tuple[str, ...]
    filters: tuple[str, ...]
    columns: tuple[Column, ...]
    checks: dict[str, Any] = field(default_factory=dict)
    generated: bool = False  # produced by the build (e.g. data_quality), not read from a CSV
    demonstration: bool = False  # generated demonstration data: labelled, never public
    # Counts of people: which column counts, what classifies and adds up (suppression.py).
    disclosure: dict[str, Any] = field(default_factory=dict)

    @property
    def stored_columns(self) -> tuple[Column, ...]:
        """Columns read from the CSV, in file order."""
        return tuple(c for c in self.columns if c.computed_sql is None)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Every column of the table, computed ones last."""
        return tuple(c.name for c in self.columns)


class CatalogueError(ValueError):
    """The catalogue file itself is malformed."""


def _parse_dataset(name: str, spec: dict[str, Any], where: str) -> Dataset:
    def need(key: str) -> Any:
        if key not in spec:
            raise CatalogueError(f"{where}: [datasets.{name}] lacks '{key}'")
        return spec[key]

    columns: list[Column] = []
    for col_name, col in need("columns").items():
        columns.append(
            Column(
                name=col_name,
                type=_checked_type(col.get("type", ""), f"{where}: {name}.{col_name}"),
                description=col.get("description", ""),
                required=bool(col.get("required", False)),
            )
        )
    for col_name, col in spec.get("computed", {}).items():
        columns.append(
            Column(
                name=col_name,
                type=_checked_type(col.get("type", ""), f"{where}: {name}.{col_name}"),
                description=col.get("description", ""),
                computed_sql=col["sql"],
            )
        )
    names = {c.name for c in columns}
    for listed in (*need("key"), *spec.get("filters", [])):
        if listed not in names:
            raise CatalogueError(f"{where}: {name} names unknown column '{listed}' in key/filters")
    if "source" not in names:
        raise CatalogueError(f"{where}: {name} has no 'source' column; every row needs one")
    disclosure = dict(spec.get("disclosure", {}))
    if disclosure:
        _check_disclosure(name, disclosure, names, where)
    return Dataset(
        name=name,
        title_sq=need("title_sq"),
        title_en=need("title_en"),
        description=need("description"),
        source=need("source"),
        licence=need("licence"),
        key=tuple(need("key")),
        filters=tuple(spec.get("filters", [])),
        columns=tuple(columns),
        checks=dict(spec.get("checks", {})),
        generated=bool(spec.get("generated", False)),
        demonstration=bool(spec.get("demonstration", False)),
        disclosure=disclosure,
    )


DISCLOSURE_POLICIES = ("as_printed", "threshold")


def _check_disclosure(name: str, spec: dict[str, Any], names: set[str], where: str) -> None:
    policy = spec.get("policy", "threshold")
    if policy not in DISCLOSURE_POLICIES:
        raise CatalogueError(
            f"{where}: {name}.disclosure policy {policy!r}; expected one of {DISCLOSURE_POLICIES}"
        )
    if not str(spec.get("reason", "")).strip():
        raise CatalogueError(f"{where}: [datasets.{name}.disclosure] lacks its 'reason'")
    if policy == "as_printed":
        return
    if "count" not in spec:
        raise CatalogueError(f"{where}: [datasets.{name}.disclosure] lacks 'count'")
    named = {
        spec["count"],
        *spec.get("by", []),
        *spec.get("margins", {}),
        *spec.get("rows", {}),
        *spec.get("derived", []),
        *([spec["mark_column"]] if "mark_column" in spec else []),
    }
    unknown = sorted(named - names)
    if unknown:
        raise CatalogueError(f"{where}: {name}.disclosure names unknown column '{unknown[0]}'")
    for column in spec.get("margins", {}):
        if column not in spec.get("by", []):
            raise CatalogueError(f"{where}: {name}.disclosure margin '{column}' is not in 'by'")


def _checked_type(type_name: str, where: str) -> str:
    base = type_name.split("(")[0].upper()
    if base not in ALLOWED_TYPES and base != "DECIMAL":
        raise CatalogueError(
            f"{where}: unknown type {type_name!r}; expected one of {ALLOWED_TYPES}"
        )
    return type_name.upper()


@lru_cache(maxsize=8)
def load_catalogue(data_dir: Path) -> dict[str, Dataset]:
    """Read every dataset section of data/datasets.toml, in file order."""
    path = data_dir / CATALOGUE_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{path}: {error}") from error
    return {
        name: _parse_dataset(name, spec, str(path))
        for name, spec in raw.get("datasets", {}).items()
    }
