"""The Submit button of the end-of-lesson quiz: hands in what was recorded, as `submit` does."""

from __future__ import annotations

import json

import pytest
from test_quiz_widget import answer_correctly

from mscpso_edu import quiz
from mscpso_edu.classroom.grading import grade_submissions
from mscpso_edu.quiz.store import ProgressStore
from mscpso_edu.quiz.submission import checksum_of


@pytest.fixture
def store(tmp_path):
    with ProgressStore(tmp_path / "progress.sqlite3") as opened:
        yield opened


def test_only_the_end_of_lesson_quiz_offers_submit(store):
    assert hasattr(quiz.show("00_start_here", store=store, learner="ann"), "submit_button")
    check = quiz.check("00_start_here", "loop_order", store=store, learner="ann")
    assert not hasattr(check, "submit_button")


def test_submit_hands_in_the_recorded_answers_and_they_grade(store, private_home, monkeypatch):
    monkeypatch.delenv("MSCPSO_EDU_EXCHANGE", raising=False)
    shown = quiz.show("00_start_here", store=store, learner="ann")
    for panel in shown.panels[:3]:
        answer_correctly(panel)
        panel.button.click()
    shown.student.value = "s123"
    shown.submit_button.click()

    target = private_home / "submissions" / "s123__00_start_here.json"
    assert target.is_file()
    assert "Handed in 3 answer(s)" in shown.submit_status.value
    data = json.loads(target.read_text())
    assert data["student"] == "s123" and data["learner"] == "ann"
    assert data["checksum"] == checksum_of(data)
    run = grade_submissions([target])
    (graded,) = run.graded
    assert graded.points == sum(panel.question.points for panel in shown.panels[:3])


def test_submit_without_an_id_or_answers_says_why(store, private_home):
    shown = quiz.show("00_start_here", store=store, learner="bob")
    shown.submit_button.click()
    assert 'role="alert"' in shown.submit_status.value
    assert not (private_home / "submissions").exists()
    shown.student.value = "s9"
    shown.submit_button.click()
    assert "no answers recorded" in shown.submit_status.value


def test_on_a_hub_the_id_is_the_user_and_the_file_goes_to_the_exchange(
    store, tmp_path, monkeypatch
):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    monkeypatch.setenv("JUPYTERHUB_USER", "carol")
    monkeypatch.setenv("MSCPSO_EDU_EXCHANGE", str(exchange))
    shown = quiz.show("00_start_here", store=store, learner="carol-learner")
    assert shown.student.value == "carol"
    answer_correctly(shown.panels[0])
    shown.panels[0].button.click()
    assert shown.hand_in() == exchange / "00_start_here" / "carol.json"
