"""Code exercises (issue 18): the learner writes code in a cell and the quiz runs the key's tests.

Checked as a learner, an instructor and a grader would: the course's exercises agree with the
package's own models; the worked solution (supplied here by a fixture, as if the learner had
written it) earns full points in the widget, a wrong answer is told which tests failed and why;
exam mode records only; a release keeps no solution, and an exam copy no expected values;
``grade`` runs every submission in isolation, so a loop or a memory hog costs that answer only;
exports leave the exercise out with a warning.
"""

from __future__ import annotations

import dataclasses
import json
import math

import nbformat
import pytest
import yaml

from mscpso_edu.classroom.export import export_bank
from mscpso_edu.classroom.grading import grade_submissions
from mscpso_edu.classroom.synthetic import synthetic_submission
from mscpso_edu.models import appraisal, pasi
from mscpso_edu.models.flow_cytometry import isct_criteria
from mscpso_edu.paths import lessons_dir, quizzes_dir
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import load_bank
from mscpso_edu.quiz.kinds._release import KEYLESS_FEEDBACK
from mscpso_edu.quiz.released import exam_entry, practice_entry, released_questions
from mscpso_edu.quiz.static import question_html
from mscpso_edu.quiz.store import ProgressStore
from mscpso_edu.quiz.submission import checksum_of, write_submission
from mscpso_edu.quiz.widget import QuestionPanel

EXERCISES = {
    "01_psoriasis": "code_pasi",
    "02_mscs": "code_isct_markers",
    "08_clinical_evidence": "code_wilson",
    "10_cell_free": "code_fraction_left",
}


def _question(lesson: str) -> q.CodeQuestion:
    question = load_bank(quizzes_dir() / f"{lesson}.yaml").question(EXERCISES[lesson])
    assert isinstance(question, q.CodeQuestion)
    return question


def _panel(question: q.Question, mode: str = "practice", store=None) -> QuestionPanel:
    return QuestionPanel(
        question, number=1, lesson="01_psoriasis", mode=mode, learner="ann", store=store
    )


@pytest.fixture(params=sorted(EXERCISES))
def solved(request) -> tuple[str, q.CodeQuestion, QuestionPanel]:
    """A practice panel of each exercise with the worked solution typed in, as a learner would."""
    question = _question(request.param)
    panel = _panel(question)
    panel.inputs["code"].value = question.solution
    return request.param, question, panel


def test_each_lesson_has_its_exercise_cell_with_the_starter_and_the_check_after_it():
    for lesson, qid in EXERCISES.items():
        question = _question(lesson)
        cells = nbformat.read(lessons_dir() / f"{lesson}.ipynb", as_version=4).cells
        (at,) = [i for i, c in enumerate(cells) if "exercise" in c.metadata.get("tags", [])]
        assert cells[at].source == question.starter.rstrip("\n")
        assert cells[at + 1].source == f'quiz.check("{lesson}", "{qid}")'


def test_the_keys_agree_with_the_package_models():
    bounds = pasi.AREA_SCORE_LOWER_BOUNDS
    for test in _question("01_psoriasis").tests:
        regions = {
            # an area in the middle of the band that gives area score a
            region: {
                "erythema": e,
                "induration": i,
                "scaling": s,
                "area_percent": bounds[a - 1] + 1,
            }
            for region, (e, i, s, a) in zip(pasi.REGION_WEIGHTS, test.args, strict=True)
            if a > 0
        }
        assert test.expected == pytest.approx(pasi.pasi_score(regions), abs=1e-9)
    criteria = isct_criteria()
    assert (criteria.min_positive_percent, criteria.max_negative_percent) == (95.0, 2.0)
    for test in _question("02_mscs").tests:
        (percent,) = test.args
        positive = all(
            percent[m] >= criteria.min_positive_percent for m in ("CD105", "CD73", "CD90")
        )
        negative = all(
            percent[m] <= criteria.max_negative_percent
            for m in ("CD45", "CD34", "CD14", "CD19", "HLA-DR")
        )
        assert test.expected is (positive and negative)
    for test in _question("08_clinical_evidence").tests:
        low, high = appraisal.wilson_interval(*test.args)
        assert test.expected == pytest.approx([low, high], abs=test.tolerance)
    cheng = next(t for t in _question("08_clinical_evidence").tests if t.args == (8, 17))
    assert cheng.args == (appraisal.response_rates()[0].successes, appraisal.response_rates()[0].n)
    for test in _question("10_cell_free").tests:
        t_days, half_life = test.args
        assert test.expected == pytest.approx(math.exp(-math.log(2) * t_days / half_life), abs=1e-4)


def test_the_worked_solution_earns_full_points_and_the_starter_does_not(solved):
    _, question, panel = solved
    result = panel.submit()
    assert result is not None and result.correct and result.points == question.points
    n = len(question.tests)
    assert f"{n} of {n} tests passed" in panel.feedback.value
    assert "opens once every test passes" not in panel.explanation.value
    starter = q.grade(question, question.starter)
    assert not starter.correct and starter.points < question.points


