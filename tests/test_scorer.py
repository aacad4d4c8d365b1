"""The fitted scorer: scoring rules, fit / persist / refit, and theme assignment."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import scorer
from analysis.embed import Embedder
from analysis.scorer import DENSE_CHUNK, LinearScore, NgramRows, NgramVocabulary, ScorerStore, ThemeScorer, assign_themes
from analysis.themes import ScoringSettings, ThemeSet, parse_themes, replace_theme
from tests.helpers import DENIALS, LABELLED_CSV, SMALL, themes_with_labelled


def score(
    texts: list[str],
    themes: ThemeSet,
    embedder: Embedder,
    languages: list[str] | None = None,
) -> pd.DataFrame:
    scorer = ThemeScorer(themes, embedder.model_id).fit(embedder.embed)
    return scorer.decision_function(texts, languages or ["en"] * len(texts), embedder.embed)


def test_classifier_puts_theme_sentences_above_zero_and_the_rest_below(
    fake_embedder: Embedder,
) -> None:
    themes = parse_themes(SMALL)
    table = score(
        ["red apple fruit", "weather sunny today", "blue sky ocean", "red car engine"],
        themes,
        fake_embedder,
    )
    assert list(table.columns) == ["score_alpha", "score_beta"]
    assert table.loc[0, "score_alpha"] > 0 > table.loc[0, "score_beta"]
    assert table.loc[2, "score_beta"] > 0 > table.loc[2, "score_alpha"]
    assert table.loc[1].max() < 0
    assert table.loc[3, "score_alpha"] < 0  # a near miss stays on the negative side


def test_scores_are_in_units_of_the_spread_over_the_theme_file(
    fake_embedder: Embedder,
) -> None:
    themes = replace(
        parse_themes(SMALL),
        scoring=ScoringSettings(c=1.0, cue_weight=0.0, wording_weight=0.0),
    )
    sentences = [
        "weather sunny today",
        "cold rain tomorrow morning",
        "red apple fruit",
        "ripe red apple",
        "red car engine",
        "blue sky ocean",
    ]
    table = score(sentences, themes, fake_embedder)
    assert table["score_alpha"].std(ddof=0) == pytest.approx(1.0, abs=1e-3)
    # the unit is the spread over the theme file's texts, not over whatever is scored
    few = score([sentences[2], "an unrelated sentence"], themes, fake_embedder)
    assert few.loc[0, "score_alpha"] == pytest.approx(table.loc[2, "score_alpha"])


def test_a_cue_adds_exactly_the_cue_weight(fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL)
    texts, languages = (
        ["هاجمت العصابات الإرهابية المدينة", "هاجمت العصابات المدينة"],
        ["ar", "ar"],
    )
    with_cues = score(texts, themes, fake_embedder, languages)
    without_cues = score(
        texts,
        replace(themes, scoring=replace(themes.scoring, cue_weight=0.0)),
        fake_embedder,
        languages,
    )
    difference = with_cues - without_cues
    assert difference.loc[0, "score_alpha"] == pytest.approx(0.5, abs=1e-3)
    assert difference.loc[1, "score_alpha"] == pytest.approx(0.0, abs=1e-3)
    assert difference["score_beta"].abs().max() == pytest.approx(0.0, abs=1e-3)


def test_a_new_near_miss_lowers_the_score_of_paragraphs_like_it(
    fake_embedder: Embedder,
) -> None:
    themes = parse_themes(SMALL)
    paragraph = "red apple juice factory closed"
    before = score([paragraph], themes, fake_embedder).loc[0, "score_alpha"]
    alpha = replace(
        themes.themes[0],
        near_misses={"en": ("red car engine", "apple juice factory closed")},
    )
    after = score([paragraph], replace_theme(themes, alpha), fake_embedder).loc[0, "score_alpha"]
    assert after < before


def test_sentence_units_take_the_best_of_the_paragraph_and_its_sentences(
    fake_embedder: Embedder,
) -> None:
    themes = parse_themes(SMALL)
    paragraph = "unrelated words about nothing at all. red apple fruit is here now."
    whole = score([paragraph], themes, fake_embedder).loc[0, "score_alpha"]
    by_sentence = replace(themes, scoring=replace(themes.scoring, units="sentences"))
    table = score(
        [
            paragraph,
            "unrelated words about nothing at all.",
            "red apple fruit is here now.",
        ],
        by_sentence,
        fake_embedder,
    )
    assert table.loc[0, "score_alpha"] == pytest.approx(max(whole, table.loc[1, "score_alpha"], table.loc[2, "score_alpha"]))
    assert table.loc[0, "score_alpha"] == pytest.approx(table.loc[2, "score_alpha"]) and whole < table.loc[2, "score_alpha"]


def test_no_paragraphs_gives_empty_scores(fake_embedder: Embedder) -> None:
    scores = ThemeScorer(parse_themes(SMALL), "fake").fit(fake_embedder.embed).score([], [], fake_embedder.embed)
    assert list(scores.table.columns) == ["score_alpha", "score_beta"]
    assert scores.table.empty
    assert scores.vectors.shape[0] == 0


def test_a_denial_marker_cancels_the_cue_bonus_and_subtracts_the_denial_weight(
    fake_embedder: Embedder,
) -> None:
    themes = parse_themes(SMALL + DENIALS)
    texts, languages = (
        ["نفى المتحدث وجود عصابات إرهابية", "أكد المتحدث وجود عصابات إرهابية"],
        ["ar", "ar"],
    )
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
    texts, languages = (
        ["هاجمت العصابات الإرهابية المدينة", "هاجمت العصابات المدينة"],
        ["ar", "ar"],
    )
    heavier = replace_theme(themes, replace(themes.themes[0], cue_weight=2.0))
    difference = score(texts, heavier, fake_embedder, languages) - score(texts, themes, fake_embedder, languages)
    assert difference.loc[0, "score_alpha"] == pytest.approx(1.5, abs=1e-3)
    assert difference.loc[1, "score_alpha"] == pytest.approx(0.0, abs=1e-3)


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
    meaning_only = replace(themes, scoring=replace(themes.scoring, wording_weight=0.0))
    paragraphs = ["blue ocean waves", "red apple fruit", "juicy red apple pie recipe"]
    without = score(paragraphs, replace(meaning_only, labelled=None), fake_embedder)
    with_alpha_labels = score(paragraphs, meaning_only, fake_embedder)
    assert with_alpha_labels["score_beta"].tolist() == without["score_beta"].tolist()
    assert not np.allclose(with_alpha_labels["score_alpha"], without["score_alpha"])


def test_the_wording_classifier_adds_its_weighted_decision(
    fake_embedder: Embedder,
) -> None:
    themes = parse_themes(SMALL)
    texts = ["red apple fruit", "a ripe apple today", "sunny weather"]

    def with_weight(weight: float) -> pd.DataFrame:
        return score(
            texts,
            replace(themes, scoring=replace(themes.scoring, wording_weight=weight)),
            fake_embedder,
        )

    meaning_only, once, twice = with_weight(0.0), with_weight(1.0), with_weight(2.0)
    wording = once - meaning_only
    assert wording.abs().to_numpy().max() > 0.1
    assert np.allclose(twice - meaning_only, 2 * wording, atol=1e-3)


def test_assign_themes_recomputes_flags_and_themes() -> None:
    table = pd.DataFrame(
        {
            "kept": [True, True, False],
            "score_a": [0.9, 0.1, np.nan],
            "score_b": [0.5, 0.7, np.nan],
        }
    )
    assigned = assign_themes(table, ["a", "b"], {"a": 0.5, "b": 0.6})
    assert assigned["has_a"].tolist() == [True, False, False]
    assert assigned["has_b"].tolist() == [False, True, False]
    assert assigned["themes"].tolist() == ["a", "b", ""]
    with pytest.raises(ValueError, match="No threshold given for theme"):
        assign_themes(table, ["a", "b"], {"a": 0.5})


def test_an_unfitted_scorer_says_so(fake_embedder: Embedder) -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        ThemeScorer(parse_themes(SMALL), "fake").decision_function(["red apple"], ["en"], fake_embedder.embed)


def test_predict_applies_each_theme_threshold(fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL)
    scorer = ThemeScorer(themes, "fake").fit(fake_embedder.embed)
    texts = ["red apple fruit", "blue sky ocean", "weather sunny today"]
    scores = scorer.decision_function(texts, ["en"] * 3, fake_embedder.embed)
    predicted = scorer.predict(texts, ["en"] * 3, fake_embedder.embed)
    assert predicted["has_alpha"].tolist() == (scores["score_alpha"] >= 0.2).tolist()
    assert predicted["has_beta"].tolist() == (scores["score_beta"] >= 0.1).tolist()
    assert predicted["has_alpha"].tolist() == [True, False, False]


def test_a_stored_scorer_gives_identical_scores_without_refitting(tmp_path: Path, fake_embedder: Embedder) -> None:
    themes = themes_with_labelled(tmp_path)
    texts, languages = (
        ["red apple fruit", "blue ocean waves today", "green apple"],
        ["en"] * 3,
    )
    first = ThemeScorer(themes, "fake").fit(fake_embedder.embed, ScorerStore(tmp_path / "store"))
    assert first.refitted_ == ["alpha", "beta"]
    second = ThemeScorer(themes, "fake").fit(fake_embedder.embed, ScorerStore(tmp_path / "store"))  # a new process: read from disk
    assert second.refitted_ == []
    pd.testing.assert_frame_equal(
        first.decision_function(texts, languages, fake_embedder.embed),
        second.decision_function(texts, languages, fake_embedder.embed),
    )
    stored = sorted(path.suffix for path in (tmp_path / "store").iterdir())
    assert set(stored) == {".json", ".npz"}


def test_a_damaged_stored_copy_is_refitted(tmp_path: Path, fake_embedder: Embedder) -> None:
    themes = themes_with_labelled(tmp_path)
    texts, languages = ["red apple fruit", "blue ocean waves today"], ["en"] * 2
    expected = ThemeScorer(themes, "fake").fit(fake_embedder.embed, ScorerStore(tmp_path / "store"))
    for path in (tmp_path / "store").glob("*.npz"):
        path.write_bytes(b"not a zip file")
    for path in list((tmp_path / "store").glob("theme-*.json"))[:1]:
        path.write_text("{broken", encoding="utf-8")
    refitted = ThemeScorer(themes, "fake").fit(fake_embedder.embed, ScorerStore(tmp_path / "store"))
    assert refitted.refitted_ == ["alpha", "beta"]
    pd.testing.assert_frame_equal(
        expected.decision_function(texts, languages, fake_embedder.embed),
        refitted.decision_function(texts, languages, fake_embedder.embed),
    )
    again = ThemeScorer(themes, "fake").fit(fake_embedder.embed, ScorerStore(tmp_path / "store"))
    assert again.refitted_ == []  # the refit replaced the damaged files


def test_a_store_that_cannot_be_written_only_means_refitting(tmp_path: Path, fake_embedder: Embedder) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("x", encoding="utf-8")
    scorer = ThemeScorer(parse_themes(SMALL), "fake").fit(fake_embedder.embed, ScorerStore(blocked / "store"))
    assert scorer.refitted_ == ["alpha", "beta"]


def test_a_change_of_model_or_setting_refits(tmp_path: Path, fake_embedder: Embedder) -> None:
    themes = parse_themes(SMALL)
    store = ScorerStore(tmp_path / "store")
    ThemeScorer(themes, "fake").fit(fake_embedder.embed, store)
    assert ThemeScorer(themes, "other model").fit(fake_embedder.embed, store).refitted_ == ["alpha", "beta"]
    stiffer = replace(themes, scoring=replace(themes.scoring, c=0.5))
    assert ThemeScorer(stiffer, "fake").fit(fake_embedder.embed, store).refitted_ == [
        "alpha",
        "beta",
    ]
    moved = themes.with_thresholds({"alpha": 0.9})
    assert ThemeScorer(moved, "fake").fit(fake_embedder.embed, store).refitted_ == []  # thresholds are not learned


def test_ngram_rows_equal_scikit_learns_tfidf() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.scorer import NgramVocabulary

    training = ["نیروهای حافظ صلح بازمی‌گردند", "عادت القوات إلى قواعدها", "troops go home", "a  b", "troops troops troops"]
    vocabulary = NgramVocabulary.fit("key", training)
    texts = ["نیروها بازمی‌گردند", "القوات", "", "zzz qqq", "Troops  GO home home"]
    expected = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True).fit(training).transform(texts)
    ours = vocabulary.transform(texts)
    assert np.allclose(ours.to_scipy().toarray(), expected.toarray(), rtol=0, atol=1e-12)
    coef = np.random.default_rng(0).normal(size=(len(vocabulary.terms), 1))
    assert np.allclose(ours @ coef, expected @ coef, rtol=0, atol=1e-12)


def test_editing_a_theme_with_labelled_paragraphs_refits_only_that_theme(tmp_path: Path, fake_embedder: Embedder) -> None:
    themes = themes_with_labelled(tmp_path)
    store = ScorerStore(tmp_path / "store")
    ThemeScorer(themes, "fake").fit(fake_embedder.embed, store)
    alpha = replace(themes.themes[0], examples={"en": ("red apple fruit", "ripe red apple", "a basket of red apples")})
    edited = replace_theme(themes, alpha)
    assert edited.labelled == themes.labelled
    assert ThemeScorer(edited, "fake").fit(fake_embedder.embed, store).refitted_ == ["alpha"]


def test_event_balance_weighs_each_event_towards_an_equal_share(tmp_path: Path) -> None:
    from analysis.themes import training_weights

    csv_text = (
        "doc_id,event,language,text,alpha,beta\n"
        + "".join(f"a{n},big,fa,text {n},{n % 2},0\n" for n in range(8))
        + "b1,small,fa,other text,1,1\nb2,small,fa,more text,0,0\n"
    )
    themes = themes_with_labelled(tmp_path, csv_text)
    plain = training_weights(themes, themes.themes[0])
    assert (plain == 1).all()
    balanced = training_weights(replace(themes, scoring=replace(themes.scoring, event_balance=1.0)), themes.themes[0])
    labelled = balanced[-10:]
    assert labelled[:8].sum() == pytest.approx(labelled[8:].sum())  # each event weighs the same
    assert labelled.sum() == pytest.approx(10) and (balanced[:-10] == 1).all()
    half = training_weights(replace(themes, scoring=replace(themes.scoring, event_balance=0.5)), themes.themes[0])[-10:]
    assert half[0] == pytest.approx((10 / (2 * 8)) ** 0.5) and half[-1] == pytest.approx((10 / (2 * 2)) ** 0.5)


def test_words_of_one_event_are_masked_in_the_wording_features_but_frame_words_never() -> None:
    from analysis.scorer import MASK, NgramVocabulary, event_words, mask_words
    from analysis.themes import LabelledParagraphs

    rows = [(f"d{n}", "kaz", f"almaty troops interference report {n}") for n in range(4)] + [
        (f"e{n}", "mali", f"bamako troops interference {n}") for n in range(4)
    ]
    labelled = LabelledParagraphs(
        raw_texts=tuple(text for _, _, text in rows),
        languages=("en",) * 8,
        doc_ids=tuple(doc for doc, _, _ in rows),
        labels={"alpha": (0,) * 8},
        events=tuple(event for _, event, _ in rows),
    )
    assert event_words(labelled) == ["almaty", "bamako", "report"]
    assert event_words(labelled, frame_words={"report"}) == ["almaty", "bamako"]
    assert mask_words("troops left almaty", frozenset({"almaty"})) == f"troops left {MASK}"
    vocabulary = NgramVocabulary.fit("k", ["almaty troops", "bamako troops"], masked=["almaty", "bamako"])
    assert not any("alm" in term or "bam" in term for term in vocabulary.terms.tolist())
    rows_a, rows_b = vocabulary.transform(["almaty troops"]), vocabulary.transform(["bamako troops"])
    assert np.array_equal(rows_a.data, rows_b.data) and np.array_equal(rows_a.indices, rows_b.indices)


def test_dense_rows_are_scored_in_chunks_with_the_same_values() -> None:
    """Scoring float32 embeddings a chunk of rows at a time gives the values of one matrix product, bit for bit."""
    rng = np.random.default_rng(7)
    rows = rng.standard_normal((2 * DENSE_CHUNK + 17, 384)).astype(np.float32)
    score = LinearScore(rng.standard_normal((1, 384)), 0.25, 1.5)
    expected = ((rows @ score.coef.T).reshape(-1) + score.intercept) / score.spread
    assert np.array_equal(score(rows), expected)
    assert score(np.zeros((0, 384), np.float32)).shape == (0,)


def test_ngram_rows_in_blocks_multiply_as_the_joined_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows transformed a few at a time are blocks; their product with a matrix is the joined rows' product, bit for bit."""
    texts = ["troops left the city", "", "the mission is limited", "foreign hands behind the unrest", "troops", "?", "a b c"]
    vocabulary = NgramVocabulary.fit("k", texts)
    monkeypatch.setattr(scorer, "TRANSFORM_CHUNK", 3)
    rows = vocabulary.transform(texts)
    assert len(rows.blocks) == 3 and len(rows.indptr) == len(texts) + 1
    joined = NgramRows.from_csr(rows.indptr, rows.indices, rows.data, rows.width)
    matrix = np.random.default_rng(3).standard_normal((rows.width, 2))
    assert np.array_equal(rows @ matrix, joined @ matrix)
    assert (rows.to_scipy() != joined.to_scipy()).nnz == 0
    assert (vocabulary.transform([]) @ matrix).shape == (0, 2)


