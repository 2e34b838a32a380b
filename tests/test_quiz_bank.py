"""Question banks: the published schema, loading every bank, and a corpus of broken banks."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from mscpso_edu import cli
from mscpso_edu.bank_check import check_banks
from mscpso_edu.check import CHECKERS
from mscpso_edu.errors import CourseError
from mscpso_edu.paths import quizzes_dir
from mscpso_edu.quiz import bank as bank_module
from mscpso_edu.quiz import grade, load_bank
from mscpso_edu.quiz.bank import MAX_BANK_BYTES, read_bank, schema

VALID = """\
lesson: 00_start_here
title: A small bank
questions:
  - id: q1
    type: single
    prompt: Which cells make IL-23?
    objectives: [00.a]
    explanation: Dendritic cells do [furue2020].
    references: [furue2020]
    choices:
      - text: Dendritic cells
        correct: true
        feedback: They make IL-23.
      - text: Keratinocytes
        feedback: They respond to IL-17.
  - id: q2
    type: numeric
    prompt: How many?
    objectives: [00.a]
    explanation: Four [furue2020].
    references: [furue2020]
    answer: 4
    tolerance: 0
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_the_published_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(schema())
    shipped = json.loads((Path(bank_module.__file__).parent / "schema.json").read_text())
    assert shipped["$schema"].endswith("2020-12/schema")


def test_every_bank_in_the_course_loads_and_its_questions_grade_their_own_answers():
    banks = sorted(quizzes_dir().glob("*.yaml"))
    assert banks, "the course ships at least lesson 00's bank"
    for path in banks:
        bank = load_bank(path)
        assert bank.lesson == path.stem
        for question in bank:
            assert question.explanation and question.references


def test_lesson_00_bank_has_every_question_type_and_covers_each_objective_twice():
    bank = load_bank("00_start_here")
    types = {question.type for question in bank}
    # A short first quiz in most of the forms the course uses (true/false is kept rare).
    assert types == {
        "single", "multiple", "numeric", "matching", "ordering", "short_text", "computed",
        "reflection",
    }  # fmt: skip
    for objective in ("00.a", "00.b", "00.c", "00.d"):
        assert sum(objective in question.objectives for question in bank) >= 2
    # The mid-lesson check in the lesson notebook uses these ids.
    bank.question("loop_order")
    bank.question("pasi_weights")
    # Its short text question accepts Greek-letter spellings.
    assert grade(bank.question("th17_treg_cytokine"), "tgf-beta").correct
    assert grade(bank.question("th17_treg_cytokine"), "TGFβ").correct


def test_a_slug_without_a_bank_names_the_lesson():
    with pytest.raises(CourseError, match="no question bank for lesson '99_nothing'"):
        load_bank("99_nothing")


def test_bank_is_reloaded_when_the_file_changes(tmp_path):
    path = write(tmp_path, "small.yaml", VALID)
    assert load_bank(path).title == "A small bank"
    path.write_text(VALID.replace("A small bank", "A renamed bank!"), encoding="utf-8")
    assert load_bank(path).title == "A renamed bank!"


def _tab_indented() -> str:
    lines = VALID.splitlines(keepends=True)
    lines[5] = "\t" + lines[5].lstrip(" ")
    return "".join(lines)


def _duplicate_id() -> str:
    return VALID.replace("  - id: q2", "  - id: q1")


