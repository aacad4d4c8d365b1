"""Speakers the actors file lacks who speak for a group: a fitted classifier after the speaker rules.

The speaker rules (:mod:`analysis.voices`) name a speaker the actors file lacks by their own words ("Omar
García, one of the Ayotzinapa students", «جمعية الوفاق الوطني الإسلامية»). Many of them speak for the protest
movement — an organiser, a leader, a coalition or a striker the file does not list, whom docs/labelling.md (V4)
counts as ``protesters`` — and whether they do is seldom in a word a rule could list: it is in who they are and
what the paragraph says about them. A logistic regression over two multilingual embeddings, the paragraph's and
the speaker words', decides it: above its threshold, the speaker becomes the group's actor id.

The classifier is fitted by ``bench/speaker_groups.py --write`` on the voice sets whose misses have been read
(development data), and shipped as plain numbers in ``analysis/data/speaker_groups.json`` with the embedding
model it was fitted for and its leave-one-set-out figures; with another model it is not used (any backend of the
same model is: their vectors agree to 1e-7, and int8's to a cosine of 0.98). A speaker keeps
one decision across its article (the paragraph where it first speaks decides; "he added" goes on with it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.text import normalize
from analysis.themes import DATA_FOLDER, EmbedFunction
from analysis.voices import ATTRIBUTED, Actor, default_actors

_log = logging.getLogger(__name__)
GROUPS_PATH = DATA_FOLDER / "speaker_groups.json"
C = 1.0
"""The logistic regression's inverse regularisation (chosen by leave-one-set-out on the read sets, bench/speaker_groups.py)."""


class SpeakerGroupError(ValueError):
    """A speaker group file that cannot be used, with the reason."""


@dataclass(frozen=True, eq=False)  # arrays: compared by identity
class SpeakerGroup:
    """A fitted classifier: does a speaker the actors file lacks speak for ``actor``?

    Attributes:
        actor: the group's actor id (``protesters``).
        model_id: the embedding model whose vectors it reads (without its backend: :func:`base_model`).
        coef: weights of the paragraph's vector, then of the speaker words' vector.
        intercept: the bias.
        threshold: the probability from which the speaker is taken for the group.
    """

    actor: str
    model_id: str
    coef: np.ndarray
    intercept: float
    threshold: float

    @classmethod
    def fit(
        cls,
        paragraph_vectors: np.ndarray,
        speaker_vectors: np.ndarray,
        members: np.ndarray,
        *,
        actor: str,
        model_id: str,
        threshold: float,
    ) -> SpeakerGroup:
        """Fit a balanced logistic regression on speakers found by the rules: ``members`` says which speak for ``actor``."""
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        features = np.hstack([paragraph_vectors, speaker_vectors])
        with threadpool_limits(limits=1):  # the same fit on every machine (see analysis.scorer.LinearScore.fit)
            model = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(features, members)
        return cls(actor, base_model(model_id), model.coef_[0].astype(np.float64), float(model.intercept_[0]), threshold)

    def probability(self, paragraph_vectors: np.ndarray, speaker_vectors: np.ndarray) -> np.ndarray:
        """The probability that each speaker speaks for the group (one row per speaker in both arrays)."""
        if not len(paragraph_vectors):
            return np.zeros(0)
        features = np.hstack([np.asarray(paragraph_vectors, np.float64), np.asarray(speaker_vectors, np.float64)])
        if features.shape[1] != len(self.coef):
            raise SpeakerGroupError(f"the speaker group reads vectors of {len(self.coef) // 2} dimensions, not {features.shape[1] // 2}")
        return 1.0 / (1.0 + np.exp(-(features @ self.coef + self.intercept)))

    def to_record(self, **about: Any) -> dict[str, Any]:
        """The group as plain JSON values, with ``about`` (what it was fitted on, its figures) kept beside it."""
        return {
            "actor": self.actor,
            "model": self.model_id,
            "threshold": self.threshold,
            "intercept": self.intercept,
            "coef": [float(value) for value in self.coef],
            **about,
        }

    @classmethod
    def from_record(cls, record: Any, source: str = "speaker groups") -> SpeakerGroup:
        """A group from :meth:`to_record`'s values.

        Raises:
            SpeakerGroupError: a missing or malformed value.
        """
        try:
            coef = np.asarray(record["coef"], dtype=np.float64)
            group = cls(str(record["actor"]), str(record["model"]), coef, float(record["intercept"]), float(record["threshold"]))
        except (KeyError, TypeError, ValueError) as error:
            raise SpeakerGroupError(f"{source}: not a speaker group ({type(error).__name__}: {error})") from error
        if coef.ndim != 1 or not len(coef) or len(coef) % 2 or not np.isfinite(coef).all() or not 0 < group.threshold < 1:
            raise SpeakerGroupError(f"{source}: its weights or threshold are malformed")
        return group


