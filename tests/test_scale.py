"""The faster paths of issue 11 §3 give the same answers as the slow ones they replaced.

Each test runs the old way (kept here verbatim, or still in the library as the one-text function) and
the new way on the seed paragraphs and the bundled labelled paragraphs, and compares them exactly.
The fast tests use every 10th labelled paragraph; the same comparisons on all of them are marked
``model`` (they take tens of seconds, and run with the model tests).
"""

from __future__ import annotations

import importlib.resources
from collections import Counter
from collections.abc import Sequence
from functools import cache

import numpy as np
import pandas as pd
import pytest

from analysis import scorer
from analysis import text as text_module
from analysis.corpus import read_corpus
from analysis.scorer import NgramRows, NgramVocabulary, char_ngrams, mask_words
from analysis.text import identify_language, normalize, paragraphs_of, prefetch_identifications, split_paragraphs
from analysis.themes import cue_flags, cue_hits, denial_flags, denial_hits, load_themes, match_form
from analysis.voices import add_voices, find_voice, outlet_actor
from tests.helpers import SEEDS

LABELLED = importlib.resources.files("analysis") / "data" / "labelled_paragraphs.csv"


@cache
def paragraphs(every: int) -> tuple[tuple[str, str], ...]:
    """(language, normalised text) of the seeds' kept paragraphs and of every ``every``-th labelled paragraph."""
    seeds = split_paragraphs(read_corpus([SEEDS]).documents)
    kept = seeds[seeds["kept"]]
    labelled = pd.read_csv(str(LABELLED), keep_default_na=False).iloc[::every]
    pairs = list(zip(kept["language"], kept["clean_text"], strict=True))
    pairs += [(language, normalize(text, language)) for language, text in zip(labelled["language"], labelled["text"], strict=True)]
    return tuple(pairs)


def old_transform(vocabulary: NgramVocabulary, texts: Sequence[str]) -> NgramRows:
    """``NgramVocabulary.transform`` as it was before issue 11 (one text at a time)."""
    columns = {term: column for column, term in enumerate(vocabulary.terms.tolist())}
    masked = frozenset(vocabulary.masked.tolist())
    indptr, indices, data = [0], [], []
    for text in texts:
        counts = Counter(column for gram in char_ngrams(mask_words(text, masked)) if (column := columns.get(gram)) is not None)
        row_columns = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
        weights = (1.0 + np.log([counts[column] for column in row_columns.tolist()])) * vocabulary.idf[row_columns]
        norm = float(np.sqrt(np.dot(weights, weights)))
        indices.append(row_columns)
        data.append(weights / norm if norm else weights)
        indptr.append(indptr[-1] + len(row_columns))
    return NgramRows.from_csr(
        np.asarray(indptr, dtype=np.int64),
        np.concatenate(indices) if indices else np.zeros(0, np.int64),
        np.concatenate(data) if data else np.zeros(0),
        len(vocabulary.terms),
    )


def check_transform(every: int) -> None:
    pairs = paragraphs(every)
    texts = [text for _, text in pairs]
    masked = [word for word, _ in Counter(word for text in texts for word in text.split()).most_common(40)[::2]]  # some masked words
    vocabulary = NgramVocabulary.fit("test", texts[::3], masked)
    texts += ["", "   ", "?", texts[0]]  # empty rows, a row of no known n-gram, a repeat
    texts += [f"{masked[0]}،{masked[0]}.\t{masked[2]}  {texts[1][:40]}\n{masked[0]}"]  # masked words inside tokens, mixed whitespace
    old = old_transform(vocabulary, texts)
    for chunk in (scorer.TRANSFORM_CHUNK, 7):  # the default, and rows weighed seven at a time
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(scorer, "TRANSFORM_CHUNK", chunk)
            new = vocabulary.transform(texts)
        for part in ("indptr", "indices", "data"):
            assert getattr(new, part).dtype == getattr(old, part).dtype
            assert np.array_equal(getattr(new, part), getattr(old, part)), part  # bit for bit, not approximately


