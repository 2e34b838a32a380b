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
    healthy_state,
    healthy_state_limit,
    kinetics_comparison,
    psoriatic_state,
    relapse_comparison,
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


# --- numbers that agree with the measured ones, or say why not --------------------------------


def test_healthy_state_limit_is_a_fold_just_above_the_published_il17_per_t_cell():
    limit = healthy_state_limit("il172")
    base = SkinParameters()
    below = base.replace(il172=base.il172 * (limit - 0.002))
    above = base.replace(il172=base.il172 * (limit + 0.002))
    assert 1.0 < limit < 1.025  # the lesson 04 slider (steps of 0.025) first loses it at 1.025
    assert sum(s.stable for s in steady_states(below)) == 2
    assert sum(s.stable for s in steady_states(above)) == 1
    with pytest.raises(CourseError, match="unknown skin parameter"):
        healthy_state_limit("nope")


def test_kinetics_comparison_sets_the_model_beside_weinstein_1985():
    table = str(kinetics_comparison())
    for number in ("27,000", "52,000", "1,246", "35,000"):  # read from facts.yaml
        assert number in table
    healthy, psoriatic = healthy_state(), psoriatic_state()
    assert f"{healthy.turnover_days:.1f}" in table
    assert f"{psoriatic.turnover_days:.1f}" in table
    assert "28.1×" in table  # measured production rises 28-fold; the model's much less
    transit = next(line for line in table.splitlines() if "basal to horny layer" in line)
    assert transit.split("|")[3].strip() == "28" and transit.split("|")[5].strip() == "4"


def test_relapse_comparison_shows_computed_thresholds_and_cited_clinical_facts():
    note = str(relapse_comparison())
    assert f"{relapse_trigger_threshold():,.0f}" in note
    assert f"{relapse_trigger_threshold(memory=TissueMemory()):,.0f}" in note
    for cite in ("[Matos 2017]", "[Lebwohl 2024]", "[Masson Regnault 2022]", "[Boztepe 2006]"):
        assert cite in note


def test_fixed_step_rk4_agrees_with_the_adaptive_solver_with_memory_and_two_pulses():
    from mscpso_edu.models import simulate_skin_fixed_step

    kwargs = {
        "days": 120,
        "dc_stimulus": [DCStimulus(start=10), DCStimulus(start=80, rate=1500)],
        "memory": TissueMemory(),
    }
    adaptive = simulate_skin(**kwargs)
    naive = simulate_skin_fixed_step(dt=0.01, **kwargs)
    np.testing.assert_allclose(naive.y[:, -1], adaptive.y[:, -1], rtol=1e-3)
    np.testing.assert_allclose(naive.memory[-1], adaptive.memory[-1], rtol=1e-3)
