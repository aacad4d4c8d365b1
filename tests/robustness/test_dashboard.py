"""Bad input, hostile files and careless clicks in the dashboard: one row per case (issue 9).

Each row says what the user does, the message the page must show (or that it shows none), and what
must be kept. The page is driven with Streamlit's AppTest on the real embedded model; no row may end
in an exception. The browser half (no dialog, no injected node in Chromium) is tests/e2e/test_hostile.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.config import framing_home
from analysis.export import FORMULA_PREFIXES
from analysis.html import CELL
from analysis.marks import read_marks
from analysis.themes import load_themes, themes_to_toml
from tests.helpers import ROOT

pytestmark = pytest.mark.model

Downloads = dict[str, object]
HOSTILE_OUTLET = "<b>Bold</b> <a href='https://evil.example'>x</a>"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
INJECTED = ("<script", "<img", "<a ", "<b>Bold", "evil.example'>")
PERSIAN = "نیروهای پیمان امنیت جمعی برای مقابله با تروریست‌ها و حفظ امنیت وارد قزاقستان شدند و در آلماتی مستقر شدند."
ARABIC = "قال المتحدث إن القوات ستغادر كازاخستان فور انتهاء مهمتها المحدودة والمؤقتة بعد استقرار الوضع في ألماتي."
DEFAULT_THEMES = themes_to_toml(load_themes())


@dataclass(frozen=True)
class Case:
    """One row: what the user does, the message expected (None: no message at all), what must be kept."""

    id: str
    does: str
    act: Callable[[AppTest], None]
    message: str | None
    keeps: str
    kept: Callable[[AppTest, Downloads], None]


# ---------------------------------------------------------------------------------------------
# What the user does
# ---------------------------------------------------------------------------------------------


def csv_rows(*rows: dict[str, str]) -> bytes:
    """An uploaded articles CSV."""
    return pd.DataFrame(rows).to_csv(index=False).encode()


OTHER_THEMES_MARKS = csv_rows(  # three marks for 'economic', a theme of another themes file
    *(
        {"paragraph_id": f"p{number}", "doc_id": "d1", "language": "fa", "text": f"{PERSIAN} {number}", "terrorism": t, "economic": e}
        for number, (t, e) in enumerate([("1", "1"), ("", "1"), ("0", "0")])
    )
)
HOSTILE_CORPUS = csv_rows(
    {
        "id": "h1",
        "outlet": HOSTILE_OUTLET,
        "language": "fa",
        "date": "2022-01-07",
        "title": IMG,
        "text": f"{PERSIAN} {SCRIPT}\n\n{SCRIPT}\n\n{IMG} {PERSIAN}",
    },
    {"id": "h2", "outlet": "RT Arabic", "language": "ar", "date": "2022-01-08", "title": "", "text": f"{ARABIC} {IMG}"},
)
FORMULA_CORPUS = csv_rows(
    {
        "id": "f1",
        "outlet": '=HYPERLINK("https://evil.example","x")',
        "language": "fa",
        "date": "2022-01-07",
        "title": "@SUM(A1)",
        "text": f"=1+1 {PERSIAN}\n\n-2+3 {PERSIAN} دوباره",
    },
)


def go_to(view: str) -> Callable[[AppTest], None]:
    """Open a tab."""

    def act(at: AppTest) -> None:
        at.session_state["view"] = view

    return act


def run_steps(at: AppTest, steps: tuple[Callable[[AppTest], None], ...]) -> None:
    """Run the page, then take a step, for each step."""
    for step in steps:
        at.run()
        step(at)


def upload_corpus(name: str, data: bytes, *then: Callable[[AppTest], None]) -> Callable[[AppTest], None]:
    """Upload one corpus file, then run each further step."""

    def act(at: AppTest) -> None:
        at.file_uploader(key="corpus_files").set_value([(name, data, "application/octet-stream")])
        run_steps(at, then)

    return act


def upload_in_tab(view: str, key: str, name: str, mime: str) -> Callable[..., Callable[[AppTest], None]]:
    """A step that opens a tab and uploads a file (``name``) into its uploader (``key``), then runs each further step."""

    def upload(data: bytes, *then: Callable[[AppTest], None]) -> Callable[[AppTest], None]:
        def act(at: AppTest) -> None:
            at.session_state["view"] = view
            at.run()
            at.file_uploader(key=key).set_value((name, data, mime))
            run_steps(at, then)

        return act

    return upload


def theme_form(button: str, typed: dict[str, str]) -> Callable[[AppTest], None]:
    """Open the Themes tab, type into a form's boxes (by key), then press its button."""

    def act(at: AppTest) -> None:
        at.session_state["view"] = "Themes"
        at.run()
        for key, text in typed.items():
            next(box for box in [*at.text_input, *at.text_area] if box.key == key).input(text)
        at.button(key=button).click()

    return act


