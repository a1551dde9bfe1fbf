"""Helpers for reading the component trees that pages and callbacks return."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dash.development.base_component import Component


def walk(node: Any) -> Iterator[Any]:
    """Every component and string in a tree, depth first."""
    if isinstance(node, list | tuple):
        for item in node:
            yield from walk(item)
        return
    yield node
    if isinstance(node, Component):
        yield from walk(getattr(node, "children", None))


def visible_text(node: Any) -> str:
    """The text a person would read (children strings), joined by spaces."""
    return " ".join(str(item) for item in walk(node) if isinstance(item, str | int | float))


def find(node: Any, component_id: str) -> Component | None:
    """The component with this id, or None."""
    for item in walk(node):
        if isinstance(item, Component) and getattr(item, "id", None) == component_id:
            return item
    return None


def ids(node: Any) -> set[str]:
    """The string ids in a tree."""
    return {
        item.id
        for item in walk(node)
        if isinstance(item, Component) and isinstance(getattr(item, "id", None), str)
    }


def chart_cards(node: Any) -> dict[str, Component]:
    """The chart cards (id card-<chart>) in a tree, by chart id."""
    return {
        item.id.removeprefix("card-"): item
        for item in walk(node)
        if isinstance(item, Component)
        and isinstance(getattr(item, "id", None), str)
        and item.id.startswith("card-")
    }


def is_demonstration_card(card: Component) -> bool:
    """Whether a chart card carries the demonstration badge."""
    return "is-demonstration" in (getattr(card, "className", "") or "")


def update_page(page: Any, lang: str, **controls: Any) -> tuple[list[Any], str]:
    """A declared page's content and address after its controls are set (unset: every value).

    The same path as the page's callback when a control changes.
    """
    from dashboard.components.declared import controls_query, respond

    values = [controls.get(f.name) for f in page.filters]
    content, _notice, search, _controls = respond(page, controls_query(page, values), lang)
    return content, search


def post_page_callback(
    client: Any,
    page: Any,
    lang: str,
    search: str = "",
    changed: str | None = None,
    drawn: str | None = None,
    **controls: Any,
) -> dict[str, dict[str, Any]]:
    """POST a declared page's one callback as dash-renderer does; its outputs by component.

    `changed` names the control that fired (a filter's name); None: the address changed
    (back or forward) to `search`. Unset controls hold no value. `drawn`: the canonical
    address of the view on screen (None: another view than any asked for).
    """
    from dash._utils import split_callback_id

    from dashboard.app import app
    from tests.conftest import csrf_token_of

    url_id = f"{page.prefix}-url"
    client.get("/")  # the first request sets the callbacks up (and hands out the CSRF cookie)
    output = next(key for key in app.callback_map if f"{page.prefix}-content.children" in key)
    inputs = [
        {"id": page.control_id(f.name), "property": "value", "value": controls.get(f.name)}
        for f in page.controlled
    ] + [{"id": url_id, "property": "search", "value": search}]
    body = {
        "output": output,
        "outputs": split_callback_id(output),
        "inputs": inputs,
        "state": [
            {"id": f"{page.prefix}-lang", "property": "data", "value": lang},
            {"id": f"{page.prefix}-drawn", "property": "data", "value": drawn},
        ],
        "changedPropIds": [f"{page.control_id(changed)}.value" if changed else f"{url_id}.search"],
    }
    response = client.post(
        "/_dash-update-component", json=body, headers={"X-CSRFToken": csrf_token_of(client)}
    )
    assert response.status_code == 200, response.data[:500]
    return response.get_json()["response"]


def view(page: Any, query: Mapping[str, str], lang: str) -> tuple[Any, Any, str, dict[str, Any]]:
    """A declared page's content, notice, address and controls' values (by filter) of a query."""
    from dashboard.components.declared import respond

    content, notice, search, controls = respond(page.PAGE, query, lang)
    names = [f.name for f in page.PAGE.filters]
    return content, notice, search, dict(zip(names, controls, strict=True))


def figure_of(content: Any, chart_id: str) -> Any:
    """The figure of a chart card in drawn content."""
    graph = find(content, f"chart-{chart_id}")
    assert graph is not None, chart_id
    return graph.figure
