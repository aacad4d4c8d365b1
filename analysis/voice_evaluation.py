"""How well the voices are found: voice accuracy and speaker precision / recall against labels.

A labels CSV may carry two optional columns: ``voice`` (``outlet`` or ``attributed``; blank: not
labelled) and ``speaker`` (an actor id from the actors file, or blank for no speaker or one the
file does not hold). Only rows with a labelled voice count. Paragraphs are read per ``doc_id`` in
file order (reported speech goes on over paragraphs) with the row's ``outlet`` and ``date`` (YYYY-MM-DD: a title
names who held it then) when there are.

- **voice accuracy**: the share of labelled paragraphs whose found voice is the labelled one;
- **speaker precision**: of the paragraphs given an actor id, the share given the labelled one;
- **speaker recall**: of the paragraphs labelled with an actor id, the share found with it;
  raw words (a speaker not in the actors file) count as no actor.

``framing evaluate`` finds the speakers as an analysis does: the rules, then the speaker group shipped for its model
(:mod:`analysis.speaker_groups`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.embed import Embedder
from analysis.labels import LabelsError
from analysis.speaker_groups import SpeakerGroup, shipped_group, with_speaker_groups
from analysis.text import normalize
from analysis.themes import EmbedFunction
from analysis.voices import VOICES, Actor, VoicePatterns, add_voices, default_actors
from analysis.wording import counted

VOICE_METRIC_COLUMNS = ["language", "paragraphs", "voice_accuracy", "speakers_labelled", "speakers_found", "precision", "recall", "f1"]


def has_voice_labels(labels: pd.DataFrame) -> bool:
    """Whether a labels table carries at least one labelled voice."""
    return "voice" in labels.columns and labels["voice"].fillna("").astype(str).str.strip().ne("").any()


def labelled_voices(labels: pd.DataFrame) -> pd.Series:
    """A labels table's ``voice`` column, lowercased (blank: not labelled).

    Raises:
        LabelsError: a voice other than ``outlet``, ``attributed`` or blank.
    """
    voices = labels.get("voice", pd.Series("", index=labels.index)).fillna("").astype(str).str.strip().str.lower()
    bad = ~voices.isin([*VOICES, ""])
    if bad.any():
        raise LabelsError(
            f"column 'voice' must hold {' or '.join(VOICES)} or nothing; row {int(bad.to_numpy().argmax()) + 2} has {voices[bad].iloc[0]!r}"
        )
    return voices


def found_voices(labels: pd.DataFrame, *, actors: Sequence[Actor] | None = None, patterns: VoicePatterns | None = None) -> pd.DataFrame:
    """A labels table's paragraphs as a paragraphs table (``doc_id``, ``position`` in file order, ``clean_text`` …)
    with the ``voice`` and ``speaker`` the rules find (:func:`analysis.voices.add_voices`); the labels' index."""
    table = pd.DataFrame(
        {
            "doc_id": labels["doc_id"].astype(str),
            "position": range(len(labels)),
            "outlet": labels["outlet"].astype(str) if "outlet" in labels.columns else "",
            "date": labels["date"].astype(str) if "date" in labels.columns else "",
            "language": labels["language"].astype(str),
            "text": labels["text"].astype(str),
            "clean_text": [normalize(str(text), str(language)) for text, language in zip(labels["text"], labels["language"], strict=True)],
            "kept": True,
        },
        index=labels.index,
    )
    return add_voices(table, actors=actors, patterns=patterns)


def voice_predictions(
    labels: pd.DataFrame,
    *,
    actors: Sequence[Actor] | None = None,
    patterns: VoicePatterns | None = None,
    group: SpeakerGroup | None = None,
    embed: EmbedFunction | None = None,
) -> pd.DataFrame:
    """The labelled rows with ``voice`` / ``speaker`` (labels) and ``found_voice`` / ``found_speaker``: found by the rules,
    then by ``group`` (:mod:`analysis.speaker_groups`, which needs ``embed``) when given.

    Raises:
        LabelsError: a voice other than ``outlet``, ``attributed`` or blank.
    """
    labels = labels.reset_index(drop=True)  # rows are matched by index below: two tables concatenated may repeat one
    labelled_voices(labels)
    found = found_voices(labels, actors=actors, patterns=patterns)
    if group is not None and embed is not None:
        found = with_speaker_groups(found, embed, group, actors)
    return paired(labels, found)


