"""Explore the review scheduler's forgetting curve: stability, time since review, retention.

Predicted recall of a question falls with the days since its last review; how fast depends on
its stability (FSRS, :mod:`mscpso_edu.models.forgetting`). The dot marks today; the dashed line
is the desired retention at which the question comes back for review.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import forgetting
from ..style import OKABE_ITO, course_style
from ._base import Explorer, Readout, Scene, float_slider, int_slider, new_figure

__all__ = ["explore_forgetting"]

HORIZON_DAYS = 90
_GRID = np.linspace(0.0, HORIZON_DAYS, 361)
_NOTES = (
    "Model: the power forgetting curve of FSRS, the open-source scheduler behind "
    "<code>quiz.review()</code> (the <code>fsrs</code> package, default weights), whose lead "
    "author earlier built a memory model from review logs [ye2022]. The default weights were not "
    "fitted to this course: read the numbers as an illustration of the schedule, not as how fast "
    "you forget."
)


def _controls() -> dict[str, Any]:
    return {
        "stability": float_slider("Stability of the question (days)", 10.0, 1.0, 60.0, 1.0, ".0f"),
        "days": int_slider("Days since you last answered it", 5, 0, HORIZON_DAYS),
        "retention": float_slider(
            "Desired retention (review when recall falls to)", 0.9, 0.7, 0.97, 0.01
        ),
    }


def _solve(values: dict[str, Any]) -> dict[str, Any]:
    stability = float(values["stability"])
    return {
        "curve": 100 * forgetting.recall(_GRID, stability),
        "now": 100 * float(forgetting.recall(float(values["days"]), stability)),
        "due": forgetting.interval_days(stability, float(values["retention"])),
    }


def _scene() -> Scene:
    with course_style():
        figure = new_figure(6.6, 3.4, nrows=1)
        ax = figure.axes[0]
        (curve,) = ax.plot([], [], color=OKABE_ITO["blue"], lw=2)
        (today,) = ax.plot([], [], "o", color=OKABE_ITO["vermillion"], ms=8)
        (line,) = ax.plot([0, HORIZON_DAYS], [90, 90], color="#555555", ls="--", lw=1)
        (due,) = ax.plot([], [], "v", color="#000000", ms=8, clip_on=False)
        ax.set_xlim(0, HORIZON_DAYS)
        ax.set_ylim(0, 102)
        ax.set_xlabel("Days since the last answer")
        ax.set_ylabel("Predicted recall (%)")
        ax.set_title("Dot: today. Dashed: review threshold. Triangle: due day", fontsize=9,
                     loc="left")  # fmt: skip

    def draw(result: dict[str, Any], values: dict[str, Any]) -> Readout:
        days = int(values["days"])
        retention = 100 * float(values["retention"])
        curve.set_data(_GRID, result["curve"])
        today.set_data([days], [result["now"]])
        line.set_data([0, HORIZON_DAYS], [retention, retention])
        due.set_data([min(result["due"], HORIZON_DAYS)], [retention])
        state = "due for review" if days >= result["due"] else "not due yet"
        text = (
            f"Predicted recall after {days} day(s): {result['now']:.0f}%; it comes back after "
            f"{result['due']:.1f} days (recall {retention:.0f}%), so today it is {state}."
        )
        alt = (
            f"A forgetting curve over {HORIZON_DAYS} days for a question of stability "
            f"{float(values['stability']):g} days, falling from 100% steeply at first and then "
            f"more slowly, to {float(result['curve'][-1]):.0f}% at day {HORIZON_DAYS}. {text}"
        )
        return Readout(text, alt)

    return Scene(figure, [curve, today, line, due], draw)


def explore_forgetting() -> Explorer:
    """Return the forgetting-curve explorer: stability, days since the last answer, retention.

    Controls: ``stability`` (days), ``days`` (since the last answer) and ``retention`` (the
    predicted recall at which a question comes back). The readout gives the predicted recall
    today and the day the question is due.
    """
    scene = _scene()
    return Explorer(
        title="When does a question come back?",
        controls=_controls(),
        figure=scene.figure,
        dynamic_artists=scene.dynamic_artists,
        solve=_solve,
        draw=scene.draw,
        notes=_NOTES,
    )
