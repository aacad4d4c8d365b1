"""Distinctive words a researcher can read: the Arabic light stemmer, merged spellings, log-odds, words in context."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import words
from analysis.text import ZWNJ, fold_letters

# --------------------------------------------------------------------------------------------
# The Arabic light stemmer: words in, stems out
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("corpus", "stems"),
    [
        # the article, its clitics and the pronoun suffixes merge one word's forms
        (
            ["انسحاب", "الانسحاب", "انسحابها", "والانسحاب", "للانسحاب", "بالانسحاب", "انسحابهم"],
            {"انسحاب": "انسحاب", "الانسحاب": "انسحاب", "انسحابها": "انسحاب", "والانسحاب": "انسحاب", "للانسحاب": "انسحاب"},
        ),
        # without the bare form, two clitic forms still meet on their shared stem
        (["الانسحاب", "انسحابها"], {"الانسحاب": "انسحاب", "انسحابها": "انسحاب"}),
        # ta marbuta comes back before a pronoun: حكومتها is a form of حكومة, انتخاباتها of انتخابات
        (["الحكومة", "حكومتها", "الانتخابات", "انتخاباتها"], {"حكومتها": "حكومة", "الحكومة": "حكومة", "انتخاباتها": "انتخابات"}),
        # a one-letter clitic is stripped only when the rest is a word of the corpus
        (["وزير", "الوزير", "ووزير"], {"وزير": "وزير", "الوزير": "وزير", "ووزير": "وزير"}),
        (
            ["فرنسا", "روسيا", "بريطانيا", "لبنان", "واشنطن"],
            {"فرنسا": "فرنسا", "بريطانيا": "بريطانيا", "لبنان": "لبنان", "واشنطن": "واشنطن"},
        ),
        (["وروسيا", "روسيا", "لروسيا"], {"وروسيا": "روسيا", "لروسيا": "روسيا"}),
        # a word is never cut into something no other word shares
        (["التزام", "الالتزام"], {"التزام": "التزام", "الالتزام": "التزام"}),
        (["اتجاه", "الاتجاه"], {"اتجاه": "اتجاه", "الاتجاه": "اتجاه"}),
        (["تفاهم"], {"تفاهم": "تفاهم"}),
        # short words keep every letter: وجه is not و + جه, لجنة not ل + جنة, بقوة not ب + قوة
        (["وجه", "جه", "لجنة", "جنة", "بقوة", "قوة", "الله", "له"], {"وجه": "وجه", "لجنة": "لجنة", "بقوة": "بقوة", "الله": "الله"}),
        # ه after a word whose ة spelling is in the corpus is a ta marbuta written ه, not a pronoun
        (["دوله", "دولة", "دول", "الدول"], {"دوله": "دوله", "دولة": "دولة", "الدول": "دول"}),
        (["انسحابه", "انسحاب"], {"انسحابه": "انسحاب"}),
    ],
)
def test_arabic_stems(corpus: list[str], stems: dict[str, str]) -> None:
    found = words.arabic_stems(corpus)
    assert set(found) == set(corpus)
    assert {word: found[word] for word in stems} == stems


@pytest.mark.parametrize(
    ("word", "candidates"),
    [
        ("والانسحاب", ["والانسحاب", "انسحاب", "الانسحاب"]),
        ("انسحابها", ["انسحابها", "انسحاب"]),
        ("حكومتها", ["حكومتها", "حكومت", "حكومة"]),
        ("بالإرهاب", ["بالإرهاب", "إرهاب", "الإرهاب"]),
        ("وقال", ["وقال"]),  # قال has three letters: too short after a one-letter clitic
        ("له", ["له"]),
        ("", [""]),
    ],
)
def test_arabic_stem_candidates(word: str, candidates: list[str]) -> None:
    assert words.arabic_stem_candidates(word) == candidates


@pytest.mark.parametrize(
    ("spellings", "shown"),
    [
        ({"الانسحاب": 4, "انسحابها": 1, "انسحاب": 2}, "الانسحاب"),
        ({"بینالمللی": 3, f"بین{ZWNJ}المللی": 2}, f"بین{ZWNJ}المللی"),  # the ZWNJ spelling of the commonest word
        ({"بینالمللی": 3}, "بینالمللی"),
        ({"ب": 2, "ا": 2}, "ا"),
    ],
)
def test_display_spelling(spellings: dict[str, int], shown: str) -> None:
    from collections import Counter

    assert words.display_spelling(Counter(spellings)) == shown


# --------------------------------------------------------------------------------------------
# Distinctive terms
# --------------------------------------------------------------------------------------------


def _table(rows: list[tuple[str, str, str, str, str, bool]], kept: bool = True) -> pd.DataFrame:
    """(paragraph_id, doc_id, outlet, language, text, has_terrorism)"""
    return pd.DataFrame(
        [
            {
                "paragraph_id": pid,
                "doc_id": doc,
                "outlet": outlet,
                "language": language,
                "date": "2022-01-10",
                "position": int(pid.rsplit(":", 1)[1]),
                "text": text,
                "clean_text": text,
                "kept": kept,
                "has_terrorism": theme,
            }
            for pid, doc, outlet, language, text, theme in rows
        ]
    )


ARABIC_ROWS = [
    ("a:0", "a", "RT Arabic", "ar", "بدأ الانسحاب من ألماتي، وأكد الإرهابيون الانسحاب", True),
    ("a:1", "a", "RT Arabic", "ar", "قالت وكالة سبوتنيك إن انسحابها من البلاد والانسحاب بدأ", True),
    ("a:2", "a", "RT Arabic", "ar", "الاقتصاد والأسعار في البلاد", False),
    ("b:0", "b", "Akhbar El-Yom", "ar", "أسعار الغاز ترتفع في البلاد RT Arabic", False),
    ("b:1", "b", "Akhbar El-Yom", "ar", "الإرهابيون في ألماتي", False),
]


def test_distinctive_terms_merge_spellings_and_show_the_commonest() -> None:
    terms = words.distinctive_terms(_table(ARABIC_ROWS), "terrorism", "ar", top=50).set_index("key")
    top = terms.loc["انسحاب"]
    assert top["term"] == "الانسحاب"
    assert (top["count_theme"], top["count_rest"], top["articles_theme"]) == (4, 0, 1)
    assert top["variants"] == "الانسحاب 2 · انسحابها 1 · والانسحاب 1"
    assert terms.loc["البلاد", "term"] == "البلاد"
    shown = set(terms["term"])
    # agencies, the corpus's own outlet names and stopwords behind a clitic are not words of a frame
    assert not shown & {"سبوتنيك", "وكالة", "وأكد", "قالت", "RT", "Arabic", "rt", "arabic"}
    assert list(words.distinctive_terms(_table(ARABIC_ROWS), "terrorism", "ar").columns) == words.TERM_COLUMNS


def test_distinctive_terms_log_odds_with_the_informative_prior() -> None:
    table = _table(
        [
            ("t:0", "t", "Tasnim", "fa", "تروریسم تروریسم امنیت", True),
            ("t:1", "t", "Tasnim", "fa", "تروریسم صلح", True),
            ("t:2", "t", "Tasnim", "fa", "صلح امنیت", False),
            ("f:0", "f", "Fars", "fa", "صلح اقتصاد", False),
        ]
    )
    terms = words.distinctive_terms(table, "terrorism", "fa", prior_scale=1.0)
    assert terms["term"].tolist() == ["تروریسم", "امنیت", "صلح", "اقتصاد"]
    top = terms.iloc[0]
    # background: تروریسم 3, امنیت 2, صلح 3, اقتصاد 1 of 9 words, so a prior scale of 1 gives a = 3, a0 = 9;
    # the theme has 5 words, the rest 4 (Monroe et al. 2008, eq. 16 and 22)
    assert top["log_odds"] == pytest.approx(math.log(6 / 8) - math.log(3 / 10))
    assert top["z"] == pytest.approx((math.log(6 / 8) - math.log(3 / 10)) / math.sqrt(1 / 6 + 1 / 3))
    assert not top["significant"]
    assert len(words.distinctive_terms(table, "terrorism", "fa", top=2)) == 2


def test_significance_line_passed_by_a_frequent_word_of_the_theme_only() -> None:
    rows = [(f"d{i}:0", f"d{i}", "X", "fa", "تروریست‌ها حمله کردند و امنیت شهر", True) for i in range(12)]
    rows += [(f"e{i}:0", f"e{i}", "X", "fa", "قیمت نان و امنیت شهر", False) for i in range(12)]
    terms = words.distinctive_terms(_table(rows), "terrorism", "fa", top=50).set_index("term")
    assert terms.loc[f"تروریست{ZWNJ}ها", "significant"]
    assert terms.loc[f"تروریست{ZWNJ}ها", "z"] >= words.SIGNIFICANT_Z
    assert not terms.loc["امنیت", "significant"]  # as frequent on both sides
    assert terms.loc["امنیت", "z"] == pytest.approx(terms.loc["شهر", "z"])


def test_significance_is_rare_when_the_theme_is_chance() -> None:
    rng = np.random.default_rng(0)
    vocabulary = [f"w{chr(97 + index // 26)}{chr(97 + index % 26)}" for index in range(60)]
    weights = 1 / np.arange(1, 61)
    rows = [
        (f"d{i}:0", f"d{i}", "X", "other", " ".join(rng.choice(vocabulary, size=12, p=weights / weights.sum())), bool(rng.random() < 0.3))
        for i in range(150)
    ]
    terms = words.distinctive_terms(_table(rows), "terrorism", "other", top=1000)
    assert len(terms) == 60
    assert terms["significant"].mean() <= 0.05


def test_distinctive_terms_persian_zwnj_spellings_are_one_word() -> None:
    rows = [
        ("t:0", "t", "X", "fa", "تهدیدات بینالمللی", True),
        ("t:1", "t", "X", "fa", f"تروریسم بین{ZWNJ}المللی", True),
        ("t:2", "t", "X", "fa", "سازمان بین المللی", True),
        ("u:0", "u", "X", "fa", "قیمت نان", False),
    ]
    terms = words.distinctive_terms(_table(rows), "terrorism", "fa", top=50).set_index("term")
    assert terms.loc[f"بین{ZWNJ}المللی", "count_theme"] == 3
    assert "المللی" not in terms.index


def test_distinctive_terms_empty_and_bad_input() -> None:
    empty = words.distinctive_terms(_table(ARABIC_ROWS), "terrorism", "fa")
    assert empty.empty
    assert list(empty.columns) == words.TERM_COLUMNS
    dropped = words.distinctive_terms(_table(ARABIC_ROWS, kept=False), "terrorism", "ar")
    assert dropped.empty
    with pytest.raises(ValueError, match="top must be at least 1"):
        words.distinctive_terms(_table(ARABIC_ROWS), "terrorism", "ar", top=0)
    with pytest.raises(ValueError, match="prior_scale must be a positive number"):
        words.distinctive_terms(_table(ARABIC_ROWS), "terrorism", "ar", prior_scale=0)
    with pytest.raises(ValueError, match="lacks column"):
        words.distinctive_terms(_table(ARABIC_ROWS), "interference", "ar")


# --------------------------------------------------------------------------------------------
# Keyword in context
# --------------------------------------------------------------------------------------------


def test_keyword_in_context_finds_every_merged_spelling_as_written() -> None:
    table = _table(ARABIC_ROWS)
    lines = words.keyword_in_context(table, "انسحابها", "ar", width=12, theme="terrorism")
    assert list(lines.columns) == words.KWIC_COLUMNS
    assert lines[["left", "keyword", "right"]].values.tolist() == [
        ["بدأ ", "الانسحاب", " من ألماتي،…"],
        ["…الإرهابيون ", "الانسحاب", ""],
        ["…سبوتنيك إن ", "انسحابها", " من البلاد…"],
        ["…من البلاد ", "والانسحاب", " بدأ"],
    ]
    assert lines["paragraph_id"].tolist() == ["a:0", "a:0", "a:1", "a:1"]
    assert lines["outlet"].unique().tolist() == ["RT Arabic"]
    assert lines["in_theme"].all()
    assert words.keyword_in_context(table, "انسحاب", "ar", width=12).equals(lines.assign(in_theme=False))


def test_keyword_in_context_keeps_the_spelling_of_the_paragraph() -> None:
    table = _table(
        [
            ("p:0", "p", "X", "fa", "تهدیدات تروریسم بین المللی علیه قزاقستان", True),
            ("p:1", "p", "X", "fa", "الإِرهاب\u200bبین\u200cالمللی", True),
        ]
    )
    lines = words.keyword_in_context(table, f"بین{ZWNJ}المللی", "fa", width=40)
    assert lines[["left", "keyword", "right"]].values.tolist() == [
        ["تهدیدات تروریسم ", "بین المللی", " علیه قزاقستان"],
        ["الإِرهاب\u200b", "بین\u200cالمللی", ""],
    ]


@pytest.mark.parametrize(
    ("word", "language", "message"),
    [
        ("", "ar", "one word, got '\\(nothing\\)'"),
        ("  ", "ar", "one word"),
        ("الانسحاب من", "ar", "one word, got 'الانسحاب من'"),
        ("2022", "ar", "one word"),
    ],
)
def test_keyword_in_context_bad_words(word: str, language: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        words.keyword_in_context(_table(ARABIC_ROWS), word, language)


def test_keyword_in_context_width_and_absent_word() -> None:
    with pytest.raises(ValueError, match="width must be at least 1"):
        words.keyword_in_context(_table(ARABIC_ROWS), "الانسحاب", "ar", width=0)
    absent = words.keyword_in_context(_table(ARABIC_ROWS), "سلام", "ar")
    assert absent.empty
    assert list(absent.columns) == words.KWIC_COLUMNS
    assert fold_letters("الإرهاب") == "الارهاب"
