from __future__ import annotations

import numpy as np
import pytest

from analysis.embed import Embedder
from analysis.themes import (
    DEFAULT_THEMES_PATH,
    ThemeError,
    cue_hits,
    load_themes,
    parse_themes,
    score_paragraphs,
    split_sentences,
    themes_to_toml,
)

SMALL = """
[scoring]
top_k = 1
cue_weight = 0.5

[background]
en = ["weather sunny today"]

[[theme]]
id = "alpha"
label = "Alpha"
threshold = 0.2
examples.en = ["red apple fruit"]
cues.ar = ["ارهاب"]
cues.fa = ["تروریست"]

[[theme]]
id = "beta"
threshold = 0.1
descriptions.fa = ["blue sky ocean"]
"""


def test_default_themes_file_is_valid() -> None:
    themes = load_themes()
    assert themes.ids == ["terrorism", "foreign_interference", "limited_mission"]
    for theme in themes.themes:
        assert {"fa", "ar", "en"} <= set(theme.examples), theme.id
    assert {"fa", "ar", "en"} <= set(themes.background)
    assert load_themes(DEFAULT_THEMES_PATH).digest() == themes.digest()


def test_round_trip_through_toml() -> None:
    themes = parse_themes(SMALL)
    again = parse_themes(themes_to_toml(themes))
    assert again == themes
    assert again.themes[1].label == "Beta"
    assert again.scoring.top_k == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml [", "not valid TOML"),
        ("version = 1", "no \\[\\[theme\\]\\] tables"),
        ('[[theme]]\nid = "Bad Id"\nexamples.en = ["x"]', "lowercase letters"),
        ('[[theme]]\nid = "a"\nexamples.en = ["x"]\n[[theme]]\nid = "a"\nexamples.en = ["y"]', "duplicate theme ids"),
        ('[[theme]]\nid = "a"', "at least one description or example"),
        ('[[theme]]\nid = "a"\nthreshold = "high"\nexamples.en = ["x"]', "threshold must be a number"),
        ('[[theme]]\nid = "a"\nexamples.en = [1, 2]', "must be a list of strings"),
    ],
)
def test_invalid_themes_get_clear_errors(text: str, message: str) -> None:
    with pytest.raises(ThemeError, match=message):
        parse_themes(text)


def test_cues_match_with_arabic_clitics_and_alef_variants() -> None:
    theme = parse_themes(SMALL).themes[0]
    assert cue_hits("هاجمت العصابات الإرهابية المدينة", "ar", theme) == ["ارهاب"]
    assert cue_hits("وبالإرهاب", "ar", theme) == ["ارهاب"]
    assert cue_hits("گروه‌های تروریستی", "fa", theme) == ["تروریست"]
    assert cue_hits("اعتراضات مسالمت‌آمیز", "fa", theme) == []
    assert cue_hits("ضدتروریست", "fa", theme) == []


def test_split_sentences_joins_short_pieces() -> None:
    text = "First sentence has words here. Short one. Third sentence also has words! و جملة عربية طويلة بما يكفي؟ نعم"
    assert split_sentences(text) == [
        "First sentence has words here. Short one.",
        "Third sentence also has words!",
        "و جملة عربية طويلة بما يكفي؟ نعم",
    ]


def test_scores_are_margins_over_background_with_cue_bonus(fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL)
    scores = score_paragraphs(
        ["red apple fruit", "weather sunny today", "blue sky ocean", "الإرهاب"],
        ["en", "en", "en", "ar"],
        themes,
        fake_embedder.embed,
    )
    table = scores.table
    assert list(table.columns) == ["score_alpha", "score_beta"]
    assert table.loc[0, "score_alpha"] == pytest.approx(1.0, abs=1e-3)
    assert table.loc[1, "score_alpha"] == pytest.approx(-1.0, abs=1e-3)
    assert table.loc[2, "score_beta"] == pytest.approx(1.0, abs=1e-3)
    assert table.loc[3, "score_alpha"] == pytest.approx(0.5, abs=1e-3)
    assert scores.vectors.shape == (4, 64)


def test_paragraph_score_is_its_best_sentence(fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL)
    paragraph = "unrelated words about nothing at all. red apple fruit is here now."
    whole = score_paragraphs([paragraph], ["en"], themes, fake_embedder.embed).table.loc[0, "score_alpha"]
    sentence = score_paragraphs(["red apple fruit is here now."], ["en"], themes, fake_embedder.embed).table.loc[0, "score_alpha"]
    assert whole == pytest.approx(sentence)


def test_no_paragraphs_gives_empty_scores(fake_embedder: Embedder) -> None:
    scores = score_paragraphs([], [], parse_themes(SMALL), fake_embedder.embed)
    assert list(scores.table.columns) == ["score_alpha", "score_beta"]
    assert scores.table.empty
    assert isinstance(scores.vectors, np.ndarray)
