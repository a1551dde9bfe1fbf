"""The demographics page as a person sees it, under gunicorn in headless Chromium."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import console_errors, wait_for, wait_for_text
from tests.browser.page_checks import (
    DESKTOP,
    PHONE,
    chart_labels,
    chart_widths,
    click_language,
    fire,
    horizontal_overflow,
    print_view,
    save_full_page,
    wait_for_chart,
    wait_until,
)

pytestmark = pytest.mark.browser
PRINT_WIDTH = 1030  # CSS pixels of an A4 landscape page's content (assets/print-charts.js)
TITLES = {
    "sq": "Popullsia dhe vendbanimet",
    "en": "Population and settlements",
    "sr": "Stanovništvo i naselja",
}


def test_a_filter_changes_the_address_and_the_chart(live_server, browser):
    browser.get(f"{live_server}/demografia?lang=en")
    wait_for_chart(browser, "demography-settlements")
    assert len(chart_labels(browser, "demography-settlements")) == 39
    assert "Mitrovicë" in chart_labels(browser, "demography-settlements")
    Select(browser.find_element("id", "demography-type")).select_by_value("rural")
    wait_until(browser, lambda d: "type=rural" in d.current_url, message="type in the URL")
    wait_until(
        browser,
        lambda d: len(chart_labels(d, "demography-settlements")) == 38,
        message="38 rural settlements drawn",
    )
    assert "Mitrovicë" not in chart_labels(browser, "demography-settlements")
    # Keyboard users keep their place: the control that changed still has the focus.
    assert browser.switch_to.active_element.get_attribute("id") == "demography-type"
    Select(browser.find_element("id", "demography-sort")).select_by_value("name_asc")
    wait_until(browser, lambda d: "sort=name_asc" in d.current_url)
    wait_until(browser, lambda d: chart_labels(d, "demography-settlements")[:1] == ["Bajgorë"])
    # Back: the previous address, and the page drawn for it.
    browser.back()
    wait_until(browser, lambda d: "sort=" not in d.current_url and "type=rural" in d.current_url)
    wait_until(
        browser,
        lambda d: (
            Select(d.find_element("id", "demography-sort")).first_selected_option.get_attribute(
                "value"
            )
            == "population_desc"
        ),
    )
    wait_until(
        browser, lambda d: chart_labels(d, "demography-settlements")[:1] == ["Zhabar i ulët"]
    )
    assert console_errors(browser) == []


def test_the_sortable_table_sorts_through_the_address(live_server, browser):
    browser.get(f"{live_server}/demografia?lang=en&type=urban")
    wait_for(browser, "#card-demography-settlements-table .sort-link")
    header = browser.find_element(
        "css selector", "#card-demography-settlements-table th[aria-sort='descending']"
    )
    assert "Residents" in header.text
    links = browser.find_elements("css selector", "#card-demography-settlements-table .sort-link")
    area = next(link for link in links if "Area" in link.text)
    area.send_keys(Keys.ENTER)  # by keyboard, as the table is meant to be used
    wait_until(
        browser, lambda d: "sort=area_desc" in d.current_url and "type=urban" in d.current_url
    )
    wait_for(browser, "#card-demography-settlements-table th[aria-sort='descending'] a")
    assert console_errors(browser) == []


def test_ethnicity_source_and_language_switch(live_server, browser):
    browser.get(f"{live_server}/demografia?ethnicity=text&lang=en")
    wait_for_chart(browser, "demography-ethnicity")
    assert "69,497" in browser.find_element("id", "card-demography-ethnicity").text
    assert "Sources disagree" in browser.find_element("id", "card-demography-ethnicity").text
    click_language(browser, "Shqip")
    wait_for_text(browser, "h1", TITLES["sq"])
    wait_for_chart(browser, "demography-ethnicity")
    labels = browser.find_element("css selector", "label[for='demography-type']").text
    assert labels == "Lloji i vendbanimit"
    assert "Shqiptarë" in chart_labels(browser, "demography-ethnicity")
    click_language(browser, "Srpski")
    wait_for_text(browser, "h1", TITLES["sr"])
    wait_for_chart(browser, "demography-ethnicity")
    assert "Albanci" in chart_labels(browser, "demography-ethnicity")
    assert console_errors(browser) == []


def test_invalid_address_values_show_a_notice(live_server, browser):
    browser.get(f"{live_server}/demografia?type=suburban&lang=en")
    wait_for_text(browser, "#filter-notice", "suburban")
    wait_for_chart(browser, "demography-settlements")
    assert len(chart_labels(browser, "demography-settlements")) == 39
    assert console_errors(browser) == []


def test_the_map_and_the_empty_age_pyramid(live_server, browser):
    browser.get(f"{live_server}/demografia?lang=en")
    wait_for_chart(browser, "demography-map")
    card = browser.find_element("id", "card-demography-map").text
    assert "geoBoundaries" in card and "CC BY-SA 2.0" in card and "Source:" in card
    pyramid = browser.find_element("id", "card-demography-age-sex").text
    assert "has not been imported yet" in pyramid
    assert console_errors(browser) == []


@pytest.mark.parametrize("lang", ["sq", "en", "sr"])
def test_screenshots_phone_layout_and_print(live_server, browser, artifacts_dir, lang):
    browser.get(f"{live_server}/demografia?lang={lang}")
    wait_for_text(browser, "h1", TITLES[lang])
    wait_for_chart(browser, "demography-map")
    save_full_page(browser, artifacts_dir / f"demographics-{lang}-desktop.png", DESKTOP)
    browser.set_window_size(PHONE, 800)
    wait_for_chart(browser, "demography-settlements")
    # Nothing scrolls sideways at 375 px once the charts have followed the new width.
    wait_until(browser, lambda d: horizontal_overflow(d) <= 1, message="sideways scrolling")
    save_full_page(browser, artifacts_dir / f"demographics-{lang}-phone.png", PHONE)
    printed = print_view(browser)
    assert printed["nav"] == "none" and printed["downloads"] == "none"
    assert printed["header"] == "block" and TITLES[lang] in printed["title"]
    assert printed["source"] != "none"
    assert console_errors(browser) == []


def test_charts_are_fitted_to_the_printed_page_and_back(live_server, browser):
    browser.get(f"{live_server}/demografia?lang=en")
    wait_for_chart(browser, "demography-map")
    on_screen = chart_widths(browser)
    assert max(on_screen.values()) > PRINT_WIDTH / 2  # a wide screen: the widest needs fitting
    fire(browser, "beforeprint")
    # Printing draws the charts not yet scrolled to, then fits every one to the sheet.
    holders = browser.execute_script(
        "return document.querySelectorAll('.chart-card .dash-graph').length"
    )
    wait_until(
        browser,
        lambda d: (
            len(chart_widths(d)) == holders and max(chart_widths(d).values()) <= PRINT_WIDTH * 0.8
        ),
        message="fitted",
    )
    fitted = chart_widths(browser)
    assert all(fitted[chart] < width for chart, width in on_screen.items())
    fire(browser, "afterprint")
    wait_until(
        browser,
        lambda d: all(abs(chart_widths(d)[c] - w) <= 1 for c, w in on_screen.items()),
        message="screen size restored",
    )
    assert console_errors(browser) == []


def selected(driver, control_id: str) -> str:
    """The value a select control shows."""
    return Select(driver.find_element("id", control_id)).first_selected_option.get_attribute(
        "value"
    )


def test_one_address_through_the_language_switch_back_and_reload(live_server, browser):
    browser.get(f"{live_server}/demografia?lang=en")
    wait_for_chart(browser, "demography-settlements")
    Select(browser.find_element("id", "demography-type")).select_by_value("rural")
    wait_until(browser, lambda d: "type=rural" in d.current_url, message="type in the URL")
    wait_until(browser, lambda d: len(chart_labels(d, "demography-settlements")) == 38)
    # Another language: the same view, its filter in the address and in the control.
    browser.find_element("css selector", "a.lang-link[hreflang='sq']").click()
    wait_for_text(browser, "h1", TITLES["sq"])
    wait_until(browser, lambda d: "lang=" not in d.current_url and "type=rural" in d.current_url)
    wait_until(browser, lambda d: selected(d, "demography-type") == "rural")
    wait_until(browser, lambda d: len(chart_labels(d, "demography-settlements")) == 38)
    # A second filter, then back: the address and the view follow, the type stays.
    Select(browser.find_element("id", "demography-sort")).select_by_value("name_asc")
    wait_until(browser, lambda d: "sort=name_asc" in d.current_url)
    wait_until(browser, lambda d: chart_labels(d, "demography-settlements")[:1] == ["Bajgorë"])
    browser.back()
    wait_until(browser, lambda d: "sort=" not in d.current_url and "type=rural" in d.current_url)
    wait_until(browser, lambda d: selected(d, "demography-sort") == "population_desc")
    wait_until(
        browser, lambda d: chart_labels(d, "demography-settlements")[:1] == ["Zhabar i ulët"]
    )
    assert selected(browser, "demography-type") == "rural"
    # Reload: the address alone gives the same view.
    browser.refresh()
    wait_for_text(browser, "h1", TITLES["sq"])
    wait_for_chart(browser, "demography-settlements")
    assert "type=rural" in browser.current_url and "lang=" not in browser.current_url
    assert selected(browser, "demography-type") == "rural"
    assert selected(browser, "demography-sort") == "population_desc"
    assert len(chart_labels(browser, "demography-settlements")) == 38
    assert console_errors(browser) == []
