"""How well theme assignment agrees with human labels.

A labels file is a CSV with a ``text`` and a ``language`` column and one 0/1 column per theme id
(optional: ``set`` to report subsets apart, ``doc_id`` to group paragraphs of one article; see
``analysis.labels``). Paragraphs that the themes also learn from are scored by classifiers trained
without their articles (cross-fitting, see :func:`score_labels`). Figures come two ways:

- at the themes file's own thresholds (what the dashboard shows), and
- cross-validated: thresholds chosen on the other articles' paragraphs only (folds grouped by
  ``doc_id``), then applied to the held-out article. This is the honest estimate for unseen text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from analysis.labels import NOT_LABELLED, LabelsError
from analysis.languages import ALL, language_name
from analysis.scorer import ScorerStore, fitted_scorer
from analysis.text import normalize
from analysis.themes import BUNDLED_LABELLED, DATA_FOLDER, EmbedFunction, ThemeSet

HELD_OUT_SET = "test"
GOOD_F1 = 0.8
FAIR_F1 = 0.6
LANGUAGE_GAP_F1 = 0.1
BOOTSTRAP_SAMPLES = 2000
BOOTSTRAP_SEED = 0
METRIC_COLUMNS = ["part", "language", "theme", "labelled", "positives", "predicted", "tp", "fp", "fn", "precision", "recall", "f1"]


@dataclass(frozen=True)
class Evaluation:
    """Metrics and errors of one evaluation."""

    metrics: pd.DataFrame
    macro_f1: pd.DataFrame
    errors: pd.DataFrame
    thresholds: dict[str, float]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (a figure that does not exist, such as the F1 of a theme with no labels, is ``None``)."""
        return {
            "thresholds": self.thresholds,
            "macro_f1": _records(self.macro_f1),
            "metrics": _records(self.metrics),
            "errors": _records(self.errors),
        }

    def headline(self) -> str:
        """Macro-F1 of the first part, all / fa / ar, as ``0.806 / 0.804 / 0.808`` (``nan`` for a language absent)."""
        macro = self.macro_f1
        rows = macro[macro["part"] == macro["part"].iloc[0]].set_index("language")["macro_f1"]
        return " / ".join(f"{rows.get(language, float('nan')):.3f}" for language in ("all", "fa", "ar"))


def score_labels(
    labels: pd.DataFrame,
    themes: ThemeSet,
    embed: EmbedFunction,
    folds: int = 5,
    *,
    model_id: str = "",
    by: str = "doc_id",
    store: ScorerStore | None = None,
) -> pd.DataFrame:
    """Score every labelled paragraph; return ``score_<id>`` columns aligned with ``labels``.

    No figure comes from a classifier that saw the paragraph. With ``by="doc_id"``, articles with
    a paragraph that the themes also learn from (the same text among their labelled paragraphs)
    are cross-fitted: split into ``folds`` groups, each scored by classifiers trained without every
    training article its paragraphs appear in. With ``by="event"`` (leave events out), whole events
    are split into ``folds`` groups (:func:`event_folds`; as many groups as events is pure
    leave-one-event-out), and each group is scored by classifiers trained without any labelled
    paragraph of its events (and without the training articles that share a text with them). The ``cross_fitted``
    column marks paragraphs scored by a reduced scorer. Fits are kept in ``store``.

    Raises:
        LabelsError: ``by="event"`` and the labels have no ``event`` column.
    """
    texts = [normalize(text, language) for text, language in zip(labels["text"], labels["language"], strict=True)]
    languages = labels["language"].tolist()
    training_articles = _training_articles(texts, themes)
    scores = pd.DataFrame(index=labels.index, columns=[f"score_{theme_id}" for theme_id in themes.ids], dtype=float)
    cross_fitted = np.zeros(len(labels), dtype=bool)
    for rows, excluded in _scoring_groups(labels, themes, training_articles, folds, by):
        if not rows.any():
            continue
        fitted = themes
        if excluded and themes.taught is not None:
            fitted = themes.without_documents(excluded)
            cross_fitted |= rows
        chosen = np.flatnonzero(rows)
        scorer = fitted_scorer(fitted, model_id, embed, store)
        table = scorer.decision_function([texts[row] for row in chosen], [languages[row] for row in chosen], embed)
        scores.iloc[chosen] = table[scores.columns].to_numpy()
    scores["cross_fitted"] = cross_fitted
    return scores


