"""Batch grading: check every submission, grade it with the full key, write gradebooks.

:func:`grade_submissions` reads submission files (see :mod:`mscpso_edu.classroom.submission`),
skips the ones that cannot be trusted, each with a reason, and grades the rest:

- **malformed**: unreadable, not JSON, missing or mistyped fields, unknown questions;
- **tampered**: the checksum does not match the content (changed or damaged after writing);
- **wrong bank**: no bank for the quiz in the key, or the bank hash differs from the key's (the
  student answered another version of the quiz);
- **duplicate**: another submission for the same student and quiz; the newest (by ``created``,
  then file name) is graded and the others are listed.

Computed questions are graded against the numbers drawn from the learner id the submission
carries, exactly as the learner's widget drew them.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CourseError
from ..fileio import atomic_write_text
from ..paths import quizzes_dir
from ..quiz import questions as q
from .progressbar import progress
from .submission import SCHEMA_NAME, SCHEMA_VERSION, checksum_of

__all__ = [
    "CANVAS_FIXED_COLUMNS",
    "MAX_SUBMISSION_BYTES",
    "GradeRun",
    "GradedAnswer",
    "GradedSubmission",
    "KeyBanks",
    "RosterEntry",
    "Skipped",
    "canvas_csv",
    "grade_submissions",
    "grades_csv",
    "long_csv",
    "read_roster",
    "register",
]

#: A submission is a few kilobytes; a much larger file is not one.
MAX_SUBMISSION_BYTES = 2 * 1024 * 1024
#: The columns before the assignments in a Canvas gradebook CSV.
CANVAS_FIXED_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_STUDENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")


@dataclass(frozen=True)
class Skipped:
    """A submission that was not graded, and why (``kind`` is malformed/tampered/...)."""

    path: Path
    kind: str
    reason: str


@dataclass(frozen=True)
class GradedAnswer:
    """One question of one graded submission (``response`` is None when unanswered)."""

    question: str
    response: Any
    points: float
    max_points: float
    correct: bool
    answered: bool
    note: str = ""


@dataclass
class GradedSubmission:
    """A graded submission: who, which quiz, points, and each question's result."""

    path: Path
    student: str
    learner: str
    quiz: str
    created: str
    answers: list[GradedAnswer]

    @property
    def points(self) -> float:
        """Points earned in the quiz."""
        return sum(answer.points for answer in self.answers)

    @property
    def max_points(self) -> float:
        """Points the quiz is worth."""
        return sum(answer.max_points for answer in self.answers)


@dataclass
class GradeRun:
    """Everything a grading run produced."""

    graded: list[GradedSubmission]
    skipped: list[Skipped]
    key: KeyBanks

    @property
    def quizzes(self) -> list[str]:
        """Slugs of the quizzes with at least one graded submission, sorted."""
        return sorted({sub.quiz for sub in self.graded})

    @property
    def students(self) -> list[str]:
        """Student ids with at least one graded submission, sorted."""
        return sorted({sub.student for sub in self.graded})


