"""The `dms-dashboard` command line: serve, build, export, check (more with later features)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from dashboard.settings import get_settings

Command = Callable[[argparse.Namespace], int]


def _cmd_build(args: argparse.Namespace) -> int:
    from dashboard.build import BuildError, build_database

    settings = get_settings()
    try:
        report = build_database(settings)
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
    from dashboard.build import ensure_database
    from dashboard.db import get_database

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
    from dashboard.build import ensure_database
    from dashboard.db import get_database

    settings = get_settings()
    ensure_database(settings)
    try:
        frame = opendata.dataset_rows(settings, get_database(settings), args.name)
    except opendata.UnknownDataset:
        names = ", ".join(sorted(opendata.load_catalogue(settings.data_dir)))
        print(f"no dataset named {args.name!r}; known: {names}", file=sys.stderr)
        return 2
    body = opendata.encode(frame, args.format)
    if args.out:
        Path(args.out).write_bytes(body)
        print(f"wrote {len(frame)} rows to {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from dashboard.build import ensure_database

    settings = get_settings()
    ensure_database(settings)
    from dashboard.app import app

    host = args.host or settings.host
    port = args.port or settings.port
    print(f"serving the dashboard at http://{host}:{port}/")
    app.run(host=host, port=port, debug=False)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
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
    export.set_defaults(handler=_cmd_export)

    check = commands.add_parser("check", help="print the data-quality findings")
    check.add_argument(
        "--severity",
        action="append",
        choices=("error", "warning", "info"),
        help="only these severities (repeatable)",
    )
    check.set_defaults(handler=_cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `dms-dashboard`."""
    args = build_parser().parse_args(argv)
    handler: Command = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
