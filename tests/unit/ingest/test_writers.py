"""One writer at a time, nothing lost: builds, imports and entries across processes.

The concurrent cases run `dms-dashboard` in child processes that stop at a chosen point
(a hook patched in by the child) until the test lets them go on, or kills them there:
no sleeps, so the order of events is the one the test names.
"""

from __future__ import annotations

import logging
import os
import selectors
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from dashboard import entries
from dashboard.build import BuildError
from dashboard.catalog import load_catalogue
from dashboard.ingest import importer, journal
from dashboard.pipeline import ensure_database, rebuild
from tests.unit.ingest.cli_tools import run

ROOT = Path(__file__).resolve().parents[3]
QPS = ROOT / "tests" / "fixtures" / "qps" / "qps_template_filled_synthetic_2024.csv"
PX = ROOT / "tests" / "fixtures" / "import" / "census_mitrovice_age_sex_synthetic_2011_2024.px"
WAITING = "waiting for another import, undo, entry or build to finish"
SECONDS = 25  # the longest a child may take to reach its next step (a build with the
# published layer's audit, on a busy 2-core machine with the other test worker)

# The child: `python -c CHILD <stop> <dms-dashboard arguments>`. <stop> names where it
# prints a line to standard error and waits for a line on standard input.
CHILD = """
import sys
from dashboard import cli
from dashboard.ingest import importer, journal

stop, arguments = sys.argv[1], sys.argv[2:]

def pause(label):
    print(label, file=sys.stderr, flush=True)
    sys.stdin.readline()

def stop_before(module, name, label):
    original = getattr(module, name)
    def stopped(*args, **kwargs):
        pause(label)
        return original(*args, **kwargs)
    setattr(module, name, stopped)

if stop == "before-commit":  # raw file and rows written, new database built
    stop_before(journal, "commit", "stopped before the journal commit")
elif stop == "before-swap":  # journal committed, new database not yet in place
    stop_before(importer, "install", "stopped before the swap")
elif stop == "after-replay":  # a build that has read the journal and replayed it
    from dashboard import pipeline
    original = journal.contribute
    def contribute(*args, **kwargs):
        original(*args, **kwargs)
        pause("stopped after the replay")
    assert pipeline.CONTRIBUTORS[0] is journal.contribute
    pipeline.CONTRIBUTORS = (contribute, *pipeline.CONTRIBUTORS[1:])
sys.exit(cli.main(arguments))
"""


class Child:
    """A `dms-dashboard` command in its own process, on the test's journal and database."""

    def __init__(self, settings, stop: str, *arguments: str):
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DMS_DB_PATH": str(settings.db_path),
            "DMS_IMPORTS_DIR": str(settings.imports_dir),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD, stop, *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        self.stderr: list[str] = []

    def first_of(self, *texts: str) -> str:
        """Read standard error until a line holds one of the texts; that text."""
        assert self.process.stderr is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stderr, selectors.EVENT_READ)
            while selector.select(timeout=SECONDS):
                line = self.process.stderr.readline()
                if not line:
                    break
                self.stderr.append(line)
                for text in texts:
                    if text in line:
                        return text
        self.kill()
        raise AssertionError(f"the child never said any of {texts}: {''.join(self.stderr)}")

    def go_on(self) -> tuple[int, str]:
        """Let the child continue; its exit code and the rest of its standard error."""
        out, err = self.process.communicate("\n", timeout=4 * SECONDS)
        self.stderr.append(err)
        return self.process.returncode, "".join(self.stderr) + out

    def kill(self) -> None:
        """`kill -9`, and wait until it is gone."""
        self.process.kill()
        self.process.communicate(timeout=SECONDS)


def read_built(settings):
    """The built staff file, read through the data door (this process may hold it open)."""
    from dashboard.db import connect_in_memory

    con = connect_in_memory()
    con.execute(f"ATTACH '{settings.db_path}' AS built (READ_ONLY)")
    con.execute("USE built")
    return con


