"""The capstone explorer: controls become a dosing plan; the run and the cited notes follow them."""

from __future__ import annotations

from mscpso_edu.widgets import design_therapy
from mscpso_edu.widgets.capstone import LOCAL_HALF_LIFE_DAYS, therapy_for

PLAN = {"product": "cells", "route": "intravenous", "dose": 2.0, "doses": 5, "interval": 14,
        "mechanism": "t_cell_clearance", "strength": 0.9}  # fmt: skip


def test_controls_translate_into_a_dosing_plan_with_the_right_half_life():
    iv = therapy_for(PLAN)
    assert (iv.dose, iv.doses, iv.interval_days, iv.half_life_days) == (2e6, 5, 14.0, 1.0)
    local = therapy_for(PLAN | {"route": "into plaques"})
    assert local.half_life_days == LOCAL_HALF_LIFE_DAYS
    ev = therapy_for(PLAN | {"product": "ev", "dose": 100.0, "route": "into plaques"})
    assert (ev.dose, ev.half_life_days) == (100.0, 0.25)


def test_the_trial_like_schedule_heals_only_under_the_optimistic_preset():
    explorer = design_therapy()
    assert "skin at day 365: psoriatic, assuming the cautious potency preset" in (
        explorer.readout.value
    )
    explorer.controls["strength"].value = 0.9
    assert "skin at day 365: healthy, assuming the optimistic potency preset" in (
        explorer.readout.value
    )
    explorer.controls["product"].value = "ev"
    explorer.controls["dose"].value = 100.0
    explorer.controls["doses"].value = 1
    assert "skin at day 365: psoriatic" in explorer.readout.value
    assert explorer.error.value == ""


def test_there_is_no_free_maximum_effect_knob_only_labelled_presets():
    explorer = design_therapy()
    options = explorer.controls["strength"].options
    assert [value for _, value in options] == [0.5, 0.7, 0.9]
    assert all("illustrative" in label for label, _ in options)


def test_a_design_must_name_a_comparator_and_a_prespecified_endpoint():
    explorer = design_therapy()
    assert "Design incomplete: name a comparator and a prespecified endpoint" in (
        explorer.readout.value
    )
    explorer.controls["comparator"].value = "placebo"
    assert "Design incomplete: name a prespecified endpoint" in explorer.readout.value
    explorer.controls["endpoint"].value = "doctor_judged"
    assert "Design incomplete" not in explorer.readout.value
    assert "WEAK: not defined in advance and not blinded" in explorer.readout.value


def test_safety_notes_follow_the_route_product_and_source():
    explorer = design_therapy()
    notes = explorer.notes.value
    assert "Wu 2017" in notes and "Moll 2012" in notes  # IV cord cells: IBMIR, thromboses
    explorer.controls["route"].value = "into plaques"
    assert "a local route keeps most of the product out of the blood" in explorer.notes.value
    explorer.controls["route"].value = "intravenous"
    explorer.controls["product"].value = "ev"
    assert "Silachev 2019" in explorer.notes.value


def test_the_notes_cite_the_chosen_source_and_route_from_the_knowledge_base():
    explorer = design_therapy()
    explorer.controls["source"].value = "adipose"
    explorer.controls["route"].value = "into plaques"
    assert "Adipose tissue" in explorer.notes.value and "Hoang 2024" in explorer.notes.value
    assert "Sanchez-Diaz 2021" in explorer.notes.value  # route_spread (issue 15 re-cite)
    assert "illustrative" in explorer.notes.value


def test_the_explorers_looser_tolerance_draws_the_same_year():
    """The capstone integrates at FIGURE_RTOL for speed: same final state, PASI within 1e-3."""
    from mscpso_edu.models import skin_circuit
    from mscpso_edu.widgets import capstone

    values = {"product": "cells", "route": "intravenous", "dose": 2.0, "doses": 30,
              "interval": 3, "mechanism": "t_cell_clearance", "strength": 0.9}  # fmt: skip
    fast = capstone._solve(values)["run"]
    exact = skin_circuit.simulate_skin(
        days=capstone.HORIZON_DAYS, start="psoriatic", therapies=(capstone.therapy_for(values),),
        t_eval=fast.t,
    )  # fmt: skip
    assert fast.final_state == exact.final_state
    assert abs(fast.pasi_proxy - exact.pasi_proxy).max() < 1e-3