upload_themes = upload_in_tab("Themes", "themes_file", "mine.toml", "application/toml")  # load a themes file
upload_labels = upload_in_tab("Accuracy", "labels_file", "mine.csv", "text/csv")  # evaluate with a labels file
upload_marks = upload_in_tab("Teach", "marks_file", "marks.csv", "text/csv")  # load marks
upload_actors = upload_in_tab("Voices", "actors_file", "actors.toml", "application/toml")  # load an actors file


def move_a_threshold_then_upload(at: AppTest) -> None:
    """Raise the terrorism threshold a little, then analyse another corpus (its scores span another range)."""
    slider = at.slider(key="threshold_terrorism")
    slider.set_value(round(slider.value + 0.5, 2))
    at.run()
    at.session_state["moved_thresholds"] = {slider.key: slider.value for slider in at.slider}
    at.file_uploader(key="corpus_files").set_value([("t.csv", csv_rows({"text": PERSIAN, "language": "fa"}), "text/csv")])


def mark_the_first(mark: str) -> Callable[[AppTest], None]:
    """Mark the first paragraph the Teach tab offers."""

    def act(at: AppTest) -> None:
        at.segmented_control[0].set_value(mark)

    return act


def thresholds_kept(at: AppTest, _: Downloads) -> None:
    assert {slider.key: slider.value for slider in at.slider} == at.session_state["moved_thresholds"]


def no_marks_taken(at: AppTest, downloads: Downloads) -> None:
    marks = pd.read_csv(io.BytesIO(download(downloads, "labels.csv")), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert marks.empty and at.session_state["view"] == "Teach"


def other_themes_marks_kept(at: AppTest, downloads: Downloads) -> None:
    """The marks file, downloaded and saved in the workspace, still holds the 'economic' marks after a mark on a loaded theme."""
    saved = list((framing_home() / "workspaces").glob("*/labels.csv"))
    assert len(saved) == 1
    for content in (download(downloads, "labels.csv"), saved[0].read_bytes()):
        marks = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert sorted(marks["economic"]) == ["", "0", "1", "1"]


def voices_still_drawn(at: AppTest, _: Downloads) -> None:
    assert "Voices" in [tab.label for tab in at.tabs] and at.session_state["view"] == "Voices"


def all_themes_everywhere(at: AppTest) -> None:
    """Lower the terrorism threshold to its minimum, so every kept paragraph is evidence for it."""
    slider = at.slider(key="threshold_terrorism")
    slider.set_value(slider.min)


def seeds_then_a_new_corpus(at: AppTest) -> None:
    """Narrow the seeds' date range, then upload a corpus with other dates and undated articles."""
    at.date_input(key="filter_dates").set_value((dt.date(2022, 1, 10), dt.date(2022, 1, 13)))
    at.run()
    rows = [
        {"text": f"{PERSIAN} {number}", "outlet": f"Outlet {number}", "language": "fa", "date": date}
        for number, date in enumerate(["2022-01-05", "2022-01-19", "", ""])
    ]
    upload_corpus("dated.csv", csv_rows(*rows), lambda _: None)(at)  # the extra run is "any click"


def exclude_undated(at: AppTest) -> None:
    """Upload dated and undated articles, then untick "Include undated articles"."""
    rows = [
        {"text": f"{ARABIC} {number}", "outlet": "RT Arabic", "language": "ar", "date": date}
        for number, date in enumerate(["2022-01-05", "", ""])
    ]
    upload_corpus("mixed.csv", csv_rows(*rows))(at)
    at.run()
    at.checkbox(key="filter_undated").uncheck()


# ---------------------------------------------------------------------------------------------
# What the page shows
# ---------------------------------------------------------------------------------------------


def messages(at: AppTest) -> list[str]:
    """Every error, warning, success and info message on the page."""
    return [element.value for kind in (at.error, at.warning, at.success, at.info) for element in kind]


def html_shown(at: AppTest) -> list[str]:
    """Every st.html block on the page."""
    return [element.value for element in at.html]


def chart_strings(at: AppTest) -> list[str]:
    """Every string plotly may render in the page's charts (not the charts' own templates, not click ids)."""

    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in ("hovertemplate", "texttemplate", "customdata"):
                    yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)
        elif isinstance(node, str):
            yield node

    specs = [json.loads(element.proto.spec) for element in at.get("plotly_chart")]
    assert specs, "no chart on the page"
    return [text for spec in specs for text in walk(spec)]


