"""The therapy mechanisms, dosing products and evidence labels come from knowledge/therapy.yaml,
where every cited description carries its sources' words."""

from __future__ import annotations

import shutil

from mscpso_edu.check import run_checks
from mscpso_edu.knowledge import load
from mscpso_edu.knowledge.therapy import THERAPY_FILE, therapy_data, therapy_problems
from mscpso_edu.models import therapy
from mscpso_edu.widgets import evidence_explorer


def test_the_file_passes_every_check():
    assert therapy_problems() == []
    assert [p for p in run_checks([THERAPY_FILE])] == []


def test_the_model_takes_its_mechanisms_and_products_from_the_file():
    data = therapy_data()
    assert set(therapy.MECHANISMS) == set(data.mechanisms)
    for name, mechanism in therapy.MECHANISMS.items():
        source = data.mechanisms[name]
        assert (mechanism.targets, mechanism.kind, mechanism.refs) == (
            source.targets,
            source.kind,
            source.refs,
        )
        # Reference ids in the file are shown to learners as citations.
        for ref in source.refs:
            assert ref not in mechanism.description
    assert "Spaggiari 2009" in therapy.MECHANISMS["tolerogenic_dc"].description
    assert therapy.PRODUCTS["cells"].half_life_days == data.dosing_products["cells"].half_life_days
    assert "half_life_days" in therapy.PRODUCTS["ev"].illustrative


def test_every_cited_entry_quotes_each_of_its_references():
    data = therapy_data()
    known = set(load().references)
    for entry in [*data.mechanisms.values(), *data.dosing_products.values()]:
        assert set(entry.refs) <= known, entry.id
    assert {s.evidence for s in load().clinical_studies} <= set(data.evidence_labels)
    assert {s.product for s in load().clinical_studies if s.product} <= set(
        data.study_product_labels
    )


def test_the_evidence_explorer_uses_the_one_wording():
    assert therapy_data().evidence_labels == evidence_explorer.EVIDENCE_LABELS
    assert evidence_explorer.PRODUCT_LABELS["svf"] == "stromal vascular fraction (uncultured)"


def test_a_damaged_file_is_reported_with_its_line(tmp_path):
    broken = tmp_path / "therapy.yaml"
    shutil.copy(THERAPY_FILE, broken)
    text = broken.read_text(encoding="utf-8").replace("kind: reduce", "kind: shrink", 1)
    text = text.replace('quote: "Moreover, PGE2', 'quote: "Moreover, PGE3', 1)
    text = text.replace("(lee2017)", "(lee2017, 45% fewer)", 1)
    broken.write_text(text, encoding="utf-8")
    problems = therapy_problems(broken)
    messages = [f"{p.line}: {p.message}" for p in problems]
    assert any("'kind' must be one of reduce, clearance" in m for m in messages), messages
    assert any("the number 45" in m for m in messages), messages
    assert all(p.path == str(broken) and p.line for p in problems)
