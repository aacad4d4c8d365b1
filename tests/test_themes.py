from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.embed import Embedder
from analysis.themes import (
    DEFAULT_THEMES_PATH,
    ScoringSettings,
    Theme,
    ThemeError,
    ThemeSet,
    add_theme,
    cue_hits,
    denial_hits,
    lines_to_sentences,
    load_themes,
    parse_themes,
    replace_theme,
    score_paragraphs,
    split_sentences,
    themes_to_toml,
)

SMALL = """
[scoring]
c = 1.0
cue_weight = 0.5

[background]
en = ["weather sunny today", "cold rain tomorrow morning"]

[[theme]]
id = "alpha"
label = "Alpha"
threshold = 0.2
examples.en = ["red apple fruit", "ripe red apple"]
near_misses.en = ["red car engine"]
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
        assert {"fa", "ar", "en"} <= set(theme.near_misses), theme.id
    assert {"fa", "ar", "en"} <= set(themes.background)
    assert {"fa", "ar", "en"} <= set(themes.denials)
    assert themes.labelled is not None and len(themes.labelled.texts) > 500
    assert set(themes.labelled.labels) == set(themes.ids)
    assert load_themes(DEFAULT_THEMES_PATH).digest() == themes.digest()


def test_round_trip_through_toml() -> None:
    themes = parse_themes(SMALL)
    again = parse_themes(themes_to_toml(themes))
    assert again == themes
    assert again.themes[1].label == "Beta"
    assert again.themes[0].near_misses == {"en": ("red car engine",)}
    assert (again.scoring.c, again.scoring.cue_weight, again.scoring.units) == (1.0, 0.5, "paragraph")


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
        ('[[theme]]\nid = "a"\nexamples.en = ["x"]\nnear_misses.en = "y"\n[scoring]\nc = 0', "c must be greater than 0"),
        ('[[theme]]\nid = "a"\nexamples.en = ["x"]\nnear_misses.en = "y"\n[scoring]\nunits = "words"', "units must be one of"),
        ('[[theme]]\nid = "a"\nexamples.en = ["x"]', "needs sentences that do not carry it"),
        ('[[theme]]\nid = "a"\ncue_weight = "big"\nexamples.en = ["x"]', "cue_weight must be a number"),
        ('[[theme]]\nid = "a"\nexamples.en = ["x"]\nnear_misses.en = "y"\n[scoring]\nwording_weight = "x"', "numeric"),
        ('[[theme]]\nid = "a"\nexamples.en = ["x"]\nnear_misses.en = "y"\n[denials]\nen = 1', "\\[denials\\]"),
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


def score(texts: list[str], themes: ThemeSet, embedder: Embedder, languages: list[str] | None = None) -> pd.DataFrame:
    return score_paragraphs(texts, languages or ["en"] * len(texts), themes, embedder.embed).table


def test_classifier_puts_theme_sentences_above_zero_and_the_rest_below(fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL)
    table = score(["red apple fruit", "weather sunny today", "blue sky ocean", "red car engine"], themes, fake_embedder)
    assert list(table.columns) == ["score_alpha", "score_beta"]
    assert table.loc[0, "score_alpha"] > 0 > table.loc[0, "score_beta"]
    assert table.loc[2, "score_beta"] > 0 > table.loc[2, "score_alpha"]
    assert table.loc[1].max() < 0
    assert table.loc[3, "score_alpha"] < 0  # a near miss stays on the negative side


def test_scores_are_in_units_of_the_spread_over_the_theme_file(fake_embedder: Embedder) -> None:
    themes = replace(parse_themes(SMALL), scoring=ScoringSettings(c=1.0, cue_weight=0.0, wording_weight=0.0))
    sentences = ["weather sunny today", "cold rain tomorrow morning", "red apple fruit", "ripe red apple", "red car engine", "blue sky ocean"]
    table = score(sentences, themes, fake_embedder)
    assert table["score_alpha"].std(ddof=0) == pytest.approx(1.0, abs=1e-3)


def test_a_cue_adds_exactly_the_cue_weight(fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL)
    texts, languages = ["هاجمت العصابات الإرهابية المدينة", "هاجمت العصابات المدينة"], ["ar", "ar"]
    with_cues = score(texts, themes, fake_embedder, languages)
    without_cues = score(texts, replace(themes, scoring=replace(themes.scoring, cue_weight=0.0)), fake_embedder, languages)
    difference = with_cues - without_cues
    assert difference.loc[0, "score_alpha"] == pytest.approx(0.5, abs=1e-3)
    assert difference.loc[1, "score_alpha"] == pytest.approx(0.0, abs=1e-3)
    assert difference["score_beta"].abs().max() == pytest.approx(0.0, abs=1e-3)


def test_a_new_near_miss_lowers_the_score_of_paragraphs_like_it(fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL)
    paragraph = "red apple juice factory closed"
    before = score([paragraph], themes, fake_embedder).loc[0, "score_alpha"]
    alpha = replace(themes.themes[0], near_misses={"en": ("red car engine", "apple juice factory closed")})
    after = score([paragraph], replace_theme(themes, alpha), fake_embedder).loc[0, "score_alpha"]
    assert after < before


def test_sentence_units_take_the_best_of_the_paragraph_and_its_sentences(fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL)
    paragraph = "unrelated words about nothing at all. red apple fruit is here now."
    whole = score([paragraph], themes, fake_embedder).loc[0, "score_alpha"]
    by_sentence = replace(themes, scoring=replace(themes.scoring, units="sentences"))
    table = score([paragraph, "unrelated words about nothing at all.", "red apple fruit is here now."], by_sentence, fake_embedder)
    assert table.loc[0, "score_alpha"] == pytest.approx(max(whole, table.loc[1, "score_alpha"], table.loc[2, "score_alpha"]))
    assert table.loc[0, "score_alpha"] == pytest.approx(table.loc[2, "score_alpha"]) and whole < table.loc[2, "score_alpha"]


def test_no_paragraphs_gives_empty_scores(fake_embedder: Embedder) -> None:
    scores = score_paragraphs([], [], parse_themes(SMALL), fake_embedder.embed)
    assert list(scores.table.columns) == ["score_alpha", "score_beta"]
    assert scores.table.empty
    assert isinstance(scores.vectors, np.ndarray)


def test_add_and_replace_theme_validate_like_a_themes_file() -> None:
    themes = parse_themes(SMALL)
    gamma = Theme("gamma", "Gamma", 0.0, examples={"fa": lines_to_sentences("  یک جمله\n\nجمله دوم \n")})
    added = add_theme(themes, gamma)
    assert added.ids == ["alpha", "beta", "gamma"]
    assert added.themes[2].examples == {"fa": ("یک جمله", "جمله دوم")}
    renamed = replace_theme(added, replace(added.themes[0], label="Renamed"))
    assert renamed.label("alpha") == "Renamed" and renamed.themes[0].examples == themes.themes[0].examples
    with pytest.raises(ThemeError, match="already exists"):
        add_theme(themes, replace(gamma, id="alpha"))
    with pytest.raises(ThemeError, match="lowercase letters"):
        add_theme(themes, replace(gamma, id="Bad id"))
    with pytest.raises(ThemeError, match="at least one description or example"):
        replace_theme(themes, replace(themes.themes[1], descriptions={}))
    with pytest.raises(ThemeError, match="no theme with id 'gamma'"):
        replace_theme(themes, gamma)


DENIALS = """
[denials]
en = ["denied"]
ar = ["نفى"]
"""


def test_denials_and_weights_round_trip_through_toml() -> None:
    text = SMALL.replace("cue_weight = 0.5", "cue_weight = 0.5\nwording_weight = 3.0\ndenial_weight = 0.25")
    text = text.replace('id = "beta"', 'id = "beta"\ncue_weight = 2.0\ndenial_weight = 1.5') + DENIALS
    themes = parse_themes(text)
    assert (themes.scoring.wording_weight, themes.scoring.denial_weight) == (3.0, 0.25)
    assert (themes.themes[0].cue_weight, themes.themes[1].cue_weight, themes.themes[1].denial_weight) == (None, 2.0, 1.5)
    assert themes.denials == {"en": ("denied",), "ar": ("نفى",)}
    assert parse_themes(themes_to_toml(themes)) == themes
    assert "denials" not in themes_to_toml(parse_themes(SMALL)) and "labelled" not in themes_to_toml(parse_themes(SMALL))


def test_denial_markers_match_only_in_their_own_language() -> None:
    themes = parse_themes(SMALL + DENIALS)
    assert denial_hits("ونفى المتحدث الاتهامات", "ar", themes) == ["نفى"]
    assert denial_hits("The spokesman denied it", "en", themes) == ["denied"]
    assert denial_hits("The spokesman denied it", "fa", themes) == []
    assert denial_hits("قيمة النفط", "ar", themes) == []


def test_a_denial_marker_cancels_the_cue_bonus_and_subtracts_the_denial_weight(fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL + DENIALS)
    texts, languages = ["نفى المتحدث وجود عصابات إرهابية", "أكد المتحدث وجود عصابات إرهابية"], ["ar", "ar"]
    plain = replace(themes, denials={}, scoring=replace(themes.scoring, cue_weight=0.0))
    base = score(texts, plain, fake_embedder, languages)
    denied = score(texts, themes, fake_embedder, languages) - base
    assert denied.loc[0, "score_alpha"] == pytest.approx(0.0, abs=1e-3)  # cue present, but denied: no bonus
    assert denied.loc[1, "score_alpha"] == pytest.approx(0.5, abs=1e-3)  # cue, no denial: the bonus
    penalised = replace(themes, scoring=replace(themes.scoring, denial_weight=0.75))
    penalised = replace_theme(penalised, replace(penalised.themes[1], denial_weight=0.0))
    difference = score(texts, penalised, fake_embedder, languages) - base
    assert difference.loc[0, "score_alpha"] == pytest.approx(-0.75, abs=1e-3)
    assert difference["score_beta"].abs().max() == pytest.approx(0.0, abs=1e-3)  # beta's own denial_weight is 0


def test_a_theme_can_have_its_own_cue_weight(fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL)
    texts, languages = ["هاجمت العصابات الإرهابية المدينة", "هاجمت العصابات المدينة"], ["ar", "ar"]
    heavier = replace_theme(themes, replace(themes.themes[0], cue_weight=2.0))
    difference = score(texts, heavier, fake_embedder, languages) - score(texts, themes, fake_embedder, languages)
    assert difference.loc[0, "score_alpha"] == pytest.approx(1.5, abs=1e-3)
    assert difference.loc[1, "score_alpha"] == pytest.approx(0.0, abs=1e-3)


LABELLED_CSV = """doc_id,language,text,alpha,beta
d1,fa,juicy red apple pie recipe,1,0
d1,fa,weather sunny in the orchard,0,0
d2,fa,green apple harvest ends early,1,0
d2,fa,blue ocean waves,0,1
"""


def themes_with_labelled(folder: Path, csv_text: str = LABELLED_CSV) -> ThemeSet:
    (folder / "labelled.csv").write_text(csv_text, encoding="utf-8")
    (folder / "themes.toml").write_text(SMALL.replace("cue_weight = 0.5", 'cue_weight = 0.5\nlabelled = "labelled.csv"'), encoding="utf-8")
    return load_themes(folder / "themes.toml")


def test_labelled_paragraphs_are_read_beside_the_themes_file(tmp_path: Path) -> None:
    themes = themes_with_labelled(tmp_path)
    assert themes.labelled is not None
    assert themes.labelled.doc_ids == ("d1", "d1", "d2", "d2")
    assert themes.labelled.labels == {"alpha": (1, 0, 1, 0), "beta": (0, 0, 0, 1)}
    assert "labelled" in themes_to_toml(themes)
    assert themes.digest() != parse_themes(SMALL).digest()
    assert themes.labelled.without_documents({"d1"}).texts == ("green apple harvest ends early", "blue ocean waves")


def test_labelled_paragraphs_teach_the_classifiers(tmp_path: Path, fake_embedder: Embedder) -> None:
    themes = themes_with_labelled(tmp_path)
    paragraph = "green apple harvest ends early"
    before = score([paragraph], parse_themes(SMALL), fake_embedder).loc[0, "score_alpha"]
    after = score([paragraph], themes, fake_embedder).loc[0, "score_alpha"]
    assert after > before
    assert after > themes.thresholds()["alpha"]


def test_a_theme_without_a_labelled_column_learns_from_its_sentences_only(tmp_path: Path, fake_embedder: Embedder) -> None:
    only_alpha = "\n".join(line.rsplit(",", 1)[0] for line in LABELLED_CSV.strip().splitlines()) + "\n"
    themes = themes_with_labelled(tmp_path, only_alpha)
    assert set(themes.labelled.labels) == {"alpha"}
    paragraphs = ["blue ocean waves", "red apple fruit"]
    without = score(paragraphs, replace(themes, labelled=None), fake_embedder)
    with_alpha_labels = score(paragraphs, themes, fake_embedder)
    # beta's training texts are its sentences plus nothing labelled; alpha's include the paragraphs
    assert not np.allclose(with_alpha_labels["score_alpha"], without["score_alpha"])
    assert set(themes_to_toml(themes).splitlines()) >= {'labelled = "labelled.csv"'}


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        (None, "no such file"),
        ("doc_id,language,text\nd1,en,x\n", "no column for any theme id"),
        ("doc_id,language,text,alpha\nd1,en,x,2\n", "must hold 0 or 1"),
    ],
)
def test_bad_labelled_paragraphs_get_clear_errors(tmp_path: Path, csv_text: str | None, message: str) -> None:
    if csv_text is None:
        (tmp_path / "themes.toml").write_text(SMALL.replace("cue_weight = 0.5", 'cue_weight = 0.5\nlabelled = "missing.csv"'), encoding="utf-8")
        with pytest.raises(ThemeError, match=message):
            load_themes(tmp_path / "themes.toml")
    else:
        with pytest.raises(ThemeError, match=message):
            themes_with_labelled(tmp_path, csv_text)


def test_the_wording_classifier_adds_its_weighted_decision(fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL)
    texts = ["red apple fruit", "a ripe apple today", "sunny weather"]

    def with_weight(weight: float) -> pd.DataFrame:
        return score(texts, replace(themes, scoring=replace(themes.scoring, wording_weight=weight)), fake_embedder)

    meaning_only, once, twice = with_weight(0.0), with_weight(1.0), with_weight(2.0)
    wording = once - meaning_only
    assert wording.abs().to_numpy().max() > 0.1
    assert np.allclose(twice - meaning_only, 2 * wording, atol=1e-3)
