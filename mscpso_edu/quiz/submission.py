"""Submissions: one JSON file per student and quiz, built from the learner's progress store,
handed in, and read back (validated) by the grader.

A submission holds the attempt that counts at each question of one quiz (the latest, or the best
under a bank's ``scoring: best``), with what the grader needs to
grade it away from the learner's computer:

- ``schema`` and ``schema_version`` (:data:`SCHEMA_VERSION`), ``package_version``;
- ``student`` (the id the instructor knows, e.g. a SIS id) and ``learner`` (this computer's random
  learner id, from which the seeds of computed questions are derived, so the grader draws the same
  numbers the learner saw);
- ``quiz`` (lesson slug), ``bank_sha256`` (the key bank the quiz was answered against; a released
  bank carries its key bank's hash, see :mod:`mscpso_edu.quiz.released`), ``mode``;
- ``created`` and, per answer, ``answered`` (ISO 8601, UTC) and ``attempts``;
- ``checksum``: sha256 over the canonical JSON (sorted keys, no spaces, UTF-8) of everything else.

The checksum detects accidental corruption (a truncated upload, an editor that re-encodes); it is
not a signature, since anyone can recompute it.

This is the learner's side of the format (build, checksum, write, hand in to an exchange folder)
and the one reader of it, :func:`read_submission`, which the grader
(:mod:`mscpso_edu.classroom.grading`) uses: it refuses anything malformed with a
:class:`SubmissionRejected` naming the reason, and never lets another exception escape.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import CourseError
from ..fileio import atomic_write_text
from ..paths import data_home, quizzes_dir
from .bank import load_bank
from .learner import learner_id
from .released import released_key_sha256
from .store import ProgressStore

__all__ = [
    "EXCHANGE_ENV",
    "FILE_MODE",
    "MAX_SUBMISSION_BYTES",
    "SCHEMA_NAME",
    "SCHEMA_VERSION",
    "STUDENT_ID_RE",
    "SubmissionRejected",
    "bank_fingerprint",
    "build_submission",
    "canonical_json",
    "check_student",
    "checksum_of",
    "exchange_dir",
    "exchange_path",
    "hand_in",
    "read_submission",
    "submission_filename",
    "write_submission",
    "write_to_exchange",
]

SCHEMA_NAME = "mscpso-edu-submission"
SCHEMA_VERSION = 1
#: A student id: what the instructor knows the student by (a SIS id, a hub user name).
STUDENT_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")
#: A submission is a few kilobytes; a much larger file is not one.
MAX_SUBMISSION_BYTES = 2 * 1024 * 1024
#: The environment variable naming the class exchange folder on a shared server.
EXCHANGE_ENV = "MSCPSO_EDU_EXCHANGE"
#: A submission in the exchange: the student writes it, the instructors' group reads it.
FILE_MODE = 0o640
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_json(value: Any) -> bytes:
    """Return the canonical JSON bytes of ``value``: sorted keys, no spaces, UTF-8."""
    return _CANONICAL.encode(value).encode("utf-8")


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
    named = released_key_sha256(data)
    return named or hashlib.sha256(data).hexdigest()


def check_student(student: str) -> str:
    """Return ``student`` if it is a valid student id; CourseError saying what one is if not."""
    if not STUDENT_ID_RE.match(student or ""):
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
    check_student(student)
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
    latest: dict[str, Any] = {}  # the attempt that counts, under the bank's scoring policy
    counts: dict[str, int] = {}
    for attempt in attempts:  # oldest first, so the last one seen is the latest
        if attempt.question in known:
            kept = latest.get(attempt.question)
            if bank.scoring != "best" or kept is None or attempt.points >= kept.points:
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
    return f"{check_student(student)}__{quiz}.json"


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
    if out is not None:
        return write_submission(submission, out)
    folder = exchange_dir(exchange)
    if folder is not None:
        return write_to_exchange(submission, folder)
    name = submission_filename(submission["student"], submission["quiz"])
    return write_submission(submission, data_home() / "submissions" / name)


# --- the exchange folder, the student's half (the instructor's is classroom.exchange) ----------


def exchange_dir(explicit: str | Path | None = None) -> Path | None:
    """Return the exchange folder: ``explicit``, else ``$MSCPSO_EDU_EXCHANGE``, else None."""
    chosen = explicit if explicit else os.environ.get(EXCHANGE_ENV)
    return Path(chosen).expanduser() if chosen else None


def exchange_path(exchange: str | Path, quiz: str, student: str) -> Path:
    """Return ``<exchange>/<quiz>/<student>.json``."""
    for label, value in (("quiz", quiz), ("student", student)):
        if not value or "/" in value or value.startswith(".") or "\\" in value:
            raise CourseError(f"{label} {value!r} cannot name a file in the exchange folder")
    return Path(exchange) / quiz / f"{student}.json"


def write_to_exchange(submission: Mapping[str, Any], exchange: str | Path) -> Path:
    """Write ``submission`` atomically to ``<exchange>/<quiz>/<student>.json`` with mode 0640.

    Raises
    ------
    CourseError
        When the exchange folder is missing or the quiz folder cannot be written.
    """
    root = Path(exchange)
    if not root.is_dir():
        raise CourseError(
            "the exchange folder does not exist; ask your instructor (they create it with "
            "mscpso-edu exchange-setup)",
            root,
        )
    target = exchange_path(root, str(submission["quiz"]), str(submission["student"]))
    if not target.parent.is_dir():
        try:
            target.parent.mkdir()
        except FileExistsError:
            pass
        except PermissionError:
            raise CourseError(
                f"the exchange has no folder for quiz {submission['quiz']!r} yet; ask your "
                "instructor to run mscpso-edu exchange-setup",
                target.parent,
            ) from None
    text = json.dumps(submission, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        return atomic_write_text(target, text, mode=FILE_MODE)
    except PermissionError:
        raise CourseError(
            "cannot write your submission here; a file of that name belongs to someone else or "
            "the folder is closed. Tell your instructor",
            target,
        ) from None


# --- reading a submission back (the grader's side of the format) ------------------------------


class SubmissionRejected(Exception):
    """A submission file that cannot be graded: ``kind`` (malformed, tampered) and ``reason``."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def _require(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    if name not in data:
        raise SubmissionRejected("malformed", f"missing field {name!r}")
    value = data[name]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise SubmissionRejected(
            "malformed", f"field {name!r} has the wrong type ({type(value).__name__})"
        )
    return value


