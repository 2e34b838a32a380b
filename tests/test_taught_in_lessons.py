"""Every number and word a numeric or short-text question asks for is taught in its lesson.

A bank may only ask what the lesson itself shows: in its text or in the outputs of its cells
(facts rendered from the knowledge base, model read-outs, explorer stills), not only in the bank or
the knowledge base. Each lesson is executed once in a fresh kernel (as a learner would run it;
``executed_lessons`` shares the executed notebook with the site build) and its markdown and
outputs are searched. Numbers match when they agree within the question's
tolerance, whatever their notation (``27,000``, ``27 000``, "seven"); words match after the
banks' own answer normalisation.

A few answers are numbers the learner is asked to *derive* (a percentage from two counts, a
value read off a model the lesson runs). For those the test checks the numbers they are derived
from, listed with the reason in :data:`DERIVED`.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import nbformat
import pytest
from executed_lessons import executed_lesson

from mscpso_edu.knowledge._support import quote_numbers
from mscpso_edu.paths import lessons_dir, quizzes_dir
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import load_bank
from mscpso_edu.quiz.textnorm import normalise_answer

#: (bank, question id) -> (numbers the lesson must show instead, why the answer itself is derived)
DERIVED: dict[tuple[str, str], tuple[tuple[float, ...], str]] = {
    ("08_clinical_evidence", "yao_denominator"): (
        (2, 7),
        "the learner computes 2 responders of 7 enrolled as a percentage",
    ),
}


def _questions() -> list[tuple[str, q.Question]]:
    found = []
    for path in sorted(quizzes_dir().glob("[0-9][0-9]_*.yaml")):
        for question in load_bank(path):
            if type(question) is q.NumericQuestion or isinstance(question, q.ShortTextQuestion):
                found.append((path.stem, question))
    return found


@cache
def _taught(slug: str) -> str:
    """Return the markdown and the outputs of the executed lesson ``slug`` as one text."""
    notebook = nbformat.read(executed_lesson(slug), as_version=4)  # executed once per test run
    parts: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts += [str(data.get(kind, "")) for kind in ("text/plain", "text/markdown")]
            parts.append(html.unescape(re.sub(r"<[^>]+>", " ", str(data.get("text/html", "")))))
            parts.append(str(output.get("text", "")))
    return "\n".join(parts)


def _shows(text: str, value: float, slack: float) -> bool:
    return any(abs(number - value) <= slack for number in quote_numbers(text))


QUESTIONS = _questions()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("slug", "question"), QUESTIONS, ids=[f"{slug}:{qu.id}" for slug, qu in QUESTIONS]
)
def test_answer_is_taught_in_the_lesson(slug: str, question: q.Question):
    text = _taught(slug)
    if isinstance(question, q.ShortTextQuestion):
        normalised = normalise_answer(text)
        assert any(normalise_answer(word) in normalised for word in question.accept), (
            f"{slug}.ipynb never says any of {question.accept} (question {question.id!r})"
        )
        return
    if (slug, question.id) in DERIVED:
        inputs, why = DERIVED[(slug, question.id)]
        missing = [x for x in inputs if not _shows(text, x, 1e-9)]
        assert not missing, f"{slug}.ipynb does not show {missing}, needed because {why}"
        return
    slack = max(question.tolerance, question.relative_tolerance * abs(question.answer), 1e-9)
    assert _shows(text, question.answer, slack), (
        f"{slug}.ipynb never shows {question.answer:g} (question {question.id!r}); teach it in the "
        "lesson text or an output, not only in the bank"
    )


def test_derived_answers_are_listed_with_existing_questions():
    known = {(slug, question.id) for slug, question in QUESTIONS}
    assert set(DERIVED) <= known
    assert Path(lessons_dir()).is_dir()
