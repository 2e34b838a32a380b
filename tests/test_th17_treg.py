"""Th17/Treg model (Intosalmi 2015): published 72 h values, MSC TGF-beta input, roadrunner check."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from sbml_reference import TH17_SBML, with_tgf_secretion

from mscpso_edu.errors import CourseError
from mscpso_edu.models import TH17_STATE_NAMES, Th17Parameters, simulate_th17

SBML_IDS = {
    "il6_ext": "IL6ext",
    "il6_int": "IL6int",
    "tgf_ext": "TGFbext",
    "tgf_int": "TGFbint",
    "stat3_mrna": "STAT3mRNA",
    "stat3": "STAT3prot",
    "stat3_active": "STAT3prot_star",
    "rorgt_mrna": "RORgtmRNA",
    "foxp3_mrna": "FOXP3mRNA",
    "foxp3_active": "FOXP3prot_star",
}


@pytest.mark.parametrize(
    ("il6", "tgf", "rorgt", "foxp3"),
    [(1, 1, 0.30, 0.078), (0, 1, 0.0, 0.091), (1, 0, 0.0, 0.0)],
)
def test_72_hour_values_match_the_dossier(il6, tgf, rorgt, foxp3):
    final = simulate_th17(il6=il6, tgf=tgf, hours=72).final
    assert final["rorgt_mrna"] == pytest.approx(rorgt, abs=0.005)
    assert final["foxp3_mrna"] == pytest.approx(foxp3, abs=0.001)


def test_msc_tgf_shifts_the_balance_toward_foxp3():
    plain = simulate_th17(il6=1, tgf=1)
    with_msc = simulate_th17(il6=1, tgf=1, msc_tgf=2)
    assert with_msc.final["foxp3_mrna"] > 2 * plain.final["foxp3_mrna"]
    assert with_msc.rorgt_share[-1] < plain.rorgt_share[-1]


def test_continuous_msc_tgf_secretion_raises_foxp3_more_the_faster_it_is():
    values = [simulate_th17(msc_tgf_rate=r).final["foxp3_mrna"] for r in (0, 0.05, 0.2)]
    assert values[0] < values[1] < values[2]


def test_parameters_equal_the_sbml_local_parameters():
    root = ET.parse(TH17_SBML).getroot()
    values = [
        float(p.get("value"))
        for r in root.iter("{http://www.sbml.org/sbml/level2/version4}reaction")
        for p in r.iter("{http://www.sbml.org/sbml/level2/version4}parameter")
    ]
    ours = sorted(getattr(Th17Parameters(), f.name) for f in dataclasses.fields(Th17Parameters))
    assert sorted(values) == pytest.approx(ours, rel=1e-12)


def _roadrunner_run(il6, tgf, rate=0.0):
    roadrunner = pytest.importorskip("roadrunner")
    runner = roadrunner.RoadRunner(with_tgf_secretion(TH17_SBML, rate))
    runner.integrator.relative_tolerance = 1e-10
    runner.integrator.absolute_tolerance = 1e-12
    runner["init([IL6ext])"] = il6
    runner["init([TGFbext])"] = tgf
    selections = ["time"] + [f"[{SBML_IDS[name]}]" for name in TH17_STATE_NAMES]
    return runner.simulate(0, 72, 289, selections=selections)


@pytest.mark.parametrize(
    ("il6", "tgf", "msc_tgf", "rate"),
    [(1, 1, 0, 0), (0, 1, 0, 0), (1, 1, 2, 0), (1, 1, 0, 0.05)],
)
def test_agrees_with_roadrunner_within_1_percent(il6, tgf, msc_tgf, rate):
    reference = _roadrunner_run(il6, tgf + msc_tgf, rate)
    ours = simulate_th17(il6=il6, tgf=tgf, msc_tgf=msc_tgf, msc_tgf_rate=rate, hours=72)
    assert np.allclose(ours.t, reference[:, 0])
    for i, name in enumerate(TH17_STATE_NAMES):
        expected = reference[:, i + 1]
        scale = max(np.max(np.abs(expected)), 1e-9)
        # relative to each curve's own range, so variables that stay at 0 cannot fail on noise
        assert np.max(np.abs(getattr(ours, name) - expected)) / scale < 0.01, name


def test_bad_inputs_raise_course_errors():
    with pytest.raises(CourseError, match="hours"):
        simulate_th17(hours=0)
    with pytest.raises(CourseError, match="msc_tgf"):
        simulate_th17(msc_tgf=-1)
    with pytest.raises(CourseError, match="finite"):
        simulate_th17(il6=float("nan"))
    with pytest.raises(CourseError, match="unknown Th17 parameter"):
        Th17Parameters().replace(k99=1)
