"""Strength x duration is taught by two explorers (lessons 05 and 10), not repeated in five.

Issue 17: the lesson "a weaker effect must be held longer" appeared in five explorers. Lesson 05's
skin circuit (threshold and hysteresis) and lesson 10's dosing explorer (schedules) keep it; the
others fix a stated course and let the learner vary something new. This test walks every
explorer's labelled controls, as a learner reads them, so a strength slider and a duration slider
for the same therapy cannot come back silently.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mscpso_edu import widgets

LESSONS = Path(__file__).resolve().parent.parent / "lessons"

#: A control that sets how strongly a therapy acts.
STRENGTH = re.compile(
    r"(?i)\bstrength\b|potency|maximum effect|^immune clearance ×|\[our interpretation\]$"
)
#: A control that sets how long a therapy acts (a window, or a schedule of doses).
DURATION = re.compile(r"(?i)\blasts?\b|^number of (doses|administrations)$|^days between")
#: The disease's own push (onset stimulus, influx, later trigger): not a therapy.
PUSH = re.compile(r"(?i)influx|stimulus|trigger")

#: The explorers allowed to offer the pair, with the lesson that uses each and why.
ALLOWED = {
    "explore_skin_circuit": ("05", "teaches the threshold and hysteresis on the skin circuit"),
    "explore_msc_dosing": ("10", "teaches schedules: dose, number, interval, maximum effect"),
    "design_therapy": ("11", "a design needs a schedule; its text points back to 05 and 10"),
}


def therapy(label: str) -> str:
    """Which therapy a control belongs to: the biologic, or the explorer's MSC-like therapy."""
    return "biologic" if label.lower().startswith("biologic") else "therapy"


def strength_duration_pairs(explorer) -> set[tuple[str, str]]:
    labels = [control.description for control in explorer.controls.values()]
    strengths = [label for label in labels if STRENGTH.search(label) and not PUSH.search(label)]
    durations = [label for label in labels if DURATION.search(label) and not PUSH.search(label)]
    return {(s, d) for s in strengths for d in durations if therapy(s) == therapy(d)}


def lessons_using(name: str) -> set[str]:
    used = set()
    for path in sorted(LESSONS.glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        if any(f"widgets.{name}(" in "".join(cell["source"]) for cell in cells):
            used.add(path.name[:2])
    return used


def test_only_the_two_teaching_explorers_and_the_capstone_offer_a_strength_duration_pair():
    offering = {
        name: pairs
        for name, factory in widgets.EXPLORERS.items()
        if (pairs := strength_duration_pairs(factory()))
    }
    assert set(offering) == set(ALLOWED), offering
    for name, (lesson, _why) in ALLOWED.items():
        assert lessons_using(name) == {lesson}, name


def test_the_explorers_that_lost_the_pair_still_vary_a_therapy():
    """Lessons 01, 03 and 07 kept a strength (and new controls), with a fixed, stated course."""
    phase_plane = widgets.explore_phase_plane()
    assert "clearance" in phase_plane.controls
    assert not strength_duration_pairs(phase_plane)
    # The disease's own trigger keeps its size and length: that is not a therapy's pair.
    assert {"influx", "influx_days"} <= set(phase_plane.controls)
    keratinocytes = widgets.explore_keratinocytes()
    assert "target" in keratinocytes.controls and "strength" in keratinocytes.controls
    assert not strength_duration_pairs(keratinocytes)
    combination = widgets.explore_combination()
    assert not strength_duration_pairs(combination)
    assert {"trigger_rate", "trigger_day", "memory"} <= set(combination.controls)


def test_the_walk_recognises_a_pair_when_one_is_there():
    """The patterns are not vacuous: the kept explorers' pairs are found by label."""
    pairs = strength_duration_pairs(widgets.explore_skin_circuit())
    assert ("Therapy strength (0-0.95)", "Therapy lasts (days)") in pairs
    assert strength_duration_pairs(widgets.explore_msc_dosing())
