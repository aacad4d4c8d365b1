"""Dashboard timings in headless Chromium: rerun with `.venv/bin/python bench/bench_dashboard.py`.

Starts `streamlit run app.py` and opens it in Debian's Chromium (the flow of tests/e2e/dashboard.py,
shared with the browser test), then prints the median over the runs of
1. the time from starting the server to the first charts drawn (seed corpus, warm embedding cache),
2. the time from removing a language in the sidebar filter to the redrawn chart,
and saves a full-page screenshot of the overview to a temporary file. The tracked screenshot,
docs/dashboard.png, is overwritten only when asked: `--screenshot` (or `make bench SCREENSHOT=1`),
or `--screenshot PATH` for another file.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.dashboard import measure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--screenshot",
        type=Path,
        nargs="?",
        const=ROOT / "docs" / "dashboard.png",
        default=None,
        help="save the overview's screenshot here (no PATH: refresh docs/dashboard.png); default: a temporary file",
    )
    args = parser.parse_args()
    if args.screenshot is None:
        args.screenshot = Path(tempfile.mkdtemp(prefix="framing-bench-")) / "dashboard.png"
    runs = [measure(args.screenshot) for _ in range(args.repeats)]
    for number, result in enumerate(runs, start=1):
        print(f"run {number}: first chart {result.first_chart_seconds:.2f} s, filter change {result.filter_change_seconds:.2f} s")
        for error in result.console_errors:
            print(f"  {error}")
    first = statistics.median(result.first_chart_seconds for result in runs)
    change = statistics.median(result.filter_change_seconds for result in runs)
    print(f"median of {args.repeats}: server start -> first chart {first:.2f} s; filter change -> chart redrawn {change:.2f} s")
    print(f"screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