def _scoring_groups(
    labels: pd.DataFrame, themes: ThemeSet, training_articles: list[set[str]], folds: int, by: str
) -> list[tuple[np.ndarray, set[str]]]:
    """Partition the label rows; for each part, the training articles to leave out when scoring it."""
    if by == "event":
        if "event" not in labels.columns:
            raise LabelsError("leave-one-event-out needs an `event` column in the labels file (see docs/labelling.md)")
        groups = []
        fold_of = event_folds(labels["event"], folds)
        for fold in sorted(set(fold_of)):
            rows = fold_of == fold
            excluded = set().union(*(training_articles[row] for row in np.flatnonzero(rows)))
            for event in set(labels.loc[rows, "event"]) - {""}:
                if themes.taught is not None:
                    excluded |= themes.taught.documents_of_event(event)
            groups.append((rows, excluded))
        return groups
    overlapping_docs = {doc for doc, articles in zip(labels["doc_id"], training_articles, strict=True) if articles}
    overlapping = labels["doc_id"].isin(overlapping_docs).to_numpy()
    groups = [(~overlapping, set())]
    if overlapping.any():
        fold_of = _group_folds(labels.loc[overlapping, "doc_id"], folds)
        for fold in sorted(set(fold_of)):
            rows = _mask(overlapping, fold_of == fold)
            groups.append((rows, set().union(*(training_articles[row] for row in np.flatnonzero(rows)))))
    return groups


def event_folds(events: pd.Series, folds: int) -> np.ndarray:
    """Assign whole events to at most ``folds`` folds of similar size (largest event first, to the smallest fold)."""
    sizes = events.value_counts(sort=False)
    order = sorted(sizes.index, key=lambda event: (-sizes[event], str(event)))
    totals = [0] * max(1, min(folds, len(order)))
    fold_of_event = {}
    for event in order:
        fold = totals.index(min(totals))
        fold_of_event[event] = fold
        totals[fold] += int(sizes[event])
    return events.map(fold_of_event).to_numpy()


def _training_articles(texts: Sequence[str], themes: ThemeSet) -> list[set[str]]:
    """For each text, the articles of the themes' labelled paragraphs with the same text (usually none)."""
    if themes.taught is None:
        return [set() for _ in texts]
    articles: dict[str, set[str]] = {}
    for text, doc_id in zip(themes.taught.texts, themes.taught.doc_ids, strict=True):
        articles.setdefault(text, set()).add(doc_id)
    return [articles.get(text, set()) for text in texts]


def _mask(base: np.ndarray, within: np.ndarray) -> np.ndarray:
    """A mask over all rows that is True where ``base`` is True and ``within`` (over base's True rows) is True."""
    mask = np.zeros(len(base), dtype=bool)
    mask[np.flatnonzero(base)[within]] = True
    return mask


def evaluate(labels: pd.DataFrame, scores: pd.DataFrame, thresholds: Mapping[str, float], part: str = "set") -> Evaluation:
    """Compare assignments at fixed thresholds with the labels, reported per value of the ``part`` column."""
    theme_ids = [theme_id for theme_id in thresholds if theme_id in labels.columns]
    predicted = pd.DataFrame({t: scores[f"score_{t}"].to_numpy() >= thresholds[t] for t in theme_ids})
    return _evaluation(labels, scores, predicted, {t: float(thresholds[t]) for t in theme_ids}, part)


