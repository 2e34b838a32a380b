"""Gradebooks from a grading run: ``grades.csv`` (a row per student), the long CSV (a row per
student, quiz and question) and a CSV Canvas imports, optionally filled from a class list.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CourseError
from .grading import GradedSubmission, GradeRun

__all__ = [
    "CANVAS_FIXED_COLUMNS",
    "ROSTER_COLUMNS",
    "RosterEntry",
    "canvas_csv",
    "grades_csv",
    "long_csv",
    "read_csv_text",
    "read_roster",
    "spreadsheet_text",
]

# One encoder for every response (json.dumps with options builds a new one per call).
_RESPONSE_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)

#: The columns before the assignments in a Canvas gradebook CSV.
CANVAS_FIXED_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def _number(value: float) -> str:
    text = _NUMBERS.get(value)
    if text is None:
        text = f"{value:.4g}" if value != int(value) else str(int(value))
        if len(_NUMBERS) < 10_000:
            _NUMBERS[value] = text
    return text


_NUMBERS: dict[float, str] = {}  # points repeat (0, 0.5, 1...): format each value once


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


def _hand_marked(run: GradeRun) -> bool:
    """True when a graded quiz has a question the instructor marks by hand."""
    return any(
        question.marked_by_hand for quiz in run.quizzes for question in run.key.bank(quiz).questions
    )


def grades_csv(run: GradeRun) -> str:
    """Return ``grades.csv``: ``student``, one column of points per quiz, ``total``.

    A quiz the student did not hand in is left empty (and counts 0 in the total). When a quiz
    has questions marked by hand, a last column ``awaiting_marking`` names each of the student's
    written answers that has no mark yet (``quiz:question``, separated by spaces); their points
    so far are 0, so a quiz's points and the total are not final while it is not empty.
    """
    quizzes = run.quizzes
    hand = _hand_marked(run)
    rows: list[list[Any]] = [
        ["student", *quizzes, "total", *(["awaiting_marking"] if hand else [])]
    ]
    for student, subs in sorted(_table(run).items()):
        cells = [_number(subs[quiz].points) if quiz in subs else "" for quiz in quizzes]
        total = sum(sub.points for sub in subs.values())
        row = [student, *cells, _number(total)]
        if hand:
            row.append(
                " ".join(f"{q}:{a}" for q, sub in sorted(subs.items()) for a in sub.awaiting)
            )
        rows.append(row)
    return _csv_text(rows)


def long_csv(run: GradeRun) -> str:
    """Return the long CSV: one row per student, quiz and question.

    Columns: ``student, quiz, question, response, points, max_points, correct, status,
    comment``. ``response`` is the learner's answer as JSON (empty when unanswered); ``status``
    is ``graded``, ``unanswered``, ``awaiting marking`` (a written answer the instructor marks by
    hand, 0 points until marked) or ``marked``, and ``comment`` the marker's comment. No field
    opens as a formula in a spreadsheet: responses are JSON (a text answer starts with ``"``),
    student ids start with a letter or digit, and a comment gets :func:`spreadsheet_text`.
    """
    # Written line by line (a class of 500 has about 90,000 rows): each field is quoted as the
    # csv module quotes it (QUOTE_MINIMAL), and each distinct response is encoded once.
    lines = ["student,quiz,question,response,points,max_points,correct,status,comment\n"]
    encoded: dict[str, str] = {}
    for sub in sorted(run.graded, key=lambda s: (s.student, s.quiz)):
        head = f"{_field(sub.student)},{_field(sub.quiz)},"
        for answer in sub.answers:
            value = answer.response
            if not answer.answered:
                response = ""
            elif type(value) is str:
                response = encoded.get(value)
                if response is None:
                    response = encoded[value] = _field(_RESPONSE_JSON.encode(value))
            else:
                response = _field(_RESPONSE_JSON.encode(value))
            lines.append(
                f"{head}{_field(answer.question)},{response},{_number(answer.points)},"
                f"{_number(answer.max_points)},{int(answer.correct)},{answer.status},"
                f"{_field(spreadsheet_text(answer.comment))}\n"
            )
    return "".join(lines)


_NEEDS_QUOTES = frozenset(',"\r\n')
_FORMULA_STARTS = frozenset("=+-@\t\r")


def spreadsheet_text(text: str) -> str:
    """``text`` as a spreadsheet shows it: text beginning with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return gets a leading ``'``, so opening the file never runs it as a formula."""
    return "'" + text if text[:1] in _FORMULA_STARTS else text


def _field(text: str) -> str:
    """One CSV field, quoted when it must be (as ``csv.writer`` with QUOTE_MINIMAL does)."""
    if _NEEDS_QUOTES.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


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


def read_csv_text(path: Path, what: str) -> str:
    """The text of an instructor's CSV file (``what``: "roster", "marks file"...), or one
    :class:`CourseError` naming the file: missing, a folder, unreadable, not UTF-8, or binary."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CourseError(f"no such {what}", path) from None
    except IsADirectoryError:
        raise CourseError(f"the {what} is a folder; name a CSV file", path) from None
    except UnicodeDecodeError:
        raise CourseError(f"the {what} is not UTF-8 text; save it as UTF-8 CSV", path) from None
    except OSError as error:
        raise CourseError(f"cannot read the {what} ({error.strerror})", path) from None
    if "\0" in text:
        raise CourseError(f"the {what} is not a CSV text file", path)
    return text


def read_roster(path: str | Path) -> dict[str, RosterEntry]:
    """Read a class list CSV (columns :data:`ROSTER_COLUMNS`; ``student`` and ``name`` required).

    ``student`` is the id students submit under. Empty SIS ids default to it. Errors name the
    file and the line.
    """
    path = Path(path)
    text = read_csv_text(path, "roster file")
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
    title; the second row gives *Points Possible*, as in Canvas's own exports. A quiz with a
    written answer still awaiting marking is left empty for that student, so no score that is
    not final goes to Canvas.
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
        cells = [
            _number(subs[quiz].points) if quiz in subs and not subs[quiz].awaiting else ""
            for quiz in quizzes
        ]
        ids = [entry.canvas_id, entry.sis_user_id, entry.sis_login_id, entry.section]
        rows.append([entry.name, *ids, *cells])
    return _csv_text(rows)
