"""A page's first load in headless Chromium: no callback round trip, one small plotly.js."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import console_errors, wait_for

pytestmark = pytest.mark.browser

# What the browser asked for during the load, after the charts are drawn.
_REQUESTS = """
  return performance.getEntriesByType('resource').map((entry) => entry.name);
"""


def drawn(driver, path: str, chart: str = ".js-plotly-plot .main-svg") -> list[str]:
    driver.get(path)
    wait_for(driver, chart)
    driver.execute_async_script(
        "const done = arguments[0]; setTimeout(done, 800);"
    )  # the callbacks a load would fire have had time to leave
    return driver.execute_script(_REQUESTS)


@pytest.mark.parametrize(
    ("path", "chart"),
    [
        ("/", ".js-plotly-plot .main-svg"),
        ("/demografia?type=rural&lang=sr", ".js-plotly-plot .main-svg"),
        ("/sherbimet?lang=en", ".js-plotly-plot .main-svg"),
        ("/treguesit", ".js-plotly-plot .main-svg"),
        ("/swot", "#card-swot-counts .main-svg"),  # below the fold: drawn when scrolled to
    ],
)
def test_a_page_load_draws_from_the_layout_without_a_callback(live_server, browser, path, chart):
    requests = drawn(browser, f"{live_server}{path}", chart)
    assert any(url.endswith("/_dash-layout") for url in requests)
    # The page and its frame came with the layout: no router, frame or page callback.
    assert not [url for url in requests if "_dash-update-component" in url]
    assert browser.find_element("css selector", "#frame-nav nav")
    assert not console_errors(browser)


def test_the_charts_are_drawn_by_the_dashboards_partial_plotly_bundle(live_server, browser):
    requests = drawn(browser, f"{live_server}/demografia")
    # Only the bundle of tools/plotly_bundle, never dcc.Graph's whole plotly.js (4.8 MB).
    assert [url for url in requests if "/vendor/plotly-" in url]
    assert not [url for url in requests if "package_data/plotly" in url]
    traces = browser.execute_script("return Object.keys(Plotly.PlotSchema.get().traces)")
    assert sorted(traces) == ["bar", "heatmap", "scatter", "treemap"]
    assert browser.execute_script("return document.querySelectorAll('script[src*=plotly-]').length")


def test_moving_to_another_page_still_draws_it_through_the_router(live_server, browser):
    from dashboard.i18n import t

    def menu_name(path: str) -> str:
        link = browser.find_element("css selector", f"a.nav-link[href='{path}?lang=en']")
        return link.get_attribute("textContent").strip()

    browser.get(f"{live_server}/swot?lang=en")
    wait_for(browser, "#card-swot-counts .main-svg")
    # The tab is named on load without Dash pages' title callback (kept from running then).
    app_title = t("app.title", "en")
    assert browser.title == f"{menu_name('/swot')} – {app_title}"
    budget_title = f"{menu_name('/buxheti')} – {app_title}"
    browser.execute_script("window.scrollTo(0, 0)")  # back to the menu
    # A menu link is a client-side move: the router callback draws the next page.
    browser.find_element("css selector", "a.nav-link[href='/buxheti?lang=en']").click()
    wait_for(browser, ".page-budget .js-plotly-plot .main-svg")
    requests = browser.execute_script(_REQUESTS)
    assert [url for url in requests if "_dash-update-component" in url]
    WebDriverWait(browser, 10).until(lambda d: d.title == budget_title)
    assert not console_errors(browser)


# Every drawn chart's box against its drawing: [id, box height, drawn height].
_BOXES = """
  return Array.from(document.querySelectorAll('.chart-card .chart-graph'))
    .filter((g) => g.querySelector('.main-svg'))
    .map((g) => [g.id, g.clientHeight,
                 Math.round(g.querySelector('.main-svg').getBoundingClientRect().height)]);
"""


def test_a_chart_has_its_height_before_it_is_drawn_and_the_page_does_not_move(live_server, browser):
    browser.get(f"{live_server}/ndihma-sociale?lang=en")
    wait_for(browser, ".js-plotly-plot .main-svg")
    height = browser.execute_script("return document.documentElement.scrollHeight")
    waiting = browser.execute_script(
        "return document.querySelectorAll('.chart-graph:not(:has(.main-svg))').length"
    )
    assert waiting, "every chart was drawn on load: nothing below the fold to check"
    browser.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
    WebDriverWait(browser, 10).until(
        lambda d: (
            not d.execute_script(
                "return document.querySelectorAll('.chart-graph:not(:has(.main-svg))').length"
            )
        )
    )
    # Drawing the charts below the fold changed nothing of the page's length ...
    assert browser.execute_script("return document.documentElement.scrollHeight") == height
    # ... since each box was the height its chart is drawn at, its toolbar strip above it.
    boxes = browser.execute_script(_BOXES)
    assert boxes and all(box == drawn + 28 for _, box, drawn in boxes), boxes
