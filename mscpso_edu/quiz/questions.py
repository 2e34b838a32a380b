"""Question types and their grading: pure functions of a question and a response.

Every question type is a frozen dataclass whose :meth:`~Question.grade` method turns a response
into a :class:`Result`. Everything a grade needs (answer sets, normalised accepted answers, choice
look-up tables) is computed once when the question is built, so grading is a few look-ups.

Responses by type
-----------------
- ``single``: the id of one choice (``"a"``, ``"b"``... unless the bank names the ids).
- ``multiple``: a collection of choice ids; partial credit (see below).
- ``true_false``: ``True`` or ``False``.
- ``numeric``: a number, or text holding one, optionally followed by the units.
- ``computed``: as ``numeric``; the numbers are drawn from the learner's seed.
- ``matching``: a mapping from every left item to one right item (their texts); credit is the
  fraction of pairs matched.
- ``ordering``: the item texts in the learner's order; credit is the fraction in place.
- ``short_text``: a string.
- ``reflection``: free text, recorded in the progress store but never graded (worth 0 points).

Multiple select scores *right minus wrong, floored at zero*: with ``C`` correct choices, a learner
who ticks ``r`` of them and ``w`` wrong ones earns ``points * max(0, (r - w) / C)``. Ticking
everything therefore earns nothing, and leaving one right choice out costs one ``C``-th.

A response of the wrong kind (a number for a choice question, an unknown choice id, an empty
answer) raises :class:`ResponseError`, a :class:`~mscpso_edu.errors.CourseError` with a message the
learner can act on; it never crashes.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..errors import CourseError
from .textnorm import normalise_answer

__all__ = [
    "MAX_REFLECTION_RESPONSE",
    "MODES",
    "QUESTION_TYPES",
    "Choice",
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

    def _error(self, message: str) -> ResponseError:
        return ResponseError(f"question {self.id!r}: {message}")

    def _result(self, fraction: float, feedback: str) -> Result:
        fraction = min(1.0, max(0.0, fraction))
        return Result(self.points * fraction, self.points, fraction >= 1.0, feedback)


def _join(parts: list[str]) -> str:
    return "\n\n".join(part for part in parts if part)


def _check_choice_id(question: Question, value: Any, known: Mapping[str, Choice]) -> Choice:
    if not isinstance(value, str):
        raise question._error(f"expected a choice id such as {next(iter(known))!r}, got {value!r}")
    try:
        return known[value]
    except KeyError:
        raise question._error(
            f"unknown choice {value!r}; the choices are {', '.join(known)}"
        ) from None


@dataclass(frozen=True, kw_only=True)
class SingleChoiceQuestion(Question):
    """Pick exactly one choice; exactly one is correct."""

    type: ClassVar[str] = "single"
    choices: tuple[Choice, ...]
    _by_id: dict[str, Choice] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {choice.id: choice for choice in self.choices})

    def grade(self, response: Any) -> Result:
        """Grade the id of the chosen choice."""
        if response is None:
            raise self._error("choose one answer before checking")
        choice = _check_choice_id(self, response, self._by_id)
        verdict = "Correct." if choice.correct else "Not quite."
        return self._result(1.0 if choice.correct else 0.0, _join([verdict, choice.feedback]))


@dataclass(frozen=True, kw_only=True)
class MultipleChoiceQuestion(Question):
    """Tick every correct choice; scored right minus wrong, floored at zero."""

    type: ClassVar[str] = "multiple"
    choices: tuple[Choice, ...]
    _by_id: dict[str, Choice] = field(init=False, repr=False, compare=False)
    _correct_ids: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {choice.id: choice for choice in self.choices})
        correct = frozenset(choice.id for choice in self.choices if choice.correct)
        object.__setattr__(self, "_correct_ids", correct)

    def grade(self, response: Any) -> Result:
        """Grade a collection of ticked choice ids (list, tuple or set)."""
        if isinstance(response, str) or not isinstance(response, list | tuple | set | frozenset):
            raise self._error(f"expected a list of choice ids, got {response!r}")
        ticked = [_check_choice_id(self, value, self._by_id) for value in response]
        ticked_ids = {choice.id for choice in ticked}
        if len(ticked_ids) != len(ticked):
            raise self._error("each choice may be ticked only once")
        right = len(ticked_ids & self._correct_ids)
        wrong = len(ticked_ids) - right
        fraction = (right - wrong) / len(self._correct_ids)
        notes = []
        for choice in self.choices:
            if choice.id in ticked_ids and not choice.correct:
                notes.append(f"You ticked **{choice.text}**: {choice.feedback}")
            elif choice.id not in ticked_ids and choice.correct:
                notes.append(f"You left out **{choice.text}**: {choice.feedback}")
        if ticked_ids == self._correct_ids:
            verdict = "Correct: you ticked every right answer and nothing else."
        else:
            verdict = (
                f"Partly right: {right} of {len(self._correct_ids)} right answers ticked, "
                f"{wrong} wrong one(s) ticked."
            )
        return self._result(fraction, _join([verdict, *notes]))


@dataclass(frozen=True, kw_only=True)
class TrueFalseQuestion(Question):
    """A statement to judge true or false."""

    type: ClassVar[str] = "true_false"
    answer: bool
    feedback_true: str
    feedback_false: str

    def grade(self, response: Any) -> Result:
        """Grade ``True`` or ``False``."""
        if not isinstance(response, bool):
            raise self._error(f"expected True or False, got {response!r}")
        feedback = self.feedback_true if response else self.feedback_false
        if response == self.answer:
            return self._result(1.0, _join(["Correct.", feedback]))
        return self._result(0.0, _join(["Not quite.", feedback]))


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
            raise ResponseError(
                f"expected a number in range, got {str(response)[:20]}..."
            ) from None
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


def _format_number(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:.4g}"


@dataclass(frozen=True, kw_only=True)
class NumericQuestion(Question):
    """A number, right within an absolute or a relative tolerance (either suffices)."""

    type: ClassVar[str] = "numeric"
    answer: float
    tolerance: float = 0.0
    relative_tolerance: float = 0.0
    units: str = ""
    mistakes: tuple[Mistake, ...] = ()
    _slack: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        slack = max(self.tolerance, self.relative_tolerance * abs(self.answer))
        # Never demand more than floating point can give, or 0.1 + 0.2 would miss 0.3.
        object.__setattr__(self, "_slack", max(slack, 1e-9 * max(1.0, abs(self.answer))))

    def grade(self, response: Any) -> Result:
        """Grade a number (or text holding one, with the units optional)."""
        try:
            value = parse_number(response, self.units)
        except ResponseError as error:
            raise self._error(error.message) from None
        if abs(value - self.answer) <= self._slack:
            return self._result(1.0, "Correct.")
        units = f" {self.units}" if self.units else ""
        notes = [f"Not quite: {_format_number(value)}{units} is not within the accepted range."]
        for mistake in self.mistakes:
            if abs(value - mistake.answer) <= self._slack:
                notes.append(mistake.feedback)
                break
        return self._result(0.0, _join(notes))


@dataclass(frozen=True, kw_only=True)
class MatchingQuestion(Question):
    """Match each left item to its right item; credit is the fraction matched correctly."""

    type: ClassVar[str] = "matching"
    pairs: tuple[MatchPair, ...]
    distractors: tuple[str, ...] = ()
    _right_of: dict[str, str] = field(init=False, repr=False, compare=False)
    _rights: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_right_of", {pair.left: pair.right for pair in self.pairs})
        rights = frozenset(pair.right for pair in self.pairs) | frozenset(self.distractors)
        object.__setattr__(self, "_rights", rights)

    @property
    def right_options(self) -> tuple[str, ...]:
        """Every right-hand option (answers and distractors), in bank order."""
        return tuple(dict.fromkeys([*(pair.right for pair in self.pairs), *self.distractors]))

    def grade(self, response: Any) -> Result:
        """Grade a mapping from each left item's text to the chosen right item's text."""
        if not isinstance(response, Mapping):
            raise self._error(f"expected a mapping from each item to its match, got {response!r}")
        for left, right in response.items():
            if left not in self._right_of:
                raise self._error(f"unknown item {left!r}")
            if right is None:
                raise self._error(f"choose a match for {left!r}")
            if not isinstance(right, str) or right not in self._rights:
                raise self._error(f"unknown match {right!r} for {left!r}")
        missing = [pair.left for pair in self.pairs if pair.left not in response]
        if missing:
            raise self._error(f"choose a match for {missing[0]!r}")
        wrong = [pair for pair in self.pairs if response[pair.left] != pair.right]
        right = len(self.pairs) - len(wrong)
        verdict = (
            "Correct: every item matched."
            if not wrong
            else (f"{right} of {len(self.pairs)} matched correctly.")
        )
        notes = [f"**{pair.left}**: {pair.feedback}" for pair in wrong]
        return self._result(right / len(self.pairs), _join([verdict, *notes]))


@dataclass(frozen=True, kw_only=True)
class OrderingQuestion(Question):
    """Put items in order; credit is the fraction of items in their right place."""

    type: ClassVar[str] = "ordering"
    items: tuple[OrderItem, ...]
    _texts: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_texts", frozenset(item.text for item in self.items))

    def grade(self, response: Any) -> Result:
        """Grade the item texts in the learner's order."""
        if isinstance(response, str | bytes) or not isinstance(response, list | tuple):
            raise self._error(f"expected the items as a list in your order, got {response!r}")
        if any(value is None for value in response):
            raise self._error("choose an item for every step")
        for value in response:
            if not isinstance(value, str) or value not in self._texts:
                raise self._error(f"unknown item {value!r}")
        if len(set(response)) != len(response) or len(response) != len(self.items):
            raise self._error("use every item exactly once")
        misplaced = [
            item for item, chosen in zip(self.items, response, strict=True) if item.text != chosen
        ]
        placed = len(self.items) - len(misplaced)
        verdict = (
            "Correct: every step in order."
            if not misplaced
            else (f"{placed} of {len(self.items)} steps in the right place.")
        )
        notes = [
            f"Step {self.items.index(item) + 1} is **{item.text}**: {item.feedback}"
            for item in misplaced
        ]
        return self._result(placed / len(self.items), _join([verdict, *notes]))


