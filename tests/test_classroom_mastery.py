"""Class mastery per objective in the grading report and its CSV, on synthetic classes."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import numpy as np
import pytest

from mscpso_edu.classroom.analysis import report_html
from mscpso_edu.classroom.grading import grade_submissions
from mscpso_edu.classroom.mastery import class_mastery, mastery_csv
from mscpso_edu.classroom.synthetic import synthetic_submission, wrong_response
from mscpso_edu.cli import main
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import load_bank
from mscpso_edu.quiz.learner import learner_seed
from mscpso_edu.quiz.submission import checksum_of, write_submission

BANK = "12_review"


@pytest.fixture()
def key(tmp_path: Path, repo: Path) -> Path:
    folder = tmp_path / "key"
    folder.mkdir()
    shutil.copy(repo / "quizzes" / f"{BANK}.yaml", folder)
    return folder


def _class(key: Path, folder: Path, students: int, missed_objective: str | None = None):
    """Write a class; with ``missed_objective``, every student gets its questions wrong."""
    bank = load_bank(key / f"{BANK}.yaml")
    rng = np.random.default_rng(19)
    folder.mkdir()
    for number in range(students):
        learner = f"learner-{number}"
        sub = synthetic_submission(bank, f"s{number:03d}", learner, number / 4 - 1.0, rng)
        if missed_objective:
            for answer in sub["answers"]:
                question = bank.question(answer["question"])
                if missed_objective in question.objectives:
                    if isinstance(question, q.ComputedQuestion):
                        seed = learner_seed(BANK, question.id, identity=learner)
                        question = question.for_seed(seed)
                    answer["response"] = wrong_response(question, rng)
            sub["checksum"] = checksum_of(sub)
        write_submission(sub, folder / f"s{number:03d}.json")
    return grade_submissions([folder], key)


def test_per_objective_figures_match_the_graded_answers(key, tmp_path):
    run = _class(key, tmp_path / "subs", 16)
    bank = load_bank(key / f"{BANK}.yaml")
    rows = {stats.objective: stats for stats in class_mastery(run)}
    assert set(rows) == {"12.a", "12.b", "12.c", "12.d"}
    for objective, stats in rows.items():
        ids = [x.id for x in bank.questions if objective in x.objectives and x.points > 0]
        top = sum(bank.question(i).points for i in ids)
        shares = []
        for sub in run.graded:
            points = {a.question: a.points for a in sub.answers}
            shares.append(sum(points[i] for i in ids) / top)
        assert stats.students == 16
        assert stats.mean_share == pytest.approx(np.mean(shares))
        assert stats.below == sum(share < 0.6 for share in shares)
        # Reflections carry no points and are not among the questions behind an objective.
        assert {qid for qid, _ in stats.questions} == set(ids)
        for qid, share in stats.questions:
            right = [a.correct for s in run.graded for a in s.answers if a.question == qid]
            assert share == pytest.approx(np.mean(right))
        assert [s for _, s in stats.questions] == sorted(s for _, s in stats.questions)
    assert rows["12.b"].text.startswith("Interpret a forgetting curve")
    assert rows["12.b"].section and rows["12.b"].section.startswith("2.")
    ranked = class_mastery(run)
    assert [s.share_below for s in ranked] == sorted((s.share_below for s in ranked), reverse=True)


def test_the_objective_everyone_misses_comes_first_in_report_and_csv(key, tmp_path):
    run = _class(key, tmp_path / "subs", 10, missed_objective="12.c")
    first = class_mastery(run)[0]
    assert first.objective == "12.c" and first.below == 10 and first.mean_share == 0.0
    assert all(share == 0.0 for _, share in first.questions)

    rows = list(csv.DictReader(io.StringIO(mastery_csv(run))))
    assert rows[0]["objective"] == "12.c" and rows[0]["percent_below_revisit"] == "100.0"
    assert rows[0]["students_below_revisit"] == "10" and rows[0]["mean_percent"] == "0.0"
    assert "mastery_one_right 0%" in rows[0]["questions_percent_correct"]
    assert {row["objective"] for row in rows} == {"12.a", "12.b", "12.c", "12.d"}

    page = report_html(run)
    section = page[page.index("Class mastery per objective") : page.index("Item analysis")]
    assert section.index("12.c") < min(section.index(o) for o in ("12.a", "12.b", "12.d"))
    assert "10 (100%)" in section and "mastery_which_first 0%" in section


def test_grade_command_writes_the_per_objective_csv(key, tmp_path, capsys):
    _class(key, tmp_path / "subs", 6)
    out = tmp_path / "out"
    out.mkdir()
    code = main(["grade", str(tmp_path / "subs"), "--key", str(key), "--out",
                 str(out / "grades.csv"), "--mastery", str(out / "objectives.csv"),
                 "--report", str(out / "report.html")])  # fmt: skip
    assert code == 0
    text = (out / "objectives.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("quiz,objective,objective_text,section,students")
    assert len(text.splitlines()) == 1 + 4
    assert "Class mastery per objective" in (out / "report.html").read_text(encoding="utf-8")
    assert f"wrote {out / 'objectives.csv'}" in capsys.readouterr().out
