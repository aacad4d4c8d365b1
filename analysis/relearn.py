"""A simulated researcher teaching the themes a new event, and what the simulation measured.

For one event of a labelled file: the themes are fitted without any labelled paragraph of that
event; its articles are split in two halves (alternately, in order): the researcher marks
paragraphs of the first half, chosen by the Teach queue (:func:`analysis.marks.uncertain_queue`)
and answered from the labels; after 0, 10, 25, 50 and 100 marks the themes are refitted and
macro-F1 is measured on the second half, which is never marked. ``bench/relearn.py`` runs it and
writes :data:`RESULTS_PATH`, which the dashboard quotes.

:func:`marked_half_ceiling` measures what marking can reach at most with this scorer: every
labelled cell of the marking half marked at once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis.evaluate import evaluate
from analysis.labels import NOT_LABELLED
from analysis.marks import empty_marks, set_mark, uncertain_queue, with_marks
from analysis.scorer import ScorerStore, assign_themes, fitted_scorer
from analysis.text import normalize
from analysis.themes import DATA_FOLDER, EmbedFunction, ThemeSet
from analysis.wording import counted

MARK_STEPS = (0, 10, 25, 50, 100)
EVERY_MARK = "all"  # the step of :func:`marked_half_ceiling`'s second record
RESULTS_PATH = DATA_FOLDER / "relearn.json"
GOAL_MARKS = 50
GOAL_F1 = 0.85  # issue 8: macro-F1 on every held-out event after GOAL_MARKS marks


def split_event(labels: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The marking half and the evaluation half of one event's labelled paragraphs (whole articles, alternately)."""
    articles = list(dict.fromkeys(labels["doc_id"]))
    marking = set(articles[::2])
    in_marking = labels["doc_id"].isin(marking)
    return labels[in_marking].reset_index(drop=True), labels[~in_marking].reset_index(drop=True)


def simulate_event(
    themes: ThemeSet,
    labels: pd.DataFrame,
    event: str,
    embed: EmbedFunction,
    model_id: str,
    store: ScorerStore | None = None,
    steps: Sequence[int] = MARK_STEPS,
) -> list[dict[str, object]]:
    """Macro-F1 on the unmarked half of ``event`` after each number of marks in ``steps``.

    Returns one record per step: ``event``, ``marks`` (made so far), ``macro_f1``, ``fa``, ``ar``
    (per language, NaN when absent), ``evaluated`` (paragraphs in the evaluation half), and
    ``labels`` / ``scores`` (the evaluation half and its scores, to pool events: a half of a small
    event is too small to judge alone).
    """
    event_labels = labels[labels["event"] == event].reset_index(drop=True)
    pool, held_out = split_event(event_labels)
    base = themes if themes.taught is None else themes.without_documents(themes.taught.documents_of_event(event))
    pool = pool.assign(paragraph_id=[f"{doc}:{row}" for row, doc in enumerate(pool["doc_id"])], kept=True)
    marks = empty_marks(themes.ids)
    records: list[dict[str, object]] = []
    made = 0
    for step in steps:
        while made < step:
            added = _mark_next(base, marks, pool, embed, model_id, store, step - made)
            if added is None:
                break
            marks, count = added
            made += count
        records.append(
            {"event": event, "step": step, "marks": made} | _measured(with_marks(base, marks), themes, held_out, embed, model_id, store)
        )
    return records


def _measured(
    taught: ThemeSet, themes: ThemeSet, held_out: pd.DataFrame, embed: EmbedFunction, model_id: str, store: ScorerStore | None
) -> dict[str, object]:
    """Macro-F1 (overall, fa, ar) of ``taught``'s scores on the held-out half, at ``themes``' thresholds, with the scores."""
    scorer = fitted_scorer(taught, model_id, embed, store)
    texts = [normalize(text, language) for text, language in zip(held_out["text"], held_out["language"], strict=True)]
    scores = scorer.decision_function(texts, held_out["language"].tolist(), embed)
    macro = _macro_by_language(held_out, scores, themes.thresholds())
    return {
        "macro_f1": float(macro["all"]),
        "fa": float(macro.get("fa", float("nan"))),
        "ar": float(macro.get("ar", float("nan"))),
        "evaluated": len(held_out),
        "labels": held_out,
        "scores": scores,
    }


def marked_half_ceiling(
    themes: ThemeSet,
    labels: pd.DataFrame,
    event: str,
    embed: EmbedFunction,
    model_id: str,
    store: ScorerStore | None = None,
) -> list[dict[str, object]]:
    """Macro-F1 on the unmarked half of ``event`` with no mark, then with every labelled cell of the marking half marked.

    The ceiling of :func:`simulate_event`: no queue can choose better marks than all of them.
    Returns two records shaped like :func:`simulate_event`'s, at steps 0 and :data:`EVERY_MARK`.
    """
    event_labels = labels[labels["event"] == event].reset_index(drop=True)
    pool, held_out = split_event(event_labels)
    base = themes if themes.taught is None else themes.without_documents(themes.taught.documents_of_event(event))
    marks = empty_marks(themes.ids)
    for number, row in enumerate(pool.itertuples(index=False)):
        paragraph = {"paragraph_id": f"{row.doc_id}:{number}", "doc_id": row.doc_id, "language": row.language, "text": row.text}
        for theme_id in themes.ids:
            if getattr(row, theme_id) != NOT_LABELLED:
                marks = set_mark(marks, paragraph, theme_id, "yes" if getattr(row, theme_id) == 1 else "no")
    made = int((marks[themes.ids] != NOT_LABELLED).to_numpy().sum())
    return [
        {"event": event, "step": step, "marks": made if step else 0}
        | _measured(base if step == 0 else with_marks(base, marks), themes, held_out, embed, model_id, store)
        for step in (0, EVERY_MARK)
    ]