def test_practice_shows_which_tests_failed_and_why_and_the_solution_on_request():
    question = _question("10_cell_free")
    panel = _panel(question)
    panel.inputs[
        "code"
    ].value = (
        "def fraction_left(t_days, half_life_days):\n    return 1 - t_days / (2 * half_life_days)\n"
    )
    result = panel.submit()
    assert result is not None and 0 < result.points < question.points
    feedback = panel.feedback.value
    assert "2 of 4 tests passed" in feedback
    assert "fraction_left(3, 1): got -0.5, expected 0.125" in feedback
    assert "does not remove a fixed amount" in feedback  # the bank's feedback for that test
    # The explanation states the formula: it stays closed until every test passes.
    assert "opens once every test passes" in panel.explanation.value
    assert "0.5 to the power" not in panel.explanation.value
    button = panel.inputs["solution"]
    assert (
        "return 0.5 ** (t_days / half_life_days)" not in panel.widget.children[1].children[-1].value
    )
    button.click()
    assert "0.5 ** (t_days / half_life_days)" in panel.control.children[-1].value


def test_code_that_raises_or_is_missing_is_told_plainly():
    question = _question("10_cell_free")
    raising = q.grade(question, "def fraction_left(t, h):\n    return t / 0\n")
    assert raising.points == 0 and "raised ZeroDivisionError" in raising.feedback
    missing = q.grade(question, "def other(t, h):\n    return 1\n")
    assert "does not define fraction_left" in missing.feedback
    with pytest.raises(q.ResponseError, match="no code found"):
        q.grade(question, "   ")


def test_exam_mode_records_the_code_without_saying_whether_it_passed(tmp_path):
    question = _question("01_psoriasis")
    store = ProgressStore(tmp_path / "progress.sqlite")
    panel = _panel(question, mode="exam", store=store)
    assert "solution" not in panel.inputs
    panel.inputs["code"].value = "def pasi(head, arms, trunk, legs):\n    return 1.0\n"
    panel.submit()
    assert "Answer recorded" in panel.feedback.value
    assert "tests passed" not in panel.feedback.value and panel.explanation.value == ""


def test_practice_attempts_record_the_code_and_each_tests_result(tmp_path):
    question = _question("01_psoriasis")
    store = ProgressStore(tmp_path / "progress.sqlite")
    panel = _panel(question, store=store)
    code = "def pasi(head, arms, trunk, legs):\n    return 4.5\n"
    panel.inputs["code"].value = code
    panel.submit()
    (attempt,) = store.attempts("01_psoriasis", question.id)
    response = (
        attempt.response if not isinstance(attempt.response, str) else json.loads(attempt.response)
    )
    assert response == {
        "code": code,
        "test_1": True,
        "test_2": False,
        "test_3": False,
        "test_4": False,
    }


def test_release_strips_the_solution_from_all_and_expected_values_from_exam_copies():
    question = _question("08_clinical_evidence")
    exam = yaml.safe_load(yaml.safe_dump(exam_entry(question, "exam", 1)))
    practice = yaml.safe_load(yaml.safe_dump(practice_entry(question, "practice", "salt", 1)))
    assert "solution" not in exam and "solution" not in practice
    assert all(set(test) == {"args", "kwargs"} for test in exam["tests"])
    assert [t["expected"] for t in practice["tests"]] == [list(t.expected) for t in question.tests]
    data = {"lesson": "08_clinical_evidence", "title": "t", "released": {"salt": "salt"}}
    (keyless,) = released_questions({**data, "mode": "exam", "questions": [exam]}, {}, None)
    assert keyless.grade({"code": question.solution}).feedback == KEYLESS_FEEDBACK
    (practised,) = released_questions(
        {**data, "mode": "practice", "questions": [practice]}, {}, None
    )
    assert practised.grade({"code": question.solution}).correct
    assert practised.solution == ""
    assert "<details>" not in question_html(question, 1, exam=True)


def test_grade_runs_each_submission_in_isolation_and_a_loop_costs_that_answer_only(tmp_path):
    bank = load_bank(quizzes_dir() / "10_cell_free.yaml")
    key = tmp_path / "key"
    key.mkdir()
    (key / bank.path.name).write_bytes(bank.path.read_bytes())
    question = bank.question("code_fraction_left")
    codes = {
        "right": question.solution,
        "loops": "def fraction_left(t, h):\n    while True:\n        pass\n",
        "hoards": "def fraction_left(t, h):\n    x = []\n    while True:\n"
        "        x.append(bytearray(50_000_000))\n",
        "crashes": "import os\nos._exit(1)\n",
    }
    import numpy as np

    for student, code in codes.items():
        sub = synthetic_submission(bank, student, student, 1.0, np.random.default_rng(0))
        answers = [a for a in sub["answers"] if a["question"] == question.id]
        answers[0]["response"] = {"code": code, "test_1": True}  # a claim is not trusted
        sub["answers"] = answers
        sub["checksum"] = checksum_of(sub)
        write_submission(sub, tmp_path / f"{student}.json")
    run = grade_submissions([tmp_path], key)
    assert not run.skipped
    points = {
        g.student: g.answers[[a.question for a in g.answers].index(question.id)] for g in run.graded
    }
    assert points["right"].points == question.points
    for student in ("loops", "hoards", "crashes"):
        assert points[student].points == 0 and points[student].answered, student
    assert "did not finish" in points["loops"].note
    assert "out of memory" in points["hoards"].note


def test_exports_leave_code_exercises_out_with_a_warning():
    bank = load_bank(quizzes_dir() / "10_cell_free.yaml")
    code = bank.question("code_fraction_left")
    other = next(x for x in bank.questions if x.type == "single")
    pair = dataclasses.replace(bank, questions=(other, code))
    for fmt in ("qti", "moodle", "gift"):
        warnings: list[str] = []
        data = export_bank(pair, fmt, warnings.append)
        assert data and any(
            w.startswith(f"{code.id}: code exercises cannot be exported") for w in warnings
        )
        if fmt != "qti":  # a zip is compressed; the two text formats can be searched
            assert b"fraction_left" not in data
