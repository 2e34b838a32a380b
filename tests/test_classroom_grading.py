"""Submissions and batch grading: the learner's submit, the instructor's grade, every bad case."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from mscpso_edu.classroom import gradebook, grading
from mscpso_edu.classroom.synthetic import correct_response, synthetic_submission
from mscpso_edu.cli import main
from mscpso_edu.errors import CourseError
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import load_bank
from mscpso_edu.quiz.learner import learner_id, learner_seed
from mscpso_edu.quiz.store import ProgressStore
from mscpso_edu.quiz.submission import build_submission, checksum_of, write_submission

BANK = "00_start_here"


@pytest.fixture()
def key(tmp_path: Path, repo: Path) -> Path:
    """A private answer-key folder holding the course's lesson-00 bank."""
    folder = tmp_path / "key"
    folder.mkdir()
    shutil.copy(repo / "quizzes" / f"{BANK}.yaml", folder)
    return folder


def _write(folder: Path, name: str, submission: dict) -> Path:
    return write_submission(submission, folder / name)


def _class(key: Path, folder: Path, students: int = 12) -> list[Path]:
    bank = load_bank(key / f"{BANK}.yaml")
    rng = np.random.default_rng(7)
    paths = []
    for number in range(students):
        sub = synthetic_submission(bank, f"s{number:03d}", f"learner-{number}", number - 6.0, rng)
        paths.append(_write(folder, f"s{number:03d}.json", sub))
    return paths


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_submit_takes_the_latest_attempt_per_question_and_checksums(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    me = learner_id()
    store.record(me, BANK, "il23_source", "a", 0, 1, False)
    store.record(me, BANK, "il23_source", "b", 1, 1, True)
    store.record("someone-else", BANK, "loop_order", ["x"], 0, 2, False)
    sub = build_submission("s001", BANK, store=store, now=0.0)
    assert [a["question"] for a in sub["answers"]] == ["il23_source"]
    assert sub["answers"][0]["response"] == "b"
    assert sub["answers"][0]["attempts"] == 2
    assert sub["learner"] == me and sub["created"] == "1970-01-01T00:00:00Z"
    assert sub["checksum"] == checksum_of(sub)
    assert len(sub["bank_sha256"]) == 64


def test_submit_command_writes_to_the_data_home(private_home):
    with ProgressStore() as store:
        store.record(learner_id(), BANK, "il23_source", "b", 1, 1, True)
    assert main(["submit", "--student", "s042"]) == 0
    written = private_home / "submissions" / f"s042__{BANK}.json"
    data = json.loads(written.read_text())
    assert data["student"] == "s042" and data["quiz"] == BANK


def test_submit_refuses_a_bad_student_id_and_an_empty_quiz(capsys):
    assert main(["submit", "--student", "../etc"]) == 2
    assert "student id" in capsys.readouterr().err
    assert main(["submit", "--student", "s1", "--quiz", BANK]) == 2
    assert "no answers recorded" in capsys.readouterr().err


def test_a_perfect_submission_gets_full_marks_including_computed_questions(key, tmp_path):
    bank = load_bank(key / f"{BANK}.yaml")
    learner = "learner-perfect"
    answers = []
    for question in bank.questions:
        if isinstance(question, q.ComputedQuestion):
            question = question.for_seed(learner_seed(BANK, question.id, identity=learner))
        answers.append({"question": question.id, "response": correct_response(question),
                        "answered": "2026-01-01T00:00:00Z", "attempts": 1})  # fmt: skip
    sub = synthetic_submission(bank, "s1", learner, 99.0, np.random.default_rng(0))
    sub["answers"] = answers
    sub["checksum"] = checksum_of(sub)
    run = grading.grade_submissions([_write(tmp_path, "a.json", sub)], key)
    assert not run.skipped
    assert run.graded[0].points == pytest.approx(bank.max_points)
    # The same answers under another learner id miss the computed questions: seeds matter.
    sub["learner"] = "learner-other"
    sub["checksum"] = checksum_of(sub)
    other = grading.grade_submissions([_write(tmp_path, "b.json", sub)], key).graded[0]
    computed = [x for x in bank.questions if isinstance(x, q.ComputedQuestion)]
    assert other.points == pytest.approx(bank.max_points - sum(x.points for x in computed))


def test_bad_submissions_are_skipped_with_reasons_and_the_rest_graded(key, tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    good = _class(key, folder, students=4)
    base = json.loads(good[0].read_text())

    (folder / "truncated.json").write_text(good[1].read_text()[:200])
    tampered = dict(base, student="s900")
    tampered["answers"] = [dict(base["answers"][0], response="zzz"), *base["answers"][1:]]
    _write(folder, "tampered.json", tampered)  # checksum of the original content
    wrong_bank = dict(base, student="s901", bank_sha256="0" * 64)
    wrong_bank["checksum"] = checksum_of(wrong_bank)
    _write(folder, "wrongbank.json", wrong_bank)
    unknown_quiz = dict(base, student="s902", quiz="99_nothing")
    unknown_quiz["checksum"] = checksum_of(unknown_quiz)
    _write(folder, "unknownquiz.json", unknown_quiz)
    missing = {k: v for k, v in base.items() if k != "learner"}
    missing["checksum"] = checksum_of(missing)
    _write(folder, "missing.json", missing)
    newer = dict(base, created="2027-01-01T00:00:00Z")
    newer["checksum"] = checksum_of(newer)
    _write(folder, "s000-resubmitted.json", newer)
    (folder / "binary.json").write_bytes(b"\xff\xfe\x00")

    run = grading.grade_submissions([folder], key)
    reasons = {skip.path.name: skip.kind for skip in run.skipped}
    assert reasons == {
        "truncated.json": "malformed",
        "tampered.json": "tampered",
        "wrongbank.json": "wrong bank",
        "unknownquiz.json": "wrong bank",
        "missing.json": "malformed",
        "s000.json": "duplicate",
        "binary.json": "malformed",
    }
    assert sorted(sub.student for sub in run.graded) == ["s000", "s001", "s002", "s003"]
    assert next(s for s in run.graded if s.student == "s000").path.name == "s000-resubmitted.json"


def test_grade_command_writes_every_output_and_never_overwrites(key, tmp_path, capsys):
    folder = tmp_path / "subs"
    folder.mkdir()
    _class(key, folder, students=12)
    out = tmp_path / "out"
    args = ["grade", str(folder), "--key", str(key), "--out", str(out / "grades.csv"),
            "--long", str(out / "long.csv"), "--canvas", str(out / "canvas.csv"),
            "--report", str(out / "report.html")]  # fmt: skip
    assert main(args) == 0
    bank = load_bank(key / f"{BANK}.yaml")

    grades = _rows((out / "grades.csv").read_text())
    assert grades[0] == ["student", BANK, "total"]
    assert len(grades) == 13 and all(row[1] == row[2] for row in grades[1:])
    long_rows = _rows((out / "long.csv").read_text())
    assert long_rows[0][:5] == ["student", "quiz", "question", "response", "points"]
    assert len(long_rows) == 1 + 12 * len(bank)
    # Per-question points add up to the grade of each student.
    for row in grades[1:]:
        mine = [float(r[4]) for r in long_rows[1:] if r[0] == row[0]]
        assert sum(mine) == pytest.approx(float(row[2]))
    canvas = _rows((out / "canvas.csv").read_text())
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", bank.title]
    assert canvas[1][0].strip() == "Points Possible" and float(canvas[1][5]) == bank.max_points
    assert canvas[2][2] == "s000"
    assert (out / "report.html").read_text().startswith("<!DOCTYPE html>")

    capsys.readouterr()
    before = (out / "grades.csv").read_text()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "grades.csv" in err and "--force" in err
    assert (out / "grades.csv").read_text() == before
    assert main([*args, "--force"]) == 0


def test_grade_exit_status_is_1_when_anything_was_skipped(key, tmp_path, capsys):
    folder = tmp_path / "subs"
    folder.mkdir()
    _class(key, folder, students=2)
    (folder / "junk.json").write_text("{not json")
    assert main(["grade", str(folder), "--key", str(key), "--out", str(tmp_path / "g.csv")]) == 1
    err = capsys.readouterr().err
    assert "junk.json: malformed: not valid JSON" in err
    assert len(_rows((tmp_path / "g.csv").read_text())) == 3


def test_grade_usage_errors_exit_2(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "none.json"), "--out", str(tmp_path / "g.csv")]) == 2
    assert "none.json" in capsys.readouterr().err
    # No output named (the marking sheet alone is an output, so --out is not required).
    assert main(["grade", str(tmp_path)]) == 2
    assert "name at least one output" in capsys.readouterr().err