def pooled_curve(records: list[dict[str, object]], thresholds: dict[str, float]) -> pd.DataFrame:
    """Macro-F1 (overall, fa, ar) per number of marks asked for, over the evaluation halves of every event together.

    A small event's marking half may run out before the last step: ``mean_marks_made`` says how many
    marks the events had on average.
    """
    rows = []
    for step in sorted({record["step"] for record in records}, key=lambda step: (isinstance(step, str), str(step).zfill(9))):
        chosen = [record for record in records if record["step"] == step]
        labels = pd.concat([record["labels"] for record in chosen], ignore_index=True)  # type: ignore[misc]
        scores = pd.concat([record["scores"] for record in chosen], ignore_index=True)  # type: ignore[misc]
        macro = _macro_by_language(labels, scores, thresholds)
        made = sum(int(record["marks"]) for record in chosen)  # type: ignore[call-overload]
        rows.append(
            {
                "marks": step,
                "mean_marks_made": round(made / len(chosen), 1),
                "events": len(chosen),
                "paragraphs": len(labels),
                **macro.to_dict(),
            }
        )
    return pd.DataFrame(rows)


def _macro_by_language(labels: pd.DataFrame, scores: pd.DataFrame, thresholds: dict[str, float]) -> pd.Series:
    """Macro-F1 over all the given paragraphs: ``all``, and ``fa`` / ``ar`` when present."""
    macro = evaluate(labels.assign(whole="all"), scores, thresholds, part="whole").macro_f1.set_index("language")["macro_f1"].astype(float)
    if "all" not in macro.index:  # one language only: it is the whole
        macro["all"] = macro.iloc[0]
    return macro


def _mark_next(
    themes: ThemeSet, marks: pd.DataFrame, pool: pd.DataFrame, embed: EmbedFunction, model_id: str, store: ScorerStore | None, wanted: int
) -> tuple[pd.DataFrame, int] | None:
    """Answer up to ``wanted`` queued questions from the labels (one queue per refit); None when the pool is exhausted."""
    scorer = fitted_scorer(with_marks(themes, marks), model_id, embed, store)
    texts = [normalize(text, language) for text, language in zip(pool["text"], pool["language"], strict=True)]
    scored = assign_themes(
        pd.concat([pool, scorer.decision_function(texts, pool["language"].tolist(), embed)], axis=1), themes.ids, themes.thresholds()
    )
    queue = uncertain_queue(scored, themes.ids, themes.thresholds(), marks, size=min(wanted, 12))
    queue = queue[
        [
            pool.loc[pool["paragraph_id"] == pid, theme].iloc[0] != NOT_LABELLED
            for pid, theme in zip(queue["paragraph_id"], queue["theme"], strict=True)
        ]
    ]
    if queue.empty:
        return None
    for row in queue.head(wanted).itertuples(index=False):
        answer = int(pool.loc[pool["paragraph_id"] == row.paragraph_id, row.theme].iloc[0])
        paragraph = {"paragraph_id": row.paragraph_id, "doc_id": row.doc_id, "language": row.language, "text": row.text}
        marks = set_mark(marks, paragraph, row.theme, "yes" if answer == 1 else "no")
    return marks, min(wanted, len(queue))


def write_results(records: list[dict[str, object]], pooled: pd.DataFrame, command: str, path: Path = RESULTS_PATH) -> None:
    """Keep the simulation's figures (and the command that made them) for the dashboard."""
    kept = [{key: value for key, value in record.items() if key not in ("labels", "scores")} for record in records]
    data = {"command": command, "records": kept, "pooled": pooled.to_dict(orient="records")}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def relearn_summary(path: Path = RESULTS_PATH) -> str:
    """One sentence on what marking did in the simulation; "" when it has not been run."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pooled = pd.DataFrame(data["pooled"]).set_index("marks")
        before, after = pooled.loc[0], pooled.loc[GOAL_MARKS]
    except (OSError, ValueError, KeyError):
        return ""
    reached = "reached" if after["all"] >= GOAL_F1 else "not reached"
    return (
        f"In a simulation on {counted(int(before['events']), 'event')} the themes had never seen (`{data['command']}`), {GOAL_MARKS} marks "
        f"per event moved macro-F1 on the unmarked half of the events from {before['all']:.3f} (no marks) to {after['all']:.3f} "
        f"(the goal, {GOAL_F1:.2f}: {reached})."
    )
