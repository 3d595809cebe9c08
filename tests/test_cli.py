"""The command line as an analyst meets it: every option says its default, errors are one line."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from relance_analytics.cli import main

COMMANDS = sorted(main.commands)


def options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and p.name != "help"]


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_every_option_states_its_default(name):
    command = main if name is None else main.commands[name]
    with click.Context(command, info_name=name or "relance", show_default=True) as ctx:
        for option in options(command):
            record = option.get_help_record(ctx)
            assert record is not None, f"{name} {option.name}: no help"
            text = record[1]
            off_flag = option.is_bool_flag and option.get_default(ctx) in (None, False)
            assert off_flag or "(par défaut : " in text, f"relance {name} {option.opts}: no default in help {text!r}"
            assert len(text.split("(par défaut")[0].strip()) > 10, f"{name} {option.opts}: help too short"


def test_help_lists_every_command_and_option():
    out = subprocess.run([sys.executable, "-m", "relance_analytics.cli", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert all(name in out for name in COMMANDS) and "--verbose" in out
    for name in COMMANDS:
        out = subprocess.run([sys.executable, "-m", "relance_analytics.cli", name, "--help"],
                             capture_output=True, text=True, check=True).stdout
        assert all(o in out for option in options(main.commands[name]) for o in option.opts), out


def test_error_is_one_line_with_a_hint_and_verbose_shows_the_traceback(tmp_path):
    missing = tmp_path / "rien"
    args = [sys.executable, "-m", "relance_analytics.cli"]
    plain = subprocess.run([*args, "weekly", "--data", str(missing), "--out", str(tmp_path / "r"),
                            "--workspace", str(tmp_path / "ws")], capture_output=True, text=True)
    assert plain.returncode != 0
    lines = plain.stderr.strip().splitlines()
    assert lines[0].startswith("Erreur : ") and str(missing) in plain.stderr, plain.stderr
    assert "Traceback" not in plain.stderr
    verbose = subprocess.run([*args, "--verbose", "weekly", "--data", str(missing), "--out", str(tmp_path / "r"),
                              "--workspace", str(tmp_path / "ws")], capture_output=True, text=True)
    assert verbose.returncode != 0 and "Traceback" in verbose.stderr
