"""The capstone explorer: design an MSC therapy (source, product, route, dose, schedule) and run it.

The dosing model is :class:`mscpso_edu.models.therapy.MSCTherapy` on the skin circuit of
Shmarov et al. 2022, starting from the psoriatic state: each dose adds an exposure that decays
with a half-life, and the effect follows an Emax curve. Intravenous cells use the product's cited
half-life; for local injection into plaques no study gives a half-life (cells injected under the
skin were cleared within weeks), so :data:`LOCAL_HALF_LIFE_DAYS` is **illustrative**. The MSC
source does not enter the model (no source gives a potency): the readout shows, for the chosen
source and route, the cited facts from the knowledge base instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import knowledge
from ..models import skin_circuit, therapy
from ..style import ROLE_COLOURS, course_style
from ._base import Explorer, Readout, dropdown, float_slider, int_slider, new_figure

__all__ = ["LOCAL_HALF_LIFE_DAYS", "ROUTES", "design_therapy", "therapy_for"]

HORIZON_DAYS = 365
FIRST_DAY = 30.0
#: Illustrative exposure half-life of cells injected into plaques (no measured value exists).
LOCAL_HALF_LIFE_DAYS = 5.0
#: Integrator tolerance for the year redrawn on every change: a tenth of a pixel on the PASI axis,
#: the same final state, half the time of the default (see ``simulate_skin(rtol=...)``).
FIGURE_RTOL = 1e-4
#: Route -> knowledge-base fact shown with it.
ROUTES = {"intravenous": "lung_first_pass", "into plaques": "route_spread"}


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
        "strength": float_slider("Maximum effect (illustrative)", 0.9, 0.1, 0.95, 0.05),
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


def design_therapy() -> Explorer:
    """Return the capstone explorer: choose source, product, route, dose and schedule, then run.

    Controls: ``source``, ``product``, ``route``, ``dose``, ``doses``, ``interval``,
    ``mechanism``, ``strength``. The readout gives the state of the skin at day 365 and the
    fraction of days the effect was above half its maximum; the notes show the cited facts about
    the chosen source and route. Source and route notes are evidence; the run is a model.
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
        text = (
            f"Skin at day {HORIZON_DAYS}: {run.final_state}. The effect stayed above half its "
            f"maximum on {covered:.0%} of days after the first dose."
        )
        plan = result["plan"]
        alt = (
            f"Effect and PASI proxy over {HORIZON_DAYS} days: {values['product']} by "
            f"{values['route']}, {values['doses']} doses every {values['interval']} days, "
            f"half-life {plan.half_life_days:g} days. {text}"
        )
        return Readout(text, alt, notes=_facts(values) + _model_note(plan))

    notes = _facts({"source": "umbilical_cord", "route": "intravenous"})
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
        f"EC50 {meta['ec50']}; strength {meta['strength']}. The source does not enter the model."
    )
