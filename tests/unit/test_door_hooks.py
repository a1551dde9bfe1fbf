"""The data door's two hooks: the web's result cache and a measuring tool's observer.

db.py imports no Flask; the web hands it flask-caching's `cached` at start, and results
are then kept per database version inside the app exactly as before.
"""

from __future__ import annotations

import pandas as pd

from dashboard import db


def test_an_observer_sees_every_query_call_and_only_within_its_block(database):
    seen: list[db.QueryCall] = []
    with db.observing(seen.append):
        frame = database.query("dataset_row_counts")
        database.query("swot_items", {"quadrant": None})
    database.query("dataset_row_counts")
    assert [call.name for call in seen] == ["dataset_row_counts", "swot_items"]
    assert seen[0].rows == len(frame) > 0 and seen[0].seconds > 0
    assert seen[1].params == {"quadrant": None} and seen[1].public is False


def test_a_result_cache_is_asked_with_the_database_version_and_the_row_limit(database):
    asked: list[tuple[object, ...]] = []

    def keeping(parts, compute, *, keep):
        asked.append(parts)
        found = compute()
        assert keep(found) is (len(found) <= database.settings.cache_max_rows)
        return found

    previous = db._result_cache
    db.use_result_cache(keeping)
    try:
        database.query("swot_items", {"quadrant": None})
    finally:
        db.use_result_cache(previous)
    assert asked == [("query", database.path, database.version, "swot_items", [("quadrant", None)])]


def test_inside_the_app_results_are_kept_per_database_version(app, database, monkeypatch):
    from dashboard import cache

    assert db._result_cache is cache.cached  # handed in by cache.init_app
    ran: list[str] = []
    uncached = database.query_uncached

    def counting(name, params=None) -> pd.DataFrame:
        ran.append(name)
        return uncached(name, params)

    monkeypatch.setattr(database, "query_uncached", counting)
    with app.server.app_context():
        cache.clear()
        first = database.query("swot_items", {"quadrant": None})
        again = database.query("swot_items", {"quadrant": None})
    outside = database.query("swot_items", {"quadrant": None})  # no app: nothing kept
    assert ran == ["swot_items", "swot_items"]
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, outside)
