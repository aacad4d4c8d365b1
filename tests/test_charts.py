from __future__ import annotations

import pandas as pd
import plotly.io as pio
import pytest

from analysis import charts


def _render(figure) -> str:
    """Render to standalone HTML without kaleido; fails on invalid figure properties."""
    return pio.to_html(figure, include_plotlyjs=False, full_html=False)


@pytest.fixture
def shares() -> pd.DataFrame:
    return pd.DataFrame({
        "language": ["ar", "ar", "fa", "fa"],
        "theme": ["terrorism", "foreign_interference"] * 2,
        "paragraphs": [6, 6, 31, 31],
        "with_theme": [3, 1, 12, 4],
        "share": [0.5, 1 / 6, 12 / 31, 4 / 31],
        "ci_low": [0.1876, 0.0301, 0.2365, 0.0513],
        "ci_high": [0.8124, 0.5635, 0.5566, 0.2891],
        "articles": [3, 3, 2, 2],
    })


def test_shares_chart_puts_persian_first_with_counts_and_click_data(shares: pd.DataFrame) -> None:
    figure = charts.shares_by_language_chart(shares)
    persian, arabic = figure.data
    assert (persian.name, arabic.name) == ("Persian (fa)", "Arabic (ar)")
    assert list(persian.x) == ["terrorism", "foreign interference"]
    assert list(persian.y) == pytest.approx([100 * 12 / 31, 100 * 4 / 31])
    assert list(persian.text) == ["39 % (12/31)", "13 % (4/31)"]
    assert [row[:2] for row in persian.customdata] == [["terrorism", "fa"], ["foreign_interference", "fa"]]
    assert list(arabic.error_y.array) == pytest.approx([81.24 - 50, 56.35 - 100 / 6])
    assert list(arabic.error_y.arrayminus) == pytest.approx([50 - 18.76, 100 / 6 - 3.01])
    assert persian.marker.color != arabic.marker.color
    assert figure.layout.barmode == "group"
    assert figure.layout.yaxis.title.text == "Share of kept paragraphs (%)"
    assert "Persian (fa)" in _render(figure)


def test_shares_chart_empty_selection_shows_a_message(shares: pd.DataFrame) -> None:
    figure = charts.shares_by_language_chart(shares.iloc[0:0])
    assert len(figure.data) == 0
    assert figure.layout.annotations[0].text == "No kept paragraphs in this selection."
    with pytest.raises(ValueError, match="ci_low"):
        charts.shares_by_language_chart(shares.drop(columns="ci_low"))


def test_outlet_heatmap_cells_follow_matrix_order() -> None:
    matrix = pd.DataFrame({
        "outlet": ["RT Arabic", "RT Arabic", "تسنیم", "تسنیم"],
        "language": ["ar", "ar", "fa", "fa"],
        "theme": ["terrorism", "limited_mission"] * 2,
        "paragraphs": [4, 4, 3, 3],
        "with_theme": [2, 0, 3, 1],
        "share": [0.5, 0.0, 1.0, 1 / 3],
        "articles": [2, 2, 1, 1],
    })
    heatmap = charts.outlet_heatmap(matrix).data[0]
    assert list(heatmap.y) == ["RT Arabic (ar)", "تسنیم (fa)"]
    assert list(heatmap.x) == ["terrorism", "limited mission"]
    assert heatmap.z[0].tolist() == [50, 0] and heatmap.z[1].tolist() == pytest.approx([100, 100 / 3])
    assert heatmap.text[1] == ["100 %<br>3/3", "33 %<br>1/3"]
    assert heatmap.customdata[0][0].tolist() == [2, 4, 2]
    _render(charts.outlet_heatmap(matrix))


