"""Data-quality rules run at build time; their findings become the data_quality table.

The documents contradict themselves between tables and within them. Each rule here is
general (parts vs printed totals, value/area vs a printed ratio, percentages vs the
total they imply, one measure stated twice, parts vs their total, a missing value, a
value reported after its document's date); which columns a rule reads is configured in
the `checks` section of each dataset in data/datasets.toml.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from dashboard import plan_status
from dashboard.catalog import Dataset
from dashboard.db import Connection
from dashboard.vocabulary import is_missing


@dataclass(frozen=True)
class Finding:
    """One contradiction or gap, with the figures on both sides."""

    check: str
    dataset: str
    key: str
    expected: str
    found: str
    severity: str  # "error" (figures contradict), "warning" (likely a slip), "info" (a gap)
    message: str
    source: str
    rule_class: str = ""  # the class of contradiction; the check's name when empty
    params: dict = field(default_factory=dict)  # the figures, for the sentence in each language

    @property
    def finding_id(self) -> str:
        """A stable id (rule, dataset, key, source, the other side): marks survive rebuilds."""
        text = "\x1f".join((self.check, self.dataset, self.key, self.source, self.expected))
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


FINDING_COLUMNS: tuple[str, ...] = (
    "check",
    "dataset",
    "key",
    "expected",
    "found",
    "severity",
    "message",
    "source",
    "finding_id",
    "rule_class",
    "params",
)


Tables = dict[str, pd.DataFrame]
Rule = Callable[[Tables, dict[str, Dataset]], list[Finding]]


def fmt(value: object) -> str:
    """Format a figure for a finding: integers without decimals, others as printed."""
    if is_missing(value):
        return "—"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def _rounding_tolerance(printed: float) -> float:
    """Half a unit of the last printed digit, the most rounding can explain."""
    return 0.5 * 10 ** (-_decimals(printed)) + 1e-9


def _row_key(row: pd.Series, key: Iterable[str]) -> str:
    return ", ".join(f"{k}={fmt(row[k])}" for k in key if k in row and not _is_missing(row[k]))


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def document_of(source: str) -> str:
    """The document part of a source string ("Plani ... (002), Tabela 5" -> "Plani ... (002)")."""
    return source.split(",")[0].strip()


def table_of(source: str) -> str:
    """The table part of a source string ("Plani ... (002), Tabela 5" -> "Tabela 5")."""
    return source[len(document_of(source)) :].lstrip(", ").strip()


def with_document_and_table(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings with the document and the table of their source, to group them by."""
    return findings.assign(
        document=findings["source"].map(lambda s: document_of(str(s))),
        table=findings["source"].map(lambda s: table_of(str(s))),
    )


@lru_cache(maxsize=65_536)
def normalise_text(text: str) -> str:
    """Lower-case letters only, diacritics folded: for matching the same label printed twice."""
    folded = unicodedata.normalize("NFKD", text.lower())
    letters = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", letters).strip()


def label_words(text: str) -> list[str]:
    """The words of a label that carry its meaning: folded, without one- and two-letter words."""
    return list(_label_words(text))


@lru_cache(maxsize=65_536)
def _label_words(text: str) -> tuple[str, ...]:
    return tuple(word for word in normalise_text(text).split() if len(word) > 2)


@lru_cache(maxsize=65_536)
def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


@lru_cache(maxsize=65_536)
def words_match(a: str, b: str) -> bool:
    """Two words are one: equal, one inflected form of the other, or a small misspelling.

    Inflection: a common stem of at least 5 letters, endings of at most 3 letters
    ("martesat"/"martese", "substanca"/"substance"); spelling: one letter off in words
    of 5 or more letters ("lemoshe"/"lemshe"), two in words of 9 or more.
    """
    if a == b:
        return True
    stem = 0
    while stem < min(len(a), len(b)) and a[stem] == b[stem]:
        stem += 1
    if stem >= 5 and max(len(a), len(b)) - stem <= 3:
        return True
    shortest = min(len(a), len(b))
    allowed = 2 if shortest >= 9 else 1 if shortest >= 5 else 0
    return allowed > 0 and _edit_distance(a, b) <= allowed


def labels_match(a: str, b: str) -> bool:
    """The same label printed twice, tolerating diacritics, case, spacing, inflection, typos."""
    words_a, words_b = label_words(a), label_words(b)
    if not words_a or len(words_a) != len(words_b):
        return False
    return all(words_match(x, y) for x, y in zip(words_a, words_b, strict=True))


def label_qualifies(short: str, long: str) -> bool:
    """The long label is the short one with a qualifier after it (same measure, said more).

    "Numri i fëmijëve me aftësi të kufizuara" and "... të kufizuara që marrin shërbime
    sociale": the short label's words (at least three) begin the long one.
    """
    words_short, words_long = label_words(short), label_words(long)
    if len(words_short) < 3 or len(words_short) >= len(words_long):
        return False
    return all(
        words_match(x, y) for x, y in zip(words_short, words_long[: len(words_short)], strict=True)
    )


