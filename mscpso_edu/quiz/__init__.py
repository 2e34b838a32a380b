"""Quizzes: question banks, grading in Python, the quiz widget and the learner's progress.

Typical use in a lesson::

    from mscpso_edu import quiz
    quiz.check("00_start_here", "loop-cells")   # a short mid-lesson check
    quiz.show("00_start_here")                  # the end-of-lesson quiz
    quiz.progress()                             # a small dashboard of the learner's scores

Grading is a pure function, :func:`grade`, so every question can be tested without a browser.
The widget and the dashboard are imported only when used, so grading needs no ipywidgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .questions import QUESTION_TYPES, Question, ResponseError, Result, grade

if TYPE_CHECKING:  # pragma: no cover
    from ..diagrams import Drawn
    from .bank import Bank
    from .widget import QuizWidget

__all__ = [
    "QUESTION_TYPES",
    "Bank",
    "Question",
    "ResponseError",
    "Result",
    "check",
    "check_banks",
    "grade",
    "load_bank",
    "progress",
    "show",
    "static_html",
]


def load_bank(path_or_slug: Any) -> Bank:
    """Load and validate a question bank; see :func:`mscpso_edu.quiz.bank.load_bank`."""
    from .bank import load_bank as _load_bank

    return _load_bank(path_or_slug)


def check_banks(paths: Any = ()) -> list:
    """Check question banks; see :func:`mscpso_edu.quiz.bank.check_banks`."""
    from .bank import check_banks as _check_banks

    return _check_banks(paths)


def show(slug: str, **options: Any) -> QuizWidget:
    """Return the end-of-lesson quiz widget for lesson ``slug`` (e.g. ``"00_start_here"``).

    Options are passed to :class:`mscpso_edu.quiz.widget.QuizWidget` (``store``, ``seed``).
    """
    from .widget import show as _show

    return _show(slug, **options)


def check(slug: str, *question_ids: str, **options: Any) -> QuizWidget:
    """Return a short mid-lesson check with the named questions of lesson ``slug``'s bank."""
    from .widget import check as _check

    return _check(slug, *question_ids, **options)


def static_html(slug: str, question_ids: Any = None) -> str:
    """Return lesson ``slug``'s quiz as static HTML, answers behind a toggle (for the website)."""
    from .static import static_html as _static_html

    return _static_html(slug, question_ids)


def progress(**options: Any) -> Drawn:
    """Return a small dashboard of the learner's best scores per lesson.

    The result displays in a notebook as an image carrying its alt text; ``.fig`` is the figure.
    """
    from ..diagrams import Drawn
    from .dashboard import progress_figure

    figure = progress_figure(**options)
    return Drawn(figure, figure.axes[0], {"bars": list(figure.axes[0].patches)}, figure.alt_text)


def __getattr__(name: str) -> Any:
    if name == "Bank":
        from .bank import Bank

        return Bank
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
