"""Benchmark: responses graded per second (every question type mixed) and bank validation time.

Run with ``.venv/bin/python benchmarks/bench_grading.py``. Goals: at least 100,000 responses per
second on one core, and every bank in ``quizzes/`` loaded and validated in under one second.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from mscpso_edu.bank_check import check_banks
from mscpso_edu.paths import quizzes_dir
from mscpso_edu.quiz import bank as bank_module
from mscpso_edu.quiz import grade
from mscpso_edu.quiz import questions as q


def _responses(question: q.Question) -> list[object]:
    """A right and a wrong (or partial) response for each question."""
    if isinstance(question, q.SingleChoiceQuestion):
        return [c.id for c in question.choices[:2]]
    if isinstance(question, q.MultipleChoiceQuestion):
        return [[c.id for c in question.choices if c.correct], [question.choices[0].id]]
    if isinstance(question, q.TrueFalseQuestion):
        return [True, False]
    if isinstance(question, q.ComputedQuestion):
        return [question.for_seed(0).answer, "1.5"]
    if isinstance(question, q.NumericQuestion):
        return [question.answer, f"{question.answer + 1:g}"]
    if isinstance(question, q.MatchingQuestion):
        right = {p.left: p.right for p in question.pairs}
        lefts = list(right)
        swapped = {**right, lefts[0]: right[lefts[1]], lefts[1]: right[lefts[0]]}
        return [right, swapped]
    if isinstance(question, q.OrderingQuestion):
        texts = [item.text for item in question.items]
        return [texts, texts[::-1]]
    if isinstance(question, q.ShortTextQuestion):
        return [question.accept[-1], "IL-17"]
    if isinstance(question, q.ReflectionQuestion):  # recorded, worth 0 points
        return ["I would choose cord MSCs because...", "Local injection, since..."]
    raise TypeError(question.type)


def _best_of(repeats: int, function: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    paths = sorted(quizzes_dir().glob("*.yaml"))
    banks = []
    for path in paths:
        bank, problems = bank_module.read_bank(path)
        if bank is None:  # report it and benchmark the rest (`mscpso-edu check` lists all)
            print(f"skipped (invalid): {problems[0]}")
            paths = [other for other in paths if other != path]
        else:
            banks.append(bank)
    pairs = [(question, response) for bank in banks for question in bank
             for response in _responses(question)]  # fmt: skip
    kinds = Counter(question.type for question, _ in pairs)
    rounds = max(1, 200_000 // len(pairs))

    def grade_all() -> None:
        for _ in range(rounds):
            for question, response in pairs:
                grade(question, response)

    grading = _best_of(3, grade_all)
    graded = rounds * len(pairs)

    def validate_all() -> None:
        bank_module._CACHE.clear()
        for path in paths:
            _bank, problems = bank_module.read_bank(path)
            if problems:
                raise SystemExit(f"{problems[0]}")

    validation = _best_of(5, validate_all)
    course_check = _best_of(3, lambda: check_banks(()))

    rows = [
        ("responses graded per second (one core)", f"{graded / grading:,.0f}", ">= 100,000"),
        (f"load + validate all banks ({len(paths)} file(s))", f"{validation * 1000:.1f} ms",
         "< 1000 ms"),
        ("check_banks incl. lesson and knowledge links", f"{course_check * 1000:.1f} ms", ""),
    ]  # fmt: skip
    print(f"{'measure':<46} {'value':>12} {'goal':>12}")
    for name, value, goal in rows:
        print(f"{name:<46} {value:>12} {goal:>12}")
    mix = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    print(f"mix: {graded:,} responses over {len(pairs)} question/response pairs ({mix})")


if __name__ == "__main__":
    main()
