from __future__ import annotations

import colorsys
import datetime as dt
import json
import math
from collections.abc import Iterator

import pandas as pd
import plotly.io as pio
import pytest

from analysis import charts, words


def _render(figure) -> str:
    """Render to standalone HTML without kaleido; fails on invalid figure properties."""
    return pio.to_html(figure, include_plotlyjs=False, full_html=False)


@pytest.fixture
def shares() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "language": ["ar", "ar", "fa", "fa"],
            "theme": ["terrorism", "foreign_interference"] * 2,
            "paragraphs": [6, 6, 31, 31],
            "with_theme": [3, 1, 12, 4],
            "share": [0.5, 1 / 6, 12 / 31, 4 / 31],
            "ci_low": [0.1876, 0.0301, 0.2365, 0.0513],
            "ci_high": [0.8124, 0.5635, 0.5566, 0.2891],
            "articles": [3, 3, 2, 2],
        }
    )


def test_shares_chart_puts_persian_first_with_counts_and_click_data(shares: pd.DataFrame) -> None:
    figure = charts.shares_by_language_chart(shares)
    persian, arabic, persian_labels, arabic_labels = figure.data
    assert (persian.name, arabic.name) == ("Persian (fa)", "Arabic (ar)")
    assert persian.orientation == "h" and persian.type == "bar" and persian_labels.mode == "text"  # level labels on a phone
    assert list(persian.y) == ["terrorism", "foreign<br>interference"]
    assert list(persian.x) == pytest.approx([100 * 12 / 31, 100 * 4 / 31])
    assert [text.strip() for text in persian_labels.text] == ["39 % (12/31)", "13 % (4/31)"]
    assert list(persian_labels.x) == pytest.approx([55.66, 28.91])  # just beyond the whisker
    assert not persian_labels.showlegend and arabic_labels.offsetgroup == arabic.offsetgroup == "ar"
    assert [row[:2] for row in persian.customdata] == [["terrorism", "fa"], ["foreign_interference", "fa"]]
    assert [row[7] for row in arabic.customdata] == ["in 3 articles", "in 3 articles"]
    assert list(arabic.error_x.array) == pytest.approx([81.24 - 50, 56.35 - 100 / 6])
    assert list(arabic.error_x.arrayminus) == pytest.approx([50 - 18.76, 100 / 6 - 3.01])
    assert persian.marker.color == charts.LANGUAGE_COLORS["fa"] != arabic.marker.color == charts.LANGUAGE_COLORS["ar"]
    assert figure.layout.barmode == "group" and figure.layout.scattermode == "group"
    assert figure.layout.xaxis.title.text == "Share of kept paragraphs (%)"
    assert "Persian (fa)" in _render(figure)


def test_languages_and_themes_have_palettes_of_their_own() -> None:
    def hue(color: str) -> float:
        red, green, blue = (int(color[index : index + 2], 16) / 255 for index in (1, 3, 5))
        return colorsys.rgb_to_hls(red, green, blue)[0] * 360

    languages, themes = list(charts.LANGUAGE_COLORS.values()), charts.THEME_PALETTE
    assert not set(languages) & set(themes) and charts.NO_THEME_COLOR not in languages
    for language in languages:
        for theme in themes:
            distance = abs(hue(language) - hue(theme))
            assert min(distance, 360 - distance) > 20, (language, theme)  # Arabic vermillion is no theme's orange
    assert charts.language_color("fa") != charts.language_color("ar") and charts.language_color("en") == charts.OTHER_COLOR


def test_shares_chart_empty_selection_shows_a_message(shares: pd.DataFrame) -> None:
    figure = charts.shares_by_language_chart(shares.iloc[0:0])
    assert len(figure.data) == 0
    assert figure.layout.annotations[0].text == "No kept paragraphs in this selection."
    with pytest.raises(ValueError, match="ci_low"):
        charts.shares_by_language_chart(shares.drop(columns="ci_low"))


