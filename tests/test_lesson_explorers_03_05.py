"""The explorers of lessons 03 and 04, driven from Python as a learner would drive them."""

from __future__ import annotations

import pytest

from mscpso_edu import knowledge, widgets
from mscpso_edu.errors import CourseError
from mscpso_edu.widgets.mechanism_explorer import LOOP_INTERACTIONS, PRODUCTS, product_effects


def test_keratinocyte_explorer_shows_that_duration_matters():
    explorer = widgets.explore_keratinocytes()
    assert explorer.last_error is None
    explorer.controls["duration"].value = 7
    assert "at day 365 (psoriatic)" in explorer.readout.value
    explorer.controls["duration"].value = 28
    assert "at day 365 (healthy)" in explorer.readout.value
    assert "our interpretation" in explorer.notes.value


def test_keratinocyte_explorer_lines_move_and_reset_restores():
    explorer = widgets.explore_keratinocytes()
    first = explorer.png
    explorer.controls["strength"].value = 0.9
    assert explorer.png != first
    explorer.controls["dc_rate"].value = 0.0
    assert "untreated 41 days (healthy)" in explorer.readout.value
    explorer.reset()
    assert explorer.values == explorer.defaults
    assert explorer.png == first


def test_every_product_names_interactions_the_knowledge_base_holds():
    held = {item.id for item in knowledge.load().interactions}
    assert set(LOOP_INTERACTIONS) <= held
    for key in PRODUCTS:
        effects = product_effects(key)
        for table in effects.values():
            assert set(table) <= set(LOOP_INTERACTIONS)


def test_mechanism_explorer_cuts_and_boosts_arrows():
    explorer = widgets.explore_mechanisms()
    explorer.controls["product"].value = "exosomes"
    assert "weakens Neu → KC" in explorer.readout.value
    assert "Zhang 2021" in explorer.readout.value
    explorer.controls["product"].value = "tonsil_msc"
    text = explorer.readout.value
    assert "strengthens Neu → KC" in text and "not psoriasis" in text
    explorer.controls["product"].value = "none"
    assert "every arrow of the loop is intact" in explorer.readout.value


def test_mechanism_explorer_model_panel_reports_the_steady_states():
    explorer = widgets.explore_mechanisms()
    explorer.controls["il17_factor"].value = 0.7
    assert "only the healthy state exists" in explorer.readout.value
    explorer.controls["il17_factor"].value = 1.1
    assert "only the psoriatic state exists" in explorer.readout.value
    explorer.controls["il17_factor"].value = 1.0
    assert "coexist" in explorer.readout.value


def test_unknown_product_is_a_readable_error():
    with pytest.raises(CourseError, match="unknown MSC product"):
        product_effects("stem-cell soup")
