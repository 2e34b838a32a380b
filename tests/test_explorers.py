"""Every explorer, driven by setting control values from Python as a learner's slider would."""

from __future__ import annotations

import hashlib

import ipywidgets as widgets
import numpy as np
import pytest

from mscpso_edu.models import skin_circuit
from mscpso_edu.widgets import (
    explore_msc_dosing,
    explore_phase_plane,
    explore_skin_circuit,
    explore_th17_treg,
)


def artist_state(explorer) -> str:
    """A digest of what the changing artists show: data, position, text and visibility."""
    digest = hashlib.sha256()
    for artist in explorer.dynamic_artists:
        digest.update(str(artist.get_visible()).encode())
        if hasattr(artist, "get_xydata"):
            digest.update(np.ascontiguousarray(artist.get_xydata(), dtype=float).tobytes())
        elif hasattr(artist, "get_text"):
            digest.update(f"{artist.get_text()}@{artist.get_position()}".encode())
        elif hasattr(artist, "get_bbox"):
            digest.update(np.asarray(artist.get_bbox().bounds, dtype=float).tobytes())
        elif hasattr(artist, "get_offsets"):
            digest.update(np.ascontiguousarray(artist.get_offsets(), dtype=float).tobytes())
            digest.update(np.ascontiguousarray(artist.get_facecolors(), dtype=float).tobytes())
    return digest.hexdigest()


def other_value(control: widgets.ValueWidget):
    """A valid value for ``control`` that differs from its current one."""
    if isinstance(control, widgets.Checkbox):
        return not control.value
    if isinstance(control, widgets.Dropdown):
        values = [option[1] for option in control.options]
        return values[(values.index(control.value) + 1) % len(values)]
    middle = control.min + (control.max - control.min) / 2
    target = control.max if control.value <= middle else control.min
    return type(control.value)(target)


def drive_every_control(explorer, order=None) -> None:
    """Set each control to another value: figure data, PNG and alt text must all change."""
    for name in order or explorer.controls:
        control = explorer.controls[name]
        before = (artist_state(explorer), explorer.png, explorer.alt_text)
        control.value = other_value(control)
        assert explorer.error.value == "", f"{name}: {explorer.error.value}"
        after = (artist_state(explorer), explorer.png, explorer.alt_text)
        assert after[0] != before[0], f"{name} did not change the figure's data"
        assert after[1] != before[1], f"{name} did not change the PNG"
        assert after[2] != before[2], f"{name} did not change the alt text"


def assert_reset_restores(explorer) -> None:
    png = explorer.png
    for control in explorer.controls.values():
        control.value = other_value(control)
    explorer.reset_button.click()
    assert explorer.values == explorer.defaults
    assert explorer.png == png


def assert_labelled(explorer) -> None:
    for name, control in explorer.controls.items():
        assert control.description.strip(), name
        assert control.style.description_width == "initial", name
    assert "alt=" in explorer.image.value
    assert explorer.alt_text


@pytest.fixture()
def count_skin_runs(monkeypatch):
    """Count calls of simulate_skin, bypassing its own cache so every call is a real solve."""
    calls: list[dict] = []
    original = skin_circuit.simulate_skin

    def counting(*args, **kwargs):
        calls.append(kwargs)
        skin_circuit._simulate_cached.cache_clear()
        return original(*args, **kwargs)

    monkeypatch.setattr(skin_circuit, "simulate_skin", counting)
    return calls


# --- skin circuit --------------------------------------------------------------------------


def test_skin_circuit_every_control_redraws():
    explorer = explore_skin_circuit()
    assert_labelled(explorer)
    drive_every_control(explorer)


def test_skin_circuit_duration_matters_as_much_as_strength():
    explorer = explore_skin_circuit()
    # Defaults: tolerogenic DCs at half strength for 28 days cure (dossier 6.1).
    assert "PASI proxy at day 365: 0.0" in explorer.readout.value
    assert "healthy (turnover" in explorer.readout.value
    explorer.controls["duration"].value = 14
    assert "psoriatic (turnover" in explorer.readout.value
    explorer.controls["strength"].value = 0.9
    assert "healthy (turnover" in explorer.readout.value


def test_skin_circuit_without_onset_stimulus_stays_healthy():
    explorer = explore_skin_circuit()
    assert "untreated: 1.00, psoriatic" in explorer.readout.value
    explorer.controls["dc_rate"].value = 0.0
    assert "untreated: 0.00, healthy" in explorer.readout.value


def test_skin_circuit_later_trigger_relapses_healed_skin_and_memory_lowers_the_push():
    explorer = explore_skin_circuit()
    # Defaults heal the skin (tolerogenic DCs 0.5 for 28 days from day 120).
    assert "healthy (turnover" in explorer.readout.value
    explorer.controls["trigger_day"].value = 280
    explorer.controls["trigger_rate"].value = 3000.0  # the model's onset pulse, again
    assert "psoriatic (turnover" in explorer.readout.value
    assert "Later trigger: 3000" in explorer.readout.value
    explorer.controls["trigger_day"].value = 180
    explorer.controls["trigger_rate"].value = 2500.0  # not enough, within the year, without memory
    assert "healthy (turnover" in explorer.readout.value
    explorer.controls["memory"].value = True  # memory built during the plaque lowers the bar
    assert "psoriatic (turnover" in explorer.readout.value
    explorer.controls["trigger_day"].value = 100  # a push before treatment starts is absorbed
    assert explorer.error.value == ""