def test_outlet_heatmap_cells_follow_matrix_order() -> None:
    matrix = pd.DataFrame(
        {
            "outlet": ["RT Arabic", "RT Arabic", "تسنیم", "تسنیم"],
            "language": ["ar", "ar", "fa", "fa"],
            "theme": ["terrorism", "limited_mission"] * 2,
            "paragraphs": [14, 14, 13, 13],
            "with_theme": [7, 0, 13, 1],
            "share": [0.5, 0.0, 1.0, 1 / 13],
            "articles": [2, 2, 1, 1],
        }
    )
    figure = charts.outlet_heatmap(matrix)
    heatmap = figure.data[0]
    assert len(figure.data) == 1  # no cell with too few paragraphs
    assert list(heatmap.y) == ["تسنیم<br>fa · 13 paragraphs", "RT Arabic<br>ar · 14 paragraphs"]  # Persian first
    assert list(heatmap.x) == ["terrorism", "limited<br>mission"] and figure.layout.xaxis.side == "top"
    assert heatmap.z[0].tolist() == pytest.approx([100, 100 / 13]) and heatmap.z[1].tolist() == [50, 0]
    assert heatmap.text[0] == ["100 %<br>13/13", "8 %<br>1/13"]
    assert heatmap.customdata[1][0].tolist() == [7, 14, "2 articles"] and heatmap.customdata[0][0][2] == "1 article"
    assert len(figure.layout.shapes) == 1  # the line between Persian and Arabic
    _render(figure)


def test_outlet_heatmap_leaves_small_outlets_unpainted_and_folds_many() -> None:
    rows = [("Big", "ar", 40, 10), ("Tiny", "ar", 1, 1), ("Small", "fa", 5, 2), ("Large", "fa", 30, 3)]
    matrix = pd.DataFrame(
        [
            {"outlet": outlet, "language": language, "theme": "terrorism", "paragraphs": n, "with_theme": k, "share": k / n, "articles": 1}
            for outlet, language, n, k in rows
        ]
    )
    figure = charts.outlet_heatmap(matrix)
    shares, few = figure.data
    assert [label.split("<br>")[0] for label in shares.y] == ["Large", "Small", "Big", "Tiny"]  # language, then size
    assert math.isnan(shares.z[3][0]) and shares.text[3] == [""]  # 1/1 is not painted as 100 %
    assert few.text[3] == ["1/1"] and few.text[1] == ["2/5"] and math.isnan(few.z[0][0]) and not few.showscale
    assert "too few for a share" in few.hovertemplate and "White: fewer than 10" in figure.layout.title.subtitle.text
    one = charts.outlet_heatmap(matrix.head(1))
    assert one.layout.height >= 330 and one.data[0].colorbar.orientation == "h"  # one outlet keeps a readable colour bar
    many = pd.DataFrame(
        [
            {"outlet": f"o{index}", "language": "fa" if index % 2 else "ar", "theme": "terrorism", "paragraphs": 30 if index < 5 else 2,
             "with_theme": 1, "share": 1 / (30 if index < 5 else 2), "articles": 1}
            for index in range(40)
        ]
    )  # fmt: skip
    folded = charts.outlet_rows(many)
    assert len(folded) == 7 and folded["outlets"].tolist() == [1, 1, 18, 1, 1, 1, 17]
    assert folded["outlet"].iloc[2] == "18 other Persian outlets (fewer than 10 paragraphs each)"
    assert folded["paragraphs"].iloc[2] == 36 and folded["with_theme"].iloc[2] == 18
    assert len(charts.outlet_rows(many, fold_after=100)) == 40
    assert "folded into one row per language" in charts.outlet_heatmap(many).layout.title.subtitle.text


