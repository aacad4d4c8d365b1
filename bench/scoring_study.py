"""Scoring study: rerun with `.venv/bin/python bench/scoring_study.py` (long: one fit per writer and setting, even with embeddings cached).

Compares scoring settings by **leave-one-writer-out**: the labelled paragraphs of
`analysis/data/labelled_paragraphs.csv` come in one set per writer (`train_a` … `train_i` today;
the script reads whatever sets the file holds); each setting is trained on the themes file's
sentences plus every other writer's paragraphs, its thresholds are fitted on those paragraphs'
cross-fitted scores (5 folds grouped by article), and it is measured on the held-out writer's
paragraphs. That mimics the real question, text from a writer the scorer has never seen, better
than folds that mix writers. The figure per language is the mean of the writers' macro-F1s;
differences under about 0.01-0.02 are noise. Also printed: the time
to re-score after a theme edit. The fresh test set in `analysis/data/evaluation/labels.csv` is not read here.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.embed import Embedder, EmbeddingCache, make_embedder
from analysis.evaluate import cross_validate, evaluate, score_labels
from analysis.labels import load_labels
from analysis.text import normalize
from analysis.themes import EmbedFunction, LabelledParagraphs, ThemeSet, load_themes, score_paragraphs

ROOT = Path(__file__).resolve().parent.parent
TRAINING = ROOT / "analysis" / "data" / "labelled_paragraphs.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--themes", help="themes TOML file (default: the bundled themes)")
    args = parser.parse_args()
    themes = load_themes(args.themes)
    labelled = load_labels(TRAINING, themes.ids)
    embedder = make_embedder()
    print(f"{len(labelled)} labelled paragraphs by writer: {labelled['set'].value_counts().sort_index().to_dict()}")

    def setting(**changes: object) -> ThemeSet:
        return replace(themes, scoring=replace(themes.scoring, **changes))

    methods = {
        "chosen (file settings)": themes,
        "themes file sentences only (no labelled paragraphs)": replace(themes, labelled=None),
        "sentences only, meaning only, c 0.1, cue 1 (close to the previous scorer)": replace(
            setting(c=0.1, wording_weight=0.0, cue_weight=1.0), labelled=None
        ),
        "meaning only (wording_weight 0)": setting(wording_weight=0.0),
        "wording_weight 0.5": setting(wording_weight=0.5),
        "wording_weight 1.5": setting(wording_weight=1.5),
        "c 10": setting(c=10.0),
        "c 100": setting(c=100.0),
        "no cue bonus": setting(cue_weight=0.0),
        "cue_weight 1": setting(cue_weight=1.0),
        "best sentence (units = sentences)": setting(units="sentences"),
    }
    rows = []
    for name, variant in methods.items():
        rows.append({"method": name, **leave_one_writer_out(labelled, variant, embedder.embed)})
        print(f"  {name}: done", flush=True)
    pd.set_option("display.width", 250)
    print(pd.DataFrame(rows).to_string(index=False))
    print(rescore_timing(labelled, themes, embedder))


def leave_one_writer_out(labelled: pd.DataFrame, themes: ThemeSet, embed: EmbedFunction) -> dict[str, float]:
    """Mean macro-F1 per language over the writers, each measured by a scorer trained without them."""
    use_labelled = themes.labelled is not None
    per_writer: dict[str, dict[str, float]] = {}
    f1_by_theme: list[pd.Series] = []
    for writer in sorted(set(labelled["set"])):
        training = labelled[labelled["set"] != writer].reset_index(drop=True)
        held_out = labelled[labelled["set"] == writer].reset_index(drop=True)
        variant = replace(themes, labelled=LabelledParagraphs.from_table(training, themes.ids)) if use_labelled else themes
        thresholds = cross_validate(training, score_labels(training, variant, embed), variant.ids).thresholds
        result = evaluate(held_out, score_labels(held_out, variant, embed), thresholds)
        macro = result.macro_f1.set_index("language")["macro_f1"]
        per_writer[writer] = {language: float(macro[language]) for language in ("fa", "ar")}
        f1_by_theme.append(result.metrics.query("language == 'all'").set_index("theme")["f1"])
    row = {language: round(float(np.mean([scores[language] for scores in per_writer.values()])), 3) for language in ("fa", "ar")}
    row |= {f"{writer[-1]}_{language}": round(scores[language], 3) for writer, scores in per_writer.items() for language in ("fa", "ar")}
    row |= {theme_id[:12]: round(float(value), 3) for theme_id, value in pd.concat(f1_by_theme, axis=1).mean(axis=1).items()}
    return row


def rescore_timing(labelled: pd.DataFrame, themes: ThemeSet, embedder: Embedder) -> str:
    """Seconds to re-score after a theme edit: nothing new to embed, then one new example sentence.

    Runs on a copy of the embedding cache, so the timing sentence is new every time and the real
    cache is left as it was.
    """
    texts = [normalize(text, language) for text, language in zip(labelled["text"], labelled["language"], strict=True)]
    languages = labelled["language"].tolist()
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
        f"\nRe-scoring {len(texts)} paragraphs after a theme edit: {cached:.2f} s when every text is cached "
        f"(fitting {2 * len(themes.themes)} classifiers and scoring), {one_new:.2f} s after adding one new example sentence "
        "(model already loaded, as in the dashboard)."
    )


if __name__ == "__main__":
    main()