def cross_validate(
    labels: pd.DataFrame, scores: pd.DataFrame, theme_ids: Sequence[str], folds: int = 5, part: str = "set", by: str = "doc_id"
) -> Evaluation:
    """Held-out figures: thresholds fitted on the other folds, applied to each fold.

    Folds are ``folds`` groups of whole articles (``by="doc_id"``) or one event each
    (``by="event"``: thresholds chosen without the event they judge). The returned thresholds are
    fitted on all labels; the metrics never use a threshold fitted on the paragraph they judge.
    """
    theme_ids = [theme_id for theme_id in theme_ids if theme_id in labels.columns]
    fold_of = event_folds(labels["event"], folds) if by == "event" else _group_folds(labels["doc_id"], folds)
    predicted = pd.DataFrame(False, index=labels.index, columns=theme_ids)
    for fold in sorted(set(fold_of)):
        held_out = fold_of == fold
        for theme_id in theme_ids:
            training = ~held_out & (labels[theme_id] != NOT_LABELLED).to_numpy()
            threshold = best_threshold(scores.loc[training, f"score_{theme_id}"], labels.loc[training, theme_id])
            predicted.loc[held_out, theme_id] = scores.loc[held_out, f"score_{theme_id}"] >= threshold
    return _evaluation(labels, scores, predicted, chosen_thresholds(labels, scores, theme_ids), part)


def chosen_thresholds(labels: pd.DataFrame, scores: pd.DataFrame, theme_ids: Sequence[str]) -> dict[str, float]:
    """Each theme's best-F1 threshold (:func:`best_threshold`) over the paragraphs labelled for it."""
    chosen = {}
    for theme_id in theme_ids:
        labelled = labels[theme_id] != NOT_LABELLED
        chosen[theme_id] = best_threshold(scores.loc[labelled, f"score_{theme_id}"], labels.loc[labelled, theme_id])
    return chosen


def trust_summary(evaluation: Evaluation) -> str:
    """Say in plain words how far to trust the theme shares, from the macro-F1.

    Uses the held-out ``test`` set when the labels have one (the honest figure for unseen text),
    otherwise all labelled paragraphs.
    """
    macro = evaluation.macro_f1
    chosen = HELD_OUT_SET if HELD_OUT_SET in set(macro["part"]) else macro["part"].iloc[0]
    rows = macro[macro["part"] == chosen]
    overall, by_language = rows.iloc[0], rows.iloc[1:]
    where = "held-out test paragraphs" if chosen == HELD_OUT_SET else "labelled paragraphs"
    per_language = ", ".join(f"{language_name(row.language)} {row.macro_f1:.2f}" for row in by_language.itertuples())
    figure = f"macro-F1 {overall.macro_f1:.2f}" + (f" ({per_language})" if per_language else "")
    if overall.macro_f1 >= GOOD_F1:
        advice = "good agreement: the shares are close to what careful readers would count, though small gaps can still be noise."
    elif overall.macro_f1 >= FAIR_F1:
        advice = "fair agreement: read the shares as rough estimates, check the evidence paragraphs, and trust only large gaps."
    else:
        advice = "weak agreement: treat the charts as pointers to paragraphs worth reading, not as measurements."
    summary = f"On {overall.labelled} {where}, theme assignment agrees with human labels at {figure}: {advice}"
    if len(by_language) > 1 and by_language["macro_f1"].max() - by_language["macro_f1"].min() > LANGUAGE_GAP_F1:
        best, worst = (language_name(code) for code in by_language.sort_values("macro_f1", ascending=False)["language"].iloc[[0, -1]])
        summary += f" The scorer does better on {best} than on {worst}, so part of a gap between the languages may come from the scorer."
    return summary


def seen_by_adapter(labels: pd.DataFrame) -> int:
    """How many labelled paragraphs are among the bundled labelled paragraphs, on which the default model's theme
    adapter was trained (:mod:`analysis.model_setup`): figures on them are optimistic with that model."""
    training = pd.read_csv(DATA_FOLDER / BUNDLED_LABELLED, usecols=["text", "language"], dtype=str, keep_default_na=False)
    seen = {normalize(text, language) for text, language in zip(training["text"], training["language"], strict=True)}
    return sum(normalize(text, language) in seen for text, language in zip(labels["text"], labels["language"], strict=True))


