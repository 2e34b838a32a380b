"""'Is this an MSC?': judge SYNTHETIC flow-cytometry samples against the ISCT criteria."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..models import flow_cytometry as fc
from ..style import OKABE_ITO, ROLE_COLOURS, course_style
from ._base import CONTROL_STYLE, Explorer, Readout, Scene, dropdown, new_figure

__all__ = ["VERDICTS", "isct_classifier"]

#: The learner's choices, as (label, value).
VERDICTS = (
    ("Not decided yet", "undecided"),
    ("It is an MSC", "msc"),
    ("It is not an MSC", "not_msc"),
)

_UNJUDGED = "#AAAAAA"
_PASS = ROLE_COLOURS["healthy"]
_FAIL = ROLE_COLOURS["psoriatic"]
_ALLOWED = OKABE_ITO["bluish_green"]

# Axis ranges are fixed so every sample is drawn on the same scale (and the cached background
# stays valid). Synthetic values outside them are clipped visually; the labels keep the value.
_POSITIVE_RANGE = (70.0, 100.0)
_NEGATIVE_RANGE = (0.0, 15.0)


def _tick(flag: bool) -> str:
    return "yes" if flag else "NO"


def _scene(criteria: Any) -> Scene:
    positives = list(criteria.positive_markers)
    negatives = list(criteria.negative_markers)
    with course_style():
        figure = new_figure(7.2, 3.4, ncols=2, gridspec_kw={"width_ratios": [1, 1.3]})
        pos_ax, neg_ax = figure.axes
        bars: dict[str, Any] = {}
        labels: dict[str, Any] = {}
        for ax, markers, (low, high), limit, allowed, title in (
            (pos_ax, positives, _POSITIVE_RANGE, criteria.min_positive_percent,
             (criteria.min_positive_percent, _POSITIVE_RANGE[1]),
             f"Positive markers: need ≥ {criteria.min_positive_percent:g}%"),
            (neg_ax, negatives, _NEGATIVE_RANGE, criteria.max_negative_percent,
             (_NEGATIVE_RANGE[0], criteria.max_negative_percent),
             f"Negative markers: need ≤ {criteria.max_negative_percent:g}%"),
        ):  # fmt: skip
            y = list(range(len(markers)))[::-1]
            ax.axvspan(*allowed, color=_ALLOWED, alpha=0.15, lw=0)
            ax.axvline(limit, color=ROLE_COLOURS["neutral"], ls="--", lw=1)
            drawn = ax.barh(y, [0.0] * len(markers), left=low, color=_UNJUDGED, height=0.6)
            for marker, bar, yy in zip(markers, drawn, y, strict=True):
                bars[marker] = bar
                labels[marker] = ax.text(low, yy, "", va="center", fontsize=8)
            ax.set_yticks(y, [m.replace("alpha", "α") for m in markers])
            ax.set_xlim(low, high)
            ax.set_xlabel("% of cells positive")
            ax.set_title(title, fontsize=9)
        culture = figure.text(0.01, 0.005, "", fontsize=8, ha="left", va="bottom")
        figure.get_layout_engine().set(rect=(0, 0.11, 1, 0.89))

    def draw(verdict: fc.SampleVerdict, values: dict[str, Any]) -> Readout:
        sample: fc.SyntheticSample = values["_samples"][values["sample"]]
        judged = values["verdict"] != "undecided"
        passed = {r.criterion: r.passed for r in verdict.results}
        for marker in positives + negatives:
            value = sample.percent_positive[marker]
            ok = passed[f"{marker} positive" if marker in positives else f"{marker} negative"]
            low, high = _POSITIVE_RANGE if marker in positives else _NEGATIVE_RANGE
            shown = min(max(value, low), high)
            bar = bars[marker]
            bar.set_width(shown - low)
            bar.set_color((_PASS if ok else _FAIL) if judged else _UNJUDGED)
            label = labels[marker]
            inside = shown > low + 0.8 * (high - low)
            label.set_position(
                (shown - 0.01 * (high - low) if inside else shown, bar.get_y() + 0.3)
            )
            label.set_horizontalalignment("right" if inside else "left")
            label.set_color("white" if inside and judged else "black")
            label.set_text(f" {value:.1f}% ")
        lineages = ", ".join(
            f"{lineage} {_tick(made)}" for lineage, made in sample.differentiation.items()
        )
        culture.set_text(
            f"SYNTHETIC data. {sample.name} ({sample.events:,} cells counted). Adheres to plastic: "
            f"{_tick(sample.plastic_adherent)}.\nDifferentiates in vitro to: {lineages}."
        )
        alt = (
            f"Bar charts of {sample.name}, synthetic data: positive markers "
            + ", ".join(f"{m} {sample.percent_positive[m]:.1f}%" for m in positives)
            + f" against a {criteria.min_positive_percent:g}% minimum; negative markers "
            + ", ".join(f"{m} {sample.percent_positive[m]:.1f}%" for m in negatives)
            + f" against a {criteria.max_negative_percent:g}% maximum. "
            + f"Adheres to plastic: {_tick(sample.plastic_adherent)}; {lineages}."
        )
        if not judged:
            text = f"{sample.name}: read the bars and the culture line, then give your verdict."
        else:
            said_msc = values["verdict"] == "msc"
            right = said_msc == verdict.is_msc
            truth = "meets every ISCT criterion" if verdict.is_msc else "is not an MSC"
            reasons = "; ".join(r.detail for r in verdict.failures)
            text = f"{'Correct' if right else 'Not quite'}: {sample.name} {truth}"
            text += f" ({reasons})." if reasons else "."
        return Readout(text, alt)

    dynamic = [*bars.values(), *labels.values(), culture]
    return Scene(figure, dynamic, draw)


def isct_classifier(seed: int = 2006) -> Explorer:
    """Return the "is this an MSC?" explorer over a panel of SYNTHETIC samples.

    The learner picks a sample, reads the percentage of cells carrying each marker against the
    ISCT thresholds (from the knowledge base, Dominici 2006) and the culture facts (plastic
    adherence, three-lineage differentiation), then gives a verdict. Bars stay grey until the
    verdict is given; then each requirement shows as met (blue) or failed (vermillion) and the
    readout says which requirements decided it.

    Parameters
    ----------
    seed
        Seed of the synthetic panel (:func:`mscpso_edu.models.flow_cytometry.synthetic_panel`).

    Returns
    -------
    Explorer
        ``.controls`` holds ``sample`` (a sample name) and ``verdict`` (one of
        ``"undecided"``, ``"msc"``, ``"not_msc"``); ``.panel`` holds the samples.
    """
    panel = fc.synthetic_panel(seed)
    samples = {sample.name: sample for sample in panel}
    criteria = fc.isct_criteria()
    sample_control = dropdown("Sample", [(name, name) for name in samples], panel[0].name)
    verdict_control = widgets.ToggleButtons(
        options=list(VERDICTS), value="undecided", description="Your verdict", style=CONTROL_STYLE
    )

    # A new sample starts undecided; registered before the explorer's own observer so the
    # redraw that follows already shows the cleared verdict.
    def clear_verdict(_change: Any) -> None:
        verdict_control.value = "undecided"

    sample_control.observe(clear_verdict, names="value")
    scene = _scene(criteria)

    def solve(values: dict[str, Any]) -> fc.SampleVerdict:
        return fc.classify(samples[values["sample"]], criteria)

    def draw(verdict: fc.SampleVerdict, values: dict[str, Any]) -> Readout:
        return scene.draw(verdict, {**values, "_samples": samples})

    notes = (
        f"<b>{fc.SYNTHETIC_LABEL}.</b> Each sample counts cells drawn at random (seed {seed}) "
        "from an illustrative profile. The thresholds are real: the ISCT minimal criteria "
        "[dominici2006] read from the course knowledge base."
    )
    explorer = Explorer(
        title="Is this an MSC? (synthetic samples)",
        controls={"sample": sample_control, "verdict": verdict_control},
        figure=scene.figure,
        dynamic_artists=scene.dynamic_artists,
        solve=solve,
        draw=draw,
        solve_keys=["sample"],
        notes=notes,
    )
    explorer.panel = panel
    return explorer
