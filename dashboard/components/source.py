"""The source line under every figure: "Burimi: ...", built from the rows' source column."""

from __future__ import annotations

from collections.abc import Iterable

from dash import html

from dashboard.i18n import t


def distinct_sources(sources: Iterable[object]) -> list[str]:
    """The distinct non-empty sources, in first-seen order."""
    seen: dict[str, None] = {}
    for source in sources:
        if isinstance(source, str) and source.strip():
            seen.setdefault(source.strip(), None)
    return list(seen)


def source_line(sources: Iterable[object], lang: str) -> html.P:
    """A small line naming every source of the figures above it."""
    listed = distinct_sources(sources)
    return html.P(
        [html.Span(f"{t('source.prefix', lang)}: ", className="fw-semibold"), "; ".join(listed)],
        className="source-line small text-muted mb-0",
    )
