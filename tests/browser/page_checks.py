"""What the overview, demographics and social assistance browser tests look at."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import SCROLL_TO, wait_for

DESKTOP, PHONE = 1400, 375


def wait_until(driver, condition, timeout: float = 20, message: str = "") -> Any:
    """Wait until condition(driver) is truthy and return its value."""
    return WebDriverWait(driver, timeout).until(condition, message)


def wait_for_chart(driver, chart_id: str, timeout: float = 20) -> None:
    """Wait until the chart of a chart card has been drawn."""
    wait_for(driver, f"#chart-{chart_id} .js-plotly-plot .main-svg", timeout)


def chart_traces(driver, chart_id: str) -> list[dict[str, Any]]:
    """name, x and y of every trace of a drawn chart, as the browser holds them.

    The chart is looked at as a reader does: scrolled into view, where it is drawn.
    """
    driver.execute_script(SCROLL_TO, f"#chart-{chart_id}")
    return driver.execute_script(
        "const plot = document.querySelector(arguments[0]);"
        # plotly.js keeps typed arrays sent as base64 ({dtype, bdata}) with the decoded values
        # in _inputArray.
        "const list = v => (v === undefined || v === null ? null"
        " : Array.from(v._inputArray || v));"
        "return plot ? plot.data.map(t => ({name: t.name, x: list(t.x), y: list(t.y)})) : null;",
        f"#chart-{chart_id} .js-plotly-plot",
    )


def chart_labels(driver, chart_id: str) -> list[str]:
    """Every y value of a (horizontal bar) chart."""
    return [y for trace in chart_traces(driver, chart_id) or [] for y in (trace["y"] or [])]


def save_full_page(driver, path: Path, width: int) -> None:
    """A screenshot of the whole page at a window width (the height follows the page)."""
    driver.set_window_size(width, 900)
    time.sleep(0.6)  # plotly redraws responsive charts after a resize
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(int(height) + 40, 14000))
    time.sleep(0.6)
    driver.save_screenshot(str(path))
    driver.set_window_size(DESKTOP, 1000)


def horizontal_overflow(driver) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return int(
        driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def print_view(driver) -> dict[str, str]:
    """What the print stylesheet shows: display of the nav, the print header and sources."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        return driver.execute_script(
            "const shown = s => { const e = document.querySelector(s);"
            " return e ? getComputedStyle(e).display : 'absent'; };"
            "return {nav: shown('.site-nav'), header: shown('.print-header'),"
            " source: shown('.source-line'), downloads: shown('.chart-downloads'),"
            " filters: shown('.filter-bar'),"
            " title: (document.querySelector('.print-header') || {}).innerText || ''};"
        )
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def click_language(driver, name: str) -> None:
    """Follow the language switch's link (Shqip, English, Srpski)."""
    for link in driver.find_elements("css selector", ".lang-switch a"):
        if link.text.strip() == name:
            link.click()
            return
    raise AssertionError(f"no language link {name!r}")


def chart_widths(driver) -> dict[str, float]:
    """The drawn width of every drawn chart on the page, in CSS pixels, by its holder's id."""
    return driver.execute_script(
        "return Object.fromEntries(Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".map(p => [p.closest('[id]').id,"
        " p.querySelector('.main-svg').getBoundingClientRect().width]));"
    )


def fire(driver, event: str) -> None:
    """Dispatch a window event (beforeprint/afterprint) as the browser does around printing."""
    driver.execute_script("window.dispatchEvent(new Event(arguments[0]));", event)
