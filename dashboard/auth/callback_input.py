"""Malformed Dash callback requests are the caller's fault (400), never a server error (500).

Dash's dispatch trusts the request body: a missing list, an input too few, or a number
where a component only ever sends text ends in a KeyError or TypeError deep in Dash or in
the callback, answered 500. Two checks put that right:

- `body_problem`, before anything runs (in the access guard): the body must have the
  shape dash-renderer sends (outputs, inputs and state as lists of {id, property, value}
  matching the callback's declaration).
- `misfit_values`, only when a callback raised: if some value does not fit the type the
  component declares for that property (`dcc.Location.search` is text), the request was
  bad. A callback that fails on values that do fit stays a 500: a real bug is not hidden.
"""

from __future__ import annotations

import inspect
import json
import logging
import typing
from collections.abc import Iterator, Sequence
from typing import Any

from dash.exceptions import UnsupportedRelativePath

logger = logging.getLogger(__name__)

# What a failing callback (or Dash, for a path) raises when handed a value of a wrong type.
INPUT_ERRORS = (
    TypeError,
    AttributeError,
    ValueError,
    KeyError,
    IndexError,
    UnsupportedRelativePath,
)


def _is_id(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, dict) and all(isinstance(key, str) for key in value)
    )


def _item_problem(item: object, where: str) -> str | None:
    if not isinstance(item, dict):
        return f"{where} must be an object with id and property"
    if not _is_id(item.get("id")):
        return f"{where}.id must be text or an object"
    if not isinstance(item.get("property"), str):
        return f"{where}.property must be text"
    return None


def _list_problem(items: object, declared: list[dict[str, Any]], name: str) -> str | None:
    if not isinstance(items, list):
        return f"{name} must be a list"
    if len(items) != len(declared):
        return f"{name} must have {len(declared)} entries, got {len(items)}"
    for index, (item, expected) in enumerate(zip(items, declared, strict=True)):
        where = f"{name}[{index}]"
        if isinstance(item, list):  # a pattern-matching (ALL) dependency: one per match
            for position, match in enumerate(item):
                problem = _item_problem(match, f"{where}[{position}]")
                if problem:
                    return problem
            continue
        problem = _item_problem(item, where)
        if problem:
            return problem
        declared_id = str(expected.get("id", ""))
        if not declared_id.startswith("{") and (
            item["id"] != declared_id or item["property"] != expected.get("property")
        ):
            return f"{where} must be {declared_id}.{expected.get('property')}"
    return None


def body_problem(body: dict[str, Any], definition: dict[str, Any]) -> str | None:
    """What is wrong with the shape of a callback request, or None when it is well formed."""
    problem = _list_problem(body.get("inputs"), definition.get("inputs", []), "inputs")
    if problem:
        return problem
    state = body.get("state", [])
    problem = _list_problem(state, definition.get("state", []), "state")
    if problem:
        return problem
    if not definition.get("no_output"):
        outputs = body.get("outputs")
        items = outputs if isinstance(outputs, list) else [outputs]
        for index, item in enumerate(items):
            for match in item if isinstance(item, list) else [item]:
                problem = _item_problem(match, f"outputs[{index}]")
                if problem:
                    return problem
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(prop, str) for prop in changed):
        return "changedPropIds must be a list of text"
    return None


# --- values against the types components declare ------------------------------------------

_NUMBERS = (int, float, complex, typing.SupportsFloat, typing.SupportsInt, typing.SupportsComplex)


def fits(value: object, annotation: object) -> bool:
    """Whether a JSON value fits a component property's type hint (unknown types fit)."""
    if annotation is inspect.Parameter.empty or annotation is Any:
        return True
    if annotation is None or annotation is type(None):
        return value is None
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Union:
        return any(fits(value, argument) for argument in arguments)
    if origin is typing.Literal:
        return any(value == option and type(value) is type(option) for option in arguments)
    if annotation is str:
        return isinstance(value, str)
    if annotation is bool:
        return isinstance(value, bool)
    if annotation in _NUMBERS:  # Dash's NumberType is SupportsFloat | SupportsInt | ...
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation is dict or origin is dict or typing.is_typeddict(annotation):
        return isinstance(value, dict)
    if annotation in (list, Sequence, typing.Sequence) or origin in (list, Sequence):
        if not isinstance(value, list):
            return False
        return not arguments or all(fits(item, arguments[0]) for item in value)
    return True  # components, callables and anything else: not judged here


def _components(layout: Any) -> Iterator[Any]:
    if layout is None:
        return
    if isinstance(layout, list | tuple):
        for item in layout:
            yield from _components(item)
        return
    if hasattr(layout, "_traverse"):
        yield layout
        yield from layout._traverse()