def test_canvas_csv_takes_names_and_ids_from_a_roster(key, tmp_path, capsys):
    folder = tmp_path / "subs"
    folder.mkdir()
    _class(key, folder, students=3)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "student,name,canvas_id,sis_user_id,section\n"
        "s000,Ada Lovelace,101,,Tue\n"
        "s001,Bea Okafor,102,U-1,Tue\n"
        "s999,Cy Absent,103,,Wed\n",
        encoding="utf-8",
    )
    out = tmp_path / "canvas.csv"
    args = ["grade", str(folder), "--key", str(key), "--out", str(tmp_path / "g.csv"),
            "--canvas", str(out), "--roster", str(roster)]  # fmt: skip
    assert main(args) == 0
    rows = {row[0]: row for row in _rows(out.read_text())[2:]}
    assert rows["Ada Lovelace"][:5] == ["Ada Lovelace", "101", "s000", "s000", "Tue"]
    assert rows["Bea Okafor"][2] == "U-1"
    assert rows["Cy Absent"][5] == ""  # listed but submitted nothing: an empty cell, not a zero
    assert rows["s002"][2] == "s002"  # submitted but not listed: the id stands in
    assert "Not in the roster (ids used as names): s002" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text, message",
    [
        ("student,full name\ns000,Ada\n", r"roster\.csv:1: the roster needs the column\(s\) name"),
        ("student,name,email\ns000,Ada,a@x\n", r"roster\.csv:1: unknown roster column\(s\) email"),
        ("student,name\ns000,Ada\ns000,Bea\n", r"roster\.csv:3: student 's000' is listed twice"),
        ("student,name\ns000,\n", r"roster\.csv:2: every row needs a student id and a name"),
    ],
)
def test_a_bad_roster_is_one_clear_error(tmp_path, text, message):
    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    with pytest.raises(CourseError, match=message):
        gradebook.read_roster(roster)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.mkdir(), r"roster\.csv: the roster file is a folder; name a CSV file"),
        (lambda p: p.write_bytes(b"student,name\n\xff\xfe\n"), r"roster\.csv: .*not UTF-8 text"),
        (lambda p: p.write_bytes(b"student,name\ns0,\0\0\n"), r"roster\.csv: .*not a CSV text"),
        (lambda p: None, r"roster\.csv: no such roster file"),
    ],
)
def test_an_unreadable_roster_is_one_clear_error(tmp_path, make, message):
    roster = tmp_path / "roster.csv"
    make(roster)
    with pytest.raises(CourseError, match=message):
        gradebook.read_roster(roster)
