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

import base64
import hashlib
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import CourseError
from . import questions as q
from .shuffle import ordering_display, shuffled
from .textnorm import normalise_answer

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

KEYLESS_FEEDBACK = "Recorded. This question is graded by your instructor after you submit."


def keyed_hash(salt: str, question_id: str, value: str) -> str:
    """Return the hex sha256 of ``salt``, ``question_id`` and ``value`` (unit-separated)."""
    text = "\x1f".join((salt, question_id, value))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bucket_width(answer: float, tolerance: float, relative: float) -> float:
    """Return the width of the hashed buckets of a numeric answer: half its tolerance."""
    slack = max(tolerance, relative * abs(answer), 1e-9 * max(1.0, abs(answer)))
    return slack / 2.0


def numeric_buckets(answer: float, width: float) -> list[int]:
    """Return the bucket numbers (``floor(x / width)``) covering ``answer`` +- 2 widths."""
    low = math.floor((answer - 2 * width) / width)
    high = math.floor((answer + 2 * width) / width)
    return list(range(low, high + 1))


def _keyless(cls: type[q.Question]) -> type[q.Question]:
    """A subclass of ``cls`` that checks the kind of a response but knows no key."""

    def grade(self: q.Question, response: Any) -> q.Result:
        cls.grade(self, response)  # the placeholder key only serves to check the response
        return q.Result(0.0, self.points, False, KEYLESS_FEEDBACK)

    name = f"Keyless{cls.__name__}"
    return type(name, (cls,), {"grade": grade, "__doc__": f"{cls.__name__} without its key."})


_KEYLESS = {kind: _keyless(cls) for kind, cls in q.QUESTION_TYPES.items()}


class KeylessComputedQuestion(q.ComputedQuestion):
    """An exam computed question: the learner's numbers are drawn, the answer is only recorded."""

    def for_seed(self, seed: int) -> q.NumericQuestion:
        """Return the drawn question without its answer or explanation (graded later)."""
        drawn = super().for_seed(seed)
        return _KEYLESS["numeric"](
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
        )


