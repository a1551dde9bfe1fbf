"""/permbledhja.pdf through Flask's test client: printed by the system's Chromium.

The PDF is read with tests/browser/pdf_tools.py (no PDF library is installed): its
pages, their size and the text drawn on them, charts included (plotly's SVG text stays
text in Chromium's PDF).
"""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest
from markupsafe import escape

from dashboard.i18n import format_currency, format_date, format_number, format_percent, t
from dashboard.pages import _briefing_pdf as briefing_pdf
from tests.browser.pdf_tools import media_box, page_text, pages, squeeze
from tests.callbacks.page_tools import find, visible_text

CHROMIUM = Path("/usr/bin/chromium")
A4_LANDSCAPE = (842, 595)  # points, rounded: 297 x 210 mm
LANGUAGES = ("sq", "en", "sr")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed: the PDF cannot be printed"
)


def executable(path: Path, script: str) -> str:
    """A small shell script standing in for Chromium."""
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def executable_true() -> str:
    """An executable that exists (the fake printer never runs it)."""
    return "/bin/true"


@pytest.fixture()
def uncached(monkeypatch):
    """Every request makes its PDF anew (the cache would answer with an earlier one)."""
    monkeypatch.setattr(briefing_pdf, "cached", lambda parts, compute, keep=None: compute())


@needs_chromium
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_briefing_pdf_in_every_language(client, monkeypatch, artifacts_dir, lang):
    monkeypatch.setenv(briefing_pdf.CHROMIUM_SETTING, str(CHROMIUM))
    response = client.get(f"/permbledhja.pdf?lang={lang}")
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    pdf = response.data
    (artifacts_dir / f"briefing-server-{lang}.pdf").write_bytes(pdf)
    printed = pages(pdf)
    assert 1 <= len(printed) <= 2
    for page in printed:
        width, height = media_box(page)
        assert (round(width), round(height)) == A4_LANDSCAPE
    text = squeeze(" ".join(page_text(pdf, page) for page in printed))
    expected = [
        t("briefing.title", lang),
        t("app.municipality", lang),
        t("app.directorate", lang),
        t("briefing.coat_of_arms", lang),
        t("briefing.prepared_on", lang, date=format_date(time.strftime("%Y-%m-%d"), lang)),
        t("briefing.period", lang, period="2011–2026"),
        # the sources of every headline and chart
        t("source.prefix", lang),
        "ASK census2024_00.px",
        "Tabela 6",
        "Plani matricor, Prioriteti II, Obj 2.3",
        "004, skanim OCR",
        "analiza SWOT",
        # the charts' titles
        *(t(f"briefing.chart.{c}", lang) for c in ("population", "sns", "services", "budget")),
        t("briefing.chart.indicators", lang),
    ]
    for snippet in expected:
        assert squeeze(snippet) in text, snippet
    # Text that only the charts draw (plotly's SVG): legends, the target line's name and
    # the budget bar's label; the figures are the embedded data's.
    drawn = [
        t("indicators.kind.baseline", lang),
        t("indicators.kind.planned_short", lang),
        f"{t('indicators.kind.target_short', lang)} {format_number(7150, lang)}",
        t("sns.col.members", lang),
        f"{format_currency(1_030_000, lang)} ({format_percent(1_030_000 / 1_032_000, lang)})",
        format_number(71909, lang),
    ]
    for snippet in drawn:
        assert squeeze(snippet) in text, snippet
    assert squeeze(t("briefing.print", lang)) not in text  # the page's buttons are not printed


def recorded_databases(monkeypatch) -> list[bool]:
    """The `public` flag of every database the request opens."""
    import dashboard.audience

    opened: list[bool] = []
    original = dashboard.audience.get_database

    def recording(settings=None, *, public: bool = False):
        opened.append(public)
        return original(settings, public=public)

    monkeypatch.setattr(dashboard.audience, "get_database", recording)
    return opened


@pytest.mark.parametrize("who", ["public", "staff"])
def test_the_pdf_reads_the_database_of_the_person_asking(
    who, client, staff_client, monkeypatch, uncached
):
    printed: list[str] = []

    def fake_print(document: str, chromium: str, timeout: float | None = None) -> bytes:
        printed.append(document)
        return b"%PDF-1.4 stand-in"

    monkeypatch.setenv(briefing_pdf.CHROMIUM_SETTING, executable_true())
    monkeypatch.setattr(briefing_pdf, "print_pdf", fake_print)
    opened = recorded_databases(monkeypatch)
    asking = client if who == "public" else staff_client
    response = asking.get("/permbledhja.pdf?lang=en")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 stand-in"
    assert len(opened) > 5  # every headline and chart read the database
    assert set(opened) == ({True} if who == "public" else {False})
    document = printed[0]
    assert document.startswith("<!doctype html>") and 'lang="en"' in document
    # Standalone: plotly.js and the figures inline, nothing fetched from anywhere.
    assert "plotly.js v" in document and 'id="briefing-figures"' in document
    assert "<script src" not in document and "<link" not in document
    for chart in ("population", "sns", "services", "indicators", "budget"):
        assert f'id="brief-chart-{chart}"' in document


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_chromium_the_route_and_the_button_say_so(client, monkeypatch, tmp_path, app, lang):
    monkeypatch.setenv(briefing_pdf.CHROMIUM_SETTING, str(tmp_path / "no-chromium"))
    response = client.get(f"/permbledhja.pdf?lang={lang}")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert str(escape(t("briefing.pdf_unavailable", lang))) in response.get_data(as_text=True)
    from dashboard.pages import briefing

    layout = briefing.layout(lang=lang)
    button = find(layout, "briefing-pdf")
    assert t("briefing.pdf_unavailable", lang) in visible_text(button)
    assert "href" not in button.to_plotly_json()["props"]


def test_with_chromium_the_button_links_to_the_pdf_in_the_language(monkeypatch):
    monkeypatch.setenv(briefing_pdf.CHROMIUM_SETTING, executable_true())
    from dashboard.pages import briefing

    link = find(briefing.layout(lang="sr"), "briefing-pdf")
    assert link.href == "/permbledhja.pdf?lang=sr" and link.children == t("briefing.pdf", "sr")


def test_a_failing_chromium_gives_a_clear_503(client, monkeypatch, tmp_path, uncached):
    monkeypatch.setenv(
        briefing_pdf.CHROMIUM_SETTING,
        executable(tmp_path / "chromium", "echo broken >&2\nexit 3\n"),
    )
    response = client.get("/permbledhja.pdf?lang=sr")
    assert response.status_code == 503
    assert str(escape(t("briefing.pdf_failed", "sr"))) in response.get_data(as_text=True)


def test_a_hanging_chromium_is_stopped_with_everything_it_started(
    client, monkeypatch, tmp_path, uncached
):
    pids = tmp_path / "pids"
    # The stand-in starts a child (as Chromium starts its renderers) and both hang.
    script = f"sleep 300 &\necho $$ $! > {pids}\nwait\n"
    monkeypatch.setenv(briefing_pdf.CHROMIUM_SETTING, executable(tmp_path / "chromium", script))
    monkeypatch.setattr(briefing_pdf, "PRINT_TIMEOUT_SECONDS", 2)
    started = time.monotonic()
    response = client.get("/permbledhja.pdf?lang=en")
    assert response.status_code == 503 and time.monotonic() - started < 30
    assert str(escape(t("briefing.pdf_failed", "en"))) in response.get_data(as_text=True)
    for pid in (int(p) for p in pids.read_text().split()):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.1)
        assert not _alive(pid), f"process {pid} outlived the timeout"


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting to be reaped does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
