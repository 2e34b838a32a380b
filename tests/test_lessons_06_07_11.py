"""The keyed answers of lessons 06, 07 and 11 agree with the models they ask about."""

from __future__ import annotations

import pytest

from mscpso_edu import models, quiz
from mscpso_edu.models import therapy
from mscpso_edu.paths import quizzes_dir


def correct_text(slug: str, question_id: str) -> str:
    question = quiz.load_bank(slug).question(question_id)
    [choice] = [c for c in question.choices if c.correct]
    return choice.text


def skin_end(*effects, uvb=None) -> str:
    return models.simulate_skin(
        days=365, start="psoriatic", therapies=tuple(effects), uvb=uvb
    ).final_state


# --- lesson 06: the Th17 model ------------------------------------------------------------------

# Lesson 06 lands once widgets.explore_th17_treg (its Explore activity) is committed.
needs_06 = pytest.mark.skipif(
    not (quizzes_dir() / "06_t_cells.yaml").is_file(), reason="lesson 06 bank not committed yet"
)


@needs_06
def test_06_tgf_alone_switches_on_foxp3_only():
    final = models.simulate_th17(il6=0, tgf=1).final
    assert final["foxp3_mrna"] > 0.05 and abs(final["rorgt_mrna"]) < 1e-3
    assert correct_text("06_t_cells", "tgf_alone").startswith("FOXP3 is switched on")


@needs_06
def test_06_msc_tgf_raises_foxp3_several_fold_without_lowering_rorgt():
    base = models.simulate_th17(il6=1, tgf=1).final
    # Extra dose 2: the explorer slider's maximum, the dose the question asks for.
    with_msc = models.simulate_th17(il6=1, tgf=1, msc_tgf=2).final
    assert with_msc["foxp3_mrna"] > 2.5 * base["foxp3_mrna"]
    assert with_msc["rorgt_mrna"] >= base["rorgt_mrna"]
    assert correct_text("06_t_cells", "msc_tgf_prediction").startswith("FOXP3 rises several-fold")


@needs_06
def test_06_msc_tgf_with_il6_and_no_other_tgf_switches_on_rorgt():
    without = models.simulate_th17(il6=1, tgf=0).final
    with_msc = models.simulate_th17(il6=1, tgf=0, msc_tgf=1).final
    assert abs(without["rorgt_mrna"]) < 1e-3 and with_msc["rorgt_mrna"] > 0.1
    assert correct_text("06_t_cells", "msc_tgf_enables_th17").startswith("RORγt is switched on")


# --- lesson 07: the skin circuit ----------------------------------------------------------------


def lesson_07_fan():
    """The ensemble lesson 07 draws in section 4 (same call as the lesson's code cell)."""
    return models.therapy_ensemble([models.ConstantEffect("tolerogenic_dc", 0.5, 0.0, 28.0)])


def test_07_fan_count_is_the_number_of_virtual_patients_who_heal():
    fan = lesson_07_fan()
    assert quiz.load_bank("07_whole_circuit").question("fan_count").answer == fan.healed
    assert 0 < fan.healed < fan.n


def test_07_every_virtual_patient_who_stays_psoriatic_has_no_healthy_state():
    fan = lesson_07_fan()
    unhealed = [no for state, no in zip(fan.final_states, fan.no_healthy_state, strict=True)
                if state != "healthy"]  # fmt: skip
    assert unhealed and all(unhealed)
    assert correct_text("07_whole_circuit", "fan_why").startswith(
        "Their rate constants leave no healthy state"
    )


def test_07_two_weak_effects_heal_where_each_alone_relapses():
    dc = therapy.ConstantEffect("tolerogenic_dc", 0.3, 30, 28)
    th17 = therapy.ConstantEffect("fewer_th17", 0.3, 30, 28)
    assert skin_end(dc) == skin_end(th17) == "psoriatic"
    assert skin_end(dc, th17) == "healthy"
    assert correct_text("07_whole_circuit", "predict_combination") == "The skin ends healthy"


