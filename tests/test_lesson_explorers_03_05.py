"""The explorers of lessons 03 and 04, driven from Python as a learner would drive them."""

from __future__ import annotations

import pytest

from mscpso_edu import knowledge, quiz, widgets
from mscpso_edu.errors import CourseError
from mscpso_edu.models import skin_circuit
from mscpso_edu.widgets.keratinocyte_explorer import COURSE_DAYS, _make_solver, course_end
from mscpso_edu.widgets.mechanism_explorer import LOOP_INTERACTIONS, PRODUCTS, product_effects

solve = _make_solver()[0]


def _question(slug: str, question_id: str):
    return quiz.load_bank(slug).question(question_id)


def end_of_course(explorer) -> dict[str, float]:
    """Keratinocytes and IL-17 (x healthy) and turnover on the course's last day, from the model."""
    return course_end(solve(explorer.values))


def test_keratinocyte_explorer_target_decides_what_falls_first_and_the_feedback_lowers_il17():
    """Acting on the immune side lowers IL-17 more by the end of the same course; acting on
    keratinocyte division lowers IL-17 too, through the keratinocytes' growth factor, although
    that mechanism scales no immune rate."""
    from mscpso_edu.models import therapy

    explorer = widgets.explore_keratinocytes()
    assert explorer.last_error is None and explorer.controls["target"].value == "keratinocyte"
    assert set(therapy.MECHANISMS["keratinocyte"].targets) == {"sc2", "ta2"}
    on_keratinocytes = end_of_course(explorer)
    untreated = solve(explorer.values)["untreated"]
    untreated_il17 = untreated.IL17[COURSE_DAYS] / skin_circuit.healthy_state().IL17
    assert on_keratinocytes["il17"] < 0.7 * untreated_il17  # the feedback: IL-17 falls
    png = explorer.png
    explorer.controls["target"].value = "fewer_th17"
    on_immune = end_of_course(explorer)
    assert explorer.png != png
    assert on_immune["il17"] < on_keratinocytes["il17"]
    assert f"IL-17 {on_immune['il17']:.2f}× healthy" in explorer.readout.value


def test_keratinocyte_explorer_prediction_normal_il17_at_course_end_still_relapses():
    """The lesson's prediction and What-to-notice: at 0.3 on the immune side IL-17 ends the course
    at about its healthy level with the epidermis still thick, and the skin relapses; at 0.4 on
    the keratinocytes IL-17 ends higher, and the skin heals."""
    explorer = widgets.explore_keratinocytes()
    explorer.controls["target"].value = "fewer_th17"
    explorer.controls["strength"].value = 0.3
    immune = end_of_course(explorer)
    assert immune["il17"] == pytest.approx(1.0, abs=0.1)
    assert immune["keratinocytes"] > 1.3
    assert "Day 365: psoriatic" in explorer.readout.value
    key = next(c.text for c in _question("03_keratinocytes", "predict_target").choices if c.correct)
    assert key.startswith("Psoriatic, because the epidermis is still thick")
    explorer.controls["strength"].value = 0.4
    assert "Day 365: healthy" in explorer.readout.value  # the target is not what failed at 0.3
    explorer.controls["target"].value = "keratinocyte"
    assert end_of_course(explorer)["il17"] > immune["il17"]
    assert "Day 365: healthy" in explorer.readout.value
    assert "our interpretation" in explorer.notes.value


def test_keratinocyte_explorer_turnover_ends_slower_than_healthy_at_half_strength():
    """Bank question turnover_during_effect (keratinocyte target, strength 0.5)."""
    explorer = widgets.explore_keratinocytes()
    explorer.controls["strength"].value = 0.5
    assert end_of_course(explorer)["turnover"] > skin_circuit.healthy_state().turnover_days
    key = next(
        c.text for c in _question("03_keratinocytes", "turnover_during_effect").choices if c.correct
    )
    assert key.startswith("Longer than healthy")


def test_keratinocyte_explorer_has_a_fixed_course_and_no_duration_control():
    explorer = widgets.explore_keratinocytes()
    assert "duration" not in explorer.controls
    assert f"for {COURSE_DAYS} days" in explorer.alt_text
    assert f"End of the {COURSE_DAYS}-day course" in explorer.readout.value


def test_keratinocyte_explorer_lines_move_and_reset_restores():
    explorer = widgets.explore_keratinocytes()
    first = explorer.png
    explorer.controls["strength"].value = 0.9
    assert explorer.png != first
    explorer.controls["dc_rate"].value = 0.0
    assert "(untreated: healthy)" in explorer.readout.value
    explorer.reset()
    assert explorer.values == explorer.defaults
    assert explorer.png == first


