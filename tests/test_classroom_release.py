"""The student release: no solutions, no exam keys anywhere, hashed practice keys that grade,
and the whole class workflow from release to gradebook."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from mscpso_edu.classroom.grading import grade_submissions
from mscpso_edu.classroom.release import make_release, strip_solutions
from mscpso_edu.classroom.synthetic import correct_response, wrong_response
from mscpso_edu.cli import main
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import load_bank
from mscpso_edu.quiz.learner import learner_seed
from mscpso_edu.quiz.store import ProgressStore
from mscpso_edu.quiz.submission import build_submission, write_submission
from mscpso_edu.quiz.widget import QuizWidget

EXAM_BANK = "00_start_here"
PRACTICE_BANK = "03_keratinocytes"
EXAM_QUESTION = "kc_signals"  # one exam question inside a practice bank
SECRET = "SOLUTION-7f3a: the answer cell the instructor wrote"
_EXAM_FIELDS = {
    "id",
    "type",
    "prompt",
    "points",
    "objectives",
    "hints",
    "mode",
    "choices",
    "units",
    "computation",
    "lefts",
    "options",
    "steps",
    "guidance",
}


@pytest.fixture()
def course(tmp_path: Path, repo: Path) -> Path:
    """A course folder: the package, one exam bank, one practice bank with an exam question,
    and a lesson with a solution cell."""
    root = tmp_path / "course"
    (root / "quizzes").mkdir(parents=True)
    (root / "lessons").mkdir()
    shutil.copytree(
        repo / "mscpso_edu", root / "mscpso_edu", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(repo / name, root / name)
    exam = (repo / "quizzes" / f"{EXAM_BANK}.yaml").read_text(encoding="utf-8")
    (root / "quizzes" / f"{EXAM_BANK}.yaml").write_text(
        exam.replace("\nmode: practice\n", "\nmode: exam\n"), encoding="utf-8"
    )
    practice = (repo / "quizzes" / f"{PRACTICE_BANK}.yaml").read_text(encoding="utf-8")
    marker = f"  - id: {EXAM_QUESTION}\n"
    assert marker in practice
    (root / "quizzes" / f"{PRACTICE_BANK}.yaml").write_text(
        practice.replace(marker, marker + "    mode: exam\n"), encoding="utf-8"
    )
    notebook = json.loads((repo / "lessons" / f"{EXAM_BANK}.ipynb").read_text(encoding="utf-8"))
    notebook["cells"].append(
        {
            "cell_type": "code",
            "metadata": {"tags": ["solution"]},
            "source": f"answer = 42  # {SECRET}\n",
            "outputs": [],
            "execution_count": None,
        }
    )
    (root / "lessons" / f"{EXAM_BANK}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    return root


def _exam_questions(course: Path) -> list[q.Question]:
    found = []
    for path in sorted((course / "quizzes").glob("*.yaml")):
        bank = load_bank(path)
        found.extend(x for x in bank.questions if bank.mode_of(x) == "exam")
    return found


def _secret_texts(question: q.Question) -> list[str]:
    texts = [question.explanation]
    if isinstance(question, q.SingleChoiceQuestion | q.MultipleChoiceQuestion):
        texts += [c.feedback for c in question.choices]
    if isinstance(question, q.TrueFalseQuestion):
        texts += [question.feedback_true, question.feedback_false]
    if isinstance(question, q.MatchingQuestion):
        texts += [p.feedback for p in question.pairs]
    if isinstance(question, q.OrderingQuestion):
        texts += [i.feedback for i in question.items]
    if isinstance(question, q.NumericQuestion | q.ShortTextQuestion):
        texts += [m.feedback for m in question.mistakes]
    # Long texts only: a short phrase could be taught in a lesson without leaking anything.
    return [" ".join(t.split()) for t in texts if len(t.strip()) >= 25]


def test_release_leaks_no_exam_answer_anywhere(course, tmp_path):
    out = tmp_path / "release"
    counts = make_release(out, source=course)
    assert counts["exam"] == len(_exam_questions(course)) > 10 and counts["solutions"] == 1
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files
    everything = {p: " ".join(p.read_bytes().decode("utf-8", "replace").split()) for p in files}
    key_bytes = {p.read_bytes() for p in (course / "quizzes").glob("*.yaml")}
    for path in files:
        assert path.read_bytes() not in key_bytes, f"a key bank was copied to {path}"
    assert not any(SECRET in text for text in everything.values())

    for question in _exam_questions(course):
        for secret in _secret_texts(question):
            leaks = [str(p.relative_to(out)) for p, text in everything.items() if secret in text]
            assert not leaks, f"{question.id}: {secret[:40]!r} leaked into {leaks}"

    released = {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in (out / "quizzes").glob("*.yaml")
    }
    for question in _exam_questions(course):
        bank = next(
            b for b in released.values() if any(x["id"] == question.id for x in b["questions"])
        )
        entry = next(x for x in bank["questions"] if x["id"] == question.id)
        assert set(entry) <= _EXAM_FIELDS, (question.id, set(entry) - _EXAM_FIELDS)
        for choice in entry.get("choices", []):
            assert set(choice) == {"id", "text"}
        if isinstance(question, q.OrderingQuestion):
            assert entry["steps"] != [item.text for item in question.items]
        if isinstance(question, q.MatchingQuestion):
            assert entry["options"] != [pair.right for pair in question.pairs]
        if isinstance(question, q.ShortTextQuestion):
            shown = json.dumps(entry, ensure_ascii=False).casefold()
            assert not any(f'"{a.casefold()}"' in shown for a in question.accept), question.id
        if isinstance(question, q.NumericQuestion):
            assert question.answer not in [v for v in entry.values() if isinstance(v, float)]


def test_solution_cells_are_replaced_and_outputs_cleared():
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["solution"]},
                "source": "x = 1",
                "outputs": [{"output_type": "stream", "text": "1"}],
                "execution_count": 3,
            },
            {
                "cell_type": "markdown",
                "metadata": {"tags": ["solution", "x"]},
                "source": "It is 1.",
            },
            {
                "cell_type": "code",
                "metadata": {},
                "source": "y = 2",
                "outputs": [],
                "execution_count": 1,
            },
        ]
    }
    stripped, count = strip_solutions(notebook)
    assert count == 2
    assert [c["source"] for c in stripped["cells"]] == [
        "# YOUR ANSWER HERE\n",
        "*Your answer here.*",
        "y = 2",
    ]
    assert stripped["cells"][0]["outputs"] == [] and stripped["cells"][0]["execution_count"] is None
    assert notebook["cells"][0]["source"] == "x = 1"  # the original is untouched


def test_hashed_practice_banks_grade_like_their_keys(course, tmp_path):
    out = tmp_path / "release"
    make_release(out, source=course)
    key = load_bank(course / "quizzes" / f"{PRACTICE_BANK}.yaml")
    student = load_bank(out / "quizzes" / f"{PRACTICE_BANK}.yaml")
    text = (out / "quizzes" / f"{PRACTICE_BANK}.yaml").read_text(encoding="utf-8")
    assert "correct: true" not in text and "accept:" not in text
    rng = np.random.default_rng(5)
    checked = 0
    for kq, sq in zip(key.questions, student.questions, strict=True):
        if isinstance(kq, q.ComputedQuestion):
            kq, sq = kq.for_seed(11), sq.for_seed(11)
        for response in (correct_response(kq), wrong_response(kq, rng)):
            expected, got = kq.grade(response), sq.grade(response)
            if key.mode_of(kq) == "exam":
                assert got.points == 0 and "graded by your instructor" in got.feedback
            else:
                assert got.points == pytest.approx(expected.points), kq.id
                checked += 1
    assert checked >= 20


def test_release_refuses_a_non_empty_folder(course, tmp_path, capsys):
    out = tmp_path / "release"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["release", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err


def test_whole_class_workflow_from_release_to_gradebook(course, tmp_path):
    """Release, students answer the exam in the released widget, submit, instructor grades."""
    out = tmp_path / "release"
    make_release(out, source=course)
    released = load_bank(out / "quizzes" / f"{EXAM_BANK}.yaml")
    key = load_bank(course / "quizzes" / f"{EXAM_BANK}.yaml")
    submissions = tmp_path / "submissions"
    expected = {}
    for number, skill in enumerate([0.0, 0.5, 1.0]):
        learner = f"learner-{number}"
        store = ProgressStore(tmp_path / f"store{number}.sqlite3")
        quiz = QuizWidget(released, store=store, learner=learner)
        total = 0.0
        for index, (panel, kq) in enumerate(zip(quiz.panels, key.questions, strict=True)):
            if isinstance(kq, q.ComputedQuestion):
                kq = kq.for_seed(learner_seed(EXAM_BANK, kq.id, identity=learner))
            right = index < skill * len(quiz.panels)
            response = (
                correct_response(kq) if right else wrong_response(kq, np.random.default_rng(index))
            )
            store.record(learner, EXAM_BANK, kq.id, response, 0.0, kq.points, False, "exam")
            total += kq.grade(response).points
            assert "Correct" not in panel.feedback.value
        expected[f"s{number}"] = total
        sub = build_submission(
            f"s{number}",
            EXAM_BANK,
            store=store,
            learner=learner,
            bank_file=out / "quizzes" / f"{EXAM_BANK}.yaml",
        )
        write_submission(sub, submissions / f"s{number}.json")
    run = grade_submissions([submissions], course / "quizzes")
    assert not run.skipped
    assert {s.student: s.points for s in run.graded} == pytest.approx(expected)
    assert expected["s0"] < expected["s1"] < expected["s2"] == key.max_points

    grades = tmp_path / "grades.csv"
    status = main(
        [
            "grade",
            str(submissions),
            "--key",
            str(course / "quizzes"),
            "--out",
            str(grades),
            "--canvas",
            str(tmp_path / "canvas.csv"),
            "--report",
            str(tmp_path / "report.html"),
        ]
    )
    assert status == 0
    rows = list(csv.DictReader(grades.open()))
    assert {r["student"]: float(r["total"]) for r in rows} == pytest.approx(expected)
