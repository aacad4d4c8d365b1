"""Distinctive words a researcher can read, and each word in its context.

Words are counted on a *key* that merges the spellings of one word, and shown in the spelling the
corpus uses most:

- every word is found in the paragraph as written (:func:`analysis.text.content_words`: Persian
  ZWNJ words whole, pieces written apart joined back, never two words glued, stopwords, outlets,
  news agencies and datelines dropped, and the corpus's own outlet names too);
- Persian spellings with and without a ZWNJ share a key (بین‌المللی, بینالمللی);
- Arabic clitics are stripped by a light stemmer of our own (:func:`arabic_stems`): the article
  and its combinations (ال وال بال فال كال لل), the conjunctions and prepositions و ف ب ل, and the
  pronoun suffixes ها هم هما هن ه, so that الانسحاب, انسحاب and انسحابها are one word. It is
  conservative: a clitic is stripped only when what remains is at least three letters long (four
  after a one-letter prefix) *and* another word of the corpus reduces to the same stem, so a word
  is never cut into something no other word shares (وزير stays وزير, فرنسا stays فرنسا).

Statistics: the weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi &
Quinn 2008, "Fightin' Words", eq. 16 and 22), the prior being the language's own word counts
times :data:`PRIOR_SCALE`, and ``|z| >= 1.96`` marked as significant. The z is a
word-by-word line, not corrected for the many words looked at.

Libraries considered for the stemming: nltk's ISRI reduces words to roots (ارهاب and رهبان share
one), Snowball's Arabic stemmer also strips plural and feminine endings and has no notion of what
the corpus attests, tashaphyne and qalsadi bring dictionaries and dependencies for a job a few
affix lists and a corpus check do here, with tables of words in and stems out in the tests.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.compare import require_columns
from analysis.languages import ARABIC, PERSIAN
from analysis.text import ZWNJ, WordSpan, content_words, fold_letters, phrase_forms, stopwords, word_spans

SIGNIFICANT_Z = 1.96
"""|z| at or above this is marked significant: a two-sided 5 % line for one word."""
PRIOR_SCALE = 0.1
"""The informative prior's pseudo-count of a word is this times its count over the language's kept
paragraphs: the prior weighs a tenth of the data. It keeps a word seen two or three times from
topping the list, while a word used a dozen times only in a theme's paragraphs passes the line.
(A prior as heavy as the data, scale 1, caps every word's log-odds near log 2: nothing passes on a
small corpus.)"""
KWIC_WIDTH = 60
"""Characters of context on each side of a keyword, by default."""

TERM_COLUMNS = ["term", "count_theme", "count_rest", "log_odds", "z", "significant", "articles_theme", "variants", "key"]
"""``term``: the word in its most frequent spelling; ``count_theme`` / ``count_rest``: occurrences in
the theme's paragraphs / in the other kept paragraphs of the language; ``log_odds`` and ``z``: the
weighted log-odds and its z-score; ``significant``: ``|z| >= 1.96``; ``articles_theme``: articles
whose theme paragraphs use it; ``variants``: every spelling merged, most frequent first, with
counts ("الانسحاب 4 · انسحابها 1"); ``key``: the merged form (pass ``term`` or ``key`` to
:func:`keyword_in_context`)."""
_TERM_DTYPES = ["object", "int64", "int64", "float64", "float64", "bool", "int64", "object", "object"]
KWIC_COLUMNS = ["left", "keyword", "right", "paragraph_id", "doc_id", "outlet", "date", "position", "in_theme"]

ARABIC_ARTICLES = ("وبال", "فبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال")
"""The article and the clitics written before it (longest first); لل is ل + ال."""
ARABIC_PROCLITICS = ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل")
"""Conjunctions and prepositions written onto a word without the article."""
ARABIC_PRONOUN_SUFFIXES = ("هما", "هم", "هن", "ها", "ه")
MIN_STEM = 3
"""Letters a stem keeps after the article or a pronoun suffix is stripped."""
MIN_STEM_AFTER_PROCLITIC = 4
"""Letters a stem keeps after a one-letter clitic (و ف ب ل) is stripped: more words begin with these letters."""
_FINAL_TA_MARBUTA = re.compile(r"ة$")


# --------------------------------------------------------------------------------------------
# Arabic light stemming
# --------------------------------------------------------------------------------------------


def arabic_stem_candidates(word: str, vocabulary: Iterable[str] = ()) -> list[str]:
    """Every reading of an Arabic word as clitics around a stem, the word itself first.

    Args:
        word: A word in :func:`analysis.text.fold_letters` form (alef variants folded, ة kept).
        vocabulary: The corpus's words in the same form. A word ending in ه whose ة spelling is in
            it (الدوله beside الدولة, a common Egyptian spelling) is not read as a pronoun ه.

    Returns:
        The word, then its stem without the article (and the clitics before it), without a
        one-letter clitic, and without a pronoun suffix (after a stem ending in ت, also the same stem
        with its ة restored: حكومتها → حكومة), each respecting :data:`MIN_STEM` and
        :data:`MIN_STEM_AFTER_PROCLITIC`.
    """
    words = vocabulary if isinstance(vocabulary, (set, frozenset)) else set(vocabulary)
    candidates = [word]
    bases = []
    article = next((prefix for prefix in ARABIC_ARTICLES if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM), "")
    if article:
        candidates.append(word[len(article) :])
    bases.append(word)
    for proclitic in ARABIC_PROCLITICS:
        if word.startswith(proclitic) and len(word) - len(proclitic) >= MIN_STEM_AFTER_PROCLITIC:
            bases.append(word[len(proclitic) :])
            candidates.append(word[len(proclitic) :])
    for base in bases:
        for suffix in ARABIC_PRONOUN_SUFFIXES:
            if not base.endswith(suffix) or len(base) - len(suffix) < MIN_STEM:
                continue
            if suffix == "ه" and base[:-1] + "ة" in words:
                break
            stem = base[: -len(suffix)]
            candidates.append(stem)
            if stem.endswith("ت"):
                candidates.append(stem[:-1] + "ة")
            break
    return list(dict.fromkeys(candidates))


def arabic_stems(words: Iterable[str]) -> dict[str, str]:
    """The light stem of every word of a corpus (see the module docstring).

    A word's stem is its shortest reading (:func:`arabic_stem_candidates`) that at least one *other*
    word of ``words`` shares (as its own reading or as itself); without one, the word itself.

    Args:
        words: The corpus's words in :func:`analysis.text.fold_letters` form.

    Returns:
        ``{word: stem}`` for every distinct word.
    """
    vocabulary = set(words)
    candidates = {word: arabic_stem_candidates(word, vocabulary) for word in vocabulary}
    support = Counter(candidate for readings in candidates.values() for candidate in readings)
    stems = {}
    for word, readings in candidates.items():
        shared = [reading for reading in readings[1:] if support[reading] >= 2]
        stems[word] = min(shared, key=lambda reading: (len(reading), -support[reading], reading)) if shared else word
    return stems


# --------------------------------------------------------------------------------------------
# Words of a language's paragraphs, with their merged keys
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=50_000)
def _content_words(text: str, language: str, phrases: tuple[tuple[str, ...], ...]) -> tuple[WordSpan, ...]:
    """:func:`analysis.text.content_words`, and for Arabic without the stopwords behind a clitic (وقال, وإنترفاكس)."""
    spans = content_words(text, language, phrases)
    if language != ARABIC:
        return tuple(spans)
    stop = stopwords(ARABIC)
    return tuple(
        span
        for span in spans
        if not any(_FINAL_TA_MARBUTA.sub("ه", reading) in stop for reading in arabic_stem_candidates(fold_letters(span.surface))[1:])
    )


def outlet_phrases(outlets: Iterable[object], language: str) -> tuple[tuple[str, ...], ...]:
    """The corpus's outlet names as stop phrases (:func:`analysis.text.phrase_forms`) in a language."""
    names = sorted({str(outlet) for outlet in outlets if isinstance(outlet, str) and outlet.strip()})
    return tuple(phrase for phrase in dict.fromkeys(phrase_forms(name, language) for name in names) if phrase)


