"""Build the DuckDB database from data/ (and the import journal), validate it, swap it in."""

from __future__ import annotations

import csv
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from dashboard import quality
from dashboard.catalog import Dataset, load_catalogue
from dashboard.db import Connection, DatabaseError, connect_for_build
from dashboard.files import install
from dashboard.ingest import journal
from dashboard.ingest.common import Problem
from dashboard.ingest.writers import BuildError, BuildReport
from dashboard.publish import PublishedLayer, publish_frame
from dashboard.settings import Settings, public_path

# BuildError and BuildReport are shared with the writers, so defined below them
# (dashboard/ingest/writers.py); imported from here as before.

# A module that adds rows at build time: inserts into the tables the build created.
# The build is handed them in order (dashboard/pipeline.py); it imports none of them.
Contributor = Callable[[Connection, Settings, dict[str, Dataset]], None]


def quote_identifier(name: str) -> str:
    """Quote a column or table name that comes from the catalogue (never from a user)."""
    return '"' + name.replace('"', '""') + '"'


def _csv_columns(dataset: Dataset) -> dict[str, str]:
    return {c.name: c.type for c in dataset.stored_columns}


def _header_problems(dataset: Dataset, path: Path) -> list[Problem]:
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), [])
    expected = [c.name for c in dataset.stored_columns]
    if header == expected:
        return []
    return [
        Problem(
            file=path.name,
            line=1,
            field="header",
            value=",".join(header)[:80],
            expected=f"the columns of data/datasets.toml in order: {','.join(expected)}",
        )
    ]


def _load_dataset(con: Connection, dataset: Dataset, path: Path) -> None:
    computed = "".join(
        f", ({c.computed_sql})::{c.type} AS {quote_identifier(c.name)}"
        for c in dataset.columns
        if c.computed_sql
    )
    con.execute(
        f"CREATE TABLE {quote_identifier(dataset.name)} AS "
        f"SELECT *{computed} FROM read_csv($path, header = true, auto_detect = false, "
        "delim = ',', quote = '\"', escape = '\"', encoding = 'utf-8', strict_mode = true, "
        "columns = $columns)",
        {"path": str(path), "columns": _csv_columns(dataset)},
    )


