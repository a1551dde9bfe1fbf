"""The Services page in headless Chromium: public and staff views, filters in the address."""

from __future__ import annotations

import pytest

from tests.browser.conftest import console_errors, wait_for, wait_for_text
from tests.browser.page_checks import click_language
from tests.browser.page_steps import (
    choose,
    full_page_screenshot,
    settle,
    sign_in,
    sign_out,
    text_of,
    wait_for_url,
)

pytestmark = pytest.mark.browser


def wait_for_url_without(driver, fragment: str, timeout: float = 15) -> str:
    """Wait until the address no longer contains fragment; return the address."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda d: fragment not in d.current_url)
    return driver.current_url


def test_public_sees_the_real_count_and_no_generated_data(live_server, browser, artifacts_dir):
    browser.get(f"{live_server}/sherbimet")
    wait_for(browser, "#card-services-plan-total .js-plotly-plot")
    card = text_of(browser, "#card-services-plan-total")
    assert "6 735" in card.replace("\u202f", " ").replace("\u00a0", " ")
    assert "Burimi: Plani i Veprimit 2024-2026 (002)" in card
    assert "nuk janë publikuar ende" in text_of(browser, "#services-not-published")
    assert not browser.find_elements("css selector", ".demo-badge")
    # The table under the chart is not in the page until asked for, then holds the rows.
    assert not browser.find_elements("css selector", "#card-services-plan-total table")
    browser.find_element("css selector", "#card-services-plan-total summary").click()
    table = wait_for(browser, "#card-services-plan-total table")
    rows = table.find_elements("css selector", "tbody tr")
    assert len(rows) >= 4  # the baseline, the 2024 report and the planned years
    assert "6 735" in table.text.replace("\u202f", " ").replace("\u00a0", " ")
    full_page_screenshot(browser, artifacts_dir / "services-public-sq.png")
    assert console_errors(browser) == []


def test_staff_filter_by_year_and_category_in_three_languages(live_server, browser, artifacts_dir):
    sign_in(browser, live_server, "/sherbimet?lang=en")
    try:
        browser.get(f"{live_server}/sherbimet?lang=en")
        wait_for_text(browser, "h1", "Services of the Centre for Social Work")
        wait_for(browser, "#card-services-categories .js-plotly-plot")
        assert "Demonstration data" in text_of(browser, "#demo-notice")
        before = text_of(browser, "#services-selection-total")
        choose(browser, "services-year", "2024")
        url = wait_for_url(browser, "year=2024")
        assert "lang=en" in url
        wait_for_text(browser, "#card-services-trend", "2024")
        settle(browser)
        after_year = text_of(browser, "#services-selection-total")
        assert after_year != before
        choose(browser, "services-category", "14 · Fëmijët me aftësi të kufizuara të përhershme")
        wait_for_url(browser, "category=14")
        settle(browser)
        wait_for(browser, "#card-services-categories .js-plotly-plot")
        assert text_of(browser, "#services-selection-total") != after_year
        for card in (
            "services-categories",
            "services-trend",
            "services-heatmap",
            "services-sex-age",
            "services-by-service",
        ):
            assert "Demonstration data" in text_of(browser, f"#card-{card}"), card
        full_page_screenshot(browser, artifacts_dir / "services-staff-en.png")
        assert console_errors(browser) == []

        # One URL state: the language switch, back and reload keep the filters.
        click_language(browser, "Srpski")
        url = wait_for_url(browser, "lang=sr")
        assert "year=2024" in url and "category=14" in url, url
        wait_for_text(browser, "h1", "Usluge Centra za socijalni rad")
        assert "2024" in text_of(browser, "#services-year")
        assert "14 ·" in text_of(browser, "#services-category")
        choose(browser, "services-sex", "Žene i devojčice")
        wait_for_url(browser, "sex=F")
        settle(browser)
        browser.back()
        wait_for_url_without(browser, "sex=F")
        settle(browser)
        assert "Žene" not in text_of(browser, "#services-sex")
        assert "year=2024" in browser.current_url
        browser.refresh()
        wait_for_text(browser, "h1", "Usluge Centra za socijalni rad")
        assert "2024" in text_of(browser, "#services-year")
        assert "14 ·" in text_of(browser, "#services-category")
        assert len(browser.find_elements("css selector", "#filter-notice .alert")) == 0
        assert console_errors(browser) == []

        # The address alone restores the view, in Albanian and Serbian.
        browser.get(f"{live_server}/sherbimet?year=2024&category=14")
        wait_for_text(browser, "h1", "Shërbimet e Qendrës për Punë Sociale")
        wait_for(browser, "#card-services-categories .js-plotly-plot")
        assert "2024" in text_of(browser, "#services-year")
        assert "Të dhëna demonstruese" in text_of(browser, "#demo-notice")
        full_page_screenshot(browser, artifacts_dir / "services-staff-sq.png")
        browser.get(f"{live_server}/sherbimet?year=2024&lang=sr")
        wait_for_text(browser, "h1", "Usluge Centra za socijalni rad")
        wait_for(browser, "#card-services-trend .js-plotly-plot")
        browser.set_window_size(390, 900)
        full_page_screenshot(browser, artifacts_dir / "services-staff-sr-phone.png")
        assert console_errors(browser) == []
    finally:
        sign_out(browser)
