"""Explore where an MSC effect acts: on keratinocyte division, or on the T cells that make IL-17.

The skin-circuit model of Shmarov et al. 2022 splits the epidermis into stem (SC),
transit-amplifying (TA) and differentiated (D) keratinocytes, and closes the loop back to the
immune side: stem and TA cells make a growth factor that draws dendritic cells into the skin. The
skin starts healthy; a dendritic-cell onset stimulus from day 20 inflames it; from the treatment day
one MSC effect acts for a fixed four-week course (:data:`COURSE_DAYS`). The learner chooses WHERE it
acts (``therapy.MECHANISMS["keratinocyte"]``: less IL-17/TNF-driven division of SC and TA cells, or
``therapy.MECHANISMS["fewer_th17"]``: less IL-23-driven T-cell expansion; both mappings OUR
INTERPRETATION) and how strongly. The figure shows the three compartments, IL-17 (the immune side)
and the epidermal turnover time read off the model. How strength trades against duration is the
skin-circuit explorer's lesson (05), not this one's.
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
    dropdown,
    fit_top,
    float_slider,
    int_slider,
    new_figure,
)

__all__ = ["COURSE_DAYS", "TARGETS", "course_end", "explore_keratinocytes"]

HORIZON_DAYS = 365
ONSET_DAY = 20.0
#: Days the MSC effect acts: one fixed four-week course, so the learner varies where it acts.
COURSE_DAYS = 28
#: Where the MSC effect can act: dropdown label -> key of ``therapy.MECHANISMS``.
TARGETS: dict[str, str] = {
    "keratinocytes: less IL-17/TNF-driven division": "keratinocyte",
    "immune side: fewer Th17 (less IL-23-driven T expansion)": "fewer_th17",
}


def _controls() -> dict[str, Any]:
    stimulus = skin_circuit.DCStimulus()  # the SBML's onset trigger supplies the defaults
    return {
        "dc_rate": float_slider(
            "Inflammation: DC onset stimulus (DCs/mm² per day, 4 days)",
            stimulus.rate, 0.0, 6000.0, 250.0, ".0f",
        ),
        "target": dropdown("MSC effect acts on", list(TARGETS.items()), "keratinocyte"),
        "strength": float_slider("MSC effect strength (0-0.95)", 0.3, 0.0, 0.95, 0.05),
        "start": int_slider("Four-week course starts (day)", 120, 60, 250, 5),
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
                f"the course must start after the stimulus ends (day {stimulus.end:g})"
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
            values["target"], values["strength"], start=0.0, duration=float(COURSE_DAYS)
        )
        treated = skin_circuit.simulate_skin(days=rest, start=y0, therapies=(effect,), t_eval=grid)
        untreated = skin_circuit.simulate_skin(days=rest, start=y0, t_eval=grid)
        return {"start": start, "onset": onset, "treated": treated, "untreated": untreated}

    return solve, onsets


def course_end(result: dict[str, Any]) -> dict[str, float]:
    """What the model shows on the last day of the course, as multiples of the healthy state.

    Parameters
    ----------
    result
        The solver's result.

    Returns
    -------
    dict
        ``keratinocytes`` and ``il17`` (each divided by the healthy steady state's value) and
        ``turnover`` (days), on the course's last day (or the last day simulated).
    """
    treated = result["treated"]
    healthy = skin_circuit.healthy_state()
    index = min(COURSE_DAYS, len(treated.t) - 1)
    return {
        "keratinocytes": float(treated.keratinocytes[index] / healthy.keratinocytes),
        "il17": float(treated.IL17[index] / healthy.IL17),
        "turnover": float(treated.turnover_days[index]),
    }


def _join(result: dict[str, Any], arm: str, series: np.ndarray, head: np.ndarray):
    t = np.concatenate([result["onset"].t, result[arm].t[1:] + result["start"]])
    return t, np.concatenate([head, series[1:]])


def _scene() -> Scene:
    healthy, psoriatic = skin_circuit.healthy_state(), skin_circuit.psoriatic_state()
    with course_style():
        figure = new_figure(7.2, 6.4, nrows=3, sharex=True, height_ratios=[1.4, 0.9, 0.9])
        kc_ax, il17_ax, turnover_ax = figure.axes
        lines: dict[str, Any] = {}
        for name, colour in COMPARTMENT_COLOURS.items():
            label = f"{COMPARTMENT_NAMES[name]} ({name})"
            lines[name] = kc_ax.plot([], [], color=colour, lw=2.2, label=label)[0]
            lines[f"{name}_untreated"] = kc_ax.plot([], [], color=colour, lw=1.0, ls=":")[0]
        kc_ax.plot([], [], color="grey", lw=1.0, ls=":", label="untreated")
        kc_ax.set_ylabel("Keratinocytes\n(10³ per mm²)", fontsize=9)
        kc_ax.set_ylim(0, 260)
        kc_ax.legend(loc="upper left", fontsize=8, ncols=2)
        for key, ax in (("il17", il17_ax), ("turnover", turnover_ax)):
            lines[key] = ax.plot(
                [], [], color=ROLE_COLOURS["therapy"], lw=2.2, label="with the MSC effect"
            )[0]
            lines[f"{key}_untreated"] = ax.plot(
                [], [], color=ROLE_COLOURS["psoriatic"], lw=1.2, ls=":", label="untreated"
            )[0]
        for state, colour, name in (
            (healthy, ROLE_COLOURS["healthy"], "healthy"),
            (psoriatic, ROLE_COLOURS["psoriatic"], "psoriatic"),
        ):
            for ax, level in ((il17_ax, state.IL17), (turnover_ax, state.turnover_days)):
                ax.axhline(level, color=colour, lw=0.8, ls="--")
                ax.text(
                    HORIZON_DAYS, level, f"{name} steady state ",
                    ha="right", va="bottom", fontsize=7.5, color=colour,
                )  # fmt: skip
        il17_ax.set_ylabel("IL-17\n(model units)", fontsize=9)
        il17_ax.set_ylim(0, 1.3 * psoriatic.IL17)
        il17_ax.legend(loc="upper left", fontsize=8)
        turnover_ax.set_ylabel("Turnover time\n(days)", fontsize=9)
        turnover_ax.set_ylim(0, 120)
        turnover_ax.set_xlabel("Day")
        turnover_ax.set_xlim(0, HORIZON_DAYS)
        spans = TimeSpans(figure.axes)

    def draw(result: dict[str, Any], values: dict[str, Any]) -> Readout:
        start = result["start"]
        spans.set("activates", ONSET_DAY, skin_circuit.DCStimulus().duration)
        spans.set("therapy", start, min(COURSE_DAYS, HORIZON_DAYS - start))
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
        for key, series in (("il17", "IL17"), ("turnover", "turnover_days")):
            head = getattr(onset, series)
            t, y = _join(result, "treated", getattr(treated, series), head)
            lines[key].set_data(t, y)
            t, y_u = _join(result, "untreated", getattr(untreated, series), head)
            lines[f"{key}_untreated"].set_data(t, y_u)
        fit_top(turnover_ax, float(np.nanmax(lines["turnover"].get_ydata())), 120, 40)

        end = course_end(result)
        target = therapy.MECHANISMS[values["target"]].label
        text = (
            f"End of the {COURSE_DAYS}-day course: keratinocytes {end['keratinocytes']:.2f}× "
            f"healthy, IL-17 {end['il17']:.2f}× healthy, turnover {end['turnover']:.0f} days. "
            f"Day {HORIZON_DAYS}: {treated.final_state} (untreated: {untreated.final_state})."
        )
        alt = (
            f"Three panels over {HORIZON_DAYS} days after a DC stimulus of {values['dc_rate']:g} "
            f"per mm² per day from day {ONSET_DAY:g}, with an MSC effect on {target} of strength "
            f"{values['strength']:.2f} from day {start:g} for {COURSE_DAYS} days. Top: stem, "
            "transit-amplifying and differentiated keratinocytes. Middle: IL-17. Bottom: "
            f"turnover time. {text}"
        )
        return Readout(text, alt)

    dynamic = [*lines.values(), *spans.artists]
    return Scene(figure, dynamic, draw)


def _notes() -> str:
    parts = []
    for key in TARGETS.values():
        mechanism = therapy.MECHANISMS[key]
        parts.append(
            f"<b>{mechanism.label}</b>: {mechanism.description} Scales "
            f"{', '.join(mechanism.targets)} [{', '.join(mechanism.refs)}]."
        )
    return (
        "Model: Shmarov et al. 2022 [shmarov2022], skin starting at its healthy steady state; "
        "the onset stimulus is the authors' (a 4-day extra influx of dendritic cells). In the "
        "model, stem and transit-amplifying cells make a growth factor that draws dendritic cells "
        "into the skin: the keratinocytes' arrow back to the immune side. "
        f"The MSC effect acts for a fixed course of {COURSE_DAYS} days (how strength trades "
        "against duration is lesson 05's explorer). Where it acts, and its mapping onto the "
        "model, is <b>our interpretation</b> (the paper did not model MSCs); the strength is a "
        "teaching control (illustrative). " + " ".join(parts) + " Turnover is the SBML's rule: "
        "days to replace the proliferative pool plus days to replace the differentiated pool, "
        "computed with the rate constants in force."
    )


def explore_keratinocytes() -> Explorer:
    """Return the explorer of where an MSC effect acts: keratinocytes or the immune side.

    Controls: ``dc_rate`` (inflammation: onset stimulus from day 20 for 4 days), ``target``
    (a key of ``therapy.MECHANISMS``: ``"keratinocyte"`` or ``"fewer_th17"``), ``strength`` and
    ``start`` of a fixed :data:`COURSE_DAYS`-day course (our interpretation). The readout gives
    the keratinocytes, IL-17 and turnover at the end of the course and the state a year on.

    Examples
    --------
    >>> explorer = explore_keratinocytes()
    >>> explorer.controls["target"].value = "fewer_th17"   # IL-17 back to normal, yet relapse
    """
    solve, onsets = _make_solver()
    scene = _scene()
    return Explorer(
        title="Where an MSC effect acts: keratinocytes or the immune side",
        controls=_controls(),
        figure=scene.figure,
        dynamic_artists=scene.dynamic_artists,
        solve=solve,
        draw=scene.draw,
        notes=_notes(),
        extra_caches=[onsets],
    )
