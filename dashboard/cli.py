"""The `dms-dashboard` command line: serve, build, export, check (more with later features)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dashboard.settings import get_settings

if TYPE_CHECKING:
    from dashboard.ingest.journal import Entry
    from dashboard.ingest.recipes import Recipe

Command = Callable[[argparse.Namespace], int]


def _say_waiting() -> None:
    """Told once when another writer holds the lock: this command waits for it."""
    print(
        "waiting for another import, undo, entry or build to finish...",
        file=sys.stderr,
        flush=True,
    )


def _cmd_build(args: argparse.Namespace) -> int:
    from dashboard.build import BuildError
    from dashboard.ingest import journal
    from dashboard.pipeline import rebuild

    settings = get_settings()
    try:
        with journal.lock(settings, on_wait=_say_waiting):
            report = rebuild(settings)
    except BuildError as error:
        print(f"build refused; the database in place is unchanged.\n{error}", file=sys.stderr)
        return 1
    rate = report.total_rows / report.seconds if report.seconds else 0
    print(f"built {report.db_path} at {report.built_at} in {report.seconds:.2f} s")
    for name, rows in report.rows_per_dataset.items():
        print(f"  {name:<28} {rows:>10,} rows")
    print(f"  {report.total_rows:,} rows ({rate:,.0f} rows/s)")
    print(f"  {report.findings} data-quality findings")
    print("  (run `dms-dashboard check` to list them)")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from dashboard.db import get_database
    from dashboard.pipeline import ensure_database

    settings = get_settings()
    ensure_database(settings)
    findings = get_database(settings).query("data_quality_findings")
    if args.severity:
        findings = findings[findings["severity"].isin(args.severity)]
    for severity, group in findings.groupby("severity", sort=False):
        print(f"\n{severity.upper()} ({len(group)})")
        for _, row in group.iterrows():
            print(f"- [{row['check']}] {row['dataset']}: {row['key']}")
            print(f"    {row['message']}")
            print(f"    expected {row['expected']}, found {row['found']}  ({row['source']})")
    counts = findings["severity"].value_counts()
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("error", "warning", "info"))
    print(f"\n{len(findings)} findings: {summary}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from dashboard import opendata
    from dashboard.db import get_database
    from dashboard.pipeline import ensure_database

    settings = get_settings()
    ensure_database(settings)
    try:
        role = "viewer" if args.staff else "public"  # public: suppressed, no demonstration rows
        database = get_database(settings, public=role == "public")
        batches = opendata.dataset_batches(settings, database, args.name, role=role)
    except opendata.UnknownDataset:
        names = ", ".join(sorted(opendata.load_catalogue(settings.data_dir)))
        print(f"no dataset named {args.name!r}; known: {names}", file=sys.stderr)
        return 2
    rows = 0

    def counted() -> Iterator[Any]:
        nonlocal rows
        for frame in batches:
            rows += len(frame)
            yield frame

    chunks = opendata.encode_stream(counted(), args.format)
    if args.out:
        with open(args.out, "wb") as handle:
            handle.writelines(chunks)
        print(f"wrote {rows} rows to {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.writelines(chunks)
    if args.staff:
        from dashboard.auth.cli import record_cli_event

        record_cli_event("export.unsuppressed", args.name, {"rows": rows})
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from dashboard import demo

    frame = demo.generate_service_counts(args.scale, args.seed)
    summary = (
        f"{len(frame):,} rows of GENERATED DEMONSTRATION DATA (not real figures), "
        f"scale {args.scale}, seed {args.seed}, {frame['count'].sum():,} services"
    )
    if args.out:
        demo.write_service_counts(frame, Path(args.out))
        print(f"wrote {summary} to {args.out}", file=sys.stderr)
    else:
        frame.to_csv(sys.stdout, index=False)
        print(summary, file=sys.stderr)
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    return _run_bench(args.arguments)


def _run_bench(arguments: Sequence[str]) -> int:
    """Run tools/bench.py of the source checkout (the bench is not part of the package)."""
    import os
    import subprocess

    from dashboard.settings import PROJECT_ROOT

    script = PROJECT_ROOT / "tools" / "bench.py"
    if not script.is_file():
        print(
            f"the bench is a tool of the source checkout ({script} is missing); "
            "run it from a clone of the repository",
            file=sys.stderr,
        )
        return 2
    # Its own process: the bench points its settings at a private workspace.
    path = os.pathsep.join(p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH")) if p)
    environment = {**os.environ, "PYTHONPATH": path}
    return subprocess.call([sys.executable, str(script), *arguments], env=environment)


def _cmd_serve(args: argparse.Namespace) -> int:
    from dashboard.pipeline import ensure_database

    settings = get_settings()
    ensure_database(settings)
    from dashboard.app import app

    host = args.host or settings.host
    port = args.port or settings.port
    print(f"serving the dashboard at http://{host}:{port}/")
    app.run(host=host, port=port, debug=False)
    return 0


def _print_problems(error: Exception, lang: str | None = None) -> None:
    """The refusal; with a language, every problem in it (sq, en, sr)."""
    problems = getattr(error, "problems", None)
    if lang is None or not problems:
        print(str(error), file=sys.stderr)
        return
    summary = getattr(error, "summary", None)
    if summary:
        print(getattr(summary, "in_language", lambda _: summary)(lang), file=sys.stderr)
    for problem in problems:
        print(f"  {problem.text(lang)}", file=sys.stderr)
    omitted = getattr(error, "omitted", 0)
    if omitted:
        print(f"  ... +{omitted}", file=sys.stderr)


def _choices(texts: Sequence[str] | None) -> dict[str, str]:
    """``--map COLUMN=ROLE`` arguments as {column: role} (ValueError on a bad one)."""
    from dashboard.ingest.readings import parse_choice

    return dict(parse_choice(text) for text in texts or ())


def _print_readings(plan: Any, lang: str) -> None:
    if not plan.readings:
        return
    print("how each column was read:")
    for reading in plan.readings:
        mark = "" if reading.certain else "  [check: --map COLUMN=ROLE]"
        print(f"  {reading.explain(lang)}{mark}")


def _cmd_import(args: argparse.Namespace) -> int:
    from dashboard.ingest import importer

    settings = get_settings()
    try:
        choices = _choices(args.map)
    except ValueError as error:
        _print_problems(error, args.lang)
        return 2
    try:
        plan = importer.preview(Path(args.path), kind=args.kind, settings=settings, choices=choices)
        if not plan.ok:
            _print_readings(plan, args.lang or "en")
            _print_problems(plan.error(), args.lang)
            return 1
        if plan.duplicate_of is not None:
            entry = plan.duplicate_of
            print(
                f"{plan.display_name} was already imported as {entry.id} on "
                f"{entry.imported_at} by {entry.user}; nothing changed."
            )
            return 0
        print(f"{plan.display_name}: {plan.kind}, {plan.size:,} bytes, sha256 {plan.sha256}")
        for note in plan.notes:
            print(f"  note: {note}")
        _print_readings(plan, args.lang or "en")
        if args.dry_run:
            print("dry run: nothing was changed. The import would bring:")
            _print_changes(plan.changes)
            for name, frame in plan.first_rows(5).items():
                print(f"\nfirst rows of {name}:")
                print(frame.to_string(index=False, max_colwidth=40))
            return 0
        result = importer.apply(plan, args.user, on_wait=_say_waiting)
    except importer.ImportRefused as error:
        _print_problems(error, args.lang)
        return 1
    except Exception as error:  # never a traceback for the person importing
        print(
            f"import failed unexpectedly ({type(error).__name__}: {error}); nothing was changed",
            file=sys.stderr,
        )
        return 3
    if result.status == "duplicate":
        print(f"already imported as {result.entry.id}; nothing changed.")
        return 0
    print(f"imported as {result.entry.id} (user {result.entry.user}); database rebuilt:")
    _print_changes(result.changes)
    return 0


def _print_changes(changes) -> None:  # noqa: ANN001
    for name, change in changes.items():
        print(
            f"  {name:<28} {change.rows:>9,} rows: {change.added:,} added, "
            f"{change.replaced:,} replaced, {change.unchanged:,} unchanged"
        )


def _print_listing(lines: Iterable[str], none: str) -> int:
    """Print a list command's lines, or the sentence saying there is nothing to list."""
    printed = False
    for line in lines:
        print(line)
        printed = True
    if not printed:
        print(none)
    return 0


