"""How many distinctive words pass |z| >= 1.96 by chance: `.venv/bin/python bench/words_null.py [PATH ...] [--shuffles N]`.

Analyses the corpus (default: seeds/) as `framing analyze` does, then for each theme and language
counts the words of the Distinctive words list (top 15) that pass the line, first with the real theme
assignments, then with them shuffled at random among the language's kept paragraphs (N times; the
mean is what chance gives).
"""

from __future__ import annotations

import argparse

import numpy as np

from analysis.corpus import read_corpus
from analysis.embed import make_embedder
from analysis.pipeline import analyze
from analysis.themes import load_themes
from analysis.words import distinctive_terms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["seeds"])
    parser.add_argument("--shuffles", type=int, default=50)
    args = parser.parse_args()
    themes = load_themes()
    table = analyze(read_corpus(args.paths), themes, make_embedder()).table
    rng = np.random.default_rng(0)
    chance_counts = []
    for theme in themes.ids:
        for language in sorted(table.loc[table["kept"], "language"].unique()):
            real = int(distinctive_terms(table, theme, language)["significant"].sum())
            rows = table.index[table["kept"] & (table["language"] == language)]
            shuffled = []
            for _ in range(args.shuffles):
                copy = table.copy()
                copy.loc[rows, f"has_{theme}"] = rng.permutation(copy.loc[rows, f"has_{theme}"].to_numpy())
                shuffled.append(int(distinctive_terms(copy, theme, language)["significant"].sum()))
            chance_counts += shuffled
            print(f"{theme:22} {language}: {real} word(s) pass with the real assignments; by chance {np.mean(shuffled):.2f} on average")
    print(
        f"by chance, over every list: {np.mean(chance_counts):.2f} word(s) per list of 15 pass |z| >= 1.96 ({args.shuffles} shuffles each)"
    )


if __name__ == "__main__":
    main()
