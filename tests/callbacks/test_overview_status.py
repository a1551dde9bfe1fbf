"""The Overview's plan card counts the indicators by the status rule of the Indicators page."""

from __future__ import annotations

import re

import pytest

from tests.callbacks.page_tools import find, visible_text


@pytest.mark.parametrize("lang", ["sq", "en", "sr"])
def test_the_status_mix_counts_every_indicator_once(app, database, lang):
    from dashboard.audience import current_database
    from dashboard.pages import home  # pages register once the app exists
    from dashboard.plan_indicators import indicators_with_status

    with app.server.test_request_context("/"):
        status = visible_text(find(home.layout(lang=lang), "kpi-plan-status"))
        expected = indicators_with_status(current_database())["status"].value_counts()
    counts = [int(n.replace(",", "").replace(".", "").replace("\u202f", "").replace("\xa0", ""))
              for n in re.findall(r"\d[\d,.\u202f\xa0]*(?= )", status)]  # fmt: skip
    assert sum(counts) == int(database.query("plan_summary")["indicators"].iloc[0])
    assert counts[1] == expected.get("on_track", 0)  # achieved, on track, at risk, ...
    assert "status rule" in status or "rregull" in status or "pravil" in status
