"""The frame's callbacks called directly, in every language."""

from __future__ import annotations

import pytest

from dashboard.components.frame import (
    footer,
    language_of,
    menu_pages,
    navbar,
    same_view_in,
    with_language,
)
from dashboard.i18n import LANGUAGES, t


@pytest.mark.parametrize("lang", LANGUAGES)
def test_navbar_links_every_page_in_the_language(app, lang):
    bar = navbar(lang, "/demografia")
    text = str(bar)
    # The menu comes from the page registry, in the declared order.
    assert [path for path, _ in menu_pages()] == [
        "/",
        "/demografia",
        "/ndihma-sociale",
        "/sherbimet",
        "/treguesit",
        "/swot",
        "/buxheti",
        "/permbledhja",
        "/cilesia",
    ]
    for path, key in menu_pages():
        assert t(key, lang) in text
        assert f"'{with_language(path, lang)}'" in text
    assert "active=True" in text


@pytest.mark.parametrize(
    ("search", "lang"),
    [
        ("", "sq"),
        ("?lang=en", "en"),
        ("?lang=sr&x=1", "sr"),
        ("?lang=de", "sq"),
        ("?lang=", "sq"),
        (None, "sq"),
    ],
)
def test_language_from_the_url_falls_back_to_albanian(search, lang):
    assert language_of(search) == lang


def test_footer_dates_the_data(app):
    assert "24 nëntor 2026" in str(footer("sq", "2026-11-24T12:00:00+00:00"))
    assert "24 November 2026" in str(footer("en", "2026-11-24T12:00:00+00:00"))


def test_pages_answer(client):
    for path in ("/", "/cilesia", "/?lang=en"):
        assert client.get(path).status_code == 200


def test_language_switch_keeps_the_view_filters():
    assert (
        same_view_in("/demografia", "?type=Rural&lang=en", "sr") == "/demografia?type=Rural&lang=sr"
    )
    assert same_view_in("/demografia", "?type=Rural&lang=en", "sq") == "/demografia?type=Rural"
    assert same_view_in("/", None, "sq") == "/"
    assert "'/demografia?type=Rural&lang=en'" in str(navbar("sq", "/demografia", "?type=Rural"))


def test_account_menu_shows_each_role_its_staff_pages():
    from dashboard.components.frame import account_menu

    public = str(account_menu("sq", None, "public"))
    assert "/hyrja" in public and "/ngarkimi" not in public
    editor = str(account_menu("en", "drita", "editor"))
    assert (
        "drita (editor)" in editor and "/ngarkimi?lang=en" in editor and "/auditimi" not in editor
    )
    admin = str(account_menu("sq", "admin1", "admin"))
    assert "/ngarkimi" in admin and "/auditimi" in admin and "/dalja" in admin


def test_every_declared_page_has_its_title_lead_and_menu_texts(app):
    from dashboard.components.declared import REGISTRY
    from dashboard.i18n import messages

    assert {"home", "demographics", "sns", "services", "indicators", "swot", "budget"} <= set(
        REGISTRY
    )
    for page in REGISTRY.values():
        for key in (page.title_key, page.lead_key, page.menu_key):
            for lang in LANGUAGES:
                assert key in messages(lang), (page.name, key, lang)
