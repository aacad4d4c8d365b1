"""The language facts (analysis/languages.py) and the one matching form shared by cues and tokens."""

from __future__ import annotations

import pytest

from analysis import languages
from analysis.corpus import normalize_language_code
from analysis.text import matching_form, tokenize
from analysis.themes import has_cue, parse_themes


def test_names_labels_and_the_pair() -> None:
    assert [languages.language_name(code) for code in ("fa", "ar", "en")] == ["Persian", "Arabic", "en"]
    assert [languages.language_label(code) for code in ("fa", "xx")] == ["Persian (fa)", "xx"]
    assert (languages.other_language("fa"), languages.other_language("ar"), languages.other_language("en")) == ("ar", "fa", None)
    assert languages.RTL_LANGUAGES == languages.TARGET_LANGUAGES == ("fa", "ar")


@pytest.mark.parametrize(
    ("declared", "code"), [("Farsi", "fa"), ("فارسی", "fa"), ("ARABIC", "ar"), ("العربية", "ar"), ("", ""), ("xx", None)]
)
def test_declared_languages_map_to_codes(declared: str, code: str | None) -> None:
    assert normalize_language_code(declared) == code


def _theme_with_cue(cue: str, language: str) -> object:
    themes = parse_themes(f'[background]\nen = ["y"]\n[[theme]]\nid = "t"\nexamples.en = ["x"]\ncues.{language} = ["{cue}"]\n')
    return themes.themes[0]


@pytest.mark.parametrize(
    ("cue", "text", "language"),
    [
        ("إرهاب", "ارهاب يضرب المدينة", "ar"),  # alef with hamza below / bare alef
        ("مهمة مؤقتة", "في مهمه مؤقته فقط", "ar"),  # final ta marbuta / heh
        ("آمریکا", "دخالت امریکا", "fa"),  # alef with madda / bare alef
        ("خانۀ ملت", "خانه ملت", "fa"),  # heh with hamza (ezafe) / heh
    ],
)
def test_cues_match_the_spellings_the_tokenizer_folds_together(cue: str, text: str, language: str) -> None:
    assert has_cue(text, language, _theme_with_cue(cue, language))
    assert set(tokenize(cue, language)) <= set(tokenize(text, language))  # the distinctive-words tokens fold them alike
    assert matching_form(cue, language) != cue  # the spellings differed before folding
