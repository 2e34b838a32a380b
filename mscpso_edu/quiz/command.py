"""The learner's commands: ``mscpso-edu progress`` (show or reset it) and ``mscpso-edu submit``.

Only :mod:`argparse` is imported here; each command imports what it needs when it runs, so the
command line starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..errors import CourseError

__all__ = ["register"]


def _progress(args: argparse.Namespace) -> int:
    from .dashboard import progress_rows, progress_table
    from .spaced import ReviewStore
    from .store import ProgressStore, default_store_path

    path = default_store_path()
    with ProgressStore(path) as store:
        if not args.reset:
            print(f"Progress kept in {path}")
            print(progress_table(progress_rows(store)))
            _print_mastery(store)
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
    with ReviewStore() as reviews:
        reviewed = reviews.reset()
    print(f"Deleted {deleted} attempt(s) and {reviewed} review attempt(s).")
    return 0


def _print_mastery(store: Any) -> None:
    """Print which objectives to revisit, and where (``quiz.progress()`` shows the map)."""
    from .mastery import revisit_advice
    from .mastery_map import learner_mastery
    from .spaced import ReviewStore

    with ReviewStore() as reviews:
        results = learner_mastery(store, reviews)
    advice = revisit_advice(results)
    if advice:
        print("\nTo revisit (quiz.progress() in a notebook shows the whole mastery map):")
        for line in advice:
            print(f"  {line}")
    elif any(item.value is not None for item in results):
        print("\nNothing to revisit: every objective you have tried is developing or secure.")


def _quizzes_with_answers(store: Any, learner: str) -> list[str]:
    from ..paths import quizzes_dir

    lessons = sorted({a.lesson for a in store.attempts() if a.learner == learner})
    return [lesson for lesson in lessons if (quizzes_dir() / f"{lesson}.yaml").is_file()]


def _submit(args: argparse.Namespace) -> int:
    from .learner import learner_id
    from .store import ProgressStore
    from .submission import build_submission, check_student, exchange_dir, hand_in

    student = check_student(args.student)
    who = learner_id()
    with ProgressStore() as store:
        quizzes = [args.quiz] if args.quiz else _quizzes_with_answers(store, who)
        if not quizzes:
            raise CourseError("no quiz answers are recorded on this computer yet")
        if args.out and len(quizzes) > 1:
            raise CourseError(
                f"--out names one file but answers are recorded for {len(quizzes)} quizzes; "
                "add --quiz SLUG"
            )
        exchange = None if args.out else exchange_dir(args.exchange)
        for quiz in quizzes:
            submission = build_submission(student, quiz, store=store, learner=who)
            target = hand_in(submission, out=args.out, exchange=exchange)
            print(f"{quiz}: {len(submission['answers'])} answer(s) -> {target}")
    if exchange is None:
        print("Hand in the file(s) above as your instructor asks.")
    else:
        print("Handed in to your instructor's exchange folder; submit again to replace it.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``progress`` and ``submit`` commands to the command line."""
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
    parser.set_defaults(handler=_progress)

    parser = subparsers.add_parser(
        "submit",
        help="write your quiz answers as a submission file to hand in",
        description="Write one JSON submission per quiz from the answers recorded on this "
        "computer (at each question the attempt that counts: the latest, or the best where the "
        "bank says scoring: best), with a checksum that shows if the file is damaged on the way. "
        "Default folder: <data folder>/submissions/.",
    )
    parser.add_argument(
        "--student",
        # On a JupyterHub the hub user name is the id; it also names the owner of the file.
        default=os.environ.get("JUPYTERHUB_USER") or None,
        required=not os.environ.get("JUPYTERHUB_USER"),
        help="your student id, as your instructor knows it (default on a JupyterHub: your "
        "hub user name)",
    )
    parser.add_argument("--quiz", help="lesson slug of one quiz, e.g. 00_start_here (default: all)")
    parser.add_argument("--out", help="file to write (only with one quiz)")
    parser.add_argument(
        "--exchange",
        help="the class exchange folder on a shared server (default: $MSCPSO_EDU_EXCHANGE); "
        "the file goes to <exchange>/<quiz>/<student>.json",
    )
    parser.set_defaults(handler=_submit)