def test_07_uvb_and_default_biologic_heal_and_untreated_does_not():
    from mscpso_edu.widgets import explore_combination
    from mscpso_edu.widgets.combination_explorer import BIOLOGIC_STRENGTH, TREATMENT_DAY

    days = explore_combination().controls["biologic_days"].value  # the explorer's default
    assert skin_end(uvb=models.UVBCourse.published(TREATMENT_DAY)) == "healthy"
    assert skin_end(therapy.biologic("anti_il17", BIOLOGIC_STRENGTH, TREATMENT_DAY, days)) == (
        "healthy"
    )
    assert skin_end() == "psoriatic"
    keyed = {c.text for c in quiz.load_bank("07_whole_circuit").question(
        "comparison_outcomes").choices if c.correct}  # fmt: skip
    assert keyed == {
        "The published UVB course returns the skin to the healthy state",
        "The default anti-IL-17 biologic returns the skin to the healthy state",
    }


@pytest.mark.parametrize("slug", ["07_whole_circuit", "11_capstone"])
def test_banks_load_with_at_least_ten_questions(slug):
    assert len(quiz.load_bank(slug)) >= 10


# --- lesson 11: the capstone dosing model -------------------------------------------------------


def capstone_end(**changes) -> str:
    from mscpso_edu.widgets.capstone import therapy_for

    plan = {"product": "cells", "route": "intravenous", "dose": 2.0, "doses": 5, "interval": 14,
            "mechanism": "t_cell_clearance", "strength": 0.9} | changes  # fmt: skip
    return skin_end(therapy_for(plan))


def test_11_one_iv_dose_relapses_and_five_two_weeks_apart_heal():
    assert capstone_end(doses=1) == "psoriatic"
    assert capstone_end() == "healthy"
    assert correct_text("11_capstone", "predict_schedule").startswith("One dose relapses")


def test_11_a_single_ev_dose_does_not_heal():
    assert capstone_end(product="ev", dose=100.0, doses=1) == "psoriatic"
    assert correct_text("11_capstone", "ev_single_dose").startswith(
        "That in the model a short-lived product needs repeated doses"
    )


def test_11_source_evidence_pairs_follow_the_knowledge_base():
    from mscpso_edu import knowledge

    studies = knowledge.clinical_studies(published=True)
    by_source = {s.source: [t.evidence for t in studies if t.source == s.source] for s in studies}
    assert "bone_marrow" not in by_source  # "no human study in psoriasis in the knowledge base"
    assert by_source["gingiva"] == ["case_report"]
    pairs = {
        p.left: p.right for p in quiz.load_bank("11_capstone").question("source_evidence").pairs
    }
    assert pairs["Bone-marrow MSCs"] == "no human study in psoriasis in the knowledge base"


def test_11_the_strong_exemplar_reports_what_the_model_does():
    """Three administrations a month apart: locally they heal under the cautious preset (thanks to
    the illustrative local half-life); intravenously not even under the optimistic one."""
    from mscpso_edu.widgets import capstone

    plan = {"product": "cells", "dose": 2.0, "doses": 3, "interval": 28,
            "mechanism": "t_cell_clearance"}  # fmt: skip
    cautious, optimistic = capstone.POTENCY["cautious"][0], capstone.POTENCY["optimistic"][0]
    local = plan | {"route": "into plaques", "strength": cautious}
    assert capstone._solve(local)["run"].final_state == "healthy"
    iv = plan | {"route": "intravenous", "strength": optimistic}
    assert capstone._solve(iv)["run"].final_state == "psoriatic"


def test_07_a_therapy_that_heals_the_published_model_leaves_some_virtual_patients_psoriatic():
    """Lesson 07's misconception 'if a therapy heals the model with its published numbers, it will
    work in most patients'."""
    fan = lesson_07_fan()
    assert skin_end(*fan.therapies) == "healthy"
    assert "psoriatic" in fan.final_states


def test_07_example_plan_prediction_holds_in_the_explorer():
    """The worked example plan of lesson 07: a 28-day anti-IL-17 course heals; the same course
    with a later trigger of 3000 DCs/mm² per day on day 240 relapses."""
    from mscpso_edu import widgets

    explorer = widgets.explore_combination()
    explorer.controls["compare_biologic"].value = True
    explorer.controls["biologic_days"].value = 28
    assert "anti-IL-17: healthy" in explorer.readout.value
    explorer.controls["trigger_day"].value = 240
    explorer.controls["trigger_rate"].value = 3000.0
    assert "anti-IL-17: psoriatic" in explorer.readout.value


