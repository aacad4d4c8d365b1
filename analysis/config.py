"""Where framing keeps its files: the embedded model and the embedding cache."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir

HOME_ENV = "FRAMING_HOME"


def framing_home() -> Path:
    """Return the framing home: ``$FRAMING_HOME`` or the user's cache directory (e.g. ~/.cache/framing)."""
    configured = os.environ.get(HOME_ENV, "").strip()
    return Path(configured).expanduser() if configured else Path(user_cache_dir("framing"))
