"""The overview as the public and staff get it, and its list of what needs attention.

Changes to the data run on a private copy of data/ built into its own databases, so the
session database stays as built.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from dashboard.components.declared import page_layout
from dashboard.components.frame import with_language
from dashboard.i18n import LANGUAGES, t
from dashboard.pipeline import rebuild
from tests.callbacks.page_tools import chart_cards, find, visible_text, walk

ROOT = Path(__file__).resolve().parents[2]
HEADLINES = {
    "overview-population": "/demografia",
    "overview-sns-families": "/ndihma-sociale",
    "overview-sns-members": "/ndihma-sociale",
    "overview-services": "/sherbimet",
    "overview-indicators": "/treguesit",
    "overview-budget": "/buxheti",
}
TEST_SOURCE = "QPS test export (overview test)"


@pytest.fixture(scope="module")
def home(app):
    from dashboard.pages import home

    return home


@pytest.fixture()
def page(app, home):
    """The overview in a language, drawn in a request as the current role asks."""

    def draw(lang: str = "en"):
        with app.server.test_request_context("/"):
            return page_layout(home.PAGE, lang)

    return draw


def add_rows(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open(encoding="utf-8", newline="") as file:
        columns = next(csv.reader(file))
    with path.open("a", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns, lineterminator="\n")
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in columns})


def sns_row(measure: str, period: str, value: int) -> dict[str, object]:
    return {
        "municipality": "Mitrovicë",
        "period": period,
        "period_type": "month",
        "category": "all",
        "measure": measure,
        "value": value,
        "statistic": "month",
        "source": TEST_SOURCE,
    }


@pytest.fixture()
def changed(tmp_path, settings, monkeypatch):
    """A private build whose data differ: `change(data_dir)` edits data/, then it is built."""

    def build(change):
        data = tmp_path / "data"
        shutil.copytree(ROOT / "data", data)
        change(data)
        private = settings.model_copy(
            update={
                "data_dir": data,
                "db_path": tmp_path / "db" / "dms.duckdb",
                "imports_dir": tmp_path / "imports",
            }
        )
        rebuild(private)
        monkeypatch.setattr("dashboard.db.get_settings", lambda: private)
        return private

    return build


def attention_text(layout) -> str:
    return visible_text(find(layout, "attention-list"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_headline_has_its_chart_change_source_and_page(page, lang):
    layout = page(lang)
    cards = chart_cards(layout)
    assert set(cards) == set(HEADLINES)
    for chart_id, path in HEADLINES.items():
        card = cards[chart_id]
        links = [c.href for c in walk(card) if getattr(c, "href", None) and "headline-link" in (
            getattr(c, "className", "") or "")]  # fmt: skip
        assert links == [with_language(path, lang)], chart_id
        source = next(c for c in walk(card) if "source-line" in (getattr(c, "className", "") or ""))
        assert len(visible_text(source)) > len(t("source.prefix", lang)) + 5, chart_id
        assert find(card, f"chart-{chart_id}") is not None, chart_id
        assert t("state.error", lang) not in visible_text(card)
    text = visible_text(layout)
    assert t("headline.attention.heading", lang) in text


def test_headlines_say_each_change_in_words(page):
    cards = chart_cards(page("en"))
    assert "64,742 residents in 2024: −10.0% since 2011 (71,909)." in visible_text(
        cards["overview-population"]
    )
    families = visible_text(cards["overview-sns-families"])
    assert "1,759 families in January 2025: −10.6% from December 2023 (1,967)." in families
    assert "Reference: press report citing ASK's social welfare statistics" in families
    services = visible_text(cards["overview-services"])
    assert "6,735 services" in services and "target of 7,000" in services
    assert "Of 59 plan indicators, 20 are achieved or on track and 9 are off track." in (
        visible_text(cards["overview-indicators"])
    )
    budget = visible_text(cards["overview-budget"])
    assert "«Sector for Social Affairs and Housing» has 99.8%" in budget
    sr = visible_text(chart_cards(page("sr"))["overview-budget"])
    assert "«Sektor za socijalna pitanja i stanovanje» ima 99,8%" in sr


def test_the_list_is_computed_from_the_built_data(page, database):
    from dashboard.plan_indicators import indicators_with_status

    layout = page("en")
    text = attention_text(layout)
    with_status = indicators_with_status(database)
    counts = with_status["status"].value_counts()
    good, off_count = counts.get("achieved", 0) + counts.get("on_track", 0), counts["off_track"]
    # The status card counts every indicator once, by the rule of the Indicators page.
    assert int(database.query("plan_summary")["indicators"].iloc[0]) == counts.sum()
    assert (
        f"Of {counts.sum()} plan indicators, {good} are achieved or on track and "
        f"{off_count} are off track."
    ) in visible_text(chart_cards(layout)["overview-indicators"])
    off = sorted(with_status.loc[with_status["status"] == "off_track", "indicator_code"])
    assert f"{len(off)} plan indicators are off track: {', '.join(off)}." in text
    findings = len(database.query("data_quality_findings"))
    assert f"{findings} data-quality findings are not yet settled" in text
    assert "rose" not in text  # families and members fell in the documents' figures


def test_the_list_changes_with_the_data(changed, page):
    before = attention_text(page("en"))
    assert "2.3.a" in before and "rose" not in before

    def change(data: Path) -> None:
        add_rows(data / "sns_beneficiaries.csv", [sns_row("families", "2026-01", 2100)])
        path = data / "plan_indicator_values.csv"
        text = path.read_text(encoding="utf-8")
        reported = "2.3.a,2024,reported,1696,"
        assert reported in text
        path.write_text(text.replace(reported, "2.3.a,2024,reported,7000,"), encoding="utf-8")

    changed(change)
    after = attention_text(page("en"))
    assert "The families on social assistance rose to 2,100 in January 2026" in after
    assert "from 1,759 in January 2025 (+19.4%)" in after
    assert "2.3.a" not in after and "8 plan indicators are off track" in after
    assert "2,100 families in January 2026" in visible_text(
        chart_cards(page("en"))["overview-sns-families"]
    )


def test_a_finding_settled_by_staff_leaves_the_list(changed, page, database):
    from dashboard import reviews

    private = changed(lambda data: None)
    findings = len(database.query("data_quality_findings"))
    assert f"{findings} data-quality findings" in attention_text(page("en"))
    finding = database.query("data_quality_findings")["finding_id"].iloc[0]
    reviews.decide(private, "finding_mark", finding, "accepted", "read as printed", "editor")
    assert f"{findings - 1} data-quality findings" in attention_text(page("en"))


def test_the_public_gets_published_figures_and_staff_every_figure(app, changed, page, monkeypatch):
    # A count below the threshold from an imported source: staff see it, the public does not.
    changed(
        lambda data: add_rows(data / "sns_beneficiaries.csv", [sns_row("members", "2024-02", 3)])
    )
    public = visible_text(chart_cards(page("en"))["overview-sns-members"])
    assert "8,672 family members in February 2023" in public
    # The withheld figure is marked in the card's table (filled from the chart's rows when
    # opened), never shown.
    from dashboard.components.chart_data import chart_rows

    with app.server.test_request_context("/"):
        rows = chart_rows("overview-sns-members", {"lang": "en"})
    withheld = rows[rows["period"] == "2024-02"]
    assert list(withheld["status"]) == ["< 5"] and withheld["value"].isna().all()
    assert "3 family members" not in public
    monkeypatch.setattr("dashboard.auth.current_role", lambda: "viewer")
    staff = visible_text(chart_cards(page("en"))["overview-sns-members"])
    assert "3 family members in February 2024: −100.0% from February 2023 (8,672)." in staff
    assert "< 5" not in staff
    sr = visible_text(chart_cards(page("sr"))["overview-sns-members"])
    assert "3 člana porodica u periodu februar 2024" in sr  # Serbian "few"
