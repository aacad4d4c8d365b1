"""Speed of the fitted scorer where a user feels it: rerun with `.venv/bin/python bench/speed.py`.

Prints medians over --repeats runs, with the scorer already fitted and stored (run `make model`
first; the first run of this script also warms the store):
1. `framing analyze seeds`, the whole process (interpreter start to exit);
2. the dashboard in headless Chromium: server start -> first charts drawn (the browser test's flow);
3. in the dashboard's script (Streamlit's AppTest, a new session each time, the server side only):
   opening the Accuracy tab for the first time after a server start (the page's caches cleared,
   the stored fits kept), a one-sentence theme edit -> page redrawn, and a threshold change ->
   page redrawn.
The screenshot of the Chromium run goes to a temporary file (docs/dashboard.png is refreshed only
by `bench/bench_dashboard.py --screenshot`, i.e. `make bench SCREENSHOT=1`).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.e2e.dashboard import measure  # noqa: E402

TARGETS = {"analyze": 2.0, "first_chart": 8.0, "accuracy": 10.0, "theme_edit": 3.0, "threshold": 0.5}


def time_analyze(out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "framing"), "analyze", str(ROOT / "seeds"), "--out", str(out)], check=True, capture_output=True
    )
    return time.perf_counter() - started


def app(view: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    if view:
        at.session_state["view"] = view
        at.run()
    assert not at.exception, [element.value for element in at.exception]
    return at


def timed(action) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def time_accuracy() -> float:
    streamlit.cache_data.clear()  # as after a server start: the labelled paragraphs' scores are not cached yet
    at = app()
    at.session_state["view"] = "Accuracy"
    return timed(at.run)


def time_theme_edit(number: int) -> float:
    at = app("Themes")
    field = at.text_area(key="edit_terrorism_examples_en")
    field.set_value(f"{field.value}\nArmed cells planned attack number {number} on the railway station.")
    button = at.button(key="save_terrorism")
    return timed(button.click().run)


def time_threshold() -> float:
    at = app()
    slider = at.slider(key="threshold_limited_mission")
    slider.set_value(round(slider.value + 0.1, 2))
    return timed(at.run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        time_analyze(Path(scratch) / "warm")
        results = {
            "analyze": [time_analyze(Path(scratch) / f"run{n}") for n in range(args.repeats)],
            "first_chart": [measure(Path(scratch) / f"shot{n}.png").first_chart_seconds for n in range(min(args.repeats, 3))],
        }
    app("Accuracy")  # the stored fits exist (as after framing prepare); the page's own caches are cleared per run
    results["accuracy"] = [time_accuracy() for _ in range(args.repeats)]
    time_theme_edit(0)
    results["theme_edit"] = [time_theme_edit(n) for n in range(1, args.repeats + 1)]
    results["threshold"] = [time_threshold() for _ in range(args.repeats)]
    names = {
        "analyze": "framing analyze seeds (whole process)",
        "first_chart": "dashboard: server start -> first chart (Chromium)",
        "accuracy": "dashboard: Accuracy tab, first open in a session",
        "theme_edit": "dashboard: one-sentence theme edit -> redrawn",
        "threshold": "dashboard: threshold change -> redrawn",
    }
    for key, values in results.items():
        median = statistics.median(values)
        verdict = "meets" if median <= TARGETS[key] else "MISSES"
        print(f"{names[key]:55} median {median:6.2f} s  (target {TARGETS[key]} s: {verdict})  runs {[round(v, 2) for v in values]}")


if __name__ == "__main__":
    main()
