"""Statistical disclosure control for the public view: small counts of people are withheld.

The rule (statute of the QPS, arts. 24-27: clients' personal and family data are a
professional secret; art. 22: the service's activity is public):

- Primary suppression: a count of people from 1 to threshold-1 (default 1-4, setting
  DMS_DISCLOSURE_THRESHOLD) is withheld; its mark is "< 5".
- Zero is published. A zero identifies nobody, and the plan's many "0 achieved"
  indicators are what the public must be able to see (art. 22). This follows Eurostat's
  usual practice for frequency tables; statistical offices that also hide zeros (to stop
  "nobody in group X" disclosures) can set `suppress_zero=True`.
- Secondary suppression: along every dimension whose counts add up (`margins`), a group
  of cells (the cells that differ only in that dimension) with a known total must not let
  anyone work out a withheld cell. The total is known when the table has a total row
  for it (e.g. category "all"), or, when it has none, whenever it is 0 or at least the
  threshold: a chart or another query may show that sum, so it is treated as public.
  A withheld cell counts as worked out if the group's equation, together with what the
  marks say (a "< 5" cell is 1-4; any other withheld cell is 0 or at least 5), leaves it
  only one possible value. Then the smallest other cell of the group of at least the
  threshold is withheld too (mark "secondary"), else a zero of the group, else the
  group's total row; and again until nothing changes. A last pass checks all the
  equations together (linear algebra, per connected set of withheld cells), because a
  cell can be fixed by several groups at once even when no single group fixes it.

Rows are never dropped by suppression; the count becomes missing (NA) and the column
`suppressed` says why ("< 5" or "secondary"). Demonstration rows are dropped for the
public altogether (they are never public).

The build calls `suppress` once per linked table to write the published layer
(dashboard/publish.py); requests never suppress on their own.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

REASON_COLUMN = "suppressed"
SECONDARY_MARK = "secondary"
DEFAULT_THRESHOLD = 5
MAX_ROUNDS = 500
SEARCH_STEPS = 3  # how far (group, cell, group...) to look for a cell to withhold
AUDIT_LIMIT = 120  # withheld cells per connected set that the exact (integer) audit solves
LP_LIMIT = 4000  # withheld cells per connected set that the interval audit solves
INF = math.inf


def primary_mark(threshold: int) -> str:
    """The mark of a primary-suppressed cell: "< 5"."""
    return f"< {threshold}"


def is_disclosure_mark(text: str) -> bool:
    """Whether a cell's text is a suppression mark ("< 5" for any threshold, "secondary")."""
    return text == SECONDARY_MARK or (text.startswith("< ") and text[2:].isdigit())


# --- integer sets as unions of intervals, for "how many values could this cell have" ------


Intervals = tuple[tuple[float, float], ...]


def _merge(parts: Iterable[tuple[float, float]]) -> Intervals:
    merged: list[list[float]] = []
    for lo, hi in sorted(p for p in parts if p[0] <= p[1]):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def _add(a: Intervals, b: Intervals) -> Intervals:
    return _merge((x[0] + y[0], x[1] + y[1]) for x in a for y in b)


def _negate(a: Intervals) -> Intervals:
    return _merge((-hi, -lo) for lo, hi in a)


def _intersect(a: Intervals, b: Intervals) -> Intervals:
    return _merge((max(x[0], y[0]), min(x[1], y[1])) for x in a for y in b)


def _size(a: Intervals) -> float:
    return sum(hi - lo + 1 for lo, hi in a)


def _domain(reason: str, threshold: int, suppress_zero: bool) -> Intervals:
    """What a reader knows of a withheld cell from its mark."""
    if reason == SECONDARY_MARK:
        return ((threshold, INF),) if suppress_zero else ((0, 0), (threshold, INF))
    return ((0 if suppress_zero else 1, threshold - 1),)


def _fixed_cells(
    coefficients: Sequence[int], domains: Sequence[Intervals], constant: float
) -> list[bool]:
    """For sum(c_i * x_i) = constant over the unknowns, which x_i have exactly one value."""
    signed = [d if c > 0 else _negate(d) for c, d in zip(coefficients, domains, strict=True)]
    fixed = []
    for i, (coefficient, domain) in enumerate(zip(coefficients, domains, strict=True)):
        others: Intervals = ((0, 0),)
        for j, part in enumerate(signed):
            if j != i:
                others = _add(others, part)
        # c_i * x_i = constant - others
        room = _add(((constant, constant),), _negate(others))
        if coefficient < 0:
            room = _negate(room)
        fixed.append(_size(_intersect(domain, room)) == 1)
    return fixed


