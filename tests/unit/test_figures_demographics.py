"""Figures and takeaways of the demographics page, on real-shaped frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.figures import demographics as figures
from dashboard.figures.theme import HIGHLIGHT
from dashboard.i18n import t


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _settlements() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "settlement": ["Mitrovicë", "Zhabar i ulët", "Zasellë", "Batahir"],
            "settlement_type": ["Urban", "Rural", "Rural", "Rural"],
            "population": [32260, 7304, 791, 0],
            "area_km2": [7.25, 2.92, None, 4.72],
            "density_printed": [4465, 2500, None, 0],
            "density_printed_text": [None, None, "///", None],
            "density_computed": [4449.7, 2501.4, None, 0.0],
            "density_differs": [True, True, False, False],
            "census_year": [2011] * 4,
            "note": [None] * 4,
            "source": ["Tabela 5"] * 4,
        }
    )


def test_settlement_bar_keeps_the_frame_order_and_the_values():
    frame = _settlements()
    figure = figures.settlements_bar(frame, "en")
    assert list(figure.layout.yaxis.categoryarray) == list(reversed(frame["settlement"]))
    shown = {y: x for trace in figure.data for y, x in zip(trace.y, trace.x, strict=True)}
    assert shown == dict(zip(frame["settlement"], frame["population"], strict=True))
    assert {trace.name for trace in figure.data} == {"Urban", "Rural"}


def test_settlement_bar_by_area_shows_a_missing_area_as_missing_not_zero():
    figure = figures.settlements_bar(_settlements(), "sq", "area_desc")
    rural = next(trace for trace in figure.data if trace.name == "Rural")
    position = list(rural.y).index("Zasellë")
    assert math.isnan(rural.x[position])
    assert rural.text[position] == t("chart.missing_mark", "sq") != "0"
    assert figure.layout.xaxis.title.text == "Sipërfaqja (km²)"


def test_settlements_takeaway_names_the_largest_and_its_share():
    text = figures.settlements_takeaway(_settlements(), "en")
    assert (
        text == "Mitrovicë is the largest of the 4 settlements shown, with 32,260 residents "
        "(80% of them)."
    )
    by_density = figures.settlements_takeaway(_settlements(), "sr", "density_desc")
    assert _plain(by_density).startswith(
        "Mitrovicë je najgušće naseljeno od 4 prikazanih naselja: 4.449,7"
    )


def test_treemap_nests_the_settlements_under_their_type():
    figure = figures.settlements_treemap(_settlements(), "sr")
    treemap = figure.data[0]
    assert list(treemap.labels[:2]) == ["Gradsko", "Seosko"]
    assert list(treemap.values[:2]) == [32260, 7304 + 791]
    assert treemap.parents[2:] == ("type:Urban", "type:Rural", "type:Rural", "type:Rural")
    text = figures.treemap_takeaway(_settlements(), "en")
    assert text == (
        "Of the 40,355 residents listed, 80% live in the urban settlement "
        "and 20% in the 3 rural ones."
    )
    rural = _settlements().query("settlement_type == 'Rural'")
    assert (
        figures.treemap_takeaway(rural, "en")
        == "The 3 settlements shown (Rural) have 8,095 residents."
    )


def test_density_differences_keep_only_the_disagreeing_rows():
    differences = figures.density_differences(_settlements())
    assert differences["settlement"].tolist() == ["Mitrovicë", "Zhabar i ulët"]
    assert differences["density_difference"].tolist() == [15.3, -1.4]
    figure = figures.density_figure(differences, "en")
    assert sorted(figure.data[0].x) == [-1.4, 15.3]
    assert figure.data[0].marker.color[list(figure.data[0].y).index("Mitrovicë")] == HIGHLIGHT
    text = figures.density_takeaway(differences, _settlements(), "en")
    assert text.startswith("For 2 of the 3 settlements with an area")
    assert "Mitrovicë: 4,465 printed, 4,449.7 computed" in text


def test_density_takeaway_when_all_agree():
    frame = _settlements().assign(density_differs=False)
    differences = figures.density_differences(frame)
    assert differences.empty
    assert figures.density_takeaway(differences, frame, "en") == (
        "For all 3 settlements with an area, the printed density matches population ÷ area."
    )
    assert (
        figures.density_figure(differences, "en").layout.annotations[0].text
        == "No data for this selection."
    )


def _ethnicity_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ethnicity": ["Shqiptar", "Ashkali", "Të tjerë"],
            "year": [2011] * 3,
            "population": [6949, 647, 231],
            "percent_printed": [96.68, 0.90, 0.32],
            "source_kind": ["table"] * 3,
            "note": [None] * 3,
            "source": ["Tabela 3"] * 3,
        }
    )


@pytest.mark.parametrize(
    ("lang", "label"), [("sq", "Shqiptarë"), ("en", "Albanians"), ("sr", "Albanci")]
)
def test_ethnicity_labels_are_translated(lang, label):
    figure = figures.ethnicity_figure(_ethnicity_table(), lang)
    assert figure.data[0].y[0] == label
    assert list(figure.data[0].x) == [6949, 647, 231]


def test_ethnicity_takeaway_by_source():
    assert figures.ethnicity_takeaway(_ethnicity_table(), "table", "en") == (
        "According to Table 3, Albanians are the largest group: 6,949 residents "
        "(96.68% as printed)."
    )
    text = _ethnicity_table().assign(population=[69497, 647, 47], percent_printed=None)
    assert figures.ethnicity_takeaway(text, "text", "en") == (
        "According to the text of the plan, Albanians are the largest group: 69,497 residents."
    )


def test_the_ethnicity_disagreement_is_spelled_out(database):
    comparison = database.query("ethnicity_source_comparison", {"municipality": "Mitrovicë"})
    items = figures.ethnicity_disagreements(comparison, "en")
    assert "Albanians: 6,949 in Table 3, 69,497 in the text" in items
    assert "Egyptians: 6 in Table 3, no data in the text" in items
    implied = figures.ethnicity_implied(comparison, "en")
    assert "(96.68%) of the 2011 census's 71,909 residents would be about 69,522" in implied


def test_age_takeaway_gives_the_largest_band_and_children():
    frame = pd.DataFrame(
        {
            "age_group": ["0-4", "5-14", "15-19", "20-64", "65+"],
            "age_from": [0, 5, 15, 20, 65],
            "age_to": [4, 14, 19, 64, None],
            "year": [2011] * 5,
            "population": [6454, 13897, 6741, 39743, 5074],
        }
    )
    assert figures.age_takeaway(frame, "en") == (
        "In 2011, 55.3% of residents were aged 20-64; 28.3% were under 15."
    )
    figure = figures.age_figure(frame, "en")
    assert list(figure.data[0].x) == ["0-4", "5-14", "15-19", "20-64", "65+"]


def _age_sex() -> pd.DataFrame:
    rows = []
    for year, scale in ((2011, 1.0), (2024, 0.9)):
        for band, start, male, female in (
            ("0-14", 0, 100, 90),
            ("15-64", 15, 300, 310),
            ("65+", 65, 40, 60),
        ):
            rows.append((year, band, start, "M", round(male * scale), "ASK"))
            rows.append((year, band, start, "F", round(female * scale), "ASK"))
    return pd.DataFrame(
        rows, columns=["year", "age_group", "age_from", "sex", "population", "source"]
    )


def test_age_pyramid_puts_men_left_women_right_and_the_earlier_census_as_lines():
    figure = figures.age_sex_figure(_age_sex(), "en")
    bars = [trace for trace in figure.data if trace.type == "bar"]
    lines = [trace for trace in figure.data if trace.type == "scatter"]
    assert [bar.name for bar in bars] == ["Men 2024", "Women 2024"]
    assert all(x < 0 for x in bars[0].x) and all(x > 0 for x in bars[1].x)
    assert [line.name for line in lines] == ["Men 2011", "Women 2011"]
    assert list(figure.layout.yaxis.categoryarray) == ["0-14", "15-64", "65+"]
    assert figures.age_sex_takeaway(_age_sex(), "en") == (
        "In 2024, 51.1% of the 810 residents counted by age and sex were women."
    )


def test_age_pyramid_outlines_only_the_census_before_the_latest():
    older = _age_sex().assign(year=lambda frame: frame["year"].replace({2011: 2001}))
    frame = pd.concat([older[older["year"] == 2001], _age_sex()], ignore_index=True)
    lines = [
        trace.name for trace in figures.age_sex_figure(frame, "en").data if trace.type == "scatter"
    ]
    assert lines == ["Men 2011", "Women 2011"]


def test_age_pyramid_without_rows_says_so():
    empty = _age_sex().iloc[0:0]
    assert figures.age_sex_takeaway(empty, "en") == "No data for this selection."
    assert (
        figures.age_sex_figure(empty, "en").layout.annotations[0].text
        == "No data for this selection."
    )


def _square(x: float, y: float, size: float = 0.1) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _municipalities() -> tuple[pd.DataFrame, dict]:
    frame = pd.DataFrame(
        {
            "municipality": ["Mitrovicë", "Leposaviq", "Prishtinë"],
            "name_en": ["Mitrovica South", "Leposaviq", "Pristina"],
            "name_sr": ["Južna Mitrovica", "Leposavić", "Priština"],
            "geo_shape_name": [
                "Municipality of Mitrovica",
                "Municipality of Leposaviq",
                "Municipality of Pristina",
            ],
            "population_2011": [71909, None, 198897],
            "population_2024": [64742, 9485, 227466],
            "change": [64742 / 71909 - 1, None, 227466 / 198897 - 1],
            "status_2011": [None, ".", None],
            "note_2011": [None, "not enumerated in 2011", None],
            "source": ["ASK"] * 3,
        }
    )
    boundaries = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"shapeName": name}, "geometry": _square(i, 0)}
            for i, name in enumerate(frame["geo_shape_name"])
        ],
    }
    return frame, boundaries


def test_map_shows_a_missing_2011_figure_as_no_data_never_as_zero():
    frame, boundaries = _municipalities()
    figure = figures.population_change_map(frame, boundaries, "en", "Mitrovicë")
    shapes = [trace for trace in figure.data if trace.fill == "toself"]
    assert len(shapes) == 3
    by_name = {trace.name.split("<br>")[0]: trace for trace in shapes}
    leposaviq = by_name["Leposaviq"]
    assert leposaviq.fillcolor == figures.NO_DATA_COLOUR and leposaviq.fillpattern.shape == "/"
    assert "not enumerated (no data)" in leposaviq.name
    zero = figures.sample_colorscale(figures.CHANGE_COLOURSCALE, [0.5])[0]
    assert all(trace.fillcolor != zero for trace in shapes)
    assert by_name["Mitrovica South"].line.width == 3 and by_name["Pristina"].line.width < 3
    legend = [trace.name for trace in figure.data if trace.showlegend]
    assert legend == ["No 2011 figure (not enumerated)", "Mitrovica South (outlined)"]
    assert figure.layout.annotations[0].text == "<b>Mitrovica South: -10.0%</b>"


def test_map_takeaway_and_colour_range():
    frame, _ = _municipalities()
    assert figures.map_takeaway(frame, "en", "Mitrovicë") == (
        "Mitrovica South's population fell 10.0% from 2011 to 2024 (71,909 to 64,742); "
        "1 of the 2 municipalities with both censuses shrank."
    )
    assert _plain(figures.map_takeaway(frame, "sq", "Mitrovicë")).startswith(
        "Mitrovicë: popullsia u zvogëlua 10,0% nga 2011 në 2024"
    )
    assert figures.change_bound(frame["change"]) == 0.1
    assert figures.change_bound(pd.Series([-0.37, 0.84, None])) == 0.4


def test_every_municipality_of_the_database_has_a_boundary(database):
    from dashboard.boundaries import municipal_boundaries

    frame = database.query("population_change_by_municipality")
    shapes = {f["properties"]["shapeName"] for f in municipal_boundaries()["features"]}
    assert len(frame) == 38 and set(frame["geo_shape_name"]) == shapes
    assert frame["change"].isna().sum() == 4  # the four northern municipalities: no 2011 census
    figure = figures.population_change_map(frame, municipal_boundaries(), "sr", "Mitrovicë")
    assert len([trace for trace in figure.data if trace.fill == "toself"]) == 38
    # Growth beyond the colour scale (Fushë Kosovë +84%) is labelled as such on the scale.
    colour_bar = next(trace for trace in figure.data if trace.marker.showscale)
    assert colour_bar.marker.colorbar.ticktext[-1] == "≥ +40%"
    assert colour_bar.marker.colorbar.ticktext[0] == "-40%"
