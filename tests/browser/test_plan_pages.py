"""The Indicators, SWOT and Budget pages in headless Chromium: filters, address, languages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import console_errors, wait_for, wait_for_text
from tests.browser.page_steps import choose, full_page_screenshot, settle, text_of, wait_for_url

pytestmark = pytest.mark.browser


def test_indicators_drill_down_by_priority_and_indicator(
    live_server, browser, database, artifacts_dir
):
    indicators = database.query("plan_indicator_list")
    total = len(indicators)
    in_priority_2 = int((indicators["priority"] == 2).sum())
    browser.get(f"{live_server}/treguesit?lang=en")
    wait_for_text(browser, "h1", "Indicators of the Action Plan 2024-2026")
    wait_for(browser, "#card-indicators-summary .js-plotly-plot")
    assert "How the status is set" in text_of(browser, "#indicators-rule")
    assert f"Indicators ({total} of {total})" == text_of(browser, "#indicators-count")
    choose(browser, "indicators-priority", "Priority II")
    wait_for_url(browser, "priority=2")
    wait_for_text(browser, "#indicators-count", f"Indicators ({in_priority_2} of {total})")
    settle(browser)
    # Open the indicator of the services delivered and show it in the detail chart.
    link = browser.find_element("css selector", "#indicator-row-2-3-a a")
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", link
    )
    wait_for_url(browser, "indicator=2.3.a")
    wait_for_text(browser, "#card-indicators-detail", "2.3.a Numri i i shërbimeve të ofruara")
    detail = text_of(browser, "#card-indicators-detail")
    assert "Planned, not observed" in detail and "Off track" in detail
    full_page_screenshot(browser, artifacts_dir / "indicators-en.png")
    assert console_errors(browser) == []
    browser.get(f"{live_server}/treguesit?priority=4&lang=sr")
    wait_for_text(browser, "h1", "Pokazatelji Akcionog plana 2024-2026")
    wait_for(browser, "#card-indicators-summary .js-plotly-plot")
    assert "Prioritet IV" in text_of(browser, "#indicators-drilldown")
    full_page_screenshot(browser, artifacts_dir / "indicators-sr.png")
    browser.get(f"{live_server}/treguesit?status=off_track")
    wait_for_text(browser, "h1", "Treguesit e Planit të Veprimit 2024-2026")
    wait_for(browser, "#indicator-row-2-3-a")
    assert "Jashtë rrugës" in text_of(browser, "#indicators-drilldown")
    full_page_screenshot(browser, artifacts_dir / "indicators-sq-off-track.png")
    assert console_errors(browser) == []


def test_swot_quadrant_filter_and_languages(live_server, browser, artifacts_dir):
    browser.get(f"{live_server}/swot")
    wait_for(browser, "#swot-grid")
    assert "Staf i kualifikuar dhe trajnuar" in text_of(browser, "#swot-S")
    choose(browser, "swot-quadrant", "Kërcënimet")
    wait_for_url(browser, "quadrant=T")
    wait_for(browser, "#swot-T")
    settle(browser)
    assert not browser.find_elements("css selector", "#swot-S")
    assert "Mungesa e qendrave strehuese" in text_of(browser, "#swot-T")
    full_page_screenshot(browser, artifacts_dir / "swot-sq-threats.png")
    for lang, heading in (
        ("en", "SWOT analysis of the Centre for Social Work"),
        ("sr", "SWOT analiza Centra za socijalni rad"),
    ):
        browser.get(f"{live_server}/swot?lang={lang}")
        wait_for_text(browser, "h1", heading)
        wait_for(browser, "#card-swot-counts .js-plotly-plot")
        assert "(S) Anët e forta" in text_of(browser, "#swot-S")
    full_page_screenshot(browser, artifacts_dir / "swot-sr.png")
    assert console_errors(browser) == []


def test_budget_reading_filter_and_languages(live_server, browser, artifacts_dir):
    browser.get(f"{live_server}/buxheti?lang=en")
    wait_for_text(browser, "h1", "DMS budget 2026")
    wait_for(browser, "#card-budget-lines .js-plotly-plot")
    assert "1,032,000.00" in text_of(browser, "#kpi-budget-total")
    assert "All lines (23)" == text_of(browser, "#budget-table-heading")
    choose(browser, "budget-reading", "Uncertain")
    wait_for_url(browser, "reading=uncertain")
    wait_for_text(browser, "#budget-table-heading", "All lines (9)")
    settle(browser)
    assert "no amount listed" in text_of(browser, "#budget-line-2")
    full_page_screenshot(browser, artifacts_dir / "budget-en-uncertain.png")
    browser.get(f"{live_server}/buxheti")
    wait_for_text(browser, "h1", "Buxheti i DMS-së 2026")
    wait_for(browser, "#budget-line-12")
    assert "e palexueshme" in text_of(browser, "#budget-line-12")
    full_page_screenshot(browser, artifacts_dir / "budget-sq.png")
    browser.get(f"{live_server}/buxheti?lang=sr")
    wait_for_text(browser, "h1", "Budžet DSZ 2026")
    wait_for(browser, "#card-budget-sectors .js-plotly-plot")
    assert console_errors(browser) == []
