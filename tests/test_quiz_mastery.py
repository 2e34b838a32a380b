"""Mastery per objective: the estimator on hand-made histories, sections, the map and advice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mscpso_edu import quiz
from mscpso_edu.paths import lessons_dir
from mscpso_edu.quiz.mastery import (
    HALF_LIFE_DAYS,
    Evidence,
    ObjectiveInfo,
    counted,
    course_objectives,
    estimate,
    level,
    mastery,
    objective_sections,
    revisit_advice,
)
from mscpso_edu.quiz.mastery_map import LEVEL_STYLE, mastery_map
from mscpso_edu.quiz.spaced import ReviewStore
from mscpso_edu.quiz.store import ProgressStore

DAY = 86400.0
NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def at(days_ago: float, hour_offset: float = 0.0) -> float:
    return NOW.timestamp() - days_ago * DAY + hour_offset * 3600


def test_estimate_is_a_recency_weighted_proportion_with_a_weak_prior():
    assert estimate([], []) == (0.5, 0.0)
    assert estimate([1.0], [0.0]) == (0.75, 1.0)
    assert estimate([0.0], [0.0]) == (0.25, 1.0)
    assert estimate([1.0, 1.0], [0.0, 0.0])[0] == pytest.approx(5 / 6)
    # An attempt one half-life old weighs half: (0.5 + 0.5 * 1) / (1 + 0.5).
    value, weight = estimate([1.0], [HALF_LIFE_DAYS])
    assert weight == pytest.approx(0.5) and value == pytest.approx(2 / 3)
    # Recent failure after old success pulls the estimate down more than old failure after success.
    old_right_new_wrong = estimate([1.0, 0.0], [60.0, 0.0])[0]
    old_wrong_new_right = estimate([0.0, 1.0], [60.0, 0.0])[0]
    assert old_right_new_wrong < 0.5 < old_wrong_new_right
    # Partial credit counts as its share.
    assert estimate([0.5], [0.0])[0] == pytest.approx(0.5)
    with pytest.raises(ValueError):
        estimate([1.0], [])


def test_levels():
    assert [level(v) for v in (None, 0.25, 0.75, 5 / 6)] == [
        "not tried", "revisit", "developing", "secure",
    ]  # fmt: skip


def test_only_the_first_attempt_of_a_day_counts_and_exam_and_reflection_do_not():
    history = [
        Evidence("00_start_here", "q1", 0.0, at(2)),
        Evidence("00_start_here", "q1", 1.0, at(2, 0.01)),  # retry after reading the feedback
        Evidence("00_start_here", "q1", 1.0, at(1)),
        Evidence("00_start_here", "q2", 1.0, at(1), mode="exam"),
        Evidence("00_start_here", "q3", float("nan"), at(1)),  # a reflection: no points
        Evidence("00_start_here", "q1", 1.0, at(0), source="review"),
    ]
    kept = counted(history)
    assert [(e.question, e.score) for e in kept] == [("q1", 0.0), ("q1", 1.0), ("q1", 1.0)]
    assert kept[-1].source == "review"


def test_mastery_on_a_hand_made_history():
    pasi = ObjectiveInfo("01.d", "Calculate a PASI score.", "01_psoriasis", "4. PASI", ("p1", "p2"))
    burden = ObjectiveInfo("01.a", "Describe the burden.", "01_psoriasis", "1. Burden", ("b1",))
    kinetics = ObjectiveInfo("01.c", "Compare kinetics.", "01_psoriasis", "3. Kinetics", ("k1",))
    history = [
        Evidence("01_psoriasis", "p1", 0.0, at(3)),
        Evidence("01_psoriasis", "p1", 1.0, at(3, 0.1)),  # same day: does not count
        Evidence("01_psoriasis", "p2", 0.0, at(2)),
        Evidence("01_psoriasis", "b1", 1.0, at(2)),
        Evidence("01_psoriasis", "b1", 1.0, at(1)),
        Evidence("02_mscs", "p1", 1.0, at(1)),  # another lesson's question of the same id
    ]
    results = {
        m.objective.id: m for m in mastery(history, [pasi, burden, kinetics], NOW.timestamp())
    }
    expected_pasi, _ = estimate([0.0, 0.0], [3.0, 2.0])
    assert results["01.d"].value == pytest.approx(expected_pasi)
    assert results["01.d"].level == "revisit" and results["01.d"].attempts == 2
    assert results["01.d"].missed == ("p1", "p2")
    assert results["01.a"].value == pytest.approx(estimate([1.0, 1.0], [2.0, 1.0])[0])
    assert results["01.a"].level == "secure" and results["01.a"].missed == ()
    assert results["01.c"].value is None and results["01.c"].level == "not tried"

    advice = revisit_advice(list(results.values()))
    assert advice == [
        f"Revisit 01.d ({100 * expected_pasi:.0f}%, 2 attempts): Calculate a PASI score. "
        "Lesson 01_psoriasis, section 4. PASI; missed: p1, p2."
    ]


def test_sections_come_from_the_lesson_notebook():
    from mscpso_edu.lessons import read_objectives

    notebook = lessons_dir() / "01_psoriasis.ipynb"
    bank = quiz.load_bank("01_psoriasis")
    sections = objective_sections(
        notebook, read_objectives(notebook), {q.id: q.objectives for q in bank.questions}
    )
    assert sections["01.d"] == "4. Measuring severity: PASI"
    assert sections["01.a"] == "1. Who gets psoriasis"
    assert objective_sections(notebook.parent / "missing.ipynb", {"01.a": "x"}, {}) == {
        "01.a": None
    }


def test_course_objectives_cover_every_bank_question_objective():
    objectives = course_objectives()
    ids = {o.id for o in objectives}
    for lesson in {o.lesson for o in objectives}:
        for question in quiz.load_bank(lesson):
            assert set(question.objectives) <= ids
    assert all(o.section for o in objectives), [o.id for o in objectives if not o.section]
    assert all(len(o.questions) >= 2 for o in objectives)


def test_the_map_prints_number_and_level_in_every_cell_with_safe_colours():
    info = [
        ObjectiveInfo("00.a", "A.", "00_start_here", "1. One", ("q",)),
        ObjectiveInfo("00.b", "B.", "00_start_here", "2. Two", ("r",)),
        ObjectiveInfo("01.a", "C.", "01_psoriasis", "1. One", ("s",)),
    ]
    history = [
        Evidence("00_start_here", "q", 0.0, at(0)),
        Evidence("01_psoriasis", "s", 1.0, at(0)),
    ]
    drawn = mastery_map(mastery(history, info, NOW.timestamp()))
    texts = {key: text.get_text() for key, text in drawn.artists["texts"].items()}
    assert texts == {"00.a": "25%\nrevisit", "00.b": "–\nnot tried", "01.a": "75%\ndeveloping"}
    fills = {key: rect.get_facecolor() for key, rect in drawn.artists["cells"].items()}
    assert len(set(fills.values())) == 3
    assert "00.a 25% revisit" in drawn.alt_text and "1 objective(s) not tried" in drawn.alt_text
    # Okabe-Ito fills, each with text of at least 4.5:1 contrast.
    for fill, ink in LEVEL_STYLE.values():
        assert _contrast(fill, ink) >= 4.5, (fill, ink)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_progress_shows_the_map_and_says_what_to_revisit_and_where(tmp_path):
    store = ProgressStore(tmp_path / "progress.sqlite3")
    reviews = ReviewStore(tmp_path / "review.sqlite3", clock=lambda: NOW)
    bank = quiz.load_bank("01_psoriasis")
    on_pasi = [q for q in bank.questions if "01.d" in q.objectives and q.points > 0]
    for question in on_pasi:
        attempt = store.record("me", "01_psoriasis", question.id, "x", 0.0, question.points, False)
        store._connection.execute(
            "UPDATE attempts SET created = ? WHERE id = ?", (at(1), attempt.id)
        )
    view = quiz.progress(store=store, reviews=reviews)
    assert view.fig is not None and view.mastery is not None
    assert "Mastery map of" in view.mastery.alt_text and "01.d" in view.mastery.alt_text
    text = view.text()
    assert text.startswith("Revisit 01.d")
    assert "Lesson 01_psoriasis, section 4. Measuring severity: PASI" in text
    page = view._repr_html_()
    assert page.count("<img") == 2 and 'alt="Mastery map of' in page and "What to revisit" in page
    # The cell for 01.d says revisit; untried objectives say so.
    cell = view.mastery.artists["texts"]["01.d"].get_text()
    assert cell.endswith("revisit")
    assert view.mastery.artists["texts"]["02.a"].get_text() == "–\nnot tried"


def test_progress_without_attempts_says_nothing_was_tried(tmp_path):
    view = quiz.progress(
        store=ProgressStore(tmp_path / "p.sqlite3"),
        reviews=ReviewStore(tmp_path / "r.sqlite3", clock=lambda: NOW),
    )
    assert view.text().startswith("No objective has been tried yet")
    assert "no objective tried yet" in view.mastery.alt_text


def test_progress_command_says_what_to_revisit_and_reset_clears_reviews(
    tmp_path, capsys, monkeypatch
):
    from mscpso_edu import cli

    home = tmp_path / "home"
    with ProgressStore(home / "progress.sqlite3") as store:
        store.record("me", "01_psoriasis", "pasi_two_regions", "1", 0.0, 2.0, False)
    with ReviewStore(home / "review.sqlite3") as reviews:
        reviews.record("me", "01_psoriasis", "pasi_endpoints", "a", 0.0, 1.0, False)
    monkeypatch.setenv("MSCPSO_EDU_HOME", str(home))
    assert cli.main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "To revisit" in out
    assert "Revisit 01.d" in out
    assert "Lesson 01_psoriasis, section 4. Measuring severity: PASI" in out
    assert cli.main(["progress", "--reset", "--yes"]) == 0
    assert "Deleted 1 attempt(s) and 1 review attempt(s)." in capsys.readouterr().out
    with ReviewStore(home / "review.sqlite3") as reviews:
        assert reviews.count() == 0


def test_a_section_can_pin_its_objectives_and_shared_words_count_little(tmp_path):
    import nbformat

    notebook = tmp_path / "99_demo.ipynb"
    cells = [
        nbformat.v4.new_markdown_cell("## 1. Psoriasis and neutrophils\n\nPsoriasis plaques."),
        nbformat.v4.new_markdown_cell("## 2. Psoriasis and PASI\n\nPsoriasis severity scores."),
        nbformat.v4.new_markdown_cell(
            "## 3. Psoriasis in mice\n\nPsoriasis models.\n<!-- objectives: 99.c -->"
        ),
        nbformat.v4.new_markdown_cell("## Key points\n\n- Psoriasis, PASI, neutrophils."),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    objectives = {
        "99.a": "Explain how neutrophils enter psoriasis plaques.",
        "99.b": "Calculate a psoriasis severity score.",
        "99.c": "Describe neutrophils in psoriasis.",  # pinned to section 3
    }
    sections = objective_sections(notebook, objectives, {})
    assert sections == {
        "99.a": "1. Psoriasis and neutrophils",
        "99.b": "2. Psoriasis and PASI",
        "99.c": "3. Psoriasis in mice",
    }


def test_a_cell_that_closes_one_section_and_opens_the_next_is_split(tmp_path):
    import nbformat

    notebook = tmp_path / "99_demo.ipynb"
    cells = [
        nbformat.v4.new_markdown_cell("## 1. Neutrophils\n\nNeutrophils enter plaques."),
        nbformat.v4.new_markdown_cell(
            "Neutrophils make NETs.\n\n## 2. Severity scores\n<!-- objectives: 99.b -->\n\n"
            "PASI weighs four regions."
        ),
        nbformat.v4.new_markdown_cell("## Key points\n\n- PASI weighs regions."),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    objectives = {
        "99.a": "Explain how neutrophils make NETs.",
        "99.b": "Describe what the score weighs.",
    }
    assert objective_sections(notebook, objectives, {}) == {
        "99.a": "1. Neutrophils",
        "99.b": "2. Severity scores",
    }
