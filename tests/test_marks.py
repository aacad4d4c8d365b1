"""A researcher's marks: set, save, reload, teach the scorer, choose what to mark next, say what changed."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.embed import Embedder
from analysis.export import FORMULA_PREFIXES
from analysis.labels import NOT_LABELLED, LabelsError, read_labels
from analysis.marks import (
    assignment_changes,
    clear_mark,
    count_marks,
    describe_changes,
    empty_marks,
    for_themes,
    load_marks,
    mark_of,
    marks_path,
    marks_to_csv,
    other_columns_note,
    read_marks,
    save_marks,
    set_aside,
    set_mark,
    uncertain_queue,
    with_marks,
)
from analysis.scorer import ThemeScorer
from analysis.themes import parse_themes
from tests.helpers import SMALL

IDS = ["alpha", "beta"]
PARAGRAPH = {"paragraph_id": "d1:0", "doc_id": "d1", "language": "fa", "text": "سیب سرخ رسیده"}
OTHER = {"paragraph_id": "d2:3", "doc_id": "d2", "language": "ar", "text": "تفاحة حمراء"}


def test_a_mark_sets_one_cell_and_replaces_an_earlier_mark() -> None:
    marks = set_mark(empty_marks(IDS), PARAGRAPH, "alpha", "yes")
    assert marks[IDS].to_numpy().tolist() == [[1, NOT_LABELLED]]
    marks = set_mark(marks, PARAGRAPH, "beta", "no")
    marks = set_mark(marks, PARAGRAPH, "alpha", "arguable")
    marks = set_mark(marks, OTHER, "beta", "yes")
    assert len(marks) == 2
    assert [
        mark_of(marks, "d1:0", "alpha"),
        mark_of(marks, "d1:0", "beta"),
        mark_of(marks, "d2:3", "alpha"),
        mark_of(marks, "d2:3", "beta"),
    ] == [
        "arguable",
        "no",
        None,
        "yes",
    ]
    assert marks.loc[0, "arguable"] == "alpha"
    assert set_mark(marks, PARAGRAPH, "alpha", "no").loc[0, "arguable"] == ""
    with pytest.raises(LabelsError, match="a mark is one of"):
        set_mark(marks, PARAGRAPH, "alpha", "maybe")


def test_a_mark_taken_back_is_blank_and_a_paragraph_left_unmarked_leaves_the_marks() -> None:
    marks = set_mark(set_mark(set_mark(empty_marks(IDS), PARAGRAPH, "alpha", "yes"), PARAGRAPH, "beta", "arguable"), OTHER, "beta", "no")
    marks = clear_mark(marks, "d1:0", "beta")
    assert [mark_of(marks, "d1:0", "alpha"), mark_of(marks, "d1:0", "beta"), marks.loc[0, "arguable"]] == ["yes", None, ""]
    marks = clear_mark(marks, "d1:0", "alpha")
    assert marks["paragraph_id"].tolist() == ["d2:3"] and mark_of(marks, "d2:3", "beta") == "no"
    assert clear_mark(marks, "d9:9", "alpha").equals(marks)  # never marked: nothing to take back
    other = read_marks("paragraph_id,doc_id,language,text,alpha,economic\np1,d1,fa,سیب,1,0\n".encode(), "m.csv", IDS)
    assert clear_mark(other, "p1", "alpha")["economic"].tolist() == [0]  # its mark for a theme not loaded now stays


def test_an_arguable_mark_is_counted_as_a_mark() -> None:
    marks = set_mark(set_mark(set_mark(empty_marks(IDS), PARAGRAPH, "alpha", "arguable"), PARAGRAPH, "beta", "yes"), OTHER, "alpha", "no")
    assert count_marks(marks, IDS) == 3 and count_marks(marks, ["beta"]) == 1 and count_marks(empty_marks(IDS), IDS) == 0


def test_no_note_on_other_themes_columns_when_nothing_is_marked() -> None:
    assert other_columns_note(empty_marks([*IDS, "gamma"]), IDS) == ""  # a theme removed before any mark: nothing kept
    marks = set_mark(empty_marks([*IDS, "gamma"]), PARAGRAPH, "alpha", "yes")
    assert other_columns_note(marks, IDS) == ""  # nor when the paragraphs marked have no mark for it
    assert "column 'gamma'" in other_columns_note(set_mark(marks, OTHER, "gamma", "no"), IDS)


def test_marks_are_a_labels_file_with_blank_cells_for_unmarked_themes(tmp_path: Path) -> None:
    marks = set_mark(set_mark(empty_marks(IDS), PARAGRAPH, "alpha", "yes"), OTHER, "beta", "arguable")
    data = marks_to_csv(marks)
    assert data.startswith("\ufeff".encode())
    labels = read_labels(data, "labels.csv", IDS)
    assert labels[IDS].to_numpy().tolist() == [[1, NOT_LABELLED], [NOT_LABELLED, NOT_LABELLED]]
    path = marks_path("corpus123", home=tmp_path)
    save_marks(marks, path)
    assert path == tmp_path / "workspaces" / "corpus123" / "labels.csv"
    reloaded = load_marks(path, IDS)
    pd.testing.assert_frame_equal(reloaded[marks.columns].astype(str), marks.astype(str))
    assert load_marks(tmp_path / "none.csv", IDS).empty


@pytest.mark.parametrize("text", ['=HYPERLINK("https://evil.example","x") سیب', "-2+3 سیب", "'quoted", "'=1+1", "@x"])
def test_the_marks_file_neutralises_formulas_and_reads_back_as_marked(text: str) -> None:
    paragraph = {"paragraph_id": "=d1:0", "doc_id": "=d1", "language": "fa", "text": text}
    data = marks_to_csv(set_mark(empty_marks(IDS), paragraph, "alpha", "yes"))
    cells = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False).to_numpy().ravel().tolist()
    assert not [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)], cells
    again = read_marks(data, "labels.csv", IDS)
    assert again.loc[0, ["paragraph_id", "doc_id", "text"]].tolist() == ["=d1:0", "=d1", text]
    assert marks_to_csv(again) == data


def test_a_labels_file_given_to_teach_the_themes_needs_a_column_for_one_of_them(tmp_path: Path) -> None:
    path = tmp_path / "misspelt.csv"
    path.write_text("text,language,terorism\nنیروها رسیدند.,fa,1\n", encoding="utf-8")
    with pytest.raises(LabelsError, match=r"misspelt\.csv: no column for any theme id"):
        load_marks(path, ["terrorism"], required=True)
    assert load_marks(path, ["terrorism"])["terorism"].tolist() == [1]  # the workspace's marks for other themes: kept


def test_marks_for_themes_not_loaded_are_kept_saved_again_and_counted(tmp_path: Path) -> None:
    data = "paragraph_id,doc_id,language,text,alpha,economic,comment\np1,d1,fa,سیب,1,1,hello\np2,d1,fa,گلابی,,0,\n"
    marks = read_marks(data.encode(), "m.csv", IDS)
    assert other_columns_note(marks, IDS) == (
        "Your marks: columns 'economic', 'comment' are not theme ids (themes: alpha, beta): kept in your marks file, not learnt "
        "from; 2 marks are for themes not loaded now."
    )
    marks = set_mark(marks, OTHER, "beta", "yes")  # a mark made on the themes loaded now
    path = marks_path("corpus123", home=tmp_path)
    save_marks(marks, path)
    saved = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert saved[["paragraph_id", "economic", "comment"]].to_numpy().tolist() == [["p1", "1", "hello"], ["p2", "0", ""], ["d2:3", "", ""]]
    assert load_marks(path, [*IDS, "economic"])["economic"].tolist() == [1, 0, NOT_LABELLED]  # the other themes loaded again
    taught = with_marks(parse_themes(SMALL), marks)
    assert taught.marks is not None and set(taught.marks.labels) == set(IDS)
    assert other_columns_note(empty_marks(IDS), IDS) == ""
    path.write_text("paragraph_id,doc_id,language,text,economic\np1,d1,fa,سیب,1\n", encoding="utf-8")  # only other themes
    assert load_marks(path, IDS)[["paragraph_id", "alpha", "economic"]].to_numpy().tolist() == [["p1", NOT_LABELLED, 1]]


def test_a_theme_added_since_gets_a_column_and_a_text_column_of_its_name_is_kept_aside(tmp_path: Path) -> None:
    data = "paragraph_id,doc_id,language,text,alpha,comment\np1,d1,fa,سیب,1,to check\np2,d1,fa,گلابی,,\n"
    marks = read_marks(data.encode(), "m.csv", IDS)
    assert for_themes(marks, IDS) == (marks, "")
    added, note = for_themes(marks, [*IDS, "comment", "gamma"])  # two themes added in the dashboard
    assert note == "Your marks file's column 'comment' holds text, not marks: it is kept as 'comment (text)'."
    assert added[["comment", "gamma", "comment (text)"]].to_numpy().tolist() == [
        [NOT_LABELLED, NOT_LABELLED, "to check"],
        [NOT_LABELLED, NOT_LABELLED, ""],
    ]
    taught = with_marks(parse_themes(SMALL), set_mark(added, PARAGRAPH, "comment", "yes"))  # before: int("to check") raised
    assert taught.marks is not None
    path = marks_path("corpus123", home=tmp_path)
    save_marks(added, path)
    assert load_marks(path, [*IDS, "comment"])["comment (text)"].tolist() == ["to check", ""]


def test_unreadable_marks_are_renamed_beside_themselves_once_per_file(tmp_path: Path) -> None:
    import datetime as dt

    path = marks_path("corpus123", home=tmp_path)
    now = dt.datetime(2026, 12, 8, 2, 39, 0)
    asides = []
    for content in (b"first", b"second"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        asides.append(set_aside(path, now))
    assert [aside.name for aside in asides] == ["labels.unreadable-20261208-023900.csv", "labels.unreadable-20261208-023900-2.csv"]
    assert [aside.read_bytes() for aside in asides] == [b"first", b"second"] and not path.exists()


def test_a_theme_learns_from_the_marks_made_for_it(fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL)
    marks = set_mark(empty_marks(IDS), {**PARAGRAPH, "text": "green apple harvest ends early"}, "alpha", "yes")
    marks = set_mark(marks, {**OTHER, "text": "apple juice factory closed down"}, "alpha", "no")
    taught = with_marks(themes, marks)
    assert taught.marks is not None and taught.marks.labels == {"alpha": (1, 0), "beta": (NOT_LABELLED, NOT_LABELLED)}
    before = ThemeScorer(themes, "fake").fit(fake_embedder.embed)
    after = ThemeScorer(taught, "fake").fit(fake_embedder.embed)
    texts = ["green apple harvest ends early", "apple juice factory closed down"]
    old, new = (scorer.decision_function(texts, ["en", "en"], fake_embedder.embed) for scorer in (before, after))
    assert new.loc[0, "score_alpha"] > old.loc[0, "score_alpha"]
    assert new.loc[1, "score_alpha"] < old.loc[1, "score_alpha"]
    assert ThemeScorer(taught, "fake").fit(fake_embedder.embed).fitted_["beta"].training_size == before.fitted_["beta"].training_size
    assert with_marks(themes, empty_marks(IDS)) is themes


def _scored() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "paragraph_id": [f"d{doc}:{n}" for doc, n in [(1, 0), (1, 1), (2, 0), (2, 1), (3, 0), (3, 1)]],
            "doc_id": ["d1", "d1", "d2", "d2", "d3", "d3"],
            "language": ["fa", "fa", "ar", "ar", "fa", "ar"],
            "text": list("abcdef"),
            "kept": [True, True, True, True, True, False],
            "score_alpha": [0.05, -0.02, 0.5, -0.9, 0.01, np.nan],
        }
    )


def test_the_queue_offers_paragraphs_closest_to_the_threshold_spread_over_articles_and_skips_marked_ones() -> None:
    table = _scored()
    queue = uncertain_queue(table, ["alpha"], {"alpha": 0.0}, empty_marks(["alpha"]), size=3)
    assert queue["paragraph_id"].tolist() == ["d3:0", "d1:1", "d2:0"]  # one per article before a second one
    assert queue["margin"].round(2).tolist() == [0.01, -0.02, 0.5]
    marked = set_mark(empty_marks(["alpha"]), {"paragraph_id": "d3:0", "doc_id": "d3", "language": "fa", "text": "e"}, "alpha", "no")
    assert "d3:0" not in uncertain_queue(table, ["alpha"], {"alpha": 0.0}, marked, size=3)["paragraph_id"].tolist()
    assert "d3:1" not in uncertain_queue(table, ["alpha"], {"alpha": 0.0}, empty_marks(["alpha"]), size=10)["paragraph_id"].tolist()


def test_changes_list_the_paragraphs_that_gained_or_lost_a_theme() -> None:
    before = pd.DataFrame({"paragraph_id": ["a", "b", "c"], "has_t": [True, False, False], "has_u": [False, False, False]})
    after = before.assign(has_t=[False, True, True])
    changes = assignment_changes(before, after, ["t", "u"], {"t": "Foreign interference", "u": "Terrorism"})
    assert changes.loc[0, "gained_ids"] == ["b", "c"] and changes.loc[0, "lost_ids"] == ["a"]
    assert describe_changes(changes) == "Foreign interference: +2 paragraphs, −1 paragraph; Terrorism: no change"
    assert describe_changes(assignment_changes(before, before.assign(has_t=False), ["t"], {"t": "T"})) == "T: −1 paragraph"


def test_marking_one_theme_refits_only_that_theme(tmp_path: Path, fake_embedder: Embedder) -> None:
    from analysis.scorer import ScorerStore
    from tests.helpers import themes_with_labelled

    themes = themes_with_labelled(tmp_path)
    store = ScorerStore(tmp_path / "store")
    ThemeScorer(themes, "fake").fit(fake_embedder.embed, store)
    marks = set_mark(empty_marks(IDS), {**PARAGRAPH, "text": "an apple a day"}, "beta", "no")
    scorer = ThemeScorer(with_marks(themes, marks), "fake").fit(fake_embedder.embed, store)
    assert scorer.refitted_ == ["beta"]


def test_a_mark_weighs_marks_weight_labelled_paragraphs(tmp_path: Path) -> None:
    from analysis.themes import training_weights
    from tests.helpers import themes_with_labelled

    themes = themes_with_labelled(tmp_path)  # 4 labelled paragraphs
    marks = set_mark(set_mark(empty_marks(IDS), PARAGRAPH, "alpha", "yes"), OTHER, "alpha", "no")
    taught = with_marks(replace(themes, scoring=replace(themes.scoring, marks_weight=5.0)), marks)
    weights = training_weights(taught, taught.themes[0])
    assert weights[-2:].tolist() == [5.0, 5.0] and weights[-6:-2].tolist() == [1.0] * 4


def test_a_paragraph_marked_twice_is_one_paragraph_or_refused() -> None:
    header = "paragraph_id,doc_id,language,text,alpha\n"
    same = header + "p1,d1,fa,سیب,1\np1,d1,fa,سیب,1\n"
    assert len(read_marks(same.encode(), "same.csv", IDS)) == 1
    with pytest.raises(LabelsError, match="paragraph 'p1' is marked twice, differently"):
        read_marks((header + "p1,d1,fa,سیب,1\np1,d1,fa,سیب,0\n").encode(), "both.csv", IDS)
    with pytest.raises(
        LabelsError, match=r"two.csv: rows 2 and 4 give the paragraph_id 'p1' to two different paragraphs; give each its own"
    ):
        read_marks((header + "p1,d1,fa,سیب,1\np2,d1,fa,گلابی,1\np1,d2,ar,تفاحة,1\n").encode(), "two.csv", IDS)
    without_ids = "doc_id,language,text,alpha\n" + "".join(
        f"d1,fa,به گزارش خبرگزاری تسنیم از آلماتی، نیروهای پیمان امنیت جمعی {verb},1\n" for verb in ("آمدند", "رفتند")
    )
    assert len(read_marks(without_ids.encode(), "same_start.csv", IDS)) == 2  # two paragraphs opening alike stay two


def test_a_marks_row_without_a_language_is_refused_like_an_unknown_one() -> None:
    with pytest.raises(LabelsError, match=r"blank.csv: row 3 has no language; use fa or ar"):
        read_marks("text,language,alpha\nسیب,fa,1\nسیب دوم, ,1\n".encode(), "blank.csv", IDS)
    with pytest.raises(LabelsError, match=r"xx.csv: row 2 has an unknown language 'xx'; use fa or ar"):
        read_marks("text,language,alpha\nسیب,xx,1\n".encode(), "xx.csv", IDS)
    assert len(read_labels(b"text,language,alpha\nx,fa,1\n,,\n", "x.csv", IDS)) == 1  # an empty row needs no language
