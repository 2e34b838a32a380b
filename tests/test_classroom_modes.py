"""Exam mode in the quiz widget: answers are recorded, correctness stays hidden until graded."""

from __future__ import annotations

from pathlib import Path

import pytest

from mscpso_edu.classroom.grading import grade_submissions
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import load_bank
from mscpso_edu.quiz.store import ProgressStore
from mscpso_edu.quiz.submission import build_submission, write_submission
from mscpso_edu.quiz.widget import QuizWidget

BANK = "00_start_here"


@pytest.fixture()
def exam_key(tmp_path: Path, repo: Path) -> Path:
    folder = tmp_path / "key"
    folder.mkdir()
    text = (repo / "quizzes" / f"{BANK}.yaml").read_text(encoding="utf-8")
    assert "\nmode: practice\n" in text
    (folder / f"{BANK}.yaml").write_text(text.replace("\nmode: practice\n", "\nmode: exam\n"))
    return folder


def test_exam_mode_records_answers_and_shows_no_correctness(exam_key, tmp_path):
    bank = load_bank(exam_key / f"{BANK}.yaml")
    assert bank.mode == "exam"
    store = ProgressStore(tmp_path / "p.sqlite3")
    quiz = QuizWidget(bank, store=store, learner="exam-learner")
    right = quiz.panel("il23_source")
    correct_id = next(c.id for c in right.question.choices if c.correct)
    wrong_id = next(c.id for c in right.question.choices if not c.correct)
    assert right.button.description == "Record"

    right.control.value = wrong_id
    right.button.click()
    first = right.feedback.value
    right.control.value = correct_id
    right.button.click()
    second = right.feedback.value
    for shown in (first, second, right.status.value, quiz.total.value):
        assert "Correct" not in shown and "Not quite" not in shown
        assert "points" not in shown and "best" not in shown
    assert "Answer recorded" in second and "attempt 2" in second
    assert right.explanation.value == ""
    assert "1 of" in quiz.total.value and "graded by your instructor" in quiz.total.value

    # A response of the wrong kind is still refused, with the reason.
    numeric = next(p for p in quiz.panels if isinstance(p.question, q.NumericQuestion))
    numeric.control.value = "lots"
    assert numeric.submit() is None
    assert "Expected a number" in numeric.feedback.value

    attempts = store.attempts(BANK, "il23_source")
    assert [a.response for a in attempts] == [wrong_id, correct_id]
    assert {a.mode for a in attempts} == {"exam"}

    # Graded afterwards by the instructor: the latest (right) answer counts.
    sub = build_submission("s1", BANK, store=store, learner="exam-learner",
                           bank_file=exam_key / f"{BANK}.yaml")  # fmt: skip
    path = write_submission(sub, tmp_path / "s1.json")
    run = grade_submissions([path], exam_key)
    answer = next(a for a in run.graded[0].answers if a.question == "il23_source")
    assert answer.correct and answer.points == bank.question("il23_source").points


def test_practice_mode_still_shows_feedback(tmp_path):
    quiz = QuizWidget(load_bank(BANK), store=ProgressStore(tmp_path / "p.sqlite3"), learner="x")
    panel = quiz.panel("il23_source")
    panel.control.value = next(c.id for c in panel.question.choices if c.correct)
    panel.button.click()
    assert panel.button.description == "Check"
    assert "Correct." in panel.feedback.value and "Explanation" in panel.explanation.value
