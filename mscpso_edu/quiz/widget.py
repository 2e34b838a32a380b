"""The quiz widget: questions with labelled controls, instant feedback, and every attempt recorded.

:func:`show` renders a lesson's whole bank and :func:`check` a few of its questions. Each question
is a :class:`QuestionPanel` whose controls are plain ipywidgets, so a test (or a learner using only
the keyboard) can set them and press **Check**::

    quiz = show("00_start_here", store=ProgressStore(tmp), learner="test")
    panel = quiz.panel("il23_source")
    panel.control.value = "a"
    result = panel.submit()

All text from a bank or a learner is escaped before it reaches HTML (see
:mod:`mscpso_edu.quiz.markup`). Choices, matching options and ordering items are shuffled with a
seed from the learner id, so each learner sees a stable order of their own; ordering steps never
start in the right order, its reverse, or alphabetical order (:mod:`mscpso_edu.quiz.shuffle`).
"""

from __future__ import annotations

import html
import os
import sqlite3
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..errors import CourseError
from . import questions as q
from .bank import Bank, load_bank
from .kinds import kind_of
from .learner import learner_id, learner_seed
from .markup import cite_ids, render, render_inline
from .store import ProgressStore
from .submission import build_submission, hand_in

__all__ = ["QuestionPanel", "QuizWidget", "check", "show"]


def _cite(ref_id: str) -> str:
    try:
        from .. import knowledge

        return knowledge.cite(ref_id)
    except (ImportError, AttributeError, CourseError):
        return ref_id


