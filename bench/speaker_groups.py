"""The speaker group classifier, fitted on the read voice sets: `.venv/bin/python bench/speaker_groups.py [--write]`.

analysis/speaker_groups.py turns a speaker the actors file lacks into `protesters` when a logistic regression over
the paragraph's and the speaker words' embeddings says so. This script fits it on the voice sets whose misses have
been read (every tests/data/voices_*.csv except the unread ones, and except the second annotator's labels of the
twentieth and twenty-first sets: the same paragraphs again), with the embedded default model, and prints per
threshold what it adds under leave-one-set-out: each read set's speakers classified by a classifier fitted on the
other sets (by other writers, on other events), the speakers turned into `protesters` and how many rightly, and the
pooled speaker F1 per language with the rules alone and with the classifier. `--write` fits it on every read set at
THRESHOLD and writes analysis/data/speaker_groups.json with those figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.embed import make_embedder  # noqa: E402
from analysis.speaker_groups import GROUPS_PATH, SpeakerGroup, group_candidates, speaker_vectors, with_speaker_groups  # noqa: E402
from analysis.themes import EmbedFunction  # noqa: E402
from analysis.voice_evaluation import found_voices, paired, voice_metrics  # noqa: E402

ACTOR = "protesters"
UNREAD = tuple(f"voices_fresh{number}.csv" for number in range(38, 44))
"""Fresh sets to be measured once with what this script writes: never fitted on (empty once they are read)."""
DUPLICATES = ("voices_second_annotator.csv",)
THRESHOLD = 0.7
"""Chosen on the leave-one-set-out figures this script prints (session 12): the best pooled F1 in both languages."""
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def read_sets() -> dict[str, pd.DataFrame]:
    """The read voice sets by file name (their index from 0)."""
    files = sorted((ROOT / "tests" / "data").glob("voices_*.csv"))
    return {
        file.name: pd.read_csv(file, dtype=str, keep_default_na=False)
        for file in files
        if file.name not in UNREAD and file.name not in DUPLICATES
    }


@dataclasses.dataclass
class SetData:
    """One read set: its labels, what the rules find, its candidates with their vectors and whether each is a member."""

    labels: pd.DataFrame
    found: pd.DataFrame
    paragraphs: np.ndarray
    speakers: np.ndarray
    members: np.ndarray


def set_data(labels: pd.DataFrame, embed: EmbedFunction) -> SetData:
    """The rules' speakers of a set and, for each speaker the actors file lacks, the label of the paragraph where it
    first speaks (a member when labelled with the group's actor id)."""
    found = found_voices(labels)
    candidates = group_candidates(found)
    paragraphs, speakers = speaker_vectors(candidates, embed)
    members = (labels.loc[candidates.index, "speaker"].str.strip() == ACTOR).to_numpy()
    return SetData(labels, found, paragraphs, speakers, members)


def fitted(sets: list[SetData], model_id: str, threshold: float) -> SpeakerGroup:
    """The group fitted on some sets' candidates."""
    usable = [data for data in sets if len(data.members)]
    return SpeakerGroup.fit(
        np.vstack([data.paragraphs for data in usable]),
        np.vstack([data.speakers for data in usable]),
        np.concatenate([data.members for data in usable]),
        actor=ACTOR,
        model_id=model_id,
        threshold=threshold,
    )


def pooled_f1(predictions: list[pd.DataFrame]) -> dict[str, float]:
    """Speaker F1 per language (and ``all``) over some sets' predictions pooled."""
    metrics = voice_metrics(pd.concat(predictions, ignore_index=True)).set_index("language")
    return {language: round(float(metrics.loc[language, "f1"]), 4) for language in metrics.index}


def leave_one_set_out(data: dict[str, SetData], embed: EmbedFunction, model_id: str) -> dict[str, object]:
    """Per threshold: speakers turned into the group and how many rightly, per language, and the pooled speaker F1."""
    rules = pooled_f1([paired(item.labels, item.found) for item in data.values()])
    groups = {name: fitted([other for key, other in data.items() if key != name], model_id, THRESHOLDS[0]) for name in data}
    results: dict[str, object] = {"rules": rules}
    for threshold in THRESHOLDS:
        predictions = []
        turned = {"fa": [0, 0], "ar": [0, 0]}
        for name, item in data.items():
            group = dataclasses.replace(groups[name], threshold=threshold)
            grouped = with_speaker_groups(item.found, embed, group)
            changed = (grouped["speaker"] != item.found["speaker"]).to_numpy()
            rightly = (item.labels["speaker"].str.strip() == ACTOR).to_numpy()
            for language in turned:
                mine = changed & (grouped["language"] == language).to_numpy()
                turned[language][0] += int(mine.sum())
                turned[language][1] += int((mine & rightly).sum())
            predictions.append(paired(item.labels, grouped))
        results[str(threshold)] = {"f1": pooled_f1(predictions), "turned": turned}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"fit on every read set at threshold {THRESHOLD} and write {GROUPS_PATH.name}")
    args = parser.parse_args()
    embedder = make_embedder()
    sets = read_sets()
    data = {name: set_data(labels, embedder.embed) for name, labels in sets.items()}
    cv = leave_one_set_out(data, embedder.embed, embedder.model_id)
    rules = cv["rules"]
    print(
        f"{len(sets)} read sets; speakers the actors file lacks, where they first speak: {sum(len(item.members) for item in data.values())}"
    )
    print(f"rules alone, pooled speaker F1: fa {rules['fa']:.4f}, ar {rules['ar']:.4f}")  # type: ignore[index]
    print("leave-one-set-out (each set classified by a group fitted on the others):")
    for threshold in THRESHOLDS:
        row = cv[str(threshold)]
        f1, turned = row["f1"], row["turned"]  # type: ignore[index]
        print(
            f"  threshold {threshold}: F1 fa {f1['fa']:.4f}, ar {f1['ar']:.4f}; paragraphs turned into {ACTOR} (rightly): "
            f"fa {turned['fa'][0]} ({turned['fa'][1]}), ar {turned['ar'][0]} ({turned['ar'][1]})"
        )
    if args.write:
        group = fitted(list(data.values()), embedder.model_id, THRESHOLD)
        record = group.to_record(
            fitted_on=sorted(sets),
            speakers=int(sum(len(item.members) for item in data.values())),
            members=int(sum(int(item.members.sum()) for item in data.values())),
            leave_one_set_out=cv,
        )
        GROUPS_PATH.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {GROUPS_PATH.relative_to(ROOT)} (threshold {THRESHOLD})")


if __name__ == "__main__":
    main()
