"""The Content-Security-Policy and CSRF under gunicorn in headless Chromium: Dash still works.

Chromium reports every CSP violation on the console ("Refused to ..."); the pages must
render, run their callbacks (each one carries the CSRF header) and log nothing.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for, wait_for_text

pytestmark = pytest.mark.browser


def console(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")]


def csp_problems(messages: list[str]) -> list[str]:
    words = ("Content Security Policy", "Content-Security-Policy", "Refused to", "CSRF")
    return [m for m in messages if any(word in m for word in words)]


@pytest.mark.parametrize(
    ("path", "css", "text"),
    [
        ("/", "h1", "Mirëqenia sociale në shifra"),
        ("/cilesia", "h1", "Cilësia e të dhënave"),
        ("/cilesia?lang=en", "#quality-counts", "errors"),
        ("/demografia", ".js-plotly-plot .main-svg", None),  # plotly.js under the CSP
        ("/sherbimet?lang=en", ".js-plotly-plot .main-svg", None),
    ],
)
def test_pages_render_under_the_csp_without_a_violation(live_server, browser, path, css, text):
    browser.get(f"{live_server}{path}")
    if text is None:
        wait_for(browser, css)
    else:
        wait_for_text(browser, css, text)
    wait_for(browser, "#footer-built")  # the frame callback ran (a POST with the token)
    messages = console(browser)
    assert csp_problems(messages) == []
    assert [m for m in messages if "SEVERE" in m or "Failed to load" in m] == []


def test_the_login_page_and_a_staff_session_work_in_the_browser(
    live_server, browser, staff_users, artifacts_dir
):
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(f"{live_server}/ngarkimi")
    wait_for(browser, "form input[name=username]")
    assert "/hyrja" in browser.current_url
    browser.find_element(By.ID, "username").send_keys("editor")
    browser.find_element(By.ID, "password").send_keys("wrong password here")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_text(browser, "#login-error", "gabuar")
    browser.find_element(By.ID, "password").send_keys("correct horse battery staple")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#frame-nav nav")
    assert browser.current_url.endswith("/ngarkimi")
    browser.get(f"{live_server}/cilesia")
    wait_for_text(browser, "h1", "Cilësia e të dhënave")  # callbacks as a logged-in editor
    browser.save_screenshot(str(artifacts_dir / "login-then-quality.png"))
    assert csp_problems(console(browser)) == []
    browser.get(f"{live_server}/dalja")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#frame-nav nav")
    browser.get(f"{live_server}/ngarkimi")
    wait_for(browser, "form input[name=username]")
    browser.delete_all_cookies()