class QuestionPanel:
    """One question: prompt, labelled controls, Check and Hint buttons, feedback and explanation.

    Attributes
    ----------
    question
        The question as this learner sees it (a computed question is already drawn).
    control
        The main input widget (RadioButtons, Text, or a box of the widgets in ``inputs``).
    inputs
        For multiple select: choice id -> Checkbox; matching: left text -> Dropdown; ordering:
        step number -> Dropdown. Empty for single-control questions.
    attempts, best, latest
        Attempts so far (including earlier sessions), the best and the latest points.
    scoring
        The bank's scoring policy: ``"latest"`` or ``"best"``; :attr:`counted` follows it.
    """

    def __init__(
        self,
        question: q.Question,
        *,
        number: int,
        lesson: str,
        mode: str,
        learner: str,
        store: ProgressStore | None,
        attempts: int = 0,
        best: float = 0.0,
        latest: float = 0.0,
        scoring: str = "latest",
        on_attempt: Any = None,
    ) -> None:
        self.lesson = lesson
        self.mode = mode
        self.learner = learner
        self.store = store
        self._on_attempt = on_attempt
        seed = learner_seed(lesson, question.id, identity=learner)
        if question.drawn_per_learner:
            question = question.for_seed(seed)
        self.question = question
        self.attempts = attempts
        self.best = best
        self.latest = latest
        self.scoring = scoring
        self.last_result: q.Result | None = None
        self._hints_shown = 0
        self.inputs: dict[Any, widgets.ValueWidget] = {}
        self.control = self._build_control(question, seed)

        points = f"{question.points:g} point{'s' if question.points != 1 else ''}"
        if question.marked_by_hand:
            points += ", marked by your instructor"
        elif not question.graded:
            points = "recorded, not graded"
        self.prompt = widgets.HTMLMath(
            value=f"<h4>Question {number} <small>({points})</small></h4>{render(question.prompt)}"
        )
        self.button = widgets.Button(
            description="Check", button_style="primary", tooltip="Check your answer", icon="check"
        )
        if not question.graded:
            self.button.description, self.button.tooltip = "Save", "Save your text"
        elif self.exam:
            self.button.description, self.button.tooltip = "Record", "Record your answer"
        self.button.on_click(lambda _button: self.submit())
        self.hint_button = widgets.Button(
            description="Hint", tooltip="Show a hint", disabled=not question.hints
        )
        self.hint_button.on_click(lambda _button: self.show_hint())
        if not question.hints:
            self.hint_button.layout.display = "none"
        self.hints = widgets.HTMLMath(value="")
        self.status = widgets.HTML(value=self._status_text())
        self.feedback = widgets.HTMLMath(value="")
        self.explanation = widgets.HTMLMath(value="")
        self.widget = widgets.VBox(
            [
                self.prompt,
                self.control,
                widgets.HBox([self.button, self.hint_button, self.status]),
                self.hints,
                self.feedback,
                self.explanation,
            ],
            layout={"border": "1px solid #ccc", "padding": "0.5em", "margin": "0 0 0.8em 0"},
        )

    # --- controls ------------------------------------------------------------------------------

    def _build_control(self, question: q.Question, seed: int) -> widgets.Widget:
        # Each type draws its own control (mscpso_edu.quiz.kinds), filling self.inputs if it has
        # several parts.
        return kind_of(question).control(self, question, seed)

    def response(self) -> Any:
        """Return the response the controls currently hold, in the form :func:`grade` takes."""
        return kind_of(self.question).response(self)

    @property
    def exam(self) -> bool:
        """True in exam mode: answers are recorded, correctness is shown only after grading."""
        return self.mode == "exam"

    # --- actions -------------------------------------------------------------------------------

    def submit(self) -> q.Result | None:
        """Grade the current response, record the attempt and show feedback.

        Returns
        -------
        Result or None
            The result, or None when the response could not be graded (the reason is shown).
        """
        try:
            result = q.grade(self.question, self.response())
        except CourseError as error:
            message = (
                error.message.split(": ", 1)[-1]
                if error.message.startswith("question ")
                else error.message
            )
            self.feedback.value = (
                f'<div role="alert">{render(message[:1].upper() + message[1:])}</div>'
            )
            return None
        self.attempts += 1
        self.best = max(self.best, result.points)
        self.latest = result.points
        self.last_result = result
        saved = self._record(result)
        if self.exam:
            # Exam mode: say the answer is kept, never whether it is right (no score, no
            # explanation); the instructor grades the submission.
            self.feedback.value = (
                f'<div role="status"><strong>Answer recorded</strong> (attempt {self.attempts}); '
                f"your {self.scoring} answer counts when you submit. It is graded by your "
                "instructor."
                f"{saved}</div>"
            )
            self.status.value = self._status_text()
            if self._on_attempt is not None:
                self._on_attempt()
            return result
        colour = "#0072B2" if result.correct else "#D55E00"
        score = f"{result.points:g} / {result.max_points:g} points"
        if self.question.marked_by_hand:
            # Nothing is scored yet: the instructor marks the text (the feedback says so).
            colour, score = "#0072B2", "Saved"
        self.feedback.value = (
            f'<div role="status" style="border-left: 4px solid {colour}; padding-left: 0.5em">'
            f"<strong>{score}.</strong> {render(result.feedback)}{saved}</div>"
        )
        text = result.explanation if result.explanation is not None else self.question.explanation
        if not text and getattr(self.question, "sealed", False):
            # A student copy keeps this explanation sealed until the right answer opens it.
            text = "*The explanation opens once you find the answer.*"
        explanation = cite_ids(text, _cite)
        sources = "; ".join(_cite(ref) for ref in self.question.references)
        # A Think prompt's explanation is the expert discussion, opened once the answer is saved.
        label = "Expert discussion" if self.question.role == "think" else "Explanation"
        self.explanation.value = (
            f"<details open><summary>{label}</summary>{render(explanation)}"
            f"<p><small>Sources: {render_inline(sources)}</small></p></details>"
        )
        self.status.value = self._status_text()
        if self._on_attempt is not None:
            self._on_attempt()
        return result

    def _record(self, result: q.Result) -> str:
        if self.store is None:
            return ""
        # A written answer the instructor marks by hand is scored by nobody here: recorded out
        # of 0 points, so the learner's mastery map takes no evidence from it (as for any
        # reflection) and the grader, not the store, gives it its points.
        out_of = 0.0 if self.question.marked_by_hand else result.max_points
        try:
            self.store.record(
                self.learner, self.lesson, self.question.id, self.response(), result.points,
                out_of, result.correct, self.mode,
            )  # fmt: skip
        except (CourseError, sqlite3.Error) as error:
            note = render_inline(f"(This attempt could not be saved: {error})")
            return f"<p><small>{note}</small></p>"
        return ""

    def show_hint(self) -> str | None:
        """Reveal the next hint; return its text (None when there are no more)."""
        hints = self.question.hints
        if self._hints_shown >= len(hints):
            return None
        self._hints_shown += 1
        shown = hints[: self._hints_shown]
        self.hints.value = "".join(
            f"<p><em>Hint {i}:</em> {render_inline(hint)}</p>" for i, hint in enumerate(shown, 1)
        )
        if self._hints_shown == len(hints):
            self.hint_button.disabled = True
        return shown[-1]

    def _status_text(self) -> str:
        tries = f"{self.attempts} attempt{'s' if self.attempts != 1 else ''}"
        if self.exam:
            return f"<span>{tries}; exam: graded later</span>"
        if self.question.marked_by_hand:
            return f"<span>{tries}; marked by your instructor</span>"
        return f"<span>{tries}; {self.scoring} {self.counted:g} / {self.question.points:g}</span>"

    @property
    def counted(self) -> float:
        """The points that count under the bank's scoring policy (best or latest attempt)."""
        return self.best if self.scoring == "best" else self.latest