def test_skin_circuit_comparisons_report_their_outcome():
    explorer = explore_skin_circuit()
    explorer.controls["compare_uvb"].value = True
    assert "UVB: 0.0" in explorer.readout.value
    explorer.controls["compare_biologic"].value = True
    assert "anti-IL-17:" in explorer.readout.value
    uvb_line = next(a for a in explorer.dynamic_artists if a.get_label().startswith("UVB"))
    assert uvb_line.get_visible()
    explorer.controls["compare_uvb"].value = False
    assert not uvb_line.get_visible()


def test_skin_circuit_caches_solutions(count_skin_runs):
    explorer = explore_skin_circuit()
    first = len(count_skin_runs)  # onset, therapy and untreated arms
    assert first == 3
    explorer.controls["strength"].value = 0.9  # only the therapy arm is re-solved
    assert len(count_skin_runs) == first + 1
    explorer.controls["strength"].value = 0.5  # back: nothing re-solved
    explorer.controls["compare_uvb"].value = True
    explorer.controls["compare_uvb"].value = False
    explorer.controls["compare_uvb"].value = True
    assert len(count_skin_runs) == first + 2  # the UVB arm, once
    assert explorer.cache.hits >= 2
    # A stronger onset that still settles at the psoriatic steady state by the treatment day
    # re-solves only the onset: the arms start from the same state and are reused.
    explorer.controls["dc_rate"].value = 3500.0
    assert len(count_skin_runs) == first + 3
    assert "untreated: 1.00, psoriatic" in explorer.readout.value


def test_skin_circuit_labels_our_interpretation_from_the_model():
    explorer = explore_skin_circuit()
    labels = dict((value, label) for label, value in explorer.controls["mechanism"].options)
    assert "our interpretation" in labels["tolerogenic_dc"]
    assert "our interpretation" in explorer.notes.value
    explorer.controls["mechanism"].value = "t_cell_clearance"
    assert "Treg" in explorer.notes.value


# --- phase plane ---------------------------------------------------------------------------


def test_phase_plane_every_control_redraws():
    explorer = explore_phase_plane()
    assert_labelled(explorer)
    drive_every_control(explorer)


def test_phase_plane_marks_fixed_points_by_stability():
    explorer = explore_phase_plane()
    labels = [text.get_text() for text in explorer.figure.axes[0].texts]
    assert sum(label.startswith("stable") for label in labels) == 2
    assert sum(label.startswith("saddle") for label in labels) == 1


def test_phase_plane_push_flips_healthy_skin_only_when_strong_enough():
    explorer = explore_phase_plane()
    assert "so the skin stays healthy" in explorer.readout.value
    trajectory = next(a for a in explorer.dynamic_artists if a.get_label() == "trajectory")
    before = np.array(trajectory.get_xydata())
    explorer.controls["influx"].value = 1000.0
    assert "switches to psoriatic" in explorer.readout.value
    assert np.array(trajectory.get_xydata())[:, 1].max() > before[:, 1].max()


def test_phase_plane_clearance_runs_one_stated_course_and_cures_only_when_strong_enough():
    """Issue 17: no duration control; the boost's fixed course is stated in label, notes and alt
    text, and along the strength slider the readout agrees with the model followed to its end."""
    from mscpso_edu.models import simulate_core
    from mscpso_edu.widgets.phase_plane import CLEARANCE_COURSE_DAYS, PUSH_START

    explorer = explore_phase_plane()
    assert set(explorer.controls) == {"start", "influx", "influx_days", "clearance"}
    course = f"{CLEARANCE_COURSE_DAYS:g}-day course"
    assert course in explorer.controls["clearance"].description
    assert f"fixed course of {CLEARANCE_COURSE_DAYS:g} days" in explorer.notes.value
    explorer.controls["start"].value = "psoriatic"
    explorer.controls["influx"].value = 0.0
    slider = explorer.controls["clearance"]
    outcomes = {}
    for factor in np.arange(slider.min + slider.step, slider.max + slider.step / 2, slider.step):
        slider.value = float(factor)
        assert course in explorer.alt_text
        model = simulate_core(
            days=365.0,
            start="psoriatic",
            clearance_factor=float(factor),
            clearance_start=PUSH_START,
            clearance_days=CLEARANCE_COURSE_DAYS,
        ).eventual_state
        expected = "switches to healthy" if model == "healthy" else "stays psoriatic"
        assert expected in explorer.readout.value, (factor, explorer.readout.value)
        outcomes[float(factor)] = model
    # Along the slider a weak boost relapses and a strong one heals: strength decides.
    assert outcomes[slider.min + slider.step] == "psoriatic"
    assert outcomes[slider.max] == "healthy"
    healed = [factor for factor, state in outcomes.items() if state == "healthy"]
    assert all(outcomes[f] == "healthy" for f in outcomes if f >= min(healed))


