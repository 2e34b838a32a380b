"""The knowledge base's published schemas, its shared YAML reader and the support checks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mscpso_edu import knowledge
from mscpso_edu.knowledge import _model, _schema, _support
from mscpso_edu.knowledge._support import Claim, Conversion, Support, check_claims


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    for name in _model.FILES:
        shutil.copy(knowledge.DATA_DIR / name, folder / name)
    return folder


def _replace_fact(folder: Path, fact_id: str, block: str) -> int:
    """Replace the fact ``fact_id`` (flow or block style) by ``block``; return its first line."""
    path = folder / "facts.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, row in enumerate(lines) if f"id: {fact_id}" in row)
    if lines[start].lstrip().startswith("- {"):
        end = start + 1
    else:
        end = start + 1
        while end < len(lines) and lines[end].startswith("    "):
            end += 1
    lines[start:end] = [block.rstrip("\n") + "\n"]
    path.write_text("".join(lines), encoding="utf-8")
    return start + 1


def _fact(support: str, statement: str = "The cycle shortens from 311 h to 36 h.", **extra) -> str:
    rest = "".join(f"    {key}: {value}\n" for key, value in extra.items())
    return (
        "  - id: kc_cell_cycle\n    topic: keratinocyte_kinetics\n    context: human\n"
        f'    refs: [weinstein1985]\n    statement: "{statement}"\n{rest}    support:\n{support}'
    )


QUOTE = (
    '      - ref: weinstein1985\n        quote: "In psoriatic patients the germinative cell '
    'cycle was 36 h compared with 311 h in normal epidermis."\n        where: abstract\n'
    "        secondhand: false\n"
)


# --- schemas --------------------------------------------------------------------------------


def test_every_knowledge_file_has_a_published_valid_schema():
    from jsonschema import Draft202012Validator

    for name in _model.FILES:
        path = _schema.SCHEMA_DIR / name.replace(".yaml", ".schema.json")
        document = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(document)
        assert document["$id"].endswith(path.name)


def test_schema_error_names_the_field_and_its_line(kb_copy: Path):
    line = _replace_fact(
        kb_copy, "kc_cell_cycle", _fact(QUOTE.replace("where: abstract", "where: abstrct"))
    )
    (problem,) = knowledge.validate(kb_copy)
    assert problem.path.endswith("facts.yaml") and problem.line == line + 8
    assert "kc_cell_cycle" in problem.message and "'where' is 'abstrct'" in problem.message


def test_support_item_needs_secondhand(kb_copy: Path):
    line = _replace_fact(
        kb_copy, "kc_cell_cycle", _fact(QUOTE.replace("        secondhand: false\n", ""))
    )
    (problem,) = knowledge.validate(kb_copy)
    assert problem.line == line + 6 and "missing required field 'secondhand'" in problem.message


# --- the shared reader ----------------------------------------------------------------------


def test_knowledge_reader_refuses_anchors_and_duplicate_keys(kb_copy: Path):
    path = kb_copy / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    anchored = text.replace("{term: Autologous, definition:", "{term: Autologous, definition: &x")
    path.write_text(anchored + "  - {term: Zeta, definition: *x}\n", encoding="utf-8")
    (problem,) = knowledge.validate(kb_copy)
    assert problem.path.endswith("glossary.yaml") and "anchors and aliases" in problem.message
    path.write_text(text.replace("{term: Autologous,", "{term: Autologous, term: Autologous,"))
    (problem,) = knowledge.validate(kb_copy)
    assert "field 'term' appears twice" in problem.message


# --- support checks on a real file ----------------------------------------------------------


def test_supported_fact_passes_and_numbers_are_checked(kb_copy: Path):
    _replace_fact(kb_copy, "kc_cell_cycle", _fact(QUOTE))
    assert knowledge.validate(kb_copy) == []
    assert knowledge.load(kb_copy).facts["kc_cell_cycle"].support[0].where == "abstract"
    line = _replace_fact(kb_copy, "kc_cell_cycle", _fact(QUOTE, "It shortens from 312 h."))
    (problem,) = knowledge.validate(kb_copy)
    assert problem.line == line and "the number 312 is not in its quotes" in problem.message


def test_conversion_explains_a_number_and_a_wrong_one_is_reported(kb_copy: Path):
    good = "\n      - {value: 13, rule: hours_to_days, from: 311}"
    _replace_fact(kb_copy, "kc_cell_cycle", _fact(QUOTE, "About 13 days.", conversion=good))
    assert knowledge.validate(kb_copy) == []
    bad = "\n      - {value: 14, rule: hours_to_days, from: 311}"
    line = _replace_fact(kb_copy, "kc_cell_cycle", _fact(QUOTE, "About 14 days.", conversion=bad))
    problems = [p.message for p in knowledge.validate(kb_copy)]
    assert any("gives 12.96, not 14" in m for m in problems), problems
    assert all(p.line >= line for p in knowledge.validate(kb_copy))


def test_context_must_match_the_quote(kb_copy: Path):
    mouse = QUOTE.replace("In psoriatic patients the", "In imiquimod-treated mice the").replace(
        " in normal epidermis", " in normal skin"
    )
    line = _replace_fact(kb_copy, "kc_cell_cycle", _fact(mouse))
    (problem,) = knowledge.validate(kb_copy)
    assert problem.line == line and "context 'human'" in problem.message


def test_pending_files_may_lack_support_but_others_may_not():
    claim = Claim("facts.yaml", "fact 'x'", "facts.yaml", 3, "A claim.", ("weinstein1985",))
    assert check_claims([claim], {}, pending=frozenset({"facts.yaml"})) == []
    (problem,) = check_claims([claim], {}, pending=frozenset())
    assert problem.line == 3 and "no support" in problem.message


def _claim(quote: str, text: str, **kwargs) -> Claim:
    support = (Support("ref2020", quote, "abstract", kwargs.pop("secondhand", False), line=9),)
    return Claim("f.yaml", "fact 'x'", "f.yaml", 1, text, ("ref2020",), support, **kwargs)


def test_review_quotes_must_be_labelled_second_hand():
    claim = _claim("In patients, IL-17 fell.", "IL-17 fell.", contexts=("human",))
    (problem,) = check_claims([claim], {"ref2020": "review"})
    assert problem.line == 9 and "secondhand: true" in problem.message
    labelled = _claim("In patients, IL-17 fell.", "IL-17 fell.", secondhand=True)
    assert check_claims([labelled], {"ref2020": "review"}) == []


def test_claim_about_patients_needs_human_context():
    claim = _claim("Whole blood assays and patients.", "Minor effects in patients.",
                   contexts=("in_vitro",))  # fmt: skip
    (problem,) = check_claims([claim], {})
    assert "leaves out human" in problem.message


def test_quote_must_be_short_and_cite_listed_refs():
    claim = _claim("word " * 80, "A claim.")
    (problem,) = check_claims([claim], {})
    assert "80 words" in problem.message
    quote = (Support("b2020", "q", "abstract", False),)
    other = Claim("f.yaml", "fact 'x'", "f.yaml", 1, "A.", ("a2020",), quote)
    messages = sorted(p.message for p in check_claims([other], {}))
    assert "quotes nothing from it" in messages[0] and "does not cite" in messages[1]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("IL-17A, CD4+, TLR7/8, PASI-75 and NCT03265613 hold no numbers", []),
        ("from 27,000 to 52,000 cells/mm2", [27000, 52000]),
        ("0.5-3.1e6/kg in 5/16 events, 60% (n = 7)", [0.5, 3.1e6, 5, 16, 60, 7]),
        ("~35,000 at <1% and day 8", [35000, 1, 8]),
    ],
)
def test_claim_numbers(text: str, numbers: list[float]):
    assert [value for value, _, _ in _support.claim_numbers(text)] == numbers


def test_quote_numbers_read_common_notations():
    found = _support.quote_numbers("3 × 10^6 cells, 1 x 10(6)/kg, 27 000 cells, two patients")
    assert {3e6, 1e6, 27000.0, 2.0} <= found
    assert 5e5 in _support.quote_numbers("5×10⁵ MSCs")
    assert 2e6 in _support.quote_numbers("2 million")


def test_conversion_rules():
    assert Conversion(47.1, "percent", (8, 17)).computed() == pytest.approx(47.06, abs=0.01)
    assert Conversion(28, "ratio", (35000, 1246)).computed() == pytest.approx(28.09, abs=0.01)
    assert set(_support.CONVERSION_RULES) == set(
        _schema.schema("support.yaml")["$defs"]["conversion"]["items"]["properties"]["rule"]["enum"]
    )


# --- learners can see the words -------------------------------------------------------------


def test_facts_show_what_the_paper_says_under_each_fact():
    from markdown_it import MarkdownIt

    fact = knowledge.fact("kc_cell_cycle")
    text = str(knowledge.facts(["kc_cell_cycle"]))
    html = MarkdownIt("commonmark").render(text)
    # One list item holding the fact and a closed <details> with quote, place and DOI link.
    assert html.count("<li>") == 1 and "<details><summary>What the paper says</summary>" in html
    assert "open" not in html.split("<details", 1)[1].split(">", 1)[0]
    quote = fact.support[0].quote
    assert quote[:40] in html and "Weinstein 1985, abstract" in html
    assert f'href="https://doi.org/{knowledge.reference("weinstein1985").doi}"' in html


def test_second_hand_quotes_say_so_and_the_evidence_table_carries_the_words():
    from mscpso_edu.widgets.evidence_explorer import evidence_table

    details = knowledge.support_details(knowledge.fact("licensing_species").support)
    assert "second-hand: the source reports other work: Ren et al." in details
    table = evidence_table(knowledge.clinical_studies(published=True))
    assert len(table.sources) == len(table.rows)
    html = table.to_html()
    assert "<th style='text-align:left'>What the paper says</th>" in html
    assert html.count("<details>") == sum(
        bool(s.support) for s in knowledge.clinical_studies(published=True)
    )
