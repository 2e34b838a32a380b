"""The MSC-source trade-off explorer: measured facts come from the data, scores say illustrative."""

from __future__ import annotations

import pytest

from mscpso_edu import knowledge
from mscpso_edu.errors import CourseError
from mscpso_edu.widgets.source_explorer import (
    CRITERIA,
    SOURCES,
    explore_sources,
    patients_by_source,
    weighted_scores,
)


def test_patient_counts_come_from_the_clinical_studies():
    counts = patients_by_source()
    studies = knowledge.clinical_studies(source="umbilical_cord", published=True)
    assert counts["umbilical_cord"] == sum(s.n for s in studies)
    assert counts["bone_marrow"] == 0  # no human psoriasis study used bone-marrow MSCs


def test_zero_weight_removes_a_criterion_and_changes_the_ranking():
    explorer = explore_sources()
    first = explorer.readout.value
    explorer.controls["evidence"].value = 0.0
    assert explorer.readout.value != first
    scores = weighted_scores({"harvest": 1.0, "clotting": 1.0, "evidence": 0.0})
    assert all(parts["evidence"] == 0 for parts in scores.values())
    # With blood compatibility alone, bone marrow (lowest tissue factor) ranks first.
    alone = weighted_scores({"clotting": 1.0})
    assert max(alone, key=lambda s: sum(alone[s].values())) == "bone_marrow"


def test_figure_and_notes_label_measured_and_illustrative():
    explorer = explore_sources()
    explorer.controls["source"].value = "umbilical_cord"
    assert "MEASURED, cited" in explorer.notes.value
    assert "ILLUSTRATIVE" in explorer.notes.value
    assert "Wu 2017" in explorer.notes.value  # the cited thromboembolism note
    titles = [ax.get_title() for ax in explorer.figure.axes]
    assert titles == ["MEASURED (cited)", "ILLUSTRATIVE scores (not measured)"]
    assert "illustrative" in explorer.alt_text


def test_every_source_and_criterion_has_a_score():
    scores = weighted_scores(dict.fromkeys(CRITERIA, 1.0))
    assert set(scores) == set(SOURCES)
    assert all(set(parts) == set(CRITERIA) for parts in scores.values())


def test_unknown_criterion_is_a_readable_error():
    with pytest.raises(CourseError, match="unknown criteria"):
        weighted_scores({"price": 1.0})
