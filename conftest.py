"""Repository-wide pytest set-up: under nbval, each code exercise runs with its worked solution.

A code exercise's starter cell (tagged ``exercise``) fails the key's tests on purpose. Under
pytest (nbval), this hook puts the bank's worked solution in that cell, as a learner who solved
it would have, and makes the ``quiz.check`` cell after it press **Check** and assert that every
test passed. So the exercise is checked exactly as in a learner's kernel: the quiz finds the
latest cell that defines the name and runs it. Nothing changes when a bank has no solution (a
student's release).
"""

from __future__ import annotations

import ast
import itertools
from typing import Any

_CHECK = """_exercise = quiz.check({slug!r}, {qid!r})
_result = _exercise.panels[0].submit()
assert _result is not None and _result.correct, _exercise.panels[0].feedback.value
_exercise"""


def _check_call(source: str) -> tuple[str, str] | None:
    """``(slug, question id)`` of a cell that is one ``quiz.check("slug", "id")`` call."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "check"
            and len(node.args) == 2
            and all(isinstance(arg, ast.Constant) for arg in node.args)
        ):
            return node.args[0].value, node.args[1].value
    return None


def pytest_collection_modifyitems(session: Any, config: Any, items: list[Any]) -> None:
    """Give every exercise cell its worked solution and its check cell an assertion."""
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # pragma: no cover - nbval is a test dependency
        return
    from mscpso_edu.paths import quizzes_dir
    from mscpso_edu.quiz.bank import load_bank

    cells = [item for item in items if isinstance(item, IPyNbCell)]
    for item, after in itertools.pairwise(cells):
        if "exercise" not in item.cell.get("metadata", {}).get("tags", []):
            continue
        if after.parent is not item.parent:
            continue
        called = _check_call(after.cell.source)
        if called is None:
            continue
        slug, qid = called
        question = load_bank(quizzes_dir() / f"{slug}.yaml").question(qid)
        solution = getattr(question, "solution", "")
        if not solution:
            continue
        item.cell.source = solution
        after.cell.source = _CHECK.format(slug=slug, qid=qid)