@dataclass(frozen=True, kw_only=True)
class ShortTextQuestion(Question):
    """A word or short phrase; case, spacing, hyphens and Greek-letter spellings are forgiven."""

    type: ClassVar[str] = "short_text"
    accept: tuple[str, ...]
    mistakes: tuple[Mistake, ...] = ()
    _accepted: frozenset[str] = field(init=False, repr=False, compare=False)
    _mistake_feedback: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_accepted", frozenset(map(normalise_answer, self.accept)))
        known = {normalise_answer(m.answer): m.feedback for m in reversed(self.mistakes)}
        object.__setattr__(self, "_mistake_feedback", known)

    def grade(self, response: Any) -> Result:
        """Grade a typed answer."""
        if not isinstance(response, str):
            raise self._error(f"expected text, got {response!r}")
        if len(response) > MAX_TEXT_RESPONSE:
            raise self._error(f"keep the answer under {MAX_TEXT_RESPONSE} characters")
        typed = normalise_answer(response)
        if not typed:
            raise self._error("type an answer before checking")
        if typed in self._accepted:
            return self._result(1.0, "Correct.")
        return self._result(0.0, _join(["Not quite.", self._mistake_feedback.get(typed, "")]))


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
            return _format_number(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)

    return _PLACEHOLDER_RE.sub(replace, template)


