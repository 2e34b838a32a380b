"""Hand marking: the marking sheet of written answers, and the marks an instructor gives them.

A reflection worth points (``points:`` on a ``type: reflection`` question, see
:mod:`mscpso_edu.quiz.kinds.reflection`) is not graded automatically. ``grade`` leaves each such
answer **awaiting marking** (0 points so far, listed as such in every output) until a marks file
gives it its points:

- :func:`marking_sheet_csv` lists every written answer to be marked: student, lesson, question,
  the points (empty until marked, or the mark already given), a comment, the maximum, the
  question's rubric criteria (when it has a rubric), the prompt and the student's text (a text
  that a spreadsheet would run as a formula, beginning with ``=``, ``+``, ``-`` or ``@``, gets a
  leading ``'``);
- :func:`read_marks` reads a marks file: a CSV with columns :data:`MARKS_COLUMNS` (``comment``
  optional; the sheet's other columns are allowed and ignored, so a filled-in sheet is a marks
  file). A row whose ``points`` is empty is not marked yet and is skipped;
- :func:`apply_marks` merges the marks into a grading run. A mark for a student with no graded
  submission of that lesson, a lesson or question the key does not have, a question that is not
  marked by hand, an unanswered question, points below 0 or above the question's maximum, or a
  second mark for the same answer is an error naming the file and the line.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError
from .gradebook import read_csv_text
from .gradebook import spreadsheet_text as _as_text
from .grading import GradeRun

__all__ = [
    "MARKS_COLUMNS",
    "SHEET_COLUMNS",
    "Mark",
    "apply_marks",
    "awaiting_marking",
    "marking_sheet_csv",
    "read_marks",
]

#: Columns of a marks file; ``comment`` is optional.
MARKS_COLUMNS = ("student", "lesson", "question", "points", "comment")
#: Columns of the marking sheet: the marks file's, then what the marker reads.
SHEET_COLUMNS = (*MARKS_COLUMNS, "max_points", "rubric", "prompt", "response")
_REQUIRED = MARKS_COLUMNS[:4]


@dataclass(frozen=True)
class Mark:
    """One hand mark: who, which lesson and question, the points given, a comment, and the line
    of the marks file it came from (for messages)."""

    student: str
    lesson: str
    question: str
    points: float
    comment: str
    line: int


def read_marks(path: str | Path) -> list[Mark]:
    """Read a marks file (a CSV with columns :data:`MARKS_COLUMNS`; see the module docstring).

    Raises
    ------
    CourseError
        Naming the file and the line: unreadable, not UTF-8, a missing or unknown column, an
        empty id, points that are not a number of 0 or more, or the same answer marked twice.
    """
    path = Path(path)
    text = read_csv_text(path, "marks file")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        raise CourseError(f"not a readable CSV ({error})", path, 1) from None
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise CourseError(
            f"the marks file needs the column(s) {', '.join(missing)} (columns: "
            f"{', '.join(MARKS_COLUMNS)}; comment is optional)",
            path,
            1,
        )
    unknown = [name for name in header if name not in SHEET_COLUMNS]
    if unknown:
        raise CourseError(
            f"unknown column(s) {', '.join(map(repr, unknown))}; use {', '.join(MARKS_COLUMNS)}",
            path,
            1,
        )
    marks: list[Mark] = []
    seen: dict[tuple[str, str, str], int] = {}
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                raise CourseError("this row has more fields than the header", path, line)
            values = {name: (row.get(name) or "").strip() for name in MARKS_COLUMNS}
            if not any(values.values()):
                continue  # a blank line
            raw_points = values["points"]
            if not raw_points:
                continue  # not marked yet (a marking sheet being filled in)
            for name in _REQUIRED[:3]:
                if not values[name]:
                    raise CourseError(f"the {name} is empty", path, line)
            points = _points(raw_points, path, line)
            ident = (values["student"], values["lesson"], values["question"])
            if ident in seen:
                raise CourseError(
                    f"{ident[0]!r} {ident[1]}:{ident[2]} is already marked on line {seen[ident]}",
                    path,
                    line,
                )
            seen[ident] = line
            marks.append(Mark(*ident, points, values["comment"], line))
    except csv.Error as error:
        raise CourseError(f"not a readable CSV ({error})", path, reader.line_num or line) from None
    return marks


def _points(text: str, path: Path, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CourseError(f"points {text!r} is not a number", path, line) from None
    if not math.isfinite(value) or value < 0:
        raise CourseError(f"points {text!r} must be a number of 0 or more", path, line)
    return value


def apply_marks(run: GradeRun, marks: list[Mark], path: str | Path) -> int:
    """Merge ``marks`` (read from ``path``) into ``run``: each marked answer gets its points and
    comment and no longer awaits marking. Returns the number of answers marked.

    Raises
    ------
    CourseError
        Naming ``path`` and the line of the first mark that does not fit the run (see the module
        docstring); nothing is merged then.
    """
    path = Path(path)
    subs = {(sub.student, sub.quiz): sub for sub in run.graded}
    updates = []
    for mark in marks:
        if mark.lesson not in run.key.files:
            known = ", ".join(sorted(run.key.files))
            raise CourseError(
                f"lesson {mark.lesson!r} has no bank in the answer key (lessons: {known})",
                path,
                mark.line,
            )
        sub = subs.get((mark.student, mark.lesson))
        if sub is None:
            raise CourseError(
                f"student {mark.student!r} has no graded submission of {mark.lesson}",
                path,
                mark.line,
            )
        bank = run.key.bank(mark.lesson)
        try:
            question = bank.question(mark.question)
        except (CourseError, KeyError):
            raise CourseError(
                f"{mark.lesson} has no question {mark.question!r}", path, mark.line
            ) from None
        if not question.marked_by_hand:
            why = "it is graded automatically" if question.graded else "it is worth 0 points"
            raise CourseError(
                f"{mark.lesson}:{mark.question} is not marked by hand ({why}); only reflections "
                "given points in the bank are",
                path,
                mark.line,
            )
        [answer] = [a for a in sub.answers if a.question == mark.question]
        if not answer.answered:
            raise CourseError(
                f"student {mark.student!r} did not answer {mark.lesson}:{mark.question}; there "
                "is nothing to mark",
                path,
                mark.line,
            )
        if mark.points > question.points:
            raise CourseError(
                f"points {mark.points:g} are above the maximum of {mark.lesson}:{mark.question} "
                f"({question.points:g})",
                path,
                mark.line,
            )
        updates.append((answer, mark))
    for answer, mark in updates:
        answer.points = mark.points
        answer.correct = mark.points >= answer.max_points
        answer.awaiting = False
        answer.comment = mark.comment
    return len(updates)


def awaiting_marking(run: GradeRun) -> list[tuple[str, str, str]]:
    """``(student, lesson, question)`` of every written answer still awaiting marking."""
    return [
        (sub.student, sub.quiz, answer.question)
        for sub in sorted(run.graded, key=lambda s: (s.student, s.quiz))
        for answer in sub.answers
        if answer.awaiting
    ]


def marking_sheet_csv(run: GradeRun) -> str:
    """Return the marking sheet: a row per written answer to be marked by hand (columns
    :data:`SHEET_COLUMNS`), by lesson, question and student.

    ``points`` and ``comment`` are empty until marked (or hold the marks already merged); fill
    them in and pass the sheet back with ``--marks``. ``rubric`` lists the question's criteria,
    one per line, each with its points and what earns them all.
    """
    rows: list[list[str]] = [list(SHEET_COLUMNS)]
    for quiz in run.quizzes:
        bank = run.key.bank(quiz)
        for question in bank.questions:
            if not question.marked_by_hand:
                continue
            rubric = "\n".join(c.describe() for c in getattr(question, "rubric", ()))
            for sub in sorted(run.graded, key=lambda s: s.student):
                if sub.quiz != quiz:
                    continue
                answer = next(a for a in sub.answers if a.question == question.id)
                if not answer.answered:
                    continue
                done = not answer.awaiting
                rows.append(
                    [
                        sub.student,
                        quiz,
                        question.id,
                        f"{answer.points:g}" if done else "",
                        answer.comment if done else "",
                        f"{question.points:g}",
                        rubric,
                        _as_text(question.prompt.strip()),
                        _as_text(str(answer.response)),
                    ]
                )
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()
