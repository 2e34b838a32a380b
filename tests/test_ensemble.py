"""The same therapy in many virtual patients: a seeded, reproducible fan of outcomes."""

from __future__ import annotations

import numpy as np
import pytest

from mscpso_edu import diagrams
from mscpso_edu.errors import CourseError
from mscpso_edu.models import ConstantEffect, simulate_skin, therapy_ensemble

THERAPY = (ConstantEffect("tolerogenic_dc", 0.5, 0.0, 28.0),)


def test_published_parameters_heal_but_the_virtual_patients_fan_out():
    assert simulate_skin(days=365, start="psoriatic", therapies=THERAPY).final_state == "healthy"
    fan = therapy_ensemble(THERAPY)
    assert fan.n == 40 and fan.pasi.shape == (40, 366)
    assert 0 < fan.healed < fan.n  # the same therapy heals some and not others
    # A virtual patient without a healthy state can never heal.
    for state, no_healthy in zip(fan.final_states, fan.no_healthy_state, strict=True):
        if no_healthy:
            assert state == "psoriatic"
    np.testing.assert_allclose(fan.reference[-1], 0.0, atol=0.05)


def test_the_same_seed_gives_the_same_patients_and_another_seed_others():
    one = therapy_ensemble(THERAPY, n=10, seed=1)
    again = therapy_ensemble(THERAPY, n=10, seed=1)
    other = therapy_ensemble(THERAPY, n=10, seed=2)
    np.testing.assert_array_equal(one.factors, again.factors)
    assert not np.array_equal(one.factors, other.factors)


def test_a_tiny_spread_behaves_like_the_published_model():
    fan = therapy_ensemble(THERAPY, n=10, spread=0.001)
    assert fan.healed == fan.n


def test_the_fan_figure_counts_the_outcomes():
    fan = therapy_ensemble(THERAPY, n=12, seed=3)
    drawn = diagrams.outcome_fan(fan)
    assert len(drawn.artists["patients"]) == 12
    assert f"{fan.healed} of 12 end healthy" in drawn.alt_text
    assert "illustrative" in drawn.alt_text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "virtual patients"),
        ({"spread": -0.1}, "spread"),
        ({"parameters": ("nope",)}, "unknown skin parameter"),
    ],
)
def test_bad_ensemble_inputs_give_readable_errors(kwargs, message):
    with pytest.raises(CourseError, match=message):
        therapy_ensemble(THERAPY, **kwargs)
