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


FAKE_BANK = """
lesson: 99_fake
title: A bank of true/false items
questions:
  - id: one
    type: true_false
    objectives: [99.a]
    prompt: True or false, one?
    answer: true
    feedback_true: Yes.
    feedback_false: No.
    explanation: Because [furue2020].
    references: [furue2020]
  - id: two
    type: true_false
    objectives: [99.a]
    prompt: True or false, two?
    answer: false
    feedback_true: No.
    feedback_false: Yes.
    explanation: Because [furue2020].
    references: [furue2020]
"""


def test_too_many_true_false_items_are_named_with_their_banks(tmp_path):
    path = tmp_path / "99_fake.yaml"
    path.write_text(FAKE_BANK, encoding="utf-8")
    bank = load_bank(path)
    problem = true_false_problem([bank], tmp_path)
    assert problem is not None
    assert "true/false items are 2 of 2 questions (100%)" in problem.message
    assert "99_fake.yaml 2" in problem.message
