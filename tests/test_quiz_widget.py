"""The quiz widget, driven from Python the way a learner drives it: set controls, press Check."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from mscpso_edu import quiz
from mscpso_edu.errors import CourseError
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.store import ProgressStore


@pytest.fixture
def store(tmp_path):
    with ProgressStore(tmp_path / "progress.sqlite3") as opened:
        yield opened


def answer_correctly(panel) -> None:
    question = panel.question
    if isinstance(question, q.SingleChoiceQuestion):
        panel.control.value = next(c.id for c in question.choices if c.correct)
    elif isinstance(question, q.MultipleChoiceQuestion):
        for choice in question.choices:
            panel.inputs[choice.id].value = choice.correct
    elif isinstance(question, q.TrueFalseQuestion):
        panel.control.value = question.answer
    elif isinstance(question, q.NumericQuestion):
        panel.control.value = repr(question.answer)
    elif isinstance(question, q.MatchingQuestion):
        for pair in question.pairs:
            panel.inputs[pair.left].value = pair.right
    elif isinstance(question, q.OrderingQuestion):
        for number, item in enumerate(question.items, 1):
            panel.inputs[number].value = item.text
    elif isinstance(question, q.ShortTextQuestion):
        panel.control.value = question.accept[-1]
    else:  # pragma: no cover
        raise AssertionError(f"no answer for {question.type}")


def labelled_controls(panel) -> list[widgets.Widget]:
    return list(panel.inputs.values()) or [panel.control]


def test_lesson_00_quiz_answers_every_question_correctly_from_python(store):
    shown = quiz.show("00_start_here", store=store, learner="ann")
    assert isinstance(shown, widgets.VBox)
    # The end-of-lesson quiz holds the questions the lesson does not ask on the way (no role).
    end_of_lesson = [q for q in quiz.load_bank("00_start_here") if q.role is None]
    assert [p.question.id for p in shown.panels] == [q.id for q in end_of_lesson]
    for panel in shown.panels:
        for control in labelled_controls(panel):
            assert control.description, f"{panel.question.id}: every control has a label"
        answer_correctly(panel)
        panel.button.click()  # the same path as a learner pressing Check
        result = panel.last_result
        assert result is not None and result.correct, (panel.question.id, panel.feedback.value)
        assert f"{result.max_points:g} / {result.max_points:g} points" in panel.feedback.value
        assert "Sources:" in panel.explanation.value
        assert "1 attempt; latest" in panel.status.value
    assert shown.score == shown.max_points == sum(q.points for q in end_of_lesson)
    assert f"Score: {shown.max_points:g} / {shown.max_points:g}" in shown.total.value
    assert store.count() == len(shown.panels)


def test_explanations_cite_the_knowledge_base(store):
    panel = quiz.show("00_start_here", store=store, learner="ann").panel("il23_source")
    answer_correctly(panel)
    panel.submit()
    assert "[Furue 2020]" in panel.explanation.value
    assert "[furue2020]" not in panel.explanation.value


def test_partial_credit_wrong_answers_and_attempts_are_recorded(store):
    check = quiz.check("00_start_here", "isct_criteria", "il23_source", store=store, learner="ann")
    assert [p.question.id for p in check.panels] == ["isct_criteria", "il23_source"]
    multiple = check.panel("isct_criteria")
    right = next(c.id for c in multiple.question.choices if c.correct)
    multiple.inputs[right].value = True  # one of three right answers
    result = multiple.submit()
    assert result is not None and result.points == pytest.approx(1.0) and not result.correct
    assert "You left out" in multiple.feedback.value
    single = check.panel("il23_source")
    single.control.value = next(c.id for c in single.question.choices if not c.correct)
    assert single.submit().points == 0
    attempts = store.attempts("00_start_here")
    assert [(a.question, a.points) for a in attempts] == [
        ("isct_criteria", 1.0),
        ("il23_source", 0),
    ]
    assert attempts[0].response == [right] and attempts[0].learner == "ann"
    # A new widget (a re-run cell, a new session) remembers attempts and the best score.
    again = quiz.check("00_start_here", "isct_criteria", store=store, learner="ann")
    assert again.panel("isct_criteria").attempts == 1
    assert again.score == pytest.approx(1.0)


def test_an_unreadable_answer_explains_itself_and_is_not_an_attempt(store):
    panel = quiz.check("00_start_here", "pasi_maximum", store=store, learner="ann").panels[0]
    panel.control.value = "ninety-five"
    assert panel.submit() is None
    assert 'role="alert"' in panel.feedback.value and "Expected a number" in panel.feedback.value
    unanswered = quiz.check("00_start_here", "loop_order", store=store, learner="ann").panels[0]
    assert (
        unanswered.submit() is None and "Choose an item for every step" in unanswered.feedback.value
    )
    assert store.count() == 0


def test_hints_are_revealed_one_at_a_time(store):
    panel = quiz.check("00_start_here", "loop_order", store=store, learner="ann").panels[0]
    assert panel.show_hint() == panel.question.hints[0]
    assert "Hint 1" in panel.hints.value and "Hint 2" not in panel.hints.value
    panel.hint_button.click()
    assert "Hint 2" in panel.hints.value and panel.hint_button.disabled
    assert panel.show_hint() is None


def test_orders_and_numbers_are_per_learner_and_stable(store):
    def view(learner):
        shown = quiz.show("00_start_here", store=store, learner=learner)
        order = [label for label, _ in shown.panel("il23_source").control.options]
        return order, shown.panel("pasi_one_region").question.prompt

    assert view("ann") == view("ann")
    views = [view(f"learner-{i}") for i in range(8)]
    assert len({tuple(order) for order, _ in views}) > 1
    assert len({prompt for _, prompt in views}) > 1


EVIL = """\
lesson: 00_start_here
title: "<script>alert('title')</script>"
questions:
  - id: evil
    type: short_text
    prompt: "Name it <script>alert('prompt')</script> **now** $x<y$"
    objectives: [00.a]
    explanation: "<img src=x onerror=alert(1)> [furue2020]"
    references: [furue2020]
    accept: [TNF]
    hints: ["<iframe src=javascript:alert(1)>"]
  - id: evil_choice
    type: single
    prompt: Pick one.
    objectives: [00.a]
    explanation: Because.
    references: [furue2020]
    choices:
      - text: "<b onmouseover=alert(1)>bold</b>"
        correct: true
        feedback: "<script>alert('feedback')</script>"
      - text: other
        feedback: "No."