def _key_function(paragraphs: Sequence[Sequence[WordSpan]], language: str) -> Callable[[str], str]:
    """``surface -> key`` for the words of one language's paragraphs."""
    if language == ARABIC:
        stems = arabic_stems(fold_letters(span.surface) for paragraph in paragraphs for span in paragraph)

        def arabic_key(surface: str) -> str:
            folded = fold_letters(surface)
            return _FINAL_TA_MARBUTA.sub("ه", stems.get(folded, folded))

        return arabic_key
    return lambda surface: fold_letters(surface).replace(ZWNJ, "") if language == PERSIAN else fold_letters(surface)


def _language_rows(table: pd.DataFrame, language: str) -> pd.DataFrame:
    kept = table[table["kept"].fillna(False).astype(bool)]
    return kept[kept["language"] == language]


def _paragraph_words(table: pd.DataFrame, rows: pd.DataFrame, language: str) -> tuple[list[tuple[WordSpan, ...]], Callable[[str], str]]:
    phrases = outlet_phrases(table["outlet"].unique() if "outlet" in table.columns else (), language)
    paragraphs = [_content_words(str(text), language, phrases) for text in rows["text"].fillna("")]
    return paragraphs, _key_function(paragraphs, language)


def display_spelling(spellings: Counter[str]) -> str:
    """The spelling a merged word is shown in: the most frequent one.

    Spellings that differ only by ZWNJs count as one, written with the ZWNJ (scraped Persian often
    loses it: بین‌المللی 2 and بینالمللی 3 show as بین‌المللی). Ties go to the alphabetically first.
    """
    groups: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for spelling, count in spellings.items():
        groups[spelling.replace(ZWNJ, "")][spelling] = count
    best = min(groups.values(), key=lambda group: (-group.total(), min(group)))
    with_zwnj = [spelling for spelling in best if ZWNJ in spelling]
    pool = with_zwnj or list(best)
    return min(pool, key=lambda spelling: (-best[spelling], spelling))


