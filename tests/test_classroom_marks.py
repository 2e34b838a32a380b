"""Hand marking: reflections worth points await the instructor's marks, the marking sheet lists
them with their rubric, and a marks file merges into every output (or is refused, readably)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest

from mscpso_edu.classroom.synthetic import synthetic_submission
from mscpso_edu.cli import main
from mscpso_edu.quiz.bank import load_bank, read_bank
from mscpso_edu.quiz.submission import checksum_of, write_submission

LESSON = "11_capstone"

BANK = textwrap.dedent(
    """\
    lesson: 11_capstone
    title: Capstone
    mode: exam
    questions:
      - id: tf
        type: true_false
        prompt: MSCs adhere to plastic.
        objectives: [11.a]
        answer: true
        feedback_true: Yes.
        feedback_false: They do.
        explanation: ISCT criterion.
        references: [dominici2006]
      - id: defence
        type: reflection
        points: 4
        objectives: [11.a]
        prompt: Defend your design.
        explanation: A good defence names evidence and safety.
        references: [cheng2022]
        rubric:
          - criterion: Evidence
            points: 2
            full_marks: Names the human studies and their level.
          - criterion: Safety
            points: 2
            full_marks: Weighs the clotting data for this patient.
      - id: thought
        type: reflection
        objectives: [11.a]
        prompt: What surprised you?
        explanation: Anything honest.
        references: [cheng2022]
    """
)


@pytest.fixture()
def key(tmp_path: Path) -> Path:
    folder = tmp_path / "key"
    folder.mkdir()
    (folder / f"{LESSON}.yaml").write_text(BANK, encoding="utf-8")
    return folder


@pytest.fixture()
def subs(tmp_path: Path, key: Path) -> Path:
    """Three students who answer everything; s2 leaves the defence out."""
    bank = load_bank(key / f"{LESSON}.yaml")
    folder = tmp_path / "subs"
    folder.mkdir()
    rng = np.random.default_rng(3)
    for student in ("s0", "s1", "s2"):
        sub = synthetic_submission(bank, student, f"learner-{student}", 5.0, rng)
        sub["answers"] = [
            {**a, "response": f"{student} defends: adipose cells into plaques."}
            if a["question"] == "defence"
            else a
            for a in sub["answers"]
            if not (student == "s2" and a["question"] == "defence")
        ]
        sub["checksum"] = checksum_of(sub)
        write_submission(sub, folder / f"{student}.json")
    return folder


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _grade(subs: Path, key: Path, tmp_path: Path, *extra: str) -> int:
    return main(["grade", str(subs), "--key", str(key), *extra])


# --- the question ------------------------------------------------------------------------------


def test_a_reflection_given_points_counts_them_and_is_marked_by_hand(key):
    bank = load_bank(key / f"{LESSON}.yaml")
    assert bank.question("defence").points == 4 and bank.question("defence").marked_by_hand
    assert bank.question("thought").points == 0 and not bank.question("thought").marked_by_hand
    assert bank.max_points == 5
    criteria = [c.criterion for c in bank.question("defence").rubric]
    assert criteria == ["Evidence", "Safety"]


def test_a_rubric_that_does_not_add_up_to_the_points_is_a_bank_problem(tmp_path):
    path = tmp_path / f"{LESSON}.yaml"
    path.write_text(BANK.replace("points: 4", "points: 5"), encoding="utf-8")
    _bank, problems = read_bank(path)
    assert any("add up to 4 points but the question is worth 5" in p.message for p in problems)


def test_the_widget_and_the_static_copy_say_marked_by_your_instructor(key):
    from mscpso_edu.quiz.static import question_html
    from mscpso_edu.quiz.widget import QuestionPanel

    question = load_bank(key / f"{LESSON}.yaml").question("defence")
    panel = QuestionPanel(
        question, number=1, lesson=LESSON, mode="practice", learner="ann", store=None
    )
    assert "marked by your instructor" in panel.prompt.value
    assert "not graded" not in panel.prompt.value
    panel.control.value = "Adipose cells into two plaques."
    result = panel.submit()
    assert result is not None and result.points == 0 and result.max_points == 4
    assert "your instructor marks it" in panel.feedback.value
    assert "0 / 4" not in panel.feedback.value
    assert "marked by your instructor" in panel.status.value
    html = question_html(question, 1)
    assert "marked by your instructor" in html and "not graded" not in html


def test_the_released_copy_keeps_the_points_and_the_published_rubric(key, tmp_path):
    from mscpso_edu.quiz.released import exam_entry, released_questions

    question = load_bank(key / f"{LESSON}.yaml").question("defence")
    entry = exam_entry(question, "exam", 0)
    assert entry["points"] == 4 and [c["criterion"] for c in entry["rubric"]] == [
        "Evidence",
        "Safety",
    ]
    data = {"released": {"salt": "x"}, "mode": "exam", "questions": [entry]}
    [back] = released_questions(data, {}, tmp_path / "b.yaml")
    assert back.marked_by_hand and back.points == 4


# --- grading without marks: awaiting marking, never silently 0 -----------------------------------


def test_unmarked_written_answers_await_marking_in_every_output(subs, key, tmp_path, capsys):
    out, long, canvas, report = (tmp_path / n for n in ("g.csv", "l.csv", "c.csv", "r.html"))
    code = _grade(
        subs, key, tmp_path, "--out", str(out), "--long", str(long), "--canvas", str(canvas),
        "--report", str(report),
    )  # fmt: skip
    assert code == 0
    assert "2 written answer(s) await your marks" in capsys.readouterr().out
    grades = {r["student"]: r for r in _rows(out)}
    assert grades["s0"]["awaiting_marking"] == f"{LESSON}:defence"
    assert grades["s2"]["awaiting_marking"] == ""  # nothing handed in to mark
    status = {(r["student"], r["question"]): r["status"] for r in _rows(long)}
    assert status[("s0", "defence")] == "awaiting marking"
    assert status[("s2", "defence")] == "unanswered"
    assert status[("s0", "thought")] == "graded"
    canvas_rows = list(csv.reader(io.StringIO(canvas.read_text(encoding="utf-8"))))
    cells = {row[0]: row[5] for row in canvas_rows[2:]}
    assert cells["s0"] == "" and cells["s1"] == "" and cells["s2"] != ""
    text = report.read_text(encoding="utf-8")
    assert "Written answers marked by hand" in text and "awaiting marking" in text


def test_the_marking_sheet_lists_every_written_answer_with_the_rubric(subs, key, tmp_path):
    sheet = tmp_path / "sheet.csv"
    assert _grade(subs, key, tmp_path, "--marking-sheet", str(sheet)) == 0
    rows = _rows(sheet)
    assert [(r["student"], r["question"]) for r in rows] == [("s0", "defence"), ("s1", "defence")]
    first = rows[0]
    assert first["points"] == "" and first["max_points"] == "4"
    assert first["response"] == "s0 defends: adipose cells into plaques."
    assert first["rubric"].splitlines() == [
        "Evidence (0-2): Names the human studies and their level.",
        "Safety (0-2): Weighs the clotting data for this patient.",
    ]


def test_the_marking_sheet_never_hands_a_spreadsheet_a_formula(subs, key, tmp_path):
    from mscpso_edu.classroom.grading import grade_submissions
    from mscpso_edu.classroom.marks import marking_sheet_csv

    run = grade_submissions([subs], key)
    answer = next(a for a in run.graded[0].answers if a.question == "defence")
    answer.response = '=HYPERLINK("http://evil.example","click")'
    rows = list(csv.DictReader(io.StringIO(marking_sheet_csv(run))))
    assert rows[0]["response"] == "'" + answer.response


def test_a_filled_in_sheet_merges_as_marks_into_every_output(subs, key, tmp_path, capsys):
    sheet = tmp_path / "sheet.csv"
    assert _grade(subs, key, tmp_path, "--marking-sheet", str(sheet)) == 0
    rows = _rows(sheet)
    rows[0]["points"], rows[0]["comment"] = "3", "Name the trial's size."
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)  # s1 left blank: still awaiting marking
    out, long, canvas, again = (tmp_path / n for n in ("g.csv", "l.csv", "c.csv", "s2.csv"))
    code = _grade(
        subs, key, tmp_path, "--marks", str(sheet), "--out", str(out), "--long", str(long),
        "--canvas", str(canvas), "--marking-sheet", str(again),
    )  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "Merged 1 hand mark(s)" in printed and "1 written answer(s) await" in printed
    grades = {r["student"]: r for r in _rows(out)}
    base = float(grades["s1"][LESSON])  # s1's points without the unmarked defence
    assert grades["s0"]["awaiting_marking"] == "" and grades["s1"]["awaiting_marking"] != ""
    long_rows = {(r["student"], r["question"]): r for r in _rows(long)}
    mark = long_rows[("s0", "defence")]
    assert (mark["points"], mark["status"], mark["comment"]) == (
        "3",
        "marked",
        "Name the trial's size.",
    )
    s0_tf = float(long_rows[("s0", "tf")]["points"])
    assert float(grades["s0"][LESSON]) == s0_tf + 3
    assert base == float(long_rows[("s1", "tf")]["points"])
    cells = {row[0]: row[5] for row in csv.reader(io.StringIO(canvas.read_text("utf-8")))}
    assert float(cells["s0"]) == s0_tf + 3 and cells["s1"] == ""
    again_rows = {r["student"]: r for r in _rows(again)}
    assert again_rows["s0"]["points"] == "3" and again_rows["s1"]["points"] == ""


# --- bad marks files: one readable line, exit 2, nothing written ----------------------------------

HEADER = "student,lesson,question,points,comment\n"


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (HEADER + "s9,11_capstone,defence,2,\n", 2, "student 's9' has no graded submission"),
        (HEADER + "s0,11_capstone,nope,2,\n", 2, "has no question 'nope'"),
        (HEADER + "s0,99_missing,defence,2,\n", 2, "lesson '99_missing' has no bank"),
        (HEADER + "s0,11_capstone,defence,5,\n", 2, "above the maximum"),
        (HEADER + "s0,11_capstone,defence,-1,\n", 2, "must be a number of 0 or more"),
        (HEADER + "s0,11_capstone,defence,nan,\n", 2, "must be a number of 0 or more"),
        (HEADER + "s0,11_capstone,defence,two,\n", 2, "is not a number"),
        (HEADER + "s0,11_capstone,tf,1,\n", 2, "graded automatically"),
        (HEADER + "s0,11_capstone,thought,0,\n", 2, "worth 0 points"),
        (HEADER + "s2,11_capstone,defence,1,\n", 2, "did not answer"),
        (HEADER + "s0,11_capstone,defence,1,\ns0,11_capstone,defence,2,\n", 3, "already marked"),
        (HEADER + ",11_capstone,defence,1,\n", 2, "the student is empty"),
        (HEADER + "s0,11_capstone,defence,1,ok,extra\n", 2, "more fields than the header"),
        ("student,lesson,points\ns0,11_capstone,1\n", 1, "needs the column(s) question"),
        ("student,lesson,question,points,grade\n", 1, "unknown column(s) 'grade'"),
    ],
)
def test_a_bad_marks_file_is_one_line_naming_file_and_line(
    subs, key, tmp_path, capsys, content, line, message
):
    marks = tmp_path / "marks.csv"
    marks.write_text(content, encoding="utf-8")
    out = tmp_path / "g.csv"
    assert _grade(subs, key, tmp_path, "--marks", str(marks), "--out", str(out)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"{marks}:{line}:") or f"{marks}:{line}:" in err
    assert message in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"student,lesson,question,points\n\xff\xfe,x,y,1\n", "not UTF-8"),
        (b"\x00\x01binary", "not a CSV"),
    ],
)
def test_an_unreadable_marks_file_is_refused_readably(subs, key, tmp_path, capsys, data, message):
    marks = tmp_path / "marks.csv"
    marks.write_bytes(data)
    out = tmp_path / "g.csv"
    assert _grade(subs, key, tmp_path, "--marks", str(marks), "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert str(marks) in err and message in err and "Traceback" not in err
    assert not out.exists()


def test_a_missing_marks_file_and_a_marks_file_named_as_output_are_refused(
    subs, key, tmp_path, capsys
):
    missing = tmp_path / "none.csv"
    assert _grade(subs, key, tmp_path, "--marks", str(missing), "--out", str(tmp_path / "g")) == 2
    assert "no such marks file" in capsys.readouterr().err
    marks = tmp_path / "m.csv"
    marks.write_text(HEADER, encoding="utf-8")
    code = _grade(subs, key, tmp_path, "--marks", str(marks), "--marking-sheet", str(marks))
    assert code == 2
    err = capsys.readouterr().err
    assert "already exists" in err or "also named as an output" in err


def test_grade_needs_at_least_one_output(subs, key, tmp_path, capsys):
    assert _grade(subs, key, tmp_path) == 2
    assert "name at least one output" in capsys.readouterr().err


# --- the course's own capstone ------------------------------------------------------------------


def test_the_capstone_exam_defence_is_marked_by_hand_with_the_lessons_rubric(repo):
    bank = load_bank(repo / "quizzes" / f"{LESSON}.yaml")
    exam = bank.question("exam_b_defence")
    assert exam.marked_by_hand and exam.points == sum(c.points for c in exam.rubric)
    practice = bank.question("defence")
    assert practice.points == 0 and not practice.marked_by_hand
    notebook = json.loads((repo / "lessons" / f"{LESSON}.ipynb").read_text(encoding="utf-8"))
    table = [
        [cell.strip().strip("*") for cell in line.strip().strip("|").split("|")]
        for cell_ in notebook["cells"]
        for line in "".join(cell_["source"]).splitlines()
        if line.startswith("| **")
    ]
    # The lesson publishes the rubric the bank marks by: same criteria, same points, and the
    # practice defence's "2 points" column word for word.
    assert [row[0] for row in table] == [c.criterion for c in practice.rubric]
    assert [row[0] for row in table] == [c.criterion for c in exam.rubric]
    assert [row[1].rstrip(".") for row in table] == [
        " ".join(c.full_marks.split()).rstrip(".") for c in practice.rubric
    ]
    assert all(c.points == 2 for c in (*practice.rubric, *exam.rubric))


def test_the_shipped_banks_still_validate(repo, tmp_path):
    copy = tmp_path / "key"
    shutil.copytree(repo / "quizzes", copy)
    _bank, problems = read_bank(copy / f"{LESSON}.yaml")
    assert problems == []


def test_the_learner_side_scores_nothing_it_cannot_mark(key, tmp_path):
    from mscpso_edu.quiz.mastery_map import evidence
    from mscpso_edu.quiz.store import ProgressStore
    from mscpso_edu.quiz.widget import QuestionPanel, QuizWidget

    bank = load_bank(key / f"{LESSON}.yaml")
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        panel = QuestionPanel(
            bank.question("defence"), number=1, lesson=LESSON, mode="practice", learner="ann",
            store=store,
        )  # fmt: skip
        panel.control.value = "Adipose cells into two plaques."
        assert panel.submit() is not None
        [attempt] = store.attempts(LESSON)
        # Recorded out of 0 points: the learner's mastery map takes no evidence from it.
        assert (attempt.points, attempt.max_points) == (0.0, 0.0)
        [found] = evidence(store)
        assert found.score != found.score  # NaN: no evidence
    practice = tmp_path / "practice" / f"{LESSON}.yaml"
    practice.parent.mkdir()
    practice.write_text(BANK.replace("mode: exam\n", ""), encoding="utf-8")
    quiz = QuizWidget(load_bank(practice), ("tf", "defence"), store=False)
    assert "4 of the points are for written answers your instructor marks" in quiz.total.value


def test_item_analysis_and_class_mastery_leave_hand_marked_questions_out(subs, key):
    from mscpso_edu.classroom.analysis import analyse, hand_marking
    from mscpso_edu.classroom.grading import grade_submissions

    run = grade_submissions([subs], key)
    [analysis] = analyse(run)
    assert [item.question for item in analysis.items] == ["tf"]
    [row] = hand_marking(run)
    assert (row["question"], row["answered"], row["marked"], row["awaiting"]) == (
        "defence",
        2,
        0,
        2,
    )
    assert row["mean"] is None


def test_the_long_csv_never_hands_a_spreadsheet_a_formula(subs, key):
    from mscpso_edu.classroom.gradebook import long_csv
    from mscpso_edu.classroom.grading import grade_submissions

    run = grade_submissions([subs], key)
    answer = next(a for a in run.graded[0].answers if a.question == "defence")
    answer.response = '=HYPERLINK("http://evil.example","click")'
    answer.comment = "-1 for no comparator; +cmd|' /C calc'!A0"
    row = next(r for r in csv.DictReader(io.StringIO(long_csv(run))) if r["question"] == "defence")
    assert json.loads(row["response"]) == answer.response  # JSON: a text answer opens with '"'
    assert row["comment"] == "'" + answer.comment
    formula_starts = ("=", "+", "-", "@", "\t", "\r")
    rows = list(csv.DictReader(io.StringIO(long_csv(run))))
    assert not [v for r in rows for v in r.values() if v and v[0] in formula_starts]
