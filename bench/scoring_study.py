"""Scoring study: rerun with `.venv/bin/python bench/scoring_study.py` (about a minute once embeddings are cached).

Compares ways of scoring paragraphs against the themes of `analysis/data/themes.toml`, on all
labelled paragraphs of `tests/data/labels.csv` (sets seed, dev and test: in this round all of them
are development data; a fresh, unseen test set is kept elsewhere and is never read here; pass
`--exclude-set test` to leave a set out). Thresholds are held out: chosen by
`analysis.evaluate.cross_validate` (5 folds grouped by article) and applied to the articles left
out. The theme sentences themselves were written after reading errors on these labels, so the
figures are optimistic for unseen news. `cv10` repeats that with 10 random groupings of the articles
and averages the fa and ar macro-F1, to show how much of a difference is noise (with ~40 positive
paragraphs per theme, differences under about 0.03 are).

Methods:
- `margin ...`: the previous scorer, re-implemented here for comparison: the mean of the top-3 cosine
  similarities to the theme's descriptions and examples minus the same for the negatives
  (background, or background + near misses), plus a 0.05 cue bonus.
- `classifier ...`: `analysis.themes.score_paragraphs` (per-theme logistic regression on the themes
  file's sentences, see README), with the file's settings or one setting changed: `knn` is the
  nearest-sentence margin added with weight `knn_weight`; `denial` the `[denials]` markers (no
  cue bonus in a paragraph with one, minus `denial_weight`).
Also printed: the time to re-score the labelled paragraphs after a theme edit.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.embed import Embedder, EmbeddingCache, make_embedder, resolve_model
from analysis.evaluate import best_threshold, cross_validate
from analysis.labels import load_labels
from analysis.text import normalize
from analysis.themes import ThemeSet, cue_hits, load_themes, score_paragraphs, split_sentences

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "labels.csv"

Scorer = Callable[[ThemeSet], pd.DataFrame]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", default=str(LABELS), help="labels CSV")
    parser.add_argument("--exclude-set", action="append", default=[], help="leave out rows of this set (repeatable)")
    parser.add_argument("--themes", help="themes TOML file (default: the bundled themes)")
    parser.add_argument("--no-passage", action="store_true", help="skip the 'passage: ' prefix run (it embeds everything again once)")
    args = parser.parse_args()
    themes = load_themes(args.themes)
    labels = load_labels(args.labels, themes.ids)
    labels = labels[~labels["set"].isin(args.exclude_set)].reset_index(drop=True)
    texts = [normalize(text, language) for text, language in zip(labels["text"], labels["language"], strict=True)]
    languages = labels["language"].tolist()
    embedder = make_embedder()
    embed = embedder.embed
    print(f"{len(labels)} labelled paragraphs ({', '.join(sorted(set(labels['set'])))})")

    def classifier(**settings: object) -> Scorer:
        return lambda base: score_paragraphs(texts, languages, replace(base, scoring=replace(base.scoring, **settings)), embed).table

    methods: dict[str, tuple[Scorer, ThemeSet]] = {
        "margin over background, best sentence (previous)": (lambda base: margin_scores(texts, languages, base, embed, sentences=True), themes),
        "margin over background, paragraph": (lambda base: margin_scores(texts, languages, base, embed, sentences=False), themes),
        "margin over background + near misses, paragraph": (
            lambda base: margin_scores(texts, languages, base, embed, sentences=False, near_misses=True), themes),
        "classifier (chosen: file settings)": (classifier(), themes),
        "classifier, best sentence": (classifier(units="sentences"), themes),
        "classifier, no knn (knn_weight 0)": (classifier(knn_weight=0.0), themes),
        "classifier, knn_weight 5": (classifier(knn_weight=5.0), themes),
        "classifier, knn_weight 15": (classifier(knn_weight=15.0), themes),
        "classifier, knn_weight 20, c 1": (classifier(knn_weight=20.0, c=1.0), themes),
        "classifier, no denial markers": (classifier(), replace(themes, denials={})),
        "classifier, denial_weight 1 (all themes)": (classifier(denial_weight=1.0), themes),
        "classifier, denial_weight 1 (foreign_interference only)": (classifier(), with_theme(themes, "foreign_interference", denial_weight=1.0)),
        "classifier, terrorism cue_weight 0.5": (classifier(), with_theme(themes, "terrorism", cue_weight=0.5)),
        "classifier, foreign_interference cue_weight 0.5": (classifier(), with_theme(themes, "foreign_interference", cue_weight=0.5)),
        "classifier, no cue bonus": (classifier(cue_weight=0.0), themes),
        "classifier, cue_weight 0.5": (classifier(cue_weight=0.5), themes),
        "classifier, cue_weight 2": (classifier(cue_weight=2.0), themes),
        "classifier, c 0.03": (classifier(c=0.03), themes),
        "classifier, c 1": (classifier(c=1.0), themes),
        "classifier, no near misses": (classifier(), without(themes, "near_misses")),
        "classifier, examples only (no descriptions)": (classifier(), without(themes, "descriptions")),
        "classifier, one theme at a time (no other themes as negatives)": (
            lambda base: pd.concat([classifier()(replace(base, themes=(theme,))) for theme in base.themes], axis=1), themes),
    }
    rows = [evaluate_method(name, scorer(base), labels) for name, (scorer, base) in methods.items()]
    if not args.no_passage:
        passage = passage_embedder()
        table = score_paragraphs(texts, languages, themes, passage.embed).table
        rows.append(evaluate_method("classifier, 'passage: ' prefix instead of 'query: '", table, labels))
    pd.set_option("display.width", 250)
    print(pd.DataFrame(rows).to_string(index=False))
    print(rescore_timing(texts, languages, themes, embedder))


def evaluate_method(name: str, scores: pd.DataFrame, labels: pd.DataFrame) -> dict[str, object]:
    """Held-out macro-F1 of one method: the project's grouped CV, and the 10-grouping average."""
    theme_ids = [column.removeprefix("score_") for column in scores.columns]
    held_out = cross_validate(labels, scores, theme_ids)
    macro = held_out.macro_f1.set_index(["set", "language"])["macro_f1"]
    f1 = held_out.metrics.query("set == 'all' and language == 'all'").set_index("theme")["f1"]
    row: dict[str, object] = {"method": name}
    for set_name in ("all", "test", "dev", "seed"):
        for language in ("fa", "ar"):
            row[f"{set_name}_{language}"] = macro.get((set_name, language), np.nan)
    row |= {theme_id[:12]: f1[theme_id] for theme_id in theme_ids}
    row["cv10"] = repeated_cv(labels, scores, theme_ids)
    return row


