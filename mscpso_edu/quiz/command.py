"""``mscpso-edu progress``: print the learner's per-lesson progress, or reset it."""

from __future__ import annotations

import argparse
import sys

from ..errors import CourseError
from .dashboard import progress_rows, progress_table
from .store import ProgressStore, default_store_path

__all__ = ["register"]


def _command(args: argparse.Namespace) -> int:
    path = default_store_path()
    with ProgressStore(path) as store:
        if not args.reset:
            print(f"Progress kept in {path}")
            print(progress_table(progress_rows(store)))
            return 0
        count = store.count()
        if not args.yes:
            if not sys.stdin.isatty():
                raise CourseError(
                    "refusing to delete progress without confirmation: input is not a terminal; "
                    "run 'mscpso-edu progress --reset --yes' to delete it",
                    path,
                )
            reply = input(f"Delete all {count} recorded attempt(s) in {path}? [y/N] ")
            if reply.strip().lower() not in ("y", "yes"):
                print("Nothing deleted.")
                return 1
        deleted = store.reset()
    print(f"Deleted {deleted} attempt(s).")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``progress`` command to the command line."""
    parser = subparsers.add_parser(
        "progress",
        help="show your quiz progress per lesson (or reset it)",
        description="Print your best quiz score and attempts per lesson, from the progress "
        "database in your data folder (MSCPSO_EDU_HOME overrides where it is).",
    )
    parser.add_argument(
        "--reset", action="store_true", help="delete every recorded attempt (asks first)"
    )
    parser.add_argument("--yes", action="store_true", help="with --reset: delete without asking")
    parser.set_defaults(handler=_command)
