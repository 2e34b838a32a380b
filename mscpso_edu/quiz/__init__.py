"""Quizzes: question banks, grading in Python, the quiz widget and the learner's progress.

Typical use in a lesson::

    from mscpso_edu import quiz
    quiz.check("00_start_here", "loop-cells")   # a short mid-lesson check
    quiz.show("00_start_here")                  # the end-of-lesson quiz
    quiz.progress()                             # scores, a mastery map and what to revisit
    quiz.review()                               # the questions due for spaced review

Grading is a pure function, :func:`grade`, so every question can be tested without a browser.
The widget and the dashboard are imported only when used, so grading needs no ipywidgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .bank import Bank
    from .mastery_map import ProgressView
    from .questions import QUESTION_TYPES, Question, ResponseError, Result, grade
    from .review_widget import ReviewSession
    from .widget import QuizWidget

__all__ = [
    "QUESTION_TYPES",
    "Bank",
    "Question",
    "ResponseError",
    "Result",
    "check",
    "grade",
    "load_bank",
    "progress",
    "review",
    "show",
    "static_html",
]


def load_bank(path_or_slug: Any) -> Bank:
    """Load and validate a question bank; see :func:`mscpso_edu.quiz.bank.load_bank`."""
    from .bank import load_bank as _load_bank

    return _load_bank(path_or_slug)


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


def progress(**options: Any) -> ProgressView:
    """Return the learner's progress: best scores per lesson, a mastery map and what to revisit.

    Options: ``store`` (the progress store), ``reviews`` (the review store, whose clock sets
    "now"). The result displays in a notebook as the two figures, each an image carrying its alt
    text, and a list saying which objectives to revisit in which lesson and section. ``.fig`` is
    the score figure, ``.mastery`` the mastery map (a ``Drawn``), ``.text()`` the advice.
    """
    from ..diagrams.cached import cached_figure
    from .dashboard import progress_figure
    from .mastery import revisit_advice
    from .mastery_map import ProgressView, learner_mastery, mastery_map
    from .spaced import ReviewStore
    from .store import ProgressStore

    store = options.pop("store", None)
    reviews = options.pop("reviews", None)
    if options:
        raise TypeError(f"progress() got unexpected options: {', '.join(sorted(options))}")
    own_store, own_reviews = store is None, reviews is None
    store = store or ProgressStore()
    reviews = reviews or ReviewStore()
    try:
        figure = progress_figure(store)
        results = learner_mastery(store, reviews)
    finally:
        if own_store:
            store.close()
        if own_reviews:
            reviews.close()
    return ProgressView(
        figure,
        figure.axes[0],
        {"bars": list(figure.axes[0].patches)},
        figure.alt_text,
        # Drawn once per set of estimates (a learner with no new attempts sees a stored image).
        mastery=cached_figure(mastery_map)(results),
        results=results,
        advice=revisit_advice(results),
        image_data=figure.rows,
    )


def review(**options: Any) -> ReviewSession:
    """Return a spaced-review session: the questions due across every lesson started.

    Missed questions come first, then those whose predicted recall has dropped (FSRS). Review
    attempts are kept apart from quiz attempts and never change a submission or a grade.
    Options: ``store``, ``reviews``, ``learner``, ``limit``; see
    :func:`mscpso_edu.quiz.review_widget.review`.
    """
    from .review_widget import review as _review

    return _review(**options)


# Imported on first use, so that `mscpso-edu --help` (whose learner commands live in this
# package) does not load every question type.
_FROM_QUESTIONS = ("QUESTION_TYPES", "Question", "ResponseError", "Result", "grade")


def __getattr__(name: str) -> Any:
    if name == "Bank":
        from .bank import Bank

        return Bank
    if name in _FROM_QUESTIONS:
        from . import questions

        return getattr(questions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
