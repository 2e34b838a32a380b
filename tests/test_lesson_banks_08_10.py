"""Answers in the lesson 08-10 banks that come from data are checked against that data here.

A bank's numeric answer is typed in YAML; these tests recompute it from the knowledge base or
the explorer, so the quiz cannot disagree with what the learner sees.
"""

from __future__ import annotations

from mscpso_edu import knowledge, quiz
from mscpso_edu.widgets import explore_evidence


def _question(slug: str, question_id: str):
    return quiz.load_bank(slug).question(question_id)


def _published():
    return [s for s in knowledge.load().clinical_studies if s.published]


def test_08_skin_route_count_matches_the_explorer():
    explorer = explore_evidence()
    explorer.controls["route"].value = "injected into the skin"
    answer = _question("08_clinical_evidence", "explorer_skin_route").answer
    assert explorer.readout.value.startswith(f"<b>{answer:g} of ")


def test_08_exosome_participants_match_the_explorer_and_the_data():
    explorer = explore_evidence()
    explorer.controls["product"].value = "exosomes"
    answer = _question("08_clinical_evidence", "explorer_exosome_participants").answer
    assert sum(s.n for s in _published() if s.product == "exosomes") == answer
    assert f"{answer:g} participants" in explorer.readout.value


def test_08_size_order_follows_the_sample_sizes():
    question = _question("08_clinical_evidence", "size_order")
    by_author = {knowledge.cite(s.ref): s.n for s in _published()}
    sizes = [by_author[item.text.split(" (")[0]] for item in question.items]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)


def test_08_yao_denominator_is_responders_over_everyone_enrolled():
    flow = knowledge.fact("yao_flow").values
    answer = _question("08_clinical_evidence", "yao_denominator").answer
    assert round(100 * flow["kept_pasi50"] / flow["enrolled"]) == answer


def test_09_clotting_only_answer_is_what_the_explorer_ranks_first():
    from mscpso_edu.widgets import explore_sources

    explorer = explore_sources()
    explorer.controls["harvest"].value = 0.0
    explorer.controls["evidence"].value = 0.0
    question = _question("09_challenges", "explorer_clotting_only")
    correct = next(c.text for c in question.choices if c.correct)
    assert explorer.readout.value.startswith(
        f"<b>Illustrative ranking with these weights: {correct}"
    )


def test_09_equal_weights_put_a_most_studied_source_first():
    from mscpso_edu.widgets import explore_sources

    explorer = explore_sources()
    assert {
        c.value for c in (explorer.controls[k] for k in ("harvest", "clotting", "evidence"))
    } == {1.0}
    first = explorer.readout.value.split(": ", 1)[1].split(" ")[0:2]
    assert " ".join(first) in ("Umbilical cord", "Adipose tissue")
    question = _question("09_challenges", "predict_equal_weights")
    correct = next(c.text for c in question.choices if c.correct)
    assert "umbilical cord or adipose tissue" in correct
