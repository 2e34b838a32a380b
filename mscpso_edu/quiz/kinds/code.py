"""``code``: the learner writes code in an ordinary notebook cell; the quiz runs the key's tests.

The bank gives the ``prompt``, a ``starter`` cell, the ``name`` the code must define (``define``:
a ``function`` called with each test's arguments, or a ``value``), the ``tests`` (arguments,
``expected`` result, ``tolerance`` or ``relative_tolerance``, and ``feedback`` for when the test
fails) and a worked ``solution`` (checked against the tests when the bank is checked).

The response is the learner's source code (text, or ``{"code": ...}``; the widget records each
test's result beside it as ``"test_1": True, ...``). Grading runs it in a fresh
namespace, so the cell must import what it uses, and credit is the fraction of tests passed. In
the kernel that happens in-process with a time limit (:func:`~mscpso_edu.quiz.coderun.
check_source`); ``mscpso-edu grade`` runs every submitted exercise again in a separate, limited
process (:func:`~mscpso_edu.quiz.coderun.run_many`; its docstring states the security model).

Practice mode shows each failed test and why; exam mode records the code only. The solution is
shown on request in practice mode and never leaves in a release; an exam copy keeps only the
tests' arguments. No LMS item runs code, so exports leave code exercises out with a warning.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..coderun import DEFAULT_TIME_LIMIT, CodeJob, CodeReport, CodeTest, check_source
from ..markup import render
from ._base import Question, Result
from ._registry import Kind, Problem, Warn, register
from ._release import KEYLESS_FEEDBACK

if TYPE_CHECKING:  # pragma: no cover - numpy only for annotations
    import numpy as np

__all__ = ["CodeQuestion", "KeylessCodeQuestion", "code_of"]

#: The longest code graded (characters).
MAX_CODE = 20_000

#: What the explanation says until every test passes (it states how to compute the answer).
WITHHELD = "*The explanation opens once every test passes.*"

_JSON_VALUE: dict[str, Any] = {}  # any JSON value: a number, text, bool, null, list or mapping

_FIELDS = {
    "required": ["name", "tests"],
    "properties": {
        "name": {
            "type": "string",
            "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
            "description": "What the learner's code must define.",
        },
        "define": {
            "enum": ["function", "value"],
            "description": "A function (called with each test's arguments) or a value.",
        },
        "starter": {"type": "string", "description": "The code cell the learner starts from."},
        "solution": {
            "type": "string",
            "description": "A worked solution: shown on request in practice, never released.",
        },
        "time_limit": {"type": "number", "exclusiveMinimum": 0, "maximum": 10},
        "tests": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/codeTest"}},
    },
}

_DEFS = {
    "codeTest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "args": {"type": "array"},
            "kwargs": {"type": "object"},
            "expected": _JSON_VALUE,
            "tolerance": {"type": "number", "minimum": 0},
            "relative_tolerance": {"type": "number", "minimum": 0},
            "feedback": {"$ref": "#/$defs/text"},
        },
    }
}


def code_of(response: Any) -> str:
    """The source code in a response (text, or a mapping with ``"code"``); "" when none."""
    if isinstance(response, Mapping):
        response = response.get("code", "")
    return response if isinstance(response, str) else ""


@dataclass(frozen=True, kw_only=True)
class CodeQuestion(Question):
    """A code exercise: define ``name`` so that every test passes.

    ``points`` are shared equally by the tests. :meth:`grade` runs the code in this process
    (with ``time_limit``); :meth:`job` and :meth:`result` let a grader run it elsewhere.
    """

    type: ClassVar[str] = "code"
    #: ``mscpso-edu grade`` runs these in separate processes rather than calling :meth:`grade`.
    runs_code: ClassVar[bool] = True
    name: str
    tests: tuple[CodeTest, ...]
    define: str = "function"
    starter: str = ""
    solution: str = ""
    time_limit: float = DEFAULT_TIME_LIMIT

    @property
    def is_function(self) -> bool:
        """True when the learner defines a function (called with each test's arguments)."""
        return self.define == "function"

    def _code(self, response: Any) -> str:
        code = code_of(response)
        if not isinstance(response, (str, Mapping)):
            raise self._error(f"expected your code as text, got {type(response).__name__}")
        if not code.strip():
            raise self._error(
                f"no code found: write it in a cell (define {self.name}), run the cell, then check"
            )
        if len(code) > MAX_CODE:
            raise self._error(f"keep the code under {MAX_CODE:,} characters")
        return code

    def job(self, response: Any) -> CodeJob:
        """The exercise as an isolated run of the learner's code (for the grader)."""
        code = self._code(response)
        return CodeJob(code, self.name, self.tests, self.is_function, self.time_limit)

    def result(self, report: CodeReport) -> Result:
        """Turn a run's report into points and feedback: which tests failed and why."""
        total = len(report.outcomes) or 1
        passed = report.passed
        head = f"**{passed} of {len(report.outcomes)} tests passed.**"
        if report.problem:
            feedback = f"{head} Nothing could be tested: {report.problem}."
        else:
            failed = [
                f"- Failed: `{outcome.message}`."
                + (f" {outcome.feedback}" if outcome.feedback else "")
                for outcome in report.outcomes
                if not outcome.passed
            ]
            feedback = "\n\n".join([head, "\n".join(failed)]) if failed else head
        result = self._result(passed / total, feedback)
        if result.correct:
            return result
        # The explanation states how to compute it: it opens once every test passes (practice
        # mode also offers the worked solution on request).
        return dataclasses.replace(result, explanation=WITHHELD)

    def grade(self, response: Any) -> Result:
        """Run the code here (fresh namespace, time limit) and grade it by its tests."""
        code = self._code(response)
        report = check_source(
            code, self.name, self.tests, is_function=self.is_function, time_limit=self.time_limit
        )
        return self.result(report)


class KeylessCodeQuestion(CodeQuestion):
    """An exam code exercise: the code is recorded, the tests' expected values are not known."""

    def grade(self, response: Any) -> Result:
        """Check that there is code, and record it (graded by the instructor's grader)."""
        self._code(response)
        return Result(0.0, self.points, False, KEYLESS_FEEDBACK)


def _tests(raw: Mapping[str, Any]) -> tuple[CodeTest, ...]:
    return tuple(CodeTest.from_dict(test) for test in raw["tests"])


def _call(question: CodeQuestion, test: CodeTest) -> str:
    return test.describe(question.name, question.is_function)


class _Code(Kind):
    name = "code"
    question_class = CodeQuestion
    schema_fields = _FIELDS
    schema_defs = _DEFS

    def build(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return CodeQuestion(
            name=raw["name"],
            tests=_tests(raw),
            define=raw.get("define", "function"),
            starter=raw.get("starter", ""),
            solution=raw.get("solution", ""),
            time_limit=float(raw.get("time_limit", DEFAULT_TIME_LIMIT)),
            **common,
        )

    def check(self, raw: Mapping[str, Any], problem: Problem) -> None:
        """Every test has an expected value, and the worked solution passes every test."""
        for index, test in enumerate(raw["tests"]):
            if "expected" not in test:
                problem(("tests", index), "a test needs an expected value")
            if raw.get("define", "function") == "value" and (
                test.get("args") or test.get("kwargs")
            ):
                problem(("tests", index), "a value exercise's tests take no arguments")
        solution = raw.get("solution", "")
        if not solution:
            problem(("solution",), "give a worked solution (it is checked against the tests)")
            return
        tests = _tests(raw)
        report = check_source(
            solution, raw["name"], tests, is_function=raw.get("define", "function") == "function",
            time_limit=float(raw.get("time_limit", DEFAULT_TIME_LIMIT)),
        )  # fmt: skip
        for index, outcome in enumerate(report.outcomes):
            if not outcome.passed:
                problem(("tests", index), f"the worked solution fails this test: {outcome.message}")

    # --- the learner's widget and the static copy ----------------------------------------------

    def control(self, panel: Any, question: Question, seed: int) -> Any:
        import ipywidgets as widgets

        assert isinstance(question, CodeQuestion)
        what = "function" if question.is_function else "value"
        note = widgets.HTML(
            value=(
                f"<p>Write your code in the cell above (it must define the {what} "
                f"<code>{question.name}</code> and import what it uses), run it, then press "
                "<b>Check</b>. The code checked is shown here; you may also paste it in.</p>"
            )
        )
        box = widgets.Textarea(
            value="",
            placeholder=question.starter or f"{question.name} = ...",
            rows=6,
            layout={"width": "95%"},
            description="Your code",
            style={"description_width": "initial"},
        )
        panel.inputs["code"] = box
        children = [note, box]
        if question.solution and not panel.exam:
            button = widgets.Button(description="Show solution", tooltip="Show a worked solution")
            shown = widgets.HTML(value="")

            def reveal(_button: Any) -> None:
                shown.value = render(f"**Worked solution**\n\n```python\n{question.solution}\n```")
                button.disabled = True

            button.on_click(reveal)
            panel.inputs["solution"] = button
            children += [button, shown]
        return widgets.VBox(children)

    def response(self, panel: Any) -> Any:
        """The code of the latest notebook cell that defines the name (else the box's text), with
        each test's result when this copy knows the tests' expected values (not in an exam): what
        the progress store records. The grade never trusts these results; it runs the code."""
        question = panel.question
        box = panel.inputs["code"]
        found = _latest_cell_defining(question.name)
        if found:
            box.value = found
        code = box.value
        if isinstance(question, KeylessCodeQuestion) or not code.strip():
            return {"code": code}
        cached = getattr(panel, "_code_report", None)
        if cached is None or cached[0] != code:
            report = check_source(
                code, question.name, question.tests, is_function=question.is_function,
                time_limit=question.time_limit,
            )  # fmt: skip
            cached = (code, report)
            panel._code_report = cached
        # A submission holds flat mappings of scalars: one entry per test, "test_1": True, ...
        passed = {f"test_{n}": outcome.passed for n, outcome in enumerate(cached[1].outcomes, 1)}
        return {"code": code, **passed}

    def static_parts(self, question: Question, seed: int) -> tuple[str, str]:
        import html

        assert isinstance(question, CodeQuestion)
        starter = html.escape(question.starter or f"{question.name} = ...")
        calls = "".join(
            f"<li><code>{html.escape(_call(question, t))}</code></li>" for t in question.tests
        )
        options = (
            f"<p>Define <code>{html.escape(question.name)}</code>, starting from:</p>"
            f"<pre><code>{starter}</code></pre><p>The tests check:</p><ul>{calls}</ul>"
        )
        answer = (
            f"<pre><code>{html.escape(question.solution)}</code></pre>" if question.solution else ""
        )
        return options, answer

    # --- the student copy ---------------------------------------------------------------------

    def _shared(self, question: CodeQuestion) -> dict[str, Any]:
        return {
            "name": question.name,
            "define": question.define,
            "starter": question.starter,
            "time_limit": question.time_limit,
        }

    def exam_fields(self, question: Any, seed: int) -> dict[str, Any]:
        # No expected values, tolerances or feedback: only what each test calls.
        tests = [{"args": list(t.args), "kwargs": dict(t.kwargs)} for t in question.tests]
        return {**self._shared(question), "tests": tests}

    def practice_fields(self, question: Any, salt: str, seed: int) -> dict[str, Any]:
        # The tests stay (practice shows which failed and why); the solution never leaves.
        return {**self._shared(question), "tests": [t.as_dict() for t in question.tests]}

    def exam_question(self, raw: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return KeylessCodeQuestion(
            name=raw["name"],
            tests=_tests(raw),
            define=raw.get("define", "function"),
            starter=raw.get("starter", ""),
            time_limit=float(raw.get("time_limit", DEFAULT_TIME_LIMIT)),
            **common,
        )

    def practice_question(
        self, raw: Mapping[str, Any], common: dict[str, Any], salt: str
    ) -> Question:
        return self.build(raw, common)

    # --- the instructor's side ----------------------------------------------------------------

    def lms_question(self, question: Any, warn: Warn) -> Question | None:
        warn(f"{question.id}: code exercises cannot be exported (no LMS item runs code); left out")
        return None

    def correct_response(self, question: Any) -> Any:
        return {"code": question.solution}

    def wrong_response(self, question: Any, rng: np.random.Generator) -> Any:
        what = f"def {question.name}(*args, **kwargs):\n    return None\n"
        return {"code": what if question.is_function else f"{question.name} = None\n"}


def _latest_cell_defining(name: str) -> str:
    """The source of the notebook cell that defined ``name`` in this IPython session.

    For a function, the whole cell it was defined in (IPython keeps each cell's source for
    tracebacks); otherwise the latest input cell in the history that binds ``name``.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - the course always has IPython
        return ""
    shell = get_ipython()
    if shell is None:
        return ""
    import linecache

    from ..coderun import defined_names

    namespace = getattr(shell, "user_ns", {})
    code = getattr(namespace.get(name), "__code__", None)
    if code is not None:
        cell = "".join(linecache.getlines(code.co_filename))
        if name in defined_names(cell):
            return cell
    for source in reversed(namespace.get("In", [])):
        if isinstance(source, str) and name in defined_names(source):
            return source
    return ""


KIND = register(_Code())
