"""The learner's mastery map (lessons x objectives) and the progress view that shows it.

Colours are from Okabe & Ito's colour-blind-safe palette and never carry meaning alone: each cell
also prints its estimate and its level in words, and the figure has alt text listing every cell.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..diagrams import Drawn
from ..diagrams.cached import stored_png
from ..style import OKABE_ITO, course_style
from .mastery import (
    REVISIT_BELOW,
    SECURE_FROM,
    Evidence,
    ObjectiveMastery,
    course_objectives,
    mastery,
)
from .spaced import ReviewStore
from .store import ProgressStore

__all__ = ["LEVEL_STYLE", "ProgressView", "evidence", "learner_mastery", "mastery_map"]

#: Fill and text colour of each level: vermillion, yellow and blue stay distinct for every common
#: colour-vision deficiency; text contrast is at least 4.5:1 on each fill.
LEVEL_STYLE: dict[str, tuple[str, str]] = {
    "revisit": (OKABE_ITO["vermillion"], "#000000"),
    "developing": (OKABE_ITO["yellow"], "#000000"),
    "secure": (OKABE_ITO["blue"], "#FFFFFF"),
    "not tried": ("#EEEEEE", "#333333"),
}


def evidence(progress: ProgressStore, reviews: ReviewStore | None = None) -> list[Evidence]:
    """Return every quiz and review attempt as :class:`~mscpso_edu.quiz.mastery.Evidence`."""
    found = [
        Evidence(
            a.lesson,
            a.question,
            a.points / a.max_points if a.max_points else math.nan,
            a.created,
            "quiz",
            a.mode,
        )
        for a in progress.attempts()
    ]
    if reviews is not None:
        found += [
            Evidence(
                a.lesson,
                a.question,
                a.points / a.max_points if a.max_points else math.nan,
                a.created,
                "review",
            )
            for a in reviews.attempts()
        ]
    return found


def learner_mastery(
    progress: ProgressStore | None = None,
    reviews: ReviewStore | None = None,
    now: float | None = None,
) -> list[ObjectiveMastery]:
    """Return the learner's mastery of every course objective (default stores, current time)."""
    own_progress, own_reviews = progress is None, reviews is None
    progress = progress or ProgressStore()
    reviews = reviews or ReviewStore()
    try:
        found = evidence(progress, reviews)
        when = now if now is not None else reviews.clock().timestamp()
    finally:
        if own_progress:
            progress.close()
        if own_reviews:
            reviews.close()
    return mastery(found, course_objectives(), when)


def mastery_map(results: Sequence[ObjectiveMastery], ax: Axes | None = None) -> Drawn:
    """Draw the mastery map: a row per lesson, a cell per objective, estimate and level in words.

    Parameters
    ----------
    results
        The estimates (from :func:`~mscpso_edu.quiz.mastery.mastery`).
    ax
        Axes to draw on; default a new figure.

    Returns
    -------
    Drawn
        ``artists["cells"]`` maps objective id to its rectangle, ``artists["texts"]`` to its text.
    """
    lessons = sorted({item.objective.lesson for item in results})
    columns = max((ord(item.objective.id[-1]) - ord("a") + 1 for item in results), default=1)
    with course_style():
        if ax is None:
            figure = Figure(figsize=(1.05 * columns + 2.2, 0.5 * max(len(lessons), 2) + 1.3),
                            layout="constrained")  # fmt: skip
            ax = figure.add_subplot()
        cells: dict[str, Rectangle] = {}
        texts = {}
        for item in results:
            row = lessons.index(item.objective.lesson)
            col = ord(item.objective.id[-1]) - ord("a")
            fill, ink = LEVEL_STYLE[item.level]
            rect = Rectangle((col, row), 0.94, 0.9, facecolor=fill, edgecolor="#FFFFFF")
            ax.add_patch(rect)
            label = "–" if item.value is None else f"{100 * item.value:.0f}%"
            word = "not tried" if item.value is None else item.level
            texts[item.objective.id] = ax.text(
                col + 0.47, row + 0.45, f"{label}\n{word}", ha="center", va="center",
                fontsize=7, color=ink, linespacing=1.1,
            )  # fmt: skip
            cells[item.objective.id] = rect
        ax.set_xlim(0, columns)
        ax.set_ylim(len(lessons), 0)
        ax.set_xticks(
            [c + 0.47 for c in range(columns)], [chr(ord("a") + c) for c in range(columns)]
        )
        ax.set_yticks([r + 0.45 for r in range(len(lessons))], lessons)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel("Learning objective (NN.a, NN.b, ... of each lesson)")
        ax.set_title(
            f"Your mastery per objective (revisit below {100 * REVISIT_BELOW:.0f}%, "
            f"secure from {100 * SECURE_FROM:.0f}%)",
            fontsize=10,
        )
    tried = [item for item in results if item.value is not None]
    described = "; ".join(
        f"{item.objective.id} {100 * (item.value or 0.0):.0f}% {item.level}" for item in tried
    )
    untried = len(results) - len(tried)
    alt = (
        f"Mastery map of {len(results)} learning objectives in {len(lessons)} lessons: "
        + (described + ". " if described else "no objective tried yet. ")
        + (f"{untried} objective(s) not tried yet." if untried else "")
    ).strip()
    return Drawn(ax.figure, ax, {"cells": cells, "texts": texts}, alt)


@dataclass
class ProgressView(Drawn):
    """What :func:`mscpso_edu.quiz.progress` returns: the score bars, the mastery map, advice.

    ``fig``/``ax``/``artists``/``alt_text`` are the score dashboard's (as before);
    ``mastery`` is the mastery map and ``advice`` the sentences on what to revisit and where.
    """

    mastery: Drawn | None = None
    results: list[ObjectiveMastery] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    #: Everything the score figure shows (its rows): its image is stored under this and read
    #: back while it is unchanged (:func:`mscpso_edu.diagrams.cached.stored_png`).
    image_data: Any = None

    def png_base64(self) -> str:
        if self.image_data is None:
            return super().png_base64()
        return stored_png("quiz.progress_bars", self.image_data, lambda: Drawn.png_base64(self))

    def text(self) -> str:
        """Return the advice in words (what to revisit, in which lesson and section)."""
        if not any(item.value is not None for item in self.results):
            return "No objective has been tried yet: answer a lesson's quiz to see your mastery."
        if not self.advice:
            return "Nothing to revisit: every objective you have tried is developing or secure."
        return "\n".join(self.advice)

    def _repr_html_(self) -> str:
        from ..diagrams.core import _img_html

        parts = [_img_html(self)]
        if self.mastery is not None:
            parts.append(_img_html(self.mastery))
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.text().splitlines())
        parts.append(f'<div role="status"><strong>What to revisit</strong><ul>{items}</ul></div>')
        return "\n".join(parts)