# name: (content, expected line, fragment of the message)
BROKEN: dict[str, tuple[str | bytes, int, str]] = {
    "bad_yaml": (VALID.replace("[00.a]\n    explanation: Dendritic",
                               "[00.a\n    explanation: Dendritic"), 8, "invalid YAML"),
    "tabs": (_tab_indented(), 6, "tab character: YAML is indented with spaces, never tabs"),
    "unknown_type": (VALID.replace("type: numeric", "type: essay"), 17,
                     "unknown question type 'essay'"),
    "no_correct_answer": (VALID.replace("        correct: true\n", ""), 10,
                          "exactly one choice with 'correct: true', found 0"),
    "duplicate_id": (_duplicate_id(), 16, "duplicate question id 'q1' (first used on line 4)"),
    "python_object_tag": (VALID.replace("prompt: How many?",
                                        "prompt: !!python/object/apply:os.system [echo hi]"),
                          18, "tag '!!python/object/apply:os.system' is not allowed"),
    "huge_file": (VALID + "#" * (MAX_BANK_BYTES + 10), 1, "at most 512 KiB"),
    "latin1_encoding": (VALID.replace("How many?", "How many in the épiderme?").encode("latin-1"),
                        18, "not UTF-8 text"),
    "utf16_encoding": (VALID.encode("utf-16"), 1, "UTF-16"),
    "negative_tolerance": (VALID.replace("tolerance: 0", "tolerance: -1"), 23, "must be 0 or more"),
    "unknown_field": (VALID.replace("    answer: 4", "    answr: 4\n    answer: 4"), 22,
                      "unknown field 'answr'"),
    "missing_feedback": (VALID.replace("        feedback: They respond to IL-17.\n", ""), 14,
                         "missing field 'feedback'"),
    "duplicate_key": (VALID.replace("    answer: 4", "    answer: 4\n    answer: 5"), 23,
                      "field 'answer' appears twice"),
    "alias": (VALID.replace("title: A small bank", "title: &x A small bank").replace(
        "explanation: Four [furue2020].", "explanation: *x"), 2, "anchors and aliases"),
    "empty_file": ("", 1, "file is empty"),
    "unquoted_no": (VALID.replace("feedback: They respond to IL-17.", "feedback: no"), 15,
                    "found False; put text that looks like a number or yes/no"),
    "bad_reference_id": (VALID.replace("references: [furue2020]\n    answer",
                                       "references: [Furue 2020]\n    answer"), 21,
                         "'Furue 2020' should be a reference id"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_bank_gives_one_clear_error_naming_file_and_line(tmp_path, name):
    content, line, fragment = BROKEN[name]
    path = write(tmp_path, f"{name}.yaml", content)
    bank, problems = read_bank(path)
    assert bank is None
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.path == str(path)
    assert fragment in problem.message
    assert problem.line == line, str(problem)
    with pytest.raises(CourseError) as raised:
        load_bank(path)
    assert str(raised.value) == str(problem)


@pytest.mark.parametrize("name", ["bad_yaml", "python_object_tag", "utf16_encoding", "huge_file"])
def test_check_command_prints_the_error_and_exits_2_without_a_traceback(tmp_path, capsys, name):
    content, line, fragment = BROKEN[name]
    path = write(tmp_path, f"{name}.yaml", content)
    assert "mscpso_edu.bank_check:check_banks" in CHECKERS
    assert cli.main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert f"{path}:{line}: " in out and fragment in out
    assert "Traceback" not in out + err


def test_semantic_checks_report_every_problem_with_its_line(tmp_path):
    text = VALID.replace("        correct: true\n", "").replace("  - id: q2", "  - id: q1")
    bank, problems = read_bank(write(tmp_path, "two.yaml", text))
    assert bank is None
    assert [(p.line, "exactly one" in p.message or "duplicate" in p.message) for p in problems] == [
        (10, True),
        (15, True),  # q2 moved up a line with the deleted "correct"
    ]


def test_course_checks_find_unknown_objectives_and_references(tmp_path, monkeypatch):
    import mscpso_edu.knowledge as knowledge
    import mscpso_edu.lessons as lessons

    monkeypatch.setattr(lessons, "read_objectives", lambda path: {"00.a": "x", "00.b": "y"})
    monkeypatch.setattr(knowledge, "reference_ids", lambda: {"furue2020"}, raising=False)
    text = VALID.replace(
        "objectives: [00.a]\n    explanation: Four", "objectives: [00.z]\n    explanation: Four"
    ).replace("references: [furue2020]\n    answer", "references: [nobody1999]\n    answer")
    path = write(tmp_path, "00_start_here.yaml", text)
    messages = [str(p) for p in check_banks([path])]
    assert f"{path}:19: question 'q2': objective '00.z' is not an objective of lesson" in "".join(
        messages
    )
    assert any(
        f"{path}:21:" in m and "'nobody1999' is not in the knowledge base" in m for m in messages
    )
    assert any("at least 10 questions" in m for m in messages)
    assert any("objective 00.b is assessed by 0 question(s)" in m for m in messages)


def test_a_bank_for_a_lesson_without_a_notebook_is_a_problem(tmp_path, monkeypatch):
    text = VALID.replace("lesson: 00_start_here", "lesson: 98_missing")
    path = write(tmp_path, "98_missing.yaml", text)
    messages = [str(p) for p in check_banks([path])]
    assert any(
        m.startswith(f"{path}:1: lesson notebook lessons/98_missing.ipynb does not exist")
        for m in messages
    )


def test_check_banks_ignores_files_that_are_not_banks(tmp_path):
    other = write(tmp_path, "notes.txt", "not a bank")
    assert check_banks([other]) == []


# --- property-based: random damage never escapes as anything but CourseError ----------------

_mutation = st.tuples(
    st.sampled_from(["delete", "insert", "replace", "truncate"]),
    st.integers(min_value=0, max_value=len(VALID)),
    st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(list(":-[]{}&*!|>'\"\t\n #%@")),
            max_size=12),
)  # fmt: skip


def _apply(text: str, mutations: list[tuple[str, int, str]]) -> str:
    for kind, at, piece in mutations:
        at = min(at, len(text))
        if kind == "delete":
            text = text[:at] + text[at + len(piece) + 1 :]
        elif kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "replace":
            text = text[:at] + piece + text[at + len(piece) :]
        else:
            text = text[:at]
    return text


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutations=st.lists(_mutation, min_size=1, max_size=4))
def test_random_damage_to_a_bank_gives_problems_never_a_crash(tmp_path, mutations):
    path = write(tmp_path, "damaged.yaml", _apply(VALID, mutations))
    bank, problems = read_bank(path)
    assert (bank is None) == bool(problems)
    for problem in problems:
        assert problem.path == str(path) and problem.message
    with contextlib.suppress(CourseError):
        load_bank(path)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(["id", "type", "prompt", "choices", "answer", "questions", "lesson",
                         "title", "steps", "pairs", "text", "feedback", "correct", "accept"]),
        children, max_size=6),
    max_leaves=25,
)  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=_json_values)
def test_random_structures_give_problems_never_a_crash(tmp_path, data):
    path = write(tmp_path, "random.yaml", yaml.safe_dump(data, allow_unicode=True))
    bank, problems = read_bank(path)
    assert (bank is None) == bool(problems)
