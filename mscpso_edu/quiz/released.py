"""The released (student) bank format, both ways: what ``mscpso-edu release`` writes and how
the learner's side reads it back.

A released bank has a top-level ``released:`` field; :func:`mscpso_edu.quiz.bank.read_bank` hands
such a file to :func:`released_questions`, so the quiz widget loads a student's copy like any
other bank. :func:`exam_entry` and :func:`practice_entry` write one question;
:mod:`mscpso_edu.classroom.release` assembles them into the student copy.

Hashes are ``sha256(salt, question id, value)`` with a salt stored in the bank, as nbgrader's
hashed tests do. **They are a deterrent, not a secret**: the salt is in the file, so

- for choices, true/false, matching and ordering the set of possible answers is small, and this
  loader itself recovers the key by hashing every option (anyone who can run Python can too);
- numeric and short-text keys cannot be read back, only confirmed by guessing; a numeric answer
  is hashed by tolerance-sized buckets, so a practice answer is accepted within its tolerance
  give or take half a tolerance. Their explanations (and short-text mistake feedback) state the
  answer, so they are sealed (:func:`seal`): encrypted with a key only the earning answer gives.

Exam questions carry no key at all: :meth:`grade` checks that a response is of the right kind
and records it, worth 0 points until the instructor grades the submission with the full key.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import CourseError
from . import questions as q
from .kinds import kind_of
from .kinds._release import (
    KEYLESS_FEEDBACK,
    bucket_width,
    keyed_hash,
    numeric_buckets,
    seal,
    unseal,
)
from .kinds.computed import KeylessComputedQuestion
from .kinds.numeric import HashedNumericQuestion
from .kinds.short_text import HashedShortTextQuestion

__all__ = [
    "KEYLESS_FEEDBACK",
    "HashedNumericQuestion",
    "HashedShortTextQuestion",
    "KeylessComputedQuestion",
    "bucket_width",
    "exam_entry",
    "keyed_hash",
    "numeric_buckets",
    "practice_entry",
    "released_key_sha256",
    "released_questions",
    "seal",
    "unseal",
]


def _common(raw: Mapping[str, Any], line: int | None) -> dict[str, Any]:
    return {
        "id": raw["id"],
        "prompt": raw["prompt"],
        "points": float(raw.get("points", 1)),
        "objectives": tuple(raw.get("objectives", ())),
        "explanation": raw.get("explanation", ""),
        "references": tuple(raw.get("references", ())),
        "hints": tuple(raw.get("hints", ())),
        "mode": raw.get("mode"),
        "line": line,
    }


def released_questions(
    data: Mapping[str, Any], lines: Mapping[Any, int], path: Path
) -> tuple[q.Question, ...]:
    """Build the questions of a released bank from its parsed YAML.

    Raises
    ------
    CourseError
        Naming the file and line when the released bank is damaged.
    """
    released = data["released"]
    built = []
    for index, raw in enumerate(data.get("questions", ())):
        line = lines.get(("questions", index))
        try:
            common = _common(raw, line)
            kind = kind_of(raw["type"])
            mode = raw.get("mode") or data.get("mode", "practice")
            if mode == "exam":
                built.append(kind.exam_question(raw, common))
            else:
                built.append(kind.practice_question(raw, common, released["salt"]))
        except (KeyError, TypeError, ValueError, IndexError, StopIteration) as error:
            raise CourseError(
                f"released bank is damaged near question {index + 1} ({error!r}); release it "
                "again with mscpso-edu release",
                path,
                line,
            ) from None
    return tuple(built)


def released_key_sha256(data: bytes) -> str | None:
    """Return the key bank hash a released bank names, or None for an ordinary bank."""
    if b"\nreleased:" not in b"\n" + data:
        return None
    try:
        loaded = yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    released = loaded.get("released") if isinstance(loaded, dict) else None
    value = released.get("key_sha256") if isinstance(released, dict) else None
    return value if isinstance(value, str) else None


# --- writing: one question of a released bank --------------------------------------------------


def _visible(question: q.Question, mode: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "prompt": question.prompt,
        "points": question.points,
        "objectives": list(question.objectives),
    }
    if question.hints:
        out["hints"] = list(question.hints)
    if mode:
        out["mode"] = mode
    return out


def exam_entry(question: q.Question, mode: str | None, seed: int) -> dict[str, Any]:
    """Return the released form of an exam question: what it asks, and no key at all.

    Choices and matching options are listed in an order drawn from ``seed``, ordering steps in a
    seeded order that is never the key, reversed or sorted (:mod:`mscpso_edu.quiz.shuffle`).
    """
    return {**_visible(question, mode), **kind_of(question).exam_fields(question, seed)}


def practice_entry(question: q.Question, mode: str | None, salt: str, seed: int) -> dict[str, Any]:
    """Return the released form of a practice question: its key as salted hashes.

    Options are ordered as in :func:`exam_entry`. The explanation is kept in clear text unless
    the type seals it (numeric and short text, whose explanations state the answer).
    """
    kind = kind_of(question)
    out = _visible(question, mode)
    if not kind.seals_explanation:
        out["explanation"] = question.explanation
    out["references"] = list(question.references)
    out.update(kind.practice_fields(question, salt, seed))
    return out
