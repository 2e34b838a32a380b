"""``true_false``: a statement to judge true or false."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import Question, Result, join_parts
from ._registry import Kind, register
from ._release import keyed_hash, keyless

if TYPE_CHECKING:  # pragma: no cover - numpy only for annotations
    import numpy as np

__all__ = ["TrueFalseQuestion"]

_FIELDS = {
    "required": ["answer", "feedback_true", "feedback_false"],
    "properties": {
        "answer": {"type": "boolean"},
        "feedback_true": {"$ref": "#/$defs/text"},
        "feedback_false": {"$ref": "#/$defs/text"},
    },
}


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
            return self._result(1.0, join_parts(["Correct.", feedback]))
        return self._result(0.0, join_parts(["Not quite.", feedback]))


class _TrueFalse(Kind):
    name = "true_false"
    question_class = TrueFalseQuestion
    schema_fields = _FIELDS

    def build(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return TrueFalseQuestion(
            answer=raw["answer"],
            feedback_true=raw["feedback_true"],
            feedback_false=raw["feedback_false"],
            **common,
        )

    def control(self, panel: Any, question: Question, seed: int) -> Any:
        import ipywidgets as widgets

        return widgets.RadioButtons(
            options=[("True", True), ("False", False)], value=None, description="Answer"
        )

    def static_parts(self, question: Any, seed: int) -> tuple[str, str]:
        return "<p>True or false?</p>", f"<p><strong>Answer:</strong> {question.answer}</p>"

    def practice_fields(self, question: Any, salt: str, seed: int) -> dict[str, Any]:
        return {
            "key": keyed_hash(salt, question.id, "true" if question.answer else "false"),
            "feedback_true": question.feedback_true,
            "feedback_false": question.feedback_false,
        }

    def exam_question(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return keyless(TrueFalseQuestion)(
            answer=False, feedback_true="", feedback_false="", **common
        )  # type: ignore[call-arg]

    def practice_question(
        self, raw: Mapping[str, Any], common: dict[str, Any], salt: str
    ) -> Question:
        return TrueFalseQuestion(
            answer=keyed_hash(salt, raw["id"], "true") == raw["key"],
            feedback_true=raw["feedback_true"],
            feedback_false=raw["feedback_false"],
            **common,
        )

    def correct_response(self, question: Any) -> Any:
        return question.answer

    def wrong_response(self, question: Any, rng: np.random.Generator) -> Any:
        return not question.answer

    def answer_options(self, question: Any) -> tuple[dict[str, str], tuple[str, ...]]:
        return {"true": "True", "false": "False"}, ("true" if question.answer else "false",)

    def picked(self, question: Question, response: Any) -> list[str]:
        return ["true" if response else "false"] if isinstance(response, bool) else []


KIND = register(_TrueFalse())
