"""Synthetic students for tests and benchmarks: submissions with a chosen ability.

Each synthetic student answers each question correctly with a probability that rises with their
ability (a one-parameter logistic model, as in item response theory), otherwise gives a
plausible wrong answer. Nothing here is real student data.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ..quiz import questions as q
from ..quiz.bank import Bank
from ..quiz.learner import learner_seed
from ..quiz.submission import SCHEMA_NAME, SCHEMA_VERSION, bank_fingerprint, checksum_of

__all__ = ["correct_response", "synthetic_submission", "wrong_response"]


def correct_response(question: q.Question) -> Any:
    """Return a fully correct response to ``question`` (a computed one must be drawn first)."""
    if isinstance(question, q.SingleChoiceQuestion):
        return next(choice.id for choice in question.choices if choice.correct)
    if isinstance(question, q.MultipleChoiceQuestion):
        return [choice.id for choice in question.choices if choice.correct]
    if isinstance(question, q.TrueFalseQuestion):
        return question.answer
    if isinstance(question, q.NumericQuestion):
        return question.answer
    if isinstance(question, q.MatchingQuestion):
        return {pair.left: pair.right for pair in question.pairs}
    if isinstance(question, q.OrderingQuestion):
        return [item.text for item in question.items]
    if isinstance(question, q.ShortTextQuestion):
        return question.accept[0]
    if isinstance(question, q.ReflectionQuestion):
        return "A synthetic reflection."
    raise TypeError(f"no synthetic response for {question.type!r}")


def wrong_response(question: q.Question, rng: np.random.Generator) -> Any:
    """Return a plausible wrong response (a random distractor where there is one)."""
    if isinstance(question, q.SingleChoiceQuestion):
        wrong = [choice.id for choice in question.choices if not choice.correct]
        return wrong[int(rng.integers(len(wrong)))]
    if isinstance(question, q.MultipleChoiceQuestion):
        wrong = [choice.id for choice in question.choices if not choice.correct]
        right = [choice.id for choice in question.choices if choice.correct]
        return right[:-1] + wrong[: int(rng.integers(len(wrong) + 1))] if wrong else right[:-1]
    if isinstance(question, q.TrueFalseQuestion):
        return not question.answer
    if isinstance(question, q.NumericQuestion):
        return question.answer * 2.0 + 1.0
    if isinstance(question, q.MatchingQuestion):
        rights = [pair.right for pair in question.pairs]
        return {pair.left: rights[i - 1] for i, pair in enumerate(question.pairs)}
    if isinstance(question, q.OrderingQuestion):
        return [item.text for item in reversed(question.items)]
    if isinstance(question, q.ShortTextQuestion):
        return "not the answer"
    return correct_response(question)


def synthetic_submission(
    bank: Bank,
    student: str,
    learner: str,
    ability: float,
    rng: np.random.Generator,
    *,
    bank_sha256: str | None = None,
    created: str = "2026-01-15T10:00:00Z",
) -> dict[str, Any]:
    """Return a valid submission of ``student`` to ``bank`` (checksum included).

    Parameters
    ----------
    bank
        A loaded :class:`~mscpso_edu.quiz.bank.Bank`.
    student, learner
        The student id and the learner id (which seeds computed questions).
    ability
        On a logit scale: 0 answers an average question right half the time.
    rng
        Random generator (pass a seeded one).
    bank_sha256
        Hash to record; default the hash of the bank file.
    created
        Creation time to record.
    """
    answers = []
    for index, question in enumerate(bank.questions):
        if isinstance(question, q.ComputedQuestion):
            question = question.for_seed(learner_seed(bank.lesson, question.id, identity=learner))
        # Later questions are a little harder, so item difficulties spread out.
        difficulty = -1.0 + 2.0 * index / max(1, len(bank.questions) - 1)
        p_right = 1.0 / (1.0 + math.exp(-(ability - difficulty)))
        right = rng.random() < p_right
        response = correct_response(question) if right else wrong_response(question, rng)
        answers.append(
            {"question": question.id, "response": response, "answered": created, "attempts": 1}
        )
    submission: dict[str, Any] = {
        "schema": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "package_version": "0.1.0",
        "student": student,
        "learner": learner,
        "quiz": bank.lesson,
        "bank_sha256": bank_sha256 or bank_fingerprint(Path(bank.path)),
        "mode": bank.mode,
        "created": created,
        "answers": answers,
    }
    submission["checksum"] = checksum_of(submission)
    return submission
