"""Relapse in the skin circuit: a later trigger, and the illustrative tissue-memory compartment.

The published model (Shmarov et al. 2022) heals for good after a treatment that crosses its
threshold; relapse needs a new trigger. These tests pin what the course teaches about that.
"""

from __future__ import annotations

import numpy as np
import pytest

from mscpso_edu.errors import CourseError
from mscpso_edu.models import (
    DCStimulus,
    SkinParameters,
    TissueMemory,
    biologic,
    relapse_trigger_threshold,
    simulate_skin,
    steady_states,
)

COURSE = (biologic("anti_il17", 0.9, 0.0, 28.0),)  # a 28-day strong anti-IL-17 course


def test_strong_28_day_anti_il17_course_heals_without_a_new_trigger():
    result = simulate_skin(days=545, start="psoriatic", therapies=COURSE)
    assert result.final_state == "healthy"


def test_a_later_trigger_after_the_course_relapses():
    # The SBML's onset trigger (3000 DCs/mm^2/day for 4 days), given again on day 180.
    result = simulate_skin(
        days=545, start="psoriatic", therapies=COURSE, dc_stimulus=DCStimulus(start=180.0)
    )
    healed = result.keratinocytes[result.t == 170.0][0]
    assert simulate_skin(days=170, start="psoriatic", therapies=COURSE).final_state == "healthy"
    assert result.final_state == "psoriatic"
    assert result.keratinocytes[-1] > 3 * healed


def test_memory_lowers_the_trigger_needed_to_relapse():
    without = relapse_trigger_threshold()
    with_memory = relapse_trigger_threshold(memory=TissueMemory())
    assert 0 < with_memory < 0.8 * without
    # The threshold brackets the outcome: just below it the skin stays healed.
    below = simulate_skin(
        days=549,
        start="psoriatic",
        therapies=COURSE,
        dc_stimulus=DCStimulus(start=180.0, rate=0.9 * without),
    )
    assert below.final_state == "healthy"


def test_without_memory_the_published_model_is_unchanged():
    plain = simulate_skin(days=300, dc_stimulus=DCStimulus())
    assert plain.memory is None
    both = simulate_skin(days=300, dc_stimulus=[DCStimulus()])
    np.testing.assert_array_equal(plain.y, both.y)


def test_memory_with_zero_gain_changes_nothing_but_is_tracked():
    plain = simulate_skin(days=400, start="psoriatic", therapies=COURSE)
    tracked = simulate_skin(
        days=400, start="psoriatic", therapies=COURSE, memory=TissueMemory(gain=0)
    )
    np.testing.assert_allclose(tracked.y, plain.y, rtol=1e-5)
    memory = tracked.memory
    assert memory[0] == pytest.approx(TissueMemory().chronic_level)
    assert np.all(np.diff(memory[200:]) < 0)  # healed skin: memory fades
    assert memory[-1] > 0.5  # ... slowly (TRM persist)


def test_memory_builds_while_skin_is_inflamed():
    result = simulate_skin(days=300, dc_stimulus=DCStimulus(start=20.0), memory=TissueMemory())
    assert result.memory[0] == 0.0
    assert result.memory[-1] > 0.9


def test_default_gain_keeps_a_healthy_state_at_full_memory():
    boosted = SkinParameters().replace(t2=SkinParameters().t2 * (1 + TissueMemory().gain))
    assert sum(state.stable for state in steady_states(boosted)) == 2


def test_two_pulses_add_where_they_overlap():
    one = simulate_skin(days=60, dc_stimulus=DCStimulus(start=10, rate=2000))
    two = simulate_skin(
        days=60, dc_stimulus=(DCStimulus(start=10, rate=1000), DCStimulus(start=10, rate=1000))
    )
    np.testing.assert_allclose(one.y, two.y, rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dc_stimulus": "soon"}, "dc_stimulus must be"),
        ({"dc_stimulus": [DCStimulus(), 3]}, "dc_stimulus must be"),
        ({"memory": 0.5}, "memory must be a TissueMemory"),
    ],
)
def test_bad_relapse_inputs_give_readable_errors(kwargs, message):
    with pytest.raises(CourseError, match=message):
        simulate_skin(days=10, **kwargs)


def test_bad_memory_parameters_give_readable_errors():
    with pytest.raises(CourseError, match="initial level"):
        TissueMemory(initial=2.0)
    with pytest.raises(CourseError, match="fade_days"):
        TissueMemory(fade_days=0)