class QuizWidget(widgets.VBox):
    """A quiz over some or all questions of a bank; display it in a notebook.

    Parameters
    ----------
    bank
        The question bank.
    question_ids
        Which questions, in this order; default all.
    store
        Where attempts go; default the learner's progress store. Pass ``False`` to record nothing.
    learner
        Learner identity for seeds and records; default this computer's learner id.
    title
        Heading; default the bank's title.
    submittable
        Whether to offer a Submit button that hands the recorded answers in (the end-of-lesson
        quiz does; mid-lesson checks do not).
    """

    def __init__(
        self,
        bank: Bank,
        question_ids: tuple[str, ...] | None = None,
        *,
        store: ProgressStore | bool | None = None,
        learner: str | None = None,
        title: str | None = None,
        submittable: bool = False,
    ) -> None:
        chosen = (
            [bank.question(qid) for qid in question_ids] if question_ids else list(bank.questions)
        )
        self.bank = bank
        self.learner = learner if learner is not None else learner_id()
        notice = ""
        if store is None:
            try:
                store = ProgressStore()
            except CourseError as error:
                store, notice = None, f"Progress will not be saved: {error}"
        self.store: ProgressStore | None = store or None
        best, latest, counts = self._history()
        self.panels = [
            QuestionPanel(
                question,
                number=number,
                lesson=bank.lesson,
                mode=bank.mode_of(question),
                learner=self.learner,
                store=self.store,
                attempts=counts.get(question.id, 0),
                best=best.get(question.id, 0.0),
                latest=latest.get(question.id, 0.0),
                scoring=bank.scoring,
                on_attempt=self._update_total,
            )
            for number, question in enumerate(chosen, 1)
        ]
        self.heading = widgets.HTML(value=f"<h3>{render_inline(title or bank.title)}</h3>")
        self.total = widgets.HTML(value="")
        self.notice = widgets.HTML(value=render(notice) if notice else "")
        self._update_total()
        children = [self.heading, self.notice, *(panel.widget for panel in self.panels), self.total]
        if submittable:
            children.append(self._submit_box())
        super().__init__(children)

    def _submit_box(self) -> widgets.Widget:
        # On a hub the student's user name is the natural id; elsewhere the student types it.
        self.student = widgets.Text(
            value=os.environ.get("JUPYTERHUB_USER", ""),
            description="Student ID",
            placeholder="as your instructor knows you",
            style={"description_width": "initial"},
        )
        self.submit_button = widgets.Button(
            description="Submit", tooltip="Hand in your recorded answers to your instructor"
        )
        self.submit_status = widgets.HTML(value="")
        self.submit_button.on_click(lambda _button: self.hand_in())
        return widgets.VBox(
            [
                widgets.HTML(value="<h4>Hand in this quiz</h4>"),
                widgets.HBox([self.student, self.submit_button]),
                self.submit_status,
            ]
        )

    def hand_in(self) -> Path | None:
        """Write a submission of the recorded answers (as ``mscpso-edu submit`` does).

        Returns the file written, or None after showing why nothing could be written.
        """
        try:
            if self.store is None:
                raise CourseError(
                    "answers are not being recorded here, so there is nothing to hand in"
                )
            submission = build_submission(
                self.student.value.strip(),
                self.bank.lesson,
                store=self.store,
                learner=self.learner,
                bank_file=self.bank.path,
            )
            target = hand_in(submission)
        except CourseError as error:
            self.submit_status.value = f'<p role="alert">{html.escape(str(error))}</p>'
            return None
        count = len(submission["answers"])
        self.submit_status.value = (
            f'<p role="status">Handed in {count} answer(s): <code>{html.escape(str(target))}</code>'
            "</p>"
        )
        return target

    def _history(self) -> tuple[dict[str, float], dict[str, float], dict[str, int]]:
        if self.store is None:
            return {}, {}, {}
        best: dict[str, float] = {}
        latest: dict[str, float] = {}
        counts: dict[str, int] = {}
        for attempt in self.store.attempts(self.bank.lesson):  # oldest first
            if attempt.learner != self.learner:
                continue
            counts[attempt.question] = counts.get(attempt.question, 0) + 1
            best[attempt.question] = max(best.get(attempt.question, 0.0), attempt.points)
            latest[attempt.question] = attempt.points
        return best, latest, counts

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        # The live quiz for JupyterLab and Voila, plus a static copy with each answer behind a
        # <details> toggle that a viewer without a widget manager (the static site) shows instead.
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            from .static import static_html

            ids = [panel.question.id for panel in self.panels]
            data["text/html"] = static_html(self.bank, ids)
        return data

    def panel(self, question_id: str) -> QuestionPanel:
        """Return the panel of question ``question_id``."""
        for panel in self.panels:
            if panel.question.id == question_id:
                return panel
        known = ", ".join(panel.question.id for panel in self.panels)
        raise CourseError(f"no question {question_id!r} in this quiz; it has: {known}")

    @property
    def score(self) -> float:
        """Points that count (the bank's ``scoring``: latest or best) over the questions shown."""
        return sum(panel.counted for panel in self.panels)

    @property
    def max_points(self) -> float:
        """Points available in the questions shown."""
        return sum(panel.question.points for panel in self.panels)

    def _update_total(self) -> None:
        if not hasattr(self, "panels"):
            return
        tried = sum(1 for panel in self.panels if panel.attempts)
        if any(panel.exam for panel in self.panels):
            self.total.value = (
                f"<p><strong>{tried} of {len(self.panels)} questions answered.</strong> "
                "Exam questions are graded by your instructor after you submit "
                "(<code>mscpso-edu submit</code>).</p>"
            )
            return
        by_hand = sum(p.question.points for p in self.panels if p.question.marked_by_hand)
        marked = (
            f"; {by_hand:g} of the points are for written answers your instructor marks"
            if by_hand
            else ""
        )
        self.total.value = (
            f"<p><strong>Score: {self.score:g} / {self.max_points:g}</strong> "
            f"({tried} of {len(self.panels)} questions tried; your {self.bank.scoring} attempt "
            f"at each counts{marked})</p>"
        )