def _import_line(entry: Entry) -> str:
    """One import in `imports list`: id, time, user, kind, file, state, rows, how it was read."""
    rows = ", ".join(f"{name} {count:,}" for name, count in entry.rows.items())
    state = entry.status + (
        f" ({entry.undone_at} by {entry.undone_by})" if not entry.active else ""
    )
    read_with = " ".join(f"--map {c}={r}" for c, r in sorted((entry.choices or {}).items()))
    return (
        f"{entry.id}  {entry.imported_at}  {entry.user:<12} {entry.kind:<9} "
        f"{entry.original_name}  [{state}]  {rows}" + (f"  ({read_with})" if read_with else "")
    )


def _cmd_imports_list(args: argparse.Namespace) -> int:
    from dashboard.ingest import importer

    entries = importer.list_imports(get_settings())
    return _print_listing(map(_import_line, entries), "no imports yet")


def _cmd_imports_undo(args: argparse.Namespace) -> int:
    from dashboard.ingest import importer, journal

    try:
        result = importer.undo(args.id, args.user, settings=get_settings(), on_wait=_say_waiting)
    except journal.UnknownImport as error:
        print(str(error).strip("'\""), file=sys.stderr)
        return 2
    except importer.ImportRefused as error:
        _print_problems(error)
        return 1
    if result.status != "undone":
        print(f"{result.entry.id} was already undone on {result.entry.undone_at}; nothing changed.")
        return 0
    print(f"undid {result.entry.id} ({result.entry.original_name}); database rebuilt:")
    for name in sorted(set(result.rows_before) | set(result.rows_after)):
        before, after = result.rows_before.get(name, 0), result.rows_after.get(name, 0)
        if before != after:
            print(f"  {name:<28} {before:>9,} -> {after:,} rows")
    return 0


