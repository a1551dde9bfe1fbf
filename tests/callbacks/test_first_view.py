"""A page's first load: drawn into the layout Dash asks for, for whoever may read it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from dashboard.auth.policy import ROLES

HOST = "http://localhost"


def components(node: Any) -> Iterator[dict[str, Any]]:
    """Every component of a layout's JSON, depth first."""
    if isinstance(node, list):
        for item in node:
            yield from components(item)
    elif isinstance(node, dict):
        if "type" in node and "props" in node:
            yield node
            for value in node["props"].values():
                yield from components(value)


def by_id(layout: Any) -> dict[Any, dict[str, Any]]:
    return {str(c["props"]["id"]): c["props"] for c in components(layout) if "id" in c["props"]}


def layout_for(client, referrer: str | None) -> tuple[Any, Any]:
    headers = {"Referer": referrer} if referrer is not None else {}
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return response, response.get_json()


@pytest.mark.parametrize(
    ("path", "search", "heading"),
    [
        ("/", "", "Mirëqenia sociale"),
        ("/sherbimet", "?lang=en", "Services of the Centre for Social Work"),
        ("/demografia", "?type=rural&lang=sr", "Stanovništvo i naselja"),
    ],
)
def test_a_first_load_gets_its_page_and_frame_in_the_layout(client_for, path, search, heading):
    response, layout = layout_for(client_for("public"), f"{HOST}{path}{search}")
    ids = by_id(layout)
    # The Locations already hold the address, so they do not report it on mounting (that
    # would call the frame and the router: two more requests before the first chart).
    for location in ("url", "_pages_location"):
        assert (ids[location]["pathname"], ids[location]["search"]) == (path, search)
    assert ids["_pages_content"]["children"], "the page is drawn into the layout"
    assert ids["frame-nav"]["children"] and ids["frame-footer"]["children"]
    assert heading in json.dumps(layout, ensure_ascii=False)
    assert "Referer" in response.headers["Vary"]


def test_a_declared_page_drawn_in_the_layout_keeps_the_address_it_was_loaded_at(client_for):
    # Not the canonical address (which drops `lang=sq`): the browser shows what was typed.
    _, layout = layout_for(client_for("public"), f"{HOST}/demografia?lang=sq&type=rural")
    assert by_id(layout)["demography-url"]["search"] == "?lang=sq&type=rural"
    assert by_id(layout)["demography-drawn"]["data"] == "?type=rural"


@pytest.mark.parametrize(
    "referrer",
    [
        None,
        "",
        "http://elsewhere.example/sherbimet",
        "https://localhost/sherbimet",  # another scheme is another origin
        "not a url",
    ],
)
def test_without_a_referrer_of_this_site_the_layout_is_the_empty_frame(client_for, referrer):
    _, layout = layout_for(client_for("public"), referrer)
    ids = by_id(layout)
    # The Locations report the address on mounting and the router draws the page.
    assert "pathname" not in ids["url"] and "pathname" not in ids["_pages_location"]
    assert not ids["_pages_content"].get("children")
    assert not ids["frame-nav"].get("children")


@pytest.mark.parametrize(("path", "needed"), [("/ngarkimi", "editor"), ("/auditimi", "admin")])
def test_a_staff_page_is_drawn_into_the_layout_only_for_its_role(client_for, path, needed):
    from dashboard.auth.policy import has_role

    for role in ROLES:
        response, layout = layout_for(client_for(role), f"{HOST}{path}")
        ids = by_id(layout)
        if has_role(role, needed):
            assert ids["_pages_content"]["children"], role
            assert ids["_pages_location"]["pathname"] == path
            assert response.headers.get("Cache-Control") == "no-store"
        else:
            # Nothing of the page: the router is asked, and its role check answers.
            assert not ids["_pages_content"].get("children"), role
            assert not any(key.startswith(path.strip("/") + "-") for key in ids), role


def test_an_unknown_address_gets_the_not_found_page_in_the_layout(client_for):
    response, layout = layout_for(client_for("public"), f"{HOST}/no-such-page?lang=en")
    assert by_id(layout)["_pages_content"]["children"]
    assert by_id(layout)["_pages_location"]["pathname"] == "/no-such-page"


def test_a_page_that_fails_to_draw_leaves_it_to_the_router(client_for, monkeypatch):
    import dash

    page = next(p for p in dash.page_registry.values() if p["path"] == "/swot")

    def broken(**query: str):
        raise RuntimeError("drawing failed")

    monkeypatch.setitem(page, "layout", broken)
    _, layout = layout_for(client_for("public"), f"{HOST}/swot")
    assert not by_id(layout)["_pages_content"].get("children")
    assert "pathname" not in by_id(layout)["_pages_location"]
