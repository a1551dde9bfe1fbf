"""Steps shared by the browser tests of the Services, Indicators, SWOT, Budget, Briefing pages."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

STAFF_USER = "test.viewer"
STAFF_PASSWORD = "a long test passphrase 42"


def choose(driver, dropdown_id: str, option_text: str, timeout: float = 10) -> None:
    """Open a Dash dropdown and pick the option with this text."""
    trigger = driver.find_element(By.CSS_SELECTOR, f"#{dropdown_id}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", trigger)
    time.sleep(0.2)
    trigger.click()

    def option(d):
        for item in d.find_elements(By.CSS_SELECTOR, "[role=option]"):
            if item.text.strip() == option_text:
                return item
        return None

    item = WebDriverWait(driver, timeout).until(option)
    driver.execute_script("arguments[0].scrollIntoView({block: 'nearest'})", item)
    time.sleep(0.3)  # the list scrolls smoothly
    item.click()
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)


def wait_for_url(driver, fragment: str, timeout: float = 15) -> str:
    """Wait until the address contains fragment; return the address."""
    WebDriverWait(driver, timeout).until(lambda d: fragment in d.current_url)
    return driver.current_url


def text_of(driver, css: str) -> str:
    """The visible text of the first element matching css."""
    return driver.find_element(By.CSS_SELECTOR, css).text


def settle(driver, timeout: float = 15) -> None:
    """Wait until Dash has no callback in flight and no loading spinner shows."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = driver.execute_script(
            "return document.querySelectorAll("
            "'[data-dash-is-loading=\"true\"], .dash-spinner').length"
        )
        if not busy:
            return
        time.sleep(0.2)


def full_page_screenshot(driver, path: Path, width: int | None = None) -> None:
    """A screenshot of the whole page (the window grown to the page's height)."""
    size = driver.get_window_size()
    width = width or size["width"]
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height, 600) + 200, 7000))  # + the window's own bars
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.5)
    driver.save_screenshot(str(path))
    driver.set_window_size(size["width"], size["height"])


def ensure_staff_user() -> None:
    """A viewer account in the test session's user store (DMS_STATE_DIR of the session)."""
    from dashboard.auth import passwords
    from dashboard.auth.store import get_store

    try:
        get_store().add_user(STAFF_USER, passwords.hash_password(STAFF_PASSWORD), "viewer")
    except sqlite3.IntegrityError:
        pass


def sign_in(driver, base_url: str, next_path: str) -> None:
    """Sign in through the login form as the test viewer."""
    ensure_staff_user()
    driver.get(f"{base_url}/hyrja?next={next_path}")
    driver.find_element(By.ID, "username").send_keys(STAFF_USER)
    password = driver.find_element(By.ID, "password")
    password.send_keys(STAFF_PASSWORD)
    password.submit()
    WebDriverWait(driver, 15).until(lambda d: "/hyrja" not in d.current_url)


def sign_out(driver) -> None:
    """Forget the staff session (the browser is shared by the session's tests)."""
    driver.delete_all_cookies()