def test_07_virtual_patients_who_stay_psoriatic_clear_during_the_course_then_drift_back():
    """Lesson 07 section 4: the unhealed virtual patients clear during the course (the figure
    shows their lines near zero) and then drift back, because nothing holds them healthy."""
    fan = lesson_07_fan()
    [effect] = fan.therapies
    course = fan.t <= effect.start + effect.duration
    unhealed = [row for row, state in zip(fan.pasi, fan.final_states, strict=True)
                if state != "healthy"]  # fmt: skip
    assert unhealed
    for row in unhealed:
        assert row[course].min() < 0.1 * row[0]
        assert row[-1] > row[course].min()


def test_07_a_later_trigger_relapses_a_healing_combination_only_when_large_enough():
    """Lesson 07's What to notice: after a combination that heals, a later trigger as large as the
    model's onset pulse relapses the skin, a small one does not, and tissue memory lowers the
    push needed (section 7's relapse_comparison computes the threshold)."""
    from mscpso_edu import widgets

    explorer = widgets.explore_combination()
    explorer.controls["tolerogenic_dc"].value = 0.3
    explorer.controls["fewer_th17"].value = 0.3
    assert "your combination: healthy" in explorer.readout.value
    explorer.controls["trigger_rate"].value = models.DCStimulus().rate
    assert "your combination: psoriatic" in explorer.readout.value
    explorer.controls["trigger_rate"].value = models.DCStimulus().rate / 2
    assert "your combination: healthy" in explorer.readout.value
    explorer.controls["memory"].value = True
    assert "your combination: psoriatic" in explorer.readout.value


def test_11_default_design_pulses_add_up_although_the_skin_slides_back_between_them():
    """Lesson 11's What to notice at the explorer's default design (one-day half-life, doses two
    weeks apart): between doses the PASI proxy rises again, but each dose starts lower than the
    one before."""
    import numpy as np

    from mscpso_edu import widgets
    from mscpso_edu.widgets import capstone

    solved = capstone._solve(widgets.design_therapy().values)
    run, days = solved["run"], np.asarray(solved["plan"].dose_days)
    before = np.interp(days - 0.5, run.t, run.pasi_proxy)
    after = np.interp(days + 2.0, run.t, run.pasi_proxy)
    assert len(days) > 2
    assert np.all(np.diff(before) < 0)  # each dose starts from a little lower: the pulses add up
    assert np.all(before[1:] > after[:-1])  # but between doses the skin slides back


def test_07_numbers_typed_in_the_lesson_are_the_explorers_and_the_models():
    """Lesson 07 types a few settings in its prose; each must be the one the code uses: the fan's
    number of virtual patients, the fixed MSC course and its start, the biologic's default course
    (section 7's '12-week arm') and the example plan's trigger (the model's onset pulse)."""
    import inspect

    import nbformat

    from mscpso_edu import widgets
    from mscpso_edu.paths import lessons_dir
    from mscpso_edu.widgets.combination_explorer import MSC_COURSE_DAYS, TREATMENT_DAY

    notebook = nbformat.read(lessons_dir() / "07_whole_circuit.ipynb", as_version=4)
    text = " ".join(" ".join(cell.source.split()) for cell in notebook.cells)
    n = inspect.signature(models.therapy_ensemble).parameters["n"].default
    assert lesson_07_fan().n == n and f"treats {n} virtual patients" in text
    assert f"four weeks ({MSC_COURSE_DAYS:g} days) from day {TREATMENT_DAY:g}" in text
    assert MSC_COURSE_DAYS == 4 * 7
    biologic_days = widgets.explore_combination().defaults["biologic_days"]
    assert f"its {biologic_days // 7}-week anti-IL-17 arm ends healthy" in text
    assert biologic_days % 7 == 0
    onset = models.DCStimulus()
    assert f"later trigger of {onset.rate:g} DCs/mm² per day (the size of the model's own" in text


def test_07_healed_virtual_patients_settle_at_their_own_healthy_state_near_zero():
    """Lesson 07 section 4: healed lines settle (no drift at the end) a little below the published
    healthy state's 0, because the proxy is scaled to the published states."""
    import numpy as np

    fan = lesson_07_fan()
    healed = np.array([row for row, s in zip(fan.pasi, fan.final_states, strict=True)
                       if s == "healthy"])  # fmt: skip
    assert np.all(np.abs(healed[:, -1] - healed[:, -30]) < 1e-3)  # settled
    assert np.all(healed[:, -1] < 0.01) and np.mean(healed[:, -1] < 0) > 0.8
    assert abs(fan.reference[-1]) < 0.01  # the published parameters settle at 0
