"""``matching``: match each left item to its right item; credit is the fraction matched.

The response maps every left item's text to the chosen right item's text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ..markup import plain
from ..shuffle import shuffled
from ._base import MatchPair, Question, Result, join_parts
from ._choices import duplicates
from ._registry import Kind, Problem, register
from ._release import keyed_hash, keyless
from ._render import CHOOSE, WIDE, items_html

if TYPE_CHECKING:  # pragma: no cover - numpy only for annotations
    import numpy as np

__all__ = ["MatchingQuestion"]

_FIELDS = {
    "required": ["pairs"],
    "properties": {
        "pairs": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "required": ["left", "right", "feedback"],
                "additionalProperties": False,
                "properties": {
                    "left": {"$ref": "#/$defs/text"},
                    "right": {"$ref": "#/$defs/text"},
                    "feedback": {"$ref": "#/$defs/text"},
                },
            },
        },
        "distractors": {"type": "array", "items": {"$ref": "#/$defs/text"}},
    },
}


@dataclass(frozen=True, kw_only=True)
class MatchingQuestion(Question):
    """Match each left item to its right item; credit is the fraction matched correctly."""

    type: ClassVar[str] = "matching"
    pairs: tuple[MatchPair, ...]
    distractors: tuple[str, ...] = ()
    _right_of: dict[str, str] = field(init=False, repr=False, compare=False)
    _rights: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_right_of", {pair.left: pair.right for pair in self.pairs})
        rights = frozenset(pair.right for pair in self.pairs) | frozenset(self.distractors)
        object.__setattr__(self, "_rights", rights)

    @property
    def right_options(self) -> tuple[str, ...]:
        """Every right-hand option (answers and distractors), in bank order."""
        return tuple(dict.fromkeys([*(pair.right for pair in self.pairs), *self.distractors]))

    def grade(self, response: Any) -> Result:
        """Grade a mapping from each left item's text to the chosen right item's text."""
        if not isinstance(response, Mapping):
            raise self._error(f"expected a mapping from each item to its match, got {response!r}")
        for left, right in response.items():
            if left not in self._right_of:
                raise self._error(f"unknown item {left!r}")
            if right is None:
                raise self._error(f"choose a match for {left!r}")
            if not isinstance(right, str) or right not in self._rights:
                raise self._error(f"unknown match {right!r} for {left!r}")
        missing = [pair.left for pair in self.pairs if pair.left not in response]
        if missing:
            raise self._error(f"choose a match for {missing[0]!r}")
        wrong = [pair for pair in self.pairs if response[pair.left] != pair.right]
        right = len(self.pairs) - len(wrong)
        verdict = (
            "Correct: every item matched."
            if not wrong
            else (f"{right} of {len(self.pairs)} matched correctly.")
        )
        notes = [f"**{pair.left}**: {pair.feedback}" for pair in wrong]
        return self._result(right / len(self.pairs), join_parts([verdict, *notes]))


class _Matching(Kind):
    name = "matching"
    question_class = MatchingQuestion
    schema_fields = _FIELDS

    def build(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        pairs = tuple(MatchPair(p["left"], p["right"], p["feedback"]) for p in raw["pairs"])
        return MatchingQuestion(
            pairs=pairs, distractors=tuple(raw.get("distractors", ())), **common
        )

    def check(self, raw: Mapping[str, Any], problem: Problem) -> None:
        for text in duplicates([p["left"] for p in raw["pairs"]]):
            problem(("pairs",), f"left item {text!r} appears twice")
        rights = [p["right"] for p in raw["pairs"]]
        for text in duplicates([*rights, *raw.get("distractors", ())]):
            problem(("pairs",), f"right item {text!r} appears twice")

    def control(self, panel: Any, question: Any, seed: int) -> Any:
        import ipywidgets as widgets

        rights = shuffled(question.right_options, seed)
        for pair in question.pairs:
            panel.inputs[pair.left] = widgets.Dropdown(
                options=[(CHOOSE, None), *((plain(r), r) for r in rights)],
                value=None,
                description=plain(pair.left),
                style=WIDE,
                layout={"width": "auto"},
            )
        return widgets.VBox(list(panel.inputs.values()))

    def response(self, panel: Any) -> Any:
        return {left: box.value for left, box in panel.inputs.items()}

    def static_parts(self, question: Any, seed: int) -> tuple[str, str]:
        options = (
            "<p>Match each of these:</p>"
            + items_html([pair.left for pair in question.pairs])
            + "<p>to one of:</p>"
            + items_html(shuffled(question.right_options, seed))
        )
        pairs = [f"{pair.left} → {pair.right}" for pair in question.pairs]
        return options, f"<p><strong>Matches:</strong></p>{items_html(pairs)}"

    def exam_fields(self, question: Any, seed: int) -> dict[str, Any]:
        return {
            "lefts": [pair.left for pair in question.pairs],
            "options": shuffled(question.right_options, seed),
        }

    def practice_fields(self, question: Any, salt: str, seed: int) -> dict[str, Any]:
        return {
            "pairs": [
                {
                    "left": p.left,
                    "feedback": p.feedback,
                    "key": keyed_hash(salt, question.id, f"{p.left}\x1e{p.right}"),
                }
                for p in question.pairs
            ],
            "options": shuffled(question.right_options, seed),
        }

    def exam_question(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        options = tuple(raw["options"])
        pairs = tuple(MatchPair(left, options[0], "") for left in raw["lefts"])
        return keyless(MatchingQuestion)(pairs=pairs, distractors=options, **common)  # type: ignore[call-arg]

    def practice_question(
        self, raw: Mapping[str, Any], common: dict[str, Any], salt: str
    ) -> Question:
        from ...errors import CourseError

        options = list(raw["options"])
        pairs = []
        for pair in raw["pairs"]:
            right = next(
                (
                    o
                    for o in options
                    if keyed_hash(salt, raw["id"], f"{pair['left']}\x1e{o}") == pair["key"]
                ),
                None,
            )
            if right is None:
                raise CourseError(f"question {raw['id']!r}: a matching key fits no option")
            pairs.append(MatchPair(pair["left"], right, pair["feedback"]))
        used = {pair.right for pair in pairs}
        return MatchingQuestion(
            pairs=tuple(pairs), distractors=tuple(o for o in options if o not in used), **common
        )

    def correct_response(self, question: Any) -> Any:
        return {pair.left: pair.right for pair in question.pairs}

    def wrong_response(self, question: Any, rng: np.random.Generator) -> Any:
        rights = [pair.right for pair in question.pairs]
        return {pair.left: rights[i - 1] for i, pair in enumerate(question.pairs)}


KIND = register(_Matching())