def _cmd_fetch_ask(args: argparse.Namespace) -> int:
    from dashboard.ingest import fetch, importer

    settings = get_settings()
    try:
        choices = _choices(args.map)
    except ValueError as error:
        print(f"--map {error}", file=sys.stderr)
        return 2
    try:
        query = fetch.read_query(Path(args.query)) if args.query else None
        fetched = fetch.fetch(
            args.table, settings, query=query, lang=args.lang, api=args.api, base_url=args.base_url
        )
    except fetch.FetchError as error:
        _print_problems(error)
        return 1
    print(f"fetched {fetched.url} ({fetched.title or 'untitled'})")
    try:
        plan = importer.preview(
            fetched.path, display_name=fetched.display_name, settings=settings, choices=choices
        )
        _print_readings(plan, args.lang)
        if not plan.ok:
            _print_problems(plan.error())
            return 1
        if plan.duplicate_of is not None:
            print(f"the answer was already imported as {plan.duplicate_of.id}; nothing changed.")
            return 0
        if args.dry_run:
            print("dry run: nothing was changed. The import would bring:")
            _print_changes(plan.changes)
            return 0
        result = importer.apply(plan, args.user)
    except importer.ImportRefused as error:
        _print_problems(error)
        return 1
    finally:
        fetched.path.unlink(missing_ok=True)
    print(f"imported as {result.entry.id} (user {result.entry.user}); database rebuilt:")
    _print_changes(result.changes)
    return 0


def _cmd_recipes_list(args: argparse.Namespace) -> int:
    from dashboard.ingest import recipes

    found = recipes.list_recipes(get_settings())
    none = "no recipes yet (they are saved when an import made with --map is applied)"
    return _print_listing(map(_recipe_line, found), none)


def _recipe_line(recipe: Recipe) -> str:
    """One recipe in `imports recipes`: key, time, user, title and the columns' roles."""
    choices = ", ".join(f"{column}={role}" for column, role in sorted(recipe.choices.items()))
    return f"{recipe.key}  {recipe.saved_at}  {recipe.user:<12} {recipe.title}  [{choices}]"