def label_clusters(texts: list[str], qualified: bool = False) -> dict[str, int]:
    """Group labels that match (transitively): label -> cluster number."""
    unique = list(dict.fromkeys(texts))
    parent = list(range(len(unique)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(unique):
        for j in range(i + 1, len(unique)):
            b = unique[j]
            same = labels_match(a, b) or (
                qualified and (label_qualifies(a, b) or label_qualifies(b, a))
            )
            if root(i) != root(j) and same:
                parent[root(j)] = root(i)
    return {text: root(i) for i, text in enumerate(unique)}


def _best_covered_point(intervals: list[tuple[float, float]], fallback: float) -> float:
    """The total that most rows' rounding intervals admit (rows outside it stand out)."""
    best, best_count = fallback, 0
    for low, _ in intervals:
        count = sum(1 for a, b in intervals if a - 0.5 <= low <= b + 0.5)
        if count > best_count:
            covering = [(a, b) for a, b in intervals if a - 0.5 <= low <= b + 0.5]
            best = (max(a for a, _ in covering) + min(b for _, b in covering)) / 2
            best_count = count
    return best


def _configured(
    tables: Tables, catalogue: dict[str, Dataset], check: str
) -> Iterator[tuple[str, Dataset, Any, pd.DataFrame]]:
    """The loaded datasets whose `checks` configure `check`: name, dataset, settings, rows.

    A rule reads only the columns data/datasets.toml names for it, so a dataset without
    the setting (or not loaded) is not one the rule can read.
    """
    for name, dataset in catalogue.items():
        config = dataset.checks.get(check)
        if config and name in tables:
            yield name, dataset, config, tables[name]


# --- rules -------------------------------------------------------------------------


def check_printed_totals(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """Rows of a dataset against every count, sum and ratio printed about them."""
    findings: list[Finding] = []
    totals = tables.get("printed_totals")
    if totals is None:
        return findings
    for _, total in totals.iterrows():
        rows = tables.get(total["dataset"])
        if rows is None:
            continue
        selected = rows
        condition = "all rows"
        if not _is_missing(total["filter_column"]):
            column = rows[total["filter_column"]]
            if not _is_missing(total["filter_value"]):
                selected = rows[column.astype("string") == str(total["filter_value"])]
                condition = f"{total['filter_column']} = {total['filter_value']}"
            else:
                low = total["filter_min"] if not _is_missing(total["filter_min"]) else -math.inf
                high = total["filter_max"] if not _is_missing(total["filter_max"]) else math.inf
                numeric = pd.to_numeric(column, errors="coerce")
                # The documents' classes read "from A to B", "over A": we take [A, B).
                selected = rows[(numeric >= low) & (numeric < high)]
                condition = f"{low:g} ≤ {total['filter_column']} < {high:g}"
        printed = float(total["value"])
        aggregate = total["aggregate"]
        unknown_rows = 0
        if aggregate == "count":
            actual = float(len(selected))
            tolerance = 0.0
            what = f"number of rows ({condition})"
        elif aggregate == "sum":
            values = pd.to_numeric(selected[total["column_name"]], errors="coerce")
            unknown_rows = int(values.isna().sum())
            actual = float(values.sum())
            tolerance = _rounding_tolerance(printed) + 1e-6 * abs(printed)
            what = f"sum of {total['column_name']} ({condition})"
        elif aggregate == "ratio":
            numerator = pd.to_numeric(selected[total["column_name"]], errors="coerce")
            denominator = pd.to_numeric(selected[total["denominator"]], errors="coerce")
            both = numerator.notna() & denominator.notna()
            unknown_rows = int((~both).sum())
            actual = float(numerator[both].sum() / denominator[both].sum())
            tolerance = _rounding_tolerance(printed)
            what = f"{total['column_name']} / {total['denominator']} over the rows ({condition})"
        else:
            continue
        if abs(actual - printed) <= tolerance:
            continue
        gap = f"; {unknown_rows} row(s) without a value" if unknown_rows else ""
        findings.append(
            Finding(
                check="printed_total",
                dataset=total["dataset"],
                key=" ".join(
                    part
                    for part in (
                        aggregate,
                        "" if _is_missing(total["column_name"]) else total["column_name"],
                    )
                    if part
                )
                + f" [{condition}]",
                expected=fmt(printed),
                found=fmt(round(actual, 2)),
                severity="error",
                message=f"{what}: the document prints {fmt(printed)}, the rows give "
                f"{fmt(round(actual, 2))}{gap}",
                source=total["source"],
                rule_class=f"printed_total_{aggregate}",
                params={
                    "printed": printed,
                    "rows": round(actual, 2),
                    "column": "" if _is_missing(total["column_name"]) else total["column_name"],
                    "denominator": ""
                    if _is_missing(total["denominator"])
                    else str(total["denominator"]),
                    "condition": condition,
                    "unknown": unknown_rows,
                },
            )
        )
    return findings


def check_ratios(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """A printed ratio (e.g. density) against numerator / denominator of the same row."""
    findings: list[Finding] = []
    for name, dataset, config, rows in _configured(tables, catalogue, "ratio"):
        for _, row in rows.iterrows():
            numerator, denominator, printed = (
                row[config["numerator"]],
                row[config["denominator"]],
                row[config["printed"]],
            )
            if any(_is_missing(v) for v in (numerator, denominator, printed)) or not denominator:
                continue
            computed = float(numerator) / float(denominator)
            if abs(computed - float(printed)) <= _rounding_tolerance(float(printed)):
                continue
            relative = abs(computed - float(printed)) / max(abs(computed), 1e-9)
            findings.append(
                Finding(
                    check="printed_ratio",
                    dataset=name,
                    key=_row_key(row, dataset.key),
                    expected=fmt(round(computed, 1)),
                    found=fmt(float(printed)),
                    severity="warning" if relative > 0.01 else "info",
                    message=f"{config['label']} printed {fmt(float(printed))}, but "
                    f"{config['numerator']} / {config['denominator']} = {fmt(float(numerator))} / "
                    f"{fmt(float(denominator))} = {computed:.1f}",
                    source=row["source"],
                    params={
                        "row": _row_key(row, dataset.key),
                        "label": config["label"],
                        "printed": float(printed),
                        "numerator": float(numerator),
                        "denominator": float(denominator),
                        "computed": round(computed, 1),
                    },
                )
            )
    return findings


def check_percentages(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """Each printed percentage implies a total; rows that disagree with the others stand out."""
    findings: list[Finding] = []
    for name, dataset, config, rows in _configured(tables, catalogue, "percent"):
        rows = rows[rows[config["percent"]].notna() & (rows[config["percent"]] > 0)]
        for group_value, group in rows.groupby(config["group"]):
            value = group[config["value"]].astype(float)
            percent = group[config["percent"]].astype(float)
            implied = value * 100 / percent
            low = value * 100 / (percent + 0.005)
            high = value * 100 / (percent - 0.005).clip(lower=1e-9)
            consensus = _best_covered_point(
                list(zip(low, high, strict=True)), float(implied.median())
            )
            for index in group.index:
                if low[index] - 0.5 <= consensus <= high[index] + 0.5:
                    continue
                row = group.loc[index]
                expected_value = consensus * percent[index] / 100
                findings.append(
                    Finding(
                        check="percent_vs_total",
                        dataset=name,
                        key=_row_key(row, dataset.key),
                        expected=fmt(round(expected_value)),
                        found=fmt(float(value[index])),
                        severity="error",
                        message=f"{fmt(float(value[index]))} is printed as "
                        f"{fmt(float(percent[index]))}%, which implies a total of "
                        f"{round(implied[index]):,}; the other rows imply about "
                        f"{round(consensus):,}, of which {fmt(float(percent[index]))}% is about "
                        f"{round(expected_value):,}",
                        source=str(group_value),
                        params={
                            "value": float(value[index]),
                            "percent": float(percent[index]),
                            "implied": round(float(implied[index])),
                            "consensus": round(consensus),
                            "expected": round(expected_value),
                        },
                    )
                )
            share_sum = float(percent.sum())
            if abs(share_sum - 100) > 0.005 * len(percent) + 1e-9:
                findings.append(
                    Finding(
                        check="percent_sum",
                        dataset=name,
                        key=f"source={group_value}",
                        expected="100",
                        found=fmt(round(share_sum, 2)),
                        severity="warning",
                        message=f"the printed percentages add up to {share_sum:.2f}%",
                        source=str(group_value),
                        params={"sum": round(share_sum, 2)},
                    )
                )
    return findings


def _measure_rows(tables: Tables, catalogue: dict[str, Dataset]) -> pd.DataFrame:
    """Every row that states one figure of a measure, from every dataset that has them."""
    frames = []
    for name, _dataset, config, rows in _configured(tables, catalogue, "measures"):
        frame = pd.DataFrame(
            {
                "dataset": name,
                "scope": rows[config["scope_column"]]
                if "scope_column" in config
                else config["scope"],
                "measure": config.get("prefix", "")
                + (rows["measure"].astype(str) if "measure" not in config else config["measure"]),
                "period": rows[config.get("period_column", "period")].astype("string"),
                "qualifier": rows[config["qualifier"]] if "qualifier" in config else "",
                "value": pd.to_numeric(rows[config.get("value", "value")], errors="coerce"),
                "source": rows["source"],
            }
        )
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["dataset", "scope", "measure", "period", "qualifier"])
    return pd.concat(frames, ignore_index=True)


def check_same_measure(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """One measure for one place and period stated with different values in two places."""
    findings: list[Finding] = []
    measures = _measure_rows(tables, catalogue)
    measures = measures[measures["period"].notna() & measures["value"].notna()]
    keys = ["scope", "measure", "period", "qualifier"]
    # Only groups stated with more than one value; most groups (one figure each) drop here.
    distinct = measures.groupby(keys, dropna=False)["value"].transform("nunique")
    measures = measures[distinct > 1]
    for (scope, measure, period, qualifier), group in measures.groupby(keys):
        first = group.iloc[0]
        for _, other in group.iloc[1:].iterrows():
            if other["value"] == first["value"]:
                continue
            findings.append(
                Finding(
                    check="same_measure",
                    dataset=other["dataset"],
                    key=f"{scope}, {measure}, {period}" + (f", {qualifier}" if qualifier else ""),
                    expected=fmt(first["value"]),
                    found=fmt(other["value"]),
                    severity="error",
                    message=f"{measure} of {scope} for {period}: {fmt(first['value'])} in "
                    f"«{first['source']}» ({first['dataset']}), {fmt(other['value'])} in "
                    f"«{other['source']}» ({other['dataset']})",
                    source=other["source"],
                    params={
                        "measure": measure,
                        "scope": scope,
                        "period": str(period),
                        "value": first["value"],
                        "other": other["value"],
                        "source": str(first["source"]),
                        "other_source": str(other["source"]),
                    },
                )
            )
    return findings


def check_parts_of_measure(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """The sum of a dataset's parts (e.g. settlements) against the total stated elsewhere."""
    findings: list[Finding] = []
    measures = _measure_rows(tables, catalogue)
    for name, _dataset, config, rows in _configured(tables, catalogue, "total_of"):
        group_columns = [config["period_column"]] + ([config["group"]] if "group" in config else [])
        for group_key, group in rows.groupby(group_columns):
            group_key = group_key if isinstance(group_key, tuple) else (group_key,)
            period = str(group_key[0])
            parts_sum = float(pd.to_numeric(group[config["column"]], errors="coerce").sum())
            stated = measures[
                (measures["measure"] == config["measure"])
                & (measures["scope"] == config["scope"])
                & (measures["period"] == period)
                & (measures["qualifier"].isin(["", "all"]))
            ]
            part_source = group["source"].iloc[0]
            for stated_value, same_value in stated.groupby("value"):
                if abs(stated_value - parts_sum) <= _rounding_tolerance(stated_value):
                    continue
                sources = "; ".join(f"«{src}»" for src in dict.fromkeys(same_value["source"]))
                findings.append(
                    Finding(
                        check="parts_vs_total",
                        dataset=name,
                        key=f"{config['measure']}, {period}"
                        + (f", {config['group']}={group_key[1]}" if "group" in config else ""),
                        expected=fmt(stated_value),
                        found=fmt(parts_sum),
                        severity="error",
                        message=f"the {len(group)} rows of {name} add up to {fmt(parts_sum)} "
                        f"{config['column']} for {period}, but {sources} state "
                        f"{fmt(stated_value)}",
                        source=part_source,
                        params={
                            "rows": len(group),
                            "parts": parts_sum,
                            "column": config["column"],
                            "period": period,
                            "stated": stated_value,
                            "sources": sources,
                        },
                    )
                )
    return findings


def check_categories(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """Categories of a measure (e.g. SNS category I and II) against its total."""
    findings: list[Finding] = []
    for name, _dataset, config, rows in _configured(tables, catalogue, "categories"):
        rows = rows.copy()
        rows["document"] = rows["source"].map(document_of)
        is_total = rows[config["column"]] == config["total"]
        for group_key, parts in rows[~is_total].groupby([*config["group"], "period"], dropna=False):
            values = pd.to_numeric(parts["value"], errors="coerce")
            if values.isna().any():
                continue
            parts_sum = float(values.sum())
            selector = pd.Series(True, index=rows.index)
            for column, value in zip(config["group"], group_key, strict=False):
                selector &= rows[column] == value
            period = group_key[-1]
            period_known = not _is_missing(period)
            if period_known:
                selector &= rows["period"] == period
            else:
                # Parts of an unstated period: compare with totals of the same document.
                selector &= rows["document"].isin(set(parts["document"]))
            for _, total in rows[is_total & selector].iterrows():
                if _is_missing(total["value"]) or float(total["value"]) == parts_sum:
                    continue
                categories = " + ".join(
                    f"{c} {fmt(float(v))}"
                    for c, v in zip(parts[config["column"]], values, strict=True)
                )
                findings.append(
                    Finding(
                        check="categories_vs_total",
                        dataset=name,
                        key=", ".join(str(v) for v in group_key if not _is_missing(v))
                        + ("" if period_known else f" (parts undated; total {total['period']})"),
                        expected=fmt(float(total["value"])),
                        found=fmt(parts_sum),
                        severity="error" if period_known else "warning",
                        message=f"categories {categories} = {fmt(parts_sum)}, but the total "
                        f"for {total['period']} is {fmt(float(total['value']))} "
                        f"(«{total['source']}»)",
                        source=parts["source"].iloc[0],
                        rule_class="categories_vs_total" + ("" if period_known else "_undated"),
                        params={
                            "categories": [
                                [str(c), float(v)]
                                for c, v in zip(parts[config["column"]], values, strict=True)
                            ],
                            "parts": parts_sum,
                            "total": float(total["value"]),
                            "period": str(total["period"]),
                            "source": str(total["source"]),
                        },
                    )
                )
    return findings


def check_missing(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """Values the documents leave out: a gap the dashboard shows rather than fills."""
    findings: list[Finding] = []
    for name, dataset, expected, rows in _configured(tables, catalogue, "expected"):
        for column in expected:
            for _, row in rows[rows[column].isna()].iterrows():
                text_column = next(
                    (c for c in (f"{column}_text", "status", "note") if c in row.index),
                    None,
                )
                printed = (
                    row[text_column] if text_column and not _is_missing(row[text_column]) else ""
                )
                findings.append(
                    Finding(
                        check="missing_value",
                        dataset=name,
                        key=_row_key(row, [k for k in dataset.key if k != column]),
                        expected=f"a {column}",
                        found=str(printed) or "nothing",
                        severity="info",
                        message=f"{column} is not given" + (f" ({printed})" if printed else ""),
                        source=row["source"],
                        params={"column": column, "printed": f" ({printed})" if printed else ""},
                    )
                )
    return findings


def check_dated_after_document(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """Results reported for a year the document had not reached (or not finished)."""
    findings: list[Finding] = []
    for name, dataset, config, rows in _configured(tables, catalogue, "dated"):
        rows = rows.copy()
        if "filter_column" in config:
            rows = rows[rows[config["filter_column"]] == config["filter_value"]]
        rows["_document_year"] = pd.to_datetime(rows[config["date_column"]]).dt.year
        rows = rows[rows[config["period_column"]] >= rows["_document_year"]]
        for (source, year, document_date), group in rows.groupby(
            ["source", config["period_column"], config["date_column"]]
        ):
            document_day = pd.Timestamp(document_date).date()
            after = int(year) > document_day.year
            key_columns = [k for k in dataset.key if k != config["period_column"]]
            listed = "; ".join(
                f"{_row_key(row, key_columns[:1])}: "
                + (
                    fmt(row[config["value_column"]])
                    if not _is_missing(row[config["value_column"]])
                    else str(row.get("value_text", ""))
                )
                for _, row in group.iterrows()
            )
            findings.append(
                Finding(
                    check="reported_after_document",
                    dataset=name,
                    key=f"{config['period_column']}={year}, {len(group)} value(s)",
                    expected=f"results observed by {document_day}",
                    found=listed,
                    severity="warning" if after else "info",
                    message=f"{len(group)} value(s) reported for {year} in a document dated "
                    f"{document_day}: "
                    + ("planned, not observed" if after else f"{year} was not over yet"),
                    source=source,
                    rule_class="reported_planned" if after else "reported_year_not_over",
                    params={"count": len(group), "year": int(year), "date": str(document_day)},
                )
            )
    return findings


def check_same_text(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """Rows printed with the same label (e.g. one indicator under two objectives) that disagree."""
    findings: list[Finding] = []
    for name, _dataset, config, rows in _configured(tables, catalogue, "same_text"):
        rows = rows.copy()
        if "join" in config:
            labels = tables[config["join"]["dataset"]][[config["join"]["on"], config["text"]]]
            rows = rows.merge(labels, on=config["join"]["on"], how="left")
        clusters = label_clusters(
            rows[config["text"]].astype(str).tolist(), qualified=bool(config.get("qualified"))
        )
        rows["_label"] = [clusters[str(text)] for text in rows[config["text"]]]
        rows["_value"] = pd.to_numeric(rows[config["value"]], errors="coerce")
        by = config.get("by", [])
        for _, group in rows.groupby("_label"):
            codes = list(dict.fromkeys(group[config["key"]]))
            if len(codes) < 2:
                continue
            first = group[group[config["key"]] == codes[0]]
            for other_code in codes[1:]:
                other = group[group[config["key"]] == other_code]
                paired = (
                    first.merge(other, on=by, suffixes=("", "_other"))
                    if by
                    else (
                        first.assign(_j=1).merge(
                            other.assign(_j=1), on="_j", suffixes=("", "_other")
                        )
                    )
                )
                differing = paired[
                    paired["_value"].notna()
                    & paired["_value_other"].notna()
                    & (paired["_value"] != paired["_value_other"])
                ]
                if differing.empty:
                    continue
                where = [
                    ", ".join(f"{c}={fmt(row[c])}" for c in by) or config["value"]
                    for _, row in differing.iterrows()
                ]
                findings.append(
                    Finding(
                        check="same_label_differs",
                        dataset=name,
                        key=f"{config['key']} {codes[0]} vs {other_code}",
                        expected="; ".join(
                            f"{w}: {fmt(v)}"
                            for w, v in zip(where, differing["_value"], strict=True)
                        ),
                        found="; ".join(
                            f"{w}: {fmt(v)}"
                            for w, v in zip(where, differing["_value_other"], strict=True)
                        ),
                        severity="warning",
                        message=f"«{str(first[config['text']].iloc[0])[:100]}» is printed as "
                        f"{codes[0]} and as {other_code} with different {config['value']} "
                        f"in {len(differing)} place(s)",
                        source=str(other["source"].iloc[0]),
                        params={
                            "label": str(first[config["text"]].iloc[0])[:100],
                            "code": str(codes[0]),
                            "other_code": str(other_code),
                            "field": config["value"],
                            "pairs": [
                                [w, float(a), float(b)]
                                for w, a, b in zip(
                                    where,
                                    differing["_value"],
                                    differing["_value_other"],
                                    strict=True,
                                )
                            ],
                        },
                    )
                )
    return findings


def check_across_sources(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """The same row (same key but for its source) given different values by two sources."""
    findings: list[Finding] = []
    for name, dataset, config, rows in _configured(tables, catalogue, "across_sources"):
        key = [k for k in dataset.key if k != "source"]
        for _, group in rows.groupby(key):
            values = pd.to_numeric(group[config["value"]], errors="coerce")
            if values.dropna().nunique() < 2:
                continue
            first = group.iloc[0]
            for index in group.index[1:]:
                if values[index] == values[group.index[0]]:
                    continue
                row = group.loc[index]
                findings.append(
                    Finding(
                        check="same_row_two_sources",
                        dataset=name,
                        key=_row_key(row, key),
                        expected=fmt(float(values[group.index[0]])),
                        found=fmt(float(values[index])),
                        severity="error",
                        message=f"{config['value']} for {_row_key(row, key)}: "
                        f"{fmt(float(values[group.index[0]]))} in «{first['source']}», "
                        f"{fmt(float(values[index]))} in «{row['source']}»",
                        source=row["source"],
                        params={
                            "row": _row_key(row, key),
                            "field": config["value"],
                            "value": float(values[group.index[0]]),
                            "other": float(values[index]),
                            "source": str(first["source"]),
                            "other_source": str(row["source"]),
                        },
                    )
                )
    return findings


def _year_of(period: object) -> int | None:
    """The year a period names ("2023-Q1" -> 2023), or None when undated."""
    if _is_missing(period):
        return None
    match = re.match(r"^\s*((?:19|20)\d{2})", str(period))
    return int(match.group(1)) if match else None


def _source_year(source: str) -> int | None:
    """The year a source names for its table or census ("Tabela 1 (ASK 2011)" -> 2011)."""
    match = re.search(r"\((?:[^()]*\D)?((?:19|20)\d{2})\)", source)
    return int(match.group(1)) if match else None


def check_total_row_itself(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """A printed total row against itself: its ratio vs its own sums, its count vs its parts."""
    findings: list[Finding] = []
    totals = tables.get("printed_totals")
    if totals is None:
        return findings
    for (dataset_name, source), row_totals in totals.groupby(["dataset", "source"]):
        no_filter = row_totals["filter_column"].isna()
        sums = {
            str(r["column_name"]): float(r["value"])
            for _, r in row_totals[no_filter & (row_totals["aggregate"] == "sum")].iterrows()
        }
        for _, ratio in row_totals[no_filter & (row_totals["aggregate"] == "ratio")].iterrows():
            numerator, denominator = (
                sums.get(str(ratio["column_name"])),
                sums.get(str(ratio["denominator"])),
            )
            if numerator is None or not denominator:
                continue
            computed = numerator / denominator
            printed = float(ratio["value"])
            if abs(computed - printed) <= _rounding_tolerance(printed):
                continue
            findings.append(
                Finding(
                    check="total_row_itself",
                    dataset=dataset_name,
                    key=f"ratio {ratio['column_name']} / {ratio['denominator']} [total row]",
                    expected=fmt(round(computed, 1)),
                    found=fmt(printed),
                    severity="warning",
                    message=f"the total row prints {ratio['column_name']} / "
                    f"{ratio['denominator']} = {fmt(printed)}, but its own totals give "
                    f"{fmt(numerator)} / {fmt(denominator)} = {computed:.1f}",
                    source=source,
                    rule_class="total_row_ratio",
                    params={
                        "printed": printed,
                        "numerator": numerator,
                        "denominator": denominator,
                        "computed": round(computed, 1),
                    },
                )
            )
        counts = row_totals[row_totals["aggregate"] == "count"]
        whole = counts[counts["filter_column"].isna()]
        for filter_column, parts in counts[counts["filter_value"].notna()].groupby("filter_column"):
            for _, total in whole.iterrows():
                parts_sum = float(parts["value"].sum())
                if parts_sum == float(total["value"]):
                    continue
                listed = " + ".join(
                    f"{v} {fmt(float(n))}"
                    for v, n in zip(parts["filter_value"], parts["value"], strict=True)
                )
                findings.append(
                    Finding(
                        check="total_row_itself",
                        dataset=dataset_name,
                        key=f"count by {filter_column} [total row]",
                        expected=fmt(float(total["value"])),
                        found=fmt(parts_sum),
                        severity="warning",
                        message=f"the total row prints {fmt(float(total['value']))} rows in "
                        f"all, but its parts by {filter_column} give {listed} = {fmt(parts_sum)}",
                        source=source,
                        rule_class="total_row_parts",
                        params={"printed": float(total["value"]), "parts": parts_sum},
                    )
                )
    return findings


RANGE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:^|_)(\d+)_(\d+)(?:_|$)"), "between"),
    (re.compile(r"(?:^|_)(?:over|plus|mbi)_(\d+)(?:_|$)"), "over"),
    (re.compile(r"(?:^|_)(?:under|nen)_(\d+)(?:_|$)"), "under"),
)


def parse_range(code: str, whole_numbers: bool) -> tuple[float, float] | None:
    """The range a measure code names: "share_age_25_45_pct" -> (25, 45), "over_50" -> (51, inf).

    Whole numbers (ages) are counted in units: over 50 starts at 51, under 10 ends at 9;
    otherwise (densities) ranges meet at their bounds.
    """
    for pattern, kind in RANGE_PATTERNS:
        match = pattern.search(code)
        if not match:
            continue
        if kind == "between":
            return float(match.group(1)), float(match.group(2))
        bound = float(match.group(1))
        step = 1.0 if whole_numbers else 0.0
        if kind == "over":
            return bound + step, math.inf
        return 0.0, bound - step
    return None


def range_gaps(
    ranges: list[tuple[float, float]], whole_numbers: bool
) -> list[tuple[str, float, float]]:
    """Gaps and overlaps between ranges sorted by their start: (kind, from, to).

    Whole-number classes (ages 0-4, 5-14) meet when the next starts one after the last
    ended; other classes (densities 10-100, 100-500) meet at a shared bound.
    """
    problems = []
    step = 1.0 if whole_numbers else 0.0
    ordered = sorted(ranges)
    for (_, end), (start, next_end) in zip(ordered, ordered[1:], strict=False):
        if start > end + step:
            problems.append(("gap", end + step, start - step))
        elif start < end + step:
            problems.append(("overlap", start, min(end, next_end)))
    return problems


def _whole_subset(members: list) -> list:
    """The largest set of shares that adds up to 100 % (the classes that claim the whole)."""
    from itertools import combinations

    for size in range(len(members), 1, -1):
        for subset in combinations(members, size):
            total = sum(float(v) for _, v in subset if not _is_missing(v))
            if abs(total - 100) <= 0.05 * size:
                return list(subset)
    return []


def check_range_gaps(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """Classes (age bands, density classes) that leave a range out or overlap."""
    findings: list[Finding] = []
    for name, _dataset, configs, rows in _configured(tables, catalogue, "ranges"):
        for config in configs if isinstance(configs, list) else [configs]:
            whole_numbers = bool(config.get("whole_numbers", True))
            if "measures" in config:
                selected = rows[rows["measure"].astype(str).str.match(config["measures"])]
                parsed = [
                    (parse_range(str(code), whole_numbers), value, source)
                    for code, value, source in zip(
                        selected["measure"], selected["value"], selected["source"], strict=True
                    )
                ]
                groups: dict[str, list] = {}
                for bounds, value, source in parsed:
                    if bounds is not None:
                        groups.setdefault(source, []).append((bounds, value))
            else:
                groups = {}
                for _, row in rows.iterrows():
                    low = float(row[config["from"]])
                    high = math.inf if _is_missing(row[config["to"]]) else float(row[config["to"]])
                    groups.setdefault(row[config.get("group", "source")], []).append(
                        ((low, high), row[config["value"]])
                    )
            for source, members in groups.items():
                if len(members) < 2:
                    continue
                if config.get("shares"):
                    # Only shares that claim the whole: other shares of the text stand alone.
                    members = _whole_subset(members)
                    if not members:
                        continue
                ranges = [bounds for bounds, _ in members]
                values = pd.to_numeric(pd.Series([v for _, v in members]), errors="coerce")
                share_sum = float(values.sum())
                claims_whole = bool(config.get("shares"))
                for kind, low, high in range_gaps(ranges, whole_numbers):
                    listed = ", ".join(f"{fmt(a)}–{fmt(b)}" for a, b in sorted(ranges))
                    whole = (
                        f"; their shares add up to {fmt(round(share_sum, 2))}%"
                        if config.get("shares")
                        else ""
                    )
                    findings.append(
                        Finding(
                            check="range_gap",
                            dataset=name,
                            key=f"{config.get('label', 'classes')}: {kind} {fmt(low)}–{fmt(high)}",
                            expected="classes that meet",
                            found=f"{kind} {fmt(low)}–{fmt(high)}",
                            severity="warning" if claims_whole or kind == "overlap" else "info",
                            message=f"the {config.get('label', 'classes')} {listed} leave "
                            f"{fmt(low)}–{fmt(high)} "
                            + ("out" if kind == "gap" else "in two classes")
                            + whole,
                            source=str(source),
                            rule_class=f"range_{kind}" + ("_whole" if claims_whole else ""),
                            params={
                                "low": low,
                                "high": high,
                                "label": config.get("label", "classes"),
                                "classes": [[a, b] for a, b in sorted(ranges)],
                                "sum": round(share_sum, 2),
                            },
                        )
                    )
    return findings


def check_dated_later(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """A figure dated later than its table or census, or than the same figure elsewhere."""
    findings: list[Finding] = []
    measures = _measure_rows(tables, catalogue)
    measures = measures[measures["value"].notna()].copy()
    measures["year"] = measures["period"].map(_year_of)
    dated = measures[measures["year"].notna()]
    for _, row in dated.iterrows():
        table_year = _source_year(str(row["source"]))
        if table_year is not None and row["year"] > table_year:
            findings.append(
                Finding(
                    check="dated_later",
                    dataset=row["dataset"],
                    key=f"{row['scope']}, {row['measure']}, {row['period']}",
                    expected=f"{table_year} or earlier",
                    found=str(row["period"]),
                    severity="warning",
                    message=f"{row['measure']} {fmt(row['value'])} is dated {row['period']}, "
                    f"but its table is of {table_year}",
                    source=row["source"],
                    rule_class="dated_after_table",
                    params={
                        "measure": row["measure"],
                        "value": row["value"],
                        "period": str(row["period"]),
                        "table": table_year,
                    },
                )
            )
    keys = ["scope", "measure", "qualifier", "value"]
    for (scope, measure, _, value), group in dated.groupby(keys, dropna=False):
        if value == 0 or group["year"].nunique() < 2:
            continue
        earliest = group.loc[group["year"].idxmin()]
        for _, later in group[group["year"] > earliest["year"]].iterrows():
            findings.append(
                Finding(
                    check="dated_later",
                    dataset=later["dataset"],
                    key=f"{scope}, {measure}, {later['period']} = {earliest['period']}",
                    expected=f"a figure of {later['period']}",
                    found=f"the figure of {earliest['period']}",
                    severity="warning",
                    message=f"{measure} {fmt(value)} is given for {later['period']} in "
                    f"«{later['source']}» ({later['dataset']}) and for {earliest['period']} in "
                    f"«{earliest['source']}» ({earliest['dataset']}): one figure, two years",
                    source=later["source"],
                    rule_class="same_figure_two_years",
                    params={
                        "measure": measure,
                        "value": value,
                        "period": str(later["period"]),
                        "other_period": str(earliest["period"]),
                        "other_source": str(earliest["source"]),
                    },
                )
            )
    return findings


def check_undated(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """Figures without a year, against the dated figures of the same measure they repeat."""
    findings: list[Finding] = []
    measures = _measure_rows(tables, catalogue)
    measures = measures[measures["value"].notna()]
    undated = measures[measures["period"].isna()]
    dated = measures[measures["period"].notna()]
    for _, row in undated.iterrows():
        same = dated[
            (dated["scope"] == row["scope"])
            & (dated["measure"] == row["measure"])
            & (dated["qualifier"] == row["qualifier"])
        ]
        if same.empty:
            continue
        equal = same[same["value"] == row["value"]]
        if not equal.empty:
            match = equal.iloc[0]
            findings.append(
                Finding(
                    check="undated_figure",
                    dataset=row["dataset"],
                    key=f"{row['scope']}, {row['measure']}, undated",
                    expected=f"a year ({match['period']}?)",
                    found="no year",
                    severity="info",
                    message=f"{row['measure']} {fmt(row['value'])} is given without a year; "
                    f"the same figure is dated {match['period']} in «{match['source']}»",
                    source=row["source"],
                    rule_class="undated_repeats",
                    params={
                        "measure": row["measure"],
                        "value": row["value"],
                        "other_period": str(match["period"]),
                        "other_source": str(match["source"]),
                    },
                )
            )
            continue
        listed = "; ".join(
            f"{fmt(v)} ({p}, «{src}»)"
            for v, p, src in zip(same["value"], same["period"], same["source"], strict=True)
        )
        findings.append(
            Finding(
                check="undated_figure",
                dataset=row["dataset"],
                key=f"{row['scope']}, {row['measure']}, undated",
                expected=listed,
                found=fmt(row["value"]),
                severity="warning",
                message=f"{row['measure']} {fmt(row['value'])} is given without a year and "
                f"matches none of the dated figures: {listed}",
                source=row["source"],
                rule_class="undated_differs",
                params={
                    "measure": row["measure"],
                    "value": row["value"],
                    "listed": [
                        [float(v), str(p), str(src)]
                        for v, p, src in zip(
                            same["value"], same["period"], same["source"], strict=True
                        )
                    ],
                },
            )
        )
    return findings


def check_many_places(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """One measure stated in three or more places: which figure is the one to use?"""
    findings: list[Finding] = []
    measures = _measure_rows(tables, catalogue)
    measures = measures[measures["value"].notna()]
    for (scope, measure, qualifier), group in measures.groupby(
        ["scope", "measure", "qualifier"], dropna=False
    ):
        places = group.drop_duplicates(["dataset", "source", "period"])
        if places["source"].nunique() < 3:
            continue
        listed = "; ".join(
            f"{fmt(v)} ({'—' if _is_missing(p) else p}, «{src}»)"
            for v, p, src in zip(places["value"], places["period"], places["source"], strict=True)
        )
        distinct = places["value"].nunique()
        findings.append(
            Finding(
                check="many_places",
                dataset=str(places["dataset"].iloc[0]),
                key=f"{scope}, {measure}" + (f", {qualifier}" if qualifier else ""),
                expected="one figure",
                found=f"{distinct} figure(s) in {len(places)} places",
                severity="warning" if distinct > 1 else "info",
                message=f"{measure} of {scope} is stated in {len(places)} places: {listed}",
                source=str(places["source"].iloc[-1]),
                rule_class="many_places_differ" if distinct > 1 else "many_places_agree",
                params={
                    "places": len(places),
                    "figures": distinct,
                    "measure": measure,
                    "scope": scope,
                    "listed": [
                        [float(v), None if _is_missing(p) else str(p), str(src)]
                        for v, p, src in zip(
                            places["value"], places["period"], places["source"], strict=True
                        )
                    ],
                },
            )
        )
    return findings


def check_many_labels(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """One measure printed under three or more labels that match (or qualify one another)."""
    findings: list[Finding] = []
    for name, _dataset, config, rows in _configured(tables, catalogue, "many_places"):
        texts = rows[config["text"]].astype(str).tolist()
        clusters = label_clusters(texts, qualified=True)
        rows = rows.assign(_cluster=[clusters[text] for text in texts])
        for _, group in rows.groupby("_cluster"):
            if group[config["key"]].nunique() < 3:
                continue
            values = pd.to_numeric(group[config["value"]], errors="coerce")
            listed = [
                [float(v) if not _is_missing(v) else None, str(code), str(source)]
                for v, code, source in zip(
                    values, group[config["key"]], group["source"], strict=True
                )
            ]
            distinct = values.dropna().nunique()
            codes = ", ".join(str(c) for c in group[config["key"]])
            findings.append(
                Finding(
                    check="many_places",
                    dataset=name,
                    key=f"{config['key']} {codes}",
                    expected="one measure, one place",
                    found=f"{len(group)} places",
                    severity="warning" if distinct > 1 else "info",
                    message=f"«{str(group[config['text']].iloc[0])[:100]}» is one measure "
                    f"printed in {len(group)} places ({codes}); {config['value']}: "
                    + "; ".join(f"{c} {fmt(v)}" for v, c, _ in listed),
                    source=str(group["source"].iloc[-1]),
                    rule_class="many_labels",
                    params={
                        "label": str(group[config["text"]].iloc[0])[:100],
                        "places": len(group),
                        "field": config["value"],
                        "listed": listed,
                    },
                )
            )
    return findings


def check_table_years(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """Indicator tables whose years disagree with the plan's period or with the other tables."""
    findings: list[Finding] = []
    for name, _dataset, config, rows in _configured(tables, catalogue, "table_years"):
        if config["indicators"] not in tables:
            continue
        indicators = tables[config["indicators"]]
        decisions = plan_status.PlanDecisions.from_frame(tables.get("staff_decisions"))
        for table in plan_status.table_readings(indicators, rows):
            if not table.disagrees:
                continue
            years = f"{min(table.baseline_years + table.years)}–{table.years[-1]}"
            usual = f"{min(table.usual_baseline_years + table.usual_years)}–{table.usual_years[-1]}"
            period = f"{table.plan_period[0]}–{table.plan_period[1]}" if table.plan_period else "—"
            reading = decisions.readings.get(table.table)
            findings.append(
                Finding(
                    check="table_years",
                    dataset=name,
                    key=f"{len(table.indicators)} indicators ({', '.join(table.indicators)})",
                    expected=f"{usual} (baseline "
                    f"{', '.join(map(str, table.usual_baseline_years))})",
                    found=f"{years} (baseline {', '.join(map(str, table.baseline_years))})",
                    severity="error",
                    message=f"the table is headed {years} (baseline "
                    f"{', '.join(map(str, table.baseline_years))}); the plan covers {period} and "
                    f"the other tables {usual}: its indicators are "
                    + (
                        f"read {reading.replace('_', ' ')} by staff"
                        if reading
                        else "not rated until staff confirm a reading"
                    ),
                    source=table.table,
                    rule_class="table_years",
                    params={
                        "years": years,
                        "usual": usual,
                        "period": period,
                        "shift": table.shift,
                        "reading": reading or "",
                    },
                )
            )
    return findings


RULES: tuple[Rule, ...] = (
    check_printed_totals,
    check_total_row_itself,
    check_ratios,
    check_range_gaps,
    check_percentages,
    check_same_measure,
    check_parts_of_measure,
    check_categories,
    check_same_text,
    check_across_sources,
    check_dated_later,
    check_undated,
    check_many_places,
    check_many_labels,
    check_table_years,
    check_dated_after_document,
    check_missing,
)


def run_rules(tables: Tables, catalogue: dict[str, Dataset]) -> list[Finding]:
    """Run every rule over the loaded tables."""
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(tables, catalogue))
    return findings


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """The findings as the data_quality table (params as JSON)."""
    records = []
    for finding in findings:
        record = asdict(finding)
        record["finding_id"] = finding.finding_id
        record["rule_class"] = finding.rule_class or finding.check
        record["params"] = json.dumps(finding.params, ensure_ascii=False, default=str)
        records.append(record)
    return pd.DataFrame(records, columns=list(FINDING_COLUMNS)).astype("string")


def write_findings(con: Connection, catalogue: dict[str, Dataset]) -> int:
    """Run the rules on the tables of a database being built; store them as data_quality."""
    needed = {name for name, dataset in catalogue.items() if dataset.checks}
    for dataset in catalogue.values():
        join = dataset.checks.get("same_text", {}).get("join")
        if join:
            needed.add(join["dataset"])
    for dataset in catalogue.values():
        table_years = dataset.checks.get("table_years")
        if table_years:
            needed.add(table_years["indicators"])
            needed.add("staff_decisions")
    if "printed_totals" in catalogue:
        needed.add("printed_totals")
        needed |= {
            row[0] for row in con.execute("SELECT DISTINCT dataset FROM printed_totals").fetchall()
        }
    # Only the tables the rules read: national-scale fact tables are not loaded into memory.
    tables = {
        name: con.execute(f'SELECT * FROM "{name}"').df() for name in needed if name in catalogue
    }
    findings = run_rules(tables, catalogue)
    frame = findings_frame(findings)
    con.register("findings_frame", frame)
    con.execute("CREATE OR REPLACE TABLE data_quality AS SELECT * FROM findings_frame")
    con.unregister("findings_frame")
    return len(findings)


# --- the public summary --------------------------------------------------------------------

MARK_VALUES: tuple[str, ...] = ("accepted", "corrected", "open")


def contradiction_summary(findings: pd.DataFrame, marks: pd.DataFrame | None = None) -> dict:
    """What the documents contradict and what staff decided, in counts only.

    A pure function of the findings table (check, severity, source, finding_id) and the
    marks in force (target = finding id, value): it reads no figure of any dataset, so
    it can run on the published database as it is.
    """
    marked = (
        dict(zip(marks["target"], marks["value"], strict=True))
        if marks is not None and not marks.empty
        else {}
    )
    frame = findings.assign(
        mark=findings["finding_id"].map(lambda i: marked.get(i)),
        document=findings["source"].map(lambda s: document_of(str(s))),
    )
    severities = frame["severity"].value_counts()
    mark_counts = frame["mark"].value_counts()
    documents = []
    for document, group in frame.groupby("document", sort=False):
        documents.append(
            {
                "document": document,
                "findings": len(group),
                "errors": int((group["severity"] == "error").sum()),
                "decided": int(group["mark"].isin(["accepted", "corrected"]).sum()),
            }
        )
    documents.sort(key=lambda d: (-d["errors"], -d["findings"], d["document"]))
    reviewed = int(frame["mark"].notna().sum())
    return {
        "findings": len(frame),
        "errors": int(severities.get("error", 0)),
        "warnings": int(severities.get("warning", 0)),
        "info": int(severities.get("info", 0)),
        "reviewed": reviewed,
        **{mark: int(mark_counts.get(mark, 0)) for mark in MARK_VALUES},
        "unreviewed": len(frame) - reviewed,
        "documents": documents,
    }
