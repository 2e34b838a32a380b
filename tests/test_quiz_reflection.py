"""Reflection questions: free text is recorded with the learner's progress and never graded."""

from __future__ import annotations

import textwrap

import pytest

from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import read_bank
from mscpso_edu.quiz.questions import ResponseError, grade
from mscpso_edu.quiz.store import ProgressStore
from mscpso_edu.quiz.widget import QuestionPanel

COMMON = {"prompt": "Reflect.", "objectives": ("11.a",), "references": ("cheng2022",)}


def reflection(**extra) -> q.ReflectionQuestion:
    return q.ReflectionQuestion(id="r", explanation="Weigh evidence and safety.", **COMMON, **extra)


def test_a_reflection_is_saved_with_zero_points_and_the_guidance():
    question = reflection(guidance="Did you name the evidence level?")
    result = grade(question, "Adipose cells, because two trials used them.")
    assert (result.points, result.max_points, result.correct) == (0.0, 0.0, True)
    assert "Saved (7 words)" in result.feedback
    assert "Did you name the evidence level?" in result.feedback


def test_a_reflection_is_worth_nothing_unless_given_points_then_it_is_marked_by_hand():
    assert reflection().points == 0.0 and not reflection().marked_by_hand
    worth = reflection(points=4.0)
    assert worth.marked_by_hand
    result = grade(worth, "Adipose cells into plaques, watched for clotting.")
    # Nothing is earned until the instructor marks it, and it is not "correct" either.
    assert (result.points, result.max_points, result.correct) == (0.0, 4.0, False)
    assert "your instructor marks it (4 points)" in result.feedback


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ("   \n", "write something before saving"),
        (None, "expected text"),
        ("x" * (q.MAX_REFLECTION_RESPONSE + 1), "keep the text under"),
    ],
)
def test_empty_wrong_kind_or_overlong_text_is_refused_with_a_reason(response, message):
    with pytest.raises(ResponseError, match=message):
        grade(reflection(), response)


def test_a_bank_may_hold_a_reflection_and_it_adds_nothing_to_the_maximum(tmp_path):
    path = tmp_path / "11_capstone.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            lesson: 11_capstone
            title: Capstone
            questions:
              - id: plan
                type: reflection
                prompt: Defend your design.
                objectives: [11.a]
                explanation: A good defence names evidence and safety.
                references: [cheng2022]
                guidance: Compare with the trials.
              - id: tf
                type: true_false
                prompt: MSCs adhere to plastic.
                objectives: [11.a]
                answer: true
                feedback_true: Yes.
                feedback_false: They do.
                explanation: ISCT criterion.
                references: [dominici2006]
            """
        ),
        encoding="utf-8",
    )
    bank, problems = read_bank(path)
    assert problems == []
    plan = bank.question("plan")
    assert isinstance(plan, q.ReflectionQuestion)
    assert plan.guidance == "Compare with the trials."
    assert bank.max_points == 1.0


def test_the_widget_saves_the_text_in_the_progress_store(tmp_path):
    with ProgressStore(tmp_path / "progress.sqlite3") as store:
        panel = QuestionPanel(
            reflection(), number=1, lesson="11_capstone", mode="practice", learner="ann",
            store=store,
        )  # fmt: skip
        assert panel.button.description == "Save"
        panel.control.value = "Cord cells IV, five doses."
        result = panel.submit()
        assert result is not None and result.points == 0.0
        [attempt] = store.attempts("11_capstone")
        assert attempt.response == "Cord cells IV, five doses."
        assert (attempt.points, attempt.max_points) == (0.0, 0.0)
        panel.control.value = ""
        assert panel.submit() is None
        assert store.count() == 1