def test_phase_plane_basin_side_agrees_with_a_long_simulation():
    from mscpso_edu.models.bistable_core import simulate_core
    from mscpso_edu.widgets.phase_plane import eventual_state

    for influx in (100.0, 300.0):
        short = simulate_core(days=365, influx=influx, influx_start=10, influx_days=5)
        long = simulate_core(days=4000, influx=influx, influx_start=10, influx_days=5)
        assert eventual_state(short.T[-1], short.K[-1]) == long.final_state


def test_phase_plane_caches_and_resets(monkeypatch):
    from mscpso_edu.models import bistable_core

    calls = []
    original = bistable_core.simulate_core
    monkeypatch.setattr(
        bistable_core, "simulate_core", lambda **kw: calls.append(kw) or original(**kw)
    )
    explorer = explore_phase_plane()
    explorer.controls["influx"].value = 400.0
    explorer.controls["influx"].value = 100.0
    explorer.controls["influx"].value = 400.0
    assert len(calls) == 2
    explorer.controls["influx"].value = 100.0  # back to the default before checking reset
    assert_reset_restores(explorer)


# --- Th17/Treg -----------------------------------------------------------------------------


def test_th17_every_control_redraws():
    explorer = explore_th17_treg()
    assert_labelled(explorer)
    drive_every_control(explorer)


def test_th17_reproduces_the_published_72_hour_values():
    # Intosalmi 2015 at the paper's doses (dossier 7.1): RORgt mRNA 0.30, FOXP3 mRNA 0.078.
    explorer = explore_th17_treg()
    assert "RORγt mRNA 0.30, FOXP3 mRNA 0.08" in explorer.readout.value


def test_th17_msc_tgf_shifts_the_balance_toward_foxp3():
    explorer = explore_th17_treg()
    share = float(explorer.readout.value.split("RORγt share ")[1].split("<")[0].split(" ")[0])
    explorer.controls["msc_tgf_rate"].value = 0.05
    text = explorer.readout.value
    shifted = float(text.split("RORγt share ")[1].split(" ")[0])
    assert shifted < share
    assert f"without MSC TGF-β: {share:.2f}" in text
    dashed = [a for a in explorer.dynamic_artists if getattr(a, "get_linestyle", None)]
    assert any(a.get_linestyle() == "--" and a.get_visible() for a in dashed)


def test_th17_caches_runs_and_resets(monkeypatch):
    from mscpso_edu.models import th17_treg

    calls = []
    original = th17_treg.simulate_th17
    monkeypatch.setattr(th17_treg, "simulate_th17", lambda **kw: calls.append(kw) or original(**kw))
    explorer = explore_th17_treg()
    assert len(calls) == 1  # with and without MSC inputs are the same run at first
    explorer.controls["msc_tgf"].value = 1.0  # one new run; the baseline is cached
    explorer.controls["msc_tgf"].value = 0.0
    explorer.controls["msc_tgf"].value = 1.0
    assert len(calls) == 2
    explorer.controls["msc_tgf"].value = 0.0
    assert_reset_restores(explorer)


# --- MSC dosing ----------------------------------------------------------------------------


def test_msc_dosing_every_control_redraws():
    explorer = explore_msc_dosing()
    assert_labelled(explorer)
    # Number of doses last: with a single dose the interval rightly changes nothing.
    order = ["product", "dose", "interval", "mechanism", "strength", "doses"]
    assert sorted(order) == sorted(explorer.controls)
    drive_every_control(explorer, order)


def test_msc_dosing_schedule_and_product_matter():
    # Defaults: six weekly doses of cells through T-cell clearance cure; EVs, with their
    # shorter (illustrative) exposure, or fortnightly doses do not.
    explorer = explore_msc_dosing()
    assert "healthy" in explorer.readout.value
    assert "half-life 1 day" in explorer.readout.value
    explorer.controls["product"].value = "ev"
    assert "psoriatic" in explorer.readout.value
    assert "half-life 0.25 day" in explorer.readout.value
    explorer.controls["product"].value = "cells"
    explorer.controls["interval"].value = 14
    assert "psoriatic" in explorer.readout.value


def test_msc_dosing_labels_come_from_the_model_metadata():
    from mscpso_edu.models import therapy

    explorer = explore_msc_dosing()
    cells = therapy.PRODUCTS["cells"]
    assert "our interpretation" in explorer.notes.value
    assert cells.half_life_source in explorer.notes.value
    explorer.controls["product"].value = "ev"
    assert "illustrative" in explorer.notes.value
    assert therapy.PRODUCTS["ev"].half_life_source in explorer.notes.value


def test_msc_dosing_marks_every_dose(count_skin_runs):
    explorer = explore_msc_dosing()
    marks = next(a for a in explorer.dynamic_artists if a.get_marker() == "^")
    assert len(marks.get_xdata()) == 6
    explorer.controls["doses"].value = 3
    assert list(marks.get_xdata()) == [14.0, 21.0, 28.0]
    explorer.controls["doses"].value = 6  # back: cached
    assert len(count_skin_runs) == 2
    assert_reset_restores(explorer)
