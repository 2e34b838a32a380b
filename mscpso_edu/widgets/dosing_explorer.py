"""Explore MSC dosing on the skin circuit: product, dose, number of doses, interval.

The skin starts at its psoriatic steady state. Each administration adds to an exposure that
decays with the product's half-life; the effect on the chosen mechanism follows an Emax curve
(:class:`~mscpso_edu.models.therapy.MSCTherapy`). Top: the effect over time; bottom: the PASI
proxy with and without treatment.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import skin_circuit, therapy
from ..style import ROLE_COLOURS, course_style
from ._base import (
    Explorer,
    Readout,
    Scene,
    dropdown,
    fit_top,
    float_slider,
    int_slider,
    new_figure,
)

__all__ = ["explore_msc_dosing"]

HORIZON_DAYS = 180.0
FIRST_DOSE_DAY = 14.0
_GRID = np.arange(0.0, HORIZON_DAYS + 1.0)
_EFFECT_GRID = np.linspace(0.0, HORIZON_DAYS, 721)  # 6 points a day: dose peaks stay sharp
#: The mechanisms an MSC product can have here (the biologics are compared elsewhere).
MSC_MECHANISMS = ("tolerogenic_dc", "fewer_th17", "t_cell_clearance", "keratinocyte")
_PRODUCT_LABELS = {"cells": "MSCs (living cells)", "ev": "MSC extracellular vesicles (EVs)"}


def _controls() -> dict[str, Any]:
    cells, ev = therapy.PRODUCTS["cells"], therapy.PRODUCTS["ev"]
    dose_note = (
        f"× default: {cells.default_dose:.0e} {cells.dose_unit} or "
        f"{ev.default_dose:g} {ev.dose_unit}"
    ).replace("e+0", "e")
    mechanisms = [(therapy.MECHANISMS[name].label, name) for name in MSC_MECHANISMS]
    return {
        "product": dropdown(
            "Product", [(label, name) for name, label in _PRODUCT_LABELS.items()], "cells"
        ),
        "dose": float_slider(f"Dose per administration ({dose_note})", 1.0, 0.25, 4.0, 0.25),
        "doses": int_slider("Number of doses", 6, 1, 6),
        "interval": int_slider("Days between doses", 7, 1, 28),
        "mechanism": dropdown("MSC mechanism [our interpretation]", mechanisms, "t_cell_clearance"),
        "strength": float_slider("Maximum effect (0-0.95)", 0.7, 0.0, 0.95, 0.05),
    }


def _therapy(values: dict[str, Any]) -> therapy.MSCTherapy:
    product = therapy.PRODUCTS[values["product"]]
    return therapy.MSCTherapy(
        mechanism=values["mechanism"],
        strength=values["strength"],
        dose=values["dose"] * product.default_dose,
        doses=int(values["doses"]),
        interval_days=float(values["interval"]),
        first_day=FIRST_DOSE_DAY,
        product=values["product"],
    )


def _solve(values: dict[str, Any], simulate=None) -> dict[str, Any]:
    dosing = _therapy(values)
    run = simulate or skin_circuit.simulate_skin
    skin = run(days=HORIZON_DAYS, start="psoriatic", therapies=(dosing,), t_eval=_GRID)
    return {"therapy": dosing, "skin": skin, "effect": dosing.effect(_EFFECT_GRID)}


def naive_solve(values: dict[str, Any]) -> dict[str, Any]:
    """The benchmark's naive way: fixed-step RK4 (dt 0.002 day) from the models package."""

    def fixed(**kwargs: Any) -> skin_circuit.SkinResult:
        kwargs.pop("t_eval", None)
        return skin_circuit.simulate_skin_fixed_step(dt=0.002, **kwargs)

    return _solve(values, simulate=fixed)