def _cmd_recipes_remove(args: argparse.Namespace) -> int:
    from dashboard.ingest import recipes

    if not recipes.remove(get_settings(), args.key):
        print(f"no recipe {args.key!r} (see: dms-dashboard imports recipes)", file=sys.stderr)
        return 2
    print(f"removed the recipe {args.key}")
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from dashboard.ingest import budget_execution, qps

    data_dir = get_settings().data_dir
    if args.which == "budget":
        body = budget_execution.write_template(args.format, data_dir)
        described = "budget-execution"
    else:
        body = qps.write_template(args.format, qps.load_codes(data_dir))
        described = "QPS"
    out = args.out or (None if args.format == "csv" else f"{args.which}-template.{args.format}")
    if out:
        Path(out).write_bytes(body)
        print(f"wrote the {described} import template to {out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    from dashboard.demo import DEFAULT_SEED

    parser = argparse.ArgumentParser(
        prog="dms-dashboard",
        description="Social-welfare dashboard of Mitrovica South: build, serve, export, check.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="build the database if missing, then serve the app")
    serve.add_argument("--host", help="address to listen on (default DMS_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default PORT, DMS_PORT or 8050)")
    serve.set_defaults(handler=_cmd_serve)

    build = commands.add_parser("build", help="rebuild the database from data/ and the journal")
    build.set_defaults(handler=_cmd_build)

    export = commands.add_parser("export", help="write one dataset as CSV, JSON or Parquet")
    export.add_argument("name", help="dataset name, as in /api/v1/datasets")
    export.add_argument("--format", choices=("csv", "json", "parquet"), default="csv")
    export.add_argument("--out", help="file to write (default: standard output)")
    export.add_argument(
        "--staff",
        action="store_true",
        help="every figure unsuppressed, as staff see them (internal use, never to publish)",
    )
    export.set_defaults(handler=_cmd_export)

    check = commands.add_parser("check", help="print the data-quality findings")
    check.add_argument(
        "--severity",
        action="append",
        choices=("error", "warning", "info"),
        help="only these severities (repeatable)",
    )
    check.set_defaults(handler=_cmd_check)

    demo = commands.add_parser(
        "demo", help="write the generated demonstration service counts to a file (not real data)"
    )
    demo.add_argument(
        "--scale",
        choices=("default", "national"),
        default="default",
        help="default: Mitrovica South, 4 years; national: 38 municipalities, ~10 million rows",
    )
    demo.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="random seed (same seed, same rows)"
    )
    demo.add_argument(
        "--out", help="file to write, .csv or .parquet (default: CSV on standard output)"
    )
    demo.set_defaults(handler=_cmd_demo)

    bench = commands.add_parser(
        "bench",
        help="measure build, import, callbacks, page load, load and memory (tools/bench.py; "
        "`dms-dashboard bench --help` for its options)",
        add_help=False,  # --help goes to the bench itself
    )
    bench.add_argument("arguments", nargs=argparse.REMAINDER)
    bench.set_defaults(handler=_cmd_bench)

    from dashboard.auth.cli import add_user_commands

    add_user_commands(commands)
    imports_one = commands.add_parser(
        "import",
        help="import an ASK export (PX, PxWeb CSV, JSON-stat), a QPS sheet or a budget-execution "
        "sheet",
    )
    imports_one.add_argument("path", help="the file to import")
    imports_one.add_argument(
        "--kind",
        choices=("px", "pxweb-csv", "pxweb-xlsx", "jsonstat", "qps", "budget"),
        help="default: detected",
    )
    imports_one.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=ROLE",
        help="read COLUMN as ROLE (municipality, settlement, year, month, sex, age, measure, "
        "category, ignore); kept as the table's recipe when the import is applied",
    )
    imports_one.add_argument(
        "--lang",
        choices=("sq", "en", "sr"),
        help="language of the explanations and problems (default: English)",
    )
    imports_one.add_argument(
        "--dry-run", action="store_true", help="check the file and show the changes only"
    )
    imports_one.add_argument("--user", help="who imports (default: $USER)")
    imports_one.set_defaults(handler=_cmd_import)

    fetch_ask = commands.add_parser(
        "fetch-ask", help="fetch a table from ASK's PxWeb API and import it like an upload"
    )
    fetch_ask.add_argument("table", help="v1: ASKdata/<folders>/<table>.px; v2: the table id")
    fetch_ask.add_argument("--query", help="a PxWeb query in JSON (default: every value)")
    fetch_ask.add_argument("--lang", choices=("sq", "en", "sr"), default="sq")
    fetch_ask.add_argument("--api", choices=("v1", "v2"), default="v1")
    fetch_ask.add_argument("--base-url", help="the API's address (default DMS_ASK_API_URL)")
    fetch_ask.add_argument("--map", action="append", metavar="COLUMN=ROLE", help="as for import")
    fetch_ask.add_argument("--dry-run", action="store_true", help="show the changes only")
    fetch_ask.add_argument("--user", help="who imports (default: $USER)")
    fetch_ask.set_defaults(handler=_cmd_fetch_ask)

    journal = commands.add_parser("imports", help="list or undo imports")
    journal_commands = journal.add_subparsers(dest="imports_command", required=True)
    journal_list = journal_commands.add_parser("list", help="every import, oldest first")
    journal_list.set_defaults(handler=_cmd_imports_list)
    journal_undo = journal_commands.add_parser("undo", help="undo an import and rebuild")
    journal_undo.add_argument("id", help="the import id (or its sequence number)")
    journal_undo.add_argument("--user", help="who undoes it (default: $USER)")
    journal_undo.set_defaults(handler=_cmd_imports_undo)
    journal_recipes = journal_commands.add_parser(
        "recipes", help="the column choices saved per table (from --map)"
    )
    journal_recipes.set_defaults(handler=_cmd_recipes_list)
    journal_forget = journal_commands.add_parser("forget", help="remove a saved recipe")
    journal_forget.add_argument("key", help="the recipe key, as `imports recipes` lists it")
    journal_forget.set_defaults(handler=_cmd_recipes_remove)

    template = commands.add_parser("template", help="write an import template")
    template.add_argument("which", choices=("qps", "budget"), help="which template")
    template.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    template.add_argument(
        "--out",
        help="file to write (default: CSV on standard output, <which>-template.xlsx)",
    )
    template.set_defaults(handler=_cmd_template)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `dms-dashboard`."""
    from dashboard import pipeline

    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["bench"]:  # every option is the bench's own (argparse would take some)
        return _run_bench(arguments[1:])

    pipeline.configure()  # the writers' rebuild, before any command writes
    args = build_parser().parse_args(arguments)
    handler: Command = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
