"""What every question type shares: the :class:`Question` base, :class:`Result`,
:class:`ResponseError`, the parts questions are made of, number parsing and templates.

Each type lives in its own module of :mod:`mscpso_edu.quiz.kinds`; see there.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ...errors import CourseError
from ..textnorm import normalise_answer

__all__ = [
    "MAX_REFLECTION_RESPONSE",
    "MAX_TEXT_RESPONSE",
    "MODES",
    "Choice",
    "MatchPair",
    "Mistake",
    "OrderItem",
    "Question",
    "ResponseError",
    "Result",
    "check_choice_id",
    "fill_template",
    "format_number",
    "join_parts",
    "parse_number",
    "template_names",
]

#: Modes a bank or a question may declare. ``exam`` behaviour is added by the classroom tools.
MODES = ("practice", "exam")

#: The longest text response graded; longer text is refused rather than normalised.
MAX_TEXT_RESPONSE = 500

#: The longest reflection recorded: a short paragraph or two.
MAX_REFLECTION_RESPONSE = 3000


class ResponseError(CourseError):
    """A response that cannot be graded (wrong kind, unknown choice, empty); says what to do."""


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of grading one response.

    Attributes
    ----------
    points
        Points earned, between 0 and ``max_points``.
    max_points
        Points the question is worth.
    correct
        True only for a fully correct response.
    feedback
        What to tell the learner (Markdown subset, see :mod:`mscpso_edu.quiz.markup`).
    explanation
        An explanation that this answer opened (a student copy keeps some sealed until the right
        answer is given); None means the question's own.
    """

    points: float
    max_points: float
    correct: bool
    feedback: str
    explanation: str | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a single- or multiple-choice question."""

    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True, slots=True)
class Mistake:
    """A foreseen wrong answer (a number or a text) with feedback that explains it."""

    answer: Any
    feedback: str


@dataclass(frozen=True, slots=True)
class MatchPair:
    """A left item and the right item it belongs with; feedback is shown when mismatched."""

    left: str
    right: str
    feedback: str


@dataclass(frozen=True, slots=True)
class OrderItem:
    """One step of an ordering question; feedback is shown when it is out of place."""

    text: str
    feedback: str


@dataclass(frozen=True, kw_only=True)
class Question:
    """What every question carries.

    Attributes
    ----------
    id
        Unique within its bank (lower case, digits, ``-`` and ``_``).
    prompt
        Markdown with inline LaTeX (``$...$``).
    points
        Points for a fully correct response.
    objectives
        Learning-objective ids (``"00.a"``) the question assesses.
    explanation
        Shown after an attempt; cites ``references``.
    references
        Knowledge-base reference ids backing the explanation.
    hints
        Optional hints, revealed one at a time.
    mode
        ``"practice"`` or ``"exam"``; None means "as the bank says".
    role
        Where the lesson asks it: ``"check"``, ``"prediction"`` (before an explorer) or
        ``"think"`` (a Think prompt's recorded answer); None for end-of-lesson questions.
    line
        Line of the question in its bank file (for messages), or None.
    """

    type: ClassVar[str] = ""
    #: Drawn for each learner (:meth:`for_seed`) before it is shown or graded.
    drawn_per_learner: ClassVar[bool] = False
    #: Graded automatically against the key; False for a question that is only recorded (a
    #: reflection), which earns points only when the bank gives it some and an instructor marks
    #: it by hand (:attr:`marked_by_hand`).
    graded: ClassVar[bool] = True
    id: str
    prompt: str
    points: float = 1.0
    objectives: tuple[str, ...] = ()
    explanation: str = ""
    references: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    mode: str | None = None
    role: str | None = None
    line: int | None = None

    def grade(self, response: Any) -> Result:  # pragma: no cover - every subclass overrides
        """Grade ``response``; see the module docstring for the response each type takes."""
        raise NotImplementedError

    @property
    def marked_by_hand(self) -> bool:
        """True for a question an instructor marks by hand: not graded automatically, yet worth
        points (a reflection given ``points:`` in its bank)."""
        return not self.graded and self.points > 0

    def for_seed(self, seed: int) -> Question:
        """The question one learner sees: itself, unless it is drawn per learner."""
        return self

    def _error(self, message: str) -> ResponseError:
        return ResponseError(f"question {self.id!r}: {message}")

    def _result(self, fraction: float, feedback: str) -> Result:
        fraction = min(1.0, max(0.0, fraction))
        return Result(self.points * fraction, self.points, fraction >= 1.0, feedback)


def join_parts(parts: list[str]) -> str:
    """Join the non-empty parts of a feedback text as paragraphs."""
    return "\n\n".join(part for part in parts if part)


def check_choice_id(question: Question, value: Any, known: Mapping[str, Choice]) -> Choice:
    """Return the choice ``value`` names, or a ResponseError saying what the choices are."""
    if not isinstance(value, str):
        raise question._error(f"expected a choice id such as {next(iter(known))!r}, got {value!r}")
    try:
        return known[value]
    except KeyError:
        raise question._error(
            f"unknown choice {value!r}; the choices are {', '.join(known)}"
        ) from None


_THOUSANDS_RE = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_NUMBER_PREFIX_RE = re.compile(r"\s*([+-]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*)", re.S)


def parse_number(response: Any, units: str = "") -> float:
    """Return the number in ``response`` (a real number, or text such as ``"1,250 cells"``).

    Parameters
    ----------
    response
        A real number (not a bool), or text: a decimal number with a point, optional ``,``
        thousands separators and exponent, optionally followed by ``units``.
    units
        The question's units; text after the number must be empty or these units.

    Returns
    -------
    float
        The finite number.

    Raises
    ------
    ResponseError
        When there is no finite number, or the text after it is not the units.
    """
    if isinstance(response, bool):
        raise ResponseError(f"expected a number, got {response!r}")
    if isinstance(response, numbers.Real):
        try:
            value = float(response)
        except OverflowError:  # an integer such as 10**400
            raise ResponseError("expected a number in range; that one is too large") from None
    elif isinstance(response, str):
        if len(response) > MAX_TEXT_RESPONSE:
            raise ResponseError("that answer is too long to be a number")
        match = _NUMBER_PREFIX_RE.fullmatch(response)
        if not match or not response.strip():
            raise ResponseError(f"expected a number such as 12.5, got {response!r}")
        digits, rest = match.groups()
        if "," in digits:
            if not _THOUSANDS_RE.fullmatch(digits.split("e")[0].split("E")[0]):
                raise ResponseError(
                    f"{digits!r}: use a point for decimals (12.5) and commas only between "
                    "groups of three digits (1,250)"
                )
            digits = digits.replace(",", "")
        rest = rest.strip()
        if rest and normalise_answer(rest) != normalise_answer(units or "\0"):
            expected = f"the units {units!r} or nothing" if units else "nothing"
            raise ResponseError(f"expected {expected} after the number, got {rest!r}")
        try:
            value = float(digits)
        except ValueError:
            raise ResponseError(f"expected a number such as 12.5, got {response!r}") from None
    else:
        raise ResponseError(f"expected a number, got {response!r}")
    if not math.isfinite(value):
        raise ResponseError(f"expected a finite number, got {response!r}")
    return value


def format_number(value: float) -> str:
    """A number as a learner reads it (thousands separated, six significant digits)."""
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:.4g}"


_PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def fill_template(template: str, values: Mapping[str, Any]) -> str:
    """Replace ``{{name}}`` placeholders in ``template`` with ``values[name]``.

    Double braces keep single braces free for LaTeX (``$\\frac{a}{b}$``). Numbers are written
    with thousands separators; unknown names are left as they are.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        value = values[name]
        if isinstance(value, float) and not isinstance(value, bool):
            return format_number(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)

    return _PLACEHOLDER_RE.sub(replace, template)


def template_names(template: str) -> set[str]:
    """Return the placeholder names used in ``template``."""
    return set(_PLACEHOLDER_RE.findall(template))
