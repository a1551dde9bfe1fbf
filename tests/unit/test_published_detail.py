"""Which views the published layer holds: linked tables, never their crossing."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.catalog import load_catalogue
from dashboard.publish import Policy

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def services() -> Policy:
    return Policy.of(load_catalogue(DATA)["service_counts"])


@pytest.mark.parametrize(
    ("columns", "published"),
    [
        ((), True),
        (("month",), True),
        (("client_category_code",), True),
        (("client_category_code", "service_code"), True),
        (("sex", "age_group"), True),
        # A category for women only crosses two linked tables: not published.
        (("client_category_code", "sex"), False),
        (("month", "service_code"), False),
        (("month", "age_group"), False),
        # Not a margin (every year is its own series): fixing it changes nothing.
        (("year", "client_category_code", "service_code"), True),
    ],
)
def test_a_view_is_published_only_inside_one_linked_table(services, columns, published):
    assert services.publishes(columns) is published


def test_open_and_as_printed_datasets_publish_every_view():
    catalogue = load_catalogue(DATA)
    assert Policy.of(catalogue["settlements"]).publishes(("settlement", "type"))
    assert Policy("as_printed").publishes(("anything", "at_all"))
