"""The social assistance page as a person sees it, under gunicorn in headless Chromium."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import console_errors, wait_for_text
from tests.browser.page_checks import (
    DESKTOP,
    PHONE,
    chart_traces,
    click_language,
    horizontal_overflow,
    print_view,
    save_full_page,
    wait_for_chart,
    wait_until,
)

pytestmark = pytest.mark.browser
TITLES = {
    "sq": "Ndihma sociale (SNS)",
    "en": "Social assistance (SNS)",
    "sr": "Socijalna pomoć (ŠSP)",
}


def drawn_values(driver, chart_id: str) -> set[float]:
    traces = chart_traces(driver, chart_id) or []
    return {
        value for trace in traces for value in (trace["y"] or []) if isinstance(value, int | float)
    }


def compared(driver) -> dict[str, float]:
    traces = chart_traces(driver, "sns-compare") or []
    return dict(zip(traces[0]["y"], traces[0]["x"], strict=True)) if traces else {}


def test_filters_change_the_address_and_the_charts(live_server, browser):
    browser.get(f"{live_server}/ndihma-sociale?lang=en")
    wait_for_chart(browser, "sns-trend")
    assert 1759 in drawn_values(browser, "sns-trend")
    wait_for_chart(browser, "sns-compare")
    assert compared(browser)["Mitrovica South"] == 1759
    Select(browser.find_element("id", "sns-measure")).select_by_value("members")
    wait_until(browser, lambda d: "measure=members" in d.current_url)
    wait_until(browser, lambda d: 9439 in drawn_values(d, "sns-trend"), message="members drawn")
    assert 1759 not in drawn_values(browser, "sns-trend")
    # January 2025 has no member figures: the comparison says so in words.
    wait_for_text(browser, "#card-sns-compare", "No figures of this kind")
    Select(browser.find_element("id", "sns-period")).select_by_value("2023-02")
    wait_until(browser, lambda d: "period=2023-02" in d.current_url)
    wait_until(browser, lambda d: compared(d).get("Mitrovica South") == 8672)
    Select(browser.find_element("id", "sns-unit")).select_by_value("per_1000")
    wait_until(browser, lambda d: "unit=per_1000" in d.current_url)
    wait_until(browser, lambda d: compared(d).get("Mitrovica South") == 133.9)
    assert "Press reports" in browser.find_element("id", "card-sns-compare").text
    browser.back()
    wait_until(
        browser, lambda d: "unit=" not in d.current_url and "period=2023-02" in d.current_url
    )
    wait_until(browser, lambda d: compared(d).get("Mitrovica South") == 8672)
    assert console_errors(browser) == []


def test_comparison_set_from_the_address(live_server, browser):
    browser.get(f"{live_server}/ndihma-sociale?compare=Vushtrri,Prizren&lang=en")
    wait_for_chart(browser, "sns-compare")
    assert set(compared(browser)) == {"Mitrovica South", "Vushtrri", "Prizren"}
    assert console_errors(browser) == []


def test_language_switch_changes_the_labels(live_server, browser):
    browser.get(f"{live_server}/ndihma-sociale?lang=en")
    wait_for_text(browser, "label[for='sns-measure']", "Count")
    click_language(browser, "Srpski")
    wait_for_text(browser, "h1", TITLES["sr"])
    wait_for_text(browser, "label[for='sns-measure']", "Broj")
    wait_for_chart(browser, "sns-compare")
    assert "Južna Mitrovica" in compared(browser)
    assert "januar 2025" in browser.find_element("id", "card-sns-compare").text
    assert console_errors(browser) == []


def test_invalid_address_values_show_a_notice(live_server, browser):
    browser.get(f"{live_server}/ndihma-sociale?period=1999-13&lang=en")
    wait_for_text(browser, "#filter-notice", "1999-13")
    wait_for_chart(browser, "sns-compare")
    assert console_errors(browser) == []


@pytest.mark.parametrize("lang", ["sq", "en", "sr"])
def test_screenshots_phone_layout_and_print(live_server, browser, artifacts_dir, lang):
    browser.get(f"{live_server}/ndihma-sociale?lang={lang}")
    wait_for_text(browser, "h1", TITLES[lang])
    wait_for_chart(browser, "sns-compare")
    save_full_page(browser, artifacts_dir / f"sns-{lang}-desktop.png", DESKTOP)
    browser.set_window_size(PHONE, 800)
    wait_until(browser, lambda d: horizontal_overflow(d) <= 1, message="sideways scrolling")
    save_full_page(browser, artifacts_dir / f"sns-{lang}-phone.png", PHONE)
    printed = print_view(browser)
    assert printed["nav"] == "none" and printed["downloads"] == "none"
    assert printed["header"] == "block" and TITLES[lang] in printed["title"]
    assert printed["source"] != "none"
    assert console_errors(browser) == []


def selected(driver, control_id: str) -> str:
    """The value a select control shows."""
    return Select(driver.find_element("id", control_id)).first_selected_option.get_attribute(
        "value"
    )


def test_one_address_through_the_language_switch_back_and_reload(live_server, browser, database):
    per_1000 = round(1000 * 1759 / 64742, 1)  # families in January 2025, census 2024
    february = database.query("sns_comparison", {"period": "2023-02", "measure": "families"})
    february_rate = float(february.set_index("municipality").loc["Mitrovicë", "per_1000"])
    browser.get(f"{live_server}/ndihma-sociale?lang=en")
    wait_for_chart(browser, "sns-compare")
    Select(browser.find_element("id", "sns-unit")).select_by_value("per_1000")
    wait_until(browser, lambda d: "unit=per_1000" in d.current_url, message="unit in the URL")
    wait_until(browser, lambda d: compared(d).get("Mitrovica South") == per_1000)
    # Another language: the same view, its filter in the address and in the control.
    browser.find_element("css selector", "a.lang-link[hreflang='sr']").click()
    wait_for_text(browser, "h1", TITLES["sr"])
    wait_until(browser, lambda d: "lang=sr" in d.current_url and "unit=per_1000" in d.current_url)
    wait_until(browser, lambda d: selected(d, "sns-unit") == "per_1000")
    wait_until(browser, lambda d: compared(d).get("Južna Mitrovica") == per_1000)
    # A second filter, then back: the address and the view follow, the unit stays.
    Select(browser.find_element("id", "sns-period")).select_by_value("2023-02")
    wait_until(browser, lambda d: "period=2023-02" in d.current_url)
    wait_until(browser, lambda d: compared(d).get("Južna Mitrovica") == february_rate)
    browser.back()
    wait_until(browser, lambda d: "period=" not in d.current_url and "lang=sr" in d.current_url)
    wait_until(browser, lambda d: selected(d, "sns-period") == "2025-01")
    wait_until(browser, lambda d: compared(d).get("Južna Mitrovica") == per_1000)
    assert selected(browser, "sns-unit") == "per_1000"
    # Reload: the address alone gives the same view.
    browser.refresh()
    wait_for_text(browser, "h1", TITLES["sr"])
    wait_for_chart(browser, "sns-compare")
    assert "unit=per_1000" in browser.current_url and "lang=sr" in browser.current_url
    assert selected(browser, "sns-unit") == "per_1000"
    assert selected(browser, "sns-period") == "2025-01"
    assert compared(browser).get("Južna Mitrovica") == per_1000
    assert console_errors(browser) == []
