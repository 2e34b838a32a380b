"""The combination explorer: several MSC-like effects at once, with UVB and biologic comparisons."""

from __future__ import annotations

import pytest

from mscpso_edu.errors import CourseError
from mscpso_edu.widgets import explore_combination
from mscpso_edu.widgets.combination_explorer import (
    MSC_COURSE_DAYS,
    MSC_MECHANISMS,
    TREATMENT_DAY,
    combination_therapies,
)


def final_states(explorer) -> str:
    return explorer.readout.value


def test_two_weak_effects_heal_where_each_alone_relapses():
    explorer = explore_combination()
    assert "your combination: psoriatic" in final_states(explorer)
    explorer.controls["tolerogenic_dc"].value = 0.3
    assert "your combination: psoriatic" in final_states(explorer)
    explorer.controls["tolerogenic_dc"].value = 0.0
    explorer.controls["fewer_th17"].value = 0.3
    assert "your combination: psoriatic" in final_states(explorer)
    explorer.controls["tolerogenic_dc"].value = 0.3
    assert "your combination: healthy" in final_states(explorer)
    assert "tolerogenic DCs" in explorer.alt_text and explorer.error.value == ""


def test_comparisons_appear_in_the_readout_and_lines_only_when_ticked():
    explorer = explore_combination()
    uvb_kc, uvb_pasi = explorer.dynamic_artists[4], explorer.dynamic_artists[5]
    assert not uvb_kc.get_visible()
    explorer.controls["compare_uvb"].value = True
    explorer.controls["compare_biologic"].value = True
    text = final_states(explorer)
    assert "UVB (published course): healthy" in text
    assert "anti-IL-17: healthy" in text
    assert uvb_kc.get_visible() and uvb_pasi.get_visible()
    assert len(uvb_kc.get_xdata()) == 366


def test_only_mechanisms_switched_on_become_therapies():
    values = {name: 0.0 for name in MSC_MECHANISMS} | {"keratinocyte": 0.4}
    [effect] = combination_therapies(values)
    assert (effect.mechanism, effect.strength) == ("keratinocyte", 0.4)
    assert (effect.start, effect.duration) == (TREATMENT_DAY, MSC_COURSE_DAYS)
    with pytest.raises(CourseError):
        combination_therapies(values | {"keratinocyte": 1.5})


def test_a_later_trigger_relapses_the_healed_biologic_arm_and_memory_lowers_the_push():
    explorer = explore_combination()
    explorer.controls["compare_biologic"].value = True
    explorer.controls["biologic_days"].value = 28  # a 4-week course at strength 0.9
    assert "anti-IL-17: healthy" in final_states(explorer)
    explorer.controls["trigger_day"].value = 200
    explorer.controls["trigger_rate"].value = 1500.0  # below the threshold without memory
    assert "anti-IL-17: healthy" in final_states(explorer)
    explorer.controls["memory"].value = True  # the same push now relapses healed skin
    assert "anti-IL-17: psoriatic" in final_states(explorer)
    assert "Tissue memory on" in final_states(explorer)
    explorer.controls["memory"].value = False
    explorer.controls["trigger_rate"].value = 3000.0  # the model's own onset pulse
    assert "anti-IL-17: psoriatic" in final_states(explorer)
    assert explorer.error.value == ""


def test_the_msc_course_is_fixed_and_stated_so_only_strengths_and_comparisons_move():
    """Strength x duration is lesson 05's explorer: here the MSC-like effects have one course."""
    explorer = explore_combination()
    assert {"duration", "biologic_strength"}.isdisjoint(explorer.controls)
    assert f"for {MSC_COURSE_DAYS:g} days" in explorer.alt_text
    assert f"{MSC_COURSE_DAYS:g} days from day {TREATMENT_DAY:g}" in explorer.notes.value
