"""Where a lesson lets the model heal for good, it says that patients relapse (issue 17)."""

from __future__ import annotations

import nbformat
import pytest

from mscpso_edu import paths

LESSONS = ("01_psoriasis", "05_dendritic_cells", "07_whole_circuit", "10_cell_free", "11_capstone")


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_carries_the_model_vs_patients_note_with_the_computed_comparison(lesson):
    notebook = nbformat.read(paths.lessons_dir() / f"{lesson}.ipynb", as_version=4)
    markdown = " ".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    code = [c.source.strip() for c in notebook.cells if c.cell_type == "code"]
    assert "model vs patients" in markdown.lower()
    assert "relapse" in markdown.lower()
    assert "models.relapse_comparison()" in code


def test_no_lesson_says_the_same_rule_applies_to_biologics_and_uvb():
    for path in sorted(paths.lessons_dir().glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            assert "the same rule applies to them" not in cell.source, path.name
