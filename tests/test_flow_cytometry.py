"""The SYNTHETIC flow-cytometry generator and the ISCT classifier of lesson 02."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mscpso_edu.errors import CourseError
from mscpso_edu.models import flow_cytometry as fc


def test_same_seed_same_sample_and_different_seed_different_counts():
    first = fc.synthetic_sample("meets_criteria", rng=11)
    again = fc.synthetic_sample("meets_criteria", rng=np.random.default_rng(11))
    other = fc.synthetic_sample("meets_criteria", rng=12)
    assert dict(first.percent_positive) == dict(again.percent_positive)
    assert dict(first.percent_positive) != dict(other.percent_positive)


def test_samples_are_labelled_synthetic_and_report_every_isct_marker():
    sample = fc.synthetic_sample("low_cd105", rng=1)
    criteria = fc.isct_criteria()
    assert sample.synthetic is True
    assert "SYNTHETIC" in sample.label
    assert set(sample.percent_positive) == {
        *criteria.positive_markers,
        *criteria.negative_markers,
    }
    assert all(0 <= v <= 100 for v in sample.percent_positive.values())
    assert set(sample.differentiation) == set(criteria.differentiation)


def test_percentages_are_counts_of_cells_so_they_scatter_around_the_profile():
    draws = [fc.synthetic_sample("low_cd105", rng=seed).percent_positive["CD105"]
             for seed in range(200)]  # fmt: skip
    assert abs(np.mean(draws) - 84.0) < 0.2
    # Binomial noise for 5000 cells at 84%: sd = 100 * sqrt(0.84 * 0.16 / 5000) = 0.52.
    assert 0.4 < np.std(draws) < 0.65
    few = [fc.synthetic_sample("low_cd105", rng=s, events=200).percent_positive["CD105"]
           for s in range(200)]  # fmt: skip
    assert np.std(few) > 2 * np.std(draws)


@pytest.mark.parametrize(
    ("profile", "failed"),
    [
        ("meets_criteria", set()),
        ("borderline_pass", set()),
        ("low_cd105", {"CD105 positive"}),
        ("haematopoietic_contamination", {"CD45 negative", "CD34 negative",
                                          "CD14 or CD11b negative"}),
        ("hla_dr_positive", {"HLA-DR negative"}),
        ("no_adipogenesis", {"differentiates to adipocytes"}),
        ("not_adherent", {"plastic adherence"}),
    ],
)  # fmt: skip
def test_each_profile_fails_exactly_the_criterion_it_was_built_for(profile, failed):
    for seed in range(20):
        verdict = fc.classify(fc.synthetic_sample(profile, rng=seed))
        assert {r.criterion for r in verdict.failures} == failed
        assert verdict.is_msc is (not failed)


def test_thresholds_come_from_the_knowledge_base_criteria():
    sample = fc.synthetic_sample("borderline_pass", rng=3)
    assert fc.classify(sample).is_msc
    stricter = dataclasses.replace(fc.isct_criteria(), min_positive_percent=99.5)
    verdict = fc.classify(sample, stricter)
    assert not verdict.is_msc
    assert any("< 99.5%" in r.detail for r in verdict.failures)
    assert fc.isct_criteria().min_positive_percent == 95
    assert fc.isct_criteria().max_negative_percent == 2


def test_classify_reports_value_and_limit_of_a_failing_marker():
    sample = fc.synthetic_sample("hla_dr_positive", rng=5)
    (failure,) = fc.classify(sample).failures
    value = sample.percent_positive["HLA-DR"]
    assert failure.detail == f"HLA-DR {value:.1f}% > 2%"


def test_panel_is_deterministic_hides_profiles_and_mixes_verdicts():
    panel = fc.synthetic_panel(2006)
    again = fc.synthetic_panel(2006)
    assert [s.name for s in panel] == [f"Sample {c}" for c in "ABCDEFG"]
    assert [s.profile for s in panel] == [s.profile for s in again]
    assert sorted(s.profile for s in panel) == sorted(fc.PROFILES)
    verdicts = [fc.classify(s).is_msc for s in panel]
    assert any(verdicts) and not all(verdicts)
    assert [s.profile for s in fc.synthetic_panel(7)] != [s.profile for s in panel]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: fc.synthetic_sample("meets_critera"), "did you mean 'meets_criteria'"),
        (lambda: fc.synthetic_sample("meets_criteria", rng=-1), "seed"),
        (lambda: fc.synthetic_sample("meets_criteria", rng="x"), "seed"),
        (lambda: fc.synthetic_sample("meets_criteria", events=10), "at least 100"),
        (lambda: fc.synthetic_sample(fc.MarkerProfile("bad", "", positive={"CD105": 120})),
         "0 to 100"),
        (lambda: fc.synthetic_sample(fc.MarkerProfile("bad", "", negative={"CD3": 5})),
         "CD3"),
        (lambda: fc.synthetic_panel(1, profiles=[]), "at least one"),
    ],
)  # fmt: skip
def test_bad_input_gives_one_readable_course_error(call, message):
    with pytest.raises(CourseError, match=message):
        call()
