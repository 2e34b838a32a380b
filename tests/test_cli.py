"""The command line: help, version, usage errors and ``check``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mscpso_edu import __version__
from mscpso_edu.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mscpso_edu", *args], capture_output=True, text=True, timeout=120
    )


def test_version_is_printed():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"mscpso-edu {__version__}"


def test_help_lists_every_command():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("lab", "check"):
        assert command in result.stdout


def test_no_command_prints_help(capsys):
    assert main([]) == 0
    assert "mscpso-edu lab" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, expected",
    [
        (["lab", "--port", "abc"], "port must be a whole number"),
        (["lab", "--port", "70000"], "port must be between 1 and 65535"),
        (["no-such-command"], "invalid choice"),
    ],
)
def test_bad_arguments_give_one_clear_line_and_status_2(args, expected):
    result = run_cli(*args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_check_passes_on_the_course():
    result = run_cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout


def test_check_on_a_missing_path_names_it():
    result = run_cli("check", "no/such/lesson.ipynb")
    assert result.returncode == 2
    assert "no/such/lesson.ipynb: no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr
