"""Figures and takeaways of the demographics page: settlements, ethnicity, age, the map.

Pure functions: a DataFrame from a query (and the language) in, a Figure or one
sentence out. Missing values stay missing: a bar without a value gets the missing mark,
a municipality without a 2011 figure is drawn as "no data", never as zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from dashboard.figures.common import (
    empty_figure,
    is_missing,
    largest_known,
    municipality_name,
    number_or_mark,
)
from dashboard.figures.theme import HIGHLIGHT, MUTED, PALETTE, apply_theme
from dashboard.i18n import format_number, format_percent, t

TYPE_COLOURS = {"Urban": PALETTE[0], "Rural": PALETTE[2]}
# Printed ethnicity (Tabela 3, in Albanian) -> message key of its label.
ETHNICITY_KEYS = {
    "Shqiptar": "albanian",
    "Serb": "serb",
    "Turk": "turkish",
    "Boshnjak": "bosniak",
    "Rom": "roma",
    "Ashkali": "ashkali",
    "Egjiptian": "egyptian",
    "Goran": "gorani",
    "Të tjerë": "other",
}
# The value the ranked settlement bar shows for each sort column.
SORT_MEASURES = {
    "population": "population",
    "name": "population",
    "area": "area_km2",
    "density": "density_computed",
}
# Sex as population_by_age_sex stores it -> message key.
SEXES = {"M": "male", "F": "female"}
# Brown = decline, teal = growth; readable with the common colour-vision deficiencies.
CHANGE_COLOURSCALE = "BrBG"
NO_DATA_COLOUR = "#D9DEE3"
# Longitude degrees are shorter than latitude degrees at Kosovo's ~42.6° N.
KOSOVO_ASPECT = 1 / math.cos(math.radians(42.6))


def type_label(settlement_type: str, lang: str) -> str:
    """Urban/Rural (as printed) in the language."""
    return t(f"demography.type.{str(settlement_type).lower()}", lang)


def ethnicity_label(printed: str, lang: str) -> str:
    """An ethnicity as printed in Albanian, in the language (as printed if unknown)."""
    key = ETHNICITY_KEYS.get(printed)
    return t(f"demography.ethnicity.{key}", lang) if key else printed


def sort_measure(sort: str) -> str:
    """The column a sort order ranks by (population_desc -> population)."""
    return SORT_MEASURES.get(sort.rsplit("_", 1)[0], "population")


# --- settlements -------------------------------------------------------------------------


def settlements_title(frame: pd.DataFrame, lang: str, sort: str) -> str:
    """The ranked bar's title: what it ranks by (no rows: the settlements)."""
    if frame.empty:
        return t("demography.settlements.title", lang)
    return t(f"demography.settlements.title.{sort_measure(sort)}", lang)


