"""``reflection``: free text, recorded in the progress store and never graded (0 points).

``guidance`` is shown after saving: what a good answer weighs up. An LMS gets an essay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..markup import render
from ._base import MAX_REFLECTION_RESPONSE, Question, Result, join_parts
from ._registry import Kind, register
from ._render import WIDE

if TYPE_CHECKING:  # pragma: no cover - numpy only for annotations
    import numpy as np

__all__ = ["ReflectionQuestion"]

_FIELDS = {
    "description": "Free text recorded in the progress store and never graded (0 points).",
    "properties": {
        "guidance": {
            "$ref": "#/$defs/text",
            "description": "Shown after saving: what a good answer weighs up.",
        }
    },
}


@dataclass(frozen=True, kw_only=True)
class ReflectionQuestion(Question):
    """A written reflection or prediction: recorded with the learner's progress, never graded.

    It is worth 0 points whatever the bank says, so it never changes a score; "checking" it
    saves the text (the widget records every attempt) and shows ``guidance`` and the
    explanation, which say what a good answer would weigh up.
    """

    type: ClassVar[str] = "reflection"
    graded: ClassVar[bool] = False
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
        return Result(0.0, 0.0, True, join_parts([saved, self.guidance]))


class _Reflection(Kind):
    name = "reflection"
    question_class = ReflectionQuestion
    schema_fields = _FIELDS

    def build(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return ReflectionQuestion(guidance=raw.get("guidance", ""), **common)

    def control(self, panel: Any, question: Question, seed: int) -> Any:
        import ipywidgets as widgets

        return widgets.Textarea(
            value="",
            description="Your text",
            placeholder="write a few sentences; saved with your progress, not graded",
            rows=6,
            style=WIDE,
            layout={"width": "95%"},
        )

    def static_parts(self, question: Any, seed: int) -> tuple[str, str]:
        guidance = render(question.guidance) if question.guidance else ""
        return "<p>Write a few sentences (not graded).</p>", guidance

    def exam_fields(self, question: Any, seed: int) -> dict[str, Any]:
        return {"guidance": question.guidance}

    def practice_fields(self, question: Any, salt: str, seed: int) -> dict[str, Any]:
        return {"guidance": question.guidance}

    def exam_question(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return self.build(raw, common)

    def practice_question(
        self, raw: Mapping[str, Any], common: dict[str, Any], salt: str
    ) -> Question:
        return self.build(raw, common)

    def correct_response(self, question: Any) -> Any:
        return "A synthetic reflection."

    def wrong_response(self, question: Any, rng: np.random.Generator) -> Any:
        return "A synthetic reflection."


KIND = register(_Reflection())
