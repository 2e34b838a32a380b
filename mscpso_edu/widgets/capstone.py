"""The capstone explorer: design an MSC therapy (source, product, route, dose, schedule) and run it.

The dosing model is :class:`mscpso_edu.models.therapy.MSCTherapy` on the skin circuit of
Shmarov et al. 2022, starting from the psoriatic state: each dose adds an exposure that decays
with a half-life, and the effect follows an Emax curve. Intravenous cells use the product's cited
half-life; for local injection into plaques no study gives a half-life (cells injected under the
skin were cleared within weeks), so :data:`LOCAL_HALF_LIFE_DAYS` is **illustrative**. The MSC
source does not enter the model (no source gives a potency): the readout shows, for the chosen
source and route, the cited facts from the knowledge base instead.

A design is a trial arm, so it must name a comparator and a prespecified endpoint
(:data:`COMPARATORS`, :data:`ENDPOINTS`); until both are named the readout says the design is
incomplete. How strongly an MSC product acts is unknown, so there is no free "maximum effect" knob
to turn up until a design works: the learner picks one of three labelled, illustrative potency
presets (:data:`POTENCY`), and a defensible design should be judged under the cautious one.
The notes list the cited safety facts
that the chosen source, product and route raise (:func:`safety_notes`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import knowledge
from ..models import skin_circuit, therapy
from ..style import ROLE_COLOURS, course_style
from ._base import Explorer, Readout, dropdown, float_slider, int_slider, new_figure

__all__ = [
    "COMPARATORS",
    "ENDPOINTS",
    "LOCAL_HALF_LIFE_DAYS",
    "POTENCY",
    "ROUTES",
    "design_therapy",
    "safety_notes",
    "therapy_for",
]

HORIZON_DAYS = 365
FIRST_DAY = 30.0
#: Illustrative exposure half-life of cells injected into plaques (no measured value exists).
LOCAL_HALF_LIFE_DAYS = 5.0
#: Integrator tolerance for the year redrawn on every change: a tenth of a pixel on the PASI axis,
#: the same final state, half the time of the default (see ``simulate_skin(rtol=...)``).
FIGURE_RTOL = 1e-4
#: Route -> knowledge-base fact shown with it.
ROUTES = {"intravenous": "lung_first_pass", "into plaques": "route_spread"}
#: Labelled potency presets (the maximum effect of the Emax curve). All three are ILLUSTRATIVE: no
#: study measures how strongly an MSC product acts on the circuit.
POTENCY = {
    "cautious": (0.5, "cautious: half the largest effect (illustrative)"),
    "middle": (0.7, "middle (illustrative)"),
    "optimistic": (0.9, "optimistic: near the largest effect (illustrative; no study supports it)"),
}
#: What the trial arm is compared with: value -> (control label, note in the readout).
COMPARATORS = {
    "none": ("- name a comparator -", ""),
    "placebo": (
        "placebo (sham), switch to active drug at week 16",
        "a placebo arm separates the product's effect from natural change and regression to the "
        "mean; keep it short and switch to active treatment, as the phase 3 biologic trials did",
    ),
    "il23_antibody": (
        "an approved IL-23 antibody (active comparator)",
        "an active comparator asks whether MSCs are as good as an approved option, a harder "
        "question that needs many more patients",
    ),
    "add_on": (
        "standard care alone (MSCs added on top in the other arm)",
        "an add-on design gives every patient an effective treatment and asks whether MSCs add "
        "anything; blind it with a sham procedure",
    ),
}
#: The prespecified endpoint: value -> (control label, note in the readout).
ENDPOINTS = {
    "none": ("- name a prespecified endpoint -", ""),
    "pasi75_w16": ("PASI 75 at week 16, assessor blinded", "the standard primary endpoint"),
    "pasi90_w16": ("PASI 90 at week 16, assessor blinded", "a stricter bar than PASI 75"),
    "target_plaque_w16": (
        "target-plaque severity at week 16, assessor blinded",
        "suits injections into chosen plaques; add PASI as a secondary endpoint",
    ),
    "doctor_judged": (
        "'improved', as judged by the treating doctor",
        "WEAK: not defined in advance and not blinded (lesson 08)",
    ),
    "tregs": (
        "change in blood Tregs",
        "WEAK: a surrogate; an immune change is not a clinical benefit (lesson 08)",
    ),
}


def therapy_for(values: dict[str, Any]) -> therapy.MSCTherapy:
    """Translate the capstone's controls into an :class:`~mscpso_edu.models.therapy.MSCTherapy`.

    Parameters
    ----------
    values
        ``product`` ("cells" or "ev"), ``route``, ``dose``, ``doses``, ``interval``,
        ``mechanism`` and ``strength``.

    Returns
    -------
    MSCTherapy
        Starting on day 30; local cells get the illustrative :data:`LOCAL_HALF_LIFE_DAYS`.
    """
    local_cells = values["product"] == "cells" and values["route"] == "into plaques"
    return therapy.MSCTherapy(
        values["mechanism"],
        float(values["strength"]),
        dose=float(values["dose"]) * (1e6 if values["product"] == "cells" else 1.0),
        doses=int(values["doses"]),
        interval_days=float(values["interval"]),
        first_day=FIRST_DAY,
        product=values["product"],
        half_life_days=LOCAL_HALF_LIFE_DAYS if local_cells else None,
    )


def _controls() -> dict[str, Any]:
    sources = [(source.name, sid) for sid, source in knowledge.load().msc_sources.items()]
    mechanisms = [
        (f"{m.label} [our interpretation]", name)
        for name, m in therapy.MECHANISMS.items()
        if name not in ("anti_il17", "anti_tnf")
    ]
    return {
        "source": dropdown("MSC source", sources, "umbilical_cord"),
        "product": dropdown(
            "Product", [("living cells", "cells"), ("EVs/exosomes", "ev")], "cells"
        ),
        "route": dropdown("Route", [(r, r) for r in ROUTES], "intravenous"),
        "dose": float_slider(
            "Dose per administration (cells: million/kg; EVs: ug)", 2.0, 0.5, 200.0, 0.5
        ),
        "doses": int_slider("Number of administrations", 5, 1, 30),
        "interval": int_slider("Days between administrations", 14, 1, 28),
        "mechanism": dropdown("Main mechanism", mechanisms, "t_cell_clearance"),
        "strength": dropdown(
            "Assumed potency (preset)",
            [(label, value) for value, label in POTENCY.values()],
            POTENCY["cautious"][0],
        ),
        "comparator": dropdown(
            "Comparator arm", [(label, key) for key, (label, _) in COMPARATORS.items()], "none"
        ),
        "endpoint": dropdown(
            "Prespecified endpoint", [(label, key) for key, (label, _) in ENDPOINTS.items()], "none"
        ),
    }


def _solve(values: dict[str, Any]) -> dict[str, Any]:
    plan = therapy_for(values)
    grid = np.arange(0.0, HORIZON_DAYS + 1.0)
    run = skin_circuit.simulate_skin(
        days=HORIZON_DAYS, start="psoriatic", therapies=(plan,), t_eval=grid, rtol=FIGURE_RTOL
    )
    return {"plan": plan, "run": run, "effect": np.asarray(plan.effect(grid))}


def _facts(values: dict[str, Any]) -> str:
    kb = knowledge.load()
    source = kb.msc_sources[values["source"]]
    notes = " ".join(
        f"{text} [{', '.join(knowledge.cite(r) for r in refs)}]" for text, refs in source.notes
    )
    route = knowledge.fact(ROUTES[values["route"]])
    cited = ", ".join(knowledge.cite(r) for r in route.refs)
    return f"<b>{source.name}</b>: {notes}<br><b>Route</b>: {route.statement} [{cited}]"


def safety_notes(values: dict[str, Any]) -> str:
    """Return, as HTML, the cited safety facts that a design's source, product and route raise.

    Intravenous living cells meet blood (IBMIR; thromboses after intravenous cord cells in patients
    with kidney disease); adipose and umbilical-cord cells carry the most tissue factor; vesicles
    can carry tissue factor too. Local injection keeps the product where it is put.
    """
    ids: list[str] = []
    iv = values["route"] == "intravenous"
    if values["product"] == "cells":
        if iv:
            ids += ["ibmir", "thromboembolism_cases"]
        if iv and values["source"] in ("adipose", "umbilical_cord"):
            ids.append("tissue_factor_rank")
    elif iv:
        ids.append("ev_procoagulant")
    if not ids:
        return (
            "<br><b>Safety</b>: a local route keeps most of the product out of the blood; watch "
            "the injected plaques and count how many injections the patient would need."
        )
    items = []
    for fact_id in ids:
        item = knowledge.fact(fact_id)
        items.append(f"{item.statement} [{', '.join(knowledge.cite(r) for r in item.refs)}]")
    return "<br><b>Safety</b>: " + " ".join(items)


def _trial(values: dict[str, Any]) -> str:
    comparator, endpoint = COMPARATORS[values["comparator"]], ENDPOINTS[values["endpoint"]]
    missing = [
        name
        for name, key in (("a comparator", "comparator"), ("a prespecified endpoint", "endpoint"))
        if values[key] == "none"
    ]
    if missing:
        return (
            f"Design incomplete: name {' and '.join(missing)}. A design is a trial arm, and a "
            "result means little without both (lesson 08)."
        )
    return (
        f"Trial: your arm against {comparator[0]} ({comparator[1]}); endpoint {endpoint[0]} "
        f"({endpoint[1]})."
    )


def design_therapy() -> Explorer:
    """Return the capstone explorer: choose source, product, route, dose and schedule, then run.

    Controls: ``source``, ``product``, ``route``, ``dose``, ``doses``, ``interval``,
    ``mechanism``, ``strength`` (a labelled potency preset, :data:`POTENCY`), ``comparator`` and
    ``endpoint``. The readout names the trial (or says what is missing), the number of visits, the
    state of the skin at day 365 under the chosen preset and the fraction of days the effect was
    above half its maximum; the notes show the cited facts about the chosen source and route and
    the safety facts they raise. Source, route and safety notes are evidence; the run is a model.
    """
    with course_style():
        figure = new_figure(7.0, 4.2, nrows=2, sharex=True)
        effect_ax, pasi_ax = figure.axes
        effect_line = effect_ax.plot([], [], color=ROLE_COLOURS["therapy"], lw=1.8)[0]
        pasi_line = pasi_ax.plot([], [], color=ROLE_COLOURS["therapy"], lw=2.0)[0]
        effect_ax.set_ylabel("MSC-like effect\n(0 to maximum)", fontsize=9)
        effect_ax.set_ylim(0, 1)
        pasi_ax.axhline(0, color=ROLE_COLOURS["healthy"], ls=":", lw=1)
        pasi_ax.axhline(1, color=ROLE_COLOURS["psoriatic"], ls=":", lw=1)
        pasi_ax.set_ylabel("PASI proxy\n(0 healthy, 1 psoriatic)", fontsize=9)
        pasi_ax.set_ylim(-0.1, 1.3)
        pasi_ax.set_xlabel("Day (first administration on day 30)")
        pasi_ax.set_xlim(0, HORIZON_DAYS)

    def draw(result: dict[str, Any], values: dict[str, Any]) -> Readout:
        run, effect = result["run"], result["effect"]
        effect_line.set_data(run.t, effect)
        pasi_line.set_data(run.t, run.pasi_proxy)
        covered = float(np.mean(effect[int(FIRST_DAY) :] > values["strength"] / 2))
        preset = next(key for key, (value, _) in POTENCY.items() if value == values["strength"])
        weeks = (values["doses"] - 1) * values["interval"] / 7
        text = (
            f"{_trial(values)} Schedule: {values['doses']} administration(s) over "
            f"{weeks:.0f} weeks. "
            f"Model, not evidence: skin at day {HORIZON_DAYS}: {run.final_state}, assuming the "
            f"{preset} potency preset. The effect stayed above half its maximum on {covered:.0%} "
            "of days after the first dose."
        )
        plan = result["plan"]
        alt = (
            f"Effect and PASI proxy over {HORIZON_DAYS} days: {values['product']} by "
            f"{values['route']}, {values['doses']} doses every {values['interval']} days, "
            f"half-life {plan.half_life_days:g} days. {text}"
        )
        notes = _facts(values) + safety_notes(values) + _model_note(plan)
        return Readout(text, alt, notes=notes)

    first = {"source": "umbilical_cord", "route": "intravenous", "product": "cells"}
    notes = _facts(first) + safety_notes(first)
    return Explorer(
        title="Capstone: design an MSC therapy and run it",
        controls=_controls(),
        figure=figure,
        dynamic_artists=[effect_line, pasi_line],
        solve=_solve,
        draw=draw,
        solve_keys=("product", "route", "dose", "doses", "interval", "mechanism", "strength"),
        notes=notes,
    )


def _model_note(plan: therapy.MSCTherapy) -> str:
    meta = plan.metadata
    local = plan.half_life_days == LOCAL_HALF_LIFE_DAYS
    half_life_source = "illustrative" if local else meta["half_life_days"]
    return (
        "<br><b>Model</b> (Shmarov et al. 2022 skin circuit [shmarov2022], from the psoriatic "
        f"state): mechanism mapping {meta['mapping'].lower()}; half-life {plan.half_life_days:g} "
        f"days ({half_life_source}); "
        f"EC50 {meta['ec50']}; strength {meta['strength']}. The source does not enter the model. "
        "Why an effect must act long enough to cross the threshold is lesson 05's explorer, and "
        "how a schedule holds it is lesson 10's; here the schedule is a design choice."
    )
