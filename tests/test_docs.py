"""Docs that cannot drift: README's command-line block and DESIGN.md's module list follow the code."""

from __future__ import annotations

import argparse
import re

import pytest

from analysis import cli
from tests.helpers import ROOT


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser()
    [commands] = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return dict(commands.choices)


def _usage_block() -> list[str]:
    """The lines of the first ``sh`` block of README's 'The command line' section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The command line", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "README's command-line section has no sh block"
    return block.group(1).splitlines()


def _usage_line(command: str) -> str:
    lines = [line for line in _usage_block() if line.split()[:2] == ["framing", command]]
    assert len(lines) == 1, f"README's command-line block should have one line for `framing {command}`, not {len(lines)}"
    return lines[0]


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_readme_usage_lists_every_option_of_each_subcommand(command: str) -> None:
    parser = _subcommands()[command]
    line = _usage_line(command)
    options = {
        option
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction)
        for option in action.option_strings
        if option.startswith("--")
    }
    assert set(re.findall(r"--[a-z][a-z-]*", line)) == options, f"README: {line!r}; framing {command} --help has {sorted(options)}"
    for action in parser._actions:
        if action.choices and action.option_strings:
            assert "|".join(action.choices) in line, (
                f"README should show the choices of {action.option_strings[0]}: {'|'.join(action.choices)}"
            )
    positionals = [action for action in parser._actions if not action.option_strings]
    assert len(line.split()) - 2 >= len(positionals)


def test_readme_usage_has_a_line_per_subcommand_and_the_version() -> None:
    commands = {line.split()[1] for line in _usage_block() if line.startswith("framing ") and not line.startswith("framing --")}
    assert commands == set(_subcommands())
    assert "framing --version" in _usage_block()


def test_design_lists_every_module_of_the_package() -> None:
    design = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    shape = design.split("## The shape", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^  (\w+\.py)\b", shape, re.M))
    modules = {path.name for path in (ROOT / "analysis").glob("*.py")}
    assert modules - listed == set(), "modules missing from DESIGN.md's 'The shape'"
    assert listed - modules == set(), "DESIGN.md lists modules that do not exist"
