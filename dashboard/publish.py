"""The published layer: what the public may see, decided once per build, in its own file.

The build writes two databases. The staff database holds every figure; the public
database holds only what may be published, and anonymous requests open nothing else, so
no page, chart, download, API answer or text can show an unsuppressed figure even by
mistake.

Per dataset, the catalogue's `disclosure` section (data/datasets.toml) states the policy
and its reason:

- no section: published as it is (no counts of people);
- `policy = "as_printed"`: figures that their owner already published in full (the
  Action Plan is a public municipal document), published as printed;
- `policy = "threshold"`: counts of people that this dashboard publishes first. Rows
  whose `source` starts with one of `as_printed_sources` stay as printed; every other
  count of 1..threshold-1 is withheld.

For a threshold dataset the published table is the linked set of tables the public
sees (`tables`, each with its margins down to the grand total; without `tables`, every
combination and the cells themselves): along each `margins` column declared without a
total row the build adds the sums, code 0 in a number column and "total" in a text one.
Publishing the tables a page draws, not every cross-classification, is what keeps the
withheld cells few: a cell of month x category x service x sex is mostly small.
Suppression is decided once over that linked set (primary and secondary, with the
linear-programming audit of dashboard/suppression.py), so totals, trends, heatmaps and
shares computed from published rows can never give a withheld cell away: a sum that
needs a withheld part is itself withheld (the queries of queries/public/ do that).
A withheld count is empty, its reason is in `suppressed`, and the dataset's mark column
(e.g. `status`) carries the same mark, so every query that reads the status shows it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dashboard.catalog import Dataset
from dashboard.suppression import REASON_COLUMN, SECONDARY_MARK, suppress

TEXT_TOTAL = "total"  # a text column summed over in the published layer
NUMBER_TOTAL = 0  # a number column (codes, months) summed over in the published layer


@dataclass(frozen=True)
class Policy:
    """How one dataset is published (its `disclosure` section, read once)."""

    kind: str  # "open" (no section), "as_printed" or "threshold"
    reason: str = ""
    count: str = ""
    by: tuple[str, ...] = ()
    margins: Mapping[str, str] = field(default_factory=dict)
    rows: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    derived: tuple[str, ...] = ()
    as_printed_sources: tuple[str, ...] = ()
    mark_column: str | None = None

    @classmethod
    def of(cls, dataset: Dataset) -> Policy:
        """The policy of a catalogue dataset."""
        spec = dataset.disclosure
        if not spec:
            return cls("open")
        kind = str(spec.get("policy", "threshold"))
        if kind == "as_printed":
            return cls("as_printed", reason=str(spec.get("reason", "")))
        return cls(
            kind,
            reason=str(spec.get("reason", "")),
            count=str(spec["count"]),
            by=tuple(spec.get("by", ())),
            margins={str(k): str(v) for k, v in dict(spec.get("margins", {})).items()},
            rows={str(k): tuple(str(v) for v in vs) for k, vs in spec.get("rows", {}).items()},
            derived=tuple(spec.get("derived", ())),
            as_printed_sources=tuple(spec.get("as_printed_sources", ())),
            mark_column=spec.get("mark_column"),
            tables=tuple(tuple(str(c) for c in table) for table in spec.get("tables", ())),
        )

    tables: tuple[tuple[str, ...], ...] = ()

    @property
    def summed(self) -> dict[str, str]:
        """The margins that have no total row in the table: the layer adds their sums."""
        return {column: code for column, code in self.margins.items() if code == ""}

    def publishes(self, columns: Iterable[str]) -> bool:
        """Whether the public layer holds figures broken down by (or fixed on) `columns`.

        Only the linked `tables` are published value by value: a view that crosses two of
        them (e.g. one category for women only, when categories and sexes are published
        apart) is not published at that detail, which is not the same as "no data".
        """
        if self.kind != "threshold" or not self.tables:
            return True
        wanted = {column for column in columns if column in self.summed}
        return any(wanted <= set(table) for table in self.tables)

    def levels(self, summed: Sequence[str]) -> list[tuple[str, ...]]:
        """The sets of `summed` columns kept value by value in the published rows.

        `tables` names the linked tables the public sees (each with the columns it keeps);
        with each comes every table of fewer of its columns, down to the grand total, since
        those are its margins. Without `tables` every combination is published, the cells
        themselves included.
        """
        if not self.tables:
            return [
                kept
                for size in range(len(summed), -1, -1)
                for kept in itertools.combinations(summed, size)
            ]
        levels: set[tuple[str, ...]] = set()
        for table in self.tables:
            kept = [column for column in summed if column in table]
            for size in range(len(kept) + 1):
                levels.update(itertools.combinations(kept, size))
        return sorted(levels, key=lambda level: (-len(level), level))


def total_code(frame: pd.DataFrame, column: str) -> Any:
    """The code of a row that sums over `column`: 0 in a number column, "total" in text."""
    return NUMBER_TOTAL if pd.api.types.is_numeric_dtype(frame[column]) else TEXT_TOTAL


def with_totals(frame: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """The table with a row for every sum over any set of its `summed` margins.

    A sum with a missing part is missing too (status ':'), never a partial sum. Columns
    that neither classify nor count (a source, an import id) are joined; others are empty.
    """
    summed = [column for column in policy.summed if column in frame.columns]
    if frame.empty or not summed:
        return frame.copy()
    count = policy.count
    by = [column for column in policy.by if column in frame.columns]
    pieces = []
    for kept in policy.levels(summed):
        over = [column for column in summed if column not in kept]
        if not over:
            pieces.append(frame)
            continue
        keys = [column for column in by if column not in over]
        pieces.append(_sums(frame, keys, over, count))
    cube = pd.concat(pieces, ignore_index=True)
    for column in frame.columns:
        if column in cube.columns and frame[column].dtype != cube[column].dtype:
            try:
                cube[column] = cube[column].astype(frame[column].dtype)
            except (TypeError, ValueError):
                pass  # e.g. integers with empty sums: pandas keeps a float column
    return cube[list(frame.columns)]


def _sums(
    frame: pd.DataFrame, keys: Sequence[str], over: Sequence[str], count: str
) -> pd.DataFrame:
    values = pd.to_numeric(frame[count], errors="coerce")
    work = frame.assign(_value=values, _missing=values.isna())
    grouped = work.groupby(list(keys), dropna=False, sort=False) if keys else None
    if grouped is None:
        work["_all"] = 0
        grouped = work.groupby("_all", sort=False)
    aggregations: dict[str, Any] = {"_value": "sum", "_missing": "any"}
    joined = [c for c in ("source", "import_id") if c in frame.columns and c not in keys]
    for column in joined:
        if frame[column].nunique(dropna=True) <= 1:
            aggregations[column] = "first"
        else:
            aggregations[column] = lambda s: "; ".join(sorted({str(v) for v in s.dropna()}))
    if "demonstration" in frame.columns and "demonstration" not in keys:
        aggregations["demonstration"] = "any"
    result = grouped.agg(aggregations).reset_index()
    if not keys:
        result = result.drop(columns="_all")
    result[count] = result["_value"].where(~result["_missing"], np.nan)
    if "status" in frame.columns and "status" not in keys:
        result["status"] = np.where(result["_missing"], ":", None)
    result = result.drop(columns=["_value", "_missing"])
    for column in over:
        result[column] = total_code(frame, column)
    for column in frame.columns:
        if column not in result.columns:
            result[column] = None
    return result[list(frame.columns)]


def publish_frame(
    frame: pd.DataFrame, dataset: Dataset, threshold: int
) -> tuple[pd.DataFrame, list[Any]]:
    """The dataset's table as the public sees it, and the cells still exposed (if any).

    Demonstration rows are never published. `suppressed` says why a count is empty.
    """
    policy = Policy.of(dataset)
    if "demonstration" in frame.columns:
        frame = frame.loc[~frame["demonstration"].astype("boolean").fillna(False).to_numpy(bool)]
    elif dataset.demonstration:
        frame = frame.iloc[0:0]
    frame = frame.reset_index(drop=True)
    if policy.kind != "threshold":
        return frame, []
    cube = with_totals(frame, policy)
    rows = dict(policy.rows)
    margins = {
        column: (str(total_code(frame, column)) if code == "" else code)
        for column, code in policy.margins.items()
    }
    eligible = pd.Series(True, index=cube.index)
    if policy.as_printed_sources and "source" in cube.columns:
        printed = cube["source"].astype(str).str.startswith(policy.as_printed_sources)
        eligible &= ~printed
    marker = "_published_as_counted"
    cube[marker] = np.where(eligible, "yes", "no")
    rows[marker] = ("yes",)
    published = suppress(
        cube,
        count=policy.count,
        by=policy.by,
        margins=margins,
        rows=rows,
        derived=policy.derived,
        threshold=threshold,
        implied_totals=False,  # every total the public sees is a row of this table
    )
    exposed = list(published.attrs.get("disclosure_exposed", []))
    if exposed:
        # What the totals still give away cannot be protected cell by cell (a whole
        # table below the threshold): the build withholds that linked table whole.
        published = _withhold_linked_tables(published, exposed, policy, marker)
    published = published.drop(columns=marker)
    if policy.mark_column and policy.mark_column in published.columns:
        marks = published[REASON_COLUMN]
        published[policy.mark_column] = published[policy.mark_column].astype(object)
        published.loc[marks.notna(), policy.mark_column] = marks[marks.notna()]
    return published, exposed


def _withhold_linked_tables(
    published: pd.DataFrame, exposed: Sequence[Any], policy: Policy, marker: str
) -> pd.DataFrame:
    keys = [c for c in policy.by if c in published.columns and c not in policy.margins]
    counted = published[marker] == "yes"
    if keys:
        exposed_keys = published.loc[list(exposed), keys].drop_duplicates()
        linked = published[keys].merge(exposed_keys, how="left", indicator=True)["_merge"]
        in_linked = (linked == "both").to_numpy()
    else:
        in_linked = np.ones(len(published), dtype=bool)
    hide = in_linked & counted.to_numpy() & published[REASON_COLUMN].isna().to_numpy()
    hide &= pd.to_numeric(published[policy.count], errors="coerce").notna().to_numpy()
    published = published.copy()
    published[policy.count] = published[policy.count].astype("Float64")
    published.loc[hide, policy.count] = pd.NA
    published.loc[hide, REASON_COLUMN] = SECONDARY_MARK
    return published


@dataclass
class PublishedLayer:
    """What the build published: per dataset, rows, withheld cells and cells left exposed."""

    rows: dict[str, int] = field(default_factory=dict)
    withheld: dict[str, dict[str, int]] = field(default_factory=dict)
    exposed: dict[str, int] = field(default_factory=dict)

    @property
    def withheld_any(self) -> bool:
        """Whether any figure was withheld (otherwise the layer publishes every figure)."""
        return any(sum(marks.values()) for marks in self.withheld.values())

    def record(self, name: str, published: pd.DataFrame, exposed: Sequence[Any]) -> None:
        """Count what one dataset's published table holds."""
        self.rows[name] = len(published)
        if REASON_COLUMN in published.columns:
            marks = published[REASON_COLUMN].dropna().value_counts()
            self.withheld[name] = {str(mark): int(n) for mark, n in marks.items()}
        if exposed:
            self.exposed[name] = len(exposed)
