"""Our random-effects pool agrees with statsmodels' ``combine_effects`` (the test extra's oracle).

Learners do not install statsmodels: lesson 08 pools with ``appraisal.random_effects``. These tests
pin its results to statsmodels' Paule-Mandel ("iterated") pool, on the course's data and on other
datasets: agreeing and heterogeneous studies, k = 2, a study with no responders, many studies.

statsmodels stops its Paule-Mandel iteration once the estimating equation is within 1e-5, so its
tau² differs from ours (solved to machine precision) in the 6th significant digit at most. To
compare everything else tightly, statsmodels is also started a hair below our tau², where its
iteration stops at once. (Asking statsmodels for a tighter ``atol`` does not work: when an iterate
lands on the root with a rounding error below 0, it returns tau² = 0.)
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import combine_effects

from mscpso_edu.errors import CourseError
from mscpso_edu.models import appraisal


def _logits(counts: list[tuple[int, int]]) -> tuple[list[float], list[float]]:
    """Log-odds and variances of single-arm counts, 0.5 added to a study with an empty cell."""
    effects, variances = [], []
    for yes, n in counts:
        a, b = float(yes), float(n - yes)
        if a == 0 or b == 0:
            a, b = a + 0.5, b + 0.5
        effects.append(math.log(a / b))
        variances.append(1 / a + 1 / b)
    return effects, variances


def _random_datasets() -> list[tuple[list[float], list[float]]]:
    rng = np.random.default_rng(20261129)
    out = []
    for k, tau in ((2, 0.0), (3, 1.5), (5, 0.3), (10, 0.8), (25, 0.2)):
        variances = rng.uniform(0.02, 0.6, size=k)
        effects = rng.normal(0.4, tau, size=k) + rng.normal(0, np.sqrt(variances))
        out.append((effects.tolist(), variances.tolist()))
    return out


DATASETS = {
    "course_trials": _logits([(8, 17), (2, 7)]),
    "k2_agree": _logits([(10, 20), (11, 20)]),
    "k2_heterogeneous": _logits([(2, 20), (18, 20)]),
    "k3_heterogeneous": _logits([(2, 20), (18, 20), (10, 20)]),
    "zero_responders": _logits([(0, 5), (3, 10), (7, 12), (1, 9)]),
    "many_small_studies": _logits([(4, 11), (9, 14), (2, 8), (12, 30), (6, 6), (15, 22), (3, 19)]),
    "log_ratios_mixed_precision": (
        [-0.89, -1.59, -1.35, -1.44, -0.22, -0.79, -1.62, 0.01, -0.47, -1.37, 0.45, -0.02],
        [0.33, 0.19, 0.42, 0.02, 0.05, 0.007, 0.22, 0.004, 0.06, 0.07, 0.01, 0.53],
    ),
    **{f"seeded_{i}": data for i, data in enumerate(_random_datasets())},
}


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_random_effects_matches_statsmodels_combine_effects(name):
    effects, variances = DATASETS[name]
    y, v = np.array(effects), np.array(variances)
    ours = appraisal.random_effects(effects, variances)

    # tau²: statsmodels with its defaults agrees to its own stopping rule ...
    default = combine_effects(y, v, method_re="iterated")
    assert ours.tau2 == pytest.approx(max(0.0, default.tau2), rel=2e-5, abs=1e-9)
    # ... and ours solves the Paule-Mandel equation: generalised Q = k - 1 (or tau² = 0).
    w = 1 / (v + ours.tau2)
    generalised_q = float(w @ (y - w @ y / w.sum()) ** 2)
    if ours.tau2 > 0:
        assert generalised_q == pytest.approx(len(y) - 1, rel=1e-10)
    else:
        assert generalised_q <= len(y) - 1

    # Everything else, with statsmodels' tau² pinned to ours.
    ref = combine_effects(y, v, method_re="iterated", tau2_start=ours.tau2 * (1 - 1e-12))
    close = {"rel": 1e-9, "abs": 1e-12}
    assert max(0.0, ref.tau2) == pytest.approx(ours.tau2, **close)
    _, ci_re, _, _ = ref.conf_int(alpha=0.05, use_t=False)
    _, _, _, ci_hksj = ref.conf_int(alpha=0.05, use_t=True)
    homogeneity = ref.test_homogeneity()
    assert ours.mean == pytest.approx(ref.mean_effect_re, **close)
    assert ours.se == pytest.approx(ref.sd_eff_w_re, **close)
    assert (ours.low, ours.high) == pytest.approx(tuple(ci_re), **close)
    assert ours.se_hksj == pytest.approx(ref.sd_eff_w_re_hksj, **close)
    assert (ours.hksj_low, ours.hksj_high) == pytest.approx(tuple(ci_hksj), **close)
    assert ours.mean_fe == pytest.approx(ref.mean_effect_fe, **close)
    assert ours.se_fe == pytest.approx(ref.sd_eff_w_fe, **close)
    assert ours.weights_fe == pytest.approx(tuple(ref.weights_rel_fe), **close)
    assert ours.weights_re == pytest.approx(tuple(ref.weights_rel_re), **close)
    assert ours.q == pytest.approx(homogeneity.statistic, **close)
    assert ours.q_pvalue == pytest.approx(homogeneity.pvalue, **close)
    # statsmodels reports I² = 1 - (k - 1) / Q unclipped; ours is clipped at 0.
    assert ours.i2 == pytest.approx(max(0.0, ref.i2), **close)


def test_the_datasets_cover_agreement_and_heterogeneity():
    pools = {name: appraisal.random_effects(*data) for name, data in DATASETS.items()}
    assert pools["course_trials"].tau2 == 0 and pools["k2_agree"].tau2 == 0
    assert pools["k2_heterogeneous"].tau2 > 1 and pools["k3_heterogeneous"].i2 > 0.75
    assert sum(pool.tau2 > 0 for pool in pools.values()) >= 5


def test_statsmodels_default_tolerance_gives_the_same_rounded_lesson_numbers():
    """With statsmodels' own defaults the lesson's percentages are the same."""
    pooled = appraisal.pool_response_rates()
    effects, variances = DATASETS["course_trials"]
    ref = combine_effects(np.array(effects), np.array(variances), method_re="iterated")
    expit = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    _, ci_re, _, _ = ref.conf_int(alpha=0.05, use_t=False)
    _, _, _, ci_hksj = ref.conf_int(alpha=0.05, use_t=True)
    assert f"{pooled.estimate:.1%}" == f"{expit(ref.mean_effect_re):.1%}"
    assert [f"{x:.1%}" for x in (pooled.low, pooled.high, pooled.hksj_low, pooled.hksj_high)] == [
        f"{expit(x):.1%}" for x in (*ci_re, *ci_hksj)
    ]


def test_random_effects_refuses_bad_input_in_one_sentence():
    with pytest.raises(CourseError, match="at least two"):
        appraisal.random_effects([0.1], [0.2])
    with pytest.raises(CourseError, match="positive"):
        appraisal.random_effects([0.1, 0.2], [0.2, 0.0])
    with pytest.raises(CourseError, match="at least two"):
        appraisal.random_effects([0.1, 0.2], [0.2])
