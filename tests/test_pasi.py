"""PASI scoring against hand computation from Fredriksson & Pettersson's formula."""

from __future__ import annotations

import pytest

from mscpso_edu.errors import CourseError
from mscpso_edu.models import pasi
from mscpso_edu.models.pasi import (
    RegionAssessment,
    area_score,
    meets_rule_of_tens,
    pasi_response,
    pasi_score,
    region_score,
)

WEIGHTS = {"head": 0.1, "arms": 0.2, "trunk": 0.3, "legs": 0.4}


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (0, 0),
        (0.5, 1),
        (9.9, 1),
        (10, 2),
        (29.9, 2),
        (30, 3),
        (49, 3),
        (50, 4),
        (69.5, 4),
        (70, 5),
        (89, 5),
        (90, 6),
        (100, 6),
    ],
)
def test_area_score_bins_follow_the_published_bands(percent, expected):
    assert area_score(percent) == expected


def test_weights_are_the_published_ones():
    assert pasi.REGION_WEIGHTS == WEIGHTS


def test_maximal_pasi_is_72():
    worst = {region: RegionAssessment(4, 4, 4, area_percent=100) for region in WEIGHTS}
    expected = sum(weight * (4 + 4 + 4) * 6 for weight in WEIGHTS.values())
    assert expected == pytest.approx(72)
    assert pasi_score(worst) == pytest.approx(expected)
    assert round(pasi.MAX_PASI, 9) == 72


def test_clear_skin_scores_zero_even_with_signs_graded():
    # Signs without affected area contribute nothing: the area score multiplies.
    assert region_score("legs", 3, 3, 3, area_percent=0) == 0


def test_mixed_case_matches_hand_computation():
    assessments = {
        "head": {"erythema": 2, "induration": 1, "scaling": 1, "area_percent": 5},
        "arms": RegionAssessment(3, 2, 2, area_percent=25),
        "trunk": RegionAssessment(1, 1, 0, area_percent=45),
        "legs": RegionAssessment(4, 3, 3, area_percent=72),
    }
    expected = (
        0.1 * (2 + 1 + 1) * 1  # head: 5 % -> area 1
        + 0.2 * (3 + 2 + 2) * 2  # arms: 25 % -> area 2
        + 0.3 * (1 + 1 + 0) * 3  # trunk: 45 % -> area 3
        + 0.4 * (4 + 3 + 3) * 5  # legs: 72 % -> area 5
    )
    assert pasi_score(assessments) == pytest.approx(expected)
    assert region_score("arms", 3, 2, 2, 25) == pytest.approx(0.2 * 7 * 2)


def test_missing_regions_count_as_clear():
    assert pasi_score({"trunk": RegionAssessment(2, 2, 2, 50)}) == pytest.approx(0.3 * 6 * 4)
    assert pasi_score({}) == 0


@pytest.mark.parametrize("bad", [-1, 5, 2.5, "3", None, True])
def test_sign_outside_0_to_4_is_rejected_with_a_readable_message(bad):
    with pytest.raises(CourseError, match="erythema score"):
        region_score("head", erythema=bad, area_percent=10)


@pytest.mark.parametrize("bad", [-0.1, 100.5, float("nan")])
def test_percent_outside_0_to_100_is_rejected(bad):
    with pytest.raises(CourseError, match="affected area"):
        area_score(bad)


def test_unknown_region_is_named_in_the_error():
    with pytest.raises(CourseError, match=r"unknown PASI region 'feet'.*head, arms, trunk, legs"):
        pasi_score({"feet": RegionAssessment(1, 1, 1, 10)})
    with pytest.raises(CourseError, match="unknown field"):
        pasi_score({"head": {"redness": 2}})


def test_response_flags_follow_percentage_fall():
    response = pasi_response(baseline=20, current=4)
    assert response.improvement_percent == pytest.approx(100 * (20 - 4) / 20)
    assert (response.pasi50, response.pasi75, response.pasi90) == (True, True, False)
    exactly_75 = pasi_response(baseline=12, current=3)
    assert exactly_75.pasi75 and not exactly_75.pasi90
    worse = pasi_response(baseline=10, current=15)
    assert worse.improvement_percent == pytest.approx(-50)
    assert not worse.pasi50
    assert "below PASI50" in str(worse)
    assert "PASI75" in str(response)


def test_response_needs_a_positive_baseline_and_valid_scores():
    with pytest.raises(CourseError, match="above 0"):
        pasi_response(0, 0)
    with pytest.raises(CourseError, match="from 0 to 72"):
        pasi_response(80, 10)


def test_rule_of_tens_pasi_criterion_is_strictly_above_10():
    assert meets_rule_of_tens(10.1)
    assert not meets_rule_of_tens(10)
