"""Language identifications kept between runs, so that a warm run need not load lingua's models.

Loading lingua's language models takes about a second; a rerun on the same corpus would load them
only to find the same answers. The identifications (``analysis.text.identifications_made``) are
kept in ``FRAMING_HOME/cache/languages-<lingua version>.json``, keyed by a digest of the text as the
detector reads it, and recalled before the next run (``analysis.text.recall_identifications``).
It is a cache: a damaged or unreadable file is ignored, and a file that cannot be written only
means identifying again next time.
"""

from __future__ import annotations

import json
import os
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from analysis.config import framing_home
from analysis.text import identifications_made, recall_identifications


def memory_path(home: Path | None = None) -> Path:
    """Where the identifications are kept (one file per lingua version: another version may answer otherwise)."""
    try:
        lingua = version("lingua-language-detector")
    except PackageNotFoundError:
        lingua = "unknown"
    return (home or framing_home()) / "cache" / f"languages-{lingua}.json"


def recall(path: Path | None = None) -> int:
    """Recall the kept identifications; return how many (0 when the file is missing or unreadable)."""
    try:
        data = json.loads((path or memory_path()).read_text(encoding="utf-8"))
        known = {str(key): (str(language), bool(confident)) for key, (language, confident) in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return 0
    recall_identifications(known)
    return len(known)


def keep(path: Path | None = None) -> None:
    """Add this process's identifications to the kept ones (best effort: a cache)."""
    made = identifications_made()
    if not made:
        return
    path = path or memory_path()
    try:
        kept = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if not isinstance(kept, dict):
            kept = {}
    except (OSError, ValueError):
        kept = {}
    kept.update({key: [language, confident] for key, (language, confident) in made.items()})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".languages.", delete=False) as handle:
            json.dump(kept, handle)
        os.replace(handle.name, path)
    except OSError:
        pass
