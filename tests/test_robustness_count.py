"""The robustness suite (tests/robustness/) holds at least 60 cases, each a row of a table (issue 9)."""

from __future__ import annotations

from collections import Counter
from contextlib import chdir, redirect_stdout
from io import StringIO

import pytest

from tests.helpers import ROOT

MINIMUM_CASES = 60
SUITE = ROOT / "tests" / "robustness"


class _Collected:
    """A pytest plugin that keeps the node id of every test collected."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.ids = [item.nodeid for item in session.items]


def collected_cases() -> list[str]:
    """Node ids of every test pytest collects in the suite (one per row of a parametrised table).

    pytest collects here, in this process (its modules are imported once, not again in a new
    interpreter), as ``pytest --collect-only tests/robustness`` would.
    """
    collected = _Collected()
    printed = StringIO()
    with chdir(ROOT), redirect_stdout(printed):
        status = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", str(SUITE)], plugins=[collected])
    assert status == pytest.ExitCode.OK, printed.getvalue()[-2000:]
    return collected.ids


def test_the_robustness_suite_holds_at_least_60_cases() -> None:
    cases = collected_cases()
    per_file = Counter(case.split("::")[0].rsplit("/", 1)[-1] for case in cases)
    assert len(cases) >= MINIMUM_CASES, per_file
    assert {"test_inputs.py", "test_faults.py", "test_dashboard.py"} <= set(per_file), per_file
    assert len(set(cases)) == len(cases)