def template_names(template: str) -> set[str]:
    """Return the placeholder names used in ``template``."""
    return set(_PLACEHOLDER_RE.findall(template))


@dataclass(frozen=True, kw_only=True)
class ComputedQuestion(Question):
    """A numeric question whose numbers are drawn for each learner by a registered computation.

    ``prompt`` and ``explanation`` may use ``{{name}}`` placeholders for the drawn parameters and
    ``{{answer}}`` for the answer. :meth:`for_seed` gives the concrete numeric question one learner
    sees; :meth:`grade` grades against the draw for ``seed`` 0 unless told otherwise.
    """

    type: ClassVar[str] = "computed"
    computation: str
    tolerance: float = 0.0
    relative_tolerance: float = 0.0
    units: str = ""
    _cache: dict[int, NumericQuestion] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def for_seed(self, seed: int) -> NumericQuestion:
        """Return the numeric question drawn for ``seed`` (the same seed gives the same numbers)."""
        cached = self._cache.get(seed)
        if cached is not None:
            return cached
        from .computed import draw

        drawn = draw(self.computation, seed)
        values = {**drawn.parameters, "answer": drawn.answer}
        question = NumericQuestion(
            id=self.id,
            prompt=fill_template(self.prompt, values),
            points=self.points,
            objectives=self.objectives,
            explanation=fill_template(self.explanation, values),
            references=self.references,
            hints=tuple(fill_template(hint, values) for hint in self.hints),
            mode=self.mode,
            role=self.role,
            line=self.line,
            answer=drawn.answer,
            tolerance=self.tolerance,
            relative_tolerance=self.relative_tolerance,
            units=self.units,
        )
        if len(self._cache) < 4096:
            self._cache[seed] = question
        return question

    def grade(self, response: Any, seed: int = 0) -> Result:
        """Grade ``response`` against the numbers drawn for ``seed``."""
        return self.for_seed(seed).grade(response)


@dataclass(frozen=True, kw_only=True)
class ReflectionQuestion(Question):
    """A written reflection or prediction: recorded with the learner's progress, never graded.

    It is worth 0 points whatever the bank says, so it never changes a score; "checking" it
    saves the text (the widget records every attempt) and shows ``guidance`` and the
    explanation, which say what a good answer would weigh up.
    """

    type: ClassVar[str] = "reflection"
    guidance: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", 0.0)

    def grade(self, response: Any) -> Result:
        """Accept any non-empty text up to :data:`MAX_REFLECTION_RESPONSE` characters."""
        if not isinstance(response, str):
            raise self._error(f"expected text, got {response!r}")
        if not response.strip():
            raise self._error("write something before saving")
        if len(response) > MAX_REFLECTION_RESPONSE:
            raise self._error(f"keep the text under {MAX_REFLECTION_RESPONSE} characters")
        words = len(response.split())
        saved = f"Saved ({words} word{'s' if words != 1 else ''}); reflections are not graded."
        return Result(0.0, 0.0, True, _join([saved, self.guidance]))


#: Question classes by the ``type`` a bank gives them.
QUESTION_TYPES: dict[str, type[Question]] = {
    cls.type: cls
    for cls in (
        SingleChoiceQuestion,
        MultipleChoiceQuestion,
        TrueFalseQuestion,
        NumericQuestion,
        MatchingQuestion,
        OrderingQuestion,
        ShortTextQuestion,
        ComputedQuestion,
        ReflectionQuestion,
    )
}


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
