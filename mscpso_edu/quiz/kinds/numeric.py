"""``numeric``: a number, right within an absolute or a relative tolerance (either suffices).

The response is a number, or text holding one, optionally followed by the units. In a practice
copy the answer is known only as hashed tolerance-sized buckets, and the explanation (which
states the answer) is sealed: it opens only with an accepted answer.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ..markup import render_inline
from ._base import Mistake, Question, ResponseError, Result, format_number, join_parts, parse_number
from ._registry import Kind, register
from ._release import bucket_width, keyed_hash, keyless, numeric_buckets, seal, unseal
from ._render import NOT_IN_COPY, WIDE

if TYPE_CHECKING:  # pragma: no cover - numpy only for annotations
    import numpy as np

__all__ = ["TOLERANCE_DEFS", "HashedNumericQuestion", "NumericQuestion"]

#: Tolerances and units, shared with ``computed``.
TOLERANCE_DEFS = {
    "toleranceFields": {
        "properties": {
            "tolerance": {"$ref": "#/$defs/nonNegative", "description": "Absolute tolerance."},
            "relative_tolerance": {
                "$ref": "#/$defs/nonNegative",
                "description": "As a fraction: 0.05 is 5 %.",
            },
            "units": {"type": "string"},
        }
    }
}
_FIELDS = {
    "required": ["answer"],
    "$ref": "#/$defs/toleranceFields",
    "properties": {
        "answer": {"type": "number"},
        "mistakes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["answer", "feedback"],
                "additionalProperties": False,
                "properties": {"answer": {"type": "number"}, "feedback": {"$ref": "#/$defs/text"}},
            },
        },
    },
}


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
        notes = [f"Not quite: {format_number(value)}{units} is not within the accepted range."]
        for mistake in self.mistakes:
            if abs(value - mistake.answer) <= self._slack:
                notes.append(mistake.feedback)
                break
        return self._result(0.0, join_parts(notes))


class HashedNumericQuestion(NumericQuestion):
    """A numeric practice question whose answer is known only as hashed buckets, and whose
    explanation opens only with an accepted answer."""

    sealed = True

    def grade(self, response: Any) -> Result:
        """Grade a number against the hashed buckets."""
        try:
            value = parse_number(response, self.units)
        except ResponseError as error:
            raise self._error(error.message) from None
        salt, width, keys, sealed = self._hashed  # type: ignore[attr-defined]
        bucket = str(math.floor(value / width))
        digest = keyed_hash(salt, self.id, bucket)
        if digest in keys:
            opened = unseal(sealed[digest], salt, self.id, bucket) if digest in sealed else None
            return Result(self.points, self.points, True, "Correct.", opened)
        return self._result(0.0, "Not quite: that is not within the accepted range.")


def number_box(question: Any) -> Any:
    """A text box for a number, labelled with the units (also used by ``computed``)."""
    import ipywidgets as widgets

    units = f" ({question.units})" if question.units else ""
    return widgets.Text(
        value="",
        description=f"Answer{units}",
        placeholder="a number, e.g. 12.5",
        continuous_update=False,
        style=WIDE,
    )


def number_answer_html(question: Any) -> tuple[str, str]:
    """The static copy's answer of a numeric question (also used by ``computed``)."""
    if isinstance(question, HashedNumericQuestion):
        return "", NOT_IN_COPY
    units = f" {render_inline(question.units)}" if question.units else ""
    return "", f"<p><strong>Answer:</strong> {html.escape(f'{question.answer:g}')}{units}</p>"


class _Numeric(Kind):
    name = "numeric"
    question_class = NumericQuestion
    schema_fields = _FIELDS
    schema_defs = TOLERANCE_DEFS
    seals_explanation = True

    def build(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        mistakes = tuple(
            Mistake(float(m["answer"]), m["feedback"]) for m in raw.get("mistakes", ())
        )
        return NumericQuestion(
            answer=float(raw["answer"]),
            mistakes=mistakes,
            tolerance=float(raw.get("tolerance", 0.0)),
            relative_tolerance=float(raw.get("relative_tolerance", 0.0)),
            units=raw.get("units", ""),
            **common,
        )

    def control(self, panel: Any, question: Question, seed: int) -> Any:
        return number_box(question)

    def static_parts(self, question: Question, seed: int) -> tuple[str, str]:
        return number_answer_html(question)

    def exam_fields(self, question: Any, seed: int) -> dict[str, Any]:
        return {"units": question.units}

    def practice_fields(self, question: Any, salt: str, seed: int) -> dict[str, Any]:
        width = bucket_width(question.answer, question.tolerance, question.relative_tolerance)
        buckets = [str(b) for b in numeric_buckets(question.answer, width)]
        return {
            "units": question.units,
            "bucket": width,
            "keys": sorted(keyed_hash(salt, question.id, b) for b in buckets),
            # The explanation states the answer: sealed, it opens only with an accepted answer.
            "sealed": {
                keyed_hash(salt, question.id, b): seal(question.explanation, salt, question.id, b)
                for b in buckets
            },
        }

    def exam_question(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return keyless(NumericQuestion)(answer=0.0, units=raw.get("units", ""), **common)  # type: ignore[call-arg]

    def practice_question(
        self, raw: Mapping[str, Any], common: dict[str, Any], salt: str
    ) -> Question:
        question = HashedNumericQuestion(answer=0.0, units=raw.get("units", ""), **common)
        hashed = (salt, float(raw["bucket"]), frozenset(raw["keys"]), dict(raw.get("sealed", {})))
        object.__setattr__(question, "_hashed", hashed)
        return question

    def correct_response(self, question: Any) -> Any:
        return question.answer

    def wrong_response(self, question: Any, rng: np.random.Generator) -> Any:
        return question.answer * 2.0 + 1.0


KIND = register(_Numeric())