# --- the suppression itself -------------------------------------------------------------


@dataclass
class _Group:
    cells: list[Any]  # row labels
    coefficients: list[int]  # +1 for a part, -1 for the group's total row
    constant: float  # sum(c_i * x_i) over every cell = constant
    total_row: Any | None  # label of the total row, if the table has one
    known: bool  # whether a reader knows the total (a total row, or an implied sum)


@dataclass(frozen=True)
class _Table:
    """The cells that secondary suppression protects, and the rule it protects them by."""

    frame: pd.DataFrame  # the eligible rows, labelled by their position in the whole frame
    values: np.ndarray  # the count of every row of the whole frame (NaN where none)
    dims: Sequence[str]
    additive: Mapping[str, str]  # dimension -> the code of its total row ("" when none)
    threshold: int
    suppress_zero: bool
    implied_totals: bool = True


def suppress(
    frame: pd.DataFrame,
    *,
    count: str,
    by: Sequence[str] = (),
    margins: Mapping[str, str] | None = None,
    rows: Mapping[str, Sequence[str]] | None = None,
    derived: Sequence[str] = (),
    threshold: int = DEFAULT_THRESHOLD,
    suppress_zero: bool = False,
    implied_totals: bool = True,
) -> pd.DataFrame:
    """The frame with small counts (and the cells that would reveal them) withheld.

    Columns named in `by`, `margins`, `rows` or `derived` that the frame lacks are
    ignored, so the same declaration serves the full dataset and a page's aggregate of
    it. A frame that already has a `suppressed` column is returned as it is.
    `implied_totals=False` says that a sum missing from the frame is published nowhere
    (the published layer holds every total it shows, and sums nothing with a hidden part).
    """
    if threshold < 1:
        raise ValueError(f"the threshold must be at least 1, got {threshold}")
    if REASON_COLUMN in frame.columns:
        return frame
    result = frame.reset_index(drop=True)  # unique labels inside; the caller's come back
    result[REASON_COLUMN] = pd.Series([None] * len(result), index=result.index, dtype=object)
    if count not in result.columns or result.empty:
        result.index = frame.index
        return result
    values = pd.to_numeric(result[count], errors="coerce")
    eligible = values.notna()
    for column, allowed in (rows or {}).items():
        if column in result.columns:
            eligible &= result[column].astype(str).isin([str(v) for v in allowed])

    reasons: dict[Any, str] = {}
    low = 0 if suppress_zero else 1
    primary = eligible & (values >= low) & (values < threshold)
    for label in result.index[primary]:
        reasons[label] = primary_mark(threshold)

    dims = [c for c in by if c in result.columns]
    additive = {d: code for d, code in (margins or {}).items() if d in dims}
    exposed: list[Any] = []
    if additive and reasons:
        table = _Table(
            frame=result.loc[eligible],
            values=values.to_numpy(dtype=float, na_value=np.nan),
            dims=dims,
            additive=additive,
            threshold=threshold,
            suppress_zero=suppress_zero,
            implied_totals=implied_totals,
        )
        exposed = _secondary(table, reasons)
    result.attrs["disclosure_exposed"] = [frame.index[label] for label in exposed]

    if reasons:
        labels = list(reasons)
        if pd.api.types.is_integer_dtype(
            result[count]
        ) and not pd.api.types.is_extension_array_dtype(result[count]):
            result[count] = result[count].astype("Int64")
        result.loc[labels, count] = pd.NA if result[count].dtype == "Int64" else np.nan
        result.loc[labels, REASON_COLUMN] = [reasons[label] for label in labels]
        for column in derived:
            if column in result.columns:
                if pd.api.types.is_numeric_dtype(result[column]):
                    result[column] = result[column].astype("Float64")
                result.loc[labels, column] = pd.NA
    result.index = frame.index
    return result


def _groups(table: _Table) -> list[_Group]:
    """Every group along every additive dimension, with whether its total is known."""
    frame, values, dims = table.frame, table.values, table.dims
    groups: list[_Group] = []
    for dim, total_code in table.additive.items():
        others = [d for d in dims if d != dim]
        if others:
            keyed = frame[others].astype(str)
            key = others[0] if len(others) == 1 else others
            grouping = keyed.groupby(key, dropna=False, sort=False).indices
        else:
            grouping = {(): np.arange(len(frame))}
        positions = frame.index.to_numpy()  # row labels of the whole frame (0..n-1)
        is_total = (
            (frame[dim].astype(str) == total_code).to_numpy()
            if total_code
            else np.zeros(len(frame), dtype=bool)
        )
        for members in grouping.values():
            labels = positions[members]
            flags = is_total[members]
            totals = [int(label) for label in labels[flags]]
            parts = [int(label) for label in labels[~flags]]
            if len(totals) > 1 or not parts or np.isnan(values[labels]).any():
                continue  # duplicated cells or missing values: no usable equation
            if totals:
                coefficients = [1] * len(parts) + [-1]
                groups.append(_Group(parts + totals, coefficients, 0.0, totals[0], True))
            else:
                implied = float(values[parts].sum())
                known = table.implied_totals and (
                    implied >= table.threshold or (implied == 0 and not table.suppress_zero)
                )
                groups.append(_Group(parts, [1] * len(parts), implied, None, known))
    return groups