def test_every_product_names_interactions_the_knowledge_base_holds():
    held = {item.id for item in knowledge.load().interactions}
    assert set(LOOP_INTERACTIONS) <= held
    for key in PRODUCTS:
        effects = product_effects(key)
        for table in effects.values():
            assert set(table) <= set(LOOP_INTERACTIONS)


def test_mechanism_explorer_cuts_and_boosts_arrows():
    explorer = widgets.explore_mechanisms()
    explorer.controls["product"].value = "exosomes"
    assert "weakens Neu → KC" in explorer.readout.value
    assert "Zhang 2021" in explorer.readout.value
    explorer.controls["product"].value = "tonsil_msc"
    text = explorer.readout.value
    assert "strengthens Neu → KC" in text and "not psoriasis" in text
    explorer.controls["product"].value = "none"
    assert "every arrow of the loop is intact" in explorer.readout.value


def test_mechanism_explorer_model_panel_reports_the_steady_states():
    explorer = widgets.explore_mechanisms()
    explorer.controls["il17_factor"].value = 0.7
    assert "only the healthy state exists" in explorer.readout.value
    explorer.controls["il17_factor"].value = 1.1
    assert "only the psoriatic state exists" in explorer.readout.value
    explorer.controls["il17_factor"].value = 1.0
    assert "coexist" in explorer.readout.value


def test_unknown_product_is_a_readable_error():
    with pytest.raises(CourseError, match="unknown MSC product"):
        product_effects("stem-cell soup")


def test_lesson_03_states_the_explorers_course_trigger_and_default_strength():
    """The explorer's introduction and prediction in lesson 03 type the course length, the onset
    trigger and the default strength: they must be the explorer's own."""
    import nbformat

    from mscpso_edu.paths import lessons_dir
    from mscpso_edu.widgets.keratinocyte_explorer import ONSET_DAY

    notebook = nbformat.read(lessons_dir() / "03_keratinocytes.ipynb", as_version=4)
    text = next(cell.source for cell in notebook.cells if "### Explore: act on" in cell.source)
    assert f"four weeks ({COURSE_DAYS} days)" in text and COURSE_DAYS == 4 * 7
    assert f"extra influx of dendritic cells from day {ONSET_DAY:g}" in text
    strength = widgets.explore_keratinocytes().defaults["strength"]
    assert f"at strength {strength:g} (the default strength)" in text


def test_lesson_03_words_about_model_and_measured_turnover_hold():
    """Lesson 03's 'Model vs measurement' paragraph: the model's healthy skin turns over somewhat
    more slowly than the textbook's transit time and its plaque several times more slowly; in
    psoriasis the model's pool grows more than the measured one while its output rises far less."""
    import re

    import nbformat

    from mscpso_edu.knowledge import fact
    from mscpso_edu.paths import lessons_dir

    notebook = nbformat.read(lessons_dir() / "03_keratinocytes.ipynb", as_version=4)
    text = next(c.source for c in notebook.cells if "### Model vs measurement" in c.source)
    assert "somewhat more slowly than the textbook" in text
    assert "its plaque several times more slowly" in text
    transit = fact("kc_transit_textbook").values
    healthy, psoriatic = skin_circuit.healthy_state(), skin_circuit.psoriatic_state()
    assert 1.0 < healthy.turnover_days / transit["normal"] < 2.0
    assert psoriatic.turnover_days / transit["psoriatic"] >= 3.0

    table = str(skin_circuit.kinetics_comparison())  # the folds the learner reads in the table

    def folds(quantity: str) -> tuple[float, float]:
        row = next(line for line in table.splitlines() if line.startswith(f"| {quantity}"))
        model, measured = (float(x) for x in re.findall(r"\(([\d.]+)×\)", row))
        return model, measured

    pool_model, pool_measured = folds("Proliferative pool")
    made_model, made_measured = folds("Cells produced")
    assert pool_model > pool_measured
    assert made_model < 0.5 * made_measured


def test_lesson_05_later_trigger_relapses_a_healed_course_only_when_large_enough():
    """Lesson 05's What to notice: after the default healing course a later trigger as large as
    the onset stimulus flips the skin back, one half that size does not, and tissue memory
    lowers the push needed."""
    explorer = widgets.explore_skin_circuit()
    onset = explorer.values["dc_rate"]

    def final(rate: float) -> str:
        explorer.controls["trigger_rate"].value = rate
        return explorer.readout.value.split(";")[0]

    assert "healthy" in final(0.0)
    assert "psoriatic" in final(onset)
    smaller = next(r for r in (onset / 2 + 250 * k for k in range(8)) if "psoriatic" in final(r))
    assert smaller > onset / 2
    explorer.controls["memory"].value = True
    assert "psoriatic" in final(smaller - 250)
