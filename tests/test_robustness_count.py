"""The robustness suite (tests/robustness/) holds at least 60 cases, each a row of a table (issue 9)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

from tests.helpers import ROOT

MINIMUM_CASES = 60
SUITE = ROOT / "tests" / "robustness"


def collected_cases() -> list[str]:
    """Node ids of every test pytest collects in the suite (one per row of a parametrised table)."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", str(SUITE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_the_robustness_suite_holds_at_least_60_cases() -> None:
    cases = collected_cases()
    per_file = Counter(case.split("::")[0].rsplit("/", 1)[-1] for case in cases)
    assert len(cases) >= MINIMUM_CASES, per_file
    assert {"test_inputs.py", "test_faults.py", "test_dashboard.py"} <= set(per_file), per_file
    assert len(set(cases)) == len(cases)
