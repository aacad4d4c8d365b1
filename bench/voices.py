"""CPU time of the voices (``analysis.voices.add_voices``) on the labelled paragraphs, twice over.

Rerun with `.venv/bin/python bench/voices.py` (`--profile` adds cProfile's 25 costliest functions). The table is
analysis/data/labelled_paragraphs.csv (2,635 paragraphs) and a copy of it with a word of the set appended to every
paragraph (another article each), 5,270 paragraphs, outlets Tasnim (Persian) and RT Arabic (Arabic). The figure is
the process's CPU time of one ``add_voices`` call after a warm-up (actors, patterns and compiled patterns loaded);
``--repeats N`` gives the median of N calls.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this tree's analysis package, also in a copy of an older commit

from analysis.voices import add_voices  # noqa: E402

LABELLED = ROOT / "analysis" / "data" / "labelled_paragraphs.csv"


def table() -> pd.DataFrame:
    """The labelled paragraphs and their varied copy, as kept paragraphs of their articles."""
    labelled = pd.read_csv(LABELLED, keep_default_na=False)
    rng = np.random.default_rng(0)
    words = " ".join(labelled["text"]).split()
    varied = [f"{text} {words[int(rng.integers(0, len(words)))]}" for text in labelled["text"]]
    both = pd.concat([labelled, labelled.assign(doc_id=labelled["doc_id"] + "-1", text=varied)], ignore_index=True)
    outlets = np.where(both["language"] == "fa", "Tasnim", "RT Arabic")
    return both.assign(position=both.groupby("doc_id").cumcount(), kept=True, outlet=outlets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    arguments = parser.parse_args()
    paragraphs = table()
    add_voices(paragraphs.head(50))  # warm-up: the actors, the patterns, their compiled forms
    times = []
    for _ in range(arguments.repeats):
        start = time.process_time()
        add_voices(paragraphs)
        times.append(time.process_time() - start)
    cpu = statistics.median(times)
    print(f"add_voices on {len(paragraphs):,} paragraphs: {cpu:.2f} s CPU, {1000 * cpu / len(paragraphs):.3f} ms per paragraph")
    if arguments.profile:
        profile = cProfile.Profile()
        profile.runcall(add_voices, paragraphs)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