def no_injection(texts: list[str]) -> None:
    """None of the hostile tags appears as markup."""
    assert [text for text in texts if any(tag in text for tag in INJECTED)] == []


def escaped(texts: list[str], fragment: str) -> None:
    """The hostile text is shown, escaped (so readable), in at least one of the texts."""
    assert any(fragment in text for text in texts), fragment


def header(at: AppTest) -> str:
    return at.markdown[0].value


def download(downloads: Downloads, name: str) -> bytes:
    """A download's bytes, built as a click would."""
    data = downloads[name]
    return data() if callable(data) else data


def themes_unchanged(at: AppTest, _: Downloads) -> None:
    assert [slider.label for slider in at.slider] == ["Terrorism", "Foreign interference", "Limited mission"]
    assert at.session_state["themes_toml"] == DEFAULT_THEMES


def labels_can_be_replaced(at: AppTest, _: Downloads) -> None:
    assert at.button[0].label == "Using mine.csv: back to the bundled labels"
    tabs = [tab.label for tab in at.tabs]
    assert tabs[0] == "Overview" and {"Evidence", "Accuracy"} <= set(tabs)


def markup_shown_not_rendered(texts: Callable[[AppTest], list[str]], fragment: str) -> Callable[[AppTest, Downloads], None]:
    """No hostile tag in ``texts(at)``, and ``fragment`` (the escaped hostile text) in one of them."""

    def kept(at: AppTest, _: Downloads) -> None:
        shown = texts(at)
        no_injection(shown)
        escaped(shown, fragment)

    return kept


def label_shown_in_charts(at: AppTest, downloads: Downloads) -> None:
    at.session_state["view"] = "Overview"
    at.run()
    markup_shown_not_rendered(chart_strings, "&lt;b&gt;Bold&lt;/b&gt;")(at, downloads)


def nothing_drawn_from_it(at: AppTest, _: Downloads) -> None:
    assert not at.get("plotly_chart") and at.file_uploader(key="corpus_files").value


def whole_new_corpus(at: AppTest, _: Downloads) -> None:
    escaped([header(at)], "keeps **4** paragraphs from **4** articles")
    assert at.date_input(key="filter_dates").value == (dt.date(2022, 1, 5), dt.date(2022, 1, 19))


def dated_article_only(at: AppTest, _: Downloads) -> None:
    escaped([header(at)], "from **1** article")


def repeat_numbered_like_a_reader(at: AppTest, _: Downloads) -> None:
    escaped(html_shown(at), f"<td {CELL}>¶ 3</td><td {CELL}>duplicate of ¶ 1</td>")