def test_article_strip_chart_colours_cells_by_theme_with_snippets() -> None:
    long_text = "نیروهای حافظ صلح " * 20
    strip = pd.DataFrame({
        "doc_id": ["fa1", "fa1", "fa1", "ar1", "ar2"],
        "outlet": ["Tasnim", "Tasnim", "Tasnim", "RT Arabic", "RT Arabic"],
        "date": ["2022-01-10", "2022-01-10", "2022-01-10", "2022-01-10", "2022-01-10"],
        "cell": [0, 1, 2, 0, 0],
        "paragraph_id": ["fa1-0", "fa1-1", "fa1-3", "ar1-0", "ar2-0"],
        "dominant_theme": ["none", "terrorism", "terrorism", "limited_mission", "none"],
        "text": [long_text, "تروریسم <b>", "ب", "مهمة محدودة", "الأحداث"],
    })
    figure = charts.article_strip_chart(strip, theme_ids=["limited_mission", "terrorism"])
    by_name = {trace.name: trace for trace in figure.data}
    assert list(by_name) == ["limited mission", "terrorism", "none"]
    assert by_name["none"].marker.color == charts.NO_THEME_COLOR
    assert by_name["terrorism"].marker.color == charts.theme_colors(["limited_mission", "terrorism"])["terrorism"]
    assert list(by_name["terrorism"].x) == [2, 3]
    assert list(by_name["none"].y) == ["Tasnim · 2022-01-10", "RT Arabic · 2022-01-10 (2)"]
    assert by_name["terrorism"].customdata[0] == ["fa1-1", "fa1", "terrorism"]
    assert by_name["terrorism"].hovertext[0] == "تروریسم &lt;b&gt;"
    snippet = by_name["none"].hovertext[0]
    assert snippet.endswith("…") and len(snippet.replace("<br>", " ")) <= 121
    assert list(figure.layout.yaxis.categoryarray) == [
        "Tasnim · 2022-01-10", "RT Arabic · 2022-01-10", "RT Arabic · 2022-01-10 (2)"]
    _render(figure)


def test_distinctive_terms_chart_bars_and_empty_input() -> None:
    terms = pd.DataFrame({
        "term": ["الإرهاب", "السلام"], "count_theme": [5, 1], "count_rest": [0, 4],
        "log_odds": [1.2, -0.4], "z": [2.5, -0.8],
    })
    figure = charts.distinctive_terms_chart(terms, title="Terrorism in Arabic")
    bar = figure.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == ["الإرهاب", "السلام"] and list(bar.x) == [2.5, -0.8]
    assert bar.marker.color[0] != bar.marker.color[1]
    assert figure.layout.title.text == "Terrorism in Arabic"
    _render(figure)
    empty = charts.distinctive_terms_chart(terms.iloc[0:0])
    assert len(empty.data) == 0 and empty.layout.annotations


def test_theme_colors_are_fixed_by_position_and_cycle() -> None:
    themes = [f"t{index}" for index in range(8)]
    colors = charts.theme_colors(themes)
    assert colors["t0"] == colors["t6"] != colors["t1"]
    assert colors["none"] == charts.NO_THEME_COLOR


def test_theme_labels_replace_ids_in_charts(shares: pd.DataFrame) -> None:
    labels = {"terrorism": "Security threat"}
    figure = charts.shares_by_language_chart(shares, labels=labels)
    assert list(figure.data[0].x) == ["Security threat", "foreign interference"]
    assert figure.data[0].customdata[0][0] == "terrorism"
    matrix = shares.rename(columns={"language": "outlet"}).assign(language="fa")
    assert list(charts.outlet_heatmap(matrix, labels=labels).data[0].x) == ["Security threat", "foreign interference"]


def test_clicked_bar_reads_theme_and_language_from_customdata(shares: pd.DataFrame) -> None:
    customdata = charts.shares_by_language_chart(shares).data[1].customdata[1]
    points = [{"curve_number": 1, "x": "foreign interference", "customdata": list(customdata)}]
    assert charts.clicked_bar(points) == ("foreign_interference", "ar")
    assert charts.clicked_bar([]) is None
    assert charts.clicked_bar([{"x": 1.0}]) is None
