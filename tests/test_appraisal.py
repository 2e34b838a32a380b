"""Lesson 08's appraisal numbers: Wilson intervals, trial flow and anchors come from cited data."""

from __future__ import annotations

import pytest

from mscpso_edu import diagrams, knowledge
from mscpso_edu.errors import CourseError
from mscpso_edu.models import appraisal


def test_wilson_interval_matches_hand_computed_values_and_stays_in_range():
    low, high = appraisal.wilson_interval(8, 17)
    assert (round(low, 3), round(high, 3)) == (0.262, 0.690)
    assert appraisal.wilson_interval(0, 5)[0] == pytest.approx(0.0, abs=1e-12)
    assert appraisal.wilson_interval(5, 5)[1] == pytest.approx(1.0)
    with pytest.raises(CourseError, match="successes"):
        appraisal.wilson_interval(6, 5)


def test_single_arm_rates_are_the_cited_counts_over_everyone_enrolled():
    cheng, yao = appraisal.response_rates()
    study = next(s for s in knowledge.clinical_studies() if s.id == "cheng2022_trial")
    assert (cheng.successes, cheng.n) == (study.responders, study.n)
    assert (yao.successes, yao.n) == (2, 7)  # kept PASI 50 at a year, of all enrolled
    assert cheng.low < cheng.rate < cheng.high


def test_anchors_put_placebo_far_below_biologics():
    anchors = appraisal.anchor_rates()
    placebo = [r.rate for r in anchors if r.arm == "placebo"]
    drug = [r.rate for r in anchors if r.arm == "drug"]
    assert max(placebo) < 0.1 < 0.7 < min(drug)
    assert {r.ref for r in anchors} == {"langley2014", "blauvelt2017"}


def test_flow_diagram_counts_the_losses_and_says_so_in_its_alt_text():
    drawn = diagrams.consort_flow("yao_flow")
    labels = [t.get_text() for t in drawn.artists["box_labels"]]
    assert "Enrolled and treated\nn = 7" in labels
    assert any(label.startswith("Did not reach the next stage: 3") for label in labels)
    assert "Of 7 enrolled, 2 (29%)" in drawn.alt_text


def test_calibration_plot_draws_every_rate_with_intervals_for_single_arm_studies():
    drawn = diagrams.response_calibration()
    assert len(drawn.artists["points"]) == len(appraisal.anchor_rates()) + 2
    assert len(drawn.artists["interval_bars"]) == 2
    assert "8/17; 95% interval 26% to 69%" in drawn.alt_text
