"""``multiple``: tick every right choice; scored right minus wrong, floored at zero.

With ``C`` right choices, a learner who ticks ``r`` of them and ``w`` wrong ones earns
``points * max(0, (r - w) / C)``: ticking everything earns nothing, leaving one right choice out
costs one ``C``-th.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import Choice, Question, Result, check_choice_id, join_parts
from ._choices import ChoiceKind, checkboxes
from ._registry import Problem, register

if TYPE_CHECKING:  # pragma: no cover - numpy only for annotations
    import numpy as np

__all__ = ["MultipleChoiceQuestion"]


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
        ticked = [check_choice_id(self, value, self._by_id) for value in response]
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
        return self._result(fraction, join_parts([verdict, *notes]))


class _Multiple(ChoiceKind):
    name = "multiple"
    question_class = MultipleChoiceQuestion

    def check(self, raw: Mapping[str, Any], problem: Problem) -> None:
        super().check(raw, problem)
        if not any(c.get("correct") for c in raw["choices"]):
            problem(("choices",), "no choice is marked 'correct: true'")

    def control(self, panel: Any, question: Question, seed: int) -> Any:
        return checkboxes(panel, question, seed)

    def response(self, panel: Any) -> Any:
        return [cid for cid, box in panel.inputs.items() if box.value]

    def correct_response(self, question: Any) -> Any:
        return [choice.id for choice in question.choices if choice.correct]

    def wrong_response(self, question: Any, rng: np.random.Generator) -> Any:
        wrong = [choice.id for choice in question.choices if not choice.correct]
        right = [choice.id for choice in question.choices if choice.correct]
        return right[:-1] + wrong[: int(rng.integers(len(wrong) + 1))] if wrong else right[:-1]

    def picked(self, question: Question, response: Any) -> list[str]:
        if not isinstance(response, list):
            return []
        return [value for value in response if isinstance(value, str)]


KIND = register(_Multiple())