def paired(labels: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """The labelled rows of a labels table (index from 0) beside what was found for them (:func:`found_voices`, the
    same index): ``language``, ``doc_id``, ``text``, ``voice``, ``speaker``, ``found_voice``, ``found_speaker``."""
    result = pd.DataFrame(
        {
            "language": found["language"],
            "doc_id": found["doc_id"],
            "text": found["text"],
            "voice": labelled_voices(labels),
            "speaker": labels.get("speaker", pd.Series("", index=labels.index)).fillna("").astype(str).str.strip(),
            "found_voice": found["voice"],
            "found_speaker": found["speaker"],
        }
    )
    return result[result["voice"] != ""]


def voice_metrics(predictions: pd.DataFrame, *, actors: Sequence[Actor] | None = None) -> pd.DataFrame:
    """Voice accuracy and speaker precision, recall and F1 per language, then ``all`` (see the module docstring)."""
    known = {actor.id for actor in (default_actors() if actors is None else actors)}
    rows = []
    groups = [(str(language), part) for language, part in predictions.groupby("language", sort=True)]
    for language, part in [*groups, ("all", predictions)]:
        found = part["found_speaker"].where(part["found_speaker"].isin(known), "")
        labelled = part["speaker"] != ""
        given = found != ""
        correct = int((labelled & given & (found == part["speaker"])).sum())
        precision = correct / int(given.sum()) if given.any() else float("nan")
        recall = correct / int(labelled.sum()) if labelled.any() else float("nan")
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else float("nan")
        rows.append(
            {
                "language": language,
                "paragraphs": len(part),
                "voice_accuracy": float((part["voice"] == part["found_voice"]).mean()) if len(part) else float("nan"),
                "speakers_labelled": int(labelled.sum()),
                "speakers_found": int(given.sum()),
                "precision": precision,
                "recall": recall,
                "f1": f1,
            }
        )
    return pd.DataFrame(rows, columns=VOICE_METRIC_COLUMNS)


def voice_errors(predictions: pd.DataFrame) -> pd.DataFrame:
    """The labelled paragraphs whose voice or speaker was not found as labelled."""
    wrong = (predictions["voice"] != predictions["found_voice"]) | (predictions["speaker"] != predictions["found_speaker"])
    return predictions[wrong]


def voice_report(labels: pd.DataFrame, embedder: Embedder) -> tuple[str, dict[str, object]]:
    """The printed block of ``framing evaluate`` for a labels table with voices, and its JSON form (speakers found as an
    analysis with ``embedder``'s model finds them: the rules, then the speaker group shipped for that model)."""
    predictions = voice_predictions(labels, group=shipped_group(embedder.model_id), embed=embedder.embed)
    metrics = voice_metrics(predictions)
    errors = voice_errors(predictions)
    lines = [
        f"\n== Voices: {counted(len(predictions), 'paragraph')} with a labelled voice ==",
        "(voice: outlet or attributed; speaker precision and recall over actor ids from the actors file)",
        metrics.round(3).to_string(index=False),
        f"\n{counted(len(errors), 'paragraph')} whose voice or speaker {'differs' if len(errors) == 1 else 'differ'} from the label:",
        *(
            f"[{row.language} {row.doc_id}] labelled {row.voice}/{row.speaker or '-'}, found {row.found_voice}/{row.found_speaker or '-'}: {row.text[:90]}"
            for row in errors.itertuples(index=False)
        ),
    ]
    as_json: dict[str, object] = {"metrics": metrics.to_dict("records"), "errors": len(errors)}
    return "\n".join(lines), as_json