def only_entry(settings) -> journal.Entry:
    (entry,) = journal.read_entries(settings)
    assert entry.active
    return entry


def a_count_indicator(settings) -> str:
    con = read_built(settings)
    try:
        found = con.execute(
            "SELECT min(indicator_code) FROM plan_indicators WHERE unit = 'count'"
        ).fetchone()
    finally:
        con.close()
    assert found is not None and found[0]
    return str(found[0])


def rows_of(settings, dataset: str, import_id: str | None = None) -> int:
    con = read_built(settings)
    try:
        if import_id is None:
            found = con.execute(f"SELECT count(*) FROM {dataset}").fetchone()
        else:
            found = con.execute(
                f"SELECT count(*) FROM {dataset} WHERE import_id = ?", [import_id]
            ).fetchone()
    finally:
        con.close()
    assert found is not None
    return int(found[0])


def assert_present_once(settings, entry: journal.Entry, dataset: str) -> None:
    """The import's rows are in the database, each once, and the journal agrees."""
    assert rows_of(settings, dataset, entry.id) == entry.rows[dataset] > 0
    key = ", ".join(f'"{k}"' for k in load_catalogue(settings.data_dir)[dataset].key)
    con = read_built(settings)
    try:
        repeated = con.execute(
            f"SELECT count(*) FROM (SELECT {key} FROM {dataset} GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()
    finally:
        con.close()
    assert repeated == (0,)
    assert journal.disagreements(settings) == []


def leftovers(settings) -> list[str]:
    """Files and directories of the journal and database folder no index row explains."""
    entries_ = journal.read_entries(settings)
    expected = {settings.imports_dir / journal.INDEX_FILE}
    expected |= {journal.raw_path(settings, e.sha256) for e in entries_}
    expected |= {settings.imports_dir / journal.ROWS_DIR / e.id for e in entries_}
    found = [p for p in settings.imports_dir.glob("*/*") if p not in expected]
    found += [p for p in settings.db_path.parent.iterdir() if p.name.startswith(".")]
    return sorted(str(p) for p in found)


def test_a_build_started_during_an_import_waits_and_keeps_the_import(workspace):
    importing = Child(workspace, "before-commit", "import", str(QPS), "--user", "arta")
    importing.first_of("stopped before the journal commit")
    building = Child(workspace, "after-replay", "build")
    # Without the lock the build replays the journal as it is now (without the import)
    # and swaps its database in after the import's: the import would be lost.
    said = building.first_of(WAITING, "stopped after the replay")
    assert importing.go_on()[0] == 0
    code, output = building.go_on()
    assert code == 0, output
    assert_present_once(workspace, only_entry(workspace), "service_counts")
    assert said == WAITING  # and the build said so while it waited


def test_an_import_killed_before_its_commit_leaves_nothing_that_blocks_the_same_import(
    workspace, capsys
):
    importing = Child(workspace, "before-commit", "import", str(QPS))
    importing.first_of("stopped before the journal commit")
    importing.kill()
    assert journal.read_entries(workspace) == []
    assert leftovers(workspace)  # its raw file, rows and database being built
    code, out, err = run(capsys, "import", str(QPS))
    assert code == 0, err
    entry = only_entry(workspace)
    assert f"imported as {entry.id}" in out
    assert_present_once(workspace, entry, "service_counts")
    assert leftovers(workspace) == []


def test_an_import_killed_before_its_swap_is_reported_and_repaired_by_the_next_build(
    workspace, capsys, caplog
):
    importing = Child(workspace, "before-swap", "import", str(QPS))
    importing.first_of("stopped before the swap")
    importing.kill()
    entry = only_entry(workspace)  # committed, but the database in place lacks it
    assert rows_of(workspace, "service_counts", entry.id) == 0
    (disagreement,) = journal.disagreements(workspace)
    assert entry.id in str(disagreement)
    with caplog.at_level(logging.WARNING, logger="dashboard.ingest.journal"):
        code, out, err = run(capsys, "build")
    assert code == 0, err
    warned = [r.getMessage() for r in caplog.records]
    assert any(entry.id in message and "disagrees" in message for message in warned), warned
    assert_present_once(workspace, entry, "service_counts")
    assert leftovers(workspace) == []


def test_a_build_killed_mid_way_leaves_nothing_behind_after_the_next_build(workspace):
    database = workspace.db_path.read_bytes()
    building = Child(workspace, "after-replay", "build")
    building.first_of("stopped after the replay")
    building.kill()
    assert workspace.db_path.read_bytes() == database
    assert leftovers(workspace)  # the database it was building
    rebuild(workspace)
    assert leftovers(workspace) == []


def test_ensure_database_rebuilds_a_database_that_lacks_an_import(workspace):
    old = workspace.db_path.read_bytes()
    result = importer.apply(importer.preview(QPS, settings=workspace), "arta")
    workspace.db_path.write_bytes(old)  # as if the swap had never happened
    ensure_database(workspace)
    assert rows_of(workspace, "service_counts", result.entry.id) == 8


def test_two_imports_at_once_run_one_after_the_other_and_both_stay(workspace):
    first = Child(workspace, "before-commit", "import", str(QPS))
    first.first_of("stopped before the journal commit")
    second = Child(workspace, "none", "import", str(PX))
    assert second.first_of(WAITING) == WAITING
    assert first.go_on()[0] == 0
    code, output = second.go_on()
    assert code == 0, output
    qps, px = journal.read_entries(workspace)
    assert (qps.seq, qps.original_name, px.seq, px.original_name) == (1, QPS.name, 2, PX.name)
    assert_present_once(workspace, qps, "service_counts")
    assert_present_once(workspace, px, "population_by_age_sex")


@pytest.fixture()
def held_lock(workspace):
    """The writers' lock, held by another thread for the length of the test."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with journal.lock(workspace):
            taken.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(timeout=SECONDS)
    yield
    release.set()
    holder.join()


def test_a_writer_that_may_not_wait_is_refused_clearly_and_changes_nothing(workspace, held_lock):
    database = workspace.db_path.read_bytes()
    waited = []
    plan = importer.preview(QPS, settings=workspace)
    with pytest.raises(importer.ImportRefused) as refused:
        importer.apply(plan, "arta", on_wait=lambda: waited.append(True), timeout=0.2)
    assert "still running" in str(refused.value) and "nothing was changed" in str(refused.value)
    assert waited == [True]
    with pytest.raises(entries.EntryRefused) as busy:
        entries.record(
            workspace, a_count_indicator(workspace), 2024, "3", "akt", "", "arta", timeout=0.1
        )
    assert busy.value.key == "writers.busy"
    assert journal.read_entries(workspace) == [] and entries.read_entries(workspace) == []
    assert workspace.db_path.read_bytes() == database


def test_a_writer_that_waits_goes_on_once_the_lock_is_free(workspace):
    taken, waited = threading.Event(), threading.Event()

    def hold() -> None:
        with journal.lock(workspace):
            taken.set()
            waited.wait(timeout=30)  # let go only once the importer says it is waiting

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(timeout=SECONDS)
    plan = importer.preview(QPS, settings=workspace)
    result = importer.apply(plan, "arta", on_wait=waited.set)
    holder.join()
    assert waited.is_set() and result.status == "imported"
    assert rows_of(workspace, "service_counts", result.entry.id) == 8


def test_a_journal_row_count_the_replay_does_not_bring_refuses_the_build(workspace):
    entry = importer.apply(importer.preview(QPS, settings=workspace), "arta").entry
    database = workspace.db_path.read_bytes()
    connection = sqlite3.connect(journal.index_path(workspace))
    with connection:
        connection.execute(
            "UPDATE imports SET rows = ? WHERE id = ?", ('{"service_counts": 9}', entry.id)
        )
    connection.close()
    with pytest.raises(BuildError) as refused:
        rebuild(workspace)
    assert entry.id in str(refused.value) and "9 rows" in str(refused.value)
    assert workspace.db_path.read_bytes() == database
