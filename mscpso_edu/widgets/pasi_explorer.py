"""A PASI calculator: grade each region and watch the score and its parts."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..models import pasi
from ..style import ROLE_COLOURS, course_style
from ._base import Explorer, Readout, Scene, float_slider, int_slider, new_figure

__all__ = ["pasi_calculator"]

_SIGN_LABELS = {"erythema": "Erythema (redness)", "induration": "Induration (thickness)"}
_SIGN_LABELS["scaling"] = "Scaling"

# A moderate example patient so the figure is not empty at first (illustrative, not a case).
_START = {
    "head": (1, 1, 1, 5.0),
    "arms": (2, 2, 1, 20.0),
    "trunk": (2, 2, 2, 15.0),
    "legs": (3, 2, 2, 30.0),
}


def _controls() -> tuple[dict[str, widgets.ValueWidget], widgets.Widget]:
    controls: dict[str, widgets.ValueWidget] = {}
    columns = []
    for region, (ery, ind, sca, area) in _START.items():
        weight = pasi.REGION_WEIGHTS[region]
        header = widgets.HTML(f"<b>{pasi.REGION_LABELS[region]}</b> (weight {weight:g})")
        for sign, start in zip(pasi.SIGNS, (ery, ind, sca), strict=True):
            controls[f"{region}_{sign}"] = int_slider(
                f"{_SIGN_LABELS[sign]} (0-{pasi.MAX_SIGN_SCORE})", start, 0, pasi.MAX_SIGN_SCORE
            )
        controls[f"{region}_area"] = float_slider(
            "Affected area (% of region)", area, 0.0, 100.0, 1.0, readout_format=".0f"
        )
        box = [header] + [controls[f"{region}_{name}"] for name in (*pasi.SIGNS, "area")]
        columns.append(widgets.VBox(box))
    controls["baseline"] = float_slider(
        "Baseline PASI for comparison (0 = none)", 0.0, 0.0, pasi.MAX_PASI, 0.1, ".1f"
    )
    grid = widgets.GridBox(
        columns, layout={"grid_template_columns": "repeat(2, max-content)", "grid_gap": "0.5em 2em"}
    )
    return controls, widgets.VBox([grid, controls["baseline"]])


def _solve(values: dict[str, Any]) -> dict[str, Any]:
    parts = {
        region: pasi.region_score(
            region,
            values[f"{region}_erythema"],
            values[f"{region}_induration"],
            values[f"{region}_scaling"],
            values[f"{region}_area"],
        )
        for region in pasi.REGION_WEIGHTS
    }
    total = round(sum(parts.values()), 10)
    baseline = values["baseline"]
    response = pasi.pasi_response(baseline, total) if baseline > 0 else None
    return {"parts": parts, "total": total, "response": response}


def _scene() -> Scene:
    """Build the figure once; return it with the artists ``draw`` updates."""
    regions = list(pasi.REGION_WEIGHTS)
    region_max = [pasi.REGION_WEIGHTS[r] * 12 * 6 for r in regions]
    with course_style():
        figure = new_figure(6.4, 2.9, gridspec_kw={"width_ratios": [2.2, 1]}, ncols=2)
        parts_ax, total_ax = figure.axes
        y = list(range(len(regions)))[::-1]
        parts_ax.barh(y, region_max, color="#DDDDDD", height=0.6, label="maximum")
        bars = parts_ax.barh(y, [0] * len(regions), color=ROLE_COLOURS["psoriatic"], height=0.6)
        parts_ax.set_yticks(y, [r.capitalize() for r in regions])
        parts_ax.set_xlim(0, max(region_max) * 1.18)
        parts_ax.set_xlabel("Region score (grey: maximum)")
        parts_ax.set_title("Contribution by region", fontsize=10)
        labels = [parts_ax.text(0, yy, "", va="center", fontsize=9) for yy in y]

        total_ax.bar([0], [pasi.MAX_PASI], color="#DDDDDD", width=0.6)
        (total_bar,) = total_ax.bar([0], [0], color=ROLE_COLOURS["psoriatic"], width=0.6)
        total_ax.axhline(pasi.RULE_OF_TENS_PASI, color=ROLE_COLOURS["neutral"], ls="--", lw=1)
        total_ax.text(0.35, pasi.RULE_OF_TENS_PASI + 1, "PASI 10", fontsize=8)
        (baseline_line,) = total_ax.plot([-0.4, 0.4], [0, 0], color=ROLE_COLOURS["healthy"], lw=2)
        baseline_label = total_ax.text(
            0.42, 0, "baseline", va="center", fontsize=8, color=ROLE_COLOURS["healthy"]
        )
        total_label = total_ax.text(0, 0, "", ha="center", va="bottom", fontsize=10)
        total_ax.set_xlim(-0.6, 1.0)
        total_ax.set_ylim(0, pasi.MAX_PASI * 1.08)
        total_ax.set_xticks([0], ["PASI"])
        total_ax.set_ylabel("PASI (0-72)")
        total_ax.set_title("Total", fontsize=10)

    def draw(result: dict[str, Any], values: dict[str, Any]) -> Readout:
        parts, total, response = result["parts"], result["total"], result["response"]
        for bar, label, region, yy in zip(bars, labels, regions, y, strict=True):
            bar.set_width(parts[region])
            label.set_position((parts[region] + 0.3, yy))
            label.set_text(f"{parts[region]:.1f}")
        total_bar.set_height(total)
        total_label.set_position((0, total + 0.5))
        total_label.set_text(f"{total:.1f}")
        baseline = values["baseline"]
        baseline_line.set_visible(baseline > 0)
        baseline_line.set_ydata([baseline, baseline])
        baseline_label.set_visible(baseline > 0)
        baseline_label.set_y(baseline)
        text = f"PASI {total:.1f} of {pasi.MAX_PASI:g}"
        if pasi.meets_rule_of_tens(total):
            text += " (above 10: meets the PASI criterion of the Rule of Tens for severe psoriasis)"
        if response is not None:
            text += f"; {response}"
        breakdown = ", ".join(f"{r} {parts[r]:.1f}" for r in regions)
        alt = (
            f"Bar chart of PASI by region ({breakdown}) and a total bar at {total:.1f} of "
            f"{pasi.MAX_PASI:g}, with a dashed line at PASI 10"
            + (f" and the baseline at {baseline:.1f}." if baseline > 0 else ".")
        )
        return Readout(text, alt)

    dynamic = [*bars, *labels, total_bar, total_label, baseline_line, baseline_label]
    return Scene(figure, dynamic, draw)


def pasi_calculator() -> Explorer:
    """Return a PASI calculator: sliders for each region's signs and area, bars of the score.

    Each region's bar shows its contribution (weight x sign sum x area score) against the most it
    can add. The total is compared with the PASI criterion of Finlay's Rule of Tens and, when a
    baseline is set, reported as a percentage improvement with PASI50/75/90.

    Returns
    -------
    Explorer
        The widget; ``.controls`` holds ``<region>_erythema``, ``<region>_induration``,
        ``<region>_scaling``, ``<region>_area`` for head, arms, trunk and legs, and ``baseline``.
    """
    controls, box = _controls()
    scene = _scene()
    notes = (
        "PASI of Fredriksson &amp; Pettersson 1978 [fredriksson1978]; Rule of Tens: "
        "current severe psoriasis if body surface area &gt; 10%, PASI &gt; 10 or DLQI &gt; 10 "
        "[finlay2005], so PASI alone can only show that the criterion is met. This is a score "
        "of a patient, not the skin model's PASI proxy."
    )
    return Explorer(
        title="PASI calculator",
        controls=controls,
        figure=scene.figure,
        dynamic_artists=scene.dynamic_artists,
        solve=_solve,
        draw=scene.draw,
        notes=notes,
        control_box=box,
    )
