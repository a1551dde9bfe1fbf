"""Exports as a person gets them: chart images that say what they show, pages that print.

Under gunicorn in headless Chromium: PNG/SVG downloads carry title, source, municipality
and date; the chart toolbar never covers a legend; /demografia prints on A4 landscape
without a chart cut across two sheets.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains

from dashboard.i18n import t
from tests.browser.conftest import console_errors, wait_for
from tests.browser.page_checks import wait_for_chart, wait_until
from tests.browser.pdf_tools import media_box, page_text, pages, squeeze

pytestmark = pytest.mark.browser
A4_LANDSCAPE = (842, 595)  # points


def download(browser, directory: Path, chart_id: str, fmt: str) -> Path:
    """Click a chart card's image button and wait for the file in the download directory."""
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(directory)}
    )
    button = browser.find_element("css selector", f'#card-{chart_id} button[id*=\'"fmt":"{fmt}"\']')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    browser.execute_script("arguments[0].click()", button)
    target = directory / f"{chart_id}.{fmt}"
    wait_until(browser, lambda d: target.exists() and target.stat().st_size > 0, timeout=20)
    time.sleep(0.3)  # the browser renames the partial file when it is complete
    return target


@pytest.mark.parametrize("lang", ["sq", "en", "sr"])
def test_an_svg_download_says_title_source_municipality_and_date(
    live_server, browser, tmp_path, artifacts_dir, lang
):
    browser.get(f"{live_server}/demografia?lang={lang}")
    wait_for_chart(browser, "demography-ethnicity")
    card = browser.find_element("css selector", "#card-demography-ethnicity")
    title = card.find_element("css selector", ".chart-title").text
    svg = download(browser, tmp_path, "demography-ethnicity", "svg").read_text(encoding="utf-8")
    (artifacts_dir / f"export-demography-ethnicity-{lang}.svg").write_text(svg, encoding="utf-8")
    assert svg.startswith("<svg")
    assert title in svg
    assert f"{t('source.prefix', lang)}: Plani i Veprimit 2024-2026 (002), Tabela 3" in svg
    assert t("app.municipality", lang) in svg
    assert card.find_element("css selector", ".chart-downloads").get_attribute("data-date") in svg
    assert console_errors(browser) == []


def test_a_png_download_is_a_large_image_of_the_chart(live_server, browser, tmp_path):
    browser.get(f"{live_server}/ndihma-sociale?lang=en")
    wait_for_chart(browser, "sns-trend")
    png = download(browser, tmp_path, "sns-trend", "png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) >= (2400, 1280)  # 1200 px at scale 2, title and caption added
    assert console_errors(browser) == []


RECT = "const b = arguments[0].getBoundingClientRect();return [b.left, b.top, b.right, b.bottom];"


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_chart_toolbar_shows_on_hover_above_the_plot_and_legend(live_server, browser):
    browser.set_window_size(1366, 900)
    browser.get(f"{live_server}/ndihma-sociale?lang=en")
    for chart_id in ("sns-trend", "sns-categories"):
        wait_for_chart(browser, chart_id)
        plot = browser.find_element("css selector", f"#chart-{chart_id} .js-plotly-plot")
        group = plot.find_element("css selector", ".modebar-group")
        # Both charts are in view at the top of the page: no scrolling, whose hover state
        # Chromium only updates on the next mouse event.
        ActionChains(browser).move_to_element(browser.find_element("tag name", "h1")).perform()
        # hover is updated on the next frame: wait rather than read at once
        wait_until(
            browser,
            lambda d, g=group: g.value_of_css_property("visibility") == "hidden",
            timeout=5,
            message=f"{chart_id}: toolbar hidden without hover",
        )
        ActionChains(browser).move_to_element(plot).perform()
        wait_until(browser, lambda d, g=group: g.value_of_css_property("visibility") == "visible")
        modebar = browser.execute_script(RECT, plot.find_element("css selector", ".modebar"))
        legend = browser.execute_script(RECT, plot.find_element("css selector", ".legend"))
        area = browser.execute_script(RECT, plot.find_element("css selector", ".nsewdrag"))
        assert modebar[3] > modebar[1] and legend[3] > legend[1]
        assert not overlap(modebar, legend), (chart_id, modebar, legend)
        assert not overlap(modebar, area), (chart_id, modebar, area)
    assert console_errors(browser) == []


def print_to_pdf(browser) -> bytes:
    """What printing on A4 landscape saves (the page's own print stylesheet and script)."""
    browser.execute_script("window.dispatchEvent(new Event('beforeprint'))")
    time.sleep(1.5)  # plotly redraws the fitted charts
    try:
        result = browser.execute_cdp_cmd(
            "Page.printToPDF",
            {
                "preferCSSPageSize": True,
                "printBackground": True,
                "paperWidth": 11.69,
                "paperHeight": 8.27,
            },
        )
    finally:
        browser.execute_script("window.dispatchEvent(new Event('afterprint'))")
    return base64.b64decode(result["data"])


def test_demographics_prints_without_a_chart_cut_across_two_sheets(
    live_server, browser, artifacts_dir
):
    browser.get(f"{live_server}/demografia?lang=en")
    wait_for_chart(browser, "demography-map")
    wait_for(browser, "#card-demography-settlements-table tbody tr")
    pdf = print_to_pdf(browser)
    # Printing draws the charts not yet scrolled to: every one is on paper.
    cards = browser.execute_script(
        "return Array.from(document.querySelectorAll('.chart-card')).filter("
        " c => c.querySelector('.js-plotly-plot')).map(c => [c.id,"
        " c.querySelector('.chart-title').innerText,"
        " c.querySelector('.chart-takeaway').innerText,"
        " c.querySelector('.source-line').innerText]);"
    )
    assert len(cards) >= 6
    (artifacts_dir / "demographics-en-print.pdf").write_bytes(pdf)
    printed = pages(pdf)
    assert 2 <= len(printed) <= 8, len(printed)  # was 9, with charts cut
    width, height = media_box(printed[0])
    assert (round(width), round(height)) == A4_LANDSCAPE
    texts = [squeeze(page_text(pdf, page)) for page in printed]
    assert squeeze(t("print.printed_on", "en", date="")) in texts[0]
    for card_id, title, takeaway, source in cards:
        on = [i for i, text in enumerate(texts) if squeeze(title) in text]
        assert on, card_id
        # the title, the chart under it, its takeaway and source all on the title's sheet
        assert squeeze(takeaway)[:60] in texts[on[0]], card_id
        assert squeeze(source)[:60] in texts[on[0]], card_id
    # The settlements table (39 rows) continues on the next sheets with its header repeated.
    header = squeeze(t("demography.col.density_computed", "en"))
    assert sum(header in text for text in texts) >= 2
    assert console_errors(browser) == []