"""


def test_bank_and_learner_text_cannot_inject_markup(tmp_path, store):
    path = tmp_path / "evil.yaml"
    path.write_text(EVIL, encoding="utf-8")
    shown = quiz.show(path, store=store, learner="ann")
    panel = shown.panel("evil")
    panel.control.value = "<script>alert('learner')</script>"
    panel.submit()
    panel.show_hint()
    choice = shown.panel("evil_choice")
    choice.control.value = choice.question.choices[0].id
    choice.submit()
    html_parts = [shown.heading.value, shown.total.value]
    for each in shown.panels:
        html_parts += [each.prompt.value, each.feedback.value, each.explanation.value]
        html_parts += [each.hints.value]
    page = "".join(html_parts)
    for dangerous in ("<script", "<img", "<iframe", "<b onmouseover"):
        assert dangerous not in page
    assert "&lt;script&gt;" in page and "<strong>now</strong>" in page
    assert "$x&lt;y$" in panel.prompt.value  # LaTeX kept for MathJax, still escaped
    assert store.attempts()[0].response == "<script>alert('learner')</script>"


def test_check_needs_known_question_ids(store):
    with pytest.raises(CourseError, match="no question 'nope'"):
        quiz.check("00_start_here", "nope", store=store, learner="ann")
    with pytest.raises(CourseError, match="at least one question id"):
        quiz.check("00_start_here", store=store, learner="ann")


def test_quiz_records_in_the_data_home_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("MSCPSO_EDU_HOME", str(tmp_path))
    panel = quiz.check("00_start_here", "pasi_maximum").panels[0]
    panel.control.value = "72"
    assert panel.submit().correct
    with ProgressStore(tmp_path / "progress.sqlite3") as opened:
        (attempt,) = opened.attempts()
    assert attempt.question == "pasi_maximum" and attempt.response == "72"
    assert (tmp_path / "learner_id").is_file()
