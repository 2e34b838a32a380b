"""The lesson linter: real lessons pass; each kind of broken lesson gets one clear problem."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mscpso_edu.lessons import check_lessons, lint_notebook, read_objectives

REPO = Path(__file__).resolve().parent.parent
LESSONS = sorted((REPO / "lessons").glob("*.ipynb"))
TEMPLATE = REPO / "lessons" / "00_start_here.ipynb"


def test_there_is_a_first_lesson():
    assert TEMPLATE in LESSONS


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda p: p.name)
def test_every_lesson_meets_the_standard(notebook):
    assert [str(p) for p in lint_notebook(notebook)] == []


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda p: p.name)
def test_every_lesson_has_a_bank_with_the_same_slug(notebook):
    assert (REPO / "quizzes" / f"{notebook.stem}.yaml").is_file()


def test_objectives_are_read_with_their_ids():
    objectives = read_objectives(TEMPLATE)
    assert list(objectives) == ["00.a", "00.b", "00.c", "00.d"]
    assert objectives["00.b"].startswith("Explain what a mesenchymal")


def lesson_copy(tmp_path: Path, name: str = "00_start_here.ipynb") -> tuple[Path, dict]:
    notebook = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    return tmp_path / name, copy.deepcopy(notebook)


def write(path: Path, notebook: dict) -> Path:
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


def first_code_cell(notebook: dict, after: int = 0) -> int:
    return next(
        i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code" and i > after
    )


def messages(path: Path) -> list[str]:
    return [str(p) for p in lint_notebook(path, require_bank=False)]


def test_the_template_copy_is_clean(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    assert messages(write(path, notebook)) == []


def test_outputs_and_execution_counts_are_reported_with_the_cell(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    index = first_code_cell(notebook)
    notebook["cells"][index]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    notebook["cells"][index]["execution_count"] = 3
    assert messages(write(path, notebook)) == [
        f"{path}:cell {index}: carries outputs: commit notebooks without outputs",
        f"{path}:cell {index}: carries an execution count: commit notebooks without them",
    ]


def test_wrong_kernel_and_saved_widget_state(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    notebook["metadata"]["kernelspec"]["name"] = "my-env"
    notebook["metadata"]["widgets"] = {"state": {}}
    found = messages(write(path, notebook))
    assert any("kernelspec must be the standard one" in m for m in found)
    assert any("saved widget state" in m for m in found)


def test_bad_file_name(tmp_path):
    path, notebook = lesson_copy(tmp_path, name="Lesson-0.ipynb")
    (problem,) = messages(write(path, notebook))
    assert "named NN_slug.ipynb" in problem and "Lesson-0.ipynb" in problem


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "00_start_here.ipynb"
    path.write_text('{\n "cells": [\n oops\n]}', encoding="utf-8")
    (problem,) = messages(path)
    assert problem.startswith(f"{path}:3: not valid notebook JSON")


def test_title_must_match_the_file(tmp_path):
    path, notebook = lesson_copy(tmp_path, name="03_keratinocytes.ipynb")
    found = messages(write(path, notebook))
    assert f"{path}:cell 0: title says lesson 00 but the file is lesson 03" in found


def test_missing_time_line(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    cell = notebook["cells"][0]
    cell["source"] = "".join(cell["source"]).replace("**Estimated time:** 40 minutes", "")
    assert messages(write(path, notebook)) == [
        f"{path}:cell 0: the title cell needs a line '**Estimated time:** N minutes'"
    ]


def test_objectives_need_ids_in_order_and_measurable_verbs(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    cell = notebook["cells"][1]
    text = "".join(cell["source"])
    text = text.replace("**00.b** Explain", "**00.c** Understand")
    cell["source"] = text
    found = messages(write(path, notebook))
    assert f"{path}:cell 1: objective 00.c should be 00.b" in found
    assert any("objective 00.c starts with 'Understand'" in m for m in found)


def test_helper_code_and_stray_imports_are_refused(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    index = first_code_cell(notebook, after=first_code_cell(notebook))
    notebook["cells"][index]["source"] = "import os\ndef helper():\n    return 1\n"
    found = messages(write(path, notebook))
    assert f"{path}:cell {index}: defines 'helper': helpers belong in the mscpso_edu package" in (
        found
    )
    assert f"{path}:cell {index}: imports belong in the single setup cell at the top" in found


def test_an_exercise_cell_may_hold_the_learners_code_only_before_its_check(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    index = first_code_cell(notebook, after=first_code_cell(notebook))
    cell = notebook["cells"][index]
    cell["source"] = "import math\ndef area(r):\n    return sum(math.pi * r * r for _ in [1])\n"
    cell.setdefault("metadata", {})["tags"] = ["exercise"]
    after = first_code_cell(notebook, after=index)
    notebook["cells"][after]["source"] = 'quiz.check("00_start_here", "code_area")'
    found = messages(write(path, notebook))
    assert not [m for m in found if f":cell {index}:" in m], found
    notebook["cells"][after]["source"] = "widgets.explore_skin_circuit()"
    found = messages(write(path, notebook))
    must = "an exercise cell must be followed by the quiz.check(...) that grades it"
    assert f"{path}:cell {index}: {must}" in found
    cell["metadata"]["tags"] = []
    found = messages(write(path, notebook))
    assert f"{path}:cell {index}: defines 'area': helpers belong in the mscpso_edu package" in found


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ('for fact_id in ["ibmir"]:\n    print(knowledge.fact(fact_id).statement)\n', "for loop"),
        ("while False:\n    pass\n", "while loop"),
        ('print(", ".join(str(p.K) for p in models.fixed_points()))\n', "comprehension"),
        ('diagrams.steady_state_plot("il232", factors=[0.6 + 0.02 * i for i in range(36)])\n',
         "comprehension"),
    ],
    ids=["for", "while", "generator", "list comprehension"],
)  # fmt: skip
def test_loops_in_lesson_code_are_refused_once_per_cell(tmp_path, code, kind):
    path, notebook = lesson_copy(tmp_path)
    index = first_code_cell(notebook, after=first_code_cell(notebook))
    notebook["cells"][index]["source"] = code + "for x in range(2):\n    pass\n"
    found = messages(write(path, notebook))
    assert [m for m in found if "loop" in m or "comprehension" in m] == [
        f"{path}:cell {index}: contains a {kind}: formatting and looping belong in a package "
        "helper that returns Markdown or a table (one call per cell)"
    ]


def test_the_word_for_in_a_string_is_not_a_loop(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    index = first_code_cell(notebook, after=first_code_cell(notebook))
    notebook["cells"][index]["source"] = (
        'diagrams.steady_state_plot("il172", xlabel="for a while")\n'
    )
    assert messages(write(path, notebook)) == []


def test_setup_cell_imports_only_the_course_and_numpy_matplotlib(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    index = first_code_cell(notebook)
    notebook["cells"][index]["source"] += "\nimport pandas as pd"
    found = messages(write(path, notebook))
    expected = f"{path}:cell {index}: the setup cell imports ['pandas']"
    assert any(m.startswith(expected) for m in found)


def test_end_quiz_must_be_the_lessons_own(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    last = max(i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code")
    notebook["cells"][last]["source"] = 'quiz.show("01_psoriasis")'
    assert messages(write(path, notebook)) == [
        f'{path}:cell {last}: the end-of-lesson quiz must be quiz.show("00_start_here"), '
        "found '01_psoriasis'"
    ]


def test_missing_parts_are_each_named(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    keep = [
        c
        for c in notebook["cells"]
        if not any(h in "".join(c["source"]) for h in ("## Key points", "Check your understanding"))
    ]
    notebook["cells"] = keep
    found = messages(write(path, notebook))
    assert f"{path}: no '## Key points' cell" in found
    assert f"{path}: no 'Check your understanding' block" in found


def test_check_command_reports_a_broken_lesson(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    index = first_code_cell(notebook)
    notebook["cells"][index]["execution_count"] = 1
    write(path, notebook)
    result = subprocess.run(
        [sys.executable, "-m", "mscpso_edu", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert f"{path}:cell {index}: carries an execution count" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_lessons_covers_the_lessons_folder():
    assert check_lessons() == []


def test_inline_citations_must_be_in_the_references(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    cell = next(
        i
        for i, c in enumerate(notebook["cells"])
        if c["cell_type"] == "markdown" and "## 1." in "".join(c["source"])
    )
    notebook["cells"][cell]["source"] = "".join(notebook["cells"][cell]["source"]) + (
        "\n\nBoth loops matter [Furue 2020; Spaggiari 2009], and so does [Nobody 1999]."
    )
    found = messages(write(path, notebook))
    assert found == [
        f"{path}:cell {cell}: citation [Spaggiari 2009] is not among the references the lesson "
        "lists in knowledge.bibliography([...])",
        f"{path}:cell {cell}: citation [Nobody 1999] is not among the references the lesson "
        "lists in knowledge.bibliography([...])",
    ]


def test_bibliography_ids_must_exist(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    index = next(
        i
        for i, c in enumerate(notebook["cells"])
        if "knowledge.bibliography" in "".join(c["source"])
    )
    notebook["cells"][index]["source"] = 'knowledge.bibliography(["dashti2025", "madeup2030"])'
    found = messages(write(path, notebook))
    assert f"{path}:cell {index}: unknown reference id 'madeup2030' in the bibliography" in found


def test_title_and_time_must_agree_with_the_course_catalogue(tmp_path):
    path, notebook = lesson_copy(tmp_path)
    cell = notebook["cells"][0]
    text = "".join(cell["source"])
    cell["source"] = text.replace("# Lesson 00: Start here", "# Lesson 00: Begin here").replace(
        "**Estimated time:** 40 minutes", "**Estimated time:** 35 minutes"
    )
    found = messages(write(path, notebook))
    assert found == [
        f"{path}:cell 0: title 'Begin here' differs from the course catalogue's 'Start here'",
        f"{path}:cell 0: estimated time 35 min differs from the course catalogue's 40",
    ]


def test_a_lesson_missing_from_the_catalogue_is_named(tmp_path):
    path, notebook = lesson_copy(tmp_path, name="12_extra.ipynb")
    cell = notebook["cells"][0]
    cell["source"] = "".join(cell["source"]).replace("# Lesson 00:", "# Lesson 12:")
    found = messages(write(path, notebook))
    assert (
        f"{path}:cell 0: lesson 12_extra is not in the course catalogue (knowledge/course.yaml)"
        in found
    )


def test_a_heading_that_skips_a_level_is_named(tmp_path):
    # An h4 straight under an h2 breaks the outline screen readers navigate by (axe: heading-order).
    path, notebook = lesson_copy(tmp_path)
    index = next(
        i
        for i, c in enumerate(notebook["cells"])
        if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("## ")
    )
    notebook["cells"][index]["source"] = [
        "".join(notebook["cells"][index]["source"]),
        "\n#### Aside\n",
    ]
    problems = messages(write(path, notebook))
    assert (
        f"{path}:cell {index}: heading #### 'Aside' skips a level after a ## heading: use ###"
        in (problems)
    )
    notebook["cells"][index]["source"][1] = "\n```\n#### not a heading in a code fence\n```\n"
    assert not [p for p in messages(write(path, notebook)) if "skips a level" in p]