def check_cues(every: int) -> None:
    themes = load_themes()
    pairs = paragraphs(every)
    languages = [language for language, _ in pairs]
    forms = [match_form(text, language) for language, text in pairs]
    for theme in themes.themes:
        expected = [bool(cue_hits(text, language, theme)) for language, text in pairs]  # one pattern per cue
        assert cue_flags(forms, theme).tolist() == expected, theme.id
        assert any(expected), f"{theme.id}: the comparison should see some cues"
    denied = [bool(denial_hits(text, language, themes)) for language, text in pairs]
    assert denial_flags(forms, languages, themes).tolist() == denied
    assert any(denied)


def check_languages(every: int, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [raw for raw, _ in raw_paragraphs(every)]

    def fresh() -> None:
        monkeypatch.setattr(text_module, "_KNOWN", {})
        monkeypatch.setattr(text_module, "_MADE", {})
        monkeypatch.setattr(text_module, "_RANKED", {})
        identify_language.cache_clear()

    fresh()
    one_by_one = [identify_language(text) for text in texts]
    fresh()
    prefetch_identifications(texts)
    assert text_module._RANKED, "the parallel call should have run"
    assert [identify_language(text) for text in texts] == one_by_one
    assert not text_module._RANKED, "every prefetched answer is used"
    identify_language.cache_clear()


@cache
def raw_paragraphs(every: int) -> tuple[tuple[str, str], ...]:
    """(raw text, language) of the seed paragraphs (kept or not) and of every ``every``-th labelled paragraph."""
    documents = read_corpus([SEEDS]).documents
    pairs = [
        (paragraph, language)
        for text, language in zip(documents["text"], documents["language"], strict=True)
        for paragraph in paragraphs_of(text)
    ]
    labelled = pd.read_csv(str(LABELLED), keep_default_na=False).iloc[::every]
    return tuple(pairs + list(zip(labelled["text"], labelled["language"], strict=True)))


def old_add_voices(table: pd.DataFrame) -> pd.DataFrame:
    """``voices.add_voices`` as it was before issue 11 (a row Series per paragraph)."""
    from analysis.voices import ATTRIBUTED, default_actors, default_voice_patterns

    actors, patterns = default_actors(), default_voice_patterns()
    known = {actor.id for actor in actors}
    table = table.copy()
    voices = pd.Series("", index=table.index, dtype=object)
    speakers = pd.Series("", index=table.index, dtype=object)
    kept = table[table["kept"].astype(bool)]
    outlets: dict[str, str] = {}
    for _, article in kept.sort_values(["doc_id", "position"]).groupby("doc_id", sort=False):
        previous = ""
        for index, row in article.iterrows():
            outlet_name = str(row.get("outlet", "") or "")
            if outlet_name not in outlets:
                outlets[outlet_name] = outlet_actor(outlet_name, actors)
            found = find_voice(
                str(row["text"]),
                str(row["language"]),
                actors=actors,
                patterns=patterns,
                outlet=outlets[outlet_name],
                previous_speaker=previous,
            )
            voices[index], speakers[index] = found.voice, found.speaker
            previous = found.speaker if found.voice == ATTRIBUTED and found.speaker in known else ""
    table["voice"] = voices
    table["speaker"] = speakers
    return table


def voices_table(every: int) -> pd.DataFrame:
    """The seeds' paragraphs and every ``every``-th labelled paragraph as articles (their doc_id), in one table."""
    seeds = split_paragraphs(read_corpus([SEEDS]).documents)
    labelled = pd.read_csv(str(LABELLED), keep_default_na=False).iloc[::every]
    extra = pd.DataFrame(
        {
            "doc_id": labelled["doc_id"],
            "position": labelled.groupby("doc_id").cumcount(),
            "text": labelled["text"],
            "language": labelled["language"],
            "kept": True,
            "outlet": "Tasnim",
        }
    )
    table = pd.concat([seeds[extra.columns], extra], ignore_index=True)
    return table.sample(frac=1.0, random_state=0)  # shuffled: articles are read in position order all the same


def test_transform_is_unchanged_on_seeds_and_labelled_sample() -> None:
    check_transform(every=10)


def test_cue_and_denial_flags_are_unchanged_on_seeds_and_labelled_sample() -> None:
    check_cues(every=10)


def test_parallel_language_identification_is_unchanged_on_seeds_and_labelled_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    check_languages(every=10, monkeypatch=monkeypatch)


def test_voices_are_unchanged_on_seeds_and_labelled_sample() -> None:
    table = voices_table(every=10)
    pd.testing.assert_frame_equal(add_voices(table), old_add_voices(table))


@pytest.mark.model
def test_transform_is_unchanged_on_all_labelled_paragraphs() -> None:
    check_transform(every=1)


@pytest.mark.model
def test_cue_and_denial_flags_are_unchanged_on_all_labelled_paragraphs() -> None:
    check_cues(every=1)


@pytest.mark.model
def test_parallel_language_identification_is_unchanged_on_all_labelled_paragraphs(monkeypatch: pytest.MonkeyPatch) -> None:
    check_languages(every=1, monkeypatch=monkeypatch)


@pytest.mark.model
def test_voices_are_unchanged_on_all_labelled_paragraphs() -> None:
    table = voices_table(every=1)
    pd.testing.assert_frame_equal(add_voices(table), old_add_voices(table))


@pytest.mark.model  # starts two fresh interpreters (seconds on a busy machine): runs with the slow tests
def test_voices_on_two_processes_are_the_same_as_on_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import pipeline

    table = voices_table(every=10)
    table = table.assign(kept=[index % 7 != 0 for index in range(len(table))])  # some dropped rows: blank voices
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_PARAGRAPHS", 1)
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 2)
    pd.testing.assert_frame_equal(pipeline.voiced(table), add_voices(table))


