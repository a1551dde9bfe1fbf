"""Demonstration rows never leak into real totals; the build adds them only without real rows."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from dashboard import demo
from dashboard.build import build_sql_text
from dashboard.catalog import load_catalogue
from dashboard.db import Database
from dashboard.vocabulary import MUNICIPALITY

ALL = {
    "municipality": MUNICIPALITY,
    "categories": [],
    "audience": None,
    "service": None,
    "year": None,
    "month": None,
    "sex": None,
    "age_group": None,
}


def real_rows(counts: list[int], year: int = 2025) -> pd.DataFrame:
    """Rows as a QPS import would write them (demonstration = false)."""
    return pd.DataFrame(
        {
            "municipality": MUNICIPALITY,
            "year": year,
            "month": range(1, len(counts) + 1),
            "client_category_code": 14,
            "service_code": 5,
            "sex": "F",
            "age_group": "6-13",
            "count": counts,
            "status": None,
            "demonstration": False,
            "import_id": "journal-0001",
            "source": "qps_export_2025.xlsx, fleta 1",
        }
    )


@pytest.fixture()
def scratch(built_db, settings, tmp_path):
    """A writable copy of the built database and a Database over it once written."""
    path = tmp_path / "copy.duckdb"
    shutil.copy(built_db, path)
    con = duckdb.connect(str(path))
    yield con, settings.model_copy(update={"db_path": path})
    con.close()


def insert(con, frame: pd.DataFrame, settings) -> None:
    """Add rows, then redo the build's aggregates as a rebuild after an import does."""
    con.register("new_rows", frame)
    con.execute("INSERT INTO service_counts BY NAME SELECT * FROM new_rows")
    con.unregister("new_rows")
    con.execute(build_sql_text(settings))


def test_the_built_database_holds_only_labelled_demonstration_rows(database):
    overview = database.query("service_counts_overview", {"municipality": MUNICIPALITY}).iloc[0]
    assert overview["real_rows"] == 0
    assert overview["demonstration_rows"] > 0
    assert bool(overview["demonstration"])
    assert database.query("service_counts_real_totals").empty
    by_category = database.query("services_by_category", ALL)
    assert by_category["demonstration"].all()
    assert set(by_category["source"]) == {demo.DEMO_SOURCE}


def test_real_totals_leave_demonstration_rows_out(scratch):
    con, settings = scratch
    insert(con, real_rows([3, 4, 5]), settings)
    demo_total = con.execute(
        "SELECT sum(count) FROM service_counts WHERE demonstration"
    ).fetchone()[0]
    assert demo_total > 0  # the demonstration rows are still in the table
    con.close()
    database = Database(settings)
    totals = database.query("service_counts_real_totals")
    assert list(totals["services"]) == [12]
    assert not totals["demonstration"].any()
    assert set(totals["source"]) == {"qps_export_2025.xlsx, fleta 1"}
    # The page's charts show the real rows only, never the two mixed.
    by_category = database.query("services_by_category", ALL)
    assert by_category["services"].sum() == 12
    assert not by_category["demonstration"].any()
    by_month = database.query("services_by_month", ALL)
    assert list(by_month["services"]) == [3, 4, 5]
    overview = database.query("service_counts_overview", {"municipality": MUNICIPALITY}).iloc[0]
    assert (overview["real_rows"], overview["services"], bool(overview["demonstration"])) == (
        3,
        12,
        False,
    )


def test_contribute_adds_demonstration_rows_only_without_real_rows(scratch, settings):
    con, _ = scratch
    catalogue = load_catalogue(settings.data_dir)
    con.execute("DELETE FROM service_counts")
    insert(con, real_rows([7]), settings)
    demo.contribute(con, settings, catalogue)
    assert con.execute("SELECT count(*) FROM service_counts WHERE demonstration").fetchone()[0] == 0
    con.execute("DELETE FROM service_counts")
    demo.contribute(con, settings, catalogue)
    added = con.execute("SELECT count(*), bool_and(demonstration) FROM service_counts").fetchone()
    assert added[0] > 0 and added[1] is True
