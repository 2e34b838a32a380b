"""Question types and their grading: pure functions of a question and a response.

This module gathers, for the rest of the package, what :mod:`mscpso_edu.quiz.kinds` defines: each
type lives in its own module there. Every question type is a frozen dataclass whose
:meth:`~Question.grade` method turns a response into a :class:`Result`. Everything a grade
needs (answer sets, normalised accepted answers, choice look-up tables) is computed once when the
question is built, so grading is a few look-ups.

Responses by type
-----------------
- ``single``: the id of one choice (a digest of its text, unless the bank names the ids).
- ``multiple``: a collection of choice ids; partial credit (see below).
- ``true_false``: ``True`` or ``False``.
- ``numeric``: a number, or text holding one, optionally followed by the units.
- ``computed``: as ``numeric``; the numbers are drawn from the learner's seed.
- ``matching``: a mapping from every left item to one right item (their texts); credit is the
  fraction of pairs matched.
- ``ordering``: the item texts in the learner's order; credit is the fraction in place.
- ``short_text``: a string.
- ``reflection``: free text, recorded in the progress store, never graded automatically (worth 0
  points unless its bank gives it points; then the instructor marks it by hand).
- ``code``: the learner's source code (text or ``{"code": ...}``); credit is the fraction of the
  key's tests that pass (see :mod:`mscpso_edu.quiz.kinds.code`).

Multiple select scores *right minus wrong, floored at zero*: with ``C`` correct choices, a learner
who ticks ``r`` of them and ``w`` wrong ones earns ``points * max(0, (r - w) / C)``. Ticking
everything therefore earns nothing, and leaving one right choice out costs one ``C``-th.

A response of the wrong kind (a number for a choice question, an unknown choice id, an empty
answer) raises :class:`ResponseError`, a :class:`~mscpso_edu.errors.CourseError` with a message the
learner can act on; it never crashes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .kinds import QUESTION_TYPES
from .kinds._base import (
    MAX_REFLECTION_RESPONSE,
    MAX_TEXT_RESPONSE,
    MODES,
    Choice,
    MatchPair,
    Mistake,
    OrderItem,
    Question,
    ResponseError,
    Result,
    fill_template,
    parse_number,
    template_names,
)
from .kinds.code import CodeQuestion
from .kinds.computed import ComputedQuestion
from .kinds.matching import MatchingQuestion
from .kinds.multiple import MultipleChoiceQuestion
from .kinds.numeric import NumericQuestion
from .kinds.ordering import OrderingQuestion
from .kinds.reflection import ReflectionQuestion
from .kinds.short_text import ShortTextQuestion
from .kinds.single import SingleChoiceQuestion
from .kinds.true_false import TrueFalseQuestion

__all__ = [
    "MAX_REFLECTION_RESPONSE",
    "MAX_TEXT_RESPONSE",
    "MODES",
    "QUESTION_TYPES",
    "Choice",
    "CodeQuestion",
    "ComputedQuestion",
    "MatchPair",
    "MatchingQuestion",
    "Mistake",
    "MultipleChoiceQuestion",
    "NumericQuestion",
    "OrderItem",
    "OrderingQuestion",
    "Question",
    "ReflectionQuestion",
    "ResponseError",
    "Result",
    "ShortTextQuestion",
    "SingleChoiceQuestion",
    "TrueFalseQuestion",
    "fill_template",
    "grade",
    "parse_number",
    "template_names",
]


def grade(question: Question, response: Any) -> Result:
    """Grade ``response`` to ``question``: pure, deterministic and instant.

    Parameters
    ----------
    question
        Any question from a :class:`~mscpso_edu.quiz.bank.Bank`. A computed question is graded
        against its seed-0 draw; call ``question.for_seed(seed)`` first for a learner's numbers.
    response
        What the learner answered; the kind depends on the question type (see this module).

    Returns
    -------
    Result
        Points, maximum points, whether fully correct, and feedback.

    Raises
    ------
    ResponseError
        When the response is of the wrong kind or names an unknown choice.

    Examples
    --------
    >>> q = TrueFalseQuestion(id="t", prompt="MSCs adhere to plastic.", answer=True,
    ...                       feedback_true="Yes.", feedback_false="They do.")
    >>> grade(q, True).points
    1.0
    """
    grader: Callable[[Any], Result] = question.grade
    return grader(response)