def _secondary(table: _Table, reasons: dict[Any, str]) -> list[Any]:
    """Add secondary suppressions to `reasons`; returns the cells still exposed (if any)."""
    values, threshold, suppress_zero = table.values, table.threshold, table.suppress_zero
    groups = _groups(table)
    known = [group for group in groups if group.known]
    membership: dict[Any, list[_Group]] = {}
    for group in groups:
        for label in group.cells:
            membership.setdefault(label, []).append(group)

    def exposed_in(group: _Group) -> bool:
        unknown = [i for i, label in enumerate(group.cells) if label in reasons]
        if not unknown:
            return False
        constant = group.constant - sum(
            c * values[label]
            for label, c in zip(group.cells, group.coefficients, strict=True)
            if label not in reasons
        )
        fixed = _fixed_cells(
            [group.coefficients[i] for i in unknown],
            [_domain(reasons[group.cells[i]], threshold, suppress_zero) for i in unknown],
            constant,
        )
        # A secondary cell pinned down here would help pin a small one down elsewhere.
        return any(fixed)

    def alone(label: Any) -> bool:
        # A cell alone in a group with a known total is given away by that total.
        return any(g.known and len(g.cells) == 1 for g in membership.get(label, []))

    def candidate(group: _Group) -> Any | None:
        """The cell to withhold next: smallest part >= threshold, a zero, the total row."""
        parts = [
            label
            for label, c in zip(group.cells, group.coefficients, strict=True)
            if c > 0 and label not in reasons and not alone(label)
        ]
        big = sorted((label for label in parts if values[label] >= threshold), key=values.item)
        if big:
            return big[0]
        zeros = [label for label in parts if values[label] == 0]
        if zeros:
            return zeros[0]
        if group.total_row is not None and group.total_row not in reasons:
            return group.total_row
        return None

    def withhold(label: Any) -> None:
        reasons[label] = SECONDARY_MARK
        pending.extend(g for g in membership.get(label, []) if g.known)

    exposed: list[Any] = []
    fewest_exposed, stalled = len(reasons) + 1, 0
    pending = [g for g in known if any(label in reasons for label in g.cells)]
    for _round in range(MAX_ROUNDS):
        while pending:  # the rule, group by group, until no group gives a cell away
            group = pending.pop()
            if exposed_in(group):
                label = candidate(group)
                if label is not None:
                    withhold(label)
        exposed, too_big = _recoverable(known, values, reasons, threshold, suppress_zero)
        for members in too_big:
            # Too many linked cells to solve: withhold every cell of their groups instead.
            for label in members:
                for group in membership.get(label, []):
                    for cell in group.cells:
                        if cell not in reasons:
                            withhold(cell)
        stalled = stalled + 1 if len(exposed) >= fewest_exposed else 0
        fewest_exposed = min(fewest_exposed, len(exposed))
        for label in exposed:
            if stalled >= 3:
                # One cell at a time does not get there: withhold every cell that shares
                # an equation with the exposed one (always progress, so this ends).
                for group in membership.get(label, []):
                    for cell in group.cells:
                        if cell not in reasons:
                            withhold(cell)
                continue
            picked = _nearest_candidate(label, membership, reasons, candidate)
            if picked is not None:
                withhold(picked)
        if not pending:
            break
    if exposed:
        logger.warning(
            "disclosure: %d withheld cells could still be worked out from the declared"
            " totals; those totals must not be published",
            len(exposed),
        )
    return exposed


