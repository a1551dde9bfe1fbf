"""The home page as a person sees it, under gunicorn in headless Chromium."""

from __future__ import annotations

import pytest

from tests.browser.conftest import console_errors, wait_for, wait_for_text

pytestmark = pytest.mark.browser


def test_home_shows_key_figures_with_sources(live_server, browser, artifacts_dir):
    browser.get(f"{live_server}/")
    wait_for_text(browser, "#kpi-population-value", "64")
    population = browser.find_element("css selector", "#kpi-population-value").text
    assert population.replace("\u00a0", " ") == "64 742"  # Albanian CLDR grouping
    card = browser.find_element("css selector", "#kpi-population").text
    assert "71 909" in card.replace("\u00a0", " ")
    assert "Burimi: ASK census2024_00.px" in card
    area = browser.find_element("css selector", "#kpi-area").text
    assert "331 km²" in area and "Tabela 1" in area
    settlements = browser.find_element("css selector", "#kpi-settlements").text
    assert "39" in settlements and "Tabela 5" in settlements
    for card_id in (
        "kpi-sns-families",
        "kpi-qps-budget",
        "kpi-dms-budget",
        "kpi-plan",
        "kpi-quality",
    ):
        text = browser.find_element("css selector", f"#{card_id}").text
        assert "Burimi:" in text, card_id
    wait_for(browser, "#footer-built")
    assert "Të dhënat u ndërtuan" in browser.find_element("css selector", "#footer-built").text
    browser.save_screenshot(str(artifacts_dir / "home-sq-desktop.png"))
    assert console_errors(browser) == []


def test_home_in_english_and_serbian(live_server, browser, artifacts_dir):
    browser.get(f"{live_server}/?lang=en")
    wait_for_text(browser, "h1", "Social welfare in figures")
    assert browser.find_element("css selector", "#kpi-population-value").text == "64,742"
    browser.save_screenshot(str(artifacts_dir / "home-en-desktop.png"))
    browser.get(f"{live_server}/?lang=sr")
    wait_for_text(browser, "h1", "Socijalna zaštita u brojkama")
    assert browser.find_element("css selector", "#kpi-population-value").text == "64.742"
    browser.set_window_size(375, 800)
    browser.save_screenshot(str(artifacts_dir / "home-sr-phone.png"))
    assert console_errors(browser) == []
