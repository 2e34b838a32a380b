"""Numeric answers in the banks of lessons 03-05 agree with the models they are read from."""

from __future__ import annotations

import numpy as np
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


def test_healthy_edge_answer_is_the_first_explorer_step_without_a_healthy_state():
    from mscpso_edu.skin_figures import steady_state_branches
    from mscpso_edu.widgets.mechanism_explorer import _FACTORS

    question = _question("04_neutrophils", "healthy_edge")
    above = _FACTORS[_FACTORS > 1.0]
    branches = steady_state_branches("il172", above)
    first_gone = above[np.isnan(branches.healthy)][0]
    assert question.answer == pytest.approx(first_gone, abs=question.tolerance)
    assert np.all(np.isnan(branches.healthy[above >= first_gone]))


def test_il17_prediction_holds_in_the_model():
    from mscpso_edu.skin_figures import steady_state_branches

    states = steady_state_branches("il172", [1.1]).states_at(1.1)
    assert np.isnan(states["healthy"]) and not np.isnan(states["psoriatic"])
