"""What single- and multiple-choice questions share: choices with ids, feedback and a key.

A choice's id defaults to a digest of its text: stable when choices are reordered, and telling
nothing about which choice is right (a position letter would, in a student copy).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from ..markup import plain
from ..shuffle import shuffled
from ._base import Choice, Question
from ._registry import Kind, Problem
from ._release import keyed_hash
from ._render import WIDE, items_html

__all__ = ["CHOICE_DEFS", "ChoiceKind", "checkboxes", "choice_ids", "duplicates", "radio"]

#: The bank schema of a choice list.
CHOICE_DEFS = {
    "choiceFields": {
        "required": ["choices"],
        "properties": {
            "choices": {
                "type": "array",
                "minItems": 2,
                "items": {
                    "type": "object",
                    "required": ["text", "feedback"],
                    "additionalProperties": False,
                    "properties": {
                        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"},
                        "text": {"$ref": "#/$defs/text"},
                        "correct": {"type": "boolean", "default": False},
                        "feedback": {"$ref": "#/$defs/text"},
                    },
                },
            }
        },
    }
}

_FIELDS = {"$ref": "#/$defs/choiceFields"}

#: Words an explicit choice id may not contain, since ids are shown in a student copy.
_TELLING_ID_RE = re.compile(r"(correct|right|wrong|true|false|answer|key)", re.I)


def choice_ids(raw: list[dict[str, Any]]) -> list[str]:
    """The ids of a bank's choices: their own, or a digest of their text."""
    return [
        choice.get("id") or "c" + hashlib.sha256(choice["text"].encode("utf-8")).hexdigest()[:8]
        for choice in raw
    ]


def duplicates(values: list[Any]) -> list[Any]:
    """The values that appear more than once, each once, in order."""
    seen: set[Any] = set()
    repeated: list[Any] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


class ChoiceKind(Kind):
    """A question answered by choosing among ``choices`` (shared by single and multiple)."""

    schema_fields = _FIELDS
    schema_defs = CHOICE_DEFS

    def build(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        """Build the choices (ids from :func:`choice_ids`) and the question."""
        ids = choice_ids(raw["choices"])
        choices = tuple(
            Choice(id=cid, text=c["text"], correct=bool(c.get("correct")), feedback=c["feedback"])
            for cid, c in zip(ids, raw["choices"], strict=True)
        )
        return self.question_class(choices=choices, **common)  # type: ignore[call-arg]

    def check(self, raw: Mapping[str, Any], problem: Problem) -> None:
        """Duplicate ids or texts, and ids that name the key."""
        for cid in duplicates(choice_ids(raw["choices"])):
            problem(("choices",), f"duplicate choice id {cid!r}")
        for index, choice in enumerate(raw["choices"]):
            if _TELLING_ID_RE.search(choice.get("id", "")):
                problem(
                    ("choices", index, "id"),
                    f"choice id {choice['id']!r} gives the key away in a student copy; name "
                    "the choice by its content",
                )
        for text in duplicates([c["text"] for c in raw["choices"]]):
            problem(("choices",), f"two choices have the same text {text!r}")

    def static_parts(self, question: Any, seed: int) -> tuple[str, str]:
        """The choices in a seeded order; the right one(s) behind the toggle."""
        options = items_html([c.text for c in shuffled(question.choices, seed)])
        right = [c.text for c in question.choices if c.correct]
        lead = "Correct answer" if len(right) == 1 else "Correct answers"
        return options, f"<p><strong>{lead}:</strong></p>{items_html(right)}"

    def exam_fields(self, question: Any, seed: int) -> dict[str, Any]:
        """The choices' ids and texts in a seeded order."""
        return {"choices": [{"id": c.id, "text": c.text} for c in shuffled(question.choices, seed)]}

    def practice_fields(self, question: Any, salt: str, seed: int) -> dict[str, Any]:
        """Each choice with its feedback and a hash of whether it is right."""

        def key(c: Choice) -> str:
            return keyed_hash(salt, question.id, f"{c.id}:{'correct' if c.correct else 'wrong'}")

        return {
            "choices": [
                {"id": c.id, "text": c.text, "feedback": c.feedback, "key": key(c)}
                for c in shuffled(question.choices, seed)
            ]
        }

    def exam_question(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        """Choices with a placeholder key (a multiple-choice one needs one right choice)."""
        from ._release import keyless

        multiple = self.name == "multiple"
        choices = tuple(
            Choice(c["id"], c["text"], multiple and i == 0, "")
            for i, c in enumerate(raw["choices"])
        )
        return keyless(self.question_class)(choices=choices, **common)  # type: ignore[call-arg]

    def practice_question(
        self, raw: Mapping[str, Any], common: dict[str, Any], salt: str
    ) -> Question:
        """Choices whose right ones are found by hashing each."""
        qid = raw["id"]
        choices = tuple(
            Choice(
                c["id"], c["text"], keyed_hash(salt, qid, f"{c['id']}:correct") == c["key"],
                c["feedback"],
            )
            for c in raw["choices"]
        )  # fmt: skip
        return self.question_class(choices=choices, **common)  # type: ignore[call-arg]

    def answer_options(self, question: Any) -> tuple[dict[str, str], tuple[str, ...]]:
        """Each choice by id; the right ones."""
        labels = {choice.id: choice.text for choice in question.choices}
        return labels, tuple(choice.id for choice in question.choices if choice.correct)


def radio(question: Any, seed: int) -> Any:
    """Radio buttons over the choices in a seeded order (single choice)."""
    import ipywidgets as widgets

    options = [(plain(c.text), c.id) for c in shuffled(question.choices, seed)]
    return widgets.RadioButtons(
        options=options, value=None, description="Answer", layout={"width": "auto"}
    )


def checkboxes(panel: Any, question: Any, seed: int) -> Any:
    """One checkbox per choice in a seeded order (multiple choice)."""
    import ipywidgets as widgets

    for choice in shuffled(question.choices, seed):
        panel.inputs[choice.id] = widgets.Checkbox(
            value=False, description=plain(choice.text), indent=False, style=WIDE
        )
    return widgets.VBox(list(panel.inputs.values()))
