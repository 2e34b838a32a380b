"""Figures for appraising a study (lesson 08): participant flow, calibration plot, forest plot.

Both are drawn from cited numbers (:mod:`mscpso_edu.models.appraisal` reads them from the knowledge
base). Like every diagram function they take ``ax=None`` and return a :class:`~.core.Drawn` with
the artists and an alt text generated from the data.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon

from .. import knowledge
from ..models import appraisal
from ..style import OKABE_ITO, ROLE_COLOURS, course_style
from .core import Drawn, new_axes

__all__ = ["consort_flow", "forest_plot", "response_calibration"]

_ARM_COLOURS = {
    "placebo": ROLE_COLOURS["neutral"],
    "drug": OKABE_ITO["blue"],
    "MSC": ROLE_COLOURS["msc"],
}


def consort_flow(fact_id: str = "yao_flow", ax: Axes | None = None) -> Drawn:
    """Draw a CONSORT-style participant flow: one box per stage, losses in side boxes.

    Parameters
    ----------
    fact_id
        A cited fact counting participants at each stage (default: the adipose-MSC pilot).
    ax
        Axes to draw on; a new 6.5 x 4.6 inch figure when ``None``.

    Returns
    -------
    Drawn
        The figure, the boxes, their labels and the arrows, and an alt text that gives every
        stage's count and the share of enrolled participants who reached the last stage.
    """
    stages = appraisal.trial_flow(fact_id)
    ref = knowledge.fact(fact_id).refs[0]
    with course_style():
        fig, ax = new_axes(ax, (6.5, 4.6), layout="constrained")
        ax.set_axis_off()
        ax.set_xlim(0, 10)
        ax.set_ylim(1.3, 2 * len(stages) + 0.6)
        boxes, box_labels, arrows = [], [], []
        top = 2 * len(stages)
        for index, stage in enumerate(stages):
            y = top - 2 * index
            boxes.append(
                ax.add_patch(
                    FancyBboxPatch(
                        (0.6, y - 0.45),
                        5.2,
                        0.9,
                        boxstyle="round,pad=0.05",
                        facecolor="white",
                        edgecolor="black",
                        linewidth=1.2,
                    )
                )
            )
            box_labels.append(
                ax.text(
                    3.2, y, f"{stage.label}\nn = {stage.n}", ha="center", va="center", fontsize=9.5
                )
            )
            if index == 0:
                continue
            lost = stages[index - 1].n - stage.n
            arrows.append(
                ax.add_patch(
                    FancyArrowPatch(
                        (3.2, y + 1.5),
                        (3.2, y + 0.5),
                        arrowstyle="-|>",
                        mutation_scale=12,
                        color="black",
                    )
                )
            )
            if lost > 0:
                boxes.append(
                    ax.add_patch(
                        FancyBboxPatch(
                            (6.1, y + 0.55),
                            3.8,
                            0.9,
                            boxstyle="round,pad=0.05",
                            facecolor="#f2f2f2",
                            edgecolor=ROLE_COLOURS["neutral"],
                        )
                    )
                )
                box_labels.append(
                    ax.text(
                        8.0,
                        y + 1.0,
                        f"Did not reach the next stage: {lost}\n(reasons not given"
                        " in the abstract)",
                        ha="center",
                        va="center",
                        fontsize=7.5,
                    )
                )
                arrows.append(
                    ax.add_patch(
                        FancyArrowPatch(
                            (3.2, y + 1.0),
                            (6.05, y + 1.0),
                            arrowstyle="-|>",
                            mutation_scale=10,
                            color=ROLE_COLOURS["neutral"],
                        )
                    )
                )
        ax.set_title(f"Participant flow, {knowledge.cite(ref)} (single arm, no control group)")
    first, last = stages[0], stages[-1]
    steps = "; ".join(f"{s.label}: {s.n}" for s in stages)
    alt = (
        f"Flow diagram of the participants of {knowledge.cite(ref)}, one box per stage from top "
        f"to bottom: {steps}. Side boxes count the people lost between stages. Of "
        f"{first.n} enrolled, {last.n} ({last.n / first.n:.0%}) reached the last stage; counted "
        f"only among those still followed, the same {last.n} look like {last.n / stages[-2].n:.0%}."
    )
    return Drawn(fig, ax, {"boxes": boxes, "box_labels": box_labels, "arrows": arrows}, alt)


def response_calibration(ax: Axes | None = None) -> Drawn:
    """Plot single-arm MSC response rates (with 95% intervals) beside randomised anchors.

    Grey dots are placebo arms and blue dots biologic arms of phase 3 randomised trials; green
    dots with bars are the single-arm MSC studies. Endpoints differ (PASI 40, 50, 75, 90), and
    each row says which; a lower bar (PASI 40) is easier to reach than a higher one (PASI 75).

    Parameters
    ----------
    ax
        Axes to draw on; a new 8.5 x 4.6 inch figure when ``None``.

    Returns
    -------
    Drawn
        The figure, the points, the interval bars and the row labels, and an alt text listing
        every rate with its endpoint (and n and interval for the single-arm studies).
    """
    rates = (*appraisal.response_rates(), *appraisal.anchor_rates())
    with course_style():
        fig, ax = new_axes(ax, (8.5, 4.6), layout="constrained")
        points, bars, labels = [], [], []
        for row, rate in enumerate(reversed(rates)):
            colour = _ARM_COLOURS[rate.arm]
            if rate.low is not None:
                bars.append(
                    ax.plot([100 * rate.low, 100 * rate.high], [row, row], color=colour, lw=2.5)[0]
                )
            points.append(ax.plot([100 * rate.rate], [row], "o", color=colour, ms=8)[0])
            labels.append(f"{rate.label}: {rate.endpoint} [{knowledge.cite(rate.ref)}]")
        ax.set_yticks(range(len(rates)), labels, fontsize=8)
        ax.set_xlim(0, 100)
        ax.set_xlabel("Patients reaching the endpoint (%); bars: 95% interval (single-arm only)")
        ax.set_title("Single-arm MSC results beside randomised placebo and biologic arms")
        ax.grid(axis="x", alpha=0.3)
    parts = []
    for rate in rates:
        share = f"{rate.rate:.0%}" if rate.n is not None else f"{rate.rate:.1%}"
        text = f"{rate.label}, {rate.endpoint}: {share}"
        if rate.low is not None:
            text += f" ({rate.successes}/{rate.n}; 95% interval {rate.low:.0%} to {rate.high:.0%})"
        parts.append(text)
    alt = (
        "Dot plot of the share of patients reaching a PASI endpoint, 0 to 100%. "
        + "; ".join(parts)
        + ". Placebo arms sit near zero and biologic arms near 75-80%; the single-arm MSC results "
        "have wide intervals and use lower or different endpoints."
    )
    return Drawn(fig, ax, {"points": points, "interval_bars": bars, "row_labels": labels}, alt)


def forest_plot(pooled: appraisal.PooledRate | None = None, ax: Axes | None = None) -> Drawn:
    """Draw a forest plot: each study's rate with its 95% interval, and the random-effects pool.

    Parameters
    ----------
    pooled
        A pool from :func:`~mscpso_edu.models.appraisal.pool_response_rates`; by default the
        single-arm MSC trials of the knowledge base.
    ax
        Axes to draw on; a new figure when ``None``.

    Returns
    -------
    Drawn
        Artists ``points`` (one square per study, sized by its random-effects weight),
        ``interval_bars``, ``pool_diamond``, ``hksj_bar`` and ``row_labels``, with an alt text.
    """
    pooled = appraisal.pool_response_rates() if pooled is None else pooled
    weights = pooled.meta.weights_re
    colour = ROLE_COLOURS["msc"]
    n_rows = len(pooled.rates)
    with course_style():
        fig, ax = new_axes(ax, (8.5, 1.4 + 0.6 * (n_rows + 2)), layout="constrained")
        points, bars, labels = [], [], []
        for index, rate in enumerate(pooled.rates):
            row = n_rows + 1 - index
            bars.append(
                ax.plot([100 * rate.low, 100 * rate.high], [row, row], color=colour, lw=2)[0]
            )
            points.append(
                ax.plot([100 * rate.rate], [row], "s", color=colour, ms=5 + 10 * weights[index])[0]
            )
            labels.append(f"{knowledge.cite(rate.ref)}: {rate.endpoint}, {rate.successes}/{rate.n}")
        hksj = ax.plot(
            [100 * pooled.hksj_low, 100 * pooled.hksj_high], [0, 0],
            color=ROLE_COLOURS["neutral"], lw=2, ls="--",
        )[0]  # fmt: skip
        diamond = Polygon(
            [(100 * pooled.low, 0), (100 * pooled.estimate, 0.3), (100 * pooled.high, 0),
             (100 * pooled.estimate, -0.3)],
            closed=True, color=OKABE_ITO["blue"],
        )  # fmt: skip
        ax.add_patch(diamond)
        labels.append("Random-effects pool\n(diamond: normal CI; dashed: HKSJ CI)")
        ax.set_yticks([*range(n_rows + 1, 1, -1), 0], labels, fontsize=8)
        ax.set_ylim(-0.8, n_rows + 1.6)
        ax.set_xlim(0, 100)
        ax.set_xlabel("Patients reaching the study's endpoint (%); bars: 95% interval")
        ax.set_title("Pooling the single-arm MSC trials")
        ax.grid(axis="x", alpha=0.3)
    parts = [
        f"{rate.label} ({rate.endpoint}): {rate.successes}/{rate.n} = {rate.rate:.0%}, "
        f"95% interval {rate.low:.0%} to {rate.high:.0%}"
        for rate in pooled.rates
    ]
    alt = (
        "Forest plot of response rates, 0 to 100%. "
        + "; ".join(parts)
        + f". Random-effects pool {pooled.estimate:.0%}, 95% interval {pooled.low:.0%} to "
        f"{pooled.high:.0%} by the normal approximation and {pooled.hksj_low:.0%} to "
        f"{pooled.hksj_high:.0%} by the Hartung-Knapp-Sidik-Jonkman method."
    )
    artists = {
        "points": points,
        "interval_bars": bars,
        "pool_diamond": diamond,
        "hksj_bar": hksj,
        "row_labels": labels,
    }
    return Drawn(fig, ax, artists, alt)
