"""The registry of question types and the :class:`Kind` each type module registers.

A kind is everything the course knows about one question type, in one place: its bank schema,
how a question is built from YAML and checked, how it is graded (its :class:`Question` class), the
widget control and the static copy that show it, how a student copy keeps it (no key in exam mode,
hashed keys in practice mode) and reads it back, how it goes to an LMS, the responses a synthetic
student gives and the options item analysis counts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ._base import Question

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["KINDS", "QUESTION_TYPES", "Kind", "Problem", "Warn", "kind_of", "register"]

#: ``problem(path inside the question, message)``: report a problem with a bank question.
Problem = Callable[[tuple[str | int, ...], str], None]
#: ``warn(message)``: say what an export could not express.
Warn = Callable[[str], None]


class Kind(ABC):
    """One question type. Subclass it in the type's module and :func:`register` an instance;
    a subclass that leaves out a method the course needs cannot be instantiated.

    Attributes
    ----------
    name
        The ``type:`` banks use (``"single"``).
    question_class
        The :class:`Question` subclass that holds and grades it.
    schema_fields
        The JSON Schema the type's own fields must satisfy (applied when ``type`` is ``name``).
    schema_defs
        Named schema parts the fields refer to as ``#/$defs/<name>`` (shared ones may appear in
        several kinds, identically).
    """

    name: str = ""
    question_class: type[Question] = Question
    schema_fields: Mapping[str, Any] = {}
    schema_defs: Mapping[str, Mapping[str, Any]] = {}

    # --- the bank ---------------------------------------------------------------------------

    @abstractmethod
    def build(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        """Build the question from its validated YAML; ``common`` holds the shared fields."""

    def check(self, raw: Mapping[str, Any], problem: Problem) -> None:  # noqa: B027
        """Report what the schema cannot see (duplicates, exactly one right answer...); most
        types have nothing to add, so the default reports nothing."""

    # --- the learner's widget and the static copy ----------------------------------------------

    @abstractmethod
    def control(self, panel: Any, question: Question, seed: int) -> Any:
        """Return the widget the learner answers with; fill ``panel.inputs`` if it has parts."""

    def response(self, panel: Any) -> Any:
        """Return the response the panel's controls hold, in the form ``grade`` takes."""
        return panel.control.value

    @abstractmethod
    def static_parts(self, question: Question, seed: int) -> tuple[str, str]:
        """Return the options and the answer as HTML for the static copy."""

    # --- the student copy ---------------------------------------------------------------------

    #: True when the practice copy seals the explanation (it states the answer).
    seals_explanation: bool = False

    def exam_fields(self, question: Question, seed: int) -> dict[str, Any]:
        """What an exam copy shows of the question beyond the shared fields (no key at all)."""
        return {}

    def practice_fields(self, question: Question, salt: str, seed: int) -> dict[str, Any]:
        """What a practice copy holds beyond the shared fields: the key as salted hashes."""
        return {}

    @abstractmethod
    def exam_question(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        """Read an exam copy's question back: it checks a response's kind and records it."""

    @abstractmethod
    def practice_question(
        self, raw: Mapping[str, Any], common: dict[str, Any], salt: str
    ) -> Question:
        """Read a practice copy's question back: graded against the hashed key."""

    # --- the instructor's side ----------------------------------------------------------------

    def lms_question(self, question: Question, warn: Warn) -> Question | None:
        """The question as an LMS can take it: itself, the nearest type (with a warning), or
        None when no LMS item can hold it (left out, with a warning)."""
        return question

    @abstractmethod
    def correct_response(self, question: Question) -> Any:
        """A fully correct response (a computed question must be drawn first)."""

    @abstractmethod
    def wrong_response(self, question: Question, rng: np.random.Generator) -> Any:
        """A plausible wrong response."""

    def answer_options(self, question: Question) -> tuple[dict[str, str], tuple[str, ...]]:
        """For item analysis: option id -> label, and the right ids (none when not a choice)."""
        return {}, ()

    def picked(self, question: Question, response: Any) -> list[str]:
        """For item analysis: the option ids a response picked."""
        return []


#: Every registered kind by its type name, in the order they were registered.
KINDS: dict[str, Kind] = {}
#: Question classes by the ``type`` a bank gives them, in the same order.
QUESTION_TYPES: dict[str, type[Question]] = {}


def register(kind: Kind) -> Kind:
    """Register ``kind`` under its name (each name once); return it."""
    if kind.name in KINDS and type(KINDS[kind.name]) is not type(kind):
        raise ValueError(f"question type {kind.name!r} is registered twice")
    KINDS[kind.name] = kind
    QUESTION_TYPES[kind.name] = kind.question_class
    return kind


def kind_of(question: Question | str) -> Kind:
    """Return the kind of a question, or of a type name."""
    name = question if isinstance(question, str) else question.type
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown question type {name!r}") from None
