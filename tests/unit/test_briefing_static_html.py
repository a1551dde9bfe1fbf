"""The briefing's components as standalone HTML, and finding the Chromium that prints it."""

from __future__ import annotations

import stat

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import pytest
from dash import dcc, html

from dashboard.pages import _briefing_pdf as briefing_pdf
from dashboard.pages._briefing_pdf import static_html


def test_text_is_escaped_and_attributes_are_written_as_html():
    node = html.Div(
        [html.P("<b>1 < 2</b> & «ë»", className="x y", id="p"), html.Br(), "tail"],
        style={"maxWidth": "10px", "height": "120px"},
        role="note",
        **{"aria-label": 'say "hi"'},
    )
    written = static_html(node, {})
    assert written == (
        '<div role="note" style="max-width: 10px; height: 120px" aria-label="say &quot;hi&quot;">'
        '<p id="p" class="x y">&lt;b&gt;1 &lt; 2&lt;/b&gt; &amp; «ë»</p><br>tail</div>'
    )


def test_a_graph_becomes_a_box_and_its_figure_is_collected():
    figure = go.Figure(go.Bar(x=["a"], y=[1]))
    figures: dict[str, go.Figure] = {}
    written = static_html(
        html.Figure(
            [
                html.Figcaption("Title"),
                dcc.Graph(id="g", figure=figure, className="briefing-graph", config={"a": 1}),
            ]
        ),
        figures,
    )
    assert written == (
        '<figure><figcaption>Title</figcaption><div id="g" class="briefing-graph"></div></figure>'
    )
    assert figures == {"g": figure}


def test_links_buttons_and_notices_have_their_static_form():
    assert static_html(dcc.Link("SNS", href="/ndihma-sociale?lang=en"), {}) == (
        '<a href="/ndihma-sociale?lang=en">SNS</a>'
    )
    assert static_html(html.Button("PDF", disabled=True, type="button", n_clicks=3), {}) == (
        '<button disabled type="button">PDF</button>'
    )
    assert static_html(dbc.Alert("cannot be read", color="danger"), {}) == (
        '<div class="alert alert-danger" role="alert">cannot be read</div>'
    )


def test_a_component_without_a_static_form_is_refused_not_dropped():
    with pytest.raises(TypeError, match="Dropdown"):
        static_html(html.Div(dcc.Dropdown(options=["a"])), {})
    with pytest.raises(ValueError, match="hidden"):
        static_html(html.Div("x", hidden=True), {})


def test_the_document_cannot_close_its_figures_script():
    assert briefing_pdf._script_json('{"t": "</script><script>x"}') == (
        '{"t": "<\\/script><script>x"}'
    )


def executable(path):
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_chromium_is_the_one_set_or_the_first_on_path(monkeypatch, tmp_path):
    on_path = executable(tmp_path / "chromium")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(briefing_pdf.CHROMIUM_SETTING, raising=False)
    assert briefing_pdf.chromium_path() == str(on_path)
    chosen = executable(tmp_path / "my-chrome")
    monkeypatch.setenv(briefing_pdf.CHROMIUM_SETTING, str(chosen))
    assert briefing_pdf.chromium_path() == str(chosen)


def test_a_chromium_set_but_missing_is_none_even_with_one_on_path(monkeypatch, tmp_path):
    executable(tmp_path / "chromium")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv(briefing_pdf.CHROMIUM_SETTING, str(tmp_path / "gone"))
    assert briefing_pdf.chromium_path() is None
    not_executable = tmp_path / "plain"
    not_executable.write_text("", encoding="utf-8")
    monkeypatch.setenv(briefing_pdf.CHROMIUM_SETTING, str(not_executable))
    assert briefing_pdf.chromium_path() is None


def test_no_chromium_anywhere_is_none(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(briefing_pdf.CHROMIUM_SETTING, raising=False)
    assert briefing_pdf.chromium_path() is None
