"""Spaced review: FSRS scheduling, the queue, apartness from graded attempts, the session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mscpso_edu import quiz
from mscpso_edu.errors import CourseError
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.spaced import ReviewStore, build_queue, describe_due, next_due
from mscpso_edu.quiz.store import ProgressStore
from mscpso_edu.quiz.submission import build_submission

T0 = datetime(2026, 11, 2, 10, tzinfo=UTC)
LESSON = "00_start_here"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture()
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture()
def stores(tmp_path: Path, clock: Clock):
    progress = ProgressStore(tmp_path / "progress.sqlite3")
    reviews = ReviewStore(tmp_path / "review.sqlite3", clock=clock)
    yield progress, reviews
    progress.close()
    reviews.close()


def quiz_attempt(store: ProgressStore, question: str, score: float, when: datetime, lesson=LESSON):
    """Record a quiz attempt made at ``when`` (the progress store stamps the real time)."""
    top = quiz.load_bank(lesson).question(question).points
    attempt = store.record("me", lesson, question, "x", score * top, top, score >= 1.0)
    store._connection.execute(
        "UPDATE attempts SET created = ? WHERE id = ?", (when.timestamp(), attempt.id)
    )
    return attempt


def review_attempt(reviews: ReviewStore, question: str, score: float, lesson=LESSON):
    top = quiz.load_bank(lesson).question(question).points
    return reviews.record("me", lesson, question, "x", score * top, top, score >= 1.0)


def due(progress, reviews, question: str) -> datetime:
    found = next_due(LESSON, question, progress, reviews)
    assert found is not None
    return found


def test_due_dates_move_out_after_success_and_in_after_failure(stores, clock):
    progress, reviews = stores
    quiz_attempt(progress, "il23_source", 1.0, T0)
    first = due(progress, reviews, "il23_source")
    assert first > T0 + timedelta(days=1)

    # Reviewed right on the due day: the next interval is longer than the first.
    clock.now = first
    review_attempt(reviews, "il23_source", 1.0)
    second = due(progress, reviews, "il23_source")
    assert second - first > first - T0

    # Missed on the next due day: it comes back sooner than after a success.
    clock.now = second
    review_attempt(reviews, "il23_source", 0.0)
    third = due(progress, reviews, "il23_source")
    assert third - second < second - first
    assert third - second >= timedelta(days=1)  # whole days: tomorrow at the earliest

    # A question missed in the quiz is due sooner than one answered right the same day.
    quiz_attempt(progress, "msc_dendritic_effect", 0.0, T0)
    assert due(progress, reviews, "msc_dendritic_effect") < first


def test_retries_on_the_same_day_do_not_count(stores):
    progress, reviews = stores
    quiz_attempt(progress, "il23_source", 0.0, T0)
    quiz_attempt(progress, "il23_source", 1.0, T0 + timedelta(minutes=1))
    quiz_attempt(progress, "msc_dendritic_effect", 0.0, T0)
    assert due(progress, reviews, "il23_source") == due(progress, reviews, "msc_dendritic_effect")


def test_queue_serves_missed_first_then_lowest_recall_and_skips_what_is_not_due(stores, clock):
    progress, reviews = stores
    quiz_attempt(progress, "il23_source", 1.0, T0 - timedelta(days=20))  # long overdue
    quiz_attempt(progress, "isct_criteria", 1.0, T0 - timedelta(days=4))  # just due
    quiz_attempt(progress, "msc_dendritic_effect", 0.0, T0 - timedelta(days=2))  # missed
    quiz_attempt(progress, "net_lesson", 1.0, T0)  # answered today: not due
    queue = build_queue(progress, reviews)
    assert [item.question.id for item in queue] == [
        "msc_dendritic_effect", "il23_source", "isct_criteria",
    ]  # fmt: skip
    assert queue[0].missed and queue[0].reason == "you missed it last time"
    assert queue[1].recall < queue[2].recall < 0.9
    assert queue[1].reason.startswith("predicted recall has dropped to")
    assert build_queue(progress, reviews, limit=1)[0].question.id == "msc_dendritic_effect"
    # The same clock gives the same queue.
    again = build_queue(progress, reviews)
    assert [(i.question.id, i.due, i.recall) for i in again] == [
        (i.question.id, i.due, i.recall) for i in queue
    ]
    # Nothing else: never-tried questions and other lessons' questions are not served.
    assert {item.lesson for item in queue} == {LESSON}


def test_cached_cards_equal_a_rebuild_from_scratch(stores, clock, tmp_path):
    progress, reviews = stores
    quiz_attempt(progress, "il23_source", 1.0, T0 - timedelta(days=10))
    build_queue(progress, reviews)  # caches the cards
    quiz_attempt(progress, "il23_source", 0.0, T0 - timedelta(days=3))
    review_attempt(reviews, "il23_source", 1.0)
    cached = due(progress, reviews, "il23_source")
    with ReviewStore(tmp_path / "fresh.sqlite3", clock=clock) as fresh:
        for attempt in reviews.attempts():
            row = fresh.record(
                attempt.learner, attempt.lesson, attempt.question, attempt.response,
                attempt.points, attempt.max_points, attempt.correct,
            )  # fmt: skip
            assert row.created == attempt.created
        assert next_due(LESSON, "il23_source", progress, fresh) == cached
    # Deleting the quiz attempts (mscpso-edu progress --reset) forgets their cards.
    progress.reset()
    reviews._connection.execute("DELETE FROM reviews")
    assert next_due(LESSON, "il23_source", progress, reviews) is None


def test_exam_questions_and_reflections_never_appear(stores, tmp_path, monkeypatch, repo):
    progress, reviews = stores
    quiz_attempt(progress, "il23_source", 0.0, T0 - timedelta(days=5))
    capstone = quiz.load_bank("11_capstone")
    reflection = next(x for x in capstone.questions if isinstance(x, q.ReflectionQuestion))
    progress.record("me", "11_capstone", reflection.id, "my text", 0.0, 0.0, False)
    exam_attempt = progress.record("me", LESSON, "isct_criteria", True, 1.0, 1.0, True, "exam")
    progress._connection.execute(
        "UPDATE attempts SET created = ? WHERE id = ?",
        ((T0 - timedelta(days=5)).timestamp(), exam_attempt.id),
    )
    assert [i.question.id for i in build_queue(progress, reviews)] == ["il23_source"]

    # The instructor turns the bank to exam mode: its questions leave the review.
    folder = tmp_path / "key"
    folder.mkdir()
    text = (repo / "quizzes" / f"{LESSON}.yaml").read_text(encoding="utf-8")
    (folder / f"{LESSON}.yaml").write_text(text.replace("\nmode: practice\n", "\nmode: exam\n"))
    monkeypatch.setattr("mscpso_edu.quiz.bank.quizzes_dir", lambda: folder)
    assert build_queue(progress, reviews) == []
    with pytest.raises(CourseError, match="exam-mode questions are not reviewed"):
        reviews.record("me", LESSON, "il23_source", "a", 1.0, 1.0, True, "exam")


def test_review_attempts_never_touch_the_progress_store_or_a_submission(stores, clock):
    progress, reviews = stores
    quiz_attempt(progress, "il23_source", 0.0, T0 - timedelta(days=5))
    before = build_submission("s1", LESSON, store=progress, learner="me", now=0.0)
    count = progress.count()

    session = quiz.review(store=progress, reviews=reviews, learner="me")
    panel = session.panel("il23_source")
    right = next(c.id for c in panel.question.choices if c.correct)
    panel.control.value = right
    assert panel.submit().correct

    assert progress.count() == count
    assert [a.question for a in reviews.attempts()] == ["il23_source"]
    assert reviews.attempts()[0].created == clock().timestamp()
    after = build_submission("s1", LESSON, store=progress, learner="me", now=0.0)
    assert after == before


def test_answering_shows_feedback_and_the_next_due_date(stores, clock):
    progress, reviews = stores
    quiz_attempt(progress, "il23_source", 0.0, T0 - timedelta(days=5))
    session = quiz.review(store=progress, reviews=reviews, learner="me")
    assert "1 question(s) due from 1 lesson(s)" in session.intro.value
    assert "never change a grade" in session.intro.value
    panel = session.panels[0]
    right = next(c.id for c in panel.question.choices if c.correct)
    panel.control.value = right
    panel.button.click()
    assert "points" in panel.feedback.value and panel.explanation.value
    shown = session.due_lines[id(panel)].value
    expected = due(progress, reviews, "il23_source")
    assert expected > clock()
    assert f"Next review: {describe_due(expected, clock())}" in shown
    assert expected.date().isoformat() in shown
    # After the review nothing is due any more today.
    assert build_queue(progress, reviews) == []
    later = quiz.review(store=progress, reviews=reviews, learner="me")
    assert later.panels == [] and "Nothing is due for review now" in later.intro.value
    assert expected.date().isoformat() in later.intro.value


def test_nothing_to_review_before_any_quiz(stores):
    progress, reviews = stores
    session = quiz.review(store=progress, reviews=reviews, learner="me")
    assert session.panels == [] and "answer a lesson's quiz first" in session.intro.value


def test_computed_questions_draw_new_numbers_on_each_review(stores, clock):
    progress, reviews = stores
    question = quiz.load_bank(LESSON).question("pasi_one_region")
    assert isinstance(question, q.ComputedQuestion)
    quiz_attempt(progress, "pasi_one_region", 0.0, T0 - timedelta(days=5))
    from mscpso_edu.quiz.learner import learner_seed

    in_quiz = question.for_seed(learner_seed(LESSON, question.id, identity="me"))
    first = quiz.review(store=progress, reviews=reviews, learner="me").panel("pasi_one_region")
    assert isinstance(first.question, q.NumericQuestion)
    assert first.question.prompt != in_quiz.prompt
    first.control.value = f"{first.question.answer}"
    assert first.submit().correct  # graded against the numbers it showed

    clock.now = due(progress, reviews, "pasi_one_region")
    second = quiz.review(store=progress, reviews=reviews, learner="me").panel("pasi_one_region")
    assert second.question.prompt not in (first.question.prompt, in_quiz.prompt)


def test_the_session_carries_a_still_copy_for_the_static_site(stores):
    progress, reviews = stores
    bundle = quiz.review(store=progress, reviews=reviews, learner="me")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "Run this notebook in JupyterLab" in bundle["text/html"]
