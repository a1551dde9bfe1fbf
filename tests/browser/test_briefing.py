"""The briefing: its charts on a laptop and a phone, one A4 landscape page printed to PDF
by the browser, and the server's PDF under gunicorn."""

from __future__ import annotations

import base64
import urllib.request

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.i18n import format_number, t
from tests.browser.conftest import console_errors, wait_for, wait_for_text
from tests.browser.page_checks import horizontal_overflow
from tests.browser.page_steps import full_page_screenshot, text_of
from tests.browser.pdf_tools import media_box, page_text, pages, squeeze

pytestmark = pytest.mark.browser
A4_LANDSCAPE = (841.92, 594.96)  # points: 297 x 210 mm
CHARTS = ("population", "sns", "services", "indicators", "budget")


def wait_for_charts(driver) -> None:
    """Wait until every chart of the briefing has been drawn, scrolling to each in turn."""
    for chart in CHARTS:
        wait_for(driver, f"#brief-chart-{chart} .main-svg")


def print_to_pdf(driver) -> bytes:
    """What the browser's print dialog would save (the page's own @page size)."""
    result = driver.execute_cdp_cmd(
        "Page.printToPDF",
        {
            "preferCSSPageSize": True,
            "printBackground": True,
            "paperWidth": 8.27,
            "paperHeight": 11.69,
        },
    )
    return base64.b64decode(result["data"])


@pytest.mark.parametrize(
    ("lang", "title", "figures"),
    [
        ("sq", "Përmbledhje për takimin e kryetarit", ["6735", "1696", "1032000,00€", "64742"]),
        ("en", "Briefing for the mayor's meeting", ["6,735", "1,696", "€1,032,000.00", "64,742"]),
        ("sr", "Pregled za sastanak gradonačelnika", ["6.735", "1.696", "1.032.000,00€", "64.742"]),
    ],
)
def test_briefing_prints_on_one_a4_landscape_page(
    live_server, browser, artifacts_dir, lang, title, figures
):
    browser.get(f"{live_server}/permbledhja?lang={lang}")
    wait_for_text(browser, "h1", title)
    wait_for(browser, "#brief-quality")
    tiles = browser.find_elements("css selector", ".briefing-tile")
    assert len(tiles) == 7
    for tile in tiles:
        assert tile.text.count(":") >= 1 and tile.find_elements("css selector", ".source-line")
    # The button calls the browser's print dialog (replaced here by a counter).
    browser.execute_script(
        "window.__printed = 0; window.print = function () { window.__printed += 1; };"
    )
    browser.find_element("css selector", "#briefing-print").click()
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return window.__printed") == 1)

    wait_for_charts(browser)
    pdf = print_to_pdf(browser)
    (artifacts_dir / f"briefing-{lang}.pdf").write_bytes(pdf)
    printed = pages(pdf)
    assert len(printed) == 1
    width, height = media_box(printed[0])
    assert (round(width), round(height)) == (round(A4_LANDSCAPE[0]), round(A4_LANDSCAPE[1]))
    text = squeeze(page_text(pdf, printed[0]))
    assert squeeze(title) in text
    for figure in figures:
        assert squeeze(figure) in text, figure
    # The charts are printed with the headlines: text only they draw.
    target = f"{t('indicators.kind.target_short', lang)} {format_number(7150, lang)}"
    assert squeeze(target) in text
    assert squeeze(t("indicators.kind.baseline", lang)) in text
    assert squeeze(t("briefing.coat_of_arms", lang)) in text
    assert "Print" not in text and "Printo" not in text  # the buttons are not printed
    assert squeeze(t("briefing.pdf_help", lang)) not in text
    full_page_screenshot(browser, artifacts_dir / f"briefing-{lang}.png")
    assert console_errors(browser) == []


def test_the_printed_briefing_has_every_source(live_server, browser):
    browser.get(f"{live_server}/permbledhja?lang=en")
    wait_for(browser, "#brief-quality")
    pdf = print_to_pdf(browser)
    text = squeeze(page_text(pdf, pages(pdf)[0]))
    for source in (
        "ASKcensus2024_00.px",
        "Tabela6",
        "Planimatricor,PrioritetiII,Obj2.3",
        "004,skanimOCR",
        "analizaSWOT",
    ):
        assert source in text, source
    assert text_of(browser, "#briefing-date").startswith("Prepared on")


@pytest.mark.parametrize("width", [1366, 375])
def test_the_charts_show_at_a_laptop_and_a_phone_width_without_sideways_scrolling(
    live_server, browser, artifacts_dir, width
):
    browser.set_window_size(width, 900)
    browser.get(f"{live_server}/permbledhja?lang=en")
    wait_for_text(browser, "h1", "Briefing for the mayor's meeting")
    wait_for_charts(browser)
    for chart in CHARTS:
        box = browser.execute_script(
            "const graph = document.getElementById(arguments[0]);"
            "const tile = graph.closest('.briefing-tile');"
            "const svg = graph.querySelector('.main-svg').getBoundingClientRect();"
            "const room = tile.getBoundingClientRect();"
            "return {left: svg.left, right: svg.right, width: svg.width, height: svg.height,"
            " tileLeft: room.left, tileRight: room.right,"
            " texts: graph.querySelectorAll('text').length};",
            f"brief-chart-{chart}",
        )
        assert box["width"] > 150 and box["height"] > 80, (chart, box)
        # Inside its tile and inside the window: nothing cut off at the right edge.
        assert box["tileLeft"] <= box["left"] and box["right"] <= box["tileRight"] + 0.5, chart
        assert box["right"] <= width, (chart, box)
        assert box["texts"] > 0, chart  # labelled values, ticks or a legend were drawn
    assert horizontal_overflow(browser) == 0
    full_page_screenshot(browser, artifacts_dir / f"briefing-charts-{width}.png")
    assert console_errors(browser) == []


def test_the_pdf_button_downloads_the_servers_pdf(live_server, browser, artifacts_dir):
    browser.get(f"{live_server}/permbledhja?lang=sr")
    link = wait_for(browser, "#briefing-pdf")
    assert link.tag_name == "a" and link.text == t("briefing.pdf", "sr")
    href = link.get_attribute("href")
    assert href == f"{live_server}/permbledhja.pdf?lang=sr"
    with urllib.request.urlopen(href, timeout=60) as response:
        assert response.headers.get_content_type() == "application/pdf"
        pdf = response.read()
    (artifacts_dir / "briefing-server-sr-gunicorn.pdf").write_bytes(pdf)
    printed = pages(pdf)
    assert 1 <= len(printed) <= 2
    text = squeeze(" ".join(page_text(pdf, page) for page in printed))
    assert squeeze(t("briefing.title", "sr")) in text
    assert squeeze(t("app.municipality", "sr")) in text
    assert squeeze(t("briefing.chart.sns", "sr")) in text
