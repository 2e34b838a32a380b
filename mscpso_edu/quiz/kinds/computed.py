"""``computed``: a numeric question whose numbers are drawn for each learner by a registered
computation (:mod:`mscpso_edu.quiz.computed`).

``prompt`` and ``explanation`` may use ``{{name}}`` placeholders for the drawn parameters and
``{{answer}}`` for the answer. An exam copy draws the learner's numbers but only records the
answer; an LMS gets the numbers of seed 0, the same for everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import Question, Result, fill_template, template_names
from ._registry import Kind, Problem, Warn, register
from ._release import keyless
from .numeric import TOLERANCE_DEFS, NumericQuestion, number_answer_html, number_box

if TYPE_CHECKING:  # pragma: no cover - numpy only for annotations
    import numpy as np

__all__ = ["ComputedQuestion", "KeylessComputedQuestion"]

_FIELDS = {
    "required": ["computation"],
    "$ref": "#/$defs/toleranceFields",
    "properties": {"computation": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}},
}


@dataclass(frozen=True, kw_only=True)
class ComputedQuestion(Question):
    """A numeric question whose numbers are drawn for each learner by a registered computation.

    ``prompt`` and ``explanation`` may use ``{{name}}`` placeholders for the drawn parameters and
    ``{{answer}}`` for the answer. :meth:`for_seed` gives the concrete numeric question one learner
    sees; :meth:`grade` grades against the draw for ``seed`` 0 unless told otherwise.
    """

    type: ClassVar[str] = "computed"
    drawn_per_learner: ClassVar[bool] = True
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
        from ..computed import draw

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


class KeylessComputedQuestion(ComputedQuestion):
    """An exam computed question: the learner's numbers are drawn, the answer is only recorded."""

    def for_seed(self, seed: int) -> NumericQuestion:
        """Return the drawn question without its answer or explanation (graded later)."""
        drawn = super().for_seed(seed)
        return keyless(NumericQuestion)(
            id=drawn.id,
            prompt=drawn.prompt,
            points=drawn.points,
            objectives=drawn.objectives,
            explanation="",
            references=drawn.references,
            hints=drawn.hints,
            mode=drawn.mode,
            role=drawn.role,
            line=drawn.line,
            answer=0.0,
            units=drawn.units,
        )  # type: ignore[call-arg]


class _Computed(Kind):
    name = "computed"
    question_class = ComputedQuestion
    schema_fields = _FIELDS
    schema_defs = TOLERANCE_DEFS

    def build(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return ComputedQuestion(
            computation=raw["computation"],
            tolerance=float(raw.get("tolerance", 0.0)),
            relative_tolerance=float(raw.get("relative_tolerance", 0.0)),
            units=raw.get("units", ""),
            **common,
        )

    def check(self, raw: Mapping[str, Any], problem: Problem) -> None:
        """The computation exists and gives every placeholder the texts use."""
        from ...errors import CourseError
        from ..computed import draw

        name = raw["computation"]
        try:
            drawn = draw(name, 0)
        except CourseError as error:
            problem(("computation",), error.message)
            return
        available = {*drawn.parameters, "answer"}
        for key in ("prompt", "explanation"):
            for unknown in sorted(template_names(raw[key]) - available):
                problem(
                    (key,),
                    f"placeholder {{{{{unknown}}}}} is not given by computation {name!r} "
                    f"(it gives: {', '.join(sorted(available))})",
                )

    # A computed question is drawn (for_seed) before it is shown or graded: the drawn question
    # is a numeric one, so the widget, static copy and responses below are numeric ones.
    def control(self, panel: Any, question: Question, seed: int) -> Any:
        return number_box(question)

    def static_parts(self, question: Question, seed: int) -> tuple[str, str]:
        return number_answer_html(question)

    def exam_fields(self, question: Any, seed: int) -> dict[str, Any]:
        return {"computation": question.computation, "units": question.units}

    def practice_fields(self, question: Any, salt: str, seed: int) -> dict[str, Any]:
        return {
            "computation": question.computation,
            "tolerance": question.tolerance,
            "relative_tolerance": question.relative_tolerance,
            "units": question.units,
        }

    def exam_question(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return KeylessComputedQuestion(
            computation=raw["computation"], units=raw.get("units", ""), **common
        )

    def practice_question(
        self, raw: Mapping[str, Any], common: dict[str, Any], salt: str
    ) -> Question:
        return self.build(raw, common)

    def lms_question(self, question: Any, warn: Warn) -> Question:
        warn(
            f"{question.id}: computed question exported as numeric with the seed-0 numbers "
            "(every student sees the same numbers)"
        )
        return question.for_seed(0)

    def correct_response(self, question: Any) -> Any:
        return question.answer

    def wrong_response(self, question: Any, rng: np.random.Generator) -> Any:
        return question.answer * 2.0 + 1.0


KIND = register(_Computed())
