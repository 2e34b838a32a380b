"""``reflection``: free text, recorded in the progress store, never graded automatically.

A reflection is worth 0 points unless the bank gives it ``points:``; then the instructor marks it
by hand (``mscpso-edu grade --marking-sheet`` lists the answers, ``--marks`` merges the marks)
and the widget says "marked by your instructor". An optional ``rubric`` lists the criteria it is
marked by (their points add up to the question's). ``guidance`` is shown after saving: what a
good answer weighs up. An LMS gets an essay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..markup import render
from ._base import MAX_REFLECTION_RESPONSE, Question, Result, format_number, join_parts
from ._registry import Kind, Problem, register
from ._render import WIDE

if TYPE_CHECKING:  # pragma: no cover - numpy only for annotations
    import numpy as np

__all__ = ["ReflectionQuestion", "RubricCriterion"]

_FIELDS = {
    "description": "Free text recorded in the progress store, never graded automatically: worth "
    "0 points unless the question gives points, then marked by hand by the instructor.",
    "properties": {
        "guidance": {
            "$ref": "#/$defs/text",
            "description": "Shown after saving: what a good answer weighs up.",
        },
        "rubric": {
            "type": "array",
            "minItems": 1,
            "description": "The criteria the instructor marks by; with points, their points add "
            "up to the question's.",
            "items": {
                "type": "object",
                "required": ["criterion", "points", "full_marks"],
                "additionalProperties": False,
                "properties": {
                    "criterion": {"$ref": "#/$defs/text"},
                    "points": {"type": "number", "exclusiveMinimum": 0},
                    "full_marks": {
                        "$ref": "#/$defs/text",
                        "description": "What earns all of the criterion's points.",
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True, slots=True)
class RubricCriterion:
    """One criterion of a reflection's rubric: its name, its points and what earns them all."""

    criterion: str
    points: float
    full_marks: str

    def describe(self) -> str:
        """The criterion on one line, as the marking sheet gives it."""
        return f"{self.criterion} (0-{format_number(self.points)}): {self.full_marks}"


@dataclass(frozen=True, kw_only=True)
class ReflectionQuestion(Question):
    """A written reflection, prediction or defence: recorded, never graded automatically.

    It is worth 0 points unless the bank gives it ``points``; then the instructor marks it by
    hand (:attr:`Question.marked_by_hand`) and, until marked, it earns nothing and counts as
    awaiting marking. "Checking" it saves the text (the widget records every attempt) and shows
    ``guidance`` and the explanation, which say what a good answer would weigh up.
    """

    type: ClassVar[str] = "reflection"
    graded: ClassVar[bool] = False
    points: float = 0.0
    guidance: str = ""
    rubric: tuple[RubricCriterion, ...] = ()

    def grade(self, response: Any) -> Result:
        """Accept any non-empty text up to :data:`MAX_REFLECTION_RESPONSE` characters."""
        if not isinstance(response, str):
            raise self._error(f"expected text, got {response!r}")
        if not response.strip():
            raise self._error("write something before saving")
        if len(response) > MAX_REFLECTION_RESPONSE:
            raise self._error(f"keep the text under {MAX_REFLECTION_RESPONSE} characters")
        words = len(response.split())
        count = f"{words} word{'s' if words != 1 else ''}"
        if self.points > 0:
            worth = f"{format_number(self.points)} point{'s' if self.points != 1 else ''}"
            saved = f"Saved ({count}); your instructor marks it ({worth})."
            return Result(0.0, self.points, False, join_parts([saved, self.guidance]))
        saved = f"Saved ({count}); reflections are not graded."
        return Result(0.0, 0.0, True, join_parts([saved, self.guidance]))


class _Reflection(Kind):
    name = "reflection"
    question_class = ReflectionQuestion
    schema_fields = _FIELDS

    def build(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        # Worth 0 points unless the bank says otherwise (other types default to 1).
        common = {**common, "points": float(raw.get("points", 0))}
        rubric = tuple(
            RubricCriterion(str(c["criterion"]), float(c["points"]), str(c["full_marks"]))
            for c in raw.get("rubric", ())
        )
        return ReflectionQuestion(guidance=raw.get("guidance", ""), rubric=rubric, **common)

    def check(self, raw: Mapping[str, Any], problem: Problem) -> None:
        rubric = raw.get("rubric", ())
        names = [str(c["criterion"]) for c in rubric]
        for name in sorted({n for n in names if names.count(n) > 1}):
            problem(("rubric",), f"criterion {name!r} appears twice")
        total = sum(float(c["points"]) for c in rubric)
        points = float(raw.get("points", 0))
        if rubric and points > 0 and abs(total - points) > 1e-9:
            problem(
                ("points",),
                f"the rubric's criteria add up to {format_number(total)} points but the "
                f"question is worth {format_number(points)}; make them agree",
            )

    def control(self, panel: Any, question: Question, seed: int) -> Any:
        import ipywidgets as widgets

        marked = "marked by your instructor" if question.points > 0 else "not graded"
        return widgets.Textarea(
            value="",
            description="Your text",
            placeholder=f"write a few sentences; saved with your progress, {marked}",
            rows=6,
            style=WIDE,
            layout={"width": "95%"},
        )

    def static_parts(self, question: Any, seed: int) -> tuple[str, str]:
        guidance = render(question.guidance) if question.guidance else ""
        marked = "marked by your instructor" if question.points > 0 else "not graded"
        return f"<p>Write a few sentences ({marked}).</p>", guidance

    def exam_fields(self, question: Any, seed: int) -> dict[str, Any]:
        return _copy_fields(question)

    def practice_fields(self, question: Any, salt: str, seed: int) -> dict[str, Any]:
        return _copy_fields(question)

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


def _copy_fields(question: Any) -> dict[str, Any]:
    """What a student copy keeps: the guidance and the published rubric (no key to hide)."""
    fields: dict[str, Any] = {"guidance": question.guidance}
    if question.rubric:
        fields["rubric"] = [
            {"criterion": c.criterion, "points": c.points, "full_marks": c.full_marks}
            for c in question.rubric
        ]
    return fields


KIND = register(_Reflection())
