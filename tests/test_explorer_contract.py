"""The explorer contract, checked for every explorer in ``widgets.EXPLORERS``.

Each explorer must: start without an error; label every control; answer every control with a
change the learner can see (figure, alt text or readout) and no error; serve a value it has shown
before from its cache; restore its first figure on Reset; show a model's error in its alert box
(no traceback) and recover on the next good value; and give a still copy with alt text where no
widget can run. Science checks of each explorer live in their own test files.
"""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from mscpso_edu.errors import CourseError
from mscpso_edu.widgets import EXPLORERS, Explorer

NAMES = sorted(EXPLORERS)


def other_value(control: widgets.ValueWidget):
    """A valid value for ``control`` that differs from its current one."""
    if isinstance(control, widgets.Checkbox | widgets.ToggleButton):
        return not control.value
    if isinstance(control, widgets.Dropdown | widgets.ToggleButtons | widgets.RadioButtons):
        values = [option[1] if isinstance(option, tuple) else option for option in control.options]
        return values[(values.index(control.value) + 1) % len(values)]
    middle = control.min + (control.max - control.min) / 2
    target = control.max if control.value <= middle else control.min
    return type(control.value)(target)


def seen(explorer: Explorer) -> tuple:
    """What the learner sees: the PNG, its alt text, the readout and the notes."""
    return explorer.png, explorer.alt_text, explorer.readout.value, explorer.notes.value


@pytest.fixture(params=NAMES)
def explorer(request) -> Explorer:
    made = EXPLORERS[request.param]()
    assert isinstance(made, Explorer)
    assert made.error.value == "", made.error.value
    return made


def test_the_registry_lists_every_public_explorer():
    from mscpso_edu import widgets as course_widgets

    factories = {
        name
        for name in course_widgets.__all__
        if name.startswith(("explore_", "design_", "pasi_", "isct_"))
    }
    assert factories == set(EXPLORERS)


def test_controls_are_labelled_and_the_figure_has_alt_text(explorer):
    assert explorer.controls
    for name, control in explorer.controls.items():
        assert control.description.strip(), name
        assert control.style.description_width == "initial", name
    assert explorer.alt_text
    assert 'alt="' in explorer.image.value


def _moves_the_picture(explorer: Explorer, name: str) -> bool:
    before = seen(explorer)
    explorer.controls[name].value = other_value(explorer.controls[name])
    assert explorer.error.value == "", f"{name}: {explorer.error.value}"
    return seen(explorer) != before


def test_every_control_changes_what_the_learner_sees(explorer):
    """Each control changes the picture, alt text or readout: moved from the starting values, or,
    for a control that only acts with another (a comparison's strength, a duration of a zero
    effect), once every other control has been moved too."""
    for name in explorer.controls:
        explorer.reset()
        if _moves_the_picture(explorer, name):
            continue
        explorer.reset()
        for other, control in explorer.controls.items():
            if other != name:
                control.value = other_value(control)
        assert _moves_the_picture(explorer, name), f"{name} changed nothing the learner sees"


def test_a_value_shown_before_comes_from_the_cache(explorer, monkeypatch):
    calls = []
    solve = explorer._solve
    monkeypatch.setattr(explorer, "_solve", lambda values: calls.append(values) or solve(values))
    for control in explorer.controls.values():
        first = control.value
        control.value = other_value(control)
        control.value = first
    # Back at the starting values: cached, so no new solve; and the picture is the first one.
    solved = len(calls)
    explorer.reset()
    assert len(calls) == solved


def test_reset_restores_the_first_figure(explorer):
    png, alt = explorer.png, explorer.alt_text
    for control in explorer.controls.values():
        control.value = other_value(control)
    explorer.reset_button.click()
    assert explorer.values == explorer.defaults
    assert (explorer.png, explorer.alt_text) == (png, alt)


def test_a_model_error_is_shown_without_a_traceback_and_clears(explorer, monkeypatch):
    def failing(values):
        raise CourseError("the model cannot run with these values")

    good = explorer._solve
    monkeypatch.setattr(explorer, "_solve", failing)
    explorer.clear_caches()
    png = explorer.png
    for control in explorer.controls.values():
        control.value = other_value(control)
        if explorer.error.value:
            break
    assert "the model cannot run with these values" in explorer.error.value
    assert "Traceback" not in explorer.error.value
    assert explorer.png == png  # the last good figure stays on screen
    monkeypatch.setattr(explorer, "_solve", good)
    explorer.reset()
    assert explorer.error.value == ""


def test_the_still_copy_carries_the_figure_and_its_alt_text(explorer):
    bundle = explorer._repr_mimebundle_()
    still = bundle["text/html"]
    assert "<img" in still
    assert 'alt="' in still and 'alt=""' not in still
    assert "JupyterLab" in still
