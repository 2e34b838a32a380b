"""Behaviour of the skin circuit (Shmarov et al. 2022) and its therapy inputs."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from mscpso_edu.errors import CourseError
from mscpso_edu.models import (
    MECHANISMS,
    STATE_NAMES,
    ConstantEffect,
    DCStimulus,
    MSCTherapy,
    SkinParameters,
    UVBCourse,
    biologic,
    healthy_state,
    psoriatic_state,
    simulate_skin,
    simulate_skin_fixed_step,
    steady_states,
)


def test_healthy_steady_state_matches_the_sbml_initial_state():
    state = healthy_state()
    assert pytest.approx(1556.09, rel=1e-4) == state.T
    assert pytest.approx(1563.06, rel=1e-4) == state.DC
    assert pytest.approx(3947.21, rel=1e-4) == state.SC
    assert pytest.approx(22224.4, rel=1e-4) == state.TA
    assert pytest.approx(50529.3, rel=1e-4) == state.D
    assert state.total_cells == pytest.approx(79828, rel=1e-4)
    assert state.stable


def test_psoriatic_steady_state_matches_the_sbml_scale_constants():
    state = psoriatic_state()
    assert pytest.approx(4783, rel=1e-3) == state.T
    assert pytest.approx(12544, rel=1e-3) == state.SC
    assert pytest.approx(70350, rel=1e-3) == state.TA
    assert pytest.approx(173504, rel=1e-3) == state.D
    assert state.total_cells == pytest.approx(266011.65, rel=1e-3)
    assert state.stable


def test_three_steady_states_healthy_saddle_psoriatic():
    states = steady_states()
    assert [s.stable for s in states] == [True, False, True]
    assert states[0].turnover_days == pytest.approx(41.3, abs=0.1)
    assert states[2].turnover_days == pytest.approx(14.3, abs=0.1)


def test_steady_states_stay_put_when_simulated():
    for start in ("healthy", "psoriatic"):
        result = simulate_skin(days=100, start=start)
        assert np.allclose(result.y[:, -1], result.y[:, 0], rtol=1e-6)


def test_four_day_dc_stimulus_flips_healthy_skin_to_psoriatic():
    result = simulate_skin(days=300, dc_stimulus=DCStimulus())
    assert result.final_state == "psoriatic"
    assert result.total_cells[-1] == pytest.approx(psoriatic_state().total_cells, rel=0.01)
    before = result.t < 150
    assert np.all(result.pasi_proxy[before] == pytest.approx(0, abs=1e-4))
    assert result.pasi_proxy[-1] == pytest.approx(1, abs=0.01)


def test_a_weak_dc_stimulus_does_not_flip():
    result = simulate_skin(days=300, dc_stimulus=DCStimulus(rate=300))
    assert result.final_state == "healthy"


def test_published_uvb_course_clears_the_psoriatic_state():
    result = simulate_skin(days=420, dc_stimulus=DCStimulus(), uvb=UVBCourse.published(300))
    assert result.final_state == "healthy"
    at_300 = np.searchsorted(result.t, 300)
    assert result.final_state == "healthy" and result.pasi_proxy[at_300] > 0.95
    assert result.pasi_proxy[-1] < 0.05


def test_published_uvb_course_has_25_sessions_over_57_days():
    course = UVBCourse.published(300)
    assert len(course.session_days) == 25
    assert course.session_days[0] == 300 and course.session_days[-1] == 356
    assert course.doses[0] == 0.7 and max(course.doses) == 3.427
    assert course.dose_at(300.5) == 0.7 and course.dose_at(301.5) == 0.0


@pytest.mark.parametrize("mechanism", ["tolerogenic_dc", "fewer_th17"])
def test_hysteresis_halving_for_14_days_relapses_but_28_days_cures(mechanism):
    short = simulate_skin(
        days=200, start="psoriatic", therapies=(ConstantEffect(mechanism, 0.5, 10, 14),)
    )
    long = simulate_skin(
        days=200, start="psoriatic", therapies=(ConstantEffect(mechanism, 0.5, 10, 28),)
    )
    assert short.final_state == "psoriatic"
    assert long.final_state == "healthy"


@pytest.mark.parametrize(
    ("mechanism", "strength"),
    [("tolerogenic_dc", 0.7), ("fewer_th17", 0.7), ("t_cell_clearance", 0.5)],
)
def test_strong_effects_cure_in_14_days(mechanism, strength):
    result = simulate_skin(
        days=200, start="psoriatic", therapies=(ConstantEffect(mechanism, strength, 10, 14),)
    )
    assert result.final_state == "healthy"


def test_t_cell_clearance_effect_half_doubles_t20():
    assert ConstantEffect("t_cell_clearance", 0.5, 0, 10).factors(5) == {"t20": 2.0}
    assert ConstantEffect("t_cell_clearance", 0.5, 0, 10).factors(10) == {"t20": 1.0}


def test_biologic_lowers_il17_while_given():
    therapy = biologic("anti_il17", 0.9, start=10, duration=20)
    result = simulate_skin(days=40, start="psoriatic", therapies=(therapy,))
    during = result.IL17[np.searchsorted(result.t, 20)]
    assert during < 0.2 * result.IL17[0]


def test_msc_exposure_decays_with_the_half_life():
    therapy = MSCTherapy("fewer_th17", 0.8, dose=2e6, doses=1, first_day=5)
    assert therapy.exposure(4.9) == 0
    assert therapy.exposure(5) == pytest.approx(2e6)
    # cells: half-life 1 day (our reading of Eggenhofer 2012)
    assert therapy.exposure(6) == pytest.approx(1e6)
    assert therapy.elimination_rate == pytest.approx(math.log(2))
    ev = MSCTherapy("fewer_th17", 0.8, doses=1, product="ev")
    assert ev.half_life_days < therapy.half_life_days
    assert "illustrative" in ev.metadata["half_life_days"]
    assert therapy.metadata["mapping"] == "OUR INTERPRETATION"


def test_msc_doses_add_up():
    therapy = MSCTherapy("fewer_th17", 0.8, dose=1.0, doses=3, interval_days=1, half_life_days=1)
    assert therapy.exposure(2.0) == pytest.approx(1 + 0.5 + 0.25)
    assert list(therapy.dose_days) == [0, 1, 2]


def test_more_msc_doses_can_cure_where_fewer_relapse():
    def run(doses):
        therapy = MSCTherapy(
            "fewer_th17", 0.9, doses=doses, interval_days=3, first_day=10, half_life_days=3
        )
        return simulate_skin(days=250, start="psoriatic", therapies=(therapy,)).final_state

    assert run(2) == "psoriatic"
    assert run(10) == "healthy"


def test_every_mechanism_is_labelled_with_refs_and_known_targets():
    for mechanism in MECHANISMS.values():
        assert mechanism.refs
        assert mechanism.mapping == "OUR INTERPRETATION"
        for target in mechanism.targets:
            assert target in SkinParameters.names()


def test_parameter_metadata_has_unit_and_reference():
    for field in dataclasses.fields(SkinParameters):
        assert field.metadata["unit"]
        assert field.metadata["ref"] == "shmarov2022"
    assert SkinParameters.metadata("t20")["unit"] == "1/day"


def test_replace_changes_a_value_and_rejects_unknown_names():
    assert SkinParameters().replace(t20=2.0).t20 == 2.0
    with pytest.raises(CourseError, match="unknown skin parameter 't21'; did you mean"):
        SkinParameters().replace(t21=2.0)


def test_changed_parameters_move_the_steady_states():
    fewer = SkinParameters().replace(il232=0.9)
    assert healthy_state(fewer).T < healthy_state().T
    assert psoriatic_state(fewer).T < psoriatic_state().T


def test_monostable_parameters_have_no_psoriatic_state():
    calm = SkinParameters().replace(t2=10.0)
    assert healthy_state(calm).stable
    with pytest.raises(CourseError, match="no psoriatic steady state"):
        psoriatic_state(calm)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: simulate_skin(days=0), "days"),
        (lambda: simulate_skin(days=-5), "days"),
        (lambda: simulate_skin(days=float("nan")), "finite"),
        (lambda: SkinParameters(t2=float("nan")), "finite"),
        (lambda: SkinParameters(t2=-1), "zero or more"),
        (lambda: MSCTherapy("fewer_th17", 0.5, dose=-1), "dose"),
        (lambda: MSCTherapy("fewer_th17", 0.5, doses=0), "doses"),
        (lambda: MSCTherapy("fewer_Th17", 0.5), "unknown mechanism"),
        (lambda: MSCTherapy("fewer_th17", 0.5, product="exosome"), "unknown product"),
        (lambda: ConstantEffect("fewer_th17", 1.5, 0, 10), "fraction"),
        (lambda: ConstantEffect("fewer_th17", 0.5, 0, 0), "duration"),
        (lambda: DCStimulus(rate=-1), "rate"),
        (lambda: simulate_skin(days=10, start="sick"), "start"),
        (lambda: simulate_skin(days=10, t_eval=[0, 20]), "t_eval"),
        (lambda: UVBCourse((1.0, 1.5), (1.0, 1.0)), "overlap"),
    ],
)
def test_bad_input_gives_a_readable_course_error(call, message):
    with pytest.raises(CourseError, match=message):
        call()


def test_results_are_cached_and_read_only():
    first = simulate_skin(days=50, dc_stimulus=DCStimulus(start=10))
    again = simulate_skin(days=50, dc_stimulus=DCStimulus(start=10))
    assert first is again
    with pytest.raises(ValueError):
        first.y[0, 0] = 1.0


def test_result_exposes_named_arrays():
    result = simulate_skin(days=10, t_eval=[0, 5, 10])
    for name in STATE_NAMES:
        assert getattr(result, name).shape == (3,)
    assert np.allclose(result.keratinocytes, result.SC + result.TA + result.D)
    assert result.turnover_days[0] == pytest.approx(41.3, abs=0.1)


def test_fixed_step_rk4_agrees_with_the_adaptive_solver():
    adaptive = simulate_skin(days=200, dc_stimulus=DCStimulus(start=100))
    naive = simulate_skin_fixed_step(days=200, dt=0.01, dc_stimulus=DCStimulus(start=100))
    assert naive.t.shape == adaptive.t.shape
    assert np.allclose(naive.y, adaptive.y, rtol=1e-4)


def test_keratinocyte_effect_slows_turnover_only_while_it_acts():
    effect = ConstantEffect("keratinocyte", 0.5, start=0.0, duration=5.0)
    result = simulate_skin(days=10, start="psoriatic", therapies=(effect,), t_eval=np.arange(11.0))
    untreated_rule = dataclasses.replace(result, therapies=()).turnover_days
    # While it acts, production of stem and TA cells is lower, so replacing the pools is slower.
    assert np.all(result.turnover_days[:5] > 1.1 * untreated_rule[:5])
    # From day 5 the effect has stopped and the rule uses the model's own constants again.
    assert np.allclose(result.turnover_days[5:], untreated_rule[5:])


@pytest.mark.parametrize(
    "product, doses, interval, mechanism",
    [("cells", 1, 14.0, "t_cell_clearance"), ("ev", 12, 3.0, "tolerogenic_dc"),
     ("cells", 30, 1.0, "keratinocyte")],
)  # fmt: skip
def test_the_right_hand_sides_fast_effect_is_the_exposure_sum(product, doses, interval, mechanism):
    """effect_scalar/factor_scalar (one exponential from the last dose) give effect()/factors()."""
    plan = MSCTherapy(mechanism, 0.8, doses=doses, interval_days=interval, first_day=10.0,
                      product=product)  # fmt: skip
    factor_at, targets = plan.factor_scalar()
    days = np.concatenate([np.linspace(0, 120, 997), plan.dose_days, plan.dose_days - 1e-9])
    for t in days:
        assert plan.effect_scalar(float(t)) == pytest.approx(float(plan.effect(t)), rel=1e-12)
        expected = MECHANISMS[mechanism].factor(float(plan.effect(t)))
        assert factor_at(float(t)) == pytest.approx(expected, rel=1e-12)
    assert targets == MECHANISMS[mechanism].targets
