"""Full-page screenshots of dashboard tabs for README: `.venv/bin/python bench/screenshots.py [TAB ...] [--out DIR]`.

Starts `streamlit run app.py` on the seed corpus, opens it in Debian's Chromium (tests/e2e/dashboard.py),
and saves each tab as DIR/<tab>.png (default DIR: a temporary folder; `--out docs` refreshes the tracked ones).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.dashboard import CHARTS, chromium_page, dashboard_server, save_full_page, wait_until_idle  # noqa: E402

DEFAULT_TABS = ("Voices", "Distinctive words")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tabs", nargs="*", default=list(DEFAULT_TABS))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    folder = args.out or Path(tempfile.mkdtemp(prefix="framing-screenshots-"))
    with dashboard_server() as (url, _, server), chromium_page() as (page, errors):
        page.goto(url, timeout=180_000)
        page.wait_for_function(f"() => document.querySelectorAll('{CHARTS}').length >= 3", timeout=180_000)
        wait_until_idle(page)
        for tab in args.tabs:
            page.get_by_role("tab", name=tab).click()
            wait_until_idle(page)
            page.wait_for_timeout(1500)
            path = folder / f"{tab.lower().replace(' ', '_')}.png"
            save_full_page(page, path)
            print(path)
        server.terminate()
    for error in errors:
        print(f"console error: {error}")


if __name__ == "__main__":
    main()
