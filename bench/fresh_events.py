"""The themes on events they had never seen: rerun with `.venv/bin/python bench/fresh_events.py [--write]`.

Runs ``framing evaluate FILE --by event`` on each fresh events set (labelled paragraphs on five events absent from
the training text, by writers who read only docs/labelling.md; README, "Accuracy") and prints macro-F1 with its 95 %
interval per language. ``--write`` keeps the figures in analysis/data/fresh_events.json, which the dashboard's
Accuracy tab quotes (analysis.fresh_events). Each set was measured once when it was written; rerunning recomputes the
same figures while the themes and the model are unchanged (tests/test_fresh_events.py checks that the record does).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import cli  # noqa: E402
from analysis.fresh_events import LANGUAGES, RESULTS_PATH, fresh_record  # noqa: E402

FRESH_SETS = [
    ROOT / "tests" / "data" / name
    for name in ("fresh_events.csv", "fresh_events3.csv", "fresh_events4.csv", "fresh_events5.csv", "fresh_events6.csv")
]
COMMAND = "python bench/fresh_events.py"


def measure(paths: list[Path] = FRESH_SETS) -> dict[str, Any]:
    """The record of every fresh set: ``{"command": ..., "sets": [fresh_record, ...]}``."""
    records = []
    with tempfile.TemporaryDirectory() as folder:
        for path in paths:
            report = Path(folder) / f"{path.stem}.json"
            with contextlib.redirect_stdout(io.StringIO()):
                status = cli.main(["evaluate", str(path), "--by", "event", "--json", str(report)])
            if status:
                raise SystemExit(f"framing evaluate {path.name} failed")
            records.append(fresh_record(path.name, json.loads(report.read_text(encoding="utf-8"))))
    return {"command": COMMAND, "sets": records}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"keep the figures in {RESULTS_PATH.relative_to(ROOT)}")
    args = parser.parse_args()
    data = measure()
    for record in data["sets"]:
        print(f"{record['file']} ({record['paragraphs']} paragraphs; {', '.join(record['events'])})")
        for language in LANGUAGES:
            figure = record[language]
            print(f"  {language:>3}: macro-F1 {figure['macro_f1']:.3f} (95 % interval {figure['low']:.3f}-{figure['high']:.3f})")
    if args.write:
        RESULTS_PATH.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written to {RESULTS_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
