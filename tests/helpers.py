"""Small themes files and labelled paragraphs shared by the tests (the fake encoder is in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from analysis.themes import ThemeSet, load_themes

SMALL = """
[scoring]
c = 1.0
cue_weight = 0.5

[background]
en = ["weather sunny today", "cold rain tomorrow morning"]

[[theme]]
id = "alpha"
label = "Alpha"
threshold = 0.2
examples.en = ["red apple fruit", "ripe red apple"]
near_misses.en = ["red car engine"]
cues.ar = ["ارهاب"]
cues.fa = ["تروریست"]

[[theme]]
id = "beta"
threshold = 0.1
descriptions.fa = ["blue sky ocean"]
"""


DENIALS = """
[denials]
en = ["denied"]
ar = ["نفى"]
"""


LABELLED_CSV = """doc_id,language,text,alpha,beta
d1,fa,juicy red apple pie recipe,1,0
d1,fa,weather sunny in the orchard,0,0
d2,fa,green apple harvest ends early,1,0
d2,fa,blue ocean waves,0,1
"""


def themes_with_labelled(folder: Path, csv_text: str = LABELLED_CSV) -> ThemeSet:
    (folder / "labelled.csv").write_text(csv_text, encoding="utf-8")
    (folder / "themes.toml").write_text(
        SMALL.replace("cue_weight = 0.5", 'cue_weight = 0.5\nlabelled = "labelled.csv"'),
        encoding="utf-8",
    )
    return load_themes(folder / "themes.toml")