def _id_key(component_id: object) -> str:
    return (
        json.dumps(component_id, sort_keys=True)
        if isinstance(component_id, dict)
        else str(component_id)
    )


_layouts_by_app: dict[int, dict[str, Any]] = {}  # per process; built on the first bad call
_TEXT_INPUT_TYPES_EXCEPT = ("number", "range")


def _layout_components(dash_app: Any) -> dict[str, Any]:
    """Every component with an id in the app's layout and its pages, laid out empty."""
    found = _layouts_by_app.get(id(dash_app))
    if found is not None:
        return found
    import dash

    found = {}
    layouts: list[Any] = [dash_app.layout() if callable(dash_app.layout) else dash_app.layout]
    for page in dash.page_registry.values():
        layout = page.get("layout")
        try:
            layouts.append(layout() if callable(layout) else layout)
        except Exception:  # noqa: BLE001 - a page that cannot lay out empty is skipped
            logger.warning("layout of %s failed while collecting component types", page["path"])
    for component in _components(layouts):
        component_id = getattr(component, "id", None)
        if component_id is not None:
            found.setdefault(_id_key(component_id), component)
    _layouts_by_app[id(dash_app)] = found
    return found


def _all_component_classes() -> list[type]:
    from dash.development.base_component import Component

    classes, pending = [], [Component]
    while pending:
        for subclass in pending.pop().__subclasses__():
            classes.append(subclass)
            pending.append(subclass)
    return classes


_annotations_by_prop: dict[str, list[object]] = {}


def _any_component_annotations(prop: str) -> list[object]:
    """The type hints every known component class gives a property of this name."""
    found = _annotations_by_prop.get(prop)
    if found is None:
        found = []
        for component_class in _all_component_classes():
            parameter = inspect.signature(component_class.__init__).parameters.get(prop)
            if parameter is not None and parameter.kind is parameter.POSITIONAL_OR_KEYWORD:
                found.append(parameter.annotation)
        _annotations_by_prop[prop] = found
    return found


def _annotation(component_class: type, prop: str) -> object:
    parameter = inspect.signature(component_class.__init__).parameters.get(prop)
    return inspect.Parameter.empty if parameter is None else parameter.annotation


def _option_kinds(options: object) -> set[type]:
    """The Python types of the values a choice component offers (empty when unknown)."""
    if isinstance(options, dict):
        values: list[object] = list(options)
    elif isinstance(options, list):
        values = [option.get("value") if isinstance(option, dict) else option for option in options]
    else:
        return set()
    kinds = {type(item) for item in values}
    if kinds & {int, float}:
        kinds |= {int, float}  # JSON does not keep 2 and 2.0 apart
    return kinds if kinds <= {str, int, float, bool} else set()


def value_fits(component: Any, prop: str, value: object) -> bool:
    """Whether this component (from the layout) could send this value for this property."""
    from dash import dcc

    if value is None:
        return True
    name = type(component).__name__
    if isinstance(component, dcc.Location) and prop in ("pathname", "search", "hash"):
        start = {"pathname": "/", "search": "?", "hash": "#"}[prop]
        return isinstance(value, str) and (value == "" and prop != "pathname" or value[:1] == start)
    if prop == "value" and getattr(component, "options", None) is not None:
        if getattr(component, "multi", False) and not isinstance(value, list):
            return False
        kinds = _option_kinds(component.options)
        values = value if isinstance(value, list) else [value]
        if kinds and not all(type(item) in kinds for item in values):
            return False
    if name == "Input" and prop == "value":
        if getattr(component, "type", None) not in _TEXT_INPUT_TYPES_EXCEPT:
            return isinstance(value, str)
    return fits(value, _annotation(type(component), prop))


def _values(body: dict[str, Any]) -> Iterator[tuple[object, str, object]]:
    for item in [*body.get("inputs", []), *body.get("state", [])]:
        for match in item if isinstance(item, list) else [item]:
            yield match["id"], match["property"], match.get("value")


def misfit_values(dash_app: Any, body: dict[str, Any]) -> list[str]:
    """The `id.property` of each value that does not fit its component's declared type."""
    components = _layout_components(dash_app)
    misfits = []
    for component_id, prop, value in _values(body):
        component = components.get(_id_key(component_id))
        if component is not None:
            good = value_fits(component, prop, value)
        else:  # made by a callback: judged by what any component sends for this property
            annotations = _any_component_annotations(prop)
            good = not annotations or any(fits(value, hint) for hint in annotations)
        if not good:
            misfits.append(f"{_id_key(component_id)}.{prop}")
    return misfits