def test_training_texts_token_columns_are_remembered_the_same_rows_and_start_afresh_past_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = ["troops left the city", "the mission is limited", "foreign hands behind the unrest"]
    vocabulary = NgramVocabulary.fit("k", texts)
    vocabulary.transform(texts)
    assert vocabulary._remembered == {}  # scoring a corpus remembers nothing
    first = vocabulary.transform(texts, remember=True).to_scipy()
    assert set(vocabulary._remembered) == {token for text in texts for token in text.split()}
    assert (vocabulary.transform(texts, remember=True).to_scipy() != first).nnz == 0  # from the memory: the same rows
    monkeypatch.setattr(scorer, "TOKEN_MEMORY", 3)
    monkeypatch.setattr(scorer, "TRANSFORM_CHUNK", 1)
    later = ["troops left", "behind the city", "unrest mission"]
    again = vocabulary.transform(later, remember=True).to_scipy()
    assert (again != NgramVocabulary.fit("k", texts).transform(later).to_scipy()).nnz == 0
    assert set(vocabulary._remembered) == {"unrest", "mission"}  # checked before each chunk: cleared before the first and the third


def test_a_refit_in_another_process_recalls_the_training_tokens_from_the_store(tmp_path: Path, fake_embedder: Embedder) -> None:
    themes = themes_with_labelled(tmp_path)
    first = ThemeScorer(themes, "fake").fit(fake_embedder.embed, ScorerStore(tmp_path / "store"))
    (key,) = first._vocabularies
    assert (tmp_path / "store" / f"tokens-{key}.npz").is_file()
    recalled = ScorerStore(tmp_path / "store").load_vocabulary(key)  # a new process: read from disk
    assert recalled is not None
    assert recalled._remembered.keys() == first._vocabularies[key]._remembered.keys()
    texts = [*themes.labelled.texts, "a sentence with new words", ""]  # type: ignore[union-attr]
    fresh = NgramVocabulary(key, recalled.terms, recalled.idf, recalled.masked)
    assert (recalled.transform(texts, remember=True).to_scipy() != fresh.transform(texts).to_scipy()).nnz == 0
    alpha = replace(themes.themes[0], examples={"en": ("red apple fruit", "a basket of red apples")})
    edited = replace_theme(themes, alpha)
    refit = ThemeScorer(edited, "fake").fit(fake_embedder.embed, ScorerStore(tmp_path / "store"))
    assert refit.refitted_ == ["alpha"]
    assert "basket" in ScorerStore(tmp_path / "store").load_vocabulary(key)._remembered  # type: ignore[union-attr]  # saved again


