"""The instructor's commands: ``grade``, ``release``, ``export``, ``collect`` and
``exchange-setup``.

Only :mod:`argparse` and the error type are imported here; each command imports what it needs
when it runs, so ``mscpso-edu --help`` does not pay for numpy, YAML or the report's figures.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import CourseError

__all__ = ["register"]

# The same values as quiz.submission.EXCHANGE_ENV and export.FORMATS (a test checks), kept here
# so that building the parser imports neither.
EXCHANGE_ENV = "MSCPSO_EDU_EXCHANGE"
EXPORT_FORMATS = ("gift", "moodle", "qti")


# --- grade -------------------------------------------------------------------------------------


def _grade_outputs(
    args: argparse.Namespace, roster: Any
) -> list[tuple[Path, Callable[[Any], str], str]]:
    from .analysis import report_html
    from .gradebook import canvas_csv, grades_csv, long_csv
    from .marks import marking_sheet_csv
    from .mastery import mastery_csv

    wanted = [
        (args.out, grades_csv, "write"),
        (args.long, long_csv, "write"),
        (args.canvas, partial(canvas_csv, roster=roster), "write"),
        (args.report, report_html, "report"),
        (args.mastery, mastery_csv, "write"),
        (args.marking_sheet, marking_sheet_csv, "write"),
    ]
    outputs = [(Path(path), writer, step) for path, writer, step in wanted if path]
    if not outputs:
        raise CourseError(
            "name at least one output: --out, --long, --canvas, --report, "
            "--mastery or --marking-sheet"
        )
    names = [path.resolve() for path, _, _ in outputs]
    if len(set(names)) != len(names):
        raise CourseError("two outputs name the same file; give each its own path")
    if not args.force:
        for path, _, _ in outputs:
            if path.exists():
                raise CourseError(
                    "output file already exists; choose another name or add --force to "
                    "overwrite it",
                    path,
                )
    return outputs


def _grade(args: argparse.Namespace) -> int:
    import gc

    # A class of 500 makes about a million small objects and no reference cycles worth finding:
    # the cycle collector would rescan them again and again (10-20 % of the run).
    gc.disable()
    try:
        return _grade_class(args)
    finally:
        gc.enable()


def _grade_class(args: argparse.Namespace) -> int:
    import time

    from ..fileio import atomic_write_text
    from .gradebook import read_roster
    from .grading import grade_submissions, submission_files
    from .marks import apply_marks, awaiting_marking, read_marks

    started = time.perf_counter()
    roster = read_roster(args.roster) if args.roster else None
    outputs = _grade_outputs(args, roster)
    marks = read_marks(args.marks) if args.marks else None
    if args.marks and any(Path(args.marks).resolve() == path.resolve() for path, _, _ in outputs):
        raise CourseError("the marks file is also named as an output; give the output its own path")
    inputs = [Path(p) for p in args.submissions]
    for path in inputs:
        if not path.exists():
            raise CourseError("no such submission file or folder", path)
    files = submission_files(inputs)
    if not files:
        raise CourseError("no submission files (*.json) to grade in the folder(s) given")
    run = grade_submissions(inputs, args.key, show_progress=True)
    marked = apply_marks(run, marks, args.marks) if marks is not None else 0
    timings = dict(run.timings)
    for path, writer, step in outputs:
        before = time.perf_counter()
        atomic_write_text(path, writer(run))
        timings[step] = timings.get(step, 0.0) + time.perf_counter() - before
    if roster is not None:
        unlisted = sorted(set(run.students) - set(roster))
        if unlisted:
            print(f"Not in the roster (ids used as names): {', '.join(unlisted)}", file=sys.stderr)
    formative = [quiz for quiz in run.quizzes if run.key.bank(quiz).formative]
    print(
        f"Graded {len(run.graded)} submission(s) from {len(run.students)} student(s) in "
        f"{len(run.quizzes)} quiz(zes); skipped {len(run.skipped)}."
    )
    if formative:
        print(f"Formative (practice) quizzes: {', '.join(formative)}")
    if marks is not None:
        print(f"Merged {marked} hand mark(s) from {args.marks}.")
    awaiting = awaiting_marking(run)
    if awaiting:
        print(
            f"{len(awaiting)} written answer(s) await your marks (0 points until marked; "
            "listed in the outputs): write them out with --marking-sheet, give them back with "
            "--marks."
        )
    for path, _, _ in outputs:
        print(f"  wrote {path}")
    if args.timings:
        timings["total"] = time.perf_counter() - started
        steps = ("load", "grade", "write", "report", "total")
        print("timings: " + ", ".join(f"{k} {timings.get(k, 0.0):.2f} s" for k in steps))
    if run.skipped:
        print(f"Skipped {len(run.skipped)} file(s), not graded:", file=sys.stderr)
        for skip in run.skipped:
            print(f"  {skip.path}: {skip.kind}: {skip.reason}", file=sys.stderr)
        return 1
    return 0


# --- release -----------------------------------------------------------------------------------


def _release(args: argparse.Namespace) -> int:
    from .release import make_release

    counts = make_release(args.out, exam=args.exam)
    print(
        f"Wrote the student copy to {args.out}: {counts['lessons']} lesson(s) "
        f"({counts['solutions']} solution cell(s) removed), {counts['banks']} bank(s) "
        f"({counts['exam']} exam question(s) without keys, {counts['practice']} practice "
        "question(s) with hashed keys)."
    )
    return 0


# --- export ------------------------------------------------------------------------------------


def _export(args: argparse.Namespace) -> int:
    from ..fileio import atomic_write_bytes, atomic_write_text
    from ..paths import quizzes_dir
    from ..quiz.bank import load_bank
    from .export import FORMATS, export_bank

    if args.quiz:
        banks = [load_bank(args.quiz)]
    else:
        banks = [load_bank(path) for path in sorted(quizzes_dir().glob("*.yaml"))]
    out = Path(args.out)
    targets = (
        [(banks[0], out)]
        if args.quiz
        else [(bank, out / f"{bank.lesson}{FORMATS[args.format]}") for bank in banks]
    )
    if not args.force:
        for _, target in targets:
            if target.exists():
                raise CourseError("output already exists; add --force to overwrite it", target)

    def warn(message: str) -> None:
        print(f"warning: {message}", file=sys.stderr)

    for bank, target in targets:
        data = export_bank(bank, args.format, warn)
        if args.format == "qti":
            atomic_write_bytes(target, data)
        else:
            atomic_write_text(target, data.decode("utf-8"))
        print(f"{bank.lesson}: {len(bank)} question(s) -> {target}")
    return 0


# --- collect and exchange-setup ---------------------------------------------------------------


def _collect(args: argparse.Namespace) -> int:
    from ..quiz.submission import exchange_dir
    from .exchange import collect

    exchange = exchange_dir(args.exchange)
    if exchange is None:
        raise CourseError(f"name the exchange folder with --exchange DIR or ${EXCHANGE_ENV}")
    result = collect(exchange, args.out, check_owner=args.check_owner, force=args.force)
    for path, reason in result.skipped:
        print(f"skipped {path}: {reason}")
    print(f"Collected {len(result.copied)} submission(s) into {args.out}")
    if result.copied:
        print(f"Next: mscpso-edu grade {args.out}/*.json --out grades.csv")
    return 1 if result.skipped else 0


def _exchange_setup(args: argparse.Namespace) -> int:
    from ..paths import quizzes_dir
    from ..quiz.submission import exchange_dir
    from .exchange import setup_exchange

    exchange = exchange_dir(args.exchange)
    if exchange is None:
        raise CourseError(f"name the exchange folder with --exchange DIR or ${EXCHANGE_ENV}")
    quizzes = args.quiz or sorted(path.stem for path in quizzes_dir().glob("*.yaml"))
    folders = setup_exchange(exchange, quizzes, group=args.group)
    print(f"Exchange ready at {exchange}: {len(folders)} quiz folder(s), mode 3773")
    if args.group is None:
        print("No --group given: only the folder's owner (and root) can read submissions.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the instructor's commands to the command line."""
    parser = subparsers.add_parser(
        "grade",
        help="grade students' submissions and write gradebooks and an item-analysis report",
        description="Grade submission files (or folders of them) with the full answer key. "
        "Malformed, duplicate, tampered and wrong-bank submissions are listed with the reason "
        "and skipped; the exit status is 1 if any were skipped. Written answers worth points "
        "await your marks (--marking-sheet, --marks). Existing outputs are never "
        "overwritten without --force.",
    )
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION", help="files or folders")
    parser.add_argument(
        "--key", default=None, help="folder of answer-key banks (default: the course's quizzes/)"
    )
    parser.add_argument("--out", help="grades CSV: a row per student")
    parser.add_argument("--long", help="long CSV: a row per student, quiz and question")
    parser.add_argument("--canvas", help="Canvas gradebook CSV to import")
    parser.add_argument(
        "--roster",
        help="class list CSV (student,name[,canvas_id,sis_user_id,sis_login_id,section]) that "
        "fills names and ids in the Canvas CSV",
    )
    parser.add_argument("--report", help="HTML report with class mastery and item analysis")
    parser.add_argument(
        "--mastery", help="per-objective CSV: class mastery of each learning objective"
    )
    parser.add_argument(
        "--marks",
        help="hand marks CSV (student,lesson,question,points[,comment]) for written answers "
        "worth points; a filled-in marking sheet is one",
    )
    parser.add_argument(
        "--marking-sheet",
        help="write a CSV of every written answer to be marked by hand, with its rubric",
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing outputs")
    parser.add_argument(
        "--timings", action="store_true", help="print how long loading, grading and writing took"
    )
    parser.set_defaults(handler=_grade)

    parser = subparsers.add_parser(
        "release",
        help="write the student copy of the course (no solutions, no exam keys)",
        description="Write a student copy: lessons without solution cells, exam questions "
        "without answer keys, practice keys replaced by salted hashes (a deterrent only).",
    )
    parser.add_argument("out", help="new (or empty) folder for the student copy")
    parser.add_argument(
        "--exam",
        action="store_true",
        help="release every bank in exam mode (no keys, no feedback), whatever the banks say: "
        "use it for a graded release",
    )
    parser.set_defaults(handler=_release)

    parser = subparsers.add_parser(
        "export",
        help="export question banks for an LMS (QTI 1.2 for Canvas, Moodle XML, GIFT)",
        description="Export banks with their answer keys for an LMS. With --quiz, OUT is the "
        "file; without, OUT is a folder receiving one file per bank.",
    )
    parser.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    parser.add_argument("--quiz", help="lesson slug or bank file (default: every bank)")
    parser.add_argument("--out", required=True, help="output file (with --quiz) or folder")
    parser.add_argument("--force", action="store_true", help="overwrite existing outputs")
    parser.set_defaults(handler=_export)

    parser = subparsers.add_parser(
        "collect",
        help="gather students' submissions from the exchange folder for grading",
        description="Copy every submission under the exchange folder into one folder for "
        "mscpso-edu grade. Exit status 1 if any file was skipped.",
    )
    parser.add_argument("--exchange", help=f"the exchange folder (default: ${EXCHANGE_ENV})")
    parser.add_argument("--out", required=True, help="folder to copy the submissions into")
    parser.add_argument(
        "--check-owner",
        action="store_true",
        help="skip files whose owner is not the student they name (hubs with real users)",
    )
    parser.add_argument("--force", action="store_true", help="replace files already collected")
    parser.set_defaults(handler=_collect)

    setup = subparsers.add_parser(
        "exchange-setup",
        help="create the exchange folder with permissions that keep students apart",
        description="Create <exchange>/ (0755) and one folder per quiz (3773: students can "
        "drop files but not list, read or replace others'), group-owned by the instructors.",
    )
    setup.add_argument("--exchange", help=f"the exchange folder (default: ${EXCHANGE_ENV})")
    setup.add_argument("--group", help="the instructors' group, which may read submissions")
    setup.add_argument(
        "--quiz", action="append", help="quiz slug (repeatable; default: every bank)"
    )
    setup.set_defaults(handler=_exchange_setup)
