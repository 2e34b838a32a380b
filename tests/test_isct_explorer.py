"""The 'is this an MSC?' explorer of lesson 02, driven as a learner would."""

from __future__ import annotations

from mscpso_edu.models import flow_cytometry as fc
from mscpso_edu.widgets.isct_explorer import isct_classifier


def _sample_named(explorer, profile):
    return next(s for s in explorer.panel if s.profile == profile)


def test_starts_undecided_with_grey_bars_and_synthetic_label():
    explorer = isct_classifier()
    assert explorer.last_error is None
    assert explorer.controls["verdict"].value == "undecided"
    assert "give your verdict" in explorer.readout.value
    assert "SYNTHETIC" in explorer.notes.value
    bars = [a for a in explorer.dynamic_artists if hasattr(a, "get_width")]
    assert {tuple(b.get_facecolor()) for b in bars} == {tuple(bars[0].get_facecolor())}
    assert "synthetic data" in explorer.alt_text


def test_choosing_a_sample_redraws_its_marker_values():
    explorer = isct_classifier()
    contaminated = _sample_named(explorer, "haematopoietic_contamination")
    renders = explorer.renders
    explorer.controls["sample"].value = contaminated.name
    assert explorer.renders > renders
    assert f"CD45 {contaminated.percent_positive['CD45']:.1f}%" in explorer.alt_text
    texts = [a.get_text() for a in explorer.dynamic_artists if hasattr(a, "get_text")]
    assert any(f"{contaminated.percent_positive['CD45']:.1f}%" in t for t in texts)


def test_a_wrong_verdict_is_corrected_with_the_failing_criterion():
    explorer = isct_classifier()
    low = _sample_named(explorer, "low_cd105")
    explorer.controls["sample"].value = low.name
    explorer.controls["verdict"].value = "msc"
    assert "Not quite" in explorer.readout.value
    assert f"CD105 {low.percent_positive['CD105']:.1f}%" in explorer.readout.value


def test_a_right_verdict_is_confirmed_and_a_new_sample_clears_it():
    explorer = isct_classifier()
    good = _sample_named(explorer, "meets_criteria")
    explorer.controls["sample"].value = good.name
    explorer.controls["verdict"].value = "msc"
    assert "Correct" in explorer.readout.value
    assert fc.classify(good).is_msc
    other = next(s for s in explorer.panel if s.name != good.name)
    explorer.controls["sample"].value = other.name
    assert explorer.controls["verdict"].value == "undecided"
    assert "give your verdict" in explorer.readout.value


def test_culture_facts_decide_when_markers_are_perfect():
    explorer = isct_classifier()
    floating = _sample_named(explorer, "not_adherent")
    explorer.controls["sample"].value = floating.name
    explorer.controls["verdict"].value = "msc"
    assert "does not adhere to plastic" in explorer.readout.value
    assert "Adheres to plastic: NO" in explorer.alt_text
