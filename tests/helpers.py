"""Test helpers: paths, a fake encoder, small themes files and labelled paragraphs (fixtures are in conftest.py)."""

from __future__ import annotations

import hashlib
import importlib.util
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
import tomli_w

from analysis import cli, text
from analysis.embed import Embedder, EmbeddingCache
from analysis.themes import DEFAULT_THEMES_PATH, ThemeSet, load_themes

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def bench_script(name: str) -> ModuleType:
    """A script of bench/ loaded as a module (bench/ is no package; sys.path is left alone)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeEncoder:
    """Hashes words into a 64-dimensional bag of words: texts sharing words are similar."""

    dimension = 64

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, sentences: list[str], batch_size: int = 32, **kwargs: object) -> np.ndarray:
        self.calls.append(list(sentences))
        vectors = np.zeros((len(sentences), self.dimension), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            for word in sentence.split():
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension
                vectors[row, bucket] += 1.0
        return vectors

    @property
    def texts_seen(self) -> int:
        return sum(len(call) for call in self.calls)


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


def small_bundled_themes(keep: int = 3) -> str:
    """The bundled themes file (its ids, labels, thresholds, settings, denials and cues) with at most ``keep``
    sentences per list and language, and without its labelled paragraphs: the same code paths as the bundled
    themes, fitted in a fraction of a second instead of the full scorer's many seconds. Tests that are not
    about the bundled themes themselves use it (or ``SMALL``)."""
    raw = tomllib.loads(DEFAULT_THEMES_PATH.read_text(encoding="utf-8"))
    raw["scoring"].pop("labelled", None)
    raw["background"] = {language: sentences[:keep] for language, sentences in raw["background"].items()}
    for theme in raw["theme"]:
        for field_name in ("descriptions", "examples", "near_misses"):
            theme[field_name] = {language: sentences[:keep] for language, sentences in theme.get(field_name, {}).items()}
    return tomli_w.dumps(raw)


def write_small_bundled_themes(folder: Path) -> Path:
    """Write :func:`small_bundled_themes` to ``folder/themes.toml`` and return its path."""
    path = folder / "themes.toml"
    path.write_text(small_bundled_themes(), encoding="utf-8")
    return path


def fake_cli_model(monkeypatch: pytest.MonkeyPatch, folder: Path) -> FakeEncoder:
    """Make the CLI's model the fake encoder, with its embedding cache in ``folder``; return the encoder."""
    encoder = FakeEncoder()
    cache = EmbeddingCache(folder / "cli-cache.sqlite3")

    def make(name_or_path: str | None = None, *, use_cache: bool = True, **_: object) -> Embedder:
        return Embedder("fake", lambda: encoder, cache if use_cache else None)

    monkeypatch.setattr(cli, "make_embedder", make)
    return encoder


def worker_starts_on_two_cores(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[object]:
    """Make ``module`` see two cores and record what it submits to its process pools (the list returned)."""
    monkeypatch.setattr(module.os, "cpu_count", lambda: 2)
    started: list[object] = []
    submit = module.ProcessPoolExecutor.submit

    def counted_submit(pool: object, *args: object) -> object:
        started.append(args[0])
        return submit(pool, *args)

    monkeypatch.setattr(module.ProcessPoolExecutor, "submit", counted_submit)
    return started


def forget_identifications(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process forgets the language identifications it recalled, made or prepared (the dashboard's tests recall
    the framing home's memory), for the rest of the test."""
    for memory in ("_KNOWN", "_MADE", "_RANKED", "_PREPARED"):
        monkeypatch.setattr(text, memory, {})
    text.identify_language.cache_clear()
