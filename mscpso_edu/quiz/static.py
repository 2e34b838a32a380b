"""A quiz as plain HTML for places with no running kernel: the static website and exports.

Each question shows its prompt and its options as a list; the answer, the explanation and the
sources sit inside a ``<details>`` element, so a reader tries first and opens the answer with one
click (or Enter on the keyboard). No script is needed. All bank text goes through
:mod:`mscpso_edu.quiz.markup`, which escapes it, so a bank cannot inject markup.

A static page has no learner to shuffle for, so choices and matching options are shuffled with a
fixed seed per question and ordering steps shown in a fixed order that is never the answer, its
reverse, or alphabetical (:mod:`mscpso_edu.quiz.shuffle`). A computed question shows the numbers
drawn for seed 0.

The answers shown are the real ones or none: an exam question (and every question of a released
exam bank) shows no answer at all; a practice question of a released bank whose key is hashed
(numeric, short text) says its answer is checked in the live quiz.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ..errors import CourseError
from . import questions as q
from .bank import Bank, load_bank
from .kinds import kind_of
from .markup import cite_ids, render, render_inline
from .shuffle import seed_for

__all__ = ["question_html", "static_html"]


def _cite(ref_id: str) -> str:
    try:
        from .. import knowledge

        return knowledge.cite(ref_id)
    except (ImportError, AttributeError, CourseError):
        return ref_id


def question_html(question: q.Question, number: int, *, exam: bool = False, seed: int = 0) -> str:
    """One question as an HTML ``<section>`` with its answer behind a ``<details>`` toggle.

    An ``exam`` question shows no answer, explanation or toggle, only what it asks. ``seed``
    orders the options.
    """
    question = question.for_seed(0)
    options, answer = kind_of(question).static_parts(question, seed)
    points = f"{question.points:g} point{'s' if question.points != 1 else ''}"
    if question.marked_by_hand:
        points += ", marked by your instructor"
    elif not question.graded:
        points = "not graded"
    explanation = render(cite_ids(question.explanation, _cite)) if question.explanation else ""
    sources = "; ".join(_cite(ref) for ref in question.references)
    sources_html = f"<p><small>Sources: {render_inline(sources)}</small></p>" if sources else ""
    summary = "Show answer" if question.graded else "Show a model answer"
    if question.role == "think":
        summary = "Write your answer first, then open the expert discussion"
    if exam:
        return (
            f'<section class="mscpso-static-question" id="q-{html.escape(question.id)}">'
            f"<p><strong>Question {number}</strong> <small>({points}, exam)</small></p>"
            f"{render(question.prompt)}{options}"
            "<p><em>Exam question: answer it in the quiz in JupyterLab; your instructor grades "
            "it.</em></p></section>"
        )
    return (
        f'<section class="mscpso-static-question" id="q-{html.escape(question.id)}">'
        f"<p><strong>Question {number}</strong> <small>({points})</small></p>"
        f"{render(question.prompt)}{options}"
        f"<details><summary>{summary}</summary>{answer}{explanation}{sources_html}</details>"
        "</section>"
    )


def static_html(bank: str | Bank, question_ids: Sequence[str] | None = None, **_: Any) -> str:
    """Render a lesson's quiz (or the named questions) as static HTML.

    Parameters
    ----------
    bank
        A lesson slug such as ``"00_start_here"``, a bank path, or a loaded :class:`Bank`.
    question_ids
        Which questions, in this order; default all.

    Returns
    -------
    str
        An HTML fragment: a ``<div class="mscpso-static-quiz">`` with one section per question.

    Examples
    --------
    >>> text = static_html("00_start_here", ["il23_source"])
    >>> "<details>" in text and "Question 1" in text
    True
    """
    loaded = bank if isinstance(bank, Bank) else load_bank(bank)
    chosen = (
        [loaded.question(qid) for qid in question_ids] if question_ids else list(loaded.questions)
    )
    body = "".join(
        question_html(
            question,
            n,
            exam=loaded.mode_of(question) == "exam",
            seed=seed_for("static", loaded.lesson, question.id),
        )
        for n, question in enumerate(chosen, 1)
    )
    if all(loaded.mode_of(question) == "exam" for question in chosen):
        note = (
            "<p><em>A static copy of the quiz: open the lesson in JupyterLab to answer it. "
            "Exam questions show no answers.</em></p>"
        )
    else:
        note = (
            "<p><em>A static copy of the quiz: open the lesson in JupyterLab to answer it and get "
            "feedback. Each answer is hidden behind “Show answer”.</em></p>"
        )
    return f'<div class="mscpso-static-quiz">{note}{body}</div>'