@pytest.mark.parametrize(
    "damage",
    [
        lambda arrays: arrays | {"columns": arrays["columns"] + 10**6},  # columns of another vocabulary
        lambda arrays: arrays | {"counts": arrays["counts"][:-1]},
        lambda arrays: arrays | {"tokens": np.frombuffer(b"\xff\xfe", dtype=np.uint8)},
        lambda arrays: {"tokens": arrays["tokens"]},
    ],
)
def test_stored_tokens_that_do_not_fit_the_vocabulary_are_not_recalled(damage) -> None:  # type: ignore[no-untyped-def]
    texts = ["troops left the city", "the mission is limited"]
    vocabulary = NgramVocabulary.fit("k", texts)
    vocabulary.transform(texts, remember=True)
    other = NgramVocabulary("k", vocabulary.terms, vocabulary.idf)
    assert not other.recall_tokens(damage(vocabulary.remembered_tokens()))
    assert other.remembered_count == 0
    assert other.recall_tokens(vocabulary.remembered_tokens())
    assert other.remembered_count == 7  # troops left the city mission is limited


@pytest.mark.model
def test_fits_do_not_depend_on_the_machines_blas_threads() -> None:
    """The bundled themes fitted with one BLAS thread and with two give the same classifiers, bit for bit. The solver
    stops short of the exact optimum at a point that depends on the order of floating-point sums, so fits run on one
    thread; before, a clean checkout with fewer threads recorded 0.833 on the first fresh events set where this machine
    had 0.834."""
    from threadpoolctl import threadpool_limits

    from analysis.embed import make_embedder
    from analysis.themes import load_themes

    embedder, themes = make_embedder(), load_themes()
    fits = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads):
            fits.append(ThemeScorer(themes, embedder.model_id).fit(embedder.embed, None).fitted_)
    for theme_id, one in fits[0].items():
        two = fits[1][theme_id]
        assert np.array_equal(one.meaning.coef, two.meaning.coef) and one.meaning.intercept == two.meaning.intercept, theme_id


def test_an_embedding_fit_reaches_the_optimum() -> None:
    """The fit on embeddings stops at the optimum of its weighted, penalised loss (gradient ≈ 0), not at a solver
    tolerance short of it: there, vectors that differ in their last bits (PyTorch and ONNX Runtime) gave scores
    0.15 apart."""
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal(24) + 0.15 * rng.standard_normal((300, 24))  # alike, as a sentence model's are
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    target = vectors[:, 0] - vectors[:, 1] + 0.02 * rng.standard_normal(300) > 0
    weights = rng.uniform(0.5, 2.0, 300)
    c = 30.0
    score = LinearScore.fit(vectors, target, c, weights)
    weights = weights * np.where(target, weights.sum() / (2 * weights[target].sum()), weights.sum() / (2 * weights[~target].sum()))
    coef = score.coef.reshape(-1)
    missed = weights * (1 / (1 + np.exp(-(vectors @ coef + score.intercept))) - target)
    gradient = np.append(vectors.T @ missed + coef / c, missed.sum())
    assert np.abs(gradient).max() < 1e-6 * np.abs(coef).max()
