"""The staff journey on /ngarkimi in headless Chromium, under the Procfile's gunicorn.

The server runs the Procfile's `web` command (2 workers) on a private database, import
journal and user store; both workers have opened the database through a page view before
the first upload (the state in which uploads used to fail). An editor uploads every
supported format through the page's file input, previews, applies, sees the figure on its
page, undoes an import in the page, enters a result and undoes it; messages come in the
language of the address (sq, en, sr).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import console_errors, wait_for, wait_for_text
from tests.browser.page_steps import full_page_screenshot, settle
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
EDITOR = "journey.editor"
# Every supported format, as (fixture, the name the user's copy has, kind shown).
UPLOADS = [
    ("ask/census_mitrovice_2011_2024.px", "census_mitrovice_2011_2024.px", "PC-Axis (PX)"),
    ("import/census_mitrovice_age_sex_2011_2024.csv", "popullsia_mosha.csv", "PxWeb CSV"),
    # JSON-stat under a CSV name: the content decides, the name is only kept.
    ("import/census_mitrovice_age_sex_synthetic_2011_2024.json", "tabela.csv", "JSON-stat"),
    ("qps/qps_template_filled_synthetic_2024.csv", "qps_janar_shkurt.csv", "QPS sheet"),
    ("qps/qps_template_filled_synthetic_2024.xlsx", "Shablloni QPS 2024.xlsx", "QPS sheet"),
    ("qps/qps_wide_synthetic_2024.xlsx", "QPS sipas muajve.xlsx", "QPS sheet"),
    ("budget/budget_execution_synthetic_2026.csv", "realizimi_T2_2026.csv", "Budget execution"),
]
BUDGET_NAME = "realizimi_T2_2026.csv"


def _port() -> int:
    """The port to serve on: DMS_TEST_PORT when given, else a free one."""
    if os.environ.get("DMS_TEST_PORT"):
        return int(os.environ["DMS_TEST_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _procfile_command(process_type: str) -> str:
    for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process_type:
            return command.strip()
    raise AssertionError(f"the Procfile has no {process_type} process")


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    command = [str(Path(sys.executable).with_name("dms-dashboard")), *args]
    done = subprocess.run(
        command, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _workers(master: int) -> list[int]:
    """The processes gunicorn's master has forked."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.append(int(stat.parent.name))
    return found


def _has_open(pid: int, path: Path) -> bool:
    folder = Path(f"/proc/{pid}/fd")
    for fd in folder.iterdir():
        try:
            if os.readlink(fd) == str(path):
                return True
        except OSError:
            continue
    return False


# What the page shows when its first chart does not come: enough to tell a slow worker, a
# failed callback and a chart left waiting apart.
PAGE_STATE = """
  const count = s => document.querySelectorAll(s).length;
  return {url: location.href, ready: document.readyState,
          graphs: count('.dash-graph'), drawn: count('.js-plotly-plot'),
          loading: count('[data-dash-is-loading="true"]'),
          errors: Array.from(document.querySelectorAll('.dash-fe-error__title, .alert-danger'))
                       .map(e => e.innerText.slice(0, 200)),
          plotly: typeof window.Plotly, scrollY: window.scrollY,
          size: [window.innerWidth, window.innerHeight]};
"""


def _first_chart(driver, address: str, server_log: Path) -> None:
    """Open address and wait for its first chart; a miss says what the page and server did."""
    from selenium.common.exceptions import TimeoutException

    driver.get(address)
    try:
        wait_for(driver, ".js-plotly-plot", timeout=90)  # a cold worker, the other busy
    except TimeoutException:
        state = driver.execute_script(PAGE_STATE)
        log = "\n".join(server_log.read_text(errors="replace").splitlines()[-40:])
        console = console_errors(driver)
        pytest.fail(f"no chart at {address}: {state}\nconsole: {console}\nserver:\n{log}")


@dataclasses.dataclass(frozen=True)
class Journey:
    """The private server: its address, its settings and its template workbooks."""

    url: str
    settings: object
    qps_template: Path