def _keystream_xor(data: bytes, secret: str) -> bytes:
    stream = b"".join(
        hashlib.sha256(f"{secret}\x1f{block}".encode()).digest()
        for block in range(len(data) // 32 + 1)
    )
    return bytes(a ^ b for a, b in zip(data, stream, strict=False))


def seal(text: str, salt: str, question_id: str, value: str) -> str:
    """Return ``text`` sealed so that only someone who knows the answer ``value`` can read it.

    The key is ``sha256(salt, question id, "seal:" + value)``; the file holds only
    ``sha256(salt, question id, value)`` to find the right seal, so a numeric or short-text
    explanation opens only with an accepted answer (or a guess of one).
    """
    secret = keyed_hash(salt, question_id, "seal:" + value)
    return base64.b64encode(_keystream_xor(text.encode("utf-8"), secret)).decode("ascii")


def unseal(token: str, salt: str, question_id: str, value: str) -> str:
    """Open a text sealed by :func:`seal` with the same answer ``value``."""
    secret = keyed_hash(salt, question_id, "seal:" + value)
    return _keystream_xor(base64.b64decode(token), secret).decode("utf-8", errors="replace")


class HashedNumericQuestion(q.NumericQuestion):
    """A numeric practice question whose answer is known only as hashed buckets, and whose
    explanation opens only with an accepted answer."""

    sealed = True

    def grade(self, response: Any) -> q.Result:
        """Grade a number against the hashed buckets."""
        try:
            value = q.parse_number(response, self.units)
        except q.ResponseError as error:
            raise self._error(error.message) from None
        salt, width, keys, sealed = self._hashed  # type: ignore[attr-defined]
        bucket = str(math.floor(value / width))
        digest = keyed_hash(salt, self.id, bucket)
        if digest in keys:
            opened = unseal(sealed[digest], salt, self.id, bucket) if digest in sealed else None
            return q.Result(self.points, self.points, True, "Correct.", opened)
        return self._result(0.0, "Not quite: that is not within the accepted range.")


class HashedShortTextQuestion(q.ShortTextQuestion):
    """A short-text practice question whose accepted answers are known only as hashes, and
    whose explanation and mistake feedback open only with the answer that earns them."""

    sealed = True

    def grade(self, response: Any) -> q.Result:
        """Grade typed text against the hashed accepted answers."""
        if not isinstance(response, str):
            raise self._error(f"expected text, got {response!r}")
        if len(response) > q.MAX_TEXT_RESPONSE:
            raise self._error(f"keep the answer under {q.MAX_TEXT_RESPONSE} characters")
        typed = normalise_answer(response)
        if not typed:
            raise self._error("type an answer before checking")
        salt, accepted, mistakes, sealed = self._hashed  # type: ignore[attr-defined]
        digest = keyed_hash(salt, self.id, typed)
        if digest in accepted:
            opened = unseal(sealed[digest], salt, self.id, typed) if digest in sealed else None
            return q.Result(self.points, self.points, True, "Correct.", opened)
        mistake = unseal(mistakes[digest], salt, self.id, typed) if digest in mistakes else None
        return self._result(0.0, "\n\n".join(filter(None, ["Not quite.", mistake])))


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


def _exam_question(raw: Mapping[str, Any], common: dict[str, Any]) -> q.Question:
    kind = raw["type"]
    cls = _KEYLESS[kind]
    if kind in ("single", "multiple"):
        choices = tuple(
            q.Choice(c["id"], c["text"], kind == "multiple" and i == 0, "")
            for i, c in enumerate(raw["choices"])
        )
        return cls(choices=choices, **common)
    if kind == "true_false":
        return cls(answer=False, feedback_true="", feedback_false="", **common)
    if kind == "numeric":
        return cls(answer=0.0, units=raw.get("units", ""), **common)
    if kind == "computed":
        return KeylessComputedQuestion(
            computation=raw["computation"], units=raw.get("units", ""), **common
        )
    if kind == "matching":
        options = tuple(raw["options"])
        pairs = tuple(q.MatchPair(left, options[0], "") for left in raw["lefts"])
        return cls(pairs=pairs, distractors=options, **common)
    if kind == "ordering":
        return cls(items=tuple(q.OrderItem(text, "") for text in raw["steps"]), **common)
    if kind == "short_text":
        return cls(accept=("\x00",), **common)
    if kind == "reflection":
        return q.ReflectionQuestion(guidance=raw.get("guidance", ""), **common)
    raise CourseError(f"unknown question type {kind!r}")


def _practice_question(raw: Mapping[str, Any], common: dict[str, Any], salt: str) -> q.Question:
    kind = raw["type"]
    qid = raw["id"]

    def hashed(value: str) -> str:
        return keyed_hash(salt, qid, value)

    if kind in ("single", "multiple"):
        choices = tuple(
            q.Choice(c["id"], c["text"], hashed(f"{c['id']}:correct") == c["key"], c["feedback"])
            for c in raw["choices"]
        )
        cls = q.SingleChoiceQuestion if kind == "single" else q.MultipleChoiceQuestion
        return cls(choices=choices, **common)
    if kind == "true_false":
        answer = hashed("true") == raw["key"]
        return q.TrueFalseQuestion(
            answer=answer,
            feedback_true=raw["feedback_true"],
            feedback_false=raw["feedback_false"],
            **common,
        )
    if kind == "matching":
        options = list(raw["options"])
        pairs = []
        for pair in raw["pairs"]:
            right = next(
                (o for o in options if hashed(f"{pair['left']}\x1e{o}") == pair["key"]), None
            )
            if right is None:
                raise CourseError(f"question {qid!r}: a matching key fits no option")
            pairs.append(q.MatchPair(pair["left"], right, pair["feedback"]))
        used = {pair.right for pair in pairs}
        return q.MatchingQuestion(
            pairs=tuple(pairs), distractors=tuple(o for o in options if o not in used), **common
        )
    if kind == "ordering":
        steps = {step["text"]: step["feedback"] for step in raw["steps"]}
        ordered = []
        for position, key in enumerate(raw["keys"]):
            text = next((t for t in steps if hashed(f"{position}\x1e{t}") == key), None)
            if text is None:
                raise CourseError(f"question {qid!r}: an ordering key fits no step")
            ordered.append(q.OrderItem(text, steps[text]))
        return q.OrderingQuestion(items=tuple(ordered), **common)
    if kind == "numeric":
        question = HashedNumericQuestion(answer=0.0, units=raw.get("units", ""), **common)
        keys = frozenset(raw["keys"])
        sealed = dict(raw.get("sealed", {}))
        object.__setattr__(question, "_hashed", (salt, float(raw["bucket"]), keys, sealed))
        return question
    if kind == "short_text":
        question = HashedShortTextQuestion(accept=("\x00",), **common)
        mistakes = {m["key"]: m["sealed"] for m in raw.get("mistakes", ())}
        sealed = dict(raw.get("sealed", {}))
        object.__setattr__(question, "_hashed", (salt, frozenset(raw["keys"]), mistakes, sealed))
        return question
    if kind == "computed":
        return q.ComputedQuestion(
            computation=raw["computation"],
            tolerance=float(raw.get("tolerance", 0.0)),
            relative_tolerance=float(raw.get("relative_tolerance", 0.0)),
            units=raw.get("units", ""),
            **common,
        )
    if kind == "reflection":
        return q.ReflectionQuestion(guidance=raw.get("guidance", ""), **common)
    raise CourseError(f"unknown question type {kind!r}")


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
            mode = raw.get("mode") or data.get("mode", "practice")
            if mode == "exam":
                built.append(_exam_question(raw, common))
            else:
                built.append(_practice_question(raw, common, released["salt"]))
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
    out = _visible(question, mode)
    if isinstance(question, q.SingleChoiceQuestion | q.MultipleChoiceQuestion):
        out["choices"] = [{"id": c.id, "text": c.text} for c in shuffled(question.choices, seed)]
    elif isinstance(question, q.ComputedQuestion):
        out["computation"] = question.computation
        out["units"] = question.units
    elif isinstance(question, q.NumericQuestion):
        out["units"] = question.units
    elif isinstance(question, q.MatchingQuestion):
        out["lefts"] = [pair.left for pair in question.pairs]
        out["options"] = shuffled(question.right_options, seed)
    elif isinstance(question, q.OrderingQuestion):
        out["steps"] = ordering_display([item.text for item in question.items], seed)
    elif isinstance(question, q.ReflectionQuestion):
        out["guidance"] = question.guidance
    return out


def practice_entry(question: q.Question, mode: str | None, salt: str, seed: int) -> dict[str, Any]:
    """Return the released form of a practice question: its key as salted hashes.

    Options are ordered as in :func:`exam_entry`.
    """
    out = _visible(question, mode)
    out["explanation"] = question.explanation
    out["references"] = list(question.references)

    def hashed(value: str) -> str:
        return keyed_hash(salt, question.id, value)

    if isinstance(question, q.SingleChoiceQuestion | q.MultipleChoiceQuestion):
        out["choices"] = [
            {
                "id": c.id,
                "text": c.text,
                "feedback": c.feedback,
                "key": hashed(f"{c.id}:{'correct' if c.correct else 'wrong'}"),
            }
            for c in shuffled(question.choices, seed)
        ]
    elif isinstance(question, q.TrueFalseQuestion):
        out["key"] = hashed("true" if question.answer else "false")
        out["feedback_true"] = question.feedback_true
        out["feedback_false"] = question.feedback_false
    elif isinstance(question, q.ComputedQuestion):
        out["computation"] = question.computation
        out["tolerance"] = question.tolerance
        out["relative_tolerance"] = question.relative_tolerance
        out["units"] = question.units
    elif isinstance(question, q.NumericQuestion):
        width = bucket_width(question.answer, question.tolerance, question.relative_tolerance)
        buckets = [str(b) for b in numeric_buckets(question.answer, width)]
        out["units"] = question.units
        out["bucket"] = width
        out["keys"] = sorted(hashed(b) for b in buckets)
        # The explanation states the answer: sealed, it opens only with an accepted answer.
        del out["explanation"]
        out["sealed"] = {
            hashed(b): seal(question.explanation, salt, question.id, b) for b in buckets
        }
    elif isinstance(question, q.MatchingQuestion):
        out["pairs"] = [
            {"left": p.left, "feedback": p.feedback, "key": hashed(f"{p.left}\x1e{p.right}")}
            for p in question.pairs
        ]
        out["options"] = shuffled(question.right_options, seed)
    elif isinstance(question, q.OrderingQuestion):
        key = [item.text for item in question.items]
        feedback = {item.text: item.feedback for item in question.items}
        out["steps"] = [{"text": t, "feedback": feedback[t]} for t in ordering_display(key, seed)]
        out["keys"] = [hashed(f"{position}\x1e{text}") for position, text in enumerate(key)]
    elif isinstance(question, q.ShortTextQuestion):
        accepted = sorted({normalise_answer(a) for a in question.accept})
        out["keys"] = sorted(hashed(a) for a in accepted)
        del out["explanation"]  # sealed like a numeric one's, per accepted answer
        out["sealed"] = {
            hashed(a): seal(question.explanation, salt, question.id, a) for a in accepted
        }
        out["mistakes"] = [
            {
                "key": hashed(normalise_answer(m.answer)),
                "sealed": seal(m.feedback, salt, question.id, normalise_answer(m.answer)),
            }
            for m in question.mistakes
        ]
    elif isinstance(question, q.ReflectionQuestion):
        out["guidance"] = question.guidance
    return out
