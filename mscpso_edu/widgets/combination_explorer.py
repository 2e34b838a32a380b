"""Combine MSC-like effects on the psoriatic skin circuit; compare with UVB and a biologic.

Every run starts from the psoriatic steady state of the Shmarov et al. 2022 model. The four
MSC-like mechanisms of :data:`mscpso_edu.models.therapy.MECHANISMS` (tolerogenic DCs, fewer Th17,
T-cell clearance, calmer keratinocytes; each mapping OUR INTERPRETATION) act together over one
fixed four-week course (:data:`MSC_COURSE_DAYS`); their effects multiply in the model. How strength
trades against duration is lesson 05's explorer, not this one. The published UVB course and an
anti-IL-17 biologic (constant neutralisation at a fixed illustrative strength, our interpretation)
can be drawn on the same axes. A later trigger (a
second dendritic-cell pulse, 4 days like the model's onset pulse) tests whether a remission lasts,
and the illustrative tissue memory (:class:`~mscpso_edu.models.skin_circuit.TissueMemory`) makes
healed skin easier to re-flare.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import skin_circuit, therapy
from ..style import ROLE_COLOURS, course_style
from ._base import Explorer, Readout, TimeSpans, checkbox, float_slider, int_slider, new_figure

__all__ = ["BIOLOGIC_STRENGTH", "MSC_COURSE_DAYS", "MSC_MECHANISMS", "explore_combination"]

#: The MSC-like mechanisms offered, in display order (keys of ``therapy.MECHANISMS``).
MSC_MECHANISMS = ("tolerogenic_dc", "fewer_th17", "t_cell_clearance", "keratinocyte")
HORIZON_DAYS = 365
TREATMENT_DAY = 30.0
#: Days every MSC-like effect acts, from :data:`TREATMENT_DAY`: one fixed course, so the explorer
#: asks what combining, comparing and a later trigger do (strength x duration is lesson 05's).
MSC_COURSE_DAYS = 28.0
#: The anti-IL-17 biologic's strength (illustrative): the learner sets only how long it is given.
BIOLOGIC_STRENGTH = 0.9

_ARMS = {
    "combination": {"color": ROLE_COLOURS["therapy"], "lw": 2.2, "label": "your combination"},
    "untreated": {"color": ROLE_COLOURS["psoriatic"], "lw": 1.2, "label": "untreated"},
    "uvb": {"color": ROLE_COLOURS["uvb"], "lw": 1.6, "ls": "--", "label": "UVB (published course)"},
    "biologic": {"color": "#333333", "lw": 1.4, "ls": "-.", "label": "anti-IL-17"},
}


def _controls() -> dict[str, Any]:
    controls: dict[str, Any] = {
        name: float_slider(
            f"{therapy.MECHANISMS[name].label} [our interpretation]", 0.0, 0.0, 0.9, 0.05
        )
        for name in MSC_MECHANISMS
    }
    controls["compare_uvb"] = checkbox("Compare: published UVB course", False)
    controls["compare_biologic"] = checkbox("Compare: anti-IL-17 biologic", False)
    controls["biologic_days"] = int_slider("Biologic lasts (days)", 84, 7, 180, 7)
    controls["trigger_rate"] = float_slider(
        "Later trigger: DCs/mm² per day for 4 days (0 = none)", 0.0, 0.0, 6000.0, 250.0, ".0f"
    )
    controls["trigger_day"] = int_slider("Later trigger on day", 240, 40, 355, 5)
    controls["memory"] = checkbox("Tissue memory (illustrative, our interpretation)", False)
    return controls


#: Days a later trigger lasts: the SBML's onset pulse length.
TRIGGER_DAYS = skin_circuit.DCStimulus().duration


def later_trigger(values: dict[str, Any]) -> tuple[skin_circuit.DCStimulus, ...]:
    """The later trigger the controls ask for: one DC pulse, or none at rate 0."""
    if values["trigger_rate"] <= 0:
        return ()
    day = float(values["trigger_day"])
    length = min(TRIGGER_DAYS, HORIZON_DAYS - day)
    return (skin_circuit.DCStimulus(day, length, float(values["trigger_rate"])),)


def combination_therapies(values: dict[str, Any]) -> tuple[therapy.ConstantEffect, ...]:
    """The constant effects of the MSC-like mechanisms whose strength is above zero.

    Parameters
    ----------
    values
        Control values: a strength per name in :data:`MSC_MECHANISMS`.

    Returns
    -------
    tuple of ConstantEffect
        One effect per active mechanism, all from the treatment day for
        :data:`MSC_COURSE_DAYS` days.
    """
    return tuple(
        therapy.ConstantEffect(name, float(values[name]), TREATMENT_DAY, MSC_COURSE_DAYS)
        for name in MSC_MECHANISMS
        if values[name] > 0
    )


def _solve(values: dict[str, Any]) -> dict[str, skin_circuit.SkinResult]:
    grid = np.arange(0.0, HORIZON_DAYS + 1.0)

    trigger = later_trigger(values)
    memory = skin_circuit.TissueMemory() if values["memory"] else None

    def run(**kwargs: Any) -> skin_circuit.SkinResult:
        return skin_circuit.simulate_skin(
            days=HORIZON_DAYS,
            start="psoriatic",
            t_eval=grid,
            dc_stimulus=trigger,
            memory=memory,
            **kwargs,
        )

    result = {
        "combination": run(therapies=combination_therapies(values)),
        "untreated": run(),
    }
    if values["compare_uvb"]:
        result["uvb"] = run(uvb=skin_circuit.UVBCourse.published(TREATMENT_DAY))
    if values["compare_biologic"]:
        drug = therapy.biologic(
            "anti_il17",
            BIOLOGIC_STRENGTH,
            TREATMENT_DAY,
            float(values["biologic_days"]),
        )
        result["biologic"] = run(therapies=(drug,))
    return result


def explore_combination() -> Explorer:
    """Return the explorer combining MSC-like effects, with UVB and biologic comparisons.

    Controls: one strength per mechanism in :data:`MSC_MECHANISMS` (0 = off; every effect acts
    for :data:`MSC_COURSE_DAYS` days), ``compare_uvb``, ``compare_biologic``, ``biologic_days``,
    ``trigger_rate``, ``trigger_day``, ``memory``. The skin starts psoriatic; treatments start on
    day 30. The readout names the state each arm ends in.

    Examples
    --------
    >>> explorer = explore_combination()
    >>> explorer.controls["tolerogenic_dc"].value = 0.5   # one mechanism for the course: heals
    """
    healthy = skin_circuit.healthy_state()
    psoriatic = skin_circuit.psoriatic_state()
    with course_style():
        figure = new_figure(7.0, 4.4, nrows=2, sharex=True)
        kc_ax, pasi_ax = figure.axes
        lines = {
            arm: (kc_ax.plot([], [], **style)[0], pasi_ax.plot([], [], **style)[0])
            for arm, style in _ARMS.items()
        }
        for ax, low, high in (
            (kc_ax, healthy.keratinocytes / 1e3, psoriatic.keratinocytes / 1e3),
            (pasi_ax, 0.0, 1.0),
        ):
            ax.axhline(low, color=ROLE_COLOURS["healthy"], ls=":", lw=1)
            ax.axhline(high, color=ROLE_COLOURS["psoriatic"], ls=":", lw=1)
            ax.axvline(TREATMENT_DAY, color="#999999", lw=0.8)
        spans = TimeSpans(figure.axes, roles=("therapy", "trigger"))
        spans.set("therapy", TREATMENT_DAY, MSC_COURSE_DAYS)  # the fixed MSC course, shaded
        kc_ax.set_ylabel("Keratinocytes\n(10³/mm²)", fontsize=9)
        kc_ax.set_ylim(0, 320)
        kc_ax.legend(loc="lower left", fontsize=8, ncols=2)
        pasi_ax.set_ylabel("PASI proxy\n(0 healthy, 1 psoriatic)", fontsize=9)
        pasi_ax.set_ylim(-0.1, 1.3)
        pasi_ax.set_xlabel(
            f"Day (treatments start on day {TREATMENT_DAY:g}; "
            f"MSC-like effects last {MSC_COURSE_DAYS:g} days)"
        )
        pasi_ax.set_xlim(0, HORIZON_DAYS)

    def draw(result: dict[str, skin_circuit.SkinResult], values: dict[str, Any]) -> Readout:
        for arm, (kc_line, pasi_line) in lines.items():
            shown = arm in result
            kc_line.set_visible(shown)
            pasi_line.set_visible(shown)
            if shown:
                kc_line.set_data(result[arm].t, result[arm].keratinocytes / 1e3)
                pasi_line.set_data(result[arm].t, result[arm].pasi_proxy)
        active = [
            f"{therapy.MECHANISMS[name].label} {values[name]:.2f}"
            for name in MSC_MECHANISMS
            if values[name] > 0
        ]
        described = "; ".join(active) if active else "no MSC-like effect"
        states = ", ".join(
            f"{_ARMS[arm]['label']}: {result[arm].final_state}" for arm in _ARMS if arm in result
        )
        text = f"State at day {HORIZON_DAYS}: {states}"
        trigger = later_trigger(values)
        spans.set(
            "trigger", trigger[0].start if trigger else 0.0, trigger[0].duration if trigger else 0.0
        )
        if trigger:
            text += (
                f". Later trigger: {values['trigger_rate']:g} DCs/mm² per day from day "
                f"{values['trigger_day']}"
            )
        if values["memory"]:
            text += ". Tissue memory on (illustrative)"
        alt = (
            f"Keratinocytes and PASI proxy over {HORIZON_DAYS} days from the psoriatic state. "
            f"From day {TREATMENT_DAY:g} for {MSC_COURSE_DAYS:g} days: {described}. {text}."
        )
        return Readout(text, alt)

    trigger_column = spans.roles.index("trigger")
    dynamic = [line for pair in lines.values() for line in pair] + [
        row[trigger_column] for row in spans.patches
    ]
    notes = (
        "Model: Shmarov et al. 2022 [shmarov2022], starting at its psoriatic steady state. Each "
        "MSC-like mechanism scales one link of the circuit (tolerogenic DCs: IL-23 per DC; fewer "
        "Th17: IL-23-driven T-cell expansion; T-cell clearance: T-cell removal rate; calmer "
        "keratinocytes: cytokine-driven proliferation). These mappings are <b>our "
        "interpretation</b> (the paper did not model MSCs) and the strengths are illustrative "
        f"teaching controls. Every MSC-like effect acts for {MSC_COURSE_DAYS:g} days from day "
        f"{TREATMENT_DAY:g} (how strength trades against duration is lesson 05's explorer). UVB "
        "is the paper's published course; the anti-IL-17 biologic is a constant neutralisation, "
        f"our interpretation, at an illustrative strength of {BIOLOGIC_STRENGTH:g}. The PASI proxy "
        "is the model's severity index for one mm² of plaque, not a clinical PASI. The <b>later "
        "trigger</b> is a second DC pulse: in the model a healed skin stays healed until such a "
        "push, while most patients relapse within a year or two of stopping. <b>Tissue memory</b> "
        "is not in the published model: an illustrative compartment (our interpretation of "
        "resident memory T cells [matos2017]) that builds while skin is inflamed and lowers the "
        "trigger needed to relapse."
    )
    return Explorer(
        title="Several therapies at once on the psoriatic skin circuit",
        controls=_controls(),
        figure=figure,
        dynamic_artists=dynamic,
        solve=_solve,
        draw=draw,
        notes=notes,
    )
