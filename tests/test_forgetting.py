"""The review scheduler's forgetting curve: model, figure, explorer and computed question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from fsrs import Card, Scheduler, State

from mscpso_edu import diagrams, quiz, widgets
from mscpso_edu.models import forgetting
from mscpso_edu.quiz.computed import draw


@pytest.mark.parametrize("stability", [1.5, 7.0, 40.0])
def test_recall_is_what_the_fsrs_scheduler_predicts(stability):
    scheduler = Scheduler()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    card = Card(card_id=1, state=State.Review, stability=stability, difficulty=5.0,
                last_review=start, due=start)  # fmt: skip
    for days in (0, 1, 3, 10, 30, 90):
        expected = scheduler.get_card_retrievability(card, start + timedelta(days=days))
        assert float(forgetting.recall(days, stability)) == pytest.approx(expected, rel=1e-12)


def test_stability_is_the_day_recall_falls_to_ninety_percent():
    assert forgetting.interval_days(10.0) == pytest.approx(10.0)
    assert forgetting.interval_days(20.0) == pytest.approx(2 * forgetting.interval_days(10.0))
    # FSRS's own interval for retention 0.9 is the stability rounded to whole days.
    assert Scheduler(desired_retention=0.9)._next_interval(stability=13.0) == 13
    assert forgetting.interval_days(10.0, 0.8) > forgetting.interval_days(10.0, 0.9)
    days = np.arange(0, 60)
    drops = -np.diff(forgetting.recall(days, 10.0))
    assert np.all(drops > 0) and np.all(np.diff(drops) < 0)  # falls, ever more slowly
    with pytest.raises(ValueError):
        forgetting.recall(1.0, 0.0)
    with pytest.raises(ValueError):
        forgetting.interval_days(10.0, 1.0)


def test_figure_marks_each_curve_where_it_is_due():
    drawn = diagrams.forgetting_curves(stabilities=(2, 10, 40), days=60)
    assert len(drawn.artists["curves"]) == 3
    due_days = [mark.get_xdata()[0] for mark in drawn.artists["due"]]
    assert due_days == pytest.approx([2, 10, 40])
    assert "stability 10 days" in drawn.alt_text and "due after 10 days" in drawn.alt_text
    with pytest.raises(ValueError):
        diagrams.forgetting_curves(stabilities=())


def test_explorer_readout_follows_the_sliders():
    explorer = widgets.explore_forgetting()
    explorer.controls["stability"].value = 20.0
    explorer.controls["days"].value = 20
    assert "Predicted recall after 20 day(s): 90%" in explorer.readout.value
    assert "comes back after 20.0 days" in explorer.readout.value
    explorer.controls["days"].value = 5
    assert "not due yet" in explorer.readout.value
    assert "stability 20 days" in explorer.alt_text
    assert not explorer.error.value


def test_computed_question_answer_comes_from_the_model():
    for seed in range(5):
        drawn = draw("forgetting_recall", seed)
        stability, days = drawn.parameters["stability"], drawn.parameters["days"]
        assert drawn.answer == pytest.approx(100 * float(forgetting.recall(days, stability)))
    question = quiz.load_bank("12_review").question("recall_after")
    concrete = question.for_seed(3)
    assert quiz.grade(concrete, f"{concrete.answer + 0.8:.2f}").correct
    assert not quiz.grade(concrete, f"{concrete.answer + 3:.2f}").correct