def _nearest_candidate(
    label: Any,
    membership: Mapping[Any, list[_Group]],
    reasons: Mapping[Any, str],
    candidate: Any,
) -> Any | None:
    """A cell to withhold for an exposed one: in its own groups first, then further out.

    Groups whose total is not published count too: the other totals can give that one
    away (the rows' totals add up to the same as the columns' totals).
    """
    seen_cells, seen_groups = {label}, set()
    frontier = [label]
    for _step in range(SEARCH_STEPS):
        groups = [
            g for cell in frontier for g in membership.get(cell, []) if id(g) not in seen_groups
        ]
        groups.sort(key=lambda g: not g.known)
        for group in groups:
            seen_groups.add(id(group))
            picked = candidate(group)
            if picked is not None:
                return picked
        frontier = [
            cell
            for group in groups
            for cell in group.cells
            if cell in reasons and cell not in seen_cells and not seen_cells.add(cell)
        ]
    return None


def _recoverable(
    groups: Sequence[_Group],
    values: np.ndarray,
    reasons: Mapping[Any, str],
    threshold: int,
    suppress_zero: bool,
) -> tuple[list[Any], list[list[Any]]]:
    """Withheld cells that everything published together pins down or narrows too far.

    The reader's problem, solved as they would, per connected set of withheld cells, one
    equation per group with a known total (HiGHS through scipy):

    - protection interval (linear programming over the equations, cells >= 0): every
      withheld cell's feasible interval must be at least `threshold` wide;
    - the marks (integer programming, sets of up to AUDIT_LIMIT cells): a "< 5" cell is
      1..4 and any other withheld cell 0 or >= 5; no "< 5" cell may then have one value
      left. (Within 1..4 the marks themselves say more than any interval could: two
      "< 5" parts of a "< 5" total are each at most 3. The mark is what is published.)

    Returns the exposed cells, and apart the sets too large to solve (for the caller to
    withhold wholesale).
    """
    equations = _equations(groups, values, reasons)
    components = _components(equations)
    found: list[Any] = []
    too_big: list[list[Any]] = []
    for members in components:
        if len(members) > LP_LIMIT:
            if any(reasons[label] != SECONDARY_MARK for label in members):
                unwithheld = any(cell not in reasons for cell in _cells_around(members, groups))
                if unwithheld:
                    too_big.append(members)
            continue
        column = {label: i for i, label in enumerate(members)}
        local = [eq for eq in equations if eq[0][0][0] in column]
        narrow = _narrow_intervals(members, column, local, threshold)
        found.extend(narrow)
        if len(members) <= AUDIT_LIMIT:
            flagged = set(narrow)
            found.extend(
                label
                for label in _pinned_by_marks(
                    members, column, local, reasons, values, threshold, suppress_zero
                )
                if label not in flagged
            )
    return found, too_big


Equation = tuple[list[tuple[Any, int]], float]


def _equations(
    groups: Sequence[_Group], values: np.ndarray, reasons: Mapping[Any, str]
) -> list[Equation]:
    """Each known group as an equation over its withheld cells: sum(c_i * x_i) = constant."""
    equations: list[Equation] = []
    for group in groups:
        unknown = [
            (label, c)
            for label, c in zip(group.cells, group.coefficients, strict=True)
            if label in reasons
        ]
        if unknown:
            constant = group.constant - sum(
                c * values[label]
                for label, c in zip(group.cells, group.coefficients, strict=True)
                if label not in reasons
            )
            equations.append((unknown, float(constant)))
    return equations


def _components(equations: Sequence[Equation]) -> list[list[Any]]:
    """The connected sets of withheld cells (cells linked by a shared equation)."""
    parent: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for unknown, _ in equations:
        for (first, _c), (other, _d) in zip(unknown, unknown[1:], strict=False):
            parent[find(first)] = find(other)
        find(unknown[0][0])
    components: dict[Any, list[Any]] = {}
    for label in parent:
        components.setdefault(find(label), []).append(label)
    return list(components.values())


def _equation_matrix(
    column: Mapping[Any, int], equations: Sequence[Equation], width: int
) -> tuple[Any, np.ndarray]:
    from scipy.sparse import lil_matrix

    matrix = lil_matrix((len(equations), width))
    constants = np.zeros(len(equations))
    for row, (unknown, constant) in enumerate(equations):
        for label, c in unknown:
            matrix[row, column[label]] += c
        constants[row] = constant
    return matrix.tocsr(), constants