def test_article_strip_chart_colours_cells_by_theme_with_snippets() -> None:
    long_text = "نیروهای حافظ صلح " * 20
    strip = pd.DataFrame(
        {
            "doc_id": ["fa1", "fa1", "fa1", "ar1", "ar2"],
            "outlet": ["Tasnim", "Tasnim", "Tasnim", "RT Arabic", "RT Arabic"],
            "date": ["2022-01-10", "2022-01-10", "2022-01-10", "2022-01-10", "2022-01-10"],
            "cell": [0, 1, 2, 0, 0],
            "position": [0, 1, 3, 0, 0],
            "paragraph_id": ["fa1-0", "fa1-1", "fa1-3", "ar1-0", "ar2-0"],
            "dominant_theme": ["none", "terrorism", "terrorism", "limited_mission", "none"],
            "text": [long_text, "تروریسم <b>", "ب", "مهمة محدودة", "الأحداث"],
        }
    )
    figure = charts.article_strip_chart(strip, theme_ids=["limited_mission", "terrorism"])
    by_name = {trace.name: trace for trace in figure.data}
    assert list(by_name) == ["limited mission", "terrorism", "none"]
    assert by_name["none"].marker.color == charts.NO_THEME_COLOR
    assert by_name["terrorism"].marker.color == charts.theme_colors(["limited_mission", "terrorism"])["terrorism"]
    assert list(by_name["terrorism"].base) == [1.5, 3.5] and list(by_name["terrorism"].x) == [1, 1]  # ¶ 2 and ¶ 4: ¶ 3 was dropped
    assert by_name["terrorism"].type == "bar" and figure.layout.barmode == "overlay"  # cells stretch with the width
    assert list(by_name["none"].y) == ["Tasnim<br>2022-01-10", "RT Arabic<br>2022-01-10 (2)"]
    assert list(by_name["terrorism"].customdata[0]) == ["fa1-1", "fa1", "terrorism", "Tasnim · 2022-01-10"]
    assert by_name["terrorism"].hovertext[0] == "¶ 2 · تروریسم &lt;b&gt;"
    snippet = by_name["none"].hovertext[0]
    assert snippet.startswith("¶ 1 · ") and snippet.endswith("…") and len(snippet.removeprefix("¶ 1 · ").replace("<br>", " ")) <= 121
    assert list(figure.layout.yaxis.categoryarray) == ["Tasnim<br>2022-01-10", "RT Arabic<br>2022-01-10", "RT Arabic<br>2022-01-10 (2)"]
    assert figure.layout.title.subtitle.text.startswith("3 articles.")
    _render(figure)


def test_snippet_lines_are_textwrap_s() -> None:
    """The hover snippets' fast wrapping gives textwrap's lines, hyphens, long words and odd spacing included."""
    import random
    import textwrap

    rng = random.Random(0)
    alphabet = "abفارسیعربي\u200c.,!?-"
    texts = ["", "a", "a" * 60, "a" * 61, "x " * 40, "re-enter the pre-war status quo " * 3, "a  b", " a", "a "]
    for _ in range(3000):
        lengths = [rng.choice([1, 2, 5, 8, 13, 30, 59, 60, 61, 75]) for _ in range(rng.randint(0, 12))]
        texts.append(" ".join("".join(rng.choice(alphabet) for _ in range(length)) for length in lengths))
    for text in texts:
        for width in (60, 7, 1):
            assert charts._wrap_words(text, width) == textwrap.wrap(text, width), (text, width)


def test_distinctive_terms_chart_bars_and_empty_input() -> None:
    terms = pd.DataFrame(
        {
            "term": ["الإرهاب", "السلام"],
            "count_theme": [5, 1],
            "count_rest": [0, 4],
            "log_odds": [1.2, -0.4],
            "z": [2.5, -0.8],
        }
    )
    figure = charts.distinctive_terms_chart(terms, title="Terrorism in Arabic")
    bar = figure.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == ["الإرهاب ✓", "السلام"] and list(bar.x) == [2.5, -0.8]
    assert bar.marker.color[0] != bar.marker.color[1]
    assert figure.layout.title.text == "Terrorism in Arabic"
    _render(figure)
    empty = charts.distinctive_terms_chart(terms.iloc[0:0])
    assert len(empty.data) == 0 and empty.layout.annotations


