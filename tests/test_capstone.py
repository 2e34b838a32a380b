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


def test_the_trial_like_schedule_heals_and_a_single_ev_dose_does_not():
    explorer = design_therapy()
    assert "Skin at day 365: healthy" in explorer.readout.value
    explorer.controls["product"].value = "ev"
    explorer.controls["dose"].value = 100.0
    explorer.controls["doses"].value = 1
    assert "Skin at day 365: psoriatic" in explorer.readout.value
    assert explorer.error.value == ""


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
