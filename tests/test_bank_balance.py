"""Across the course, true/false items stay rare (at most 10% of all questions)."""

from __future__ import annotations

from pathlib import Path

from mscpso_edu.bank_check import MAX_TRUE_FALSE_SHARE, check_banks, true_false_problem
from mscpso_edu.quiz import load_bank

REPO = Path(__file__).resolve().parent.parent


def test_the_course_keeps_true_false_at_or_below_ten_percent():
    banks = [load_bank(path) for path in sorted((REPO / "quizzes").glob("*.yaml"))]
    total = sum(len(bank) for bank in banks)
    count = sum(q.type == "true_false" for bank in banks for q in bank)
    assert count <= MAX_TRUE_FALSE_SHARE * total
    assert true_false_problem(banks, REPO / "quizzes") is None
    assert not [p for p in check_banks() if "true/false" in p.message]


def test_too_many_true_false_items_are_named_with_their_banks():
    bank = load_bank(REPO / "quizzes" / "11_capstone.yaml")
    count = sum(q.type == "true_false" for q in bank)
    assert count > MAX_TRUE_FALSE_SHARE * len(bank)  # this bank alone is over the course limit
    problem = true_false_problem([bank], REPO / "quizzes")
    assert problem is not None
    assert f"true/false items are {count} of {len(bank)} questions" in problem.message
    assert f"11_capstone.yaml {count}" in problem.message
