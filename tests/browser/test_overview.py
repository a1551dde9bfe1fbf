"""The overview and the 404 page as a person sees them, under gunicorn in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.i18n import t
from tests.browser.conftest import console_errors, wait_for, wait_for_text
from tests.browser.page_checks import (
    DESKTOP,
    PHONE,
    click_language,
    horizontal_overflow,
    print_view,
    save_full_page,
    wait_until,
)

pytestmark = pytest.mark.browser
TITLES = {
    "sq": "Mirëqenia sociale në shifra",
    "en": "Social welfare in figures",
    "sr": "Socijalna zaštita u brojkama",
}
HEADLINES = (
    "overview-population",
    "overview-sns-families",
    "overview-sns-members",
    "overview-services",
    "overview-indicators",
    "overview-budget",
)
SHOTS = Path("/tmp/overview-screenshots")
WIDTHS = {"desktop": 1366, "phone": 375}
# Words of one language that the others never use: seen on a page of another language,
# they are text left untranslated. (Names, codes and the documents' titles in the source
# lines are not sentences of the page: source lines and addresses are read apart.)
WORDS = {
    "en": {"the", "and", "of", "from", "is", "are", "with", "by", "source", "download",
           "families", "indicators", "services", "budget", "track", "show", "shown",
           "needs", "attention", "data", "yes", "no", "rows", "sector", "population"},
    "sq": {"dhe", "të", "nga", "për", "është", "janë", "familje", "treguesit", "shërbimet",
           "buxheti", "burimi", "shkarko", "vëmendje", "sektori", "popullsia", "një"},
    "sr": {"je", "su", "od", "za", "porodica", "porodice", "pokazatelji", "usluge", "budžet",
           "izvor", "preuzmi", "pažnju", "sektor", "stanovništvo", "podataka"},
}  # fmt: skip
WORDS["sr"].discard("data")  # "data" is Albanian ("data e dokumentit")
SHARED = {"sq": {"data"}, "en": set(), "sr": set()}


def page_words(driver) -> set[str]:
    """The words a reader sees, leaving out source lines (citations) and addresses."""
    text = driver.execute_script(
        "const body = document.body.cloneNode(true);"
        "body.querySelectorAll('.source-line, details:not([open]) > :not(summary),"
        " script, style').forEach(e => e.remove());"
        "return body.innerText;"
    )
    text = re.sub(r"https?://\S+|CC BY(-[A-Z]+)*", " ", text)  # addresses, licence names
    return {word.lower() for word in re.findall(r"[^\W\d_]+", text)}


def foreign_words(driver, lang: str) -> set[str]:
    """Words of the other two languages on a page in `lang`."""
    seen = page_words(driver)
    others = set().union(*(WORDS[other] for other in WORDS if other != lang))
    return (seen & others) - WORDS[lang] - SHARED[lang]


def test_headlines_have_change_source_and_page(live_server, browser):
    browser.get(f"{live_server}/?lang=en")
    wait_for_text(browser, "#card-overview-population", "64,742 residents in 2024")
    for chart_id in HEADLINES:
        card = browser.find_element("id", f"card-{chart_id}")
        assert "Source:" in card.text, chart_id
        wait_for(browser, f"#chart-{chart_id} .main-svg")  # the small chart is drawn
        assert card.find_elements("css selector", "a.headline-link"), chart_id
    population = browser.find_element("id", "card-overview-population").text
    assert "−10.0% since 2011 (71,909)" in population
    members = browser.find_element("id", "card-overview-sns-members").text
    assert "not the same statistic" in members and "2022 (9,439)" in members
    families = browser.find_element("id", "card-overview-sns-families").text
    assert "January 2025" in families and "December 2023 (1,967)" in families
    attention = browser.find_element("id", "attention-list").text
    assert "plan indicators are off track" in attention and "not yet settled" in attention
    # Ticks grouped with the language's separators, never abbreviated.
    ticks = browser.execute_script(
        "return Array.from(document.querySelectorAll('#chart-overview-population .ytick text'))"
        ".map(t => t.textContent);"
    )
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", tick) for tick in ticks), ticks
    assert not any(re.search(r"\d[kMG]$", tick) for tick in ticks), ticks
    link = browser.find_element("css selector", "#card-overview-sns-families a.headline-link")
    assert link.get_attribute("href").endswith("/ndihma-sociale?lang=en")
    link.click()
    wait_for_text(browser, "h1", "Social assistance (SNS)")
    assert console_errors(browser) == []


def test_language_switch_on_the_overview(live_server, browser):
    browser.get(f"{live_server}/?lang=en")
    wait_for_text(browser, "h1", TITLES["en"])
    click_language(browser, "Shqip")
    wait_for_text(browser, "h1", TITLES["sq"])
    wait_for_text(browser, "#card-overview-services", "Shërbimet e ofruara")
    assert console_errors(browser) == []


@pytest.mark.parametrize("lang", ["sq", "en", "sr"])
def test_overview_in_each_language_at_desktop_and_phone_width(live_server, browser, lang):
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.get(f"{live_server}/?lang={lang}")
    wait_for_text(browser, "h1", TITLES[lang])
    wait_for(browser, "#chart-overview-budget .main-svg")
    for name, width in WIDTHS.items():
        browser.set_window_size(width, 900)
        wait_until(browser, lambda d: horizontal_overflow(d) <= 0, message=f"{name} overflow")
        assert foreign_words(browser, lang) == set(), (lang, name)
        # Numbers never break across lines: the grouping symbol is a no-break space in sq.
        sentences = browser.execute_script(
            "return Array.from(document.querySelectorAll('.chart-takeaway, #attention-list'))"
            ".map(e => e.textContent);"
        )
        assert not any(re.search(r"\d \d{3}", text) for text in sentences), lang
        if lang == "sq":
            assert any(re.search(r"\d\u00a0\d{3}", text) for text in sentences)
        save_full_page(browser, SHOTS / f"overview-{lang}-{width}.png", width)
    printed = print_view(browser)
    assert printed["nav"] == "none"
    assert printed["header"] == "block" and TITLES[lang] in printed["title"]
    assert printed["source"] != "none"
    assert console_errors(browser) == []


@pytest.mark.parametrize(
    ("lang", "title"),
    [("sq", "Faqja nuk u gjet"), ("en", "Page not found"), ("sr", "Stranica nije pronađena")],
)
def test_unknown_address_shows_the_404_page(live_server, browser, artifacts_dir, lang, title):
    browser.get(f"{live_server}/no-such-page?lang={lang}")
    wait_for_text(browser, "#notfound-title", title)
    assert t("notfound.lead", lang) in browser.find_element("css selector", ".page-not-found").text
    home = browser.find_element("id", "notfound-home")
    assert home.text == t("notfound.back", lang)
    assert len(browser.find_elements("css selector", ".notfound-pages a")) >= 9
    save_full_page(browser, artifacts_dir / f"not-found-{lang}-desktop.png", DESKTOP)
    browser.set_window_size(PHONE, 800)
    save_full_page(browser, artifacts_dir / f"not-found-{lang}-phone.png", PHONE)
    home = browser.find_element("id", "notfound-home")
    home.click()
    wait_for(browser, "#card-overview-population")
    assert console_errors(browser) == []
