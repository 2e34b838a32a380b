"""Grading: every question type right, wrong and partly right; bad responses give clear errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mscpso_edu.errors import CourseError
from mscpso_edu.models import pasi
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.computed import draw
from mscpso_edu.quiz.questions import ResponseError, grade
from mscpso_edu.quiz.textnorm import normalise_answer

COMMON = {"prompt": "?", "points": 2.0, "objectives": ("00.a",), "references": ("furue2020",)}


def choices(*correct: bool) -> tuple[q.Choice, ...]:
    return tuple(
        q.Choice(id=chr(ord("a") + i), text=f"option {i}", correct=c, feedback=f"why {i}")
        for i, c in enumerate(correct)
    )


def test_single_choice_right_and_wrong_with_the_choice_feedback():
    question = q.SingleChoiceQuestion(id="s", choices=choices(False, True, False), **COMMON)
    right = grade(question, "b")
    assert (right.points, right.max_points, right.correct) == (2.0, 2.0, True)
    assert "why 1" in right.feedback
    wrong = grade(question, "c")
    assert (wrong.points, wrong.correct) == (0.0, False)
    assert "why 2" in wrong.feedback


@pytest.mark.parametrize("response", [None, 1, "z", ["b"], b"b"])
def test_single_choice_refuses_responses_it_cannot_grade(response):
    question = q.SingleChoiceQuestion(id="s", choices=choices(False, True), **COMMON)
    with pytest.raises(ResponseError, match="question 's'"):
        grade(question, response)


@pytest.mark.parametrize(
    ("ticked", "points", "correct"),
    [
        (["a", "c"], 2.0, True),  # every right answer, nothing else
        (["a"], 1.0, False),  # one of two right answers: half
        (["a", "b"], 0.0, False),  # one right minus one wrong
        (["a", "b", "c"], 1.0, False),  # two right minus one wrong, over two
        (["a", "b", "c", "d"], 0.0, False),  # ticking everything earns nothing
        ([], 0.0, False),
        (["b", "d"], 0.0, False),  # floored at zero, never negative
    ],
)
def test_multiple_select_scores_right_minus_wrong_floored_at_zero(ticked, points, correct):
    question = q.MultipleChoiceQuestion(id="m", choices=choices(True, False, True, False), **COMMON)
    result = grade(question, ticked)
    assert math.isclose(result.points, points)
    assert result.correct is correct


def test_multiple_select_feedback_names_wrong_ticks_and_missed_answers():
    question = q.MultipleChoiceQuestion(id="m", choices=choices(True, False, True), **COMMON)
    feedback = grade(question, {"a", "b"}).feedback
    assert "You ticked **option 1**: why 1" in feedback
    assert "You left out **option 2**: why 2" in feedback
    with pytest.raises(ResponseError, match="only once"):
        grade(question, ["a", "a"])
    with pytest.raises(ResponseError, match="list of choice ids"):
        grade(question, "a")


def test_true_false():
    question = q.TrueFalseQuestion(
        id="t", answer=False, feedback_true="no: X", feedback_false="yes: Y", **COMMON
    )
    assert grade(question, False).correct
    wrong = grade(question, True)
    assert (wrong.points, wrong.correct) == (0.0, False)
    assert "no: X" in wrong.feedback
    with pytest.raises(ResponseError):
        grade(question, "false")
    with pytest.raises(ResponseError):
        grade(question, 0)


def test_numeric_absolute_and_relative_tolerance_units_and_foreseen_mistakes():
    question = q.NumericQuestion(
        id="n",
        answer=28.0,
        tolerance=0.5,
        units="fold",
        mistakes=(q.Mistake(answer=1 / 28, feedback="You divided the wrong way."),),
        **COMMON,
    )
    assert grade(question, 28.4).correct
    assert grade(question, "27.6 fold").correct
    assert grade(question, " 28 ").correct
    assert not grade(question, 28.6).correct
    assert "divided the wrong way" in grade(question, 1 / 28).feedback
    relative = q.NumericQuestion(id="r", answer=35_000, relative_tolerance=0.02, **COMMON)
    assert grade(relative, "34,500").correct  # within 2 %
    assert not grade(relative, 34_000).correct
    exact = q.NumericQuestion(id="e", answer=0.3, **COMMON)
    assert grade(exact, 0.1 + 0.2).correct  # no tolerance still forgives rounding noise


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ("1,5", "use a point for decimals"),
        ("12 kg", "after the number"),
        ("", "expected a number"),
        ("abc", "expected a number"),
        (True, "expected a number"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        ([1], "expected a number"),
    ],
)
def test_numeric_refuses_unreadable_numbers_with_a_reason(response, message):
    question = q.NumericQuestion(id="n", answer=1.0, units="fold", **COMMON)
    with pytest.raises(ResponseError, match=message):
        grade(question, response)


def matching_question() -> q.MatchingQuestion:
    return q.MatchingQuestion(
        id="match",
        pairs=(
            q.MatchPair(left="IL-23", right="sustains Th17 cells", feedback="f23"),
            q.MatchPair(left="IL-17", right="drives keratinocytes", feedback="f17"),
            q.MatchPair(left="IL-10", right="calms inflammation", feedback="f10"),
        ),
        distractors=("makes red blood cells",),
        **COMMON,
    )


def test_matching_gives_credit_per_pair_and_feedback_for_each_wrong_pair():
    question = matching_question()
    right = {p.left: p.right for p in question.pairs}
    assert grade(question, right).correct
    swapped = {**right, "IL-23": "drives keratinocytes", "IL-17": "sustains Th17 cells"}
    result = grade(question, swapped)
    assert math.isclose(result.points, 2.0 / 3)
    assert "**IL-23**: f23" in result.feedback and "f10" not in result.feedback
    assert grade(question, {**right, "IL-10": "makes red blood cells"}).points == pytest.approx(
        4 / 3
    )
    with pytest.raises(ResponseError, match="choose a match for 'IL-10'"):
        grade(question, {"IL-23": right["IL-23"], "IL-17": right["IL-17"]})
    with pytest.raises(ResponseError, match="unknown item"):
        grade(question, {**right, "IL-4": "x"})
    with pytest.raises(ResponseError, match="unknown match"):
        grade(question, {**right, "IL-10": "cures everything"})


def test_ordering_gives_credit_per_item_in_place():
    items = tuple(q.OrderItem(text=t, feedback=f"f-{t}") for t in ("DC", "IL-23", "Th17", "IL-17"))
    question = q.OrderingQuestion(id="o", items=items, **COMMON)
    assert grade(question, ["DC", "IL-23", "Th17", "IL-17"]).correct
    result = grade(question, ["IL-23", "DC", "Th17", "IL-17"])
    assert result.points == pytest.approx(1.0) and not result.correct
    assert "Step 1 is **DC**: f-DC" in result.feedback
    with pytest.raises(ResponseError, match="exactly once"):
        grade(question, ["DC", "DC", "Th17", "IL-17"])
    with pytest.raises(ResponseError, match="exactly once"):
        grade(question, ["DC", "IL-23", "Th17"])
    with pytest.raises(ResponseError, match="every step"):
        grade(question, ["DC", None, "Th17", "IL-17"])


@pytest.mark.parametrize(
    "typed",
    ["TGF-beta", "TGF-β", "tgf-b", "TGF beta", "tgfβ", " TGF–Beta ", "TGF-ß".replace("ß", "β")],
)
def test_short_text_accepts_case_spacing_and_greek_letter_variants(typed):
    question = q.ShortTextQuestion(id="x", accept=("TGF-β",), **COMMON)
    assert grade(question, typed).correct


def test_short_text_wrong_answer_gets_its_foreseen_feedback():
    question = q.ShortTextQuestion(
        id="x",
        accept=("TGF-β",),
        mistakes=(q.Mistake(answer="IL-17", feedback="IL-17 drives the loop."),),
        **COMMON,
    )
    result = grade(question, "il 17")
    assert (result.points, result.correct) == (0.0, False)
    assert "IL-17 drives the loop." in result.feedback
    assert not grade(question, "TGF-alpha").correct
    with pytest.raises(ResponseError, match="type an answer"):
        grade(question, "  - ")


def test_greek_names_are_replaced_only_as_whole_letters():
    assert normalise_answer("TNFalpha") == normalise_answer("TNF-α") == "tnfa"
    assert normalise_answer("IFN-γ") == normalise_answer(
        "interferon gamma".replace("interferon ", "IFN ")
    )
    assert normalise_answer("alphabet") == "alphabet"  # not a Greek letter here
    assert normalise_answer("immune") == "immune"  # 'mu' inside a word stays


def test_computed_question_uses_the_pasi_model_and_the_seed():
    question = q.ComputedQuestion(
        id="c",
        computation="pasi_one_region",
        prompt="Region {{region}}: E{{erythema}} I{{induration}} S{{scaling}}, {{area_percent}} %",
        explanation="The answer is {{answer}}.",
        tolerance=0.05,
        **{k: v for k, v in COMMON.items() if k != "prompt"},
    )
    drawn = draw("pasi_one_region", 7)
    region = {label.split(" (")[0].lower(): key for key, label in pasi.REGION_LABELS.items()}[
        drawn.parameters["region"]
    ]
    expected = pasi.region_score(
        region,
        drawn.parameters["erythema"],
        drawn.parameters["induration"],
        drawn.parameters["scaling"],
        drawn.parameters["area_percent"],
    )
    learner = question.for_seed(7)
    assert learner.answer == pytest.approx(expected)
    assert "{{" not in learner.prompt and str(drawn.parameters["erythema"]) in learner.prompt
    assert grade(learner, expected).correct
    assert question.grade(expected, seed=7).correct
    # Different seeds give different numbers for at least some learners; one seed is stable.
    prompts = {question.for_seed(seed).prompt for seed in range(20)}
    assert len(prompts) > 5
    assert question.for_seed(3).prompt == question.for_seed(3).prompt


@settings(max_examples=300, deadline=None)
@given(
    response=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=True, allow_infinity=True)
        | st.text(max_size=20)
        | st.sampled_from(["a", "b", "IL-23", "DC", "TGF-β", "28", "sustains Th17 cells"]),
        lambda children: (
            st.lists(children, max_size=5)
            | st.dictionaries(st.text(max_size=5) | st.sampled_from(["IL-23", "IL-17"]), children)
            | st.frozensets(st.sampled_from(["a", "b", "c", "z"]))
        ),
        max_leaves=10,
    ),
)
def test_random_responses_give_a_result_or_a_course_error(response):
    questions = [
        q.SingleChoiceQuestion(id="s", choices=choices(False, True), **COMMON),
        q.MultipleChoiceQuestion(id="m", choices=choices(True, False, True), **COMMON),
        q.TrueFalseQuestion(id="t", answer=True, feedback_true="a", feedback_false="b", **COMMON),
        q.NumericQuestion(id="n", answer=28.0, tolerance=1, units="fold", **COMMON),
        matching_question(),
        q.OrderingQuestion(
            id="o",
            items=(q.OrderItem(text="DC", feedback="x"), q.OrderItem(text="IL-23", feedback="y")),
            **COMMON,
        ),
        q.ShortTextQuestion(id="x", accept=("TGF-β",), **COMMON),
    ]
    for question in questions:
        try:
            result = grade(question, response)
        except CourseError as error:
            assert str(error)
        else:
            assert 0.0 <= result.points <= result.max_points
            assert result.correct == (result.points == result.max_points)


def test_prevalence_computation_takes_its_numbers_from_the_knowledge_base():
    from mscpso_edu import knowledge

    fact = knowledge.fact("prevalence_range")
    for seed in range(10):
        drawn = draw("prevalence_count", seed)
        percent = drawn.parameters["prevalence_percent"]
        assert percent in fact.values.values()
        assert drawn.answer == pytest.approx(drawn.parameters["adults"] * percent / 100)
        assert drawn.references == ("parisi2020",)
