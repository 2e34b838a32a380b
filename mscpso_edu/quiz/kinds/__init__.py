"""Question types: one module per type, each holding everything the course knows about it.

A type's module defines its :class:`~mscpso_edu.quiz.kinds._base.Question` subclass (the fields
and the pure ``grade``) and a :class:`~mscpso_edu.quiz.kinds._registry.Kind` registered once,
which holds the rest: its bank schema fragment, building and checking it from YAML, the widget
control and the static copy, what a student copy keeps and how it reads it back, how it goes to
an LMS, and the responses of a synthetic student and of item analysis. The bank loader, the
widget, the static site, the release, the export, the grader's synthetic class and the item
analysis ask the registry; none of them switches on the type.

To add a type: write its module here (``single.py`` is a short example), import it below, and
regenerate the published bank schema (``python -m mscpso_edu.quiz.kinds > ...schema.json``; a test
says when it is stale). ``tests/test_question_types_contract.py`` then runs the new type through
every place above.
"""

from __future__ import annotations

from typing import Any

from ._base import Question
from ._registry import KINDS, QUESTION_TYPES, Kind, kind_of, register

# Each module registers its type once (``KIND = register(...)``) when imported; this order is the
# order of QUESTION_TYPES, of the bank schema and of the types an editor offers a bank author.
# isort: off
from . import single, multiple, true_false, numeric, matching, ordering, short_text  # noqa: F401
from . import computed, reflection, code  # noqa: F401

# isort: on

__all__ = ["KINDS", "QUESTION_TYPES", "Kind", "Question", "bank_schema", "kind_of", "register"]


def bank_schema(base: dict[str, Any]) -> dict[str, Any]:
    """Return the bank schema: ``base`` (what every question has) with each type's fields."""
    schema = {**base, "$defs": dict(base["$defs"])}
    question = dict(schema["$defs"]["question"])
    properties = dict(question["properties"])
    properties["type"] = {"enum": list(QUESTION_TYPES)}
    question["properties"] = properties
    checks = []
    for name in QUESTION_TYPES:
        kind = KINDS[name]
        for part, definition in kind.schema_defs.items():
            schema["$defs"][part] = definition
        fields = f"{_camel(name)}Fields"
        schema["$defs"][fields] = dict(kind.schema_fields)
        condition = {"required": ["type"], "properties": {"type": {"const": name}}}
        checks.append({"if": condition, "then": {"$ref": f"#/$defs/{fields}"}})
    question["allOf"] = checks
    schema["$defs"]["question"] = question
    return schema


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
