"""The overview and the 404 page as a person sees them, under gunicorn in headless Chromium."""

from __future__ import annotations

import pytest

from dashboard.i18n import t
from tests.browser.conftest import console_errors, wait_for, wait_for_text
from tests.browser.page_checks import (
    DESKTOP,
    PHONE,
    click_language,
    horizontal_overflow,
    print_view,
    save_full_page,
    wait_until,
)

pytestmark = pytest.mark.browser
TITLES = {
    "sq": "Mirëqenia sociale në shifra",
    "en": "Social welfare in figures",
    "sr": "Socijalna zaštita u brojkama",
}
HEADLINE = (
    "kpi-population",
    "kpi-sns-families",
    "kpi-sns-members",
    "kpi-services",
    "kpi-plan",
    "kpi-dms-budget",
)


def test_headline_figures_have_change_source_and_page(live_server, browser):
    browser.get(f"{live_server}/?lang=en")
    wait_for_text(browser, "#kpi-population-value", "64,742")
    for card_id in HEADLINE:
        card = browser.find_element("id", card_id)
        assert "Source:" in card.text, card_id
        assert card.find_elements("css selector", "a.kpi-link"), card_id
    population = browser.find_element("id", "kpi-population").text
    assert "−10.0% since 2011 (71,909)" in population
    members = browser.find_element("id", "kpi-sns-members").text
    assert "not the same statistic" in members and "2022 (9,439)" in members
    families = browser.find_element("id", "kpi-sns-families").text
    assert "January 2025" in families and "December 2023 (1,967)" in families
    assert browser.find_element("id", "kpi-services-value").text == "6,735"
    status = browser.find_element("id", "kpi-plan-status").text
    assert "status rule" in status and "on track" in status and "no data" in status
    link = browser.find_element("css selector", "#kpi-sns-families a.kpi-link")
    assert link.get_attribute("href").endswith("/ndihma-sociale?lang=en")
    link.click()
    wait_for_text(browser, "h1", "Social assistance (SNS)")
    assert console_errors(browser) == []


def test_language_switch_on_the_overview(live_server, browser):
    browser.get(f"{live_server}/?lang=en")
    wait_for_text(browser, "h1", TITLES["en"])
    click_language(browser, "Shqip")
    wait_for_text(browser, "h1", TITLES["sq"])
    wait_for_text(browser, "#kpi-services", "Shërbime të ofruara nga QPS")
    assert console_errors(browser) == []


@pytest.mark.parametrize("lang", ["sq", "en", "sr"])
def test_overview_screenshots_phone_layout_and_print(live_server, browser, artifacts_dir, lang):
    browser.get(f"{live_server}/?lang={lang}")
    wait_for_text(browser, "h1", TITLES[lang])
    wait_for(browser, "#kpi-dms-budget")
    save_full_page(browser, artifacts_dir / f"overview-{lang}-desktop.png", DESKTOP)
    browser.set_window_size(PHONE, 800)
    wait_until(browser, lambda d: horizontal_overflow(d) <= 1, message="sideways scrolling")
    save_full_page(browser, artifacts_dir / f"overview-{lang}-phone.png", PHONE)
    printed = print_view(browser)
    assert printed["nav"] == "none"
    assert printed["header"] == "block" and TITLES[lang] in printed["title"]
    assert printed["source"] != "none"
    assert console_errors(browser) == []


@pytest.mark.parametrize(
    ("lang", "title"),
    [("sq", "Faqja nuk u gjet"), ("en", "Page not found"), ("sr", "Stranica nije pronađena")],
)
def test_unknown_address_shows_the_404_page(live_server, browser, artifacts_dir, lang, title):
    browser.get(f"{live_server}/no-such-page?lang={lang}")
    wait_for_text(browser, "#notfound-title", title)
    assert t("notfound.lead", lang) in browser.find_element("css selector", ".page-not-found").text
    home = browser.find_element("id", "notfound-home")
    assert home.text == t("notfound.back", lang)
    assert len(browser.find_elements("css selector", ".notfound-pages a")) >= 9
    save_full_page(browser, artifacts_dir / f"not-found-{lang}-desktop.png", DESKTOP)
    browser.set_window_size(PHONE, 800)
    save_full_page(browser, artifacts_dir / f"not-found-{lang}-phone.png", PHONE)
    home = browser.find_element("id", "notfound-home")
    home.click()
    wait_for(browser, "#kpi-population-value")
    assert console_errors(browser) == []
