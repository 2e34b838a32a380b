"""Every question type works in every place that handles questions.

Knowledge of each type is still spread over several modules (issue 14 asks for one module per
type). Until then this contract says, for a type added to ``QUESTION_TYPES``, every place it
must reach: a failure names the place and the type. Each type is taken from the course's banks.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import yaml

from mscpso_edu.classroom.analysis import analyse
from mscpso_edu.classroom.export import export_bank
from mscpso_edu.classroom.grading import grade_submissions
from mscpso_edu.classroom.synthetic import correct_response, synthetic_submission, wrong_response
from mscpso_edu.paths import quizzes_dir
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import Bank, load_bank
from mscpso_edu.quiz.released import exam_entry, practice_entry, released_questions
from mscpso_edu.quiz.static import question_html
from mscpso_edu.quiz.submission import write_submission
from mscpso_edu.quiz.widget import QuestionPanel


def _samples() -> dict[str, tuple[Bank, q.Question]]:
    found: dict[str, tuple[Bank, q.Question]] = {}
    for path in sorted(quizzes_dir().glob("*.yaml")):
        bank = load_bank(path)
        for question in bank.questions:
            found.setdefault(question.type, (bank, question))
    return found


SAMPLES = _samples()


def test_the_course_banks_use_every_question_type():
    assert sorted(SAMPLES) == sorted(q.QUESTION_TYPES)


@pytest.fixture(params=sorted(q.QUESTION_TYPES))
def sample(request) -> tuple[Bank, q.Question]:
    if request.param not in SAMPLES:
        pytest.fail(f"no bank uses type {request.param!r}; add one so the contract can run")
    return SAMPLES[request.param]


def _drawn(question: q.Question) -> q.Question:
    return question.for_seed(0) if isinstance(question, q.ComputedQuestion) else question


def test_grading_and_synthetic_responses(sample):
    _, question = sample
    drawn = _drawn(question)
    right = q.grade(drawn, correct_response(drawn))
    assert right.points == drawn.points, f"synthetic/grade: {question.type}"
    wrong = wrong_response(drawn, np.random.default_rng(0))
    q.grade(drawn, wrong)  # a wrong response is still a response of the right kind


def test_the_widget_builds_a_control(sample):
    bank, question = sample
    panel = QuestionPanel(
        question, number=1, lesson=bank.lesson, mode="practice", learner="ann", store=None
    )
    assert panel.widget is not None, f"widget: {question.type}"


def test_the_static_copy_renders_it_both_ways(sample):
    _, question = sample
    assert "<section" in question_html(question, 1), f"static: {question.type}"
    assert "<details>" not in question_html(question, 1, exam=True), f"static exam: {question.type}"


def test_the_release_writes_it_and_reads_it_back(sample, tmp_path):
    bank, question = sample
    for mode in ("exam", "practice"):
        entry = (
            exam_entry(question, mode, 1)
            if mode == "exam"
            else practice_entry(question, mode, "salt", 1)
        )
        data = {"lesson": bank.lesson, "title": "t", "mode": mode, "released": {"salt": "salt"}}
        data["questions"] = [yaml.safe_load(yaml.safe_dump(entry))]
        (back,) = released_questions(data, {}, Path("x.yaml"))
        assert isinstance(back, type(question)) or back.type == question.type, (
            f"release ({mode}): {question.type}"
        )
        response = correct_response(_drawn(question))
        result = _drawn(back).grade(response)  # exam: recorded; practice: graded by hash
        if mode == "practice" and not isinstance(question, q.ComputedQuestion):
            assert result.points == question.points, f"release practice grading: {question.type}"


def test_every_export_format_takes_it(sample):
    # Beside another question, since a format may leave a type out (QTI: reflections),
    # with a warning that names the question.
    bank, question = sample
    _, anchor = SAMPLES["true_false" if question.type == "single" else "single"]
    pair = dataclasses.replace(bank, questions=(anchor, question))
    for fmt in ("qti", "moodle", "gift"):
        warnings: list[str] = []
        assert export_bank(pair, fmt, warnings.append), f"export {fmt}: {question.type}"
        named = (question.id, anchor.id, bank.lesson)
        assert all(w.startswith(named) for w in warnings), warnings


def test_grading_a_submission_and_the_item_analysis(sample, tmp_path):
    bank, _ = sample
    key = tmp_path / "key"
    key.mkdir()
    (key / bank.path.name).write_bytes(bank.path.read_bytes())
    rng = np.random.default_rng(1)
    for student in ("s1", "s2", "s3"):
        sub = synthetic_submission(load_bank(key / bank.path.name), student, student, 0.5, rng)
        write_submission(sub, tmp_path / f"{student}.json")
    run = grade_submissions([tmp_path], key)
    assert len(run.graded) == 3 and not run.skipped
    assert analyse(run)
