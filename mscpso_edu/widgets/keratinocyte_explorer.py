"""Explore the keratinocyte compartments of the skin circuit under inflammation and an MSC effect.

The skin-circuit model of Shmarov et al. 2022 splits the epidermis into stem (SC),
transit-amplifying (TA) and differentiated (D) keratinocytes. The skin starts healthy; a
dendritic-cell onset stimulus from day 20 inflames it; from the treatment day an MSC
keratinocyte effect (OUR INTERPRETATION: less IL-17/TNF-driven proliferation of SC and TA cells,
``therapy.MECHANISMS["keratinocyte"]``) acts for a chosen number of days. The figure shows the
three compartments and the epidermal turnover time read off the model.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..diagrams.skin import COMPARTMENT_COLOURS, COMPARTMENT_NAMES
from ..errors import CourseError
from ..models import skin_circuit, therapy
from ..style import ROLE_COLOURS, course_style
from ._base import (
    Explorer,
    Readout,
    Scene,
    SolutionCache,
    TimeSpans,
    fit_top,
    float_slider,
    int_slider,
    new_figure,
)

__all__ = ["explore_keratinocytes"]

HORIZON_DAYS = 365
ONSET_DAY = 20.0
MECHANISM = "keratinocyte"


def _controls() -> dict[str, Any]:
    stimulus = skin_circuit.DCStimulus()  # the SBML's onset trigger supplies the defaults
    return {
        "dc_rate": float_slider(
            "Inflammation: DC onset stimulus (DCs/mm² per day, 4 days)",
            stimulus.rate, 0.0, 6000.0, 250.0, ".0f",
        ),
        "strength": float_slider("MSC keratinocyte effect strength (0-0.95)", 0.5, 0.0, 0.95, 0.05),
        "start": int_slider("Effect starts (day)", 120, 60, 250, 5),
        "duration": int_slider("Effect lasts (days)", 28, 1, 120),
    }  # fmt: skip


def _make_solver():
    """Return ``solve(values)`` and the cache of the shared onset course."""
    onsets = SolutionCache(32)

    def solve(values: dict[str, Any]) -> dict[str, Any]:
        start = float(values["start"])
        stimulus = skin_circuit.DCStimulus(
            start=ONSET_DAY, duration=skin_circuit.DCStimulus().duration, rate=values["dc_rate"]
        )
        if stimulus.end > start:
            raise CourseError(
                f"the effect must start after the stimulus ends (day {stimulus.end:g})"
            )
        onset = onsets.get(
            (values["dc_rate"], start),
            lambda: skin_circuit.simulate_skin(
                days=start, dc_stimulus=stimulus, t_eval=np.arange(0.0, start + 1.0)
            ),
        )
        y0 = tuple(onset.y[:, -1])
        rest = HORIZON_DAYS - start
        grid = np.arange(0.0, rest + 1.0)
        effect = therapy.ConstantEffect(
            MECHANISM, values["strength"], start=0.0, duration=float(values["duration"])
        )
        treated = skin_circuit.simulate_skin(days=rest, start=y0, therapies=(effect,), t_eval=grid)
        untreated = skin_circuit.simulate_skin(days=rest, start=y0, t_eval=grid)
        return {
            "start": start,
            "onset": onset,
            "treated": treated,
            "untreated": untreated,
            "turnover_onset": onset.turnover_days,
            "turnover_treated": treated.turnover_days,
            "turnover_untreated": untreated.turnover_days,
        }

    return solve, onsets


def _join(result: dict[str, Any], arm: str, series: np.ndarray, head: np.ndarray):
    t = np.concatenate([result["onset"].t, result[arm].t[1:] + result["start"]])
    return t, np.concatenate([head, series[1:]])


def _scene() -> Scene:
    healthy, psoriatic = skin_circuit.healthy_state(), skin_circuit.psoriatic_state()
    with course_style():
        figure = new_figure(7.2, 5.2, nrows=2, sharex=True, height_ratios=[1.4, 1])
        kc_ax, turnover_ax = figure.axes
        lines: dict[str, Any] = {}
        for name, colour in COMPARTMENT_COLOURS.items():
            label = f"{COMPARTMENT_NAMES[name]} ({name})"
            lines[name] = kc_ax.plot([], [], color=colour, lw=2.2, label=label)[0]
            lines[f"{name}_untreated"] = kc_ax.plot([], [], color=colour, lw=1.0, ls=":")[0]
        kc_ax.plot([], [], color="grey", lw=1.0, ls=":", label="untreated")
        kc_ax.set_ylabel("Keratinocytes\n(10³ per mm²)", fontsize=9)
        kc_ax.set_ylim(0, 260)
        kc_ax.legend(loc="upper left", fontsize=8, ncols=2)
        lines["turnover"] = turnover_ax.plot(
            [], [], color=ROLE_COLOURS["therapy"], lw=2.2, label="with MSC effect"
        )[0]
        lines["turnover_untreated"] = turnover_ax.plot(
            [], [], color=ROLE_COLOURS["psoriatic"], lw=1.2, ls=":", label="untreated"
        )[0]
        for state, colour, name in (
            (healthy, ROLE_COLOURS["healthy"], "healthy"),
            (psoriatic, ROLE_COLOURS["psoriatic"], "psoriatic"),
        ):
            turnover_ax.axhline(state.turnover_days, color=colour, lw=0.8, ls="--")
            turnover_ax.text(
                HORIZON_DAYS, state.turnover_days, f"{name} steady state ",
                ha="right", va="bottom", fontsize=7.5, color=colour,
            )  # fmt: skip
        turnover_ax.set_ylabel("Turnover time\n(days)", fontsize=9)
        turnover_ax.set_ylim(0, 120)
        turnover_ax.set_xlabel("Day")
        turnover_ax.set_xlim(0, HORIZON_DAYS)
        turnover_ax.legend(loc="upper left", fontsize=8)
        spans = TimeSpans(figure.axes)

    def draw(result: dict[str, Any], values: dict[str, Any]) -> Readout:
        start, duration = result["start"], values["duration"]
        spans.set("activates", ONSET_DAY, skin_circuit.DCStimulus().duration)
        spans.set("therapy", start, min(duration, HORIZON_DAYS - start))
        onset, treated, untreated = result["onset"], result["treated"], result["untreated"]
        top = 0.0
        for name in COMPARTMENT_COLOURS:
            head = getattr(onset, name) / 1e3
            t, y = _join(result, "treated", getattr(treated, name) / 1e3, head)
            lines[name].set_data(t, y)
            t, y_u = _join(result, "untreated", getattr(untreated, name) / 1e3, head)
            lines[f"{name}_untreated"].set_data(t, y_u)
            top = max(top, float(y.max()), float(y_u.max()))
        fit_top(kc_ax, top, 260, 50)
        t, turn = _join(result, "treated", result["turnover_treated"], result["turnover_onset"])
        lines["turnover"].set_data(t, turn)
        t, turn_u = _join(
            result, "untreated", result["turnover_untreated"], result["turnover_onset"]
        )
        lines["turnover_untreated"].set_data(t, turn_u)
        fit_top(turnover_ax, float(np.nanmax(turn)), 120, 40)

        before = float(result["turnover_onset"][-1])
        end_index = min(int(duration) - 1, len(treated.t) - 1) if duration >= 1 else 0
        during = float(result["turnover_treated"][end_index])
        final = float(result["turnover_treated"][-1])
        state = treated.final_state
        text = (
            f"Turnover: {before:.0f} days on the treatment day, {during:.0f} days on the last day "
            f"of the effect, {final:.0f} days at day {HORIZON_DAYS} ({state}); untreated "
            f"{float(result['turnover_untreated'][-1]):.0f} days ({untreated.final_state})."
        )
        compartments = ", ".join(
            f"{COMPARTMENT_NAMES[n]} {getattr(treated, n)[-1]:,.0f}" for n in COMPARTMENT_COLOURS
        )
        alt = (
            f"Two panels over {HORIZON_DAYS} days. Top: stem, transit-amplifying and "
            f"differentiated keratinocytes after a DC stimulus of {values['dc_rate']:g} per mm² "
            f"per day from day {ONSET_DAY:g}, with an MSC keratinocyte effect of strength "
            f"{values['strength']:.2f} from day {start:g} for {duration} days; at day "
            f"{HORIZON_DAYS}: {compartments} cells per mm². Bottom: turnover time. {text}"
        )
        return Readout(text, alt)

    dynamic = [*lines.values(), *spans.artists]
    return Scene(figure, dynamic, draw)


def _notes() -> str:
    mechanism = therapy.MECHANISMS[MECHANISM]
    return (
        "Model: Shmarov et al. 2022 [shmarov2022], skin starting at its healthy steady state; "
        "the onset stimulus is the authors' (a 4-day extra influx of dendritic cells). "
        f"<b>MSC keratinocyte effect</b>: {mechanism.description} Mapping: <b>our "
        f"interpretation</b> (the paper did not model MSCs); scales {', '.join(mechanism.targets)} "
        f"[{', '.join(mechanism.refs)}]. The strength is a teaching control (illustrative). "
        "Turnover is the SBML's rule: days to replace the proliferative pool plus days to "
        "replace the differentiated pool, computed with the rate constants in force."
    )


def explore_keratinocytes() -> Explorer:
    """Return the keratinocyte-compartment explorer.

    Controls: ``dc_rate`` (inflammation: onset stimulus from day 20 for 4 days), ``strength``,
    ``start``, ``duration`` (the MSC keratinocyte effect, our interpretation). The readout gives
    the turnover time before, at the end of, and a year after the effect.

    Examples
    --------
    >>> explorer = explore_keratinocytes()
    >>> explorer.controls["duration"].value = 7   # too short: the plaque comes back
    """
    solve, onsets = _make_solver()
    scene = _scene()
    return Explorer(
        title="Keratinocyte compartments: inflammation and an MSC effect",
        controls=_controls(),
        figure=scene.figure,
        dynamic_artists=scene.dynamic_artists,
        solve=solve,
        draw=scene.draw,
        notes=_notes(),
        extra_caches=[onsets],
    )