def _narrow_intervals(
    members: Sequence[Any],
    column: Mapping[Any, int],
    equations: Sequence[Equation],
    threshold: int,
) -> list[Any]:
    """Cells whose interval under the equations (and x >= 0) is narrower than `threshold`.

    One HiGHS model per connected set, re-solved for each cell's minimum and maximum:
    each solve starts from the previous basis, so a set of a thousand cells takes
    seconds, not the minutes of a new model per solve.
    """
    import highspy

    if not equations:
        return []
    matrix, constants = _equation_matrix(column, equations, len(members))
    model = highspy.Highs()
    model.setOptionValue("output_flag", False)
    width = len(members)
    infinity = highspy.kHighsInf
    model.addVars(width, np.zeros(width), np.full(width, infinity))
    csr = matrix.tocsr()
    model.addRows(
        csr.shape[0], constants, constants, csr.nnz, csr.indptr[:-1], csr.indices, csr.data
    )
    everything = np.arange(width, dtype=np.int32)
    narrow = []
    for label in members:
        j = column[label]
        cost = np.zeros(width)
        cost[j] = 1.0
        model.changeColsCost(width, everything, cost)
        ends = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            model.changeObjectiveSense(sense)
            model.run()
            status = model.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                ends.append(model.getInfo().objective_function_value)
            elif status == highspy.HighsModelStatus.kUnbounded:
                ends.append(INF)
            else:
                ends = []  # inconsistent data: the equations teach a reader nothing
                break
        if len(ends) == 2 and ends[1] - ends[0] < threshold - 1e-6:
            narrow.append(label)
    return narrow


def _pinned_by_marks(
    members: Sequence[Any],
    column: Mapping[Any, int],
    equations: Sequence[Equation],
    reasons: Mapping[Any, str],
    values: np.ndarray,
    threshold: int,
    suppress_zero: bool,
) -> list[Any]:
    """Small cells that the equations and the marks leave one value only."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    secondary = [label for label in members if reasons[label] == SECONDARY_MARK]
    size = len(members) + len(secondary)
    big = float(np.nansum(np.abs(values))) + threshold + 1
    rows, lower, upper = [], [], []
    for unknown, constant in equations:
        row = np.zeros(size)
        for label, c in unknown:
            row[column[label]] += c
        rows.append(row)
        lower.append(constant)
        upper.append(constant)
    low = np.zeros(size)
    high = np.full(size, np.inf)
    for label in members:
        if reasons[label] != SECONDARY_MARK:
            low[column[label]] = 0 if suppress_zero else 1
            high[column[label]] = threshold - 1
    for k, label in enumerate(secondary):
        switch = len(members) + k  # 0: the cell is 0, 1: the cell is >= threshold
        high[switch] = 1
        at_most = np.zeros(size)
        at_most[column[label]], at_most[switch] = 1, -big
        at_least = np.zeros(size)
        at_least[column[label]], at_least[switch] = 1, -threshold
        rows += [at_most, at_least]
        lower += [-np.inf, 0]
        upper += [0, np.inf]
        if suppress_zero:
            low[switch] = 1
    constraints = [LinearConstraint(np.array(rows), lower, upper)] if rows else []
    options = {"integrality": np.ones(size), "bounds": Bounds(low, high)}
    pinned = []
    for label, j in column.items():
        if reasons[label] == SECONDARY_MARK:
            continue  # a secondary cell's value is publishable; only small ones matter
        objective = np.zeros(size)
        objective[j] = 1
        least = milp(objective, constraints=constraints, **options)
        most = milp(-objective, constraints=constraints, **options)
        if least.status == 0 and most.status == 0 and -most.fun - least.fun < 0.5:
            pinned.append(label)
    return pinned


def _cells_around(members: Sequence[Any], groups: Sequence[_Group]) -> set[Any]:
    inside = set(members)
    return {cell for group in groups if inside & set(group.cells) for cell in group.cells}


# --- who sees what ------------------------------------------------------------------------


def drop_demonstration(frame: pd.DataFrame, dataset_is_demonstration: bool = False) -> pd.DataFrame:
    """The frame without demonstration rows (for the public, who never see them)."""
    if "demonstration" in frame.columns:
        flags = frame["demonstration"].astype("boolean").fillna(False)
        return frame.loc[~flags.to_numpy(dtype=bool)]
    if dataset_is_demonstration:
        return frame.iloc[0:0]  # cannot tell real rows from generated ones: show none
    return frame


def for_audience(frame: pd.DataFrame, dataset_name: str | None, role: str) -> pd.DataFrame:
    """What the role may see of a frame read from the database the role opens.

    Staff roles see everything. The public's frames come from the published layer,
    suppressed once at build time over each whole linked table (dashboard/publish.py):
    nothing is suppressed here, because two views suppressing on their own would withhold
    different cells and let a reader difference them. Demonstration rows are dropped as a
    second guard (the published layer has none).
    """
    if role != "public":
        return frame
    from dashboard.catalog import load_catalogue
    from dashboard.settings import get_settings

    dataset = load_catalogue(get_settings().data_dir).get(dataset_name or "")
    return drop_demonstration(frame, bool(dataset and dataset.demonstration))
