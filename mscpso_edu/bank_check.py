"""Course-level checks of question banks, for ``mscpso-edu check``.

:func:`mscpso_edu.quiz.bank.read_bank` validates a bank on its own (bytes, YAML, schema, meaning);
this module adds what needs the rest of the course: objective ids exist in the lesson notebook,
reference ids exist in the knowledge base, and the lesson standard's minimums (10 questions, 3
types, two questions per objective). Checked over the whole course, true/false items stay at or
below :data:`MAX_TRUE_FALSE_SHARE` of all questions (docs/lesson-standard.md: true/false used
sparingly).
It sits above ``quiz``, ``lessons`` and ``knowledge``, so none of them imports another to check a
bank.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from .errors import CourseError, Problem
from .paths import lessons_dir, quizzes_dir
from .quiz.bank import BANK_SUFFIXES, Bank, read_bank

__all__ = ["MAX_TRUE_FALSE_SHARE", "check_banks", "true_false_problem"]

#: The largest share of true/false items the course accepts across all its banks (issue 16).
MAX_TRUE_FALSE_SHARE = 0.10

_BANK_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.ya?ml$")


def _bank_files(paths: Sequence[Path]) -> list[Path]:
    if not paths:
        folder = quizzes_dir()
        return (
            sorted(p for p in folder.iterdir() if p.suffix in BANK_SUFFIXES)
            if folder.is_dir()
            else []
        )
    from .knowledge import DATA_DIR

    knowledge_dir = Path(DATA_DIR).resolve()
    found: list[Path] = []
    for given in paths:
        given = Path(given)
        if given.is_dir():
            # Inside a folder, banks are the files named like lessons (NN_slug.yaml); other
            # YAML (the knowledge base, site configuration) is not a question bank.
            found.extend(
                sorted(
                    p
                    for p in given.rglob("*")
                    if p.suffix in BANK_SUFFIXES
                    and _BANK_NAME.match(p.name)
                    and knowledge_dir not in p.resolve().parents
                )
            )
        elif given.suffix in BANK_SUFFIXES and knowledge_dir not in given.resolve().parents:
            found.append(given)
    return found


def _lesson_objectives(bank: Bank) -> tuple[dict[str, str] | None, list[Problem]]:
    notebook = lessons_dir() / f"{bank.lesson}.ipynb"
    line = bank.line_of("lesson")
    if not notebook.is_file():
        message = (
            f"lesson notebook lessons/{notebook.name} does not exist, so the objective ids "
            "cannot be checked"
        )
        return None, [Problem(str(bank.path), line, message)]
    try:
        from .lessons import read_objectives

        return read_objectives(notebook), []
    except CourseError as error:
        return None, [
            Problem(str(bank.path), line, f"cannot read the lesson's objectives: {error}")
        ]


def _reference_ids() -> tuple[set[str] | None, str]:
    try:
        from .knowledge import reference_ids
    except ImportError:
        return None, "the knowledge base (mscpso_edu.knowledge) is not available"
    try:
        return set(reference_ids()), ""
    except CourseError as error:
        return None, f"the knowledge base could not be read: {error}"


def _course_problems(bank: Bank) -> list[Problem]:
    problems: list[Problem] = []
    path = str(bank.path)

    def problem(line: int | None, message: str) -> None:
        problems.append(Problem(path, line, message))

    objectives, found = _lesson_objectives(bank)
    problems.extend(found)
    references, why_not = _reference_ids()
    if references is None:
        problem(bank.line_of("questions"), f"reference ids cannot be checked: {why_not}")
    for index, question in enumerate(bank.questions):
        for o_index, objective in enumerate(question.objectives):
            if objectives is not None and objective not in objectives:
                known = ", ".join(objectives) or "none"
                problem(
                    bank.line_of("questions", index, "objectives", o_index),
                    f"question {question.id!r}: objective {objective!r} is not an objective of "
                    f"lesson {bank.lesson} (it has: {known})",
                )
        for r_index, reference in enumerate(question.references):
            if references is not None and reference not in references:
                problem(
                    bank.line_of("questions", index, "references", r_index),
                    f"question {question.id!r}: reference {reference!r} is not in the "
                    "knowledge base",
                )
    # The lesson standard's minimums for an end-of-lesson bank.
    top = bank.line_of("questions")
    if len(bank.questions) < 10:
        problem(top, f"a lesson bank needs at least 10 questions, found {len(bank.questions)}")
    kinds = {question.type for question in bank.questions}
    if len(kinds) < 3:
        problem(top, f"a lesson bank needs at least 3 question types, found {len(kinds)}")
    if objectives:
        for objective in objectives:
            count = sum(objective in question.objectives for question in bank.questions)
            if count < 2:
                problem(
                    top,
                    f"objective {objective} is assessed by {count} question(s); every objective "
                    "needs at least 2",
                )
    return problems


def check_banks(paths: Sequence[Path] = ()) -> list[Problem]:
    """Check question banks for ``mscpso-edu check``.

    Parameters
    ----------
    paths
        Bank files or folders to check; other files are ignored. Empty means every bank in
        :func:`mscpso_edu.paths.quizzes_dir`.

    Returns
    -------
    list of Problem
        Everything wrong, each as ``path:line: message``; empty when all is well.
    """
    problems: list[Problem] = []
    banks: list[Bank] = []
    for path in _bank_files(paths):
        bank, found = read_bank(path)
        problems.extend(found)
        if bank is not None:
            banks.append(bank)
            problems.extend(_course_problems(bank))
    if not paths:
        share = true_false_problem(banks, quizzes_dir())
        if share is not None:
            problems.append(share)
    return problems


def true_false_problem(banks: Sequence[Bank], where: Path) -> Problem | None:
    """A problem when true/false items exceed :data:`MAX_TRUE_FALSE_SHARE` of ``banks``' items."""
    total = sum(len(bank) for bank in banks)
    count = sum(question.type == "true_false" for bank in banks for question in bank)
    if not total or count <= MAX_TRUE_FALSE_SHARE * total:
        return None
    named = ", ".join(
        f"{bank.path.name} {n}"
        for bank in banks
        if (n := sum(question.type == "true_false" for question in bank))
    )
    return Problem(
        str(where),
        None,
        f"true/false items are {count} of {total} questions ({100 * count / total:.0f}%); keep "
        f"them at or below {MAX_TRUE_FALSE_SHARE:.0%} ({named})",
    )
