"""nbgitpuller's re-pull behaves as deploy/jupyterhub/README.md tells instructors it does.

A student's copy is cloned, the student edits it, the teacher pushes changes, and the student
pulls again with nbgitpuller's own puller (what the link runs on the hub).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytest.importorskip("nbgitpuller")
nbformat = pytest.importorskip("nbformat")

from nbgitpuller.pull import GitPuller  # noqa: E402

pytestmark = pytest.mark.hub


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Teacher", "-c", "user.email=t@example.invalid", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=60,
    )


def pull(remote: Path, target: Path) -> None:
    for _line in GitPuller(f"file://{remote}", str(target), branch="main").pull():
        pass


def lesson(*cells: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(text) for text in cells]
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"
    return notebook


def sources(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells]


@pytest.fixture()
def course(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A teacher's working copy, its bare remote, and a student's first pull of it."""
    teacher, remote, student = tmp_path / "teacher", tmp_path / "remote.git", tmp_path / "course"
    teacher.mkdir()
    git(tmp_path, "init", "--quiet", "--initial-branch=main", str(teacher))
    nbformat.write(lesson("# Lesson", "Text", "Exercise"), teacher / "lesson.ipynb")
    (teacher / "notes.txt").write_text("line 1\nline 2\nline 3\n")
    (teacher / "extra.txt").write_text("extra\n")
    git(teacher, "add", ".")
    git(teacher, "commit", "--quiet", "-m", "v1")
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    git(teacher, "push", "--quiet", str(remote), "main:main")
    pull(remote, student)
    return teacher, remote, student


def publish(teacher: Path, remote: Path) -> None:
    git(teacher, "commit", "--quiet", "-am", "update")
    git(teacher, "push", "--quiet", str(remote), "main:main")


def test_the_students_edit_wins_a_clash_and_other_changes_arrive(course):
    teacher, remote, student = course
    (student / "notes.txt").write_text("line 1\nmy answer\nline 3\n")
    (teacher / "notes.txt").write_text("line 1\nteacher's fix\nline 3 corrected\n")
    publish(teacher, remote)
    pull(remote, student)
    # One hunk: the student's version of the whole clashing region is kept.
    assert (student / "notes.txt").read_text() == "line 1\nmy answer\nline 3\n"


def test_a_cell_appended_by_both_is_lost_on_the_teachers_side(course):
    teacher, remote, student = course
    mine = nbformat.read(student / "lesson.ipynb", as_version=4)
    mine.cells.append(nbformat.v4.new_markdown_cell("student's note", id="student-note"))
    nbformat.write(mine, student / "lesson.ipynb")
    theirs = nbformat.read(teacher / "lesson.ipynb", as_version=4)
    theirs.cells.append(nbformat.v4.new_markdown_cell("teacher's new cell", id="teacher-new"))
    nbformat.write(theirs, teacher / "lesson.ipynb")
    publish(teacher, remote)
    pull(remote, student)
    assert sources(student / "lesson.ipynb") == ["# Lesson", "Text", "Exercise", "student's note"]


def test_a_teacher_edit_to_an_untouched_cell_arrives(course):
    teacher, remote, student = course
    (student / "notes.txt").write_text("line 1\nline 2\nline 3\nmy line\n")
    theirs = nbformat.read(teacher / "lesson.ipynb", as_version=4)
    theirs.cells[0].source = "# Lesson, corrected"
    nbformat.write(theirs, teacher / "lesson.ipynb")
    publish(teacher, remote)
    pull(remote, student)
    assert sources(student / "lesson.ipynb")[0] == "# Lesson, corrected"
    assert (student / "notes.txt").read_text().endswith("my line\n")


def test_deleted_files_come_back(course):
    _, remote, student = course
    (student / "extra.txt").unlink()
    pull(remote, student)
    assert (student / "extra.txt").read_text() == "extra\n"


def test_a_students_file_named_like_a_new_teacher_file_is_renamed(course):
    teacher, remote, student = course
    (student / "answers.txt").write_text("mine\n")
    (teacher / "answers.txt").write_text("teacher's\n")
    git(teacher, "add", "answers.txt")
    publish(teacher, remote)
    pull(remote, student)
    assert (student / "answers.txt").read_text() == "teacher's\n"
    renamed = list(student.glob("answers__*.txt"))
    assert len(renamed) == 1 and renamed[0].read_text() == "mine\n"
