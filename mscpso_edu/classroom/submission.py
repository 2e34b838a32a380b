"""Submissions: one JSON file per student and quiz, built from the learner's progress store.

A submission holds the latest attempt at each question of one quiz, with what the grader needs to
grade it away from the learner's computer:

- ``schema`` and ``schema_version`` (:data:`SCHEMA_VERSION`), ``package_version``;
- ``student`` (the id the instructor knows, e.g. a SIS id) and ``learner`` (this computer's random
  learner id, from which the seeds of computed questions are derived, so the grader draws the same
  numbers the learner saw);
- ``quiz`` (lesson slug), ``bank_sha256`` (the key bank the quiz was answered against; a released
  bank carries its key bank's hash, see :mod:`mscpso_edu.classroom.release`), ``mode``;
- ``created`` and, per answer, ``answered`` (ISO 8601, UTC) and ``attempts``;
- ``checksum``: sha256 over the canonical JSON (sorted keys, no spaces, UTF-8) of everything else.

The checksum detects accidental corruption (a truncated upload, an editor that re-encodes); it is
not a signature, since anyone can recompute it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import CourseError
from ..fileio import atomic_write_text
from ..paths import data_home, quizzes_dir

__all__ = [
    "SCHEMA_NAME",
    "SCHEMA_VERSION",
    "bank_fingerprint",
    "build_submission",
    "canonical_json",
    "checksum_of",
    "register",
    "submission_filename",
    "write_submission",
]

SCHEMA_NAME = "mscpso-edu-submission"
SCHEMA_VERSION = 1
_STUDENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")


def canonical_json(value: Any) -> bytes:
    """Return the canonical JSON bytes of ``value``: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def checksum_of(submission: Mapping[str, Any]) -> str:
    """Return ``"sha256:<hex>"`` over the canonical JSON of ``submission`` without its checksum."""
    rest = {key: value for key, value in submission.items() if key != "checksum"}
    return "sha256:" + hashlib.sha256(canonical_json(rest)).hexdigest()


def bank_fingerprint(path: str | Path) -> str:
    """Return the sha256 of the key bank a bank file stands for.

    A bank file from the repository is its own key: the hash of its bytes. A released bank
    (keys removed or hashed) names the hash of the key bank it was made from, so a student's
    submission and the instructor's key agree on one value.
    """
    data = Path(path).read_bytes()
    from .release import released_key_sha256

    named = released_key_sha256(data)
    return named or hashlib.sha256(data).hexdigest()


def _check_student(student: str) -> str:
    if not _STUDENT_RE.match(student or ""):
        raise CourseError(
            f"student id {student!r} must be 1-128 letters, digits, '.', '_', '@', '+' or '-', "
            "starting with a letter or digit (use the id your instructor gave you)"
        )
    return student


def _iso(timestamp: float) -> str:
    moment = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def build_submission(
    student: str,
    quiz: str,
    *,
    store: Any = None,
    learner: str | None = None,
    bank_file: str | Path | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """Build the submission of ``student`` for ``quiz`` from the progress store.

    Parameters
    ----------
    student
        The student's id as the instructor knows it.
    quiz
        Lesson slug of the quiz (``"00_start_here"``).
    store
        A :class:`~mscpso_edu.quiz.store.ProgressStore`; default the learner's own.
    learner
        Whose attempts to take; default this computer's learner id.
    bank_file
        The bank answered; default ``quizzes_dir()/<quiz>.yaml``.
    now
        Creation time (seconds since the epoch); default now.

    Returns
    -------
    dict
        The submission, checksum included.

    Raises
    ------
    CourseError
        For a bad student id, an unknown quiz, or a quiz with no recorded answers.
    """
    import time

    from ..quiz.bank import load_bank
    from ..quiz.learner import learner_id
    from ..quiz.store import ProgressStore

    _check_student(student)
    path = Path(bank_file) if bank_file is not None else quizzes_dir() / f"{quiz}.yaml"
    bank = load_bank(path)
    who = learner if learner is not None else learner_id()
    own_store = store is None
    store = ProgressStore() if own_store else store
    try:
        attempts = [a for a in store.attempts(bank.lesson) if a.learner == who]
    finally:
        if own_store:
            store.close()
    known = {question.id for question in bank.questions}
    latest: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for attempt in attempts:  # oldest first, so the last one seen is the latest
        if attempt.question in known:
            latest[attempt.question] = attempt
            counts[attempt.question] = counts.get(attempt.question, 0) + 1
    if not latest:
        raise CourseError(
            f"no answers recorded for quiz {quiz!r} on this computer; answer it in its lesson "
            "first (mscpso-edu progress lists what is recorded)"
        )
    order = {question.id: index for index, question in enumerate(bank.questions)}
    answers = [
        {
            "question": qid,
            "response": latest[qid].response,
            "answered": _iso(latest[qid].created),
            "attempts": counts[qid],
        }
        for qid in sorted(latest, key=order.__getitem__)
    ]
    submission: dict[str, Any] = {
        "schema": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "package_version": __version__,
        "student": student,
        "learner": who,
        "quiz": bank.lesson,
        "bank_sha256": bank_fingerprint(path),
        "mode": bank.mode,
        "created": _iso(time.time() if now is None else now),
        "answers": answers,
    }
    submission["checksum"] = checksum_of(submission)
    return submission


def submission_filename(student: str, quiz: str) -> str:
    """Return the conventional file name ``<student>__<quiz>.json``."""
    return f"{_check_student(student)}__{quiz}.json"


def write_submission(submission: Mapping[str, Any], path: str | Path) -> Path:
    """Write ``submission`` atomically as indented JSON; return the path."""
    text = json.dumps(submission, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return atomic_write_text(path, text)


def hand_in(
    submission: Mapping[str, Any],
    *,
    out: str | Path | None = None,
    exchange: str | Path | None = None,
) -> Path:
    """Write ``submission`` where it belongs and return the path.

    ``out`` wins; otherwise the exchange folder (``exchange`` or ``$MSCPSO_EDU_EXCHANGE``, on a
    hub), otherwise ``data_home()/submissions/<student>__<quiz>.json`` for the student to hand in.
    """
    from .exchange import exchange_dir, write_to_exchange

    if out is not None:
        return write_submission(submission, out)
    folder = exchange_dir(exchange)
    if folder is not None:
        return write_to_exchange(submission, folder)
    name = submission_filename(submission["student"], submission["quiz"])
    return write_submission(submission, data_home() / "submissions" / name)


def _quizzes_with_answers(store: Any, learner: str) -> list[str]:
    lessons = sorted({a.lesson for a in store.attempts() if a.learner == learner})
    return [lesson for lesson in lessons if (quizzes_dir() / f"{lesson}.yaml").is_file()]


def _command(args: argparse.Namespace) -> int:
    from ..quiz.learner import learner_id
    from ..quiz.store import ProgressStore

    student = _check_student(args.student)
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
        from .exchange import exchange_dir

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
    """Add the ``submit`` command to the command line."""
    parser = subparsers.add_parser(
        "submit",
        help="write your quiz answers as a submission file to hand in",
        description="Write one JSON submission per quiz from the answers recorded on this "
        "computer (the latest attempt at each question), with a checksum that shows if the file "
        "is damaged on the way. Default folder: <data folder>/submissions/.",
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
    parser.set_defaults(handler=_command)
