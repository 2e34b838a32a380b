"""Numeric answers in the banks of lessons 03-05 agree with the models they are read from."""

from __future__ import annotations

import pytest

from mscpso_edu import quiz
from mscpso_edu.models import skin_circuit


def _question(slug: str, question_id: str):
    bank = quiz.load_bank(slug)
    return next(q for q in bank.questions if q.id == question_id)


def test_healthy_turnover_answer_is_the_models():
    question = _question("03_keratinocytes", "model_turnover_healthy")
    assert question.answer == round(skin_circuit.healthy_state().turnover_days)


def test_turnover_ratio_answer_is_the_models():
    question = _question("03_keratinocytes", "model_turnover_ratio")
    ratio = (
        skin_circuit.healthy_state().turnover_days / skin_circuit.psoriatic_state().turnover_days
    )
    assert question.answer == pytest.approx(ratio, abs=question.tolerance)
