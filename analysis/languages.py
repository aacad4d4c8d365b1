"""The languages framing knows: codes, names, aliases, direction, the Persian-Arabic pair.

One place for these facts; every other module imports them from here. A language is a short code:
``fa`` (Persian) and ``ar`` (Arabic) are analysed; ``other`` is what language identification says
of any other text (such paragraphs are dropped); other codes may appear in themes files (``en``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

PERSIAN = "fa"
ARABIC = "ar"
OTHER = "other"
TARGET_LANGUAGES = (PERSIAN, ARABIC)
"""The languages analysed and compared, in display order."""

ALL = "all"
"""The value that stands for every language (a filter, a row of totals; in evaluation, every part too)."""

SUPPORTED_LANGUAGES = {PERSIAN: "Persian", ARABIC: "Arabic"}
"""English names of the analysed languages, by code."""

LANGUAGE_NAMES = {**SUPPORTED_LANGUAGES, OTHER: "neither Persian nor Arabic"}
"""English names of every code language identification can give."""

OTHER_LANGUAGE = {PERSIAN: ARABIC, ARABIC: PERSIAN}
"""The other language of the pair: a paragraph's counterparts are looked for there."""

RTL_LANGUAGES = TARGET_LANGUAGES
"""Languages written right to left."""

LANGUAGE_ALIASES = {
    "fa": PERSIAN,
    "fas": PERSIAN,
    "per": PERSIAN,
    "persian": PERSIAN,
    "farsi": PERSIAN,
    "pes": PERSIAN,
    "فارسی": PERSIAN,
    "فارسي": PERSIAN,
    "پارسی": PERSIAN,
    "الفارسية": PERSIAN,
    "ar": ARABIC,
    "ara": ARABIC,
    "arb": ARABIC,
    "arabic": ARABIC,
    "العربية": ARABIC,
    "عربي": ARABIC,
    "عربی": ARABIC,
    "عربى": ARABIC,
}
"""Ways a manifest or a CSV may name a language (lowercased, without a region: ``ar-SA`` is ``ar``), mapped to its code."""


def declared_language(text: str) -> str | None:
    """The code of a declared language (``fa``, ``ar-SA``, ``Farsi``, ``عربی``…), or ``None`` when it is neither.

    A BCP 47 region or script after the language (``fa-IR``, ``ar_EG``, ``ar-Arab``) is ignored.
    """
    folded = text.strip().lower()
    return LANGUAGE_ALIASES.get(folded) or LANGUAGE_ALIASES.get(re.split(r"[-_]", folded, maxsplit=1)[0])


def language_name(code: str) -> str:
    """Return the English name of a language code ("fa" -> "Persian"), or the code itself."""
    return SUPPORTED_LANGUAGES.get(code, code)


def language_label(code: str) -> str:
    """Display label of a language code: "fa" -> "Persian (fa)"; unknown codes stay as they are."""
    name = language_name(code)
    return f"{name} ({code})" if name != code else code


def other_language(code: str) -> str | None:
    """The other language of the Persian-Arabic pair ("fa" -> "ar"), or None for any other code."""
    return OTHER_LANGUAGE.get(code)


def language_order(languages: Iterable[str]) -> list[str]:
    """The distinct languages, Persian and Arabic first, then the others alphabetically."""
    if isinstance(languages, pd.Series | pd.Index | np.ndarray):
        languages = pd.unique(languages)  # a column of 100,000 paragraphs: its few codes, not a Python loop over it
    present = list(dict.fromkeys(languages))
    return [code for code in TARGET_LANGUAGES if code in present] + sorted(set(present) - set(TARGET_LANGUAGES))
