"""Where framing keeps its files: the embedded model and the embedding cache; writing a file whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from platformdirs import user_cache_dir

HOME_ENV = "FRAMING_HOME"


def framing_home() -> Path:
    """Return the framing home: ``$FRAMING_HOME`` or the user's cache directory (e.g. ~/.cache/framing)."""
    configured = os.environ.get(HOME_ENV, "").strip()
    return Path(configured).expanduser() if configured else Path(user_cache_dir("framing"))


def atomic_write(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write a file whole or not at all (a temporary file in the same folder, renamed into place), readable by all."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
        temporary = Path(handle.name)
        try:
            write(handle)
        except BaseException:
            handle.close()
            temporary.unlink(missing_ok=True)
            raise
    try:
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
