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
    from mscpso_edu.diagrams.skin import steady_state_branches
    from mscpso_edu.widgets.mechanism_explorer import _FACTORS

    question = _question("04_neutrophils", "healthy_edge")
    above = _FACTORS[_FACTORS > 1.0]
    branches = steady_state_branches("il172", above)
    first_gone = above[np.isnan(branches.healthy)][0]
    assert question.answer == pytest.approx(first_gone, abs=question.tolerance)
    assert np.all(np.isnan(branches.healthy[above >= first_gone]))


def test_il17_prediction_holds_in_the_model():
    from mscpso_edu.diagrams.skin import steady_state_branches

    states = steady_state_branches("il172", [1.1]).states_at(1.1)
    assert np.isnan(states["healthy"]) and not np.isnan(states["psoriatic"])


def test_minimum_days_at_half_strength_matches_the_outcome_map():
    from mscpso_edu.diagrams.skin import treatment_outcomes

    question = _question("05_dendritic_cells", "min_days_half")
    durations = [7, 14, 21, 28, 42, 56, 84, 112]  # the map's default columns
    healed = treatment_outcomes("tolerogenic_dc", [0.5], durations)[0]
    assert question.answer == durations[int(np.argmax(healed))]


def test_il23_per_dc_at_08_leaves_only_the_healthy_state():
    from mscpso_edu.diagrams.skin import steady_state_branches

    states = steady_state_branches("il232", [0.8]).states_at(0.8)
    assert not np.isnan(states["healthy"]) and np.isnan(states["psoriatic"])


def test_duration_prediction_holds_in_the_skin_explorer():
    from mscpso_edu import widgets

    explorer = widgets.explore_skin_circuit()
    assert explorer.controls["mechanism"].value == "tolerogenic_dc"
    assert explorer.controls["strength"].value == 0.5
    explorer.controls["duration"].value = 14
    assert "PASI proxy at day 365: 1.00, psoriatic" in explorer.readout.value
    explorer.controls["duration"].value = 28
    assert "PASI proxy at day 365: 0.00, healthy" in explorer.readout.value
