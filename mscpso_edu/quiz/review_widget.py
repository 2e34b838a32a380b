"""The review session widget: the questions due, each with feedback and its next due date.

:func:`review` builds the queue (:func:`mscpso_edu.quiz.spaced.build_queue`) and shows each due
question as a :class:`~mscpso_edu.quiz.widget.QuestionPanel` whose attempts go to the review store,
never to the progress store. After **Check** the learner sees the feedback and when FSRS will bring
the question back::

    session = review(store=ProgressStore(tmp), reviews=ReviewStore(tmp2, clock=fixed))
    panel = session.panels[0]
    panel.control.value = "a"
    panel.submit()
    session.due_text(panel)   # 'Next review: 2026-12-03 (in 4 days)'
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..errors import CourseError
from .learner import learner_id, learner_seed
from .spaced import (
    ReviewItem,
    ReviewStore,
    build_queue,
    describe_due,
    next_due,
    reviewable_questions,
    summary,
)
from .store import ProgressStore
from .widget import QuestionPanel

__all__ = ["ReviewSession", "review"]

#: Questions served in one sitting unless told otherwise: short sessions, often.
DEFAULT_LIMIT = 10


class ReviewSession(widgets.VBox):
    """A review session over the questions due; display it in a notebook.

    Parameters
    ----------
    items
        The questions due (from :func:`~mscpso_edu.quiz.spaced.build_queue`).
    progress
        The progress store the queue was built from (read, never written).
    reviews
        Where review attempts go.
    learner
        Learner identity for seeds and records.
    """

    def __init__(
        self,
        items: list[ReviewItem],
        *,
        progress: ProgressStore | None,
        reviews: ReviewStore,
        learner: str,
        started: bool,
    ) -> None:
        self.items = items
        self.progress = progress
        self.reviews = reviews
        self.learner = learner
        self.panels: list[QuestionPanel] = []
        self.due_lines: dict[int, widgets.HTML] = {}
        boxes = []
        for number, item in enumerate(items, 1):
            question = item.question
            if question.drawn_per_learner:
                # New numbers each time it comes back: the seed counts the earlier reviews.
                reviewed = reviews.count(item.lesson, question.id)
                question = question.for_seed(
                    learner_seed(item.lesson, question.id, "review", reviewed, identity=learner)
                )
            line = widgets.HTML(value="")
            holder: list[QuestionPanel] = []
            panel = QuestionPanel(
                question,
                number=number,
                lesson=item.lesson,
                mode="practice",
                learner=learner,
                store=reviews,  # type: ignore[arg-type]  # same record() call, its own file
                on_attempt=lambda holder=holder, line=line: self._after(holder[0], line),
            )
            holder.append(panel)
            origin = widgets.HTML(
                value=f"<p><small>From lesson {html.escape(item.lesson)}: "
                f"{html.escape(item.reason)}.</small></p>"
            )
            self.panels.append(panel)
            self.due_lines[id(panel)] = line
            boxes.append(widgets.VBox([origin, panel.widget, line]))
        if items:
            intro = summary(items) + " Answers here are practice: they never change a grade."
        elif started:
            intro = "Nothing is due for review now. Come back later: " + self._next_text()
        else:
            intro = (
                "Nothing to review yet: answer a lesson's quiz first, and its questions will "
                "come back here when they are due."
            )
        self.heading = widgets.HTML(value="<h3>Spaced review</h3>")
        self.intro = widgets.HTML(value=f'<p role="status">{html.escape(intro, quote=False)}</p>')
        super().__init__([self.heading, self.intro, *boxes])

    def _next_text(self) -> str:
        cards = self.reviews.cards(self.progress)
        served = reviewable_questions({lesson for lesson, _ in cards})
        dues = [row.card.due for key, row in cards.items() if key in served]
        if not dues:
            return "no question is scheduled."
        first = min(dues)
        return f"the next question is due {describe_due(first, self.reviews.clock())}."

    def _after(self, panel: QuestionPanel, line: widgets.HTML) -> None:
        line.value = f'<p role="status"><strong>{html.escape(self.due_text(panel))}</strong></p>'

    def due_text(self, panel: QuestionPanel) -> str:
        """Return when ``panel``'s question comes back, in words (after it was answered)."""
        due = next_due(panel.lesson, panel.question.id, self.progress, self.reviews)
        if due is None:
            return "Not scheduled."
        return f"Next review: {describe_due(due, self.reviews.clock())}"

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object] | None:
        # The live session for JupyterLab and Voila, plus a still copy for a viewer without a
        # widget manager (the static site): a review needs a running kernel and your progress.
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            data["text/html"] = (
                "<h3>Spaced review</h3><p>Run this notebook in JupyterLab to review the "
                "questions due for you: the review reads your own progress, so it has nothing "
                "to show on a static page.</p>"
            )
        return data

    def panel(self, question_id: str) -> QuestionPanel:
        """Return the panel of question ``question_id``."""
        for panel in self.panels:
            if panel.question.id == question_id:
                return panel
        known = ", ".join(panel.question.id for panel in self.panels) or "none"
        raise CourseError(f"no question {question_id!r} in this review; it has: {known}")


def review(
    *,
    store: ProgressStore | None = None,
    reviews: ReviewStore | None = None,
    learner: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> ReviewSession:
    """Return a review session over the questions due across every lesson started.

    Parameters
    ----------
    store
        The progress store of quiz attempts; default the learner's.
    reviews
        The review store (attempts and schedule, with its clock); default the learner's.
    learner
        Learner identity; default this computer's learner id.
    limit
        Serve at most this many questions (None for all that are due).
    """
    progress = store if store is not None else ProgressStore()
    reviews = reviews if reviews is not None else ReviewStore()
    items = build_queue(progress, reviews, limit=limit)
    started = progress.count() > 0
    return ReviewSession(
        items,
        progress=progress,
        reviews=reviews,
        learner=learner if learner is not None else learner_id(),
        started=started,
    )
