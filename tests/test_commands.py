"""One table of commands (pipeline/commands.py) is read by the command line, the help text and
render.sh: a command added to the table is in the help and runs through render.sh, and render.sh
keeps no list of its own."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT

from pipeline.commands import COMMANDS, NOTHING, PLAYER, TESTS, VENV, split_command, usage
from pipeline.options import UsageError

SETUPS = {NOTHING, VENV, TESTS, PLAYER}


def render_sh_cases() -> set[str]:
    """The labels of render.sh's ``case`` on what the check printed."""
    script = (ROOT / "render.sh").read_text(encoding="utf-8")
    body = script[script.index('case "${checked#* }" in'):script.rindex("esac")]
    return set(re.findall(r"^\s*([\w*]+)\)", body, re.MULTILINE)) - {"*"}


def test_render_sh_branches_on_what_a_command_needs_never_on_its_name():
    assert render_sh_cases() == SETUPS
    assert not render_sh_cases() & set(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_of_the_table_is_in_the_help_and_checked_into_a_setup(name):
    assert f"./render.sh {name}" in usage() or name == "render"
    arguments = {"worker": ["tcp://127.0.0.1:8786"], "present": None}.get(name, [])
    if arguments is None:  # present needs decks first; its check says which command makes them
        return
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "check", name, *arguments], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [name, COMMANDS[name].setup]
    assert COMMANDS[name].setup in SETUPS


def test_no_command_means_render_and_an_unknown_one_names_the_table():
    assert split_command(["--quality", "preview"])[0] is COMMANDS["render"]
    with pytest.raises(UsageError, match=", ".join(COMMANDS)):
        split_command(["publish"])
