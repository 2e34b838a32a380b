"""A new question type is one module: shown here by a type written in this file alone.

``whole_number`` (an exact whole number) is a :class:`Question` subclass and a :class:`Kind`,
registered once. Nothing else in the package changes, yet a bank using it loads and is checked
against the schema, the widget shows it, the static copy renders it, a student copy keeps it (no
key, or a hashed one) and grades it back, the three LMS formats take it, and a class of
synthetic students is graded and analysed.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pytest
import yaml

from mscpso_edu.classroom.analysis import analyse
from mscpso_edu.classroom.export import export_bank
from mscpso_edu.classroom.grading import grade_submissions
from mscpso_edu.classroom.release import release_bank
from mscpso_edu.classroom.synthetic import synthetic_submission
from mscpso_edu.quiz import bank as bank_module
from mscpso_edu.quiz.bank import load_bank, read_bank
from mscpso_edu.quiz.kinds import KINDS, QUESTION_TYPES, Kind, register
from mscpso_edu.quiz.kinds._base import Question, Result
from mscpso_edu.quiz.kinds._release import keyed_hash, keyless
from mscpso_edu.quiz.kinds.numeric import NumericQuestion
from mscpso_edu.quiz.static import static_html
from mscpso_edu.quiz.store import ProgressStore
from mscpso_edu.quiz.submission import write_submission
from mscpso_edu.quiz.widget import QuizWidget

# --- the whole new type: what a contributor writes in mscpso_edu/quiz/kinds/whole_number.py ------


@dataclass(frozen=True, kw_only=True)
class WholeNumberQuestion(Question):
    """An exact whole number."""

    type: ClassVar[str] = "whole_number"
    answer: int

    def grade(self, response: Any) -> Result:
        if isinstance(response, bool) or not isinstance(response, int | str):
            raise self._error(f"expected a whole number, got {response!r}")
        try:
            value = int(response)
        except ValueError:
            raise self._error(f"expected a whole number, got {response!r}") from None
        return self._result(
            1.0 if value == self.answer else 0.0,
            "Correct." if value == self.answer else "Not quite.",
        )


class _WholeNumber(Kind):
    name = "whole_number"
    question_class = WholeNumberQuestion
    schema_fields = {"required": ["answer"], "properties": {"answer": {"type": "integer"}}}  # noqa: RUF012

    def build(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return WholeNumberQuestion(answer=raw["answer"], **common)

    def control(self, panel: Any, question: Question, seed: int) -> Any:
        import ipywidgets as widgets

        return widgets.Text(value="", description="Answer")

    def static_parts(self, question: Any, seed: int) -> tuple[str, str]:
        return "", f"<p><strong>Answer:</strong> {html.escape(str(question.answer))}</p>"

    def practice_fields(self, question: Any, salt: str, seed: int) -> dict[str, Any]:
        return {"key": keyed_hash(salt, question.id, str(question.answer))}

    def exam_question(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return keyless(WholeNumberQuestion)(answer=0, **common)

    def practice_question(
        self, raw: Mapping[str, Any], common: dict[str, Any], salt: str
    ) -> Question:
        # Try the small whole numbers against the hash (a deterrent, like the other types).
        answer = next(n for n in range(10_000) if keyed_hash(salt, raw["id"], str(n)) == raw["key"])
        return WholeNumberQuestion(answer=answer, **common)

    def lms_question(self, question: Any, warn: Any) -> Question:
        fields = {f.name: getattr(question, f.name) for f in dataclasses.fields(Question)}
        return NumericQuestion(answer=float(question.answer), **fields)

    def correct_response(self, question: Any) -> Any:
        return question.answer

    def wrong_response(self, question: Any, rng: np.random.Generator) -> Any:
        return question.answer + 1


# --- the test ---------------------------------------------------------------------------------

BANK = """\
lesson: 99_new_type
title: "A bank with a new question type"
questions:
  - id: cells_in_a_well
    type: whole_number
    objectives: [99.a]
    prompt: How many wells has a plate of eight rows and twelve columns?
    answer: 96
    explanation: Eight times twelve [dashti2025].
    references: [dashti2025]
  - id: plate_colour
    type: single
    objectives: [99.a]
    prompt: Pick the right one.
    choices:
      - {text: This one, correct: true, feedback: Yes.}
      - {text: That one, feedback: No.}
    explanation: Only one was right [dashti2025].
    references: [dashti2025]
"""


@pytest.fixture()
def whole_number() -> Iterator[None]:
    register(_WholeNumber())
    bank_module.schema.cache_clear()
    bank_module._validator.cache_clear()
    yield
    del KINDS["whole_number"], QUESTION_TYPES["whole_number"]
    bank_module.schema.cache_clear()
    bank_module._validator.cache_clear()


def test_a_type_written_in_one_module_works_everywhere(whole_number, tmp_path):
    path = tmp_path / "99_new_type.yaml"
    path.write_text(BANK, encoding="utf-8")
    bank = load_bank(path)
    question = bank.question("cells_in_a_well")
    assert question.grade("96").correct and not question.grade(95).correct
    # The schema knows the type: a wrong field type is refused with a line number.
    broken = tmp_path / "99_broken.yaml"
    broken.write_text(BANK.replace("answer: 96", "answer: ninety-six"), encoding="utf-8")
    _, problems = read_bank(broken)
    assert problems and problems[0].line is not None
    # The widget and the static copy.
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        panel = QuizWidget(bank, [question.id], store=store, learner="ann").panels[0]
        panel.control.value = "96"
        assert panel.submit().correct
    assert "<strong>Answer:</strong> 96" in static_html(bank, [question.id])
    assert "Answer:" not in static_html(dataclasses.replace(bank, mode="exam"), [question.id])
    # Student copies: exam (records only) and practice (graded by the hashed key).
    for exam in (True, False):
        copy_path = tmp_path / f"copy-{exam}" / "99_new_type.yaml"
        copy_path.parent.mkdir()
        copy_path.write_text(release_bank(path, exam=exam), encoding="utf-8")
        entry = yaml.safe_load(copy_path.read_text(encoding="utf-8"))["questions"][0]
        assert "answer" not in entry and 96 not in entry.values()
        copy = load_bank(copy_path).question(question.id)
        assert copy.grade(96).points == (0.0 if exam else 1.0)
    # The LMS formats, a graded synthetic class and its item analysis.
    for fmt in ("qti", "moodle", "gift"):
        assert export_bank(bank, fmt, lambda message: None)
    key = tmp_path / "key"
    key.mkdir()
    (key / path.name).write_bytes(path.read_bytes())
    rng = np.random.default_rng(0)
    for student in ("s1", "s2", "s3"):
        sub = synthetic_submission(load_bank(key / path.name), student, student, 1.0, rng)
        write_submission(sub, tmp_path / f"{student}.json")
    run = grade_submissions([tmp_path], key)
    assert len(run.graded) == 3 and not run.skipped and analyse(run)


def test_the_published_schema_is_the_one_the_types_make():
    import json
    from importlib.resources import files

    published = json.loads((files("mscpso_edu.quiz") / "schema.json").read_text("utf-8"))
    assert published == bank_module.schema(), (
        "mscpso_edu/quiz/schema.json is stale: python -m mscpso_edu.quiz.kinds > "
        "mscpso_edu/quiz/schema.json"
    )
