"""Cross-check the skin circuit against the authors' SBML simulated by libroadrunner.

The SBML (psor_v8_4, Shmarov et al. 2022) is the ground truth: every trajectory of
:func:`mscpso_edu.models.simulate_skin` must stay within 1% of roadrunner's at every output time.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from sbml_reference import SKIN_SBML, make_runner, sbml_names, simulate, with_msc_exposure

from mscpso_edu.models import (
    STATE_NAMES,
    ConstantEffect,
    DCStimulus,
    MSCTherapy,
    SkinParameters,
    UVBCourse,
    simulate_skin,
)

pytest.importorskip("roadrunner")

NAMES = sbml_names(SKIN_SBML)
SPECIES = list(STATE_NAMES)
NEVER = 1e9  # a UVB start time the simulation never reaches


def max_relative_error(result, reference) -> float:
    return max(
        float(np.max(np.abs(getattr(result, s) - reference[s]) / np.abs(reference[s])))
        for s in SPECIES
    )


def test_parameters_equal_the_sbml_values():
    runner = make_runner(SKIN_SBML)
    for name in SkinParameters.names():
        assert getattr(SkinParameters(), name) == pytest.approx(runner[NAMES[name]], rel=1e-12)


def test_published_uvb_course_equals_the_sbml_events():
    namespace = {"s": "http://www.sbml.org/sbml/level2/version4"}
    events = ET.parse(SKIN_SBML).getroot().findall(".//s:event", namespace)
    starts = [
        e for e in events if e.get("name", "").startswith("dose_") and e.get("name").endswith("_a")
    ]
    offsets, doses = [], []
    for event in starts:
        numbers = [float(cn.text) for cn in event.iter("{http://www.w3.org/1998/Math/MathML}cn")]
        offsets.append(numbers[0])
        doses.append(numbers[-1])
    course = UVBCourse.published(300)
    assert [300 + o for o in offsets] == list(course.session_days)
    assert doses == list(course.doses)


def test_onset_and_uvb_clearance_agree_with_roadrunner_within_1_percent():
    runner = make_runner(SKIN_SBML)  # the SBML itself holds the day-150 stimulus and UVB at 300
    t, reference = simulate(runner, NAMES, SPECIES, [(420, {})])
    result = simulate_skin(
        days=420, dc_stimulus=DCStimulus(), uvb=UVBCourse.published(300), t_eval=t
    )
    assert reference["D"][t == 299][0] > 170000  # psoriatic before UVB: the test is not vacuous
    assert max_relative_error(result, reference) < 0.01


def test_constant_msc_like_effect_agrees_with_roadrunner_within_1_percent():
    runner = make_runner(SKIN_SBML)
    runner[NAMES["time_uvb"]] = NEVER
    il232 = NAMES["il232"]
    windows = [(300, {}), (328, {"il232": 0.5}), (500, {"il232": 1.0})]
    assert il232  # parameter exists in the SBML
    t, reference = simulate(runner, NAMES, SPECIES, windows)
    result = simulate_skin(
        days=500,
        dc_stimulus=DCStimulus(),
        therapies=(ConstantEffect("tolerogenic_dc", 0.5, start=300, duration=28),),
        t_eval=t,
    )
    assert result.final_state == "healthy"
    assert max_relative_error(result, reference) < 0.01


def test_relapsing_14_day_effect_agrees_with_roadrunner_within_1_percent():
    runner = make_runner(SKIN_SBML)
    runner[NAMES["time_uvb"]] = NEVER
    windows = [(300, {}), (314, {"il232": 0.5}), (500, {"il232": 1.0})]
    t, reference = simulate(runner, NAMES, SPECIES, windows)
    result = simulate_skin(
        days=500,
        dc_stimulus=DCStimulus(),
        therapies=(ConstantEffect("tolerogenic_dc", 0.5, start=300, duration=14),),
        t_eval=t,
    )
    assert result.final_state == "psoriatic"
    assert max_relative_error(result, reference) < 0.01


def test_dosed_msc_therapy_agrees_with_roadrunner_within_1_percent():
    import roadrunner

    therapy = MSCTherapy(
        "fewer_th17", 0.8, doses=5, interval_days=7, first_day=200, half_life_days=3
    )
    runner = roadrunner.RoadRunner(with_msc_exposure(SKIN_SBML, therapy, NAMES, {"t2": 55.0}))
    runner.integrator.relative_tolerance = 1e-10
    runner.integrator.absolute_tolerance = 1e-8
    runner[NAMES["time_uvb"]] = NEVER
    t, reference = simulate(runner, NAMES, SPECIES, [(400, {})])
    result = simulate_skin(days=400, dc_stimulus=DCStimulus(), therapies=(therapy,), t_eval=t)
    assert result.final_state == "healthy"
    assert max_relative_error(result, reference) < 0.01
