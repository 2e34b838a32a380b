"""Spaced review in JupyterLab: a due question answered shows its feedback and next due date.

Before the lesson runs, the test puts one missed quiz attempt, five days old, into the progress
store of the lab server's private data folder (``MSCPSO_EDU_HOME``). Lesson 12's ``quiz.review()``
must then serve that question first; the test answers it as a learner would (click an option,
press **Check**) and reads the feedback and the "Next review" line.
"""

from __future__ import annotations

import re
import time

import pytest
from e2e_support import run_lesson_in_lab

from mscpso_edu.quiz.store import ProgressStore

pytestmark = pytest.mark.e2e

LESSON = "12_review"
#: A question of lesson 12's end-of-lesson quiz: the lesson's own run never answers it first.
QUESTION = "testing_effect_week"
DAY_S = 86400.0


def seed_missed_attempt(home) -> None:
    """Record a wrong quiz answer to ``QUESTION`` made five days ago."""
    with ProgressStore(home / "progress.sqlite3") as store:
        attempt = store.record("e2e-learner", LESSON, QUESTION, "x", 0.0, 1.0, False)
        store._connection.execute(
            "UPDATE attempts SET created = ? WHERE id = ?", (time.time() - 5 * DAY_S, attempt.id)
        )


def test_a_review_question_answered_shows_feedback_and_the_next_due_date(
    context, lab_server, screenshots
):
    # The server's private folders live beside its log (see conftest.lab_server).
    seed_missed_attempt(lab_server.log.parent / "home")
    page = context.new_page()
    try:
        run_lesson_in_lab(page, lab_server, LESSON, workspace="e2e-review")

        # The review session: its heading, then "From lesson 12_review: you missed it last time".
        session = page.locator(".jp-OutputArea-output > .widget-vbox").filter(
            has=page.get_by_role("heading", name="Spaced review", exact=True)
        )
        assert session.count() == 1
        intro = session.locator("[role=status]").first
        assert re.search(r"\d+ question\(s\) due", intro.inner_text()), intro.inner_text()
        first = session.locator(":scope > .widget-vbox").first
        assert "you missed it last time" in first.inner_text()
        assert "week later" in first.inner_text()  # the prompt of the seeded question

        first.scroll_into_view_if_needed()
        first.locator(".widget-radio-box label").first.click()
        first.get_by_role("button", name="Check").click()
        due = first.locator("[role=status]", has_text="Next review:")
        due.wait_for(state="visible", timeout=60_000)
        feedback = first.locator("[role=status]", has_text="points").first
        assert re.search(r"\d+ / 1 points", feedback.inner_text()), feedback.inner_text()
        assert re.search(
            r"Next review: \d{4}-\d{2}-\d{2} \((tomorrow|in \d+ days)\)", due.inner_text()
        ), due.inner_text()
        page.screenshot(path=str(screenshots / f"{LESSON}-review.png"))
    finally:
        page.close()