@pytest.fixture(scope="module")
def journey(settings, tmp_path_factory, browser_driver) -> Iterator[Journey]:
    """`dms-dashboard build`, an editor, the Procfile's web process, then a page view.

    Requests go on until both workers hold the database open: uploads must work then.
    """
    home = tmp_path_factory.mktemp("journey")
    private = settings.model_copy(
        update={
            "db_path": home / "db" / "dms.duckdb",
            "imports_dir": home / "imports",
            "state_dir": home / "state",
        }
    )
    port = _port()
    env = dict(os.environ)
    env.update(
        DMS_DB_PATH=str(private.db_path),
        DMS_IMPORTS_DIR=str(private.imports_dir),
        DMS_STATE_DIR=str(private.state_dir),
        DMS_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    _cli(env, *_procfile_command("release").split()[1:])
    _cli(env, "users", "add", EDITOR, "--role", "editor", "--password-stdin", stdin=STAFF_PASSWORD)
    template = home / "qps-template.xlsx"
    _cli(env, "template", "qps", "--format", "xlsx", "--out", str(template))
    log = (home / "gunicorn.log").open("wb")  # kept with the test's temporary files
    process = subprocess.Popen(
        ["sh", "-c", "exec " + _procfile_command("web")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "gunicorn exited"
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start within 60 s"
                time.sleep(0.3)
        # The session's browser, at whatever size the test before left it (a phone's
        # width puts every chart below the fold, where it waits to be scrolled to).
        browser_driver.set_window_size(1400, 1000)
        _first_chart(browser_driver, f"{url}/demografia?lang=en", home / "gunicorn.log")
        # Anonymous views open only the published layer; the staff file is opened by
        # staff views, which is where a second connection used to be refused.
        sign_in(browser_driver, url)
        _first_chart(browser_driver, f"{url}/demografia?lang=en", home / "gunicorn.log")
        # The browser keeps its few connections alive, and a connection stays with the
        # worker that accepted it: the staff views come from new connections with the
        # browser's session, so each worker gets some.
        session = "; ".join(f"{c['name']}={c['value']}" for c in browser_driver.get_cookies())
        staff_view = urllib.request.Request(
            f"{url}/api/v1/datasets", headers={"Cookie": session, "Connection": "close"}
        )
        deadline = time.monotonic() + 60
        while True:  # more staff views, until each worker has the staff file open
            assert time.monotonic() < deadline, "both workers did not open the database"
            for _ in range(6):
                urllib.request.urlopen(staff_view, timeout=10).read()
            workers = _workers(process.pid)
            if len(workers) == 2 and all(_has_open(pid, private.db_path) for pid in workers):
                break
        yield Journey(url, private, template)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# --- steps ------------------------------------------------------------------------------


def sign_in(driver, url: str) -> None:
    driver.delete_all_cookies()
    driver.get(f"{url}/hyrja?next=/ngarkimi")
    driver.find_element(By.ID, "username").send_keys(EDITOR)
    password = driver.find_element(By.ID, "password")
    password.send_keys(STAFF_PASSWORD)
    password.submit()
    WebDriverWait(driver, 15).until(lambda d: "/hyrja" not in d.current_url)


def open_upload_page(driver, url: str, lang: str) -> None:
    driver.get(f"{url}/ngarkimi?lang={lang}")
    wait_for(driver, "#ngarkimi-file input[type=file]")
    settle(driver)


def click(driver, css: str) -> None:
    element = wait_for(driver, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    WebDriverWait(driver, 20).until(lambda _: element.is_enabled())
    time.sleep(0.5)  # the page scrolls smoothly
    element.click()


def upload(driver, path: Path) -> None:
    """Choose a file as a person would: through the upload's own (hidden) file input."""
    driver.find_element(By.CSS_SELECTOR, "#ngarkimi-file input[type=file]").send_keys(str(path))


def copy_as(tmp_path: Path, fixture: str | Path, name: str) -> Path:
    """A copy of a fixture (a path under tests/fixtures, or any path) under the user's name."""
    target = tmp_path / name
    shutil.copyfile(FIXTURES / fixture, target)
    return target


def text(driver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def content(driver, css: str) -> str:
    """The text of an element, shown or inside a collapsed section (the Indicators page)."""
    return driver.execute_script("return document.querySelector(arguments[0]).textContent", css)


def imports(journey: Journey) -> list:
    from dashboard.ingest import journal

    return journal.read_entries(journey.settings)


def shots(driver, artifacts_dir: Path, name: str) -> None:
    for width in (1366, 375):
        full_page_screenshot(driver, artifacts_dir / f"staff-journey-{name}-{width}.png", width)


# --- the journey ------------------------------------------------------------------------


def test_every_format_uploads_previews_applies_and_an_import_is_undone_in_the_page(
    journey, browser, tmp_path, artifacts_dir
):
    sign_in(browser, journey.url)
    open_upload_page(browser, journey.url, "en")
    assert not browser.find_element(By.ID, "ngarkimi-apply").is_enabled()  # nothing staged
    assert "No imports yet." in text(browser, "#ngarkimi-imports")
    for fixture, name, kind in UPLOADS:
        upload(browser, copy_as(tmp_path, fixture, name))
        wait_for_text(browser, "#ngarkimi-preview", f"{name} ({kind}) is valid", timeout=60)
        assert "rows added" in text(browser, "#ngarkimi-preview")
        click(browser, "#ngarkimi-apply")
        wait_for_text(browser, "#ngarkimi-result", f"{name} was imported", timeout=120)
        wait_for_text(browser, f"#ngarkimi-import-{imports(journey)[-1].id}", name)
    journal_entries = imports(journey)
    assert [e.original_name for e in journal_entries] == [name for _, name, _ in UPLOADS]
    assert all(e.user == EDITOR and e.active for e in journal_entries)
    assert {e.kind for e in journal_entries} == {"px", "pxweb-csv", "jsonstat", "qps", "budget"}
    history = text(browser, "#ngarkimi-imports")
    assert "Rows: budget_execution: 5" in history and "Budget execution" in history
    assert len(browser.find_elements(By.CSS_SELECTOR, "#ngarkimi-imports button")) == len(UPLOADS)
    shots(browser, artifacts_dir, "imported-en")
    assert console_errors(browser) == []

    # The figure is on its page ...
    browser.get(f"{journey.url}/buxheti?lang=en")
    wait_for(browser, "#budget-execution .js-plotly-plot", timeout=30)
    assert "has not been imported yet" not in text(browser, "#budget-execution")

    # ... until the import is undone in the page.
    budget = next(e for e in journal_entries if e.original_name == BUDGET_NAME)
    open_upload_page(browser, journey.url, "en")
    click(browser, f"#ngarkimi-import-{budget.id} button")
    wait_for_text(
        browser, "#ngarkimi-import-result", f"Import {budget.id} ({BUDGET_NAME}) was undone", 120
    )
    wait_for_text(browser, f"#ngarkimi-import-{budget.id}", f"undone by {EDITOR}")
    assert not browser.find_elements(By.CSS_SELECTOR, f"#ngarkimi-import-{budget.id} button")
    assert not next(e for e in imports(journey) if e.id == budget.id).active
    browser.get(f"{journey.url}/buxheti?lang=en")
    wait_for_text(browser, "#budget-execution", "has not been imported yet", timeout=30)
    assert console_errors(browser) == []


def test_the_products_own_xlsx_template_is_read_and_problems_come_in_each_language(
    journey, browser, tmp_path, artifacts_dir
):
    # The empty template is read as what it is (a QPS sheet) and refused for having no
    # counts, naming the file; in Albanian, English and Serbian.
    # (what is refused, the history heading, what was expected: ingest.qps.no_count)
    expected = {
        "sq": ("asgjë nuk u importua", "Historiku i importeve", "të paktën një numërim"),
        "en": ("nothing was imported", "Import history", "at least one count"),
        "sr": ("ništa nije uvezeno", "Istorija uvoza", "bar jedan broj"),
    }
    sign_in(browser, journey.url)
    for lang, (refused, history, no_count) in expected.items():
        name = f"shablloni-{lang}.xlsx"
        open_upload_page(browser, journey.url, lang)
        assert history in [h.text for h in browser.find_elements(By.CSS_SELECTOR, "h2")]
        upload(browser, copy_as(tmp_path, journey.qps_template, name))
        wait_for_text(browser, "#ngarkimi-preview", refused, timeout=60)
        shown = text(browser, "#ngarkimi-preview")
        assert name in shown and no_count in shown
        assert "recognised export" not in shown and "XLSX workbook" not in shown
        assert not browser.find_element(By.ID, "ngarkimi-apply").is_enabled()
        shots(browser, artifacts_dir, f"refused-{lang}")
        assert console_errors(browser) == []


def open_objective(browser, indicator_code: str) -> None:
    """Open the objective of an indicator in the Indicators drill-down, as a reader does.

    A view of all the plan's indicators draws its objectives closed; an objective's table
    comes when it is opened.
    """
    objective = ".".join(indicator_code.split(".")[:2])
    summary = wait_for(browser, f'summary[id*=\'"code":"{objective}"\']', timeout=30)
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", summary
    )


def test_a_result_is_entered_and_undone_in_the_page(journey, browser, artifacts_dir):
    from dashboard.db import get_database

    indicators = get_database(journey.settings).query_uncached("plan_indicator_list")
    enterable = indicators[indicators["unit"].isin(["count", "binary"])]
    code = str(enterable[enterable["unit"] == "count"]["indicator_code"].iloc[0])
    sign_in(browser, journey.url)
    open_upload_page(browser, journey.url, "en")
    click(browser, "#ngarkimi-indicator")
    options = WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[role=option]")
    )
    assert len(options) == len(enterable)  # the list is no longer empty
    choice = next(o for o in options if o.text.startswith(f"{code} (count) – "))
    browser.execute_script("arguments[0].scrollIntoView({block: 'nearest'})", choice)
    time.sleep(0.3)  # the list scrolls smoothly
    choice.click()
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    browser.find_element(By.ID, "ngarkimi-year").send_keys("2025")
    browser.find_element(By.ID, "ngarkimi-value").send_keys("4321")
    browser.find_element(By.ID, "ngarkimi-source").send_keys("Raporti vjetor i DMS 2025")
    click(browser, "#ngarkimi-save")
    wait_for_text(browser, "#ngarkimi-entry-result", f"{code}, 2025 = 4,321", timeout=120)
    wait_for_text(browser, "#ngarkimi-entry-1", "Source: Raporti vjetor i DMS 2025")
    assert f"{EDITOR}," in text(browser, "#ngarkimi-entry-1")
    shots(browser, artifacts_dir, "entry-en")
    # The value is on the Indicators page, in its indicator's row ...
    row = f"#indicator-row-{code.replace('.', '-')}"
    browser.get(f"{journey.url}/treguesit?lang=en")
    open_objective(browser, code)
    wait_for(browser, row, timeout=30)
    assert "Reported: 4,321" in content(browser, row)
    # ... until the entry is undone in the upload page.
    open_upload_page(browser, journey.url, "en")
    click(browser, "#ngarkimi-entry-1 button")
    wait_for_text(browser, "#ngarkimi-entry-result", "Entry 1 was undone", timeout=120)
    wait_for_text(browser, "#ngarkimi-entry-1", f"undone by {EDITOR}")
    assert not browser.find_elements(By.CSS_SELECTOR, "#ngarkimi-entry-1 button")
    browser.get(f"{journey.url}/treguesit?lang=en")
    open_objective(browser, code)
    wait_for(browser, row, timeout=30)
    shown = content(browser, row)
    assert shown.startswith(code) and "Reported: 4,321" not in shown
    from dashboard import entries

    [entry] = entries.read_entries(journey.settings)
    assert entry.indicator_code == code and entry.value == 4321 and not entry.active
    assert console_errors(browser) == []