def default_group(model_id: str, path: Path = GROUPS_PATH) -> SpeakerGroup | None:
    """The shipped speaker group when it was fitted for ``model_id``, else None (another model: the rules alone).

    Raises:
        SpeakerGroupError: the file is unreadable or malformed.
    """
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SpeakerGroupError(f"{path}: cannot be read ({type(error).__name__})") from error
    group = SpeakerGroup.from_record(record, str(path))
    return group if group.model_id == base_model(model_id) else None


def base_model(model_id: str) -> str:
    """A model id without its backend (``…+onnx-fp32``): the backends give the same vectors to a classifier's eyes."""
    return model_id.split("+", 1)[0]


@lru_cache(maxsize=8)
def shipped_group(model_id: str) -> SpeakerGroup | None:
    """:func:`default_group` for an analysis: a file that cannot be used is logged and the rules alone find speakers."""
    try:
        return default_group(model_id)
    except SpeakerGroupError as error:
        _log.warning("speakers the actors file lacks are not grouped: %s", error)
        return None


def group_candidates(table: pd.DataFrame, actors: Sequence[Actor] | None = None) -> pd.DataFrame:
    """Each article's speakers the actors file lacks, once, where they first speak: ``doc_id``, ``speaker``, ``text``
    (that paragraph's ``clean_text``), ``language``; in reading order (the table's ``position``)."""
    known = {actor.id for actor in (default_actors() if actors is None else actors)}
    kept = table[table["kept"].astype(bool)] if "kept" in table.columns else table
    speaking = kept[(kept["voice"] == ATTRIBUTED) & (kept["speaker"] != "") & ~kept["speaker"].isin(known)]
    first = speaking.sort_values(["doc_id", "position"], kind="stable").drop_duplicates(["doc_id", "speaker"])
    return pd.DataFrame(
        {"doc_id": first["doc_id"].astype(str), "speaker": first["speaker"], "text": first["clean_text"], "language": first["language"]}
    )


def speaker_texts(candidates: pd.DataFrame) -> list[str]:
    """The candidates' speaker words as they are embedded (normalised as paragraphs are)."""
    return [normalize(speaker, language) for speaker, language in zip(candidates["speaker"], candidates["language"], strict=True)]


def speaker_vectors(candidates: pd.DataFrame, embed: EmbedFunction) -> tuple[np.ndarray, np.ndarray]:
    """The candidates' paragraph vectors and speaker words' vectors."""
    if candidates.empty:
        return np.zeros((0, 0)), np.zeros((0, 0))
    return embed(candidates["text"].tolist()), embed(speaker_texts(candidates))


def with_speaker_groups(
    table: pd.DataFrame, embed: EmbedFunction, group: SpeakerGroup | None, actors: Sequence[Actor] | None = None
) -> pd.DataFrame:
    """A copy of a voiced paragraphs table (``doc_id``, ``position``, ``clean_text``, ``language``, ``voice``,
    ``speaker``) whose speakers the actors file lacks become ``group.actor`` where the group claims them, in every
    paragraph of their article; the table itself when there is no group or no such speaker."""
    if group is None:
        return table
    candidates = group_candidates(table, actors)
    if candidates.empty:
        return table
    paragraphs, speakers = speaker_vectors(candidates, embed)
    try:
        probability = group.probability(paragraphs, speakers)
    except SpeakerGroupError as error:  # a model folder rebuilt as another model under the same name
        _log.warning("speakers the actors file lacks are not grouped: %s", error)
        return table
    claimed = candidates[probability >= group.threshold]
    if claimed.empty:
        return table
    pairs = pd.MultiIndex.from_frame(claimed[["doc_id", "speaker"]])
    rows = pd.MultiIndex.from_frame(table[["doc_id", "speaker"]].astype(str)).isin(pairs)
    result = table.copy()
    result.loc[rows & (result["voice"] == ATTRIBUTED).to_numpy(), "speaker"] = group.actor
    return result
