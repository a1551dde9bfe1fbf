"""Browser tests: the real app under gunicorn, driven in Debian's headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(built_db, tmp_path_factory) -> Iterator[str]:
    """The app served by gunicorn with the Procfile's worker model, on 127.0.0.1.

    Its log goes to a file, never to a pipe nobody reads (a full pipe would stall the
    workers); `server_log_tail()` shows its end when a browser test fails.
    """
    global SERVER_LOG
    port = _free_port()
    env = dict(os.environ)
    SERVER_LOG = tmp_path_factory.mktemp("gunicorn") / "server.log"
    log_file = SERVER_LOG.open("wb")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "dashboard.app:server",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/api/v1/datasets", timeout=2):
                break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{server_log_tail()}") from None
            time.sleep(0.3)
    else:
        process.terminate()
        raise RuntimeError("gunicorn did not start within 60 s")
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log_file.close()


SERVER_LOG: Path | None = None


def server_log_tail(lines: int = 60) -> str:
    """The last lines the live server logged (empty before it started)."""
    if SERVER_LOG is None or not SERVER_LOG.exists():
        return ""
    return "\n".join(SERVER_LOG.read_text(errors="replace").splitlines()[-lines:])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test reports what the server logged too."""
    report = yield
    if report.failed and "live_server" in getattr(item, "fixturenames", ()):
        tail = server_log_tail()
        if tail:
            report.sections.append(("gunicorn log (tail)", tail))
    return report


@pytest.fixture(scope="session")
def browser_driver(tmp_path_factory) -> Iterator[object]:
    """A headless Chromium (Debian's chromium + chromium-driver), logging the console."""
    chromium = shutil.which("chromium")
    chromedriver = shutil.which("chromedriver")
    if not chromium or not chromedriver:
        pytest.fail("chromium and chromedriver are needed: run `make test` (it installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1400,1000",
        # Bootstrap scrolls smoothly otherwise: a click on an element scrolled away from
        # would land where the element was before the scroll had finished.
        "--force-prefers-reduced-motion",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture()
def browser(browser_driver):
    """The session's browser at desktop width, with the console emptied before each test."""
    browser_driver.set_window_size(1400, 1000)
    browser_driver.get_log("browser")
    return browser_driver


def console_errors(driver) -> list[str]:
    """Console messages of level SEVERE since the last call (favicon misses excepted)."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
    ]


# Scroll the first element a selector matches into view (not at all when it is in view).
SCROLL_TO = """
  const element = document.querySelector(arguments[0]);
  if (element) { element.scrollIntoView({block: 'nearest'}); }
  return Boolean(element);
"""


def wait_for(driver, css: str, timeout: float = 20):
    """Wait until an element matching css is present and return it.

    A chart is looked for as a reader finds it: charts off screen are drawn when they come
    near it (assets/plotly_early.js), so the chart's holder is first scrolled into view
    (not at all when it is already in view); a bare chart selector means the page's first.
    """
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    def present(selector: str):
        return WebDriverWait(driver, timeout).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, selector))
        )

    holder = re.split(r"\.(?:js-plotly-plot|main-svg)\b", css, maxsplit=1)[0].strip()
    if holder != css.strip():
        holder = holder or ".dash-graph"  # any chart: the page's first

        def scrolled_and_present(d):
            # At every poll, by its selector: a holder that Dash draws again is found
            # again, and one pushed off screen by what is drawn above it is brought back.
            d.execute_script(SCROLL_TO, holder)
            found = d.find_elements(By.CSS_SELECTOR, css)
            return found[0] if found else False

        return WebDriverWait(driver, timeout).until(scrolled_and_present)
    return present(css)


def wait_for_text(driver, css: str, text: str, timeout: float = 20) -> None:
    """Wait until the element matching css contains text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(
        expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, css), text)
    )
