"""Numbers and model predictions typed in the bank of lesson 01 match their sources.

A bank may only type a number that a test ties to the knowledge base or a model run; these are
those ties, so a change in the data or the models fails here instead of misleading a learner.
"""

from __future__ import annotations

import pytest

from mscpso_edu import knowledge, models
from mscpso_edu.models import pasi


def _raw(slug, question_id):
    import yaml

    from mscpso_edu.paths import quizzes_dir

    data = yaml.safe_load((quizzes_dir() / f"{slug}.yaml").read_text(encoding="utf-8"))
    return next(q for q in data["questions"] if q["id"] == question_id)


def test_pool_question_quotes_the_weinstein_facts():
    explanation = _raw("01_psoriasis", "pool_explains_output")["explanation"]
    for fact_id in ("kc_cell_cycle", "kc_proliferative_pool"):
        for value in knowledge.fact(fact_id).values.values():
            assert f"{value:,}" in explanation


def test_largest_kinetic_change_is_cell_production():
    folds = {
        fact_id: knowledge.fact(fact_id).values["psoriatic"]
        / knowledge.fact(fact_id).values["normal"]
        for fact_id in ("kc_cell_cycle", "kc_proliferative_pool", "kc_production")
    }
    change = {k: max(v, 1 / v) for k, v in folds.items()}
    assert max(change, key=change.get) == "kc_production"


def test_countries_question_quotes_the_parisi_fact():
    percent = knowledge.fact("countries_without_data").values["percent"]
    assert f"{percent}%" in _raw("01_psoriasis", "countries_evidence")["explanation"]


def test_pasi75_left_matches_the_pasi_model():
    raw = _raw("01_psoriasis", "predict_pasi75_left")
    assert pasi.pasi_response(40, raw["answer"]).pasi75
    assert not pasi.pasi_response(40, raw["answer"] + 0.5).pasi75


def test_pasi_endpoint_question_matches_the_pasi_model():
    response = pasi.pasi_response(24, 5)
    raw = _raw("01_psoriasis", "pasi_endpoints")
    ticked = {c["text"] for c in raw["choices"] if c.get("correct")}
    assert ("PASI50" in ticked) == response.pasi50
    assert ("PASI75" in ticked) == response.pasi75
    assert ("PASI90" in ticked) == response.pasi90


def test_legs_weigh_four_times_the_head():
    assert pasi.REGION_WEIGHTS["legs"] / pasi.REGION_WEIGHTS["head"] == pytest.approx(4)


@pytest.mark.parametrize(("influx", "expected"), [(500.0, "psoriatic"), (100.0, "healthy")])
def test_flip_prediction_matches_the_bistable_core(influx, expected):
    # The phase-plane explorer starts pushes on day 10 and runs 365 days.
    result = models.simulate_core(days=365.0, start="healthy", influx=influx, influx_days=5.0)
    assert result.eventual_state == expected


def _heals(factor: float, course_days: float) -> bool:
    from mscpso_edu.widgets.phase_plane import PUSH_START

    result = models.simulate_core(
        days=365.0,
        start="psoriatic",
        clearance_factor=factor,
        clearance_start=PUSH_START,
        clearance_days=course_days,
    )
    return result.eventual_state == "healthy"


def test_clearance_strength_question_matches_the_bistable_core():
    """The ticked choice is the one the model gives for x1.5 and x3 over the explorer's course."""
    from mscpso_edu.widgets.phase_plane import CLEARANCE_COURSE_DAYS, PUSH_START

    raw = _raw("01_psoriasis", "clearance_strength")
    assert f"{CLEARANCE_COURSE_DAYS:g}-day course" in raw["prompt"]
    assert f"from day {PUSH_START:g}" in raw["prompt"]
    assert f"{CLEARANCE_COURSE_DAYS:g}-day course" in raw["explanation"]
    weak, strong = (_heals(f, CLEARANCE_COURSE_DAYS) for f in (1.5, 3.0))
    outcome = {
        (False, True): "Only ×3",
        (True, True): "Both",
        (False, False): "Neither",
        (True, False): "Only ×1.5",
    }[(weak, strong)]
    ticked = [c["text"] for c in raw["choices"] if c.get("correct")]
    assert len(ticked) == 1 and ticked[0].startswith(outcome), (outcome, ticked)


def test_clearance_strength_explanation_holds_weaker_boosts_heal_if_held_longer():
    # "Held for longer, a weaker boost can get there too" (lesson 05's trade-off).
    from mscpso_edu.widgets.phase_plane import CLEARANCE_COURSE_DAYS

    assert not _heals(1.5, CLEARANCE_COURSE_DAYS)
    assert _heals(1.5, 2 * CLEARANCE_COURSE_DAYS)
    assert "held for longer" in _raw("01_psoriasis", "clearance_strength")["explanation"].lower()


def test_lesson_states_the_explorers_course_length():
    import nbformat

    from mscpso_edu.paths import lessons_dir
    from mscpso_edu.widgets.phase_plane import CLEARANCE_COURSE_DAYS

    notebook = nbformat.read(lessons_dir() / "01_psoriasis.ipynb", as_version=4)
    cells = {cell.get("id"): cell.source for cell in notebook.cells}
    assert f"fixed {CLEARANCE_COURSE_DAYS:g}-day course" in cells["a01work3"]
    assert f"same {CLEARANCE_COURSE_DAYS:g} days" in cells["a4be127f"]