def repeated_cv(labels: pd.DataFrame, scores: pd.DataFrame, theme_ids: list[str], repeats: int = 10, folds: int = 5) -> float:
    """Mean of the fa and ar macro-F1 over ``repeats`` random article groupings (thresholds fitted out of fold)."""
    rng = np.random.default_rng(0)
    documents = labels["doc_id"].to_numpy()
    unique = np.array(list(dict.fromkeys(documents)))
    per_language: dict[str, list[float]] = {"fa": [], "ar": []}
    for _ in range(repeats):
        fold_of = dict(zip(unique[rng.permutation(len(unique))], np.arange(len(unique)) % folds, strict=True))
        fold = np.array([fold_of[document] for document in documents])
        for theme_id in theme_ids:
            score = scores[f"score_{theme_id}"].to_numpy()
            truth = labels[theme_id].to_numpy() == 1
            predicted = np.zeros(len(score), dtype=bool)
            for number in range(folds):
                held = fold == number
                threshold = best_threshold(pd.Series(score[~held]), pd.Series(truth[~held]))
                predicted[held] = score[held] >= threshold
            for language, values in per_language.items():
                mask = labels["language"].to_numpy() == language
                values.append(f1_score(predicted[mask], truth[mask]))
    return round(float(np.mean([np.mean(values) for values in per_language.values()])), 3)


def f1_score(predicted: np.ndarray, truth: np.ndarray) -> float:
    """F1 of boolean predictions (1.0 when there is nothing to find and nothing is predicted)."""
    denominator = int(predicted.sum()) + int(truth.sum())
    return 2 * int((predicted & truth).sum()) / denominator if denominator else 1.0