#: The largest response: a reflection's text, or a list/mapping of a few dozen options.
MAX_RESPONSE_TEXT = 20_000
MAX_RESPONSE_ITEMS = 200


def _no_constant(name: str) -> Any:
    raise SubmissionRejected("malformed", f"not valid JSON ({name} is not a JSON number)")


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise SubmissionRejected("malformed", f"number {text[:40]!r} is out of range")
    return value


def _check_response(index: int, qid: str, response: Any) -> None:
    """A response is what a quiz widget records: text, a number, a truth value, or a short list
    or mapping of texts."""
    kind = type(response)
    if kind is str:
        if len(response) <= MAX_RESPONSE_TEXT:
            return
        why = f"{len(response)} characters; an answer is far shorter"
    elif response is None or kind is bool or kind is float:
        return
    elif kind is int:
        if abs(response) <= 1e300:
            return
        why = "the number is out of range"
    elif kind is list or kind is dict:
        values = response.values() if kind is dict else response
        if len(response) > MAX_RESPONSE_ITEMS:
            why = f"{len(response)} items; an answer has far fewer"
        elif all(
            type(value) in _SCALARS and (type(value) is not str or len(value) <= MAX_RESPONSE_TEXT)
            for value in values
        ):
            return
        else:
            why = "a list or mapping answer holds short texts, not nested values"
    else:
        why = f"a {kind.__name__} is not an answer"
    raise SubmissionRejected("malformed", f"answer {index} ({qid[:40]!r}): {why}")


_SCALARS = (str, int, float, bool)


