"""The linter's predict / Think / misconception rules, and the end quiz leaving in-lesson items out.

Each test copies lesson 00 (converted the way the linter's docstring says) and its bank into a
temporary folder, checks the copy is clean, then breaks one thing and reads the message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mscpso_edu import lessons
from mscpso_edu.lessons import lint_notebook
from mscpso_edu.quiz import bank as bank_module
from mscpso_edu.quiz.store import ProgressStore
from mscpso_edu.quiz.widget import show

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "lessons" / "00_start_here.ipynb"
SLUG = "00_start_here"

MISCONCEPTIONS = (
    "## Common misconceptions\n\n"
    '- **"A psoriatic plaque is only a skin problem."** The loop involves immune cells\n'
    "  from the blood [Furue 2020].\n"
    '- **"PASI counts how much a plaque bothers the patient."** It weighs area and signs\n'
    "  [Fredriksson 1978].\n"
    '- **"Every MSC is the same cell."** Minimal criteria define them loosely [Dominici 2006].\n'
)


def _markdown(text: str, cell_id: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


def _code(text: str, cell_id: str) -> dict:
    return {
        "cell_type": "code",
        "id": cell_id,
        "metadata": {},
        "execution_count": None,
        "outputs": [],
        "source": text,
    }


def _index(cells: list[dict], text: str) -> int:
    return next(i for i, c in enumerate(cells) if text in "".join(c["source"]))


@pytest.fixture
def course(tmp_path, monkeypatch):
    """Lesson 00 (converted) and its bank, copied so a test can break one thing."""
    raw = yaml.safe_load((REPO / "quizzes" / f"{SLUG}.yaml").read_text(encoding="utf-8"))
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    monkeypatch.setattr(bank_module, "quizzes_dir", lambda: quizzes)
    notebook = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    return tmp_path / f"{SLUG}.ipynb", notebook, raw


def lint(path: Path, notebook: dict, raw: dict) -> list[str]:
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    bank_file = bank_module.quizzes_dir() / f"{SLUG}.yaml"
    bank_file.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return [str(p) for p in lint_notebook(path, require_bank=False)]


def test_a_converted_lesson_is_clean(course):
    assert lint(*course) == []


def test_an_explorer_without_a_prediction_is_named(course):
    path, notebook, raw = course
    cells = notebook["cells"]
    del cells[_index(cells, '"pasi_maximum"')]
    explorer = _index(cells, "widgets.pasi_calculator()")
    found = lint(path, notebook, raw)
    assert (
        f"{path}:cell {explorer}: explorer pasi_calculator() needs a recorded prediction just "
        f'before it: a code cell quiz.check("{SLUG}", "...") with role: prediction questions'
    ) in found


def test_the_prediction_must_be_marked_as_one(course):
    path, notebook, raw = course
    question = next(q for q in raw["questions"] if q["id"] == "pasi_maximum")
    question["role"] = "check"
    at = _index(notebook["cells"], '"pasi_maximum"')
    assert lint(path, notebook, raw) == [
        f"{path}:cell {at}: question 'pasi_maximum' is asked as a prediction here: give it "
        f"'role: prediction' in {SLUG}.yaml (it has 'check')"
    ]


def test_the_same_explorer_earlier_spoils_the_prediction(course):
    path, notebook, raw = course
    cells = notebook["cells"]
    early = _index(cells, "## 1.") + 1
    cells.insert(early, _code("widgets.pasi_calculator()", "t-early"))
    found = lint(path, notebook, raw)
    predict = _index(cells, '"pasi_maximum"')
    assert (
        f"{path}:cell {early}: pasi_calculator() shows what the explorer pasi_calculator() in "
        f"cell {predict + 1} shows, before its prediction (cell {predict}): move it after the "
        "explorer"
    ) in found


def test_a_spoiler_figure_before_the_prediction_is_named(course, monkeypatch):
    path, notebook, raw = course
    monkeypatch.setitem(lessons.EXPLORER_SPOILERS, "pasi_calculator", frozenset({"course_map"}))
    found = lint(path, notebook, raw)
    figure = _index(notebook["cells"], "diagrams.course_map")
    assert any(
        m.startswith(f"{path}:cell {figure}: course_map() shows what the explorer") for m in found
    )


def test_an_unanswered_think_prompt_is_named(course):
    path, notebook, raw = course
    cells = notebook["cells"]
    del cells[_index(cells, '"think_pasi_misses"')]
    think = _index(cells, "#### Think")
    found = lint(path, notebook, raw)
    assert (
        f"{path}:cell {think}: a Think prompt must be followed by its recorded answer: a code cell "
        f'quiz.check("{SLUG}", "think_...") with one role: think question'
    ) in found


def test_a_think_prompt_must_end_its_cell(course):
    path, notebook, raw = course
    cells = notebook["cells"]
    think = _index(cells, "#### Think")
    cells[think]["source"] += "\n## A new heading\n"
    assert (
        f"{path}:cell {think}: a Think prompt must end its Markdown cell (split the cell after "
        "it), so its answer box comes next"
    ) in lint(path, notebook, raw)


def test_a_think_discussion_must_cite_and_be_a_reflection(course):
    path, notebook, raw = course
    think = next(q for q in raw["questions"] if q["id"] == "think_pasi_misses")
    think["explanation"] = "An expert would weigh the sites."
    at = _index(notebook["cells"], '"think_pasi_misses"')
    assert lint(path, notebook, raw) == [
        f"{path}:cell {at}: Think question 'think_pasi_misses': its explanation is the expert "
        "discussion and must cite its sources as [refid]"
    ]


def test_a_check_item_without_a_role_is_named(course):
    path, notebook, raw = course
    question = next(q for q in raw["questions"] if q["id"] == "pasi_weights")
    del question["role"]
    at = _index(notebook["cells"], '"loop_order", "pasi_weights"')
    assert lint(path, notebook, raw) == [
        f"{path}:cell {at}: question 'pasi_weights' is asked as a check here: give it "
        f"'role: check' in {SLUG}.yaml (it has None)"
    ]


def test_misconceptions_are_required_quoted_and_cited(course):
    path, notebook, raw = course
    cells = notebook["cells"]
    at = _index(cells, "## Common misconceptions")
    cells[at]["source"] = MISCONCEPTIONS.replace(" [Dominici 2006]", "").replace(
        '**"PASI counts how much a plaque bothers the patient."**', "PASI is a burden score."
    )
    found = lint(path, notebook, raw)
    assert found == [
        f"{path}:cell {at}: misconception '- PASI is a burden score. It weighs area' must open "
        'with the belief in bold quotes: - **"..."** then the correction',
        f"{path}:cell {at}: misconception '- **\"Every MSC is the same cell.\"** Mini' needs a "
        "cited reason, e.g. [Author 2020]",
    ]
    del cells[at]
    assert f"{path}: no '## Common misconceptions' cell (3 to 5 beliefs, each corrected)" in lint(
        path, notebook, raw
    )


def test_the_end_quiz_leaves_out_what_the_lesson_asked(course, tmp_path):
    path, notebook, raw = course
    lint(path, notebook, raw)  # writes the bank
    quiz = show(SLUG, store=ProgressStore(tmp_path / "progress.sqlite"), learner="t")
    asked = {panel.question.id for panel in quiz.panels}
    assert {"loop_order", "pasi_weights", "pasi_maximum", "think_pasi_misses"}.isdisjoint(asked)
    assert "il23_source" in asked


def test_a_think_discussion_opens_after_the_answer_is_saved(course, tmp_path):
    from mscpso_edu.quiz.static import static_html
    from mscpso_edu.quiz.widget import check

    path, notebook, raw = course
    lint(path, notebook, raw)
    quiz = check(SLUG, "think_pasi_misses", store=ProgressStore(tmp_path / "p.sqlite"), learner="t")
    panel = quiz.panel("think_pasi_misses")
    assert panel.explanation.value == ""
    panel.control.value = "Legs weigh more than the head."
    result = panel.submit()
    assert result is not None and result.points == 0
    assert "Expert discussion" in panel.explanation.value
    assert "Fredriksson" in panel.explanation.value
    assert panel.attempts == 1
    page = static_html(SLUG, ["think_pasi_misses"])
    assert "<details><summary>Write your answer first, then open the expert discussion" in page


def test_a_model_table_can_spoil_a_prediction_too(course, monkeypatch):
    path, notebook, raw = course
    monkeypatch.setitem(
        lessons.EXPLORER_SPOILERS, "pasi_calculator", frozenset({"state_comparison"})
    )
    table = _index(notebook["cells"], "models.state_comparison()")
    found = lint(path, notebook, raw)
    assert any(
        m.startswith(f"{path}:cell {table}: state_comparison() shows what the explorer")
        for m in found
    )


def test_a_check_says_whether_it_is_a_prediction_or_a_think(course, tmp_path):
    from mscpso_edu.quiz.widget import check

    path, notebook, raw = course
    lint(path, notebook, raw)
    store = ProgressStore(tmp_path / "p.sqlite")
    titles = {
        ids: check(SLUG, *ids, store=store, learner="t").heading.value
        for ids in (("pasi_maximum",), ("think_pasi_misses",), ("loop_order", "pasi_weights"))
    }
    assert "Predict first" in titles[("pasi_maximum",)]
    assert "expert discussion" in titles[("think_pasi_misses",)]
    assert "Check your understanding" in titles[("loop_order", "pasi_weights")]
