"""Downloads are streamed in batches, and the bytes equal those of the whole table at once."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from dashboard import opendata


def test_batches_of_a_table_add_up_to_the_whole_table(database):
    whole = database.select_dataset("service_counts", ["year"])
    batches = list(database.dataset_batches("service_counts", ["year"], batch_rows=2048))
    assert len(batches) > 1  # the default demonstration data is several batches long
    assert all(len(batch) <= 2048 for batch in batches)
    pd.testing.assert_frame_equal(pd.concat(batches, ignore_index=True), whole)


def test_no_rows_still_gives_one_empty_batch_with_the_columns(database):
    batches = list(database.dataset_batches("swot", ["quadrant"], {"quadrant": ["none"]}))
    assert len(batches) == 1 and batches[0].empty
    assert "quadrant" in batches[0].columns


def test_real_only_leaves_demonstration_rows_out_in_the_database(database):
    assert database.select_dataset("service_counts", [], real_only=True).empty


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_streamed_file_equals_the_file_written_at_once(database, fmt):
    whole = database.select_dataset("service_counts", ["year"])
    parts = [whole.iloc[i : i + 1000] for i in range(0, len(whole), 1000)]
    streamed = b"".join(opendata.encode_stream(iter(parts), fmt))
    assert streamed == opendata.encode(whole, fmt)
    if fmt == "json":
        assert len(json.loads(streamed)) == len(whole)


def test_a_streamed_parquet_file_holds_every_row(database):
    whole = database.select_dataset("service_counts", ["year"])
    parts = [whole.iloc[i : i + 1000] for i in range(0, len(whole), 1000)]
    streamed = b"".join(opendata.encode_stream(iter(parts), "parquet"))
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(streamed)), whole)


def test_an_empty_table_streams_a_header_and_an_empty_list(database):
    empty = database.select_dataset("swot", ["quadrant"], {"quadrant": ["none"]})
    csv = b"".join(opendata.encode_stream(iter([empty]), "csv")).decode("utf-8-sig")
    assert csv.splitlines() == [",".join(empty.columns)]
    assert b"".join(opendata.encode_stream(iter([empty]), "json")) == b"[]"


def test_the_api_streams_large_downloads_for_staff(staff_client, database):
    response = staff_client.get("/api/v1/datasets/service_counts.csv")
    assert response.status_code == 200
    assert response.is_streamed
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert len(lines) == len(database.select_dataset("service_counts", [])) + 1
