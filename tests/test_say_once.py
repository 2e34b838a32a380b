"""Say each fact once: where the course states a fact in several places, the places agree.

The checks here are the ones a program can make (issue 15, "say each fact once"):

- the neutrophil-recruiting chemokines of keratinocytes are CXCL1, CXCL2 and CXCL8 (Furue 2020,
  fact ``neutrophil_chemokines``): a sentence that lists what keratinocytes make or what recruits
  neutrophils and names CXCL1 and CXCL8 names CXCL2 too;
- imiquimod is a TLR7/8 agonist (van der Fits 2009, fact ``imiquimod_model``), never "TLR7" alone;
- PASI-50/75/90 are defined by the sources of fact ``pasi_response``, never by Fredriksson 1978
  (who defined the score, not the response thresholds);
- the PASI regions a bank names are the calculator's region labels;
- a number of registered trials a bank states is the knowledge base's count.

Texts searched: lesson markdown, every text of every question bank, and the claim texts of the
knowledge base (its verbatim source quotes are the sources' words and are left as they are).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import yaml

from mscpso_edu import knowledge
from mscpso_edu.knowledge._support import quote_numbers
from mscpso_edu.models.pasi import REGION_LABELS
from mscpso_edu.paths import lessons_dir, quizzes_dir


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _texts() -> list[tuple[str, str]]:
    """Return (where, text) for every lesson markdown cell, bank text and knowledge claim."""
    found = []
    for path in sorted(lessons_dir().glob("*.ipynb")):
        for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] == "markdown":
                found.append((f"{path.name} cell {index + 1}", "".join(cell["source"])))
    for path in sorted(quizzes_dir().glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data.get("questions", []):
            for text in _strings(question):
                found.append((f"{path.name} question {question.get('id')}", text))
    kb = knowledge.load()
    found += [(f"facts.yaml {f.id}", f.statement) for f in kb.facts.values()]
    found += [(f"interactions.yaml {i.id}", i.note) for i in kb.interactions]
    found += [(f"cells.yaml {c.id}", c.role) for c in kb.cells.values()]
    found += [(f"mediators.yaml {m.id}", m.description) for m in kb.mediators.values()]
    found += [(f"glossary.yaml {g.term}", g.definition) for g in kb.glossary.values()]
    for source in kb.msc_sources.values():
        found += [(f"msc_sources.yaml {source.id}", text) for text, _ in source.notes]
    return found


def _sentences(text: str) -> list[str]:
    flat = re.sub(r"\s+", " ", text)
    return [s for s in re.split(r"(?<=[.;!?])\s+", flat) if s]


TEXTS = _texts()
SENTENCES = [(where, sentence) for where, text in TEXTS for sentence in _sentences(text)]


def _chemokines(sentence: str) -> set[str]:
    expanded = re.sub(
        r"CXCL(\d+)((?:/\d+)+)",
        lambda m: " ".join(f"CXCL{n}" for n in [m.group(1), *m.group(2).strip("/").split("/")]),
        sentence,
    )
    return set(re.findall(r"CXCL\d+", expanded))


#: A sentence that lists what keratinocytes make or what recruits neutrophils (not a single
#: study's measurement, such as which chemokines were raised in lesions).
_LISTS = re.compile(r"recruit|attract|draw|bring|make|produc|release|chemokines:", re.I)


def test_the_neutrophil_chemokine_list_is_said_one_way():
    fact = knowledge.fact("neutrophil_chemokines")
    assert {"CXCL1", "CXCL2", "CXCL8"} <= _chemokines(fact.statement)
    wrong = [
        f"{where}: {sentence}"
        for where, sentence in SENTENCES
        if {"CXCL1", "CXCL8"} <= _chemokines(sentence)
        and "CXCL2" not in _chemokines(sentence)
        and _LISTS.search(sentence)
    ]
    assert not wrong, "name CXCL1, CXCL2 and CXCL8 together (Furue 2020):\n" + "\n".join(wrong)


def test_imiquimod_acts_on_tlr7_and_tlr8():
    assert "TLR7/8" in knowledge.fact("imiquimod_model").statement
    pattern = re.compile(r"imiquimod.*(agonist|ligand|acts? on|stimulat).*\bTLR-?7\b(?!/8)", re.I)
    reverse = re.compile(r"\bTLR-?7\b(?!/8).*(agonist|ligand).*imiquimod", re.I)
    wrong = [
        f"{where}: {sentence}"
        for where, sentence in SENTENCES
        if pattern.search(sentence) or reverse.search(sentence)
    ]
    assert not wrong, "imiquimod is a TLR7/8 agonist:\n" + "\n".join(wrong)


_THRESHOLD = re.compile(r"PASI[- ]?(50|75|90|X)\b.*\b(fall|reduction|improvement)", re.I)


def test_pasi_thresholds_are_cited_to_the_sources_that_define_them():
    allowed = set(knowledge.fact("pasi_response").refs)
    names = {knowledge.cite(ref) for ref in allowed}
    wrong = []
    for where, sentence in SENTENCES:
        if not _THRESHOLD.search(sentence):
            continue
        cites_fredriksson = "fredriksson1978" in sentence or "Fredriksson 1978" in sentence
        cites_definer = any(ref in sentence for ref in allowed) or any(n in sentence for n in names)
        if cites_fredriksson and not cites_definer:
            wrong.append(f"{where}: {sentence}")
    assert not wrong, (
        f"Fredriksson 1978 defined the score, not PASI-50/75/90; cite {sorted(allowed)}:\n"
        + "\n".join(wrong)
    )


def test_banks_name_pasi_regions_as_the_calculator_does():
    labels = set(REGION_LABELS.values())
    for path in sorted(quizzes_dir().glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data.get("questions", []):
            lefts = [pair["left"] for pair in question.get("pairs", [])]
            rights = [str(pair["right"]) for pair in question.get("pairs", [])]
            if set(rights) >= {"0.1", "0.2", "0.3", "0.4"}:  # a region-to-weight match
                assert set(lefts) <= labels, (path.name, question["id"], lefts)


@pytest.mark.parametrize("word_or_digit", ["registered"])
def test_stated_counts_of_registered_trials_match_the_knowledge_base(word_or_digit):
    count = len(knowledge.clinical_studies(published=False))
    pattern = re.compile(r"(\w+) registered (?:MSC )?trials? .*no published results", re.I)
    checked = 0
    for where, sentence in SENTENCES:
        match = pattern.search(sentence)
        if match and word_or_digit in sentence:
            stated = quote_numbers(match.group(1))
            if stated:
                checked += 1
                assert count in stated, (
                    f"{where}: says {match.group(1)}, the knowledge base has {count}"
                )
    assert checked, "no sentence states a count of registered trials without results"