def test_voice_matching_speed_ups_match_the_plain_forms_on_every_labelled_paragraph() -> None:
    """The voices' faster matching (issue 11 §3) against the plain forms it replaced, on all 2,635 labelled paragraphs:
    one normalisation per paragraph, the alternations' shared look-behind written once, each alias literal looked for
    once per text."""
    import re

    from analysis import voices
    from analysis.text import matching_form, matching_form_of_normalized

    actors, patterns = voices.default_actors(), voices.default_voice_patterns()
    pairs = {}  # per language: (the compiled alternation, the plain one) of the relays, then of the verbs
    for language in ("fa", "ar"):
        prefix = voices._VERB_PREFIX.get(language, "")
        pairs[language] = []
        for phrases in (patterns.relay.get(language, ()), patterns.speech.get(language, ())):
            plain = sorted({voices._phrase_pattern(phrase, language, prefix=prefix) for phrase in phrases} - {""}, key=len, reverse=True)
            compiled = voices._compiled_phrases(tuple(phrases), language, prefix)
            assert compiled is not None and compiled.pattern != "|".join(plain)
            pairs[language].append((compiled, re.compile("|".join(plain))))
    for text, language in raw_paragraphs(every=1):
        assert matching_form_of_normalized(normalize(text, language)) == matching_form(text, language)
        if language not in ("fa", "ar"):
            continue
        form = voices._form(text, language)
        for compiled, plain_pattern in pairs[language]:
            assert [m.span() for m in compiled.finditer(form)] == [m.span() for m in plain_pattern.finditer(form)]
        every_match = [
            voices._Mention(match.start(), match.end(), entry.actor)  # undated: a title names its holder
            for entry in voices._alias_patterns(actors, language)  # every actor's pattern, no literal test
            for match in entry.pattern.finditer(form)
        ]
        chosen: list[voices._Mention] = []  # longest first, then leftmost, none overlapping one already chosen
        for mention in sorted(every_match, key=lambda mention: (-(mention.end - mention.start), mention.start)):
            if all(mention.end <= other.start or other.end <= mention.start for other in chosen):
                chosen.append(mention)
        assert voices.find_actors(form, language, actors) == sorted(chosen)
