"""``single``: pick exactly one choice; exactly one is right."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import Choice, Question, Result, check_choice_id, join_parts
from ._choices import ChoiceKind, radio
from ._registry import Problem, register

if TYPE_CHECKING:  # pragma: no cover - numpy only for annotations
    import numpy as np

__all__ = ["SingleChoiceQuestion"]


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
        choice = check_choice_id(self, response, self._by_id)
        verdict = "Correct." if choice.correct else "Not quite."
        return self._result(1.0 if choice.correct else 0.0, join_parts([verdict, choice.feedback]))


class _Single(ChoiceKind):
    name = "single"
    question_class = SingleChoiceQuestion

    def check(self, raw: Mapping[str, Any], problem: Problem) -> None:
        super().check(raw, problem)
        correct = [c for c in raw["choices"] if c.get("correct")]
        if len(correct) != 1:
            problem(
                ("choices",),
                "a single-choice question needs exactly one choice with 'correct: true', "
                f"found {len(correct)}",
            )

    def control(self, panel: Any, question: Question, seed: int) -> Any:
        return radio(question, seed)

    def correct_response(self, question: Any) -> Any:
        return next(choice.id for choice in question.choices if choice.correct)

    def wrong_response(self, question: Any, rng: np.random.Generator) -> Any:
        wrong = [choice.id for choice in question.choices if not choice.correct]
        return wrong[int(rng.integers(len(wrong)))]

    def picked(self, question: Question, response: Any) -> list[str]:
        return [response] if isinstance(response, str) else []


KIND = register(_Single())
