"""Lesson 08's appraisal numbers: Wilson intervals, trial flow and anchors come from cited data."""

from __future__ import annotations

import math

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


def _rate(successes: int, n: int, label: str = "study") -> appraisal.Rate:
    low, high = appraisal.wilson_interval(successes, n)
    return appraisal.Rate(label, "PASI 50", "MSC", successes / n, "cheng2022", False,
                          successes, n, low, high)  # fmt: skip


def test_pool_of_the_cited_trials_is_the_inverse_variance_mean_when_they_agree():
    pooled = appraisal.pool_response_rates()
    cheng, yao = pooled.rates
    # Hand computation: logit p with variance 1/(n p (1-p)); Q < df, so tau2 = 0 and the
    # random-effects mean is the inverse-variance mean.
    logits = [math.log(r.successes / (r.n - r.successes)) for r in (cheng, yao)]
    weights = [r.n * r.rate * (1 - r.rate) for r in (cheng, yao)]
    mean = sum(w * x for w, x in zip(weights, logits, strict=True)) / sum(weights)
    half = 1.959964 / math.sqrt(sum(weights))
    expit = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    assert pooled.tau2 == 0 and pooled.i2 == 0
    assert pooled.estimate == pytest.approx(expit(mean), abs=1e-9)
    assert (pooled.low, pooled.high) == pytest.approx((expit(mean - half), expit(mean + half)))
    assert yao.rate < pooled.estimate < cheng.rate
    # With two studies the HKSJ interval uses t with 1 df: far wider than the normal one.
    assert pooled.hksj_low < pooled.low / 10 and pooled.hksj_high > 0.95


def test_pool_of_disagreeing_studies_estimates_heterogeneity_and_widens():
    agree = appraisal.pool_response_rates([_rate(10, 20), _rate(11, 20)])
    disagree = appraisal.pool_response_rates([_rate(2, 20), _rate(18, 20), _rate(10, 20)])
    assert agree.tau2 == 0
    assert disagree.tau2 > 0.5 and disagree.i2 > 0.75 and disagree.q_pvalue < 0.001
    assert disagree.high - disagree.low > 2 * (agree.high - agree.low)


def test_pool_corrects_a_study_with_no_responders_and_refuses_too_little():
    pooled = appraisal.pool_response_rates([_rate(0, 5), _rate(3, 10)])
    assert 0 < pooled.estimate < 0.3
    with pytest.raises(CourseError, match="at least two"):
        appraisal.pool_response_rates([_rate(3, 10)])
    uncounted = appraisal.anchor_rates()[:2]
    with pytest.raises(CourseError, match="no counts"):
        appraisal.pool_response_rates(uncounted)


def test_forest_plot_draws_each_study_and_the_pool_and_describes_them():
    pooled = appraisal.pool_response_rates()
    drawn = diagrams.forest_plot(pooled)
    assert len(drawn.artists["points"]) == len(drawn.artists["interval_bars"]) == 2
    xs = drawn.artists["pool_diamond"].get_xy()[:, 0]
    assert (xs.min(), xs.max()) == pytest.approx((100 * pooled.low, 100 * pooled.high))
    assert "8/17 = 47%, 95% interval 26% to 69%" in drawn.alt_text
    assert f"Random-effects pool {pooled.estimate:.0%}" in drawn.alt_text
    assert "Cheng 2022: PASI 40, 8/17" in drawn.artists["row_labels"]
    table = pooled.table()
    assert "Random-effects pool" in str(table) and "HKSJ" in str(table)
