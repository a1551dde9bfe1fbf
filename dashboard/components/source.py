"""The source line under every figure: "Burimi: ...", built from the rows' source column.

Sources are data: a document's title and place stay as the document prints them (the
Action Plan is an Albanian document, "Tabela 5" is its own label). The dashboard's own
annotations inside a source, such as the note that a figure comes from a press report,
are written in the reader's language (SOURCE_PHRASES).
"""

from __future__ import annotations

from collections.abc import Iterable

from dash import html

from dashboard.i18n import t

# The dashboard's annotations as data/*.csv writes them (in a source cell), and their
# message keys. Longest first, so a phrase is never cut by a shorter one.
SOURCE_PHRASES: tuple[tuple[str, str], ...] = (
    ("press report citing ASK social welfare statistics", "source.press_report"),
    ("Referencë", "source.reference"),
)


def distinct_sources(sources: Iterable[object]) -> list[str]:
    """The distinct non-empty sources, in first-seen order."""
    seen: dict[str, None] = {}
    for source in sources:
        if isinstance(source, str) and source.strip():
            seen.setdefault(source.strip(), None)
    return list(seen)


def source_text(source: str, lang: str) -> str:
    """A source as the reader reads it: the dashboard's annotations in their language."""
    for phrase, key in SOURCE_PHRASES:
        source = source.replace(phrase, t(key, lang))
    return source


def source_line(sources: Iterable[object], lang: str) -> html.P:
    """A small line naming every source of the figures above it."""
    listed = [source_text(source, lang) for source in distinct_sources(sources)]
    return html.P(
        [html.Span(f"{t('source.prefix', lang)}: ", className="fw-semibold"), "; ".join(listed)],
        className="source-line small text-muted mb-0",
    )
