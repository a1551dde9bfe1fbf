"""Helpers for reading the component trees that pages and callbacks return."""

from __future__ import annotations

from collections.abc import Iterator
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