def best_threshold(scores: pd.Series, truth: pd.Series) -> float:
    """The threshold with the best F1 (ties: the midpoint between neighbouring scores, then higher)."""
    values = np.sort(np.unique(scores.to_numpy(dtype=float)))
    if len(values) == 0:
        return 0.0
    candidates = np.concatenate([[values[0] - 1e-3], (values[:-1] + values[1:]) / 2, [values[-1] + 1e-3]])
    truth_array = truth.to_numpy(dtype=bool)
    score_array = scores.to_numpy(dtype=float)
    # counts at every candidate at once: predicted = scores >= candidate
    predicted = len(score_array) - np.searchsorted(np.sort(score_array), candidates, side="left")
    positives = np.sort(score_array[truth_array])
    tp = len(positives) - np.searchsorted(positives, candidates, side="left")
    f1 = f1_score(tp, predicted - tp, len(positives) - tp)
    best = int(np.flatnonzero(f1 == f1.max())[-1])  # ties: the highest threshold
    return round(float(candidates[best]), 4)


def _evaluation(labels: pd.DataFrame, scores: pd.DataFrame, predicted: pd.DataFrame, thresholds: dict[str, float], part: str) -> Evaluation:
    rows = []
    theme_ids = list(predicted.columns)
    for part_name, part_mask in _subsets(labels[part]):
        for language, language_mask in _subsets(labels["language"]):
            mask = part_mask & language_mask
            for theme_id in theme_ids:
                labelled = mask & (labels[theme_id] != NOT_LABELLED)
                rows.append(
                    {
                        "part": part_name,
                        "language": language,
                        "theme": theme_id,
                        **_counts(predicted.loc[labelled, theme_id], labels.loc[labelled, theme_id]),
                    }
                )
    metrics = pd.DataFrame(rows, columns=METRIC_COLUMNS)
    # a theme with no labelled paragraph in a subset has no F1 there (nan), and the macro-F1 is over the others
    metrics.loc[metrics["labelled"] == 0, ["precision", "recall", "f1"]] = np.nan
    macro = metrics.groupby(["part", "language"], sort=False).agg(labelled=("labelled", "first"), macro_f1=("f1", "mean")).reset_index()
    macro["macro_f1"] = macro["macro_f1"].round(3)
    intervals = [_bootstrap_interval(labels, predicted, _mask_of(labels, part, row.part, row.language)) for row in macro.itertuples()]
    macro["low"], macro["high"] = [low for low, _ in intervals], [high for _, high in intervals]
    errors = _errors(labels, scores, predicted, part)
    return Evaluation(metrics, macro, errors, thresholds)


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """``frame``'s rows as dicts, NaN as ``None`` (JSON has no NaN)."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def _mask_of(labels: pd.DataFrame, part: str, part_name: str, language: str) -> np.ndarray:
    """The rows of one (part, language) subset, as :func:`_subsets` names them."""
    mask = np.ones(len(labels), dtype=bool)
    if part_name != ALL:
        mask &= (labels[part] == part_name).to_numpy()
    if language != ALL:
        mask &= (labels["language"] == language).to_numpy()
    return mask


def _bootstrap_interval(labels: pd.DataFrame, predicted: pd.DataFrame, mask: np.ndarray) -> tuple[float, float]:
    """95 % interval of a subset's macro-F1, resampling its articles (``doc_id``) with replacement.

    Paragraphs of one article are not independent (same writer, same event), so articles, not
    paragraphs, are the unit resampled.
    """
    themes = (labels.loc[mask, list(predicted.columns)] != NOT_LABELLED).any(axis=0).to_numpy()  # those labelled here
    marks = labels.loc[mask, list(predicted.columns)].to_numpy()[:, themes]
    truth, labelled = marks == 1, marks != NOT_LABELLED
    guess = predicted.loc[mask].to_numpy(dtype=bool)[:, themes]
    documents = pd.factorize(labels.loc[mask, "doc_id"])[0]
    if len(documents) == 0 or not themes.any():
        return float("nan"), float("nan")
    per_document = np.zeros((documents.max() + 1, truth.shape[1], 3))
    np.add.at(per_document, documents, np.stack([guess & truth, guess & ~truth & labelled, ~guess & truth], axis=-1))
    samples = np.random.default_rng(BOOTSTRAP_SEED).integers(0, len(per_document), (BOOTSTRAP_SAMPLES, len(per_document)))
    totals = per_document[samples].sum(axis=1)  # samples x themes x (tp, fp, fn)
    low, high = np.percentile(f1_score(totals[..., 0], totals[..., 1], totals[..., 2]).mean(axis=1), [2.5, 97.5])
    return round(float(low), 3), round(float(high), 3)


def _counts(predicted: pd.Series, truth: pd.Series) -> dict[str, float]:
    predicted_array, truth_array = predicted.to_numpy(dtype=bool), truth.to_numpy(dtype=bool)
    tp = int((predicted_array & truth_array).sum())
    fp = int((predicted_array & ~truth_array).sum())
    fn = int((~predicted_array & truth_array).sum())
    precision = tp / (tp + fp) if tp + fp else (1.0 if not truth_array.any() else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = float(f1_score(tp, fp, fn))
    return {
        "labelled": len(truth_array),
        "positives": int(truth_array.sum()),
        "predicted": int(predicted_array.sum()),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def f1_score(tp: ArrayLike, fp: ArrayLike, fn: ArrayLike) -> np.ndarray:
    """F1 from counts, elementwise: 2·tp / (2·tp + fp + fn); 1.0 where there was nothing to find and nothing was found.

    The one F1 of the project (metrics, threshold search, bootstrap intervals, agreement).
    """
    tp, fp, fn = (np.asarray(count, dtype=np.float64) for count in (tp, fp, fn))
    denominator = 2 * tp + fp + fn
    return np.where(denominator > 0, 2 * tp / np.where(denominator > 0, denominator, 1.0), 1.0)


def _errors(labels: pd.DataFrame, scores: pd.DataFrame, predicted: pd.DataFrame, part: str) -> pd.DataFrame:
    rows = []
    for theme_id in predicted.columns:
        marks = labels[theme_id].to_numpy()
        wrong = (predicted[theme_id].to_numpy() != (marks == 1)) & (marks != NOT_LABELLED)
        for index in np.flatnonzero(wrong):
            rows.append(
                {
                    "part": labels.at[index, part],
                    "doc_id": labels.at[index, "doc_id"],
                    "language": labels.at[index, "language"],
                    "theme": theme_id,
                    "error": "missed" if labels.at[index, theme_id] else "false alarm",
                    "score": float(scores.at[index, f"score_{theme_id}"]),
                    "text": labels.at[index, "text"],
                }
            )
    return pd.DataFrame(rows, columns=["part", "doc_id", "language", "theme", "error", "score", "text"])


def _subsets(column: pd.Series) -> list[tuple[str, pd.Series]]:
    values = list(dict.fromkeys(column))
    subsets = [(ALL, pd.Series(True, index=column.index))]
    if len(values) > 1:
        subsets += [(str(value), column == value) for value in values]
    elif values:
        subsets = [(str(values[0]), column == values[0])]
    return subsets


def _group_folds(groups: pd.Series, folds: int) -> np.ndarray:
    """Assign whole groups (articles) to folds, round-robin in order of first appearance."""
    unique = list(dict.fromkeys(groups))
    folds = max(2, min(folds, len(unique)))
    fold_of_group = {group: number % folds for number, group in enumerate(unique)}
    return groups.map(fold_of_group).to_numpy()
