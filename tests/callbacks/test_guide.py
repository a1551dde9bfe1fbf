"""The plain-language guide to the marks, and the links to it where the marks appear."""

from __future__ import annotations

import pytest

from dashboard.i18n import LANGUAGES, t
from tests.callbacks.page_tools import find, visible_text

ENTRIES = ("small", "secondary", "detail", "demonstration", "printed", "planned", "missing")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_guide_explains_every_mark_in_the_language(app, lang):
    from dashboard.pages import guide

    page = guide.layout(lang=lang)
    text = visible_text(page)
    assert t("guide.title", lang) in text
    for entry in ENTRIES:
        assert find(page, f"guide-{entry}") is not None, entry
        assert t(f"guide.{entry}.text", lang) in text
    if lang != "sq":
        assert t("guide.small.text", "sq") not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_guide_is_public_and_linked_from_every_page_and_the_marks(app, client, lang):
    from dashboard.components.chart_card import empty_card
    from dashboard.components.frame import footer, guide_address
    from dashboard.components.page_tools import demonstration_alert

    assert client.get("/udhezuesi").status_code == 200
    assert f"'{guide_address(lang)}'" in str(footer(lang, None))
    card = empty_card(chart_id="x", title="x", lang=lang, message_key="state.not_published_detail")
    assert guide_address(lang, "detail") in str(card)
    assert guide_address(lang, "demonstration") in str(demonstration_alert(lang))