@pytest.mark.parametrize(
    ("z", "significant", "language", "marked", "subtitle"),
    [
        ([3.1, 2.0, 1.2], [True, True, False], "ar", ["الانسحاب ✓", "ألماتي ✓", "الدولة"], "2 words of 3 pass the line |z| ≥ 1.96 (✓)"),
        ([2.4, 1.5, 0.9], [True, False, False], "fa", ["الانسحاب ✓", "ألماتي", "الدولة"], "1 word of 3 passes the line"),
        ([1.8, 1.5, 0.9], [False, False, False], "ar", ["الانسحاب", "ألماتي", "الدولة"], "No word passes the line |z| ≥ 1.96"),
    ],
)
def test_distinctive_terms_chart_counts_and_the_significance_line(
    z: list[float], significant: list[bool], language: str, marked: list[str], subtitle: str
) -> None:
    terms = pd.DataFrame(
        {
            "term": ["الانسحاب", "ألماتي", "الدولة"],
            "count_theme": [12, 5, 5],
            "count_rest": [0, 0, 1],
            "log_odds": [1.5, 1.0, 0.8],
            "z": z,
            "significant": significant,
            "articles_theme": [3, 1, 2],
            "variants": ["الانسحاب 8 · انسحابها 4", "ألماتي 5", "الدولة 5 · للدولة 1"],
            "key": ["انسحاب", "الماتي", "دوله"],
        }
    )
    figure = charts.distinctive_terms_chart(terms, title="Terrorism", language=language)
    bar = figure.data[0]
    assert list(bar.y) == marked
    assert list(bar.text) == ["12 vs 0", "5 vs 0", "5 vs 1"]
    colors = [charts.LANGUAGE_COLORS[language] if passes else charts.OTHER_COLOR for passes in significant]
    assert list(bar.marker.color) == colors
    assert subtitle in figure.layout.title.subtitle.text
    assert list(bar.customdata[0][:3]) == ["انسحاب", 12, 0]
    assert charts.clicked_term([{"customdata": list(bar.customdata[2])}]) == "دوله"
    assert any(shape.x0 == charts.SIGNIFICANT_Z for shape in figure.layout.shapes)
    _render(figure)


def test_clicked_term_ignores_points_without_data() -> None:
    assert charts.clicked_term([]) is None
    assert charts.clicked_term([{"x": 1.0}, {"customdata": []}]) is None
    assert charts.clicked_term([{"x": 1.0}, {"customdata": ["انسحاب", 12]}]) == "انسحاب"
    assert charts.SIGNIFICANT_Z == words.SIGNIFICANT_Z


def test_theme_colors_are_fixed_by_position_and_cycle() -> None:
    themes = [f"t{index}" for index in range(8)]
    colors = charts.theme_colors(themes)
    assert colors["t0"] == colors["t6"] != colors["t1"]
    assert colors["none"] == charts.NO_THEME_COLOR


def test_theme_labels_replace_ids_in_charts(shares: pd.DataFrame) -> None:
    labels = {"terrorism": "Security threat"}
    figure = charts.shares_by_language_chart(shares, labels=labels)
    assert list(figure.data[0].y) == ["Security<br>threat", "foreign<br>interference"]
    assert figure.data[0].customdata[0][0] == "terrorism"
    matrix = shares.rename(columns={"language": "outlet"}).assign(language="fa")
    assert list(charts.outlet_heatmap(matrix, labels=labels).data[0].x) == ["Security<br>threat", "foreign<br>interference"]


def test_clicked_bar_reads_theme_and_language_from_customdata(shares: pd.DataFrame) -> None:
    customdata = charts.shares_by_language_chart(shares).data[1].customdata[1]
    points = [{"curve_number": 1, "x": "foreign interference", "customdata": list(customdata)}]
    assert charts.clicked_bar(points) == ("foreign_interference", "ar")
    assert charts.clicked_bar([]) is None
    assert charts.clicked_bar([{"x": 1.0}]) is None


HOSTILE = "<b>Bold</b> <a href='https://evil.example'>x</a>"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<b>Bold</b>", "&lt;b&gt;Bold&lt;/b&gt;"),
        ("<a href='https://evil.example'>x</a>", "&lt;a href='https://evil.example'&gt;x&lt;/a&gt;"),
        ("AT&T <br> %{x}", "AT&amp;T &lt;br&gt; %{x}"),
        ("&lt;i&gt;", "&amp;lt;i&amp;gt;"),
        ("تسنیم", "تسنیم"),
        (7, "7"),
    ],
)
def test_plain_escapes_every_tag_plotly_would_render(text: object, shown: str) -> None:
    assert charts.plain(text) == shown


