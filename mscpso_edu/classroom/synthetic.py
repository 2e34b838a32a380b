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
from ..quiz.kinds import kind_of
from ..quiz.learner import learner_seed
from ..quiz.submission import SCHEMA_NAME, SCHEMA_VERSION, bank_fingerprint, checksum_of

__all__ = ["correct_response", "synthetic_submission", "wrong_response"]


def correct_response(question: q.Question) -> Any:
    """Return a fully correct response to ``question`` (a computed one must be drawn first)."""
    return kind_of(question).correct_response(question)


def wrong_response(question: q.Question, rng: np.random.Generator) -> Any:
    """Return a plausible wrong response (a random distractor where there is one)."""
    return kind_of(question).wrong_response(question, rng)


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
        if question.drawn_per_learner:
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