def read_submission(path: str | Path) -> dict[str, Any]:
    """Read and check one submission file; return its data.

    Anything that is not a well-formed submission is refused, never raised as another error:
    a file that is not a regular file, too big, not UTF-8, not JSON (including ``NaN``, numbers
    out of range, integers of more than 4300 digits, nesting too deep to parse), holding
    unpaired surrogates, with missing or mistyped fields, or with responses no quiz widget
    records (nested values, numbers beyond 1e300, texts or lists longer than any answer).

    Raises
    ------
    SubmissionRejected
        ``malformed`` (all of the above) or ``tampered`` (the checksum does not match the
        content).
    """
    try:
        # Non-blocking, so a FIFO named like a submission cannot hang the grader; one fstat.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SUBMISSION_BYTES:
            os.close(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise SubmissionRejected("malformed", "not a regular file")
            raise SubmissionRejected(
                "malformed", f"file is {info.st_size} bytes; a submission is far smaller"
            )
        with os.fdopen(descriptor, "rb") as handle:
            raw = handle.read(MAX_SUBMISSION_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise SubmissionRejected("malformed", f"cannot read the file ({reason})") from None
    if len(raw) > MAX_SUBMISSION_BYTES:
        raise SubmissionRejected("malformed", "file is larger than a submission can be")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise SubmissionRejected(
            "malformed", f"not UTF-8 text (byte {error.start + 1} cannot be read)"
        ) from None
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_parse_float)
    except json.JSONDecodeError as error:
        raise SubmissionRejected(
            "malformed", f"not valid JSON (line {error.lineno}: {error.msg})"
        ) from None
    except RecursionError:
        raise SubmissionRejected("malformed", "not valid JSON (nested far too deeply)") from None
    except ValueError:  # Python refuses integers of more than 4300 digits
        raise SubmissionRejected(
            "malformed", "not valid JSON (an integer of more than 4300 digits)"
        ) from None
    if not isinstance(data, dict):
        raise SubmissionRejected("malformed", "not a JSON object")
    if data.get("schema") != SCHEMA_NAME:
        raise SubmissionRejected(
            "malformed", f"not an mscpso-edu submission (schema {SCHEMA_NAME!r})"
        )
    version = _require(data, "schema_version", int)
    if version != SCHEMA_VERSION:
        raise SubmissionRejected(
            "malformed",
            f"submission schema version {version}; this course reads version {SCHEMA_VERSION}",
        )
    student = _require(data, "student", str)
    if not STUDENT_ID_RE.match(student):
        raise SubmissionRejected("malformed", f"student id {student[:40]!r} is not a valid id")
    for name in ("learner", "quiz", "created", "package_version"):
        _require(data, name, str)
    if not _HEX64.match(_require(data, "bank_sha256", str)):
        raise SubmissionRejected("malformed", "field 'bank_sha256' is not a sha256 hex digest")
    answers = _require(data, "answers", list)
    seen: set[str] = set()
    for index, answer in enumerate(answers, 1):
        if type(answer) is not dict:
            raise SubmissionRejected("malformed", f"answer {index} is not an object")
        qid = answer.get("question")
        if type(qid) is not str:
            qid = _require(answer, "question", str)  # says what is wrong with it
        if "response" not in answer:
            raise SubmissionRejected("malformed", f"answer {index} ({qid[:40]!r}) has no response")
        if qid in seen:
            raise SubmissionRejected("malformed", f"question {qid[:40]!r} is answered twice")
        seen.add(qid)
        _check_response(index, qid, answer["response"])
    checksum = _require(data, "checksum", str)
    try:
        expected = checksum_of(data)
    except UnicodeEncodeError:
        raise SubmissionRejected(
            "malformed", "text holds an unpaired surrogate (\\ud800-\\udfff), not Unicode"
        ) from None
    except RecursionError:
        raise SubmissionRejected("malformed", "nested far too deeply") from None
    except ValueError as error:
        raise SubmissionRejected("malformed", f"cannot be checksummed ({error})") from None
    if checksum != expected:
        raise SubmissionRejected(
            "tampered", "checksum mismatch: the file was changed or damaged after it was written"
        )
    return data
