"""The Indicators, SWOT and Budget pages in headless Chromium: filters, address, languages."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import console_errors, wait_for, wait_for_text
from tests.browser.page_checks import wait_until
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


def test_a_closed_objective_opens_with_its_table(live_server, browser):
    # All 4 priorities: the objectives are drawn closed, their tables filled in when opened.
    browser.get(f"{live_server}/treguesit?lang=en")
    wait_for(browser, "#card-indicators-summary .js-plotly-plot")
    assert not browser.find_elements("css selector", "#indicator-row-2-3-a")
    summary = browser.find_element(
        "css selector", "summary[id*='indicators-objective-summary'][id*='2.3']"
    )
    click = "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();"
    browser.execute_script(click, summary)
    wait_for_text(browser, "#indicator-row-2-3-a", "2.3.a")
    assert "Off track" in text_of(browser, "#indicator-row-2-3-a")
    browser.execute_script(click, summary)  # closed and opened again: the table is kept
    browser.execute_script(click, summary)
    settle(browser)
    assert len(browser.find_elements("css selector", "#indicator-row-2-3-a")) == 1
    browser.execute_script(click, browser.find_element("css selector", "#indicator-row-2-3-a a"))
    wait_for_url(browser, "indicator=2.3.a")
    wait_for_text(browser, "#card-indicators-detail", "2.3.a")
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


def switch_language(driver, lang: str) -> None:
    """Click the language switch's link (a.lang-link), as a person does."""
    driver.execute_script("window.scrollTo(0, 0)")  # the switch is in the top bar
    time.sleep(0.3)
    driver.find_element("css selector", f"a.lang-link[hreflang={lang}]").click()


def query_of_url(driver) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlparse

    return dict(parse_qsl(urlparse(driver.current_url).query))


def test_indicators_filters_survive_language_back_and_reload(live_server, browser, database):
    from dashboard.i18n import t

    indicators = database.query("plan_indicator_list")
    total, in_2 = len(indicators), int((indicators["priority"] == 2).sum())

    def count(lang: str, shown: int) -> str:
        return t("indicators.drilldown_heading", lang, shown=shown, total=total)

    browser.get(f"{live_server}/treguesit?lang=en")
    wait_for(browser, "#card-indicators-summary .js-plotly-plot")
    choose(browser, "indicators-priority", "Priority II")
    wait_for_url(browser, "priority=2")
    wait_for_text(browser, "#indicators-count", count("en", in_2))
    settle(browser)
    choose(browser, "indicators-status", "Off track")
    wait_for_url(browser, "status=off_track")
    settle(browser)
    browser.back()  # within the page: the status goes, the priority stays
    wait_until(browser, lambda d: "status=" not in d.current_url, message="status left")
    wait_for_text(browser, "#indicators-count", count("en", in_2))
    assert "Off track" not in text_of(browser, "#indicators-status")
    assert "Priority II" in text_of(browser, "#indicators-priority")
    switch_language(browser, "sr")
    wait_for_text(browser, "h1", "Pokazatelji Akcionog plana 2024-2026")
    assert query_of_url(browser) == {"priority": "2", "lang": "sr"}
    assert "Prioritet II" in text_of(browser, "#indicators-priority")
    wait_for_text(browser, "#indicators-count", count("sr", in_2))
    browser.back()  # to the English view of priority II
    wait_for_text(browser, "h1", "Indicators of the Action Plan 2024-2026")
    assert query_of_url(browser) == {"priority": "2", "lang": "en"}
    wait_for_text(browser, "#indicators-priority", "Priority II")
    wait_for_text(browser, "#indicators-count", count("en", in_2))
    browser.refresh()
    wait_for_text(browser, "#indicators-count", count("en", in_2))
    assert query_of_url(browser) == {"priority": "2", "lang": "en"}
    assert "Priority II" in text_of(browser, "#indicators-priority")
    assert len(browser.find_elements("css selector", "#filter-notice .alert")) == 0
    assert console_errors(browser) == []


def test_swot_quadrant_survives_language_back_and_reload(live_server, browser):
    browser.get(f"{live_server}/swot")
    wait_for(browser, "#swot-grid")
    choose(browser, "swot-quadrant", "Kërcënimet")
    wait_for_url(browser, "quadrant=T")
    wait_for(browser, "#swot-T")
    settle(browser)
    choose(browser, "swot-quadrant", "Mundësitë")
    wait_for_url(browser, "quadrant=O")
    wait_for(browser, "#swot-O")
    settle(browser)
    browser.back()  # within the page: back to the threats
    wait_for_url(browser, "quadrant=T")
    wait_for(browser, "#swot-T")
    wait_for_text(browser, "#swot-quadrant", "Kërcënimet")
    assert not browser.find_elements("css selector", "#swot-O")
    switch_language(browser, "en")
    wait_for_text(browser, "h1", "SWOT analysis of the Centre for Social Work")
    assert query_of_url(browser) == {"quadrant": "T", "lang": "en"}
    wait_for_text(browser, "#swot-quadrant", "Threats")
    assert not browser.find_elements("css selector", "#swot-S")
    browser.back()
    wait_for_text(browser, "h1", "Analiza SWOT e QPS-së")
    assert query_of_url(browser) == {"quadrant": "T"}
    wait_for_text(browser, "#swot-quadrant", "Kërcënimet")
    browser.refresh()
    wait_for(browser, "#swot-T")
    wait_for_text(browser, "#swot-quadrant", "Kërcënimet")
    assert query_of_url(browser) == {"quadrant": "T"}
    assert not browser.find_elements("css selector", "#swot-W")
    assert console_errors(browser) == []


def test_budget_reading_survives_language_back_and_reload(live_server, browser, database):
    from dashboard.i18n import t

    def lines(reading: str) -> int:
        return len(database.query("budget_lines", {"sector": None, "reading": reading}))

    browser.get(f"{live_server}/buxheti?lang=en")
    wait_for(browser, "#card-budget-lines .js-plotly-plot")
    choose(browser, "budget-reading", "Uncertain")
    wait_for_url(browser, "reading=uncertain")
    wait_for_text(browser, "#budget-table-heading", f"All lines ({lines('uncertain')})")
    settle(browser)
    choose(browser, "budget-reading", "Certain")
    wait_for_url(browser, "reading=certain")
    wait_for_text(browser, "#budget-table-heading", f"All lines ({lines('certain')})")
    settle(browser)
    browser.back()
    wait_for_url(browser, "reading=uncertain")
    wait_for_text(browser, "#budget-table-heading", f"All lines ({lines('uncertain')})")
    wait_for_text(browser, "#budget-reading", "Uncertain")
    switch_language(browser, "sq")
    wait_for_text(browser, "h1", "Buxheti i DMS-së 2026")
    assert query_of_url(browser) == {"reading": "uncertain"}
    wait_for_text(browser, "#budget-reading", t("budget.reading.uncertain", "sq"))
    heading = t("budget.table_heading", "sq", lines=lines("uncertain"))
    wait_for_text(browser, "#budget-table-heading", heading)
    browser.back()
    wait_for_text(browser, "h1", "DMS budget 2026")
    assert query_of_url(browser) == {"reading": "uncertain", "lang": "en"}
    wait_for_text(browser, "#budget-reading", "Uncertain")
    browser.refresh()
    wait_for_text(browser, "#budget-table-heading", f"All lines ({lines('uncertain')})")
    assert query_of_url(browser) == {"reading": "uncertain", "lang": "en"}
    assert "Uncertain" in text_of(browser, "#budget-reading")
    assert console_errors(browser) == []
