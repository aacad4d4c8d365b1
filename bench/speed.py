"""Speed of the fitted scorer where a user feels it: rerun with `.venv/bin/python bench/speed.py`.

Prints medians over --repeats runs, with the scorer already fitted and stored (run `make model`
first; the first run of this script also warms the store):
1. `framing analyze seeds`, the whole process (interpreter start to exit);
2. the dashboard in headless Chromium: server start -> first charts drawn (the browser test's flow);
3. in the dashboard's script (Streamlit's AppTest, a new session each time, the server side only):
   opening the Accuracy tab for the first time after a server start (the page's caches cleared,
   the stored fits kept), a one-sentence theme edit -> page redrawn (a new sentence each time:
   embedded, its theme refitted; then edits made before, whose fits are stored), and a threshold
   change -> page redrawn;
4. a server's first theme edit (a new process, its sentence never embedded: it needs the model,
   which the page loads in the background once the Themes tab is open), made at once and after
   TYPING seconds. Each of these runs adds its new sentence's vector and fit to FRAMING_HOME.
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

TYPING = 5.0
"""Seconds a user takes to type a sentence into a theme (the first-edit figures are printed with and without them)."""
TARGETS = {
    "analyze": 2.0,
    "first_chart": 8.0,
    "accuracy": 10.0,
    "theme_edit": 3.0,
    "theme_edit_stored": 3.0,
    "first_edit_at_once": 3.0,
    "first_edit_typed": 3.0,
    "threshold": 0.5,
}


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


def time_theme_edit(number: int, typing: float = 0.0) -> float:
    at = app("Themes")
    time.sleep(typing)  # the user typing the sentence
    field = at.text_area(key="edit_terrorism_examples_en")
    field.set_value(f"{field.value}\nArmed cells planned attack number {number} on the railway station.")
    button = at.button(key="save_terrorism")
    return timed(button.click().run)


def time_first_theme_edit(typing: float) -> float:
    """A theme edit in a new process (a server just started): the Themes tab drawn, ``typing`` seconds, then the edit.
    The new sentence's vector is not cached, so it needs the model, which the page loads in the background."""
    number = time.time_ns()  # a sentence never embedded before
    script = f"import speed; print(speed.time_theme_edit({number}, {typing}))"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT / "bench", check=True, capture_output=True, text=True)
    return float(done.stdout.split()[-1])


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
    results["theme_edit"] = [time_theme_edit(time.time_ns()) for _ in range(args.repeats)]  # new sentences: refitted
    for number in range(1, args.repeats + 1):
        time_theme_edit(number)  # these edits' fits are stored now (or were, by an earlier run of this version)
    results["theme_edit_stored"] = [time_theme_edit(number) for number in range(1, args.repeats + 1)]
    results["first_edit_at_once"] = [time_first_theme_edit(0.0) for _ in range(args.repeats)]
    results["first_edit_typed"] = [time_first_theme_edit(TYPING) for _ in range(args.repeats)]
    results["threshold"] = [time_threshold() for _ in range(args.repeats)]
    names = {
        "analyze": "framing analyze seeds (whole process)",
        "first_chart": "dashboard: server start -> first chart (Chromium)",
        "accuracy": "dashboard: Accuracy tab, first open in a session",
        "theme_edit": "dashboard: one-sentence theme edit -> redrawn",
        "theme_edit_stored": "dashboard: the same edit again (its fit stored)",
        "first_edit_at_once": "dashboard: a server's first theme edit, made at once",
        "first_edit_typed": f"dashboard: a server's first theme edit, typed in {TYPING:.0f} s",
        "threshold": "dashboard: threshold change -> redrawn",
    }
    for key, values in results.items():
        median = statistics.median(values)
        verdict = "meets" if median <= TARGETS[key] else "MISSES"
        print(f"{names[key]:55} median {median:6.2f} s  (target {TARGETS[key]} s: {verdict})  runs {[round(v, 2) for v in values]}")


if __name__ == "__main__":
    main()
