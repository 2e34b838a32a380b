"""Lesson 10's answers about the dosing model are checked against runs of that model.

The bank types its keys in YAML; each test here runs the dosing explorer (or the therapy model
behind it) the way the question tells the learner to, so the quiz cannot disagree with what the
learner sees.
"""

from __future__ import annotations

import re

import pytest

from mscpso_edu import quiz
from mscpso_edu.models import MSCTherapy
from mscpso_edu.widgets import explore_msc_dosing

SLUG = "10_cell_free"


def _question(question_id: str):
    return quiz.load_bank(SLUG).question(question_id)


def _final_state(explorer) -> str:
    match = re.search(
        r"PASI proxy at day \d+: [-\d.]+, (healthy|psoriatic)", explorer.readout.value
    )
    assert match, explorer.readout.value
    return match.group(1)


def _peak_effect(explorer) -> float:
    return float(re.search(r"peak effect ([\d.]+)", explorer.readout.value).group(1))


@pytest.fixture
def explorer():
    return explore_msc_dosing()


def test_defaults_heal_with_cells_and_fail_with_vesicles(explorer):
    # The prompt says the defaults heal the skin; the keyed answer says vesicles do not.
    assert explorer.controls["product"].value == "cells"
    assert _final_state(explorer) == "healthy"
    explorer.controls["product"].value = "ev"
    question = _question("explorer_ev_same_schedule")
    keyed = next(c for c in question.choices if c.correct)
    assert keyed.id == "stays_psoriatic"
    assert _final_state(explorer) == "psoriatic"


def test_peak_effect_is_about_the_same_for_both_products(explorer):
    # why_ev_schedule_fails marks "a lower peak effect" as wrong; the explorer must agree.
    cells_peak = _peak_effect(explorer)
    explorer.controls["product"].value = "ev"
    assert _peak_effect(explorer) == pytest.approx(cells_peak, abs=0.02)
    distractor = next(
        c for c in _question("why_ev_schedule_fails").choices if "lower peak" in c.text
    )
    assert not distractor.correct


def test_daily_cell_doses_do_not_heal(explorer):
    explorer.controls["interval"].value = 1
    assert _final_state(explorer) == "psoriatic"
    correct = next(c.text for c in _question("cells_daily").choices if c.correct)
    assert correct.startswith("It stays psoriatic")


def test_fraction_left_after_a_day_matches_the_model():
    therapy = MSCTherapy("t_cell_clearance", 0.7, doses=1, product="ev")
    fraction = therapy.exposure(1.0) / therapy.dose
    question = _question("exposure_after_a_day")
    assert question.grade(fraction).correct
    for mistake in question.mistakes:
        assert not question.grade(mistake.answer).correct


def test_the_explorer_readout_shows_the_half_life_the_question_asks_for(explorer):
    explorer.controls["product"].value = "ev"
    half_life = MSCTherapy("t_cell_clearance", 0.7, product="ev").half_life_days
    assert f"exposure half-life {half_life:g} day(s)" in explorer.readout.value


def test_think_discussion_daily_vesicles_need_a_larger_dose_and_effect(explorer):
    """The expert discussion of think_ev_schedule: six daily vesicle doses fail at the default
    settings and heal only with a larger dose and a near-maximal effect."""
    explorer.controls["product"].value = "ev"
    explorer.controls["interval"].value = 1
    assert _final_state(explorer) == "psoriatic"
    explorer.controls["dose"].value = explorer.controls["dose"].max
    explorer.controls["strength"].value = explorer.controls["strength"].max
    assert _final_state(explorer) == "healthy"