def margin_scores(
    texts: list[str], languages: list[str], themes: ThemeSet, embed: Callable[[list[str]], np.ndarray], *,
    sentences: bool, near_misses: bool = False, top_k: int = 3, cue_weight: float = 0.05,
) -> pd.DataFrame:
    """The previous scorer: top-k similarity margin over negatives, best unit, plus a cue bonus."""
    units, owners = list(texts), list(range(len(texts)))
    if sentences:
        for number, text in enumerate(texts):
            parts = split_sentences(text)
            if len(parts) > 1:
                units += parts
                owners += [number] * len(parts)
    unit_vectors = embed(units)

    def top_k_mean(sentences_: list[str]) -> np.ndarray:
        similarities = unit_vectors @ embed(sentences_).T
        return np.sort(similarities, axis=1)[:, -min(top_k, similarities.shape[1]):].mean(axis=1)

    background = [normalize(text, language) for language, texts_ in themes.background.items() for text in texts_]
    if near_misses:
        background += [normalize(text, language) for theme in themes.themes for language, texts_ in theme.near_misses.items() for text in texts_]
    negative = top_k_mean(background)
    columns = {}
    for theme in themes.themes:
        margin = top_k_mean([normalize(text, language) for language, text in theme.anchors()]) - negative
        best = np.full(len(texts), -np.inf)
        np.maximum.at(best, np.asarray(owners), margin)
        cued = np.array([bool(cue_hits(text, language, theme)) for text, language in zip(texts, languages, strict=True)])
        columns[f"score_{theme.id}"] = best + cue_weight * cued
    return pd.DataFrame(columns)


def without(themes: ThemeSet, field: str) -> ThemeSet:
    """The theme set with one field (``near_misses`` or ``descriptions``) emptied in every theme."""
    return replace(themes, themes=tuple(replace(theme, **{field: {}}) for theme in themes.themes))


def with_theme(themes: ThemeSet, theme_id: str, **changes: object) -> ThemeSet:
    """The theme set with some fields of one theme changed (e.g. its own ``cue_weight``)."""
    return replace(themes, themes=tuple(replace(theme, **changes) if theme.id == theme_id else theme for theme in themes.themes))


def passage_embedder() -> Embedder:
    """The default model with e5's ``passage: `` prompt, cached under its own model id."""
    model_id, load = resolve_model()

    class PassageEncoder:
        def __init__(self) -> None:
            self.model = load()

        def encode(self, sentences: list[str], batch_size: int = 32, **kwargs: object) -> np.ndarray:
            return self.model.encode(sentences, batch_size=batch_size, prompt_name="passage")

    cache = make_embedder().cache
    return Embedder(model_id=f"{model_id}#passage", load=PassageEncoder, cache=cache)


def rescore_timing(texts: list[str], languages: list[str], themes: ThemeSet, embedder: Embedder) -> str:
    """Seconds to re-score after a theme edit: nothing new to embed, then one new example sentence.

    Runs on a copy of the embedding cache, so the timing sentence is new every time and the real
    cache is left as it was.
    """
    model = embedder.model  # loaded first, as in the dashboard, where it is already loaded
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "cache.sqlite3"
        if embedder.cache is not None:
            shutil.copy(embedder.cache.path, copy)
        timed = Embedder(model_id=embedder.model_id, load=lambda: model, cache=EmbeddingCache(copy))
        started = time.perf_counter()
        score_paragraphs(texts, languages, themes, timed.embed)
        cached = time.perf_counter() - started
        theme = themes.themes[0]
        sentence = "A new example sentence typed in the theme editor."
        examples = {**theme.examples, "en": (*theme.examples.get("en", ()), sentence)}
        edited = replace(themes, themes=(replace(theme, examples=examples), *themes.themes[1:]))
        started = time.perf_counter()
        score_paragraphs(texts, languages, edited, timed.embed)
        one_new = time.perf_counter() - started
    return (
        f"\nRe-scoring {len(texts)} paragraphs after a theme edit: {cached:.2f} s when every sentence is cached "
        f"(fitting {len(themes.themes)} classifiers and scoring), {one_new:.2f} s after adding one new example sentence "
        "(model already loaded, as in the dashboard)."
    )


if __name__ == "__main__":
    main()
