"""The learner's progress: a per-lesson table (for the terminal) and a small dashboard figure."""

from __future__ import annotations

import time
from dataclasses import dataclass

from matplotlib.figure import Figure

from ..errors import CourseError
from ..paths import quizzes_dir
from ..style import ROLE_COLOURS, course_style
from .store import ProgressStore

__all__ = ["LessonRow", "progress_figure", "progress_rows", "progress_table"]


@dataclass(frozen=True)
class LessonRow:
    """One lesson's progress: questions tried of the bank, best points of the bank's total."""

    lesson: str
    questions_tried: int
    questions: int | None
    best_points: float
    max_points: float | None
    attempts: int
    last: float | None


def progress_rows(store: ProgressStore) -> list[LessonRow]:
    """Return one row per lesson that has a bank or recorded attempts, in lesson order."""
    from .bank import load_bank

    summaries = {item.lesson: item for item in store.summary()}
    lessons = set(summaries)
    folder = quizzes_dir()
    if folder.is_dir():
        lessons |= {path.stem for path in folder.glob("*.yaml")}
    rows = []
    for lesson in sorted(lessons):
        try:
            bank = load_bank(lesson)
            questions, max_points = len(bank), bank.max_points
        except CourseError:  # a broken bank must not hide the learner's record
            questions, max_points = None, None
        item = summaries.get(lesson)
        rows.append(
            LessonRow(
                lesson,
                item.questions_tried if item else 0,
                questions,
                item.best_points if item else 0.0,
                max_points,
                item.attempts if item else 0,
                item.last if item else None,
            )
        )
    return rows


def progress_table(rows: list[LessonRow]) -> str:
    """Return ``rows`` as a plain-text table."""
    header = ("Lesson", "Questions tried", "Best points", "Attempts", "Last attempt")
    lines = []
    for row in rows:
        total = "?" if row.questions is None else str(row.questions)
        top = "?" if row.max_points is None else f"{row.max_points:g}"
        last = time.strftime("%Y-%m-%d %H:%M", time.localtime(row.last)) if row.last else "-"
        lines.append(
            (row.lesson, f"{row.questions_tried}/{total}", f"{row.best_points:g}/{top}",
             str(row.attempts), last)
        )  # fmt: skip
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header))]
    rendered = ["  ".join(cell.ljust(width) for cell, width in zip(r, widths, strict=True)).rstrip()
                for r in [header, *lines]]  # fmt: skip
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(rendered)


def progress_figure(store: ProgressStore | None = None) -> Figure:
    """Return a bar chart of the best score per lesson, as a share of the lesson's points.

    The figure's ``alt_text`` attribute describes it for screen readers; its ``rows`` are the
    :class:`LessonRow` it was drawn from.
    """
    own = store is None
    store = store or ProgressStore()
    try:
        rows = progress_rows(store)
    finally:
        if own:
            store.close()
    with course_style():
        figure = Figure(figsize=(6.4, 0.45 * max(len(rows), 3) + 1.0), layout="constrained")
        ax = figure.add_subplot()
        names = [row.lesson for row in rows][::-1]
        shares = [
            100.0 * row.best_points / row.max_points if row.max_points else 0.0 for row in rows
        ][::-1]
        ax.barh(names, [100.0] * len(rows), color="#DDDDDD", height=0.6)
        ax.barh(names, shares, color=ROLE_COLOURS["msc"], height=0.6)
        for y, row in enumerate(rows[::-1]):
            top = "?" if row.max_points is None else f"{row.max_points:g}"
            ax.text(101, y, f"{row.best_points:g}/{top} pts, {row.attempts} attempts",
                    va="center", fontsize=8)  # fmt: skip
        ax.set_xlim(0, 145)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel("Best score (% of the lesson's quiz points)")
        ax.set_title("Your quiz progress", fontsize=11)
        if not any(row.attempts for row in rows):
            ax.text(50, (len(rows) - 1) / 2, "No attempts yet", ha="center", va="center")
    described = "; ".join(
        f"{row.lesson} {row.best_points:g} of {row.max_points or 0:g} points" for row in rows
    )
    figure.alt_text = f"Bar chart of the best quiz score per lesson: {described or 'no lessons'}."
    figure.rows = rows  # everything it shows: the key of its stored image (quiz.progress)
    return figure
