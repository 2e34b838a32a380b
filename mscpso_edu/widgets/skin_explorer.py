"""Explore the skin circuit of Shmarov et al. 2022: push dendritic cells, then treat.

The skin starts healthy; a dendritic-cell (DC) onset stimulus from day 20 may flip it to the
psoriatic state. From the treatment day a therapy input acts for a chosen number of days, and the
untreated course, the published UVB course and an anti-IL-17 biologic can be shown for comparison.
A later trigger (a second DC pulse on a chosen day) shows that remission in the model holds only
until the next push; the illustrative tissue-memory compartment
(:class:`~mscpso_edu.models.skin_circuit.TissueMemory`) makes that push smaller.

All arms share the course up to the treatment day, so it is solved once and each arm continues
from its end state (each arm cached on its own inputs: ticking a comparison or changing the
therapy never re-solves the onset).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import CourseError
from ..models import skin_circuit, therapy
from ..style import ROLE_COLOURS, course_style
from ._base import (
    Explorer,
    Readout,
    Scene,
    SolutionCache,
    TimeSpans,
    checkbox,
    dropdown,
    fit_top,
    float_slider,
    int_slider,
    new_figure,
)

__all__ = ["explore_skin_circuit"]

HORIZON_DAYS = 365
ONSET_DAY = 20.0
#: The comparison biologic: an anti-IL-17 antibody at effect 0.9 for 12 weeks. Both numbers are
#: illustrative (chosen to show a strong, time-limited neutralisation), the mapping is ours.
BIOLOGIC_STRENGTH = 0.9
BIOLOGIC_DAYS = 84.0

# Drawn in this order, so "your therapy" lies on top of the shared onset.
_ARMS = ("untreated", "uvb", "biologic", "therapy")
_EARLIEST_START = 60
_ARM_DAYS = HORIZON_DAYS - _EARLIEST_START
_ARM_GRID = np.arange(0.0, _ARM_DAYS + 1.0)
# Axis tops that hold the largest onset overshoot the controls allow (6000 DCs/mm²/day for 10
# days: 337 x 10³ keratinocytes, 5.8 x healthy immune cells, PASI proxy 1.55), so the axes
# never need redrawing; fit_top still widens them if a future model version goes higher.
_KC_TOP = 360.0
_IMMUNE_TOP = 7.0
_PASI_TOP = 1.7

_ARM_STYLE = {
    "therapy": {"color": ROLE_COLOURS["therapy"], "lw": 2.2, "label": "your therapy"},
    "untreated": {
        "color": ROLE_COLOURS["psoriatic"],
        "lw": 1.2,
        "label": "untreated",
        "alpha": 0.8,
    },
    "uvb": {"color": ROLE_COLOURS["uvb"], "lw": 1.6, "ls": "--", "label": "UVB (published course)"},
    "biologic": {"color": "#333333", "lw": 1.4, "ls": "-.", "label": "anti-IL-17 (0.9, 12 wk)"},
}


def _mechanism_label(mechanism: therapy.Mechanism) -> str:
    if mechanism.mapping != "paper":
        return f"{mechanism.label} [{mechanism.mapping.lower()}]"
    return mechanism.label


def _controls() -> dict[str, Any]:
    stimulus = skin_circuit.DCStimulus()  # the SBML's onset trigger supplies the defaults
    options = [(_mechanism_label(m), name) for name, m in therapy.MECHANISMS.items()]
    return {
        "dc_rate": float_slider(
            "DC onset stimulus (DCs/mm² per day)", stimulus.rate, 0.0, 6000.0, 250.0, ".0f"
        ),
        "dc_days": int_slider("Stimulus duration (days)", round(stimulus.duration), 1, 10),
        "mechanism": dropdown("Therapy mechanism", options, "tolerogenic_dc"),
        "strength": float_slider("Therapy strength (0-0.95)", 0.5, 0.0, 0.95, 0.05),
        "start": int_slider("Treatment starts (day)", 120, _EARLIEST_START, 250, 5),
        "duration": int_slider("Therapy lasts (days)", 28, 1, 120),
        "compare_uvb": checkbox("Compare: published UVB course from the treatment day", False),
        "compare_biologic": checkbox("Compare: anti-IL-17 biologic from the treatment day", False),
        "trigger_rate": float_slider(
            "Later trigger: DCs/mm² per day for 4 days (0 = none)", 0.0, 0.0, 6000.0, 250.0, ".0f"
        ),
        "trigger_day": int_slider("Later trigger on day", 270, 60, 355, 5),
        "memory": checkbox("Tissue memory (illustrative, our interpretation)", False),
    }


def naive_simulate(**kwargs: Any) -> skin_circuit.SkinResult:
    """The benchmark's naive solver: fixed-step RK4 (dt 0.002 day) from the models package.

    0.002 day keeps RK4 stable at the fastest clearance a control allows (IL-17 removal
    36.5/day / (1 - 0.95) = 730/day); 0.01 day diverges there.
    """
    kwargs.pop("t_eval", None)
    return skin_circuit.simulate_skin_fixed_step(dt=0.002, **kwargs)


#: A state within this relative distance of a stable steady state (in every variable) has
#: settled there: the arms start from the steady state itself.
_SETTLED = 1e-3


def _arm_start(state: np.ndarray) -> tuple[float, ...]:
    """Where the treatment arms start, as a cache key.

    Arms are keyed by their starting state and always run for the longest possible treatment
    period, so different onset settings or start days that reach the same state share them. A
    state that has settled at a steady state (within 0.1 % in every variable, deep inside its
    basin) is replaced by that steady state; any other is rounded to 6 significant digits. The
    arm is then solved from exactly that key, so a cached arm is exactly right for it.
    """
    for steady in (skin_circuit.psoriatic_state(), skin_circuit.healthy_state()):
        reference = steady.as_array()
        if np.all(np.abs(state / reference - 1.0) < _SETTLED):
            return tuple(float(value) for value in reference)
    return tuple(float(f"{value:.6g}") for value in state)


def _make_solver(simulate=None):
    """Return ``solve(values)`` and the arm cache it fills.

    ``simulate`` defaults to :func:`skin_circuit.simulate_skin`, looked up at call time so tests
    can count calls; the benchmark passes the fixed-step solver.
    """
    arms = SolutionCache(256)

    def run(**kwargs: Any) -> skin_circuit.SkinResult:
        return (simulate or skin_circuit.simulate_skin)(**kwargs)

    def solve(values: dict[str, Any]) -> dict[str, Any]:
        start = float(values["start"])
        stimulus = skin_circuit.DCStimulus(
            start=ONSET_DAY, duration=float(values["dc_days"]), rate=float(values["dc_rate"])
        )
        if stimulus.end > start:
            raise CourseError(
                f"the treatment must start after the stimulus ends (day {stimulus.end:g})"
            )
        before, after = _split_trigger(values, start)
        memory = skin_circuit.TissueMemory() if values["memory"] else None
        onset_key = ("onset", values["dc_rate"], values["dc_days"], start, before, memory)
        onset = arms.get(
            onset_key,
            lambda: run(
                days=start,
                dc_stimulus=(stimulus, *before),
                t_eval=np.arange(0.0, start + 1.0),
                **({"memory": memory} if memory else {}),
            ),
        )
        y0 = _arm_start(onset.y[:, -1])
        extra: dict[str, Any] = {}
        if after:
            extra["dc_stimulus"] = after
        if memory is not None:
            level = float(f"{onset.memory[-1]:.6g}")
            extra["memory"] = skin_circuit.TissueMemory(initial=level)
        rest = HORIZON_DAYS - start
        shown = int(rest) + 1

        def arm(name: str, **kwargs: Any) -> skin_circuit.SkinResult:
            kwargs.update(extra)
            key = (y0, name, *sorted(kwargs.items()))
            full = arms.get(key, lambda: run(days=_ARM_DAYS, start=y0, t_eval=_ARM_GRID, **kwargs))
            return skin_circuit.SkinResult(
                t=full.t[:shown], y=full.y[:, :shown], params=full.params
            )

        effect = therapy.ConstantEffect(
            values["mechanism"], values["strength"], start=0.0, duration=float(values["duration"])
        )
        result = {
            "onset": onset,
            "start": start,
            "therapy": arm("therapy", therapies=(effect,)),
            "untreated": arm("untreated"),
        }
        if values["compare_uvb"]:
            result["uvb"] = arm("uvb", uvb=skin_circuit.UVBCourse.published(0.0))
        if values["compare_biologic"]:
            drug = therapy.biologic("anti_il17", BIOLOGIC_STRENGTH, 0.0, BIOLOGIC_DAYS)
            result["biologic"] = arm("biologic", therapies=(drug,))
        return result

    return solve, arms


#: Days a later trigger lasts: the SBML's onset pulse length.
TRIGGER_DAYS = skin_circuit.DCStimulus().duration


def _split_trigger(
    values: dict[str, Any], start: float
) -> tuple[tuple[skin_circuit.DCStimulus, ...], tuple[skin_circuit.DCStimulus, ...]]:
    """The later trigger as pulses before the treatment day and after it (arm clock)."""
    rate, day = float(values["trigger_rate"]), float(values["trigger_day"])
    if rate <= 0:
        return (), ()
    end = min(day + TRIGGER_DAYS, float(HORIZON_DAYS))
    before, after = [], []
    if day < start:
        before.append(skin_circuit.DCStimulus(day, min(end, start) - day, rate))
    if end > start:
        first = max(day, start)
        after.append(skin_circuit.DCStimulus(first - start, end - first, rate))
    return tuple(before), tuple(after)


def _joined(result: dict[str, Any], arm: str, quantity) -> tuple[np.ndarray, np.ndarray]:
    onset, later = result["onset"], result[arm]
    t = np.concatenate([onset.t, later.t[1:] + result["start"]])
    y = np.concatenate([quantity(onset), quantity(later)[1:]])
    return t, y


def _scene() -> Scene:
    """Three stacked panels sharing the time axis: keratinocytes, immune fold change, PASI proxy."""
    healthy = skin_circuit.healthy_state()
    psoriatic = skin_circuit.psoriatic_state()
    with course_style():
        figure = new_figure(7.0, 5.4, nrows=3, sharex=True, height_ratios=[1.2, 1, 1])
        kc_ax, immune_ax, pasi_ax = figure.axes
        lines: dict[str, dict[str, Any]] = {"kc": {}, "pasi": {}}
        for arm in _ARMS:
            style = _ARM_STYLE[arm]
            lines["kc"][arm] = kc_ax.plot([], [], **style)[0]
            lines["pasi"][arm] = pasi_ax.plot([], [], **style)[0]
        for ax, h_value, p_value in (
            (kc_ax, healthy.keratinocytes / 1e3, psoriatic.keratinocytes / 1e3),
            (pasi_ax, 0.0, 1.0),
        ):
            ax.axhline(h_value, color=ROLE_COLOURS["healthy"], ls=":", lw=1)
            ax.axhline(p_value, color=ROLE_COLOURS["psoriatic"], ls=":", lw=1)
        kc_ax.text(2, healthy.keratinocytes / 1e3, " healthy", va="bottom", fontsize=8)
        kc_ax.text(2, psoriatic.keratinocytes / 1e3, " psoriatic", va="bottom", fontsize=8)
        kc_ax.set_ylabel("Keratinocytes\n(10³/mm²)", fontsize=9)
        kc_ax.set_ylim(0, _KC_TOP)
        kc_ax.legend(loc="upper left", fontsize=8, ncols=2, bbox_to_anchor=(0.0, 1.32))

        immune = {}
        for name, colour in (("T", "#0072B2"), ("DC", "#009E73"), ("IL17", "#D55E00")):
            label = {"T": "T cells", "DC": "dendritic cells", "IL17": "IL-17"}[name]
            immune[name] = immune_ax.plot([], [], color=colour, lw=1.6, label=label)[0]
        immune_ax.axhline(1.0, color=ROLE_COLOURS["healthy"], ls=":", lw=1)
        immune_ax.set_ylabel("Your therapy:\n× healthy level", fontsize=9)
        immune_ax.set_ylim(0, _IMMUNE_TOP)
        immune_ax.legend(loc="upper right", fontsize=8, ncols=3)

        pasi_ax.set_ylabel("PASI proxy\n(0 healthy, 1 psoriatic)", fontsize=9)
        pasi_ax.set_ylim(-0.1, _PASI_TOP)
        pasi_ax.set_xlabel("Day")
        pasi_ax.set_xlim(0, HORIZON_DAYS)

        spans = TimeSpans(figure.axes, roles=("activates", "therapy", "trigger"))
    reference = {name: getattr(healthy, name) for name in immune}

    def draw(result: dict[str, Any], values: dict[str, Any]) -> Readout:
        start, duration = result["start"], values["duration"]
        spans.set("activates", ONSET_DAY, values["dc_days"])
        spans.set("therapy", start, min(duration, HORIZON_DAYS - start))
        triggered = values["trigger_rate"] > 0
        trigger_width = min(TRIGGER_DAYS, HORIZON_DAYS - values["trigger_day"]) if triggered else 0
        spans.set("trigger", values["trigger_day"], trigger_width)
        top = {"kc": 0.0, "pasi": 0.0}
        for arm in _ARMS:
            shown = arm in result
            for panel, quantity in (
                ("kc", lambda r: r.keratinocytes / 1e3),
                ("pasi", lambda r: r.pasi_proxy),
            ):
                line = lines[panel][arm]
                line.set_visible(shown)
                if shown:
                    t, y = _joined(result, arm, quantity)
                    line.set_data(t, y)
                    top[panel] = max(top[panel], float(y.max()))
        immune_top = 0.0
        for name, line in immune.items():
            t, y = _joined(result, "therapy", lambda r, n=name: getattr(r, n) / reference[n])
            line.set_data(t, y)
            immune_top = max(immune_top, float(y.max()))
        fit_top(kc_ax, top["kc"], _KC_TOP, 40)
        fit_top(immune_ax, immune_top, _IMMUNE_TOP, 1)
        fit_top(pasi_ax, top["pasi"], _PASI_TOP, 0.2)

        final = {arm: result[arm] for arm in _ARMS if arm in result}
        # Round tiny negative values (the proxy dips just below 0 near health) to a clean 0.00.
        proxy = {arm: max(float(r.pasi_proxy[-1]), 0.0) for arm, r in final.items()}
        state = {arm: r.final_state for arm, r in final.items()}
        text = (
            f"PASI proxy at day {HORIZON_DAYS}: {proxy['therapy']:.2f}, {state['therapy']} "
            f"(turnover {final['therapy'].turnover_days[-1]:.0f} days); "
            f"untreated: {proxy['untreated']:.2f}, {state['untreated']}"
        )
        if "uvb" in final:
            text += f"; UVB: {proxy['uvb']:.2f}, {state['uvb']}"
        if "biologic" in final:
            text += f"; anti-IL-17: {proxy['biologic']:.2f}, {state['biologic']}"
        if triggered:
            text += (
                f". Later trigger: {values['trigger_rate']:g} DCs/mm² per day from day "
                f"{values['trigger_day']}"
            )
        if values["memory"]:
            text += ". Tissue memory on (illustrative)"
        mechanism = therapy.MECHANISMS[values["mechanism"]]
        alt = (
            f"Time courses over {HORIZON_DAYS} days of keratinocytes, immune cells and the PASI "
            f"proxy. A DC stimulus of {values['dc_rate']:g} per mm² per day for "
            f"{values['dc_days']} days from day {ONSET_DAY:g}; {mechanism.label} at strength "
            f"{values['strength']:.2f} from day {start:g} for {duration} days. {text}."
        )
        return Readout(text, alt, notes=_notes(mechanism))

    dynamic = [
        *lines["kc"].values(),
        *lines["pasi"].values(),
        *immune.values(),
        *spans.artists,
    ]
    return Scene(figure, dynamic, draw)


def _notes(mechanism: therapy.Mechanism) -> str:
    mapping = (
        "<b>our interpretation</b> (the paper did not model it)"
        if mechanism.mapping != "paper"
        else "the paper's own"
    )
    return (
        f"Model: Shmarov et al. 2022 [shmarov2022], skin starting at its healthy steady state; "
        f"onset stimulus and UVB course from the authors' SBML. <b>{mechanism.label}</b>: "
        f"{mechanism.description} Mapping: {mapping}; scales "
        f"{', '.join(mechanism.targets)} [{', '.join(mechanism.refs)}]. Therapy strength is a "
        f"teaching control (illustrative). Comparison biologic: anti-IL-17 at effect "
        f"{BIOLOGIC_STRENGTH} for {BIOLOGIC_DAYS:g} days (illustrative; mapping is our "
        "interpretation). The PASI proxy is the model's severity index of one mm² of lesion, "
        "not a clinical PASI. <b>Later trigger</b>: a second DC pulse (4 days, like the onset "
        "pulse) on a chosen day; in the model, healed skin stays healed until such a push, while "
        "most patients relapse within a year or two of stopping a biologic. <b>Tissue memory</b> "
        "is not part of the published model: an illustrative compartment (our interpretation of "
        "tissue-resident memory T cells [matos2017]) that builds while skin is inflamed and makes "
        "IL-23 expand T cells up to 1% more, so a smaller trigger relapses the skin."
    )


def explore_skin_circuit() -> Explorer:
    """Return the skin-circuit explorer: DC onset stimulus, a therapy, and comparisons.

    Controls: ``dc_rate``, ``dc_days`` (onset stimulus from day 20), ``mechanism``,
    ``strength``, ``start``, ``duration`` (the therapy), ``compare_uvb``, ``compare_biologic``.
    The readout gives the PASI proxy and final state (healthy or psoriatic) at day 365 for the
    therapy and each comparison shown.

    Examples
    --------
    >>> explorer = explore_skin_circuit()
    >>> explorer.controls["duration"].value = 14   # too short: the skin relapses
    """
    solve, arms = _make_solver()
    scene = _scene()
    return Explorer(
        title="The psoriatic skin circuit: onset and treatment",
        controls=_controls(),
        figure=scene.figure,
        dynamic_artists=scene.dynamic_artists,
        solve=solve,
        draw=scene.draw,
        notes=_notes(therapy.MECHANISMS["tolerogenic_dc"]),
        extra_caches=[arms],
    )
