"""Agreement between two annotators on voices and speakers: rerun with `.venv/bin/python bench/voice_agreement.py`.

`tests/data/voices_second_annotator.csv` holds a second, blind labelling of the twentieth and twenty-first fresh
voice sets (`tests/data/voices_fresh20.csv`, `voices_fresh21.csv`: 430 paragraphs): two annotators, one per language,
read only docs/labelling.md, the actor ids and the paragraphs (doc id, outlet, event, date and text, in article
order), never the first labels. Printed per language, with the measures of `framing evaluate`:

- the two annotators against each other: voice agreement and Cohen's kappa; speaker precision, recall and F1 over
  actor ids (the first annotator as the truth; F1 is symmetric);
- the rules against each annotator on the same paragraphs.

It is the ceiling to read the speaker goal against (F1 >= 0.80, issue 10): rules cannot be expected to agree with
one annotator more than a second careful annotator does.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.voice_evaluation import voice_metrics, voice_predictions  # noqa: E402

FIRST = [ROOT / "tests" / "data" / "voices_fresh20.csv", ROOT / "tests" / "data" / "voices_fresh21.csv"]
SECOND = ROOT / "tests" / "data" / "voices_second_annotator.csv"
SHOWN = ["language", "paragraphs", "voice_accuracy", "kappa", "speakers_labelled", "speakers_found", "precision", "recall", "f1"]


def paired_labels() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The first and the second annotator's labels, row for row (the same paragraphs in the same order).

    Raises:
        SystemExit: the second file's paragraphs are not the first files' paragraphs.
    """
    first = pd.concat([pd.read_csv(path, dtype=str, keep_default_na=False) for path in FIRST], ignore_index=True)
    second = pd.read_csv(SECOND, dtype=str, keep_default_na=False)
    columns = ["doc_id", "language", "text"]
    if not first[columns].equals(second[columns]):
        raise SystemExit(f"{SECOND.name}: its paragraphs are not those of {', '.join(path.name for path in FIRST)}, in order")
    return first, second


def agreement(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Voice and speaker agreement per language (then ``all``), the first annotator's labels as the truth."""
    pairs = pd.DataFrame(
        {
            "language": first["language"],
            "voice": first["voice"],
            "speaker": first["speaker"],
            "found_voice": second["voice"],
            "found_speaker": second["speaker"],
        }
    )
    metrics = voice_metrics(pairs)
    kappas = {"all": cohen_kappa_score(pairs["voice"], pairs["found_voice"])}
    kappas.update({str(language): cohen_kappa_score(part["voice"], part["found_voice"]) for language, part in pairs.groupby("language")})
    return metrics.assign(kappa=metrics["language"].map(kappas))[SHOWN]


def main() -> None:
    first, second = paired_labels()
    print("The two annotators (the first as the truth):")
    print(agreement(first, second).round(3).to_string(index=False))
    for name, labels in (("first", first), ("second", second)):
        print(f"\nThe rules against the {name} annotator:")
        print(voice_metrics(voice_predictions(labels)).round(3).to_string(index=False))


if __name__ == "__main__":
    main()
