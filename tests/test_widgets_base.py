"""The explorer machinery and the PASI calculator, driven by setting control values from Python."""

from __future__ import annotations

import numpy as np
import pytest

from mscpso_edu.errors import CourseError
from mscpso_edu.models import pasi
from mscpso_edu.style import course_style
from mscpso_edu.widgets import Explorer, Readout, SolutionCache, pasi_calculator
from mscpso_edu.widgets._base import float_slider, new_figure


def _toy_explorer(calls: list[float]) -> Explorer:
    """A one-slider explorer over y = a * x whose solver records each call."""
    slider = float_slider("Slope a (per day)", 1.0, -5.0, 5.0, 0.5)
    with course_style():
        figure = new_figure(3, 2, ncols=1, nrows=1)
        (line,) = figure.axes[0].plot([], [])
        figure.axes[0].set_xlim(0, 1)
        figure.axes[0].set_ylim(-5, 5)

    def solve(values):
        calls.append(values["a"])
        if values["a"] == 4.5:
            raise CourseError("slope 4.5 is not allowed in this test")
        if values["a"] == -4.5:
            raise ZeroDivisionError("division by zero")
        x = np.linspace(0, 1, 5)
        return x, values["a"] * x

    def draw(result, values):
        line.set_data(*result)
        return Readout(f"slope {values['a']:.1f}", f"a line of slope {values['a']:.1f}")

    return Explorer(
        title="Toy",
        controls={"a": slider},
        figure=figure,
        dynamic_artists=[line],
        solve=solve,
        draw=draw,
    )


def test_setting_a_value_redraws_synchronously_and_updates_alt_text():
    calls: list[float] = []
    toy = _toy_explorer(calls)
    first_png, first_alt = toy.png, toy.alt_text
    assert first_png.startswith(b"\x89PNG")
    assert 'alt="a line of slope 1.0"' in toy.image.value
    toy.controls["a"].value = -2.0
    assert toy.png != first_png
    assert toy.alt_text != first_alt
    assert "slope -2.0" in toy.readout.value
    ydata = toy.figure.axes[0].lines[0].get_ydata()
    assert ydata[-1] == pytest.approx(-2.0)


def test_cache_returns_to_earlier_values_without_solving():
    calls: list[float] = []
    toy = _toy_explorer(calls)
    for value in (2.0, 3.0, 2.0, 1.0, 3.0):
        toy.controls["a"].value = value
    assert calls == [1.0, 2.0, 3.0]
    assert toy.cache.hits == 3


def test_errors_show_in_the_widget_and_the_next_good_value_clears_them():
    toy = _toy_explorer([])
    png_before = toy.png
    toy.controls["a"].value = 4.5
    assert "slope 4.5 is not allowed" in toy.error.value
    assert "Traceback" not in toy.error.value
    assert isinstance(toy.last_error, CourseError)
    assert toy.png == png_before  # the last good figure stays
    toy.controls["a"].value = -4.5
    assert "ZeroDivisionError: division by zero" in toy.error.value
    toy.controls["a"].value = 0.5
    assert toy.error.value == ""
    assert toy.last_error is None


def test_reset_restores_defaults_with_one_redraw():
    toy = _toy_explorer([])
    toy.controls["a"].value = 3.0
    renders = toy.renders
    toy.reset_button.click()
    assert toy.controls["a"].value == 1.0
    assert toy.renders == renders + 1
    assert "slope 1.0" in toy.readout.value


def test_solution_cache_evicts_the_least_recently_used():
    cache = SolutionCache(maxsize=2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    cache.get("a", lambda: 0)  # refresh "a"
    cache.get("c", lambda: 3)  # evicts "b"
    assert cache.get("a", lambda: -1) == 1
    assert cache.get("b", lambda: 20) == 20
    assert (cache.hits, cache.misses) == (2, 4)
    with pytest.raises(CourseError):
        SolutionCache(0)


def test_controls_are_labelled_with_initial_description_width():
    calc = pasi_calculator()
    for name, control in calc.controls.items():
        assert control.description, name
        assert control.style.description_width == "initial"
    assert "%" in calc.controls["legs_area"].description


def test_pasi_calculator_matches_the_model_and_updates_bars():
    calc = pasi_calculator()
    values = calc.values
    expected = sum(
        pasi.region_score(
            region,
            values[f"{region}_erythema"],
            values[f"{region}_induration"],
            values[f"{region}_scaling"],
            values[f"{region}_area"],
        )
        for region in pasi.REGION_WEIGHTS
    )
    assert f"PASI {expected:.1f} of 72" in calc.readout.value
    legs_bar = calc.figure.axes[0].patches[-1]  # bars are drawn head..legs, legs last
    width_before, png_before = legs_bar.get_width(), calc.png
    calc.controls["legs_area"].value = 95.0
    assert legs_bar.get_width() > width_before
    assert calc.png != png_before


def test_pasi_calculator_every_control_changes_the_figure():
    calc = pasi_calculator()
    for name, control in calc.controls.items():
        before = calc.png
        control.value = control.max if control.value != control.max else control.min
        assert calc.png != before, name
        assert calc.error.value == "", name


def test_pasi_calculator_reports_response_and_rule_of_tens():
    calc = pasi_calculator()
    for region in pasi.REGION_WEIGHTS:
        calc.controls[f"{region}_area"].value = 0.0
    assert "PASI 0.0 of 72" in calc.readout.value
    assert "Rule of Tens" not in calc.readout.value
    calc.controls["legs_area"].value = 100.0
    for sign in pasi.SIGNS:
        calc.controls[f"legs_{sign}"].value = 4
    assert "PASI 28.8" in calc.readout.value
    assert "Rule of Tens" in calc.readout.value
    calc.controls["baseline"].value = 40.0
    assert "28% improvement (below PASI50)" in calc.readout.value.replace("28.0%", "28%")
    calc.reset()
    assert calc.values == calc.defaults


def test_time_spans_shade_the_same_window_on_every_time_axis():
    from mscpso_edu.widgets._base import TimeSpans, new_figure

    figure = new_figure(4, 3, nrows=2)
    spans = TimeSpans(figure.axes)
    spans.set("therapy", 120, 28)
    spans.set("activates", 20, 4)
    assert len(spans.artists) == 4
    for row in spans.patches:
        activates, therapy = row
        assert (activates.get_x(), activates.get_width()) == (20, 4)
        assert (therapy.get_x(), therapy.get_width()) == (120, 28)
    with pytest.raises(ValueError):
        spans.set("uvb", 0, 1)
