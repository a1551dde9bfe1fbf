"""The briefing: one A4 landscape page, printed to PDF in headless Chromium."""

from __future__ import annotations

import base64

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import console_errors, wait_for, wait_for_text
from tests.browser.page_steps import full_page_screenshot, text_of
from tests.browser.pdf_tools import media_box, page_text, pages, squeeze

pytestmark = pytest.mark.browser
A4_LANDSCAPE = (841.92, 594.96)  # points: 297 x 210 mm


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
    assert "Print" not in text and "Printo" not in text  # the button is not printed
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
