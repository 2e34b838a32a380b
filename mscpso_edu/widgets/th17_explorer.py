"""Explore the Th17/Treg balance of Intosalmi et al. 2015 with and without MSC-derived TGF-beta."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..models import th17_treg
from ..style import OKABE_ITO, course_style
from ._base import Explorer, Readout, Scene, SolutionCache, fit_top, float_slider, new_figure

__all__ = ["explore_th17_treg"]

HOURS = 72.0  # the paper's time courses run to 72 h
_GRID = np.arange(0.0, HOURS + 0.25, 0.5)
_TOP = 1.1  # holds FOXP3 mRNA at the strongest TGF-beta the sliders allow (1.0)

_RORGT = OKABE_ITO["vermillion"]
_FOXP3 = OKABE_ITO["blue"]


def _controls() -> dict[str, Any]:
    return {
        "il6": float_slider("IL-6 dose (× the paper's dose)", 1.0, 0.0, 2.0, 0.1, ".1f"),
        "tgf": float_slider("TGF-β dose (× the paper's dose)", 1.0, 0.0, 2.0, 0.1, ".1f"),
        "msc_tgf": float_slider(
            "MSC TGF-β added at 0 h (× dose; our mapping)", 0.0, 0.0, 2.0, 0.1, ".1f"
        ),
        "msc_tgf_rate": float_slider(
            "MSC TGF-β secretion (dose per hour; our mapping)", 0.0, 0.0, 0.1, 0.005, ".3f"
        ),
    }


def _make_solver():
    """``solve(values)`` returning the run with MSC inputs and the same run without them."""
    runs = SolutionCache(128)

    def run(il6: float, tgf: float, msc_tgf: float, rate: float) -> th17_treg.Th17Result:
        return runs.get(
            (il6, tgf, msc_tgf, rate),
            lambda: th17_treg.simulate_th17(
                il6=il6, tgf=tgf, msc_tgf=msc_tgf, msc_tgf_rate=rate, hours=HOURS, t_eval=_GRID
            ),
        )

    def solve(values: dict[str, Any]) -> dict[str, th17_treg.Th17Result]:
        with_msc = run(values["il6"], values["tgf"], values["msc_tgf"], values["msc_tgf_rate"])
        without = run(values["il6"], values["tgf"], 0.0, 0.0)
        return {"with": with_msc, "without": without}

    return solve, runs


def _share(value: float) -> str:
    return "none (both near zero)" if math.isnan(value) else f"{value:.2f}"


def _scene() -> Scene:
    with course_style():
        figure = new_figure(7.2, 3.3, ncols=2, width_ratios=[1.6, 1])
        course, bars_ax = figure.axes
        (ror,) = course.plot([], [], color=_RORGT, lw=2.2, label="RORγt mRNA (Th17)")
        (fox,) = course.plot([], [], color=_FOXP3, lw=2.2, label="FOXP3 mRNA (Treg)")
        (ror0,) = course.plot([], [], color=_RORGT, lw=1.2, ls="--", label="without MSC TGF-β")
        (fox0,) = course.plot([], [], color=_FOXP3, lw=1.2, ls="--")
        course.set_xlim(0, HOURS)
        course.set_ylim(0, _TOP)
        course.set_xticks(np.arange(0, HOURS + 1, 12))
        course.set_xlabel("Hours after the cytokine dose")
        course.set_ylabel("mRNA (normalised)")
        course.legend(loc="upper left", fontsize=8)

        x = np.array([0.0, 1.0])
        width = 0.38
        without_bars = bars_ax.bar(x - width / 2, [0, 0], width, color=["#E8B9A0", "#A9C6E0"])
        with_bars = bars_ax.bar(x + width / 2, [0, 0], width, color=[_RORGT, _FOXP3])
        bars_ax.set_xticks(x, ["RORγt", "FOXP3"])
        bars_ax.set_ylim(0, _TOP)
        bars_ax.set_title(f"At {HOURS:g} h: pale without,\nbright with MSC TGF-β", fontsize=9)
        labels = [bars_ax.text(0, 0, "", ha="center", va="bottom", fontsize=8) for _ in range(4)]

    def draw(result: dict[str, th17_treg.Th17Result], values: dict[str, Any]) -> Readout:
        with_msc, without = result["with"], result["without"]
        ror.set_data(with_msc.t, with_msc.rorgt_mrna)
        fox.set_data(with_msc.t, with_msc.foxp3_mrna)
        msc_on = values["msc_tgf"] > 0 or values["msc_tgf_rate"] > 0
        for line, data in ((ror0, without.rorgt_mrna), (fox0, without.foxp3_mrna)):
            line.set_visible(msc_on)
            line.set_data(without.t, data)
        finals = {
            ("without", "ror"): without.final["rorgt_mrna"],
            ("without", "fox"): without.final["foxp3_mrna"],
            ("with", "ror"): with_msc.final["rorgt_mrna"],
            ("with", "fox"): with_msc.final["foxp3_mrna"],
        }
        positions = []
        for bar, key in zip(
            [*without_bars, *with_bars],
            [("without", "ror"), ("without", "fox"), ("with", "ror"), ("with", "fox")],
            strict=True,
        ):
            bar.set_height(finals[key])
            positions.append((bar.get_x() + bar.get_width() / 2, finals[key]))
        for label, (xpos, height) in zip(labels, positions, strict=True):
            label.set_position((xpos, height + 0.01))
            label.set_text(f"{height:.2f}")
        peak = max(float(with_msc.foxp3_mrna.max()), float(with_msc.rorgt_mrna.max()))
        fit_top(course, peak, _TOP, 0.5)
        fit_top(bars_ax, max(finals.values()), _TOP, 0.5)

        share_with = float(with_msc.rorgt_share[-1])
        share_without = float(without.rorgt_share[-1])
        text = (
            f"At {HOURS:g} h: RORγt mRNA {finals['with', 'ror']:.2f}, FOXP3 mRNA "
            f"{finals['with', 'fox']:.2f}; RORγt share {_share(share_with)}"
        )
        if msc_on:
            text += f" (without MSC TGF-β: {_share(share_without)})"
        alt = (
            f"RORγt and FOXP3 mRNA over {HOURS:g} hours after IL-6 {values['il6']:.1f} and "
            f"TGF-β {values['tgf']:.1f} (× the paper's dose), MSC TGF-β "
            f"{values['msc_tgf']:.1f} at 0 h and {values['msc_tgf_rate']:.3f} per hour; bars "
            f"compare the {HOURS:g}-hour values with and without the MSC TGF-β. {text}."
        )
        return Readout(text, alt)

    dynamic = [ror, fox, ror0, fox0, *without_bars, *with_bars, *labels]
    return Scene(figure, dynamic, draw)


def _notes() -> str:
    return (
        "Model: Th17 core network of Intosalmi et al. 2015 [intosalmi2015] (BioModels "
        "BIOMD0000001004), one cytokine dose at 0 h, normalised expression. IL-6 with TGF-β "
        "drives RORγt through STAT3; TGF-β alone drives FOXP3. MSC-derived TGF-β is "
        "<b>our mapping</b> onto the model's TGF-β input [dashti2025]; IL-10 is left out (no "
        "node for it in this network). The RORγt share (RORγt / (RORγt + FOXP3)) is our summary; "
        "the two mRNAs are in different normalised units, so compare shares between conditions."
    )


def explore_th17_treg() -> Explorer:
    """Return the Th17/Treg explorer: IL-6, TGF-β and MSC-derived TGF-β sliders.

    Controls: ``il6``, ``tgf`` (the starting doses), ``msc_tgf`` (extra TGF-β at 0 h) and
    ``msc_tgf_rate`` (continuous MSC secretion). The readout gives RORγt and FOXP3 mRNA at 72 h
    and the RORγt share with and without the MSC inputs.
    """
    solve, runs = _make_solver()
    scene = _scene()
    return Explorer(
        title="Th17 or Treg? RORγt and FOXP3 after IL-6 and TGF-β",
        controls=_controls(),
        figure=scene.figure,
        dynamic_artists=scene.dynamic_artists,
        solve=solve,
        draw=scene.draw,
        notes=_notes(),
        extra_caches=[runs],
    )
