"""``short_text``: a word or a short phrase, compared after normalising case, spacing,
punctuation and Greek letters (:mod:`mscpso_edu.quiz.textnorm`).

In a practice copy the accepted answers are known only as hashes, and the explanation and each
mistake's feedback are sealed: they open only with the answer that earns them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ..markup import render_inline
from ..textnorm import normalise_answer
from ._base import MAX_TEXT_RESPONSE, Mistake, Question, Result, join_parts
from ._registry import Kind, Problem, register
from ._release import keyed_hash, keyless, seal, unseal
from ._render import NOT_IN_COPY, WIDE

if TYPE_CHECKING:  # pragma: no cover - numpy only for annotations
    import numpy as np

__all__ = ["HashedShortTextQuestion", "ShortTextQuestion"]

_FIELDS = {
    "required": ["accept"],
    "properties": {
        "accept": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/text"}},
        "mistakes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["answer", "feedback"],
                "additionalProperties": False,
                "properties": {
                    "answer": {"$ref": "#/$defs/text"},
                    "feedback": {"$ref": "#/$defs/text"},
                },
            },
        },
    },
}


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

    def _typed(self, response: Any) -> str:
        """The learner's text, normalised; an error if it is not text, too long or empty."""
        if not isinstance(response, str):
            raise self._error(f"expected text, got {response!r}")
        if len(response) > MAX_TEXT_RESPONSE:
            raise self._error(f"keep the answer under {MAX_TEXT_RESPONSE} characters")
        typed = normalise_answer(response)
        if not typed:
            raise self._error("type an answer before checking")
        return typed

    def grade(self, response: Any) -> Result:
        """Grade a typed answer."""
        typed = self._typed(response)
        if typed in self._accepted:
            return self._result(1.0, "Correct.")
        return self._result(0.0, join_parts(["Not quite.", self._mistake_feedback.get(typed, "")]))


class HashedShortTextQuestion(ShortTextQuestion):
    """A short-text practice question whose accepted answers are known only as hashes, and
    whose explanation and mistake feedback open only with the answer that earns them."""

    sealed = True

    def grade(self, response: Any) -> Result:
        """Grade typed text against the hashed accepted answers."""
        typed = self._typed(response)
        salt, accepted, mistakes, sealed = self._hashed  # type: ignore[attr-defined]
        digest = keyed_hash(salt, self.id, typed)
        if digest in accepted:
            opened = unseal(sealed[digest], salt, self.id, typed) if digest in sealed else None
            return Result(self.points, self.points, True, "Correct.", opened)
        mistake = unseal(mistakes[digest], salt, self.id, typed) if digest in mistakes else None
        return self._result(0.0, join_parts(["Not quite.", mistake or ""]))


class _ShortText(Kind):
    name = "short_text"
    question_class = ShortTextQuestion
    schema_fields = _FIELDS
    seals_explanation = True

    def build(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        mistakes = tuple(Mistake(m["answer"], m["feedback"]) for m in raw.get("mistakes", ()))
        return ShortTextQuestion(accept=tuple(raw["accept"]), mistakes=mistakes, **common)

    def check(self, raw: Mapping[str, Any], problem: Problem) -> None:
        accepted = {normalise_answer(a) for a in raw["accept"]}
        if "" in accepted:
            problem(("accept",), "an accepted answer is only spaces or punctuation")
        for index, mistake in enumerate(raw.get("mistakes", ())):
            if normalise_answer(mistake["answer"]) in accepted:
                problem(
                    ("mistakes", index), f"mistake {mistake['answer']!r} is also an accepted answer"
                )

    def control(self, panel: Any, question: Question, seed: int) -> Any:
        import ipywidgets as widgets

        return widgets.Text(
            value="", description="Answer", placeholder="type your answer", style=WIDE
        )

    def static_parts(self, question: Any, seed: int) -> tuple[str, str]:
        if isinstance(question, HashedShortTextQuestion):
            return "", NOT_IN_COPY
        return "", f"<p><strong>Accepted answer:</strong> {render_inline(question.accept[0])}</p>"

    def practice_fields(self, question: Any, salt: str, seed: int) -> dict[str, Any]:
        accepted = sorted({normalise_answer(a) for a in question.accept})
        qid = question.id
        return {
            "keys": sorted(keyed_hash(salt, qid, a) for a in accepted),
            "sealed": {
                keyed_hash(salt, qid, a): seal(question.explanation, salt, qid, a) for a in accepted
            },
            "mistakes": [
                {
                    "key": keyed_hash(salt, qid, normalise_answer(m.answer)),
                    "sealed": seal(m.feedback, salt, qid, normalise_answer(m.answer)),
                }
                for m in question.mistakes
            ],
        }

    def exam_question(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return keyless(ShortTextQuestion)(accept=("\x00",), **common)  # type: ignore[call-arg]

    def practice_question(
        self, raw: Mapping[str, Any], common: dict[str, Any], salt: str
    ) -> Question:
        question = HashedShortTextQuestion(accept=("\x00",), **common)
        mistakes = {m["key"]: m["sealed"] for m in raw.get("mistakes", ())}
        hashed = (salt, frozenset(raw["keys"]), mistakes, dict(raw.get("sealed", {})))
        object.__setattr__(question, "_hashed", hashed)
        return question

    def correct_response(self, question: Any) -> Any:
        return question.accept[0]

    def wrong_response(self, question: Any, rng: np.random.Generator) -> Any:
        return "not the answer"


KIND = register(_ShortText())