def _scene() -> Scene:
    with course_style():
        figure = new_figure(7.0, 4.4, nrows=2, sharex=True)
        effect_ax, pasi_ax = figure.axes
        (effect_line,) = effect_ax.plot([], [], color=ROLE_COLOURS["msc"], lw=2)
        (dose_marks,) = effect_ax.plot([], [], "^", color=ROLE_COLOURS["msc"], ms=7, clip_on=False)
        effect_ax.set_ylim(0, 1)
        effect_ax.set_ylabel("Effect on target\n(0-1)", fontsize=9)
        effect_ax.set_title("Triangles: doses", fontsize=9, loc="left")

        pasi_ax.axhline(1.0, color=ROLE_COLOURS["psoriatic"], lw=1.2, label="untreated")
        pasi_ax.axhline(0.0, color=ROLE_COLOURS["healthy"], ls=":", lw=1)
        (pasi_line,) = pasi_ax.plot([], [], color=ROLE_COLOURS["therapy"], lw=2.2,
                                    label="with MSC product")  # fmt: skip
        pasi_ax.set_ylim(-0.1, 1.3)
        pasi_ax.set_xlim(0, HORIZON_DAYS)
        pasi_ax.set_xlabel("Day (skin psoriatic at day 0)")
        pasi_ax.set_ylabel("PASI proxy\n(0 healthy, 1 psoriatic)", fontsize=9)
        pasi_ax.legend(loc="upper right", fontsize=8, ncols=2)

    def draw(result: dict[str, Any], values: dict[str, Any]) -> Readout:
        dosing, skin, effect = result["therapy"], result["skin"], result["effect"]
        effect_line.set_data(_EFFECT_GRID, effect)
        dose_marks.set_data(dosing.dose_days, np.zeros(dosing.doses))
        pasi_line.set_data(skin.t, skin.pasi_proxy)
        fit_top(pasi_ax, float(skin.pasi_proxy.max()), 1.3, 0.2)

        proxy = max(float(skin.pasi_proxy[-1]), 0.0)
        product = therapy.PRODUCTS[values["product"]]
        text = (
            f"PASI proxy at day {HORIZON_DAYS:g}: {proxy:.2f}, {skin.final_state}; peak effect "
            f"{float(effect.max()):.2f}; exposure half-life {dosing.half_life_days:g} day(s)"
        )
        alt = (
            f"Two panels over {HORIZON_DAYS:g} days. Top: the effect of "
            f"{_PRODUCT_LABELS[values['product']]} on {therapy.MECHANISMS[dosing.mechanism].label}"
            f", {dosing.doses} doses of {dosing.dose:g} {product.dose_unit} every "
            f"{dosing.interval_days:g} days from day {FIRST_DOSE_DAY:g}, rising at each dose "
            f"and decaying between them. Bottom: the PASI proxy, untreated at 1. {text}."
        )
        return Readout(text, alt, notes=_notes(dosing))

    return Scene(figure, [effect_line, dose_marks, pasi_line], draw)


def _notes(dosing: therapy.MSCTherapy) -> str:
    meta = dosing.metadata
    mechanism = therapy.MECHANISMS[dosing.mechanism]
    return (
        "Model: skin circuit of Shmarov et al. 2022 [shmarov2022] starting psoriatic. "
        f"MSC dosing mapping: <b>{meta['mapping'].lower()}</b>. {mechanism.description} "
        f"[{', '.join(mechanism.refs)}]. Dose: {meta['dose']}. Half-life: "
        f"{meta['half_life_days']}. EC50: {meta['ec50']}. Maximum effect: {meta['strength']}."
    )


def explore_msc_dosing() -> Explorer:
    """Return the MSC dosing explorer: product, dose, number of doses, interval, mechanism.

    Controls: ``product`` ("cells" or "ev"), ``dose`` (a multiple of the product's trial dose),
    ``doses``, ``interval`` (days), ``mechanism`` and ``strength`` (maximum effect). The readout
    gives the PASI proxy and final state at day 180, the peak effect and the half-life used.
    """
    scene = _scene()
    start = _therapy({name: c.value for name, c in _controls().items()})
    return Explorer(
        title="Dosing MSCs or their vesicles",
        controls=_controls(),
        figure=scene.figure,
        dynamic_artists=scene.dynamic_artists,
        solve=_solve,
        draw=scene.draw,
        notes=_notes(start),
    )
