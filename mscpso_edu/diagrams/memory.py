"""The forgetting curve of the spaced-review scheduler (lesson 12)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from ..models import forgetting
from ..style import OKABE_ITO, course_style
from .core import Drawn, new_axes

__all__ = ["forgetting_curves"]

_COLOURS = (OKABE_ITO["vermillion"], OKABE_ITO["orange"], OKABE_ITO["blue"], OKABE_ITO["black"])
_STYLES = ("-", "--", "-.", ":")


def forgetting_curves(
    stabilities: Sequence[float] = (2.0, 10.0, 40.0),
    days: float = 60.0,
    retention: float = 0.9,
    ax: Axes | None = None,
) -> Drawn:
    """Draw FSRS's predicted recall over time for questions of different stability.

    Parameters
    ----------
    stabilities
        Stabilities in days (up to four), one curve each.
    days
        The time axis, in days since the last review.
    retention
        The desired retention: a dashed line, and a marker where each curve reaches it (the day
        the question comes back).
    ax
        Axes to draw on; default a new figure.

    Returns
    -------
    Drawn
        ``artists["curves"]`` and ``artists["due"]`` (one marker per curve), in input order.
    """
    if not 1 <= len(stabilities) <= len(_COLOURS):
        raise ValueError(f"give 1 to {len(_COLOURS)} stabilities, found {len(stabilities)}")
    t = np.linspace(0.0, days, 241)
    with course_style():
        fig, ax = new_axes(ax, (6.4, 3.8), layout="constrained")
        curves, marks = [], []
        due_days = []
        for stability, colour, style in zip(stabilities, _COLOURS, _STYLES, strict=False):
            (line,) = ax.plot(
                t, 100 * forgetting.recall(t, stability), color=colour, ls=style, lw=2,
                label=f"stability {stability:g} days",
            )  # fmt: skip
            due = forgetting.interval_days(stability, retention)
            due_days.append(due)
            (mark,) = ax.plot(
                [min(due, days)], [100 * retention], "o", color=colour, ms=7, clip_on=False
            )
            curves.append(line)
            marks.append(mark)
        ax.axhline(100 * retention, color="#555555", ls="--", lw=1)
        ax.text(days, 100 * retention + 1.5, f"due at {100 * retention:g}% predicted recall",
                ha="right", fontsize=8)  # fmt: skip
        ax.set_xlim(0, days)
        ax.set_ylim(0, 102)
        ax.set_xlabel("Days since the last review")
        ax.set_ylabel("Predicted recall (%)")
        ax.set_title("FSRS forgetting curves (default weights; illustrative)", fontsize=10)
        ax.legend(loc="lower left", fontsize=8)
    described = "; ".join(
        f"stability {s:g} days: {100 * float(forgetting.recall(days, s)):.0f}% after {days:g} "
        f"days, due after {d:.0f} days"
        for s, d in zip(stabilities, due_days, strict=True)
    )
    alt = (
        f"Predicted recall falling over {days:g} days for questions of different stability, "
        f"steeply at first and then more slowly; each reaches {100 * retention:g}% (the dashed "
        f"line, when it comes back for review) after as many days as its stability. {described}."
    )
    return Drawn(fig, ax, {"curves": curves, "due": marks}, alt)