def _hostile_figures() -> dict[str, object]:
    """Every chart built from corpus strings (outlet, text, term, title, theme label) that carry markup."""
    labels = {"terrorism": "<i>Terror</i>"}
    shares = pd.DataFrame(
        {
            "language": ["<b>xx</b>"],
            "theme": ["terrorism"],
            "paragraphs": [2],
            "with_theme": [1],
            "share": [0.5],
            "ci_low": [0.1],
            "ci_high": [0.9],
            "articles": [1],
        }
    )
    matrix = shares.assign(outlet=HOSTILE, language="fa")
    strip = pd.DataFrame(
        {
            "doc_id": ["d"],
            "outlet": [HOSTILE],
            "date": ["<u>2022</u>"],
            "cell": [0],
            "position": [4],
            "paragraph_id": ["d:4"],
            "dominant_theme": ["terrorism"],
            "text": ["<script>alert(1)</script><img src=x onerror=alert(2)>"],
        }
    )
    terms = pd.DataFrame({"term": ["<s>struck</s>"], "count_theme": [3], "count_rest": [0], "log_odds": [1.0], "z": [2.2]})
    return {
        "shares": charts.shares_by_language_chart(shares, labels=labels),
        "heatmap": charts.outlet_heatmap(matrix, labels=labels),
        "strip": charts.article_strip_chart(strip, labels=labels),
        "terms": charts.distinctive_terms_chart(terms, title=f"{HOSTILE}: distinctive words"),
    }


def _shown_strings(node: object) -> Iterator[str]:
    """Every string of a figure's JSON that plotly may render: not the charts' own templates, not the
    ``customdata`` ids that click events read (shown only through a template's numeric fields)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("hovertemplate", "texttemplate", "customdata"):
                yield from _shown_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _shown_strings(value)
    elif isinstance(node, str):
        yield node


@pytest.mark.parametrize("name", ["shares", "heatmap", "strip", "terms"])
def test_no_corpus_markup_reaches_a_figure(name: str) -> None:
    shown = [text.replace("<br>", "") for text in _shown_strings(json.loads(_hostile_figures()[name].to_json()))]
    assert [text for text in shown if "<" in text] == []
    assert any("&lt;" in text for text in shown)


def test_hostile_strings_stay_readable_and_out_of_hover_templates() -> None:
    figures = _hostile_figures()
    heatmap = figures["heatmap"].data[0]
    assert heatmap.y[0].replace("<br>", " ").startswith(charts.plain(HOSTILE)) and list(heatmap.x) == ["&lt;i&gt;Terror&lt;/i&gt;"]
    strip = figures["strip"].data[0]
    assert strip.name == "&lt;i&gt;Terror&lt;/i&gt;" and "Terror" not in strip.hovertemplate
    assert strip.hovertext[0].startswith("¶ 5 · &lt;script&gt;")
    assert figures["shares"].data[0].name == "&lt;b&gt;xx&lt;/b&gt;" and "xx" not in figures["shares"].data[0].hovertemplate
    assert figures["terms"].layout.title.text.startswith("&lt;b&gt;Bold")


@pytest.fixture
def timeline() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": ["2022-01-07", "2022-01-07", "2022-01-10", "2022-01-10", "2022-01-10", "2022-01-10", "undated", "undated"],
            "language": ["fa", "fa", "fa", "fa", "ar", "ar", "ar", "ar"],
            "theme": ["terrorism", "limited_mission"] * 4,
            "paragraphs": [12, 12, 9, 9, 20, 20, 4, 4],
            "with_theme": [1, 1, 2, 3, 8, 0, 1, 0],
            "share": [1 / 12, 1 / 12, 2 / 9, 1 / 3, 0.4, 0.0, 0.25, 0.0],
            "ci_low": [0.0149, 0.0149, 0.0632, 0.1206, 0.2188, 0.0, 0.0456, 0.0],
            "ci_high": [0.3539, 0.3539, 0.5474, 0.6458, 0.6134, 0.1611, 0.6994, 0.4899],
            "articles": [1, 1, 1, 1, 1, 1, 2, 2],
            "few": [False, False, True, True, False, False, True, True],
        }
    )


def test_timeline_chart_one_panel_per_theme_a_line_per_language_with_counts_and_click_data(timeline: pd.DataFrame) -> None:
    figure = charts.timeline_chart(timeline, theme_ids=["terrorism", "foreign_interference", "limited_mission"])
    assert [(trace.name, trace.xaxis) for trace in figure.data] == [
        ("Persian (fa)", "x"), ("Persian (fa)", "x2"), ("Arabic (ar)", "x"), ("Arabic (ar)", "x2"),
    ]  # fmt: skip
    assert [trace.showlegend for trace in figure.data] == [True, False, True, False]
    persian = figure.data[0]
    assert list(persian.y) == pytest.approx([100 / 12, 200 / 9])
    assert list(persian.text) == ["1/12", "2/9"]
    assert list(persian.marker.symbol) == ["circle", "circle-open"]  # 9 paragraphs: fewer than 10
    assert list(persian.error_y.array) == pytest.approx([35.39 - 100 / 12, 54.74 - 200 / 9])
    assert persian.customdata[1][:5] == ["terrorism", "fa", "", "2022-01-10", "2022-01-10"]
    assert persian.customdata[1][5:8] == [2, 9, 1] and persian.customdata[1][10] == "10 Jan 2022"
    assert "fewer than 10" in persian.customdata[1][11] and persian.customdata[0][11] == ""
    assert persian.marker.color == charts.LANGUAGE_COLORS["fa"] and figure.data[2].marker.color == charts.LANGUAGE_COLORS["ar"]
    titles = [annotation for annotation in figure.layout.annotations if annotation.text in ("terrorism", "limited mission")]
    colors = charts.theme_colors(["terrorism", "foreign_interference", "limited_mission"])
    assert [(title.text, title.font.color) for title in titles] == [
        ("terrorism", colors["terrorism"]), ("limited mission", colors["limited_mission"]),
    ]  # fmt: skip
    assert "4 undated paragraphs not shown" in figure.layout.title.subtitle.text.replace("<br>", " ")
    assert charts.clicked_point([{"x": 1}, {"customdata": persian.customdata[1]}]) == {
        "theme": "terrorism", "language": "fa", "outlet": None, "dates": (dt.date(2022, 1, 10), dt.date(2022, 1, 10)),
    }  # fmt: skip
    assert charts.clicked_point([{"customdata": ["terrorism", "fa"]}]) is None
    _render(figure)


def test_timeline_chart_per_week_and_outlet_and_empty(timeline: pd.DataFrame) -> None:
    weekly = timeline.rename(columns={"date": "week"}).assign(week=timeline["date"].replace({"2022-01-07": "2022-01-03"}))
    per_outlet = weekly.assign(outlet=["Fars", "Fars", "Tasnim", "Tasnim", "RT <b>Arabic</b>", "RT <b>Arabic</b>", "RT", "RT"])
    figure = charts.timeline_chart(per_outlet)
    assert [trace.name for trace in figure.data][::2] == ["Fars (fa)", "Tasnim (fa)", "RT &lt;b&gt;Arabic&lt;/b&gt; (ar)"]
    fars, tasnim = figure.data[0], figure.data[2]
    assert fars.customdata[0][2:5] == ["Fars", "2022-01-03", "2022-01-09"] and fars.customdata[0][10] == "week of 3–9 Jan 2022"
    assert (fars.marker.symbol[0], tasnim.marker.symbol[0]) == ("circle", "square-open")
    assert fars.marker.color == tasnim.marker.color == charts.LANGUAGE_COLORS["fa"]
    assert charts.clicked_point([{"customdata": fars.customdata[0]}])["outlet"] == "Fars"
    assert figure.layout.xaxis2.title.text == "Week starting (Monday)" and figure.layout.xaxis.dtick == 7 * 24 * 3600 * 1000
    assert "Arabic</b>" not in json.dumps(figure.to_plotly_json()["data"][4]["name"])
    empty = charts.timeline_chart(timeline[timeline["date"] == "undated"])
    assert len(empty.data) == 0
    assert empty.layout.annotations[0].text == "No dated kept paragraphs in this selection. 4 undated paragraphs not shown (see the table)."


def _voices_table() -> pd.DataFrame:
    """Kept paragraphs with voices: Persian 4 (2 terrorism: 1 own, 1 attributed to putin), Arabic 2 (1 terrorism, attributed)."""
    rows = [
        ("fa1", "fa", True, "outlet", ""),
        ("fa1", "fa", True, "attributed", "putin"),
        ("fa2", "fa", False, "attributed", "<b>x</b>"),
        ("fa2", "fa", False, "outlet", ""),
        ("ar1", "ar", True, "attributed", "tokayev"),
        ("ar1", "ar", False, "outlet", ""),
    ]
    return pd.DataFrame(
        [
            {"doc_id": doc, "language": language, "kept": True, "has_terrorism": has, "voice": voice, "speaker": speaker}
            for doc, language, has, voice, speaker in rows
        ]
    )


def test_voice_shares_chart_stacks_own_words_under_attributed_per_language() -> None:
    from analysis import compare

    figure = charts.voice_shares_chart(compare.theme_voices(_voices_table(), ["terrorism"]), labels={"terrorism": "<i>Terror</i>"})
    assert [trace.name for trace in figure.data] == [
        "Persian (fa): the outlet's own words",
        "Persian (fa): attributed (reported speech)",
        "Arabic (ar): the outlet's own words",
        "Arabic (ar): attributed (reported speech)",
    ]
    own_fa, said_fa, own_ar, said_ar = figure.data
    assert list(own_fa.x) == ["&lt;i&gt;Terror&lt;/i&gt;"]
    assert list(own_fa.y) == [25.0] and list(said_fa.y) == [25.0] and list(said_fa.base) == [25.0]  # stacked: 50 % in all
    assert list(own_ar.y) == [0.0] and list(said_ar.y) == [50.0] and list(said_ar.base) == [0.0]
    assert own_fa.offsetgroup == said_fa.offsetgroup == "fa" and said_fa.marker.pattern.shape == "/" and own_fa.marker.pattern.shape == ""
    assert list(said_fa.text) == ["1/4"] and said_fa.customdata[0][:5] == ["terrorism", "fa", "attributed", 1, 4]
    assert said_fa.customdata[0][5] == 50.0  # half of the Persian terrorism paragraphs are attributed
    assert (
        charts.voice_shares_chart(compare.theme_voices(_voices_table().iloc[:0], ["terrorism"]))
        .layout.annotations[0]
        .text.startswith("No kept paragraphs")
    )


def test_speakers_chart_has_a_panel_per_language_and_escapes_speakers() -> None:
    from analysis import compare

    table = _voices_table().assign(has_terrorism=True)
    speakers = compare.theme_speakers(table, ["terrorism"])
    figure = charts.speakers_chart(speakers, labels={"terrorism": "Terrorism"}, speaker_labels={"putin": "Vladimir Putin"})
    persian, arabic = figure.data
    assert [annotation.text for annotation in figure.layout.annotations] == ["Persian (fa)", "Arabic (ar)"]
    assert list(persian.y) == ["&lt;b&gt;x&lt;/b&gt;", "Vladimir Putin"]  # as many paragraphs each: by name
    assert list(arabic.y) == ["tokayev"] and list(arabic.x) == ["Terrorism"]
    assert arabic.text[0][0] == "1 (50 %)"  # 1 of the 2 Arabic paragraphs carrying the theme
    assert persian.zmax == arabic.zmax == 1.0 and persian.showscale is False and arabic.showscale is True
    assert len(charts.speakers_chart(speakers, top=1).data[0].y) == 1
    empty = charts.speakers_chart(speakers.iloc[:0])
    assert empty.layout.annotations[0].text.startswith("No attributed paragraph")