def _line_of(path: Path, column: str, predicate) -> tuple[int, str] | None:  # noqa: ANN001
    """Find the first CSV line whose column satisfies predicate (only on the error path)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            if predicate(row):
                return reader.line_num, row.get(column, "")
    return None


def _row_problems(con: Connection, dataset: Dataset, path: Path) -> list[Problem]:
    problems: list[Problem] = []
    table = quote_identifier(dataset.name)
    for column in dataset.stored_columns:
        if not column.required:
            continue
        missing = con.execute(
            f"SELECT count(*) FROM {table} WHERE {quote_identifier(column.name)} IS NULL"
        ).fetchone()
        if missing and missing[0]:
            found = _line_of(path, column.name, lambda row, c=column.name: (row.get(c) or "") == "")
            problems.append(
                Problem(
                    file=path.name,
                    line=found[0] if found else None,
                    field=column.name,
                    value="",
                    expected=f"a value ({missing[0]} row(s) have none; the column is required)",
                )
            )
    key = ", ".join(quote_identifier(k) for k in dataset.key)
    duplicates = con.execute(
        f"SELECT {key}, count(*) AS n FROM {table} GROUP BY ALL HAVING n > 1 LIMIT 20"
    ).fetchall()
    for duplicate in duplicates:
        values = dict(zip(dataset.key, duplicate[:-1], strict=True))
        found = _line_of(
            path,
            dataset.key[0],
            lambda row, v=values: all((row.get(k) or None) == _as_text(x) for k, x in v.items()),
        )
        problems.append(
            Problem(
                file=path.name,
                line=found[0] if found else None,
                field="+".join(dataset.key),
                value=str(values)[:80],
                expected=f"a unique key; {duplicate[-1]} rows share it",
            )
        )
    return problems


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _write_catalogue_table(con: Connection, datasets: Iterable[Dataset], built_at: str) -> None:
    con.execute(
        "CREATE TABLE _datasets (name VARCHAR PRIMARY KEY, row_count BIGINT, built_at VARCHAR)"
    )
    for dataset in datasets:
        count = con.execute(f"SELECT count(*) FROM {quote_identifier(dataset.name)}").fetchone()
        con.execute(
            "INSERT INTO _datasets VALUES ($name, $rows, $built_at)",
            {"name": dataset.name, "rows": count[0] if count else 0, "built_at": built_at},
        )


@journal.exclusive  # one writer at a time; checks the journal before replaying it
def build_database(
    settings: Settings,
    *,
    contributors: Sequence[Contributor],
    target: Path | None = None,
) -> BuildReport:
    """Build a new database file, validate it and atomically replace the old one.

    ``contributors`` add their rows after the embedded data, in order (the import
    journal's replay, the demonstration data, staff entries, review decisions: see
    dashboard/pipeline.py). A failed build raises BuildError (or lets a DuckDB error
    name the CSV line) and leaves the database in place byte-identical.
    """
    started = time.perf_counter()
    target = target or settings.db_path
    target.parent.mkdir(parents=True, exist_ok=True)
    catalogue = load_catalogue(settings.data_dir)
    building = target.with_name(f".{target.name}.building-{os.getpid()}")
    public_building = public_path(building)
    building.unlink(missing_ok=True)
    public_building.unlink(missing_ok=True)
    built_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    report = BuildReport(db_path=target, built_at=built_at)
    try:
        con = connect_for_build(building, settings)
        try:
            problems: list[Problem] = []
            for dataset in catalogue.values():
                if dataset.generated:
                    continue
                path = settings.data_dir / f"{dataset.name}.csv"
                if not path.exists():
                    problems.append(Problem(path.name, None, None, None, "the dataset's CSV file"))
                    continue
                header_problems = _header_problems(dataset, path)
                if header_problems:
                    problems.extend(header_problems)
                    continue
                try:
                    _load_dataset(con, dataset, path)
                except DatabaseError as error:
                    problems.append(_csv_error_problem(path, error))
                    continue
                problems.extend(_row_problems(con, dataset, path))
            if problems:
                raise BuildError(problems)
            _create_generated_tables(con, catalogue)
            for contribute in contributors:
                contribute(con, settings, catalogue)
            _create_build_views(con, settings)
            report.findings = quality.write_findings(con, catalogue)
            _write_catalogue_table(con, catalogue.values(), built_at)
            for name, rows in con.execute("SELECT name, row_count FROM _datasets").fetchall():
                report.rows_per_dataset[name] = rows
            con.execute("CHECKPOINT")
            report.published = write_public_database(
                con, public_building, catalogue, settings, built_at
            )
        finally:
            con.close()
        for path in (public_building, building):
            with path.open("rb+") as handle:
                os.fsync(handle.fileno())
        install(building, target)
    finally:
        for path in (building, public_building):
            path.unlink(missing_ok=True)
            Path(f"{path}.wal").unlink(missing_ok=True)
    report.seconds = time.perf_counter() - started
    return report


def _create_generated_tables(con: Connection, catalogue: dict[str, Dataset]) -> None:
    """Empty tables for the generated datasets (filled by contributors, not from CSV)."""
    for dataset in catalogue.values():
        if not dataset.generated or dataset.name == "data_quality":
            continue
        columns = ", ".join(f"{quote_identifier(c.name)} {c.type}" for c in dataset.columns)
        con.execute(f"CREATE TABLE {quote_identifier(dataset.name)} ({columns})")


# SQL run once per build after the data is in (views and macros the queries share).
BUILD_SQL: tuple[str, ...] = ("service_counts_views",)


def build_sql_text(settings: Settings) -> str:
    """The SQL of queries/build/ that creates the shared views and table macros."""
    return "\n".join(
        (settings.queries_dir / "build" / f"{name}.sql").read_text(encoding="utf-8")
        for name in BUILD_SQL
    )


def _create_build_views(con: Connection, settings: Settings) -> None:
    """Create the views and table macros of queries/build/ in the new database."""
    con.execute(build_sql_text(settings))


def _csv_error_problem(path: Path, error: DatabaseError) -> Problem:
    """Turn DuckDB's CSV error into a Problem naming the line, the column and the value."""
    text = str(error)
    line = re.search(r"Line: (\d+)", text)
    column = re.search(r'converting column "([^"]+)"', text)
    value = re.search(r'Could not convert string "([^"]*)" to \'([^\']+)\'', text)
    if column and value:
        expected = f"a value of type {value.group(2)}"
    else:
        expected = f"a well-formed CSV row ({_first_line(error)})"
    return Problem(
        file=path.name,
        line=int(line.group(1)) if line else None,
        field=column.group(1) if column else None,
        value=value.group(1) if value else None,
        expected=expected,
    )


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# SQL run on the public database after its tables are in (queries/public/build/).
PUBLIC_BUILD_SQL: tuple[str, ...] = ("service_counts_views",)


def write_public_database(
    con: Connection,
    path: Path,
    catalogue: dict[str, Dataset],
    settings: Settings,
    built_at: str,
) -> PublishedLayer:
    """Write the public database from the staff one being built (dashboard/publish.py).

    Every dataset after its disclosure policy, the shared views over them, the
    data-quality findings computed from the published figures alone, and the catalogue
    table. Nothing else: an anonymous request opens this file and no other.
    """
    layer = PublishedLayer()
    public = connect_for_build(path, settings)
    try:
        for dataset in catalogue.values():
            if dataset.name == "data_quality":
                continue
            table = quote_identifier(dataset.name)
            real = " WHERE NOT demonstration" if _has_column(dataset, "demonstration") else ""
            frame = con.execute(f"SELECT * FROM {table}{real}").df()
            published, exposed = publish_frame(frame, dataset, settings.disclosure_threshold)
            layer.record(dataset.name, published, exposed)
            public.register("published_frame", published)
            public.execute(f"CREATE TABLE {table} AS SELECT * FROM published_frame")
            public.unregister("published_frame")
        public.execute(
            "\n".join(
                (settings.queries_dir / "public" / "build" / f"{name}.sql").read_text("utf-8")
                for name in PUBLIC_BUILD_SQL
            )
        )
        if layer.withheld_any:
            quality.write_findings(public, catalogue)  # from the published figures alone
        else:  # every figure is published: the staff's findings are the public's
            public.register("staff_findings", con.execute("SELECT * FROM data_quality").df())
            public.execute("CREATE TABLE data_quality AS SELECT * FROM staff_findings")
            public.unregister("staff_findings")
        _write_catalogue_table(public, catalogue.values(), built_at)
        public.execute("CHECKPOINT")
    finally:
        public.close()
    return layer


def _has_column(dataset: Dataset, name: str) -> bool:
    return name in dataset.column_names