def marks_neutralised_and_read_back(at: AppTest, downloads: Downloads) -> None:
    content = download(downloads, "labels.csv")
    formulas_neutralised_in_csv(content, columns=("doc_id", "paragraph_id", "text"))
    marks = read_marks(content, "labels.csv", load_themes().ids)
    assert len(marks) == 1 and marks.loc[0, "text"] in {f"=1+1 {PERSIAN}", f"-2+3 {PERSIAN} دوباره"}


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------

CASES = [
    # Hostile corpus text: shown as written, never rendered (issue 9, items 2 and "keep right").
    Case(
        "outlet-markup-in-charts",
        "an outlet named <b>Bold</b> <a href=…>x</a>",
        upload_corpus("h.csv", HOSTILE_CORPUS),
        None,
        "the article, its outlet name shown literally in the heatmap and strip",
        markup_shown_not_rendered(chart_strings, "&lt;b&gt;Bold&lt;/b&gt;"),
    ),
    Case(
        "script-and-img-in-strip-hover",
        "paragraphs holding <script> and <img onerror>",
        upload_corpus("h.csv", HOSTILE_CORPUS),
        None,
        "the paragraph snippets, escaped in the strip's hover text",
        markup_shown_not_rendered(chart_strings, "&lt;img src=x onerror=alert(2)&gt;"),
    ),
    Case(
        "script-and-img-in-evidence",
        "the same paragraphs read in Evidence",
        upload_corpus("h.csv", HOSTILE_CORPUS, all_themes_everywhere, go_to("Evidence")),
        None,
        "every paragraph card with its title and text, escaped",
        markup_shown_not_rendered(html_shown, "&lt;b&gt;Bold&lt;/b&gt; &lt;a href=&#x27;https://evil.example&#x27;&gt;x&lt;/a&gt;"),
    ),
    Case(
        "script-in-dropped",
        "a paragraph that is only <script>…</script> (dropped)",
        upload_corpus("h.csv", HOSTILE_CORPUS, go_to("Dropped paragraphs")),
        None,
        "the dropped paragraph, listed with its reason, escaped",
        markup_shown_not_rendered(html_shown, "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ),
    Case(
        "markup-in-distinctive-words",
        "hostile text in the Distinctive words charts",
        upload_corpus("h.csv", HOSTILE_CORPUS, all_themes_everywhere, go_to("Distinctive words")),
        None,
        "the word charts, with no tag from the corpus",
        markup_shown_not_rendered(chart_strings, "distinctive"),
    ),
    Case(
        "markup-in-theme-label",
        "a themes file whose label is <b>Bold</b> <a href=…>x</a>",
        upload_themes(DEFAULT_THEMES.replace('label = "Terrorism"', f'label = "{HOSTILE_OUTLET}"', 1).encode()),
        "Loaded 3 themes from mine.toml.",
        "the label, shown literally in the charts",
        label_shown_in_charts,
    ),
    # Themes files (keep right).
    Case(
        "themes-toml-syntax-error",
        "a themes file with a TOML syntax error",
        upload_themes(b"[[theme]\nid = "),
        "mine.toml: not valid TOML",
        "the current themes and thresholds",
        themes_unchanged,
    ),
    Case(
        "themes-bad-id",
        "a theme id with spaces and capitals",
        upload_themes(DEFAULT_THEMES.replace('id = "terrorism"', 'id = "Bad Id"', 1).encode()),
        "id 'Bad Id' must be lowercase letters, digits or _",
        "the current themes and thresholds",
        themes_unchanged,
    ),
    Case(
        "themes-duplicate-ids",
        "two themes with the same id",
        upload_themes(DEFAULT_THEMES.replace('id = "limited_mission"', 'id = "terrorism"', 1).encode()),
        "mine.toml: duplicate theme ids ['terrorism']",
        "the current themes and thresholds",
        themes_unchanged,
    ),
    Case(
        "themes-not-utf8",
        "a themes file in Windows-1256",
        upload_themes("label = 'الإرهاب'".encode("cp1256")),
        "mine.toml: not UTF-8 text; save the themes file as UTF-8",
        "the current themes and thresholds",
        themes_unchanged,
    ),
    Case(
        "themes-without-themes",
        "a TOML file with no [[theme]]",
        upload_themes(b'title = "x"\n'),
        "mine.toml: no [[theme]] tables",
        "the current themes and thresholds",
        themes_unchanged,
    ),
    Case(
        "themes-threshold-nan",
        "a themes file with threshold = nan",
        upload_themes(re.sub(r"^threshold = .*$", "threshold = nan", DEFAULT_THEMES, count=1, flags=re.M).encode()),
        "(terrorism): threshold must be a finite number, not nan",
        "the current themes and thresholds; the page still works",
        themes_unchanged,
    ),
    Case(
        "themes-labelled-server-file",
        'a themes file with [scoring] labelled = "/etc/hostname"',
        upload_themes(DEFAULT_THEMES.replace('labelled = "labelled_paragraphs.csv"', 'labelled = "/etc/hostname"').encode()),
        "an uploaded themes file cannot name files on the server",
        "the current themes; the file is neither read nor shown",
        themes_unchanged,
    ),
    Case(
        "themes-labelled-escape",
        'a themes file with [scoring] labelled = "../../x.csv"',
        upload_themes(DEFAULT_THEMES.replace('labelled = "labelled_paragraphs.csv"', 'labelled = "../../x.csv"').encode()),
        "an uploaded themes file cannot name files on the server",
        "the current themes and thresholds",
        themes_unchanged,
    ),
    # Labels files in the Accuracy tab (keep right).
    Case(
        "labels-missing-language",
        "a labels CSV without a language column",
        upload_labels(b"text,terrorism\nx,1\n"),
        "The labelled paragraphs cannot be used: mine.csv: missing column(s) ['language']",
        "the dashboard, and the way back to the bundled labels",
        labels_can_be_replaced,
    ),
    Case(
        "labels-not-zero-or-one",
        "a theme column holding 2",
        upload_labels(f"text,language,terrorism\n{PERSIAN},fa,2\n".encode()),
        "mine.csv: column 'terrorism' must hold 0, 1 or nothing (not labelled); row 2 has '2'",
        "the dashboard, and the way back to the bundled labels",
        labels_can_be_replaced,
    ),
    Case(
        "labels-unknown-language",
        "a row in language xx",
        upload_labels(f"text,language,terrorism\n{PERSIAN},xx,1\n".encode()),
        "mine.csv: row 2 has an unknown language 'xx'; use fa or ar",
        "the dashboard, and the way back to the bundled labels",
        labels_can_be_replaced,
    ),
    Case(
        "labels-no-theme-column",
        "a labels CSV with no column named after a theme",
        upload_labels(f"text,language,other\n{PERSIAN},fa,1\n".encode()),
        "mine.csv: no column for any theme id",
        "the dashboard, and the way back to the bundled labels",
        labels_can_be_replaced,
    ),
    Case(
        "labels-empty",
        "an empty labels file",
        upload_labels(b""),
        "The labelled paragraphs cannot be used: mine.csv",
        "the dashboard, and the way back to the bundled labels",
        labels_can_be_replaced,
    ),
    # Corpus uploads and filters (item 17).
    Case(
        "corpus-csv-without-text",
        "an articles CSV without a text column",
        upload_corpus("a.csv", b"id,body\n1,hello\n"),
        "The corpus cannot be read: a.csv: no 'text' column",
        "nothing analysed from it; the uploader, to try again",
        nothing_drawn_from_it,
    ),
    Case(
        "corpus-only-binary",
        "a binary file as the only upload",
        upload_corpus("photo.txt", b"\x00\x01binary"),
        "nothing to analyse in the upload (photo.txt: looks like a binary file",
        "nothing analysed from it; the uploader, to try again",
        nothing_drawn_from_it,
    ),
    Case(
        "new-corpus-after-a-date-range",
        "a date range on the seeds, then a corpus with other dates and 2 undated articles",
        seeds_then_a_new_corpus,
        None,
        "the new corpus's full date range, and its undated articles",
        whole_new_corpus,
    ),
    Case(
        "undated-articles-excluded-on-request",
        'untick "Include undated articles"',
        exclude_undated,
        "Showing 1 of 3 articles: the date filter excludes 2.",
        "the dated article; the header says what is left out",
        dated_article_only,
    ),
    # Downloads (keep right).
    Case(
        "formula-cells-in-csv",
        "an outlet and paragraphs starting with = and -",
        upload_corpus("f.csv", FORMULA_CORPUS),
        None,
        "every cell's text, behind a leading ' so Excel shows it instead of evaluating it",
        lambda at, downloads: formulas_neutralised_in_csv(download(downloads, "paragraphs.csv")),
    ),
    Case(
        "formula-cells-in-xlsx",
        "the same corpus, downloaded as XLSX",
        upload_corpus("f.csv", FORMULA_CORPUS),
        None,
        "every cell's text, as text, never a formula",
        lambda at, downloads: formulas_neutralised_in_xlsx(download(downloads, "paragraphs.xlsx")),
    ),
    Case(
        "formula-cells-in-the-marks-download",
        "a paragraph starting with = or - marked, then the marks downloaded (labels.csv)",
        upload_corpus("f.csv", FORMULA_CORPUS, go_to("Teach"), mark_the_first("yes")),
        None,
        "the text behind a leading ', read back as marked (the ' removed)",
        marks_neutralised_and_read_back,
    ),
    # Session 17's audit.
    Case(
        "thresholds-kept-on-a-new-corpus",
        "a threshold moved, then another corpus uploaded (its scores span another range)",
        move_a_threshold_then_upload,
        None,
        "every threshold where it was (the sliders used to restart at their minimum)",
        thresholds_kept,
    ),
    Case(
        "theme-id-is-a-column-name",
        "a themes file with a theme whose id is 'text'",
        upload_themes(DEFAULT_THEMES.replace('id = "limited_mission"', 'id = "text"', 1).encode()),
        "id 'text' is the name of a column of the paragraph and labels tables; choose another",
        "the current themes",
        themes_unchanged,
    ),
    Case(
        "theme-id-arguable-in-the-form",
        "the Add a theme form with the id 'arguable' (a column of the labels and marks files)",
        theme_form(
            "save_new_theme", {"add_id": "arguable", "add_label": "Arguable", "add_examples_en": "Protesters demanded lower prices."}
        ),
        "id 'arguable' is the name of a column of the paragraph and labels tables; choose another",
        "the current themes, and every tab (the page used to stop at every run)",
        themes_unchanged,
    ),
    Case(
        "theme-label-of-another-theme",
        "Limited mission renamed 'terrorism ', the label of another theme",
        theme_form("save_limited_mission", {"edit_limited_mission_label": "terrorism "}),
        "edited themes: theme #3 (limited_mission) has the label 'terrorism', as theme #1 (terrorism) has 'Terrorism'",
        "the current themes (a filter matching labels used to drop one theme from every chart and table)",
        themes_unchanged,
    ),
    Case(
        "labels-column-twice",
        "a labels file with the columns Terrorism and terrorism",
        upload_labels(f"text,language,Terrorism,terrorism\n{PERSIAN},fa,1,0\n".encode()),
        "the column 'terrorism' appears more than once; rename or remove one",
        "the dashboard, and a way back to the bundled labels",
        labels_can_be_replaced,
    ),
    Case(
        "marks-language-blank",
        "a marks file whose row leaves the language blank",
        upload_marks(f"text,language,terrorism\n{PERSIAN},,1\n".encode()),
        "These marks cannot be used: marks.csv: row 2 has no language; use fa or ar",
        "no mark from it (it was taken, with language '')",
        no_marks_taken,
    ),
    Case(
        "marks-without-a-theme-column",
        "a marks file whose only theme column is misspelt (foreign_interferance)",
        upload_marks(f"text,language,foreign_interferance\n{PERSIAN},fa,1\n".encode()),
        "These marks cannot be used: marks.csv: no column for any theme id ['terrorism', 'foreign_interference', 'limited_mission']; "
        "add 0/1 columns named after the themes",
        "the marks already made (the upload replaced them with none, and saved that)",
        no_marks_taken,
    ),
    Case(
        "marks-one-id-two-paragraphs",
        "a marks file giving one paragraph_id to two paragraphs, marked alike",
        upload_marks(f"paragraph_id,doc_id,text,language,terrorism\np1,d1,{PERSIAN},fa,1\np1,d2,{ARABIC},ar,1\n".encode()),
        "marks.csv: rows 2 and 3 give the paragraph_id 'p1' to two different paragraphs; give each its own",
        "no mark from it (one paragraph was merged away)",
        no_marks_taken,
    ),
    Case(
        "marks-for-themes-not-loaded",
        "marks with a column 'economic' (a theme not loaded now), then a mark on a loaded theme",
        upload_marks(OTHER_THEMES_MARKS, mark_the_first("no")),
        "Your marks: column 'economic' is not a theme id (themes: terrorism, foreign_interference, limited_mission): kept in your "
        "marks file, not learnt from; 3 marks are for themes not loaded now.",
        "the 'economic' marks, in the download and the saved file (the mark used to rewrite it without them)",
        other_themes_marks_kept,
    ),
    Case(
        "labels-column-no-theme-id",
        "a labels file with a misspelt theme column",
        upload_labels(f"text,language,terrorism,foreign_interferance\n{PERSIAN},fa,1,0\n{ARABIC},ar,0,1\n".encode()),
        "mine.csv: column 'foreign_interferance' is not a theme id (themes: terrorism, foreign_interference, limited_mission): ignored",
        "the dashboard, and the way back to the bundled labels",
        labels_can_be_replaced,
    ),
    Case(
        "actors-not-tables",
        "an actors file with actor = [1, 2]",
        upload_actors(b"actor = [1, 2]\n"),
        "[[actor]] must be a list of tables",
        "the Voices tab, with the bundled actors",
        voices_still_drawn,
    ),
    # One numbering (item 19).
    Case(
        "duplicate-paragraph-numbering",
        "an article repeating its first paragraph as its third",
        upload_corpus(
            "d.csv",
            csv_rows({"text": f"{PERSIAN}\n\n{PERSIAN} دوم\n\n{PERSIAN}", "language": "fa", "outlet": "Tasnim"}),
            go_to("Dropped paragraphs"),
        ),
        None,
        "the repeat, listed as ¶ 3, duplicate of ¶ 1 (counted as a reader counts)",
        repeat_numbered_like_a_reader,
    ),
]


def formulas_neutralised_in_csv(content: bytes, columns: tuple[str, ...] = ("outlet", "text")) -> None:
    """No text cell of the CSV's ``columns`` would be read as a formula: the corpus's formulas have a leading '."""
    table = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert not [cell for cell in table[list(columns)].to_numpy().ravel() if cell.startswith(FORMULA_PREFIXES)]
    if "outlet" in columns:
        assert set(table["outlet"]) == {'\'=HYPERLINK("https://evil.example","x")'}
    assert set(table["text"]) <= {f"'-2+3 {PERSIAN} دوباره", f"'=1+1 {PERSIAN}"}


def formulas_neutralised_in_xlsx(content: bytes) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(content))["data"]
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not [cell.value for cell in cells if cell.data_type == "f" or cell.value.startswith(("=", "@", "-", "+"))]
    assert f"'=1+1 {PERSIAN}" in {cell.value for cell in cells}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
@pytest.mark.usefixtures("marks_home")  # each row starts with no marks, and leaves none behind
def test_dashboard_case(case: Case, downloads: Downloads) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    case.act(at)
    at.run()
    assert not at.exception, [element.value for element in at.exception]
    shown = messages(at)
    if case.message is None:
        assert not at.error and not at.warning, shown
    else:
        assert any(case.message in message for message in shown), shown
    case.kept(at, downloads)
