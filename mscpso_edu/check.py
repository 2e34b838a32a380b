"""``mscpso-edu check``: validate lessons, question banks and the knowledge base together.

Each part of the course contributes a checker: a function taking the paths the user named (or
none, meaning "everything") and returning a list of :class:`~mscpso_edu.errors.Problem`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import CourseError, Problem

__all__ = ["CHECKERS", "register", "run_checks"]

Checker = Callable[[Sequence[Path]], list[Problem]]

# "module:function" names, imported lazily so `mscpso-edu --help` stays fast.
CHECKERS: tuple[str, ...] = (
    "mscpso_edu.lessons:check_lessons",
    "mscpso_edu.knowledge:check_knowledge",
    "mscpso_edu.knowledge.therapy:check_therapy",
    "mscpso_edu.bank_check:check_banks",
)


def _load(spec: str) -> Checker:
    module_name, func_name = spec.split(":")
    return getattr(importlib.import_module(module_name), func_name)


def run_checks(paths: Sequence[Path] = ()) -> list[Problem]:
    """Run every registered checker over ``paths`` (all course files when empty)."""
    problems: list[Problem] = []
    for spec in CHECKERS:
        try:
            problems.extend(_load(spec)(paths))
        except CourseError as error:
            problems.append(error.as_problem())
    return problems


def _command(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not path.exists():
            raise CourseError("no such file or folder", path)
    problems = run_checks(args.paths)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 2
    print("All checks passed.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``check`` command to the command line."""
    parser = subparsers.add_parser(
        "check",
        help="validate lessons, question banks and the knowledge base",
        description="Validate lessons, question banks and the knowledge base. Every problem is "
        "printed as path:line: message; the exit status is 0 when clean and 2 otherwise.",
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, help="files or folders to check (default: the whole course)"
    )
    parser.set_defaults(handler=_command)