# --------------------------------------------------------------------------------------------
# Distinctive words
# --------------------------------------------------------------------------------------------


def log_odds_z(y_theme: np.ndarray, y_rest: np.ndarray, prior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted log-odds ratio of each word, theme vs rest, and its z-score (Monroe et al. 2008).

    ``delta = log((y_t + a) / (n_t + a0 - y_t - a)) - log((y_r + a) / (n_r + a0 - y_r - a))`` and
    ``z = delta / sqrt(1 / (y_t + a) + 1 / (y_r + a))``, with ``a`` the prior pseudo-counts and ``a0``
    their sum.
    """
    y_theme, y_rest, prior = (np.asarray(values, dtype=float) for values in (y_theme, y_rest, prior))
    total = prior.sum()
    delta = np.log((y_theme + prior) / (y_theme.sum() + total - y_theme - prior)) - np.log(
        (y_rest + prior) / (y_rest.sum() + total - y_rest - prior)
    )
    return delta, delta / np.sqrt(1 / (y_theme + prior) + 1 / (y_rest + prior))


def empty_terms() -> pd.DataFrame:
    """A terms table without rows, with :data:`TERM_COLUMNS`."""
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in zip(TERM_COLUMNS, _TERM_DTYPES, strict=True)})


def distinctive_terms(table: pd.DataFrame, theme: str, language: str, top: int = 15, *, prior_scale: float = PRIOR_SCALE) -> pd.DataFrame:
    """Words distinctive of a theme's paragraphs against the other kept paragraphs of one language.

    Args:
        table: Scored paragraphs table (``kept``, ``language``, ``text``, ``doc_id``, ``has_<theme>``;
            ``outlet`` names are dropped from the words when present).
        theme: Theme id.
        language: Language code; only kept paragraphs in it are counted.
        top: Number of words returned.
        prior_scale: Multiplier of the language's word counts forming the informative Dirichlet prior
            (see :data:`PRIOR_SCALE`).

    Returns:
        :data:`TERM_COLUMNS`, the ``top`` words with the highest ``z`` (ties by term). Empty when the
        theme or the rest of the language has no words.

    Raises:
        ValueError: ``top`` below 1, ``prior_scale`` not positive, or a required column missing.
    """
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    if not prior_scale > 0 or not math.isfinite(prior_scale):
        raise ValueError(f"prior_scale must be a positive number, got {prior_scale}")
    require_columns(table, ["kept", "language", "text", "doc_id", f"has_{theme}"])
    rows = _language_rows(table, language)
    paragraphs, key_of = _paragraph_words(table, rows, language)
    in_theme = rows[f"has_{theme}"].fillna(False).astype(bool).tolist()
    counts: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    articles: defaultdict[str, set[str]] = defaultdict(set)
    for words, theme_paragraph, doc_id in zip(paragraphs, in_theme, rows["doc_id"].astype(str), strict=True):
        for span in words:
            key = key_of(span.surface)
            counts[0 if theme_paragraph else 1][key] += 1
            spellings[key][span.surface] += 1
            if theme_paragraph:
                articles[key].add(doc_id)
    theme_counts, rest_counts = counts
    vocabulary = sorted(spellings)
    if not theme_counts or not rest_counts or len(vocabulary) < 2:
        return empty_terms()
    y_theme = np.array([theme_counts[key] for key in vocabulary], dtype=float)
    y_rest = np.array([rest_counts[key] for key in vocabulary], dtype=float)
    background = y_theme + y_rest
    log_odds, z = log_odds_z(y_theme, y_rest, prior_scale * background)
    terms = pd.DataFrame(
        {
            "term": [display_spelling(spellings[key]) for key in vocabulary],
            "count_theme": y_theme.astype("int64"),
            "count_rest": y_rest.astype("int64"),
            "log_odds": log_odds,
            "z": z,
            "significant": np.abs(z) >= SIGNIFICANT_Z,
            "articles_theme": [len(articles[key]) for key in vocabulary],
            "variants": [" · ".join(f"{spelling} {count}" for spelling, count in _by_count(spellings[key])) for key in vocabulary],
            "key": vocabulary,
        }
    )
    ranked = terms.sort_values(["z", "term"], ascending=[False, True], kind="stable")
    return ranked.head(top).reset_index(drop=True)[TERM_COLUMNS]


def _by_count(spellings: Counter[str]) -> list[tuple[str, int]]:
    return sorted(spellings.items(), key=lambda item: (-item[1], item[0]))


# --------------------------------------------------------------------------------------------
# Keyword in context
# --------------------------------------------------------------------------------------------


def keyword_in_context(table: pd.DataFrame, word: str, language: str, width: int = KWIC_WIDTH, *, theme: str | None = None) -> pd.DataFrame:
    """Every occurrence of a word, in any of its merged spellings, with the text around it.

    Args:
        table: Scored paragraphs table (the same selection the word was found in, so that Arabic
            words merge the same way).
        word: The word, as :func:`distinctive_terms` shows it (``term``) or its ``key``, in any of
            its spellings (انسحابها finds الانسحاب too).
        language: Language code; only kept paragraphs in it are searched.
        width: Characters of context on each side (cut back to a whole word, "…" where text was cut).
        theme: A theme id: ``in_theme`` says whether each line's paragraph carries it.

    Returns:
        :data:`KWIC_COLUMNS`, one row per occurrence in reading order (outlet, article, paragraph):
        ``left`` and ``right`` context and the ``keyword`` exactly as written in the paragraph,
        whitespace collapsed; ``in_theme`` is False when no theme is given.

    Raises:
        ValueError: an empty word or several words, ``width`` below 1, a missing column or theme.
    """
    if width < 1:
        raise ValueError(f"width must be at least 1, got {width}")
    searched = word_spans(str(word), language)
    if len(searched) != 1:
        shown = str(word).strip() or "(nothing)"
        raise ValueError(f"keyword_in_context looks for one word, got {shown!r}")
    require_columns(table, ["kept", "language", "text", "paragraph_id", "doc_id", *([f"has_{theme}"] if theme else [])])
    rows = _language_rows(table, language)
    paragraphs, key_of = _paragraph_words(table, rows, language)
    target = key_of(searched[0].surface)
    lines = []
    records = rows.to_dict("records")
    for record, words in zip(records, paragraphs, strict=True):
        text = str(record["text"])
        for span in words:
            if key_of(span.surface) != target:
                continue
            lines.append(
                {
                    "left": _left_context(text[: span.start], width),
                    "keyword": text[span.start : span.end],
                    "right": _right_context(text[span.end :], width),
                    "paragraph_id": record["paragraph_id"],
                    "doc_id": record["doc_id"],
                    "outlet": record.get("outlet", ""),
                    "date": record.get("date", ""),
                    "position": record.get("position", -1),
                    "in_theme": bool(record.get(f"has_{theme}", False)) if theme else False,
                }
            )
    if not lines:
        return pd.DataFrame({column: pd.Series(dtype="bool" if column == "in_theme" else "object") for column in KWIC_COLUMNS})
    return pd.DataFrame(lines, columns=KWIC_COLUMNS)


def _left_context(before: str, width: int) -> str:
    flat = " ".join(before.split()) + (" " if before[-1:].isspace() else "")
    if len(flat) <= width:
        return flat
    cut = flat[-width:]
    space = cut.find(" ")
    return "…" + (cut[space + 1 :] if 0 <= space < len(cut) - 1 else cut)


def _right_context(after: str, width: int) -> str:
    flat = (" " if after[:1].isspace() else "") + " ".join(after.split())
    if len(flat) <= width:
        return flat
    cut = flat[:width]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut) + "…"
