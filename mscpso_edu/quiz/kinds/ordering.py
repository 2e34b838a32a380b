"""``ordering``: put the steps in order; credit is the fraction in place.

The response is the step texts in the learner's order. Steps are shown in an order that is never
the right one, its reverse, or alphabetical (:func:`mscpso_edu.quiz.shuffle.ordering_display`).
An LMS gets it as matching ("Step 1" -> item).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ..markup import plain
from ..shuffle import ordering_display
from ._base import MatchPair, OrderItem, Question, Result, join_parts
from ._choices import duplicates
from ._registry import Kind, Problem, Warn, register
from ._release import keyed_hash, keyless
from ._render import CHOOSE, WIDE, items_html

if TYPE_CHECKING:  # pragma: no cover - numpy only for annotations
    import numpy as np

__all__ = ["OrderingQuestion"]

_FIELDS = {
    "required": ["steps"],
    "properties": {
        "steps": {
            "description": "The items in the correct order.",
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "required": ["text", "feedback"],
                "additionalProperties": False,
                "properties": {
                    "text": {"$ref": "#/$defs/text"},
                    "feedback": {"$ref": "#/$defs/text"},
                },
            },
        }
    },
}


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
        return self._result(placed / len(self.items), join_parts([verdict, *notes]))


class _Ordering(Kind):
    name = "ordering"
    question_class = OrderingQuestion
    schema_fields = _FIELDS

    def build(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        items = tuple(OrderItem(s["text"], s["feedback"]) for s in raw["steps"])
        return OrderingQuestion(items=items, **common)

    def check(self, raw: Mapping[str, Any], problem: Problem) -> None:
        for text in duplicates([s["text"] for s in raw["steps"]]):
            problem(("steps",), f"step {text!r} appears twice")

    def control(self, panel: Any, question: Any, seed: int) -> Any:
        import ipywidgets as widgets

        steps = ordering_display([item.text for item in question.items], seed)
        for number in range(1, len(question.items) + 1):
            panel.inputs[number] = widgets.Dropdown(
                options=[(CHOOSE, None), *((plain(s), s) for s in steps)],
                value=None,
                description=f"Step {number}",
                style=WIDE,
                layout={"width": "auto"},
            )
        return widgets.VBox(list(panel.inputs.values()))

    def response(self, panel: Any) -> Any:
        return [box.value for box in panel.inputs.values()]

    def static_parts(self, question: Any, seed: int) -> tuple[str, str]:
        steps = ordering_display([item.text for item in question.items], seed)
        options = "<p>Put these in order:</p>" + items_html(steps)
        answer = items_html([item.text for item in question.items], "ol")
        return options, "<p><strong>Order:</strong></p>" + answer

    def exam_fields(self, question: Any, seed: int) -> dict[str, Any]:
        return {"steps": ordering_display([item.text for item in question.items], seed)}

    def practice_fields(self, question: Any, salt: str, seed: int) -> dict[str, Any]:
        key = [item.text for item in question.items]
        feedback = {item.text: item.feedback for item in question.items}
        return {
            "steps": [{"text": t, "feedback": feedback[t]} for t in ordering_display(key, seed)],
            "keys": [
                keyed_hash(salt, question.id, f"{position}\x1e{text}")
                for position, text in enumerate(key)
            ],
        }

    def exam_question(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        items = tuple(OrderItem(text, "") for text in raw["steps"])
        return keyless(OrderingQuestion)(items=items, **common)  # type: ignore[call-arg]

    def practice_question(
        self, raw: Mapping[str, Any], common: dict[str, Any], salt: str
    ) -> Question:
        from ...errors import CourseError

        steps = {step["text"]: step["feedback"] for step in raw["steps"]}
        ordered = []
        for position, key in enumerate(raw["keys"]):
            text = next(
                (t for t in steps if keyed_hash(salt, raw["id"], f"{position}\x1e{t}") == key),
                None,
            )
            if text is None:
                raise CourseError(f"question {raw['id']!r}: an ordering key fits no step")
            ordered.append(OrderItem(text, steps[text]))
        return OrderingQuestion(items=tuple(ordered), **common)

    def lms_question(self, question: Any, warn: Warn) -> Question:
        from .matching import MatchingQuestion

        warn(f"{question.id}: an LMS has no ordering type; exported as matching (Step n -> item)")
        pairs = tuple(
            MatchPair(f"Step {n}", item.text, item.feedback)
            for n, item in enumerate(question.items, 1)
        )
        fields = {
            name: getattr(question, name)
            for name in (
                "id", "prompt", "points", "objectives", "explanation", "references", "hints",
                "mode", "role", "line",
            )
        }  # fmt: skip
        return MatchingQuestion(pairs=pairs, **fields)

    def correct_response(self, question: Any) -> Any:
        return [item.text for item in question.items]

    def wrong_response(self, question: Any, rng: np.random.Generator) -> Any:
        return [item.text for item in reversed(question.items)]


KIND = register(_Ordering())
