"""Numbers typed in the bank of lesson 02 match the knowledge base and the synthetic panel."""

from __future__ import annotations

import yaml

from mscpso_edu import knowledge
from mscpso_edu.models import flow_cytometry as fc
from mscpso_edu.paths import quizzes_dir


def _raw(slug, question_id):
    data = yaml.safe_load((quizzes_dir() / f"{slug}.yaml").read_text(encoding="utf-8"))
    return next(q for q in data["questions"] if q["id"] == question_id)


def test_isct_numbers_in_the_02_bank_are_the_knowledge_base_thresholds():
    criteria = knowledge.load().isct_criteria
    assert _raw("02_mscs", "isct_positive_threshold")["answer"] == criteria.min_positive_percent
    assert _raw("02_mscs", "isct_negative_threshold")["answer"] == criteria.max_negative_percent


def test_explorer_question_in_the_02_bank_names_a_failing_panel_sample():
    raw = _raw("02_mscs", "explorer_contaminated")
    panel = {s.name: s for s in fc.synthetic_panel(2006)}
    correct = [c["text"] for c in raw["choices"] if c.get("correct")]
    assert len(correct) == 1
    name = correct[0].split(":")[0]
    assert panel[name].profile == "haematopoietic_contamination"
    assert not fc.classify(panel[name]).is_msc