def settlements_bar(frame: pd.DataFrame, lang: str, sort: str = "population_desc") -> go.Figure:
    """Settlements ranked in the frame's order, one bar each, coloured urban/rural."""
    if frame.empty:
        return empty_figure(lang)
    measure = sort_measure(sort)
    decimals = 0 if measure == "population" else 1
    figure = go.Figure()
    for settlement_type in frame["settlement_type"].drop_duplicates():
        part = frame[frame["settlement_type"] == settlement_type]
        figure.add_bar(
            y=part["settlement"],
            x=part[measure],
            orientation="h",
            name=type_label(settlement_type, lang),
            marker_color=TYPE_COLOURS.get(settlement_type, MUTED),
            text=[number_or_mark(v, lang, decimals) for v in part[measure]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra>%{fullData.name}</extra>",
        )
    figure.update_yaxes(
        categoryorder="array", categoryarray=list(reversed(frame["settlement"].tolist()))
    )
    figure.update_xaxes(title_text=t(f"demography.measure.{measure}", lang))
    apply_theme(figure, height=max(260, 60 + 21 * len(frame)))
    figure.update_layout(bargap=0.25, margin={"r": 48})
    return figure


def settlements_takeaway(frame: pd.DataFrame, lang: str, sort: str = "population_desc") -> str:
    """One sentence on the top settlement by the ranked measure."""
    measure = sort_measure(sort)
    known = frame.dropna(subset=[measure])
    if known.empty:
        return t("state.empty", lang)
    top = known.loc[known[measure].idxmax()]
    total = known["population"].sum()
    return t(
        f"demography.settlements.takeaway.{measure}",
        lang,
        name=top["settlement"],
        count=format_number(len(frame), lang),
        value=format_number(
            float(top[measure]), lang, decimals=0 if measure == "population" else 1
        ),
        share=format_percent(top["population"] / total if total else float("nan"), lang, 0),
    )


def settlements_treemap(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Residents of the listed settlements, nested by urban/rural (no map: no coordinates)."""
    if frame.empty or frame["population"].sum() == 0:
        return empty_figure(lang)
    by_type = frame.groupby("settlement_type", sort=False)["population"].sum()
    ids = [f"type:{k}" for k in by_type.index] + [f"s:{s}" for s in frame["settlement"]]
    labels = [type_label(k, lang) for k in by_type.index] + frame["settlement"].tolist()
    parents = [""] * len(by_type) + [f"type:{k}" for k in frame["settlement_type"]]
    values = by_type.tolist() + frame["population"].tolist()
    colours = [TYPE_COLOURS.get(k, MUTED) for k in by_type.index] + [
        TYPE_COLOURS.get(k, MUTED) for k in frame["settlement_type"]
    ]
    figure = go.Figure(
        go.Treemap(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="total",
            marker={"colors": colours, "line": {"color": "#ffffff", "width": 1}},
            texttemplate="%{label}<br>%{value:,.0f}",
            hovertemplate="%{label}: %{value:,.0f} (%{percentRoot:.1%})<extra></extra>",
            sort=True,
            tiling={"pad": 2},
        )
    )
    apply_theme(figure, height=420, legend=False)
    figure.update_layout(margin={"l": 4, "r": 4, "t": 4, "b": 4})
    return figure


def treemap_takeaway(frame: pd.DataFrame, lang: str) -> str:
    """One sentence on how the residents listed split between urban and rural."""
    total = frame["population"].sum()
    if frame.empty or not total:
        return t("state.empty", lang)
    by_type = frame.groupby("settlement_type")["population"].sum()
    counts = frame["settlement_type"].value_counts()
    if {"Urban", "Rural"} <= set(by_type.index):
        return t(
            "demography.treemap.takeaway",
            lang,
            total=format_number(total, lang),
            urban_share=format_percent(by_type["Urban"] / total, lang, 0),
            rural_share=format_percent(by_type["Rural"] / total, lang, 0),
            rural_count=format_number(int(counts["Rural"]), lang),
        )
    only = by_type.index[0]
    return t(
        "demography.treemap.takeaway_one",
        lang,
        total=format_number(total, lang),
        count=format_number(int(counts[only]), lang),
        type=type_label(only, lang),
    )


def density_differences(frame: pd.DataFrame) -> pd.DataFrame:
    """The settlements whose printed density is further from population ÷ area than rounding."""
    differing = frame[frame["density_differs"].fillna(False).astype(bool)].copy()
    differing["density_difference"] = (
        differing["density_printed"].astype(float) - differing["density_computed"]
    ).round(1)
    return differing[
        [
            "settlement",
            "population",
            "area_km2",
            "density_printed",
            "density_computed",
            "density_difference",
            "source",
        ]
    ].reset_index(drop=True)


def density_figure(differences: pd.DataFrame, lang: str) -> go.Figure:
    """Printed minus computed density, one bar per settlement where they disagree."""
    if differences.empty:
        return empty_figure(lang, height=200)
    ordered = differences.sort_values("density_difference")
    labels = [
        t(
            "demography.density.bar_label",
            lang,
            printed=number_or_mark(p, lang),
            computed=number_or_mark(c, lang, 1),
        )
        for p, c in zip(ordered["density_printed"], ordered["density_computed"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            y=ordered["settlement"],
            x=ordered["density_difference"],
            orientation="h",
            marker_color=[
                HIGHLIGHT if v > 0 else PALETTE[0] for v in ordered["density_difference"]
            ],
            customdata=labels,
            hovertemplate="%{y}: %{x:+.1f}<br>%{customdata}<extra></extra>",
        )
    )
    # The two densities, written right of the bar (or of zero for a negative difference).
    figure.add_scatter(
        y=ordered["settlement"],
        x=ordered["density_difference"].clip(lower=0),
        mode="text",
        text=labels,
        textposition="middle right",
        hoverinfo="skip",
        cliponaxis=False,
    )
    largest = float(ordered["density_difference"].abs().max())
    figure.add_vline(x=0, line_color="#52606D", line_width=1)
    figure.update_xaxes(
        title_text=t("demography.density.axis", lang),
        zeroline=False,
        range=[min(0.0, float(ordered["density_difference"].min())) * 1.2, largest * 3.6],
    )
    return apply_theme(figure, height=max(200, 90 + 36 * len(ordered)), legend=False)


def density_takeaway(differences: pd.DataFrame, frame: pd.DataFrame, lang: str) -> str:
    """How many settlements' printed density disagrees with population ÷ area, and the largest."""
    with_area = int(frame["density_computed"].notna().sum())
    if differences.empty:
        return t("demography.density.takeaway_none", lang, count=format_number(with_area, lang))
    largest = differences.loc[differences["density_difference"].abs().idxmax()]
    return t(
        "demography.density.takeaway",
        lang,
        differing=format_number(len(differences), lang),
        count=format_number(with_area, lang),
        name=largest["settlement"],
        printed=number_or_mark(largest["density_printed"], lang),
        computed=number_or_mark(largest["density_computed"], lang, 1),
    )


# --- ethnicity and age -------------------------------------------------------------------


def ethnicity_title(frame: pd.DataFrame, lang: str, source_kind: str) -> str:
    """The ethnicity chart's title, naming the source shown."""
    title = t("demography.ethnicity.title", lang)
    if frame.empty:
        return title
    return title + " – " + t(f"demography.ethnicity.source.{source_kind}", lang)


def ethnicity_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Residents by ethnicity from one source, largest first."""
    if frame.empty:
        return empty_figure(lang)
    labels = [ethnicity_label(e, lang) for e in frame["ethnicity"]]
    text = []
    for population, percent in zip(frame["population"], frame["percent_printed"], strict=True):
        label = number_or_mark(population, lang)
        if not is_missing(percent):
            label += f" ({format_percent(float(percent) / 100, lang, 2)})"
        text.append(label)
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=frame["population"],
            orientation="h",
            marker_color=PALETTE[0],
            text=text,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)))
    figure.update_xaxes(title_text=t("demography.measure.population", lang))
    apply_theme(figure, height=max(260, 60 + 30 * len(frame)), legend=False)
    figure.update_layout(margin={"r": 90})
    return figure


def ethnicity_takeaway(frame: pd.DataFrame, source_kind: str, lang: str) -> str:
    """The largest group according to the chosen source."""
    top = largest_known(frame, "population")
    if top is None:
        return t("state.empty", lang)
    percent = top.get("percent_printed")
    key = f"demography.ethnicity.takeaway.{source_kind}"
    if is_missing(percent):
        key += "_no_percent"
    return t(
        key,
        lang,
        group=ethnicity_label(top["ethnicity"], lang),
        value=format_number(int(top["population"]), lang),
        percent="" if is_missing(percent) else format_percent(float(percent) / 100, lang, 2),
    )


def ethnicity_disagreements(comparison: pd.DataFrame, lang: str) -> list[str]:
    """One phrase per ethnicity the two sources disagree on ("Albanians: 6 949 vs 69 497")."""
    return [
        t(
            "demography.ethnicity.disagreement",
            lang,
            group=ethnicity_label(row["ethnicity"], lang),
            table=number_or_mark(row["table_population"], lang),
            text=number_or_mark(row["text_population"], lang),
        )
        for _, row in comparison.iterrows()
    ]


def ethnicity_implied(comparison: pd.DataFrame, lang: str) -> str | None:
    """What Tabela 3's own percentage implies for the group with the largest disagreement."""
    usable = comparison.dropna(subset=["table_percent", "census_population", "implied_by_percent"])
    if usable.empty:
        return None
    gaps = (
        usable["table_population"].astype(float) - usable["text_population"].astype(float)
    ).abs()
    row = usable.loc[gaps.fillna(0).idxmax()]
    return t(
        "demography.ethnicity.implied",
        lang,
        group=ethnicity_label(row["ethnicity"], lang),
        percent=format_percent(float(row["table_percent"]) / 100, lang, 2),
        census=format_number(int(row["census_population"]), lang),
        implied=format_number(int(row["implied_by_percent"]), lang),
        table=number_or_mark(row["table_population"], lang),
        text=number_or_mark(row["text_population"], lang),
    )


def ethnicity_note(comparison: pd.DataFrame, source_kind: str, lang: str) -> str:
    """The source shown against the other, where they disagree and what Tabela 3 implies."""
    other = "text" if source_kind == "table" else "table"
    note = t(
        "demography.ethnicity.note",
        lang,
        source=t(f"demography.ethnicity.source.{source_kind}", lang),
        other=t(f"demography.ethnicity.source.{other}", lang),
        items="; ".join(ethnicity_disagreements(comparison, lang)),
    )
    implied = ethnicity_implied(comparison, lang)
    return f"{note} {implied}" if implied else note


def age_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Residents by age band, youngest first, with each band's share of the total."""
    if frame.empty:
        return empty_figure(lang)
    total = frame["population"].sum()
    figure = go.Figure(
        go.Bar(
            x=frame["age_group"],
            y=frame["population"],
            marker_color=PALETTE[0],
            text=[
                f"{number_or_mark(v, lang)} ({format_percent(v / total, lang, 1)})"
                for v in frame["population"]
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    figure.update_xaxes(title_text=t("demography.age.axis", lang), type="category")
    figure.update_yaxes(title_text=t("demography.measure.population", lang))
    apply_theme(figure, height=340, legend=False)
    figure.update_layout(margin={"t": 30})
    return figure


def age_takeaway(frame: pd.DataFrame, lang: str) -> str:
    """The largest age band's share and the share of children under 15 (bands ending < 15)."""
    if frame.empty or not frame["population"].sum():
        return t("state.empty", lang)
    total = frame["population"].sum()
    largest = frame.loc[frame["population"].idxmax()]
    children = frame[frame["age_to"].notna() & (frame["age_to"] < 15)]
    return t(
        "demography.age.takeaway",
        lang,
        year=int(largest["year"]),
        share=format_percent(largest["population"] / total, lang, 1),
        band=largest["age_group"],
        children_share=format_percent(children["population"].sum() / total, lang, 1),
        children_limit=int(children["age_to"].max()) + 1 if not children.empty else 15,
    )


def age_sex_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Age pyramid: the latest census as bars (men left, women right), the one before as lines.

    Only the previous census is drawn as an outline: more outlines are unreadable (and a
    long series of yearly estimates made the page slow to draw).
    """
    known = frame[frame["sex"].isin(list(SEXES))]
    if known.empty:
        return empty_figure(lang)
    years = sorted(known["year"].unique())
    latest = years[-1]
    bands = known.drop_duplicates("age_group").sort_values("age_from")["age_group"].tolist()
    figure = go.Figure()
    for sex, sign, colour in (("M", -1, PALETTE[0]), ("F", 1, PALETTE[1])):
        part = known[(known["year"] == latest) & (known["sex"] == sex)]
        figure.add_bar(
            y=part["age_group"],
            x=sign * part["population"],
            orientation="h",
            name=f"{t(f'demography.sex.{SEXES[sex]}', lang)} {latest}",
            marker_color=colour,
            customdata=part["population"],
            hovertemplate="%{y}: %{customdata:,.0f}<extra>%{fullData.name}</extra>",
        )
        for year in years[-2:-1]:
            earlier = known[(known["year"] == year) & (known["sex"] == sex)]
            figure.add_scatter(
                y=earlier["age_group"],
                x=sign * earlier["population"],
                mode="lines",
                line={"shape": "vh", "color": "#1F2933", "width": 1.5, "dash": "dot"},
                name=f"{t(f'demography.sex.{SEXES[sex]}', lang)} {year}",
                customdata=earlier["population"],
                hovertemplate="%{y}: %{customdata:,.0f}<extra>%{fullData.name}</extra>",
            )
    figure.update_yaxes(categoryorder="array", categoryarray=bands, title_text=None)
    figure.update_xaxes(title_text=t("demography.measure.population", lang))
    apply_theme(figure, height=max(300, 60 + 22 * len(bands)))
    figure.update_layout(barmode="overlay", bargap=0.1)
    return figure


def age_sex_takeaway(frame: pd.DataFrame, lang: str) -> str:
    """The share of women in the latest census counted by age and sex."""
    known = frame[frame["sex"].isin(list(SEXES))].dropna(subset=["population"])
    if known.empty:
        return t("state.empty", lang)
    latest = known[known["year"] == known["year"].max()]
    total = latest["population"].sum()
    women = latest.loc[latest["sex"] == "F", "population"].sum()
    return t(
        "demography.age_sex.takeaway",
        lang,
        year=int(latest["year"].iloc[0]),
        total=format_number(total, lang),
        share=format_percent(women / total if total else float("nan"), lang, 1),
    )


# --- the map -----------------------------------------------------------------------------


def _outer_rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    raise ValueError(f"unsupported geometry {geometry['type']!r}")


def _ring_area(ring: list[list[float]]) -> float:
    return (
        abs(
            sum(
                x1 * y2 - x2 * y1
                for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:], strict=False)
            )
        )
        / 2
    )


def _legend_square(
    figure: go.Figure, name: str, fill: str, outline: str, outline_width: int
) -> None:
    """A legend entry only (no point drawn): a square of the map's fill and outline."""
    figure.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={
            "size": 14,
            "color": fill,
            "symbol": "square",
            "line": {"color": outline, "width": outline_width},
        },
        name=name,
        showlegend=True,
        hoverinfo="skip",
    )


def _ring_centre(ring: list[list[float]]) -> tuple[float, float]:
    xs = [point[0] for point in ring]
    ys = [point[1] for point in ring]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def _path(rings: Iterable[list[list[float]]]) -> tuple[np.ndarray, np.ndarray]:
    """One outline of the rings, a gap (NaN, drawn as a break) after each.

    Arrays rather than lists: Plotly validates a list element by element, which made the
    map the slowest figure of the site.
    """
    parts = []
    for ring in rings:
        parts.append(np.asarray(ring, dtype=float)[:, :2])
        parts.append(np.full((1, 2), np.nan))
    # Plotly sends arrays as binary: single precision (about 0.1 m here) halves the map's
    # bytes and is far finer than the drawing.
    points = np.concatenate(parts).astype(np.float32) if parts else np.empty((0, 2), np.float32)
    return points[:, 0], points[:, 1]


def change_bound(changes: pd.Series) -> float:
    """Symmetric colour range: the largest decline, up to 10 points; more growth saturates."""
    known = changes.dropna()
    if known.empty:
        return 0.1
    declines = known[known < 0].abs()
    largest = declines.max() if not declines.empty else known.abs().max()
    return max(0.1, math.ceil(float(largest) * 10) / 10)


def population_change_map(
    frame: pd.DataFrame, boundaries: Mapping[str, Any], lang: str, highlight: str
) -> go.Figure:
    """Municipalities coloured by population change 2011-2024, drawn from their boundaries.

    Drawn as filled shapes on plain axes (no map tiles or topojson from the internet);
    municipalities without a 2011 figure are grey and hatched ("no data"), the highlighted
    one is outlined and labelled.
    """
    shapes = {f["properties"]["shapeName"]: f["geometry"] for f in boundaries["features"]}
    bound = change_bound(frame["change"])
    rows = []
    for _, row in frame.iterrows():
        geometry = shapes.get(row["geo_shape_name"])
        if geometry is None:
            continue
        rings = _outer_rings(geometry)
        rows.append((max(_ring_area(r) for r in rings), row, rings))
    rows.sort(key=lambda item: -item[0])  # small ones (enclaves) drawn over large ones
    # Every fill colour in one call: sampling the scale costs ~1 ms a call.
    positions = [
        0.5 if is_missing(row["change"])
        else (min(max(float(row["change"]), -bound), bound) + bound) / (2 * bound)
        for _, row, _ in rows
    ]  # fmt: skip
    colours = sample_colorscale(CHANGE_COLOURSCALE, positions) if positions else []
    figure = go.Figure()
    highlight_name, label_at, label_text = highlight, None, ""
    for (_, row, rings), colour in zip(rows, colours, strict=True):
        name = municipality_name(row, lang)
        xs, ys = _path(rings)
        change = row["change"]
        is_highlight = row["municipality"] == highlight
        trace = go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            line={
                "color": "#111111" if is_highlight else "#FFFFFF",
                "width": 3 if is_highlight else 0.8,
            },
            hoveron="fills",
            hoverinfo="name",
            showlegend=False,
        )
        if is_missing(change):
            trace.update(
                fillcolor=NO_DATA_COLOUR,
                fillpattern={"shape": "/", "fgcolor": "#8A96A3", "size": 6},
                name=t(
                    "demography.map.hover_no_data",
                    lang,
                    name=name,
                    population_2024=number_or_mark(row["population_2024"], lang),
                ),
            )
        else:
            trace.update(
                fillcolor=colour,
                name=t(
                    "demography.map.hover",
                    lang,
                    name=name,
                    population_2011=number_or_mark(row["population_2011"], lang),
                    population_2024=number_or_mark(row["population_2024"], lang),
                    change=format_percent(float(change), lang, 1),
                ),
            )
        figure.add_trace(trace)
        if is_highlight:
            highlight_name = name
            label_at = _ring_centre(max(rings, key=_ring_area))
            label_text = t(
                "demography.map.label",
                lang,
                name=name,
                change=number_or_mark(None, lang)
                if is_missing(change)
                else format_percent(float(change), lang, 1),
            )
    # Legend entries saying what the grey hatching and the outline mean, and the colour bar.
    ticks = [round(-bound + step / 10, 1) for step in range(round(bound * 20) + 1)]
    tick_text = [("+" if v > 0 else "") + format_percent(v, lang, 0) for v in ticks]
    if frame["change"].max() > bound:  # growth beyond the scale has the end colour
        tick_text[-1] = "≥ " + tick_text[-1]
    _legend_square(figure, t("demography.map.no_data", lang), NO_DATA_COLOUR, "#8A96A3", 1)
    _legend_square(
        figure,
        t("demography.map.highlight", lang, name=highlight_name),
        "rgba(0,0,0,0)",
        "#111111",
        3,
    )
    figure.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={
            "color": [-bound, bound],
            "colorscale": CHANGE_COLOURSCALE,
            "cmin": -bound,
            "cmax": bound,
            "showscale": True,
            "colorbar": {
                "title": {"text": t("demography.map.colorbar", lang), "side": "top"},
                "tickvals": ticks,
                "ticktext": tick_text,
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": -0.02,
                "yanchor": "top",
                "len": 0.9,
                "thickness": 12,
            },
        },
        showlegend=False,
        hoverinfo="skip",
    )
    if label_at:
        figure.add_annotation(
            x=label_at[0],
            y=label_at[1],
            text=f"<b>{label_text}</b>",
            showarrow=True,
            arrowhead=0,
            ax=-70,
            ay=-40,
            bgcolor="rgba(255,255,255,0.9)",
            bordercolor="#111111",
            borderwidth=1,
            font={"size": 12},
        )
    figure.update_xaxes(visible=False, showgrid=False)
    figure.update_yaxes(visible=False, showgrid=False, scaleanchor="x", scaleratio=KOSOVO_ASPECT)
    apply_theme(figure, height=560)
    figure.update_layout(
        plot_bgcolor="#FFFFFF",
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        hoverlabel={"align": "left"},
        dragmode="pan",
    )
    return figure


def map_takeaway(frame: pd.DataFrame, lang: str, highlight: str) -> str:
    """The highlighted municipality's change and how many municipalities shrank."""
    known = frame.dropna(subset=["change"])
    if known.empty:
        return t("state.empty", lang)
    target = frame[frame["municipality"] == highlight]
    shrank = int((known["change"] < 0).sum())
    if target.empty or is_missing(target["change"].iloc[0]):
        return t(
            "demography.map.takeaway_no_highlight",
            lang,
            shrank=format_number(shrank, lang),
            count=format_number(len(known), lang),
        )
    row = target.iloc[0]
    change = float(row["change"])
    return t(
        "demography.map.takeaway_fell" if change < 0 else "demography.map.takeaway_grew",
        lang,
        name=municipality_name(row, lang),
        change=format_percent(abs(change), lang, 1),
        population_2011=number_or_mark(row["population_2011"], lang),
        population_2024=number_or_mark(row["population_2024"], lang),
        shrank=format_number(shrank, lang),
        count=format_number(len(known), lang),
        missing=format_number(len(frame) - len(known), lang),
    )


# --- the sortable table of settlements ---------------------------------------------------


def settlement_totals_note(totals: Mapping[str, Any], lang: str) -> str:
    """How many settlements and residents Tabela 5 lists against the totals it prints."""
    return t(
        "demography.settlements.totals_note",
        lang,
        listed=number_or_mark(totals["listed_settlements"], lang),
        listed_population=number_or_mark(totals["listed_population"], lang),
        printed=number_or_mark(totals["printed_settlements"], lang),
        printed_population=number_or_mark(totals["printed_population"], lang),
    )


def next_sort(sort: str, column: str) -> str:
    """The order a column's heading sorts by: the active column flips, names start A-Z."""
    current, direction = sort.rsplit("_", 1)
    if current == column:
        return f"{column}_{'asc' if direction == 'desc' else 'desc'}"
    return f"{column}_{'asc' if column == 'name' else 'desc'}"


def sort_marks(sort: str, column: str) -> tuple[str, str]:
    """A sortable heading's arrow and its aria-sort, for the table's current order."""
    current, direction = sort.rsplit("_", 1)
    if current != column:
        return "↕", "none"
    return ("▼", "descending") if direction == "desc" else ("▲", "ascending")


def printed_density(row: Mapping[str, Any], lang: str) -> str:
    """The density as printed: its number, or the text printed in place of one."""
    text = row["density_printed_text"]
    if is_missing(row["density_printed"]) and isinstance(text, str):
        return text
    return number_or_mark(row["density_printed"], lang)