def show(slug: str, **options: Any) -> QuizWidget:
    """Return the end-of-lesson quiz of lesson ``slug``.

    It holds the bank's questions that the lesson does not ask on the way (those without a
    ``role``: checks, predictions and Think prompts are answered in the lesson, not again here).

    Parameters
    ----------
    slug
        Lesson slug such as ``"00_start_here"``, or a path to a bank file.
    **options
        ``store``, ``learner`` and ``title`` for :class:`QuizWidget`.
    """
    bank = load_bank(slug)
    options.setdefault("title", f"Quiz: {bank.title}")
    options.setdefault("submittable", True)
    end_of_lesson = tuple(question.id for question in bank if question.role is None)
    return QuizWidget(bank, end_of_lesson or None, **options)


def check(slug: str, *question_ids: str, **options: Any) -> QuizWidget:
    """Return a short mid-lesson check with the named questions of lesson ``slug``'s bank."""
    if not question_ids:
        raise CourseError("name at least one question id for a check, e.g. check(slug, 'q1')")
    bank = load_bank(slug)
    roles = {bank.question(question_id).role for question_id in question_ids}
    # A prediction or a Think prompt says what it is; anything else is a check.
    title = _CHECK_TITLES.get(roles.pop(), _CHECK_TITLES[None]) if len(roles) == 1 else None
    options.setdefault("title", title or _CHECK_TITLES[None])
    return QuizWidget(bank, tuple(question_ids), **options)


_CHECK_TITLES = {
    None: "Check your understanding",
    "check": "Check your understanding",
    "prediction": "Predict first: your answer is saved, then the explorer shows what happens",
    "think": "Think: write and save your answer, then read the expert discussion",
}