@dataclass
class KeyBanks:
    """The answer-key banks in a folder, hashed at once and loaded when first needed."""

    folder: Path
    hashes: dict[str, str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    _banks: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_folder(cls, folder: str | Path) -> KeyBanks:
        """Index the ``*.yaml`` banks of ``folder`` by lesson slug (the file stem)."""
        folder = Path(folder)
        if not folder.is_dir():
            raise CourseError("the answer-key folder does not exist", folder)
        key = cls(folder)
        for path in sorted(folder.glob("*.y*ml")):
            data = path.read_bytes()
            key.hashes[path.stem] = hashlib.sha256(data).hexdigest()
            key.files[path.stem] = path
        if not key.files:
            raise CourseError("no question banks (*.yaml) in the answer-key folder", folder)
        return key

    def bank(self, quiz: str) -> Any:
        """Return the loaded bank of ``quiz``; CourseError if it is not a full answer key."""
        if quiz not in self._banks:
            from ..quiz.bank import load_bank
            from .release import released_key_sha256

            path = self.files[quiz]
            if released_key_sha256(path.read_bytes()):
                raise CourseError(
                    "this is a released (student) bank without its answer key; grade with the "
                    "course's own quizzes/ folder",
                    path,
                )
            self._banks[quiz] = load_bank(path)
        return self._banks[quiz]


class _Reject(Exception):
    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def _require(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    if name not in data:
        raise _Reject("malformed", f"missing field {name!r}")
    value = data[name]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
        raise _Reject("malformed", f"field {name!r} has the wrong type ({type(value).__name__})")
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _read(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_SUBMISSION_BYTES:
            raise _Reject("malformed", f"file is {size} bytes; a submission is far smaller")
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise _Reject("malformed", f"cannot read the file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise _Reject("malformed", "not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _Reject("malformed", f"not valid JSON (line {error.lineno}: {error.msg})") from None
    if not isinstance(data, dict):
        raise _Reject("malformed", "not a JSON object")
    if data.get("schema") != SCHEMA_NAME:
        raise _Reject("malformed", f"not an mscpso-edu submission (schema {SCHEMA_NAME!r})")
    version = _require(data, "schema_version", int)
    if version != SCHEMA_VERSION:
        raise _Reject(
            "malformed",
            f"submission schema version {version}; this course reads version {SCHEMA_VERSION}",
        )
    student = _require(data, "student", str)
    if not _STUDENT_RE.match(student):
        raise _Reject("malformed", f"student id {student!r} is not a valid id")
    for name in ("learner", "quiz", "created", "package_version"):
        _require(data, name, str)
    if not _HEX64.match(_require(data, "bank_sha256", str)):
        raise _Reject("malformed", "field 'bank_sha256' is not a sha256 hex digest")
    answers = _require(data, "answers", list)
    seen: set[str] = set()
    for index, answer in enumerate(answers, 1):
        if not isinstance(answer, dict):
            raise _Reject("malformed", f"answer {index} is not an object")
        qid = _require(answer, "question", str)
        if "response" not in answer:
            raise _Reject("malformed", f"answer {index} ({qid!r}) has no response")
        if qid in seen:
            raise _Reject("malformed", f"question {qid!r} is answered twice")
        seen.add(qid)
    checksum = _require(data, "checksum", str)
    if checksum != checksum_of(data):
        raise _Reject(
            "tampered", "checksum mismatch: the file was changed or damaged after it was written"
        )
    return data


def _grade_one(path: Path, data: Mapping[str, Any], key: KeyBanks) -> GradedSubmission:
    quiz = data["quiz"]
    if quiz not in key.hashes:
        raise _Reject("wrong bank", f"quiz {quiz!r} has no bank in the answer key {key.folder}")
    if data["bank_sha256"] != key.hashes[quiz]:
        raise _Reject(
            "wrong bank",
            f"answered against another version of bank {quiz!r} (sha256 "
            f"{data['bank_sha256'][:12]}..., key {key.hashes[quiz][:12]}...)",
        )
    bank = key.bank(quiz)
    by_id = {question.id: question for question in bank.questions}
    responses = {answer["question"]: answer["response"] for answer in data["answers"]}
    unknown = sorted(set(responses) - set(by_id))
    if unknown:
        raise _Reject("malformed", f"answers question(s) not in bank {quiz!r}: {unknown}")
    from ..quiz.learner import learner_seed

    graded = []
    for question in bank.questions:
        if isinstance(question, q.ComputedQuestion):
            seed = learner_seed(quiz, question.id, identity=data["learner"])
            question = question.for_seed(seed)
        if question.id not in responses:
            graded.append(GradedAnswer(question.id, None, 0.0, question.points, False, False))
            continue
        response = responses[question.id]
        try:
            result = question.grade(response)
        except q.ResponseError as error:
            graded.append(
                GradedAnswer(
                    question.id, response, 0.0, question.points, False, True, error.message
                )
            )
            continue
        graded.append(
            GradedAnswer(
                question.id, response, result.points, result.max_points, result.correct, True
            )
        )
    return GradedSubmission(path, data["student"], data["learner"], quiz, data["created"], graded)


def grade_submissions(
    paths: Iterable[str | Path],
    key: KeyBanks | str | Path | None = None,
    *,
    show_progress: bool = False,
) -> GradeRun:
    """Grade submission files with the full answer key.

    Parameters
    ----------
    paths
        Submission files, or folders of ``*.json`` submissions.
    key
        The answer-key banks (a folder or :class:`KeyBanks`); default the course's ``quizzes/``.
    show_progress
        Draw a progress bar on stderr when it is a terminal.

    Returns
    -------
    GradeRun
        Graded submissions (in student, quiz order) and skipped ones with reasons.
    """
    if not isinstance(key, KeyBanks):
        key = KeyBanks.from_folder(key if key is not None else quizzes_dir())
    files: list[Path] = []
    for given in map(Path, paths):
        files.extend(sorted(given.glob("*.json")) if given.is_dir() else [given])
    skipped: list[Skipped] = []
    accepted: dict[tuple[str, str], list[tuple[str, Path, GradedSubmission]]] = {}
    items: Iterable[Path] = progress(files, len(files), "Grading") if show_progress else files
    for path in items:
        try:
            data = _read(path)
            graded = _grade_one(path, data, key)
        except _Reject as reject:
            skipped.append(Skipped(path, reject.kind, reject.reason))
            continue
        accepted.setdefault((graded.student, graded.quiz), []).append(
            (graded.created, path, graded)
        )
    final: list[GradedSubmission] = []
    for (student, quiz), candidates in sorted(accepted.items()):
        # The newest wins; between equal times, the last file name, so the choice is stable.
        candidates.sort(key=lambda item: (item[0], str(item[1])))
        kept = candidates[-1][2]
        final.append(kept)
        for _, path, _graded in candidates[:-1]:
            skipped.append(
                Skipped(
                    path,
                    "duplicate",
                    f"another submission for student {student!r} and quiz {quiz!r}; graded the "
                    f"newer {kept.path.name}",
                )
            )
    skipped.sort(key=lambda s: str(s.path))
    return GradeRun(final, skipped, key)


def _number(value: float) -> str:
    return f"{value:.4g}" if value != int(value) else str(int(value))


def _csv_text(rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue()


def _table(run: GradeRun) -> dict[str, dict[str, GradedSubmission]]:
    table: dict[str, dict[str, GradedSubmission]] = {}
    for sub in run.graded:
        table.setdefault(sub.student, {})[sub.quiz] = sub
    return table


def grades_csv(run: GradeRun) -> str:
    """Return ``grades.csv``: ``student``, one column of points per quiz, ``total``.

    A quiz the student did not hand in is left empty (and counts 0 in the total).
    """
    quizzes = run.quizzes
    rows: list[list[Any]] = [["student", *quizzes, "total"]]
    for student, subs in sorted(_table(run).items()):
        cells = [_number(subs[quiz].points) if quiz in subs else "" for quiz in quizzes]
        total = sum(sub.points for sub in subs.values())
        rows.append([student, *cells, _number(total)])
    return _csv_text(rows)


def long_csv(run: GradeRun) -> str:
    """Return the long CSV: one row per student, quiz and question.

    Columns: ``student, quiz, question, response, points, max_points, correct``. ``response`` is
    the learner's answer as JSON (empty when unanswered).
    """
    rows: list[list[Any]] = [
        ["student", "quiz", "question", "response", "points", "max_points", "correct"]
    ]
    for sub in sorted(run.graded, key=lambda s: (s.student, s.quiz)):
        for answer in sub.answers:
            response = (
                json.dumps(answer.response, ensure_ascii=False, sort_keys=True)
                if answer.answered
                else ""
            )
            rows.append(
                [
                    sub.student,
                    sub.quiz,
                    answer.question,
                    response,
                    _number(answer.points),
                    _number(answer.max_points),
                    int(answer.correct),
                ]
            )
    return _csv_text(rows)


@dataclass(frozen=True)
class RosterEntry:
    """One student of the class list: the id they submit under and their gradebook columns."""

    student: str
    name: str
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""


#: Columns a roster CSV may have; ``student`` and ``name`` are required.
ROSTER_COLUMNS = ("student", "name", "canvas_id", "sis_user_id", "sis_login_id", "section")


def read_roster(path: str | Path) -> dict[str, RosterEntry]:
    """Read a class list CSV (columns :data:`ROSTER_COLUMNS`; ``student`` and ``name`` required).

    ``student`` is the id students submit under. Empty SIS ids default to it. Errors name the
    file and the line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CourseError("no such roster file", path) from None
    except UnicodeDecodeError:
        raise CourseError("the roster is not UTF-8 text; save it as UTF-8 CSV", path) from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [name for name in ("student", "name") if name not in header]
    if missing:
        raise CourseError(f"the roster needs the column(s) {', '.join(missing)}", path, 1)
    unknown = [name for name in header if name not in ROSTER_COLUMNS]
    if unknown:
        raise CourseError(
            f"unknown roster column(s) {', '.join(unknown)}; use {', '.join(ROSTER_COLUMNS)}",
            path,
            1,
        )
    roster: dict[str, RosterEntry] = {}
    for row in reader:
        line = reader.line_num
        student = (row.get("student") or "").strip()
        name = (row.get("name") or "").strip()
        if not student or not name:
            raise CourseError("every row needs a student id and a name", path, line)
        if student in roster:
            raise CourseError(f"student {student!r} is listed twice", path, line)
        fields = {key: (row.get(key) or "").strip() for key in ROSTER_COLUMNS[2:]}
        fields["sis_user_id"] = fields["sis_user_id"] or student
        fields["sis_login_id"] = fields["sis_login_id"] or student
        roster[student] = RosterEntry(student, name, **fields)
    return roster


def canvas_csv(run: GradeRun, roster: Mapping[str, RosterEntry] | None = None) -> str:
    """Return a gradebook CSV Canvas imports (*Grades > Import*).

    The fixed columns are those of a Canvas gradebook export. With a ``roster`` (see
    :func:`read_roster`) every listed student gets a row with their name and ids, including those
    who submitted nothing; without one the student id fills *Student*, *SIS User ID* and *SIS
    Login ID* (Canvas matches on the SIS ids). Each quiz is one assignment column named by its bank
    title; the second row gives *Points Possible*, as in Canvas's own exports.
    """
    quizzes = run.quizzes
    titles = [run.key.bank(quiz).title for quiz in quizzes]
    possible = [_number(run.key.bank(quiz).max_points) for quiz in quizzes]
    rows: list[list[Any]] = [
        [*CANVAS_FIXED_COLUMNS, *titles],
        ["    Points Possible", "", "", "", "", *possible],
    ]
    table = _table(run)
    roster = dict(roster or {})
    for student in sorted(set(table) | set(roster)):
        entry = roster.get(student) or RosterEntry(student, student, "", student, student)
        subs = table.get(student, {})
        cells = [_number(subs[quiz].points) if quiz in subs else "" for quiz in quizzes]
        ids = [entry.canvas_id, entry.sis_user_id, entry.sis_login_id, entry.section]
        rows.append([entry.name, *ids, *cells])
    return _csv_text(rows)


def _outputs(args: argparse.Namespace) -> list[tuple[Path, Callable[[GradeRun], str]]]:
    from .analysis import report_html

    wanted = [
        (args.out, grades_csv),
        (args.long, long_csv),
        (args.canvas, canvas_csv),
        (args.report, report_html),
    ]
    outputs = [(Path(path), writer) for path, writer in wanted if path]
    names = [path.resolve() for path, _ in outputs]
    if len(set(names)) != len(names):
        raise CourseError("two outputs name the same file; give each its own path")
    if not args.force:
        for path, _ in outputs:
            if path.exists():
                raise CourseError(
                    "output file already exists; choose another name or add --force to "
                    "overwrite it",
                    path,
                )
    return outputs


def _command(args: argparse.Namespace) -> int:
    outputs = _outputs(args)
    inputs = [Path(p) for p in args.submissions]
    for path in inputs:
        if not path.exists():
            raise CourseError("no such submission file or folder", path)
    roster = read_roster(args.roster) if args.roster else None
    run = grade_submissions(inputs, args.key, show_progress=True)
    for path, writer in outputs:
        text = canvas_csv(run, roster) if writer is canvas_csv else writer(run)
        atomic_write_text(path, text)
    if roster is not None:
        unlisted = sorted(set(run.students) - set(roster))
        if unlisted:
            print(f"Not in the roster (ids used as names): {', '.join(unlisted)}", file=sys.stderr)
    print(
        f"Graded {len(run.graded)} submission(s) from {len(run.students)} student(s) in "
        f"{len(run.quizzes)} quiz(zes); skipped {len(run.skipped)}."
    )
    for path, _ in outputs:
        print(f"  wrote {path}")
    if run.skipped:
        print("Skipped (not graded):", file=sys.stderr)
        for skip in run.skipped:
            print(f"  {skip.path}: {skip.kind}: {skip.reason}", file=sys.stderr)
        return 1
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``grade`` command to the command line."""
    parser = subparsers.add_parser(
        "grade",
        help="grade students' submissions and write gradebooks and an item-analysis report",
        description="Grade submission files (or folders of them) with the full answer key. "
        "Malformed, duplicate, tampered and wrong-bank submissions are listed with the reason "
        "and skipped; the exit status is 1 if any were skipped. Existing outputs are never "
        "overwritten without --force.",
    )
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION", help="files or folders")
    parser.add_argument(
        "--key", default=None, help="folder of answer-key banks (default: the course's quizzes/)"
    )
    parser.add_argument("--out", required=True, help="grades CSV: a row per student")
    parser.add_argument("--long", help="long CSV: a row per student, quiz and question")
    parser.add_argument("--canvas", help="Canvas gradebook CSV to import")
    parser.add_argument(
        "--roster",
        help="class list CSV (student,name[,canvas_id,sis_user_id,sis_login_id,section]) that "
        "fills names and ids in the Canvas CSV",
    )
    parser.add_argument("--report", help="HTML report with item analysis")
    parser.add_argument("--force", action="store_true", help="overwrite existing outputs")
    parser.set_defaults(handler=_command)
