"""LMS export checked by independent tools: GIFT read back with pygiftparser, QTI compared item
by item with text2qti's QTI for the same questions, every XML file parsed."""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from mscpso_edu.classroom.export import QTI_NAMESPACE, gift, moodle_xml, qti_zip
from mscpso_edu.cli import main
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import load_bank
from mscpso_edu.quiz.markup import plain

BANKS = ["00_start_here", "03_keratinocytes", "08_clinical_evidence"]
NS = {"qti": QTI_NAMESPACE}


def _norm(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", html.unescape(text)))
    text = re.sub(r"[*_`\\]", "", text)
    # text2qti writes typographic quotes (SmartyPants); compare the plain characters.
    text = text.translate(
        str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
    )
    return " ".join(text.split()).casefold()


def _drawn(question: q.Question) -> q.Question:
    return question.for_seed(0) if isinstance(question, q.ComputedQuestion) else question


# --- GIFT ---------------------------------------------------------------------------------------


def _unescape_gift(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


@pytest.mark.parametrize("slug", BANKS)
def test_gift_reads_back_with_pygiftparser_as_the_bank(slug):
    from pygiftparser import parser

    bank = load_bank(slug)
    parsed = parser.parseFile(io.StringIO(gift(bank, lambda _m: None)))
    for item in parsed:
        item.parse(item.source)
    # Code exercises are left out of every format (no LMS item runs code).
    exported = [question for question in bank.questions if question.type != "code"]
    assert [item.title for item in parsed] == [question.id for question in exported]
    for item, question in zip(parsed, exported, strict=True):
        question = _drawn(question)
        assert item.valid, question.id
        assert _norm(_unescape_gift(item.text)) == _norm(plain(question.prompt)), question.id
        kind = type(item.answers).__name__
        if isinstance(question, q.SingleChoiceQuestion):
            assert kind == "SelectSet"
            got = {_unescape_gift(a.answer): a.fraction == 100 for a in item.answers.answers}
            assert got == {plain(c.text): c.correct for c in question.choices}, question.id
        elif isinstance(question, q.MultipleChoiceQuestion):
            assert kind == "MultipleChoicesSet"
            got = {_unescape_gift(a.answer): a.fraction > 0 for a in item.answers.answers}
            assert got == {plain(c.text): c.correct for c in question.choices}, question.id
            assert sum(a.fraction for a in item.answers.answers if a.fraction > 0) == pytest.approx(
                100, abs=0.01
            )
        elif isinstance(question, q.TrueFalseQuestion):
            assert kind == "TrueFalseSet" and item.answers.answer == question.answer
        elif isinstance(question, q.NumericQuestion):
            assert kind == "NumericAnswerSet"
            (answer,) = item.answers.answers
            assert answer.value == pytest.approx(question.answer)
            assert answer.tolerance == pytest.approx(
                max(question.tolerance, question.relative_tolerance * abs(question.answer))
            )
        elif isinstance(question, q.MatchingQuestion):
            assert kind == "MatchingSet"
            got = {
                _unescape_gift(a.question): _unescape_gift(a.answer) for a in item.answers.answers
            }
            assert got == {plain(p.left): plain(p.right) for p in question.pairs}
        elif isinstance(question, q.OrderingQuestion):
            got = [_unescape_gift(a.answer) for a in item.answers.answers]
            assert kind == "MatchingSet" and got == [plain(i.text) for i in question.items]
        elif isinstance(question, q.ShortTextQuestion):
            assert kind == "ShortSet"
            assert [_unescape_gift(a.answer) for a in item.answers.answers] == list(question.accept)


# --- QTI ----------------------------------------------------------------------------------------


def _qti_documents(data: bytes) -> dict[str, ET.Element]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    documents = {}
    for name in archive.namelist():
        if name.endswith(".xml"):
            documents[name] = ET.fromstring(archive.read(name))  # raises if not well-formed
    return documents


def _items(data: bytes) -> list[dict]:
    (root,) = [
        r for r in _qti_documents(data).values() if r.tag == f"{{{QTI_NAMESPACE}}}questestinterop"
    ]
    items = []
    for item in root.iter(f"{{{QTI_NAMESPACE}}}item"):
        fields = {
            f.findtext("qti:fieldlabel", namespaces=NS): f.findtext("qti:fieldentry", namespaces=NS)
            for f in item.iter(f"{{{QTI_NAMESPACE}}}qtimetadatafield")
        }
        labels = {
            label.get("ident"): _norm(label.findtext(".//qti:mattext", namespaces=NS) or "")
            for label in item.iter(f"{{{QTI_NAMESPACE}}}response_label")
        }
        correct = set()
        bounds = []
        for condition in item.iter(f"{{{QTI_NAMESPACE}}}respcondition"):
            score = condition.findtext("qti:setvar", namespaces=NS)
            if score is None or float(score) <= 0:
                continue
            negated = {id(v) for n in condition.iter(f"{{{QTI_NAMESPACE}}}not") for v in n.iter()}
            for var in condition.iter(f"{{{QTI_NAMESPACE}}}varequal"):
                if id(var) not in negated:
                    correct.add(labels.get(var.text, _norm(var.text or "")))
            for tag in ("vargte", "varlte"):
                bounds += [float(v.text) for v in condition.iter(f"{{{QTI_NAMESPACE}}}{tag}")]
        items.append(
            {
                "ident": item.get("ident"),
                "type": fields.get("question_type"),
                "points": float(fields.get("points_possible") or 0),
                "choices": sorted(labels.values()),
                "correct": correct,
                "bounds": (min(bounds), max(bounds)) if bounds else None,
            }
        )
    return items


def _text2qti_source(questions: list[q.Question]) -> str:
    lines = ["Quiz title: cross-check", ""]
    for number, question in enumerate(questions, 1):
        lines.append(f"Points: {question.points:g}")
        lines.append(f"{number}.  {' '.join(plain(question.prompt).split())}")
        if isinstance(question, q.SingleChoiceQuestion | q.TrueFalseQuestion):
            choices = (
                [(c.text, c.correct) for c in question.choices]
                if isinstance(question, q.SingleChoiceQuestion)
                else [("True", question.answer), ("False", not question.answer)]
            )
            for index, (text, right) in enumerate(choices):
                lines.append(f"{'*' if right else ''}{chr(97 + index)}) {plain(text)}")
        elif isinstance(question, q.MultipleChoiceQuestion):
            lines += [f"[{'*' if c.correct else ' '}] {plain(c.text)}" for c in question.choices]
        elif isinstance(question, q.NumericQuestion):
            slack = max(question.tolerance, question.relative_tolerance * abs(question.answer))
            lines.append(f"=   {question.answer!r} +- {slack!r}")
        lines.append("")
    return "\n".join(lines)


@pytest.mark.parametrize("slug", BANKS)
def test_qti_items_agree_with_text2qti_and_the_bank(slug):
    from text2qti.config import Config
    from text2qti.qti import QTI
    from text2qti.quiz import Quiz

    bank = load_bank(slug)
    data, exported = qti_zip(bank, lambda _m: None)
    ours = _items(data)
    assert len(ours) == len(exported) and len({i["ident"] for i in ours}) == len(ours)
    assert all(i["ident"] for i in ours)
    by_id = {question.id: _drawn(question) for question in bank.questions}
    common = [
        by_id[qid]
        for qid in exported
        if isinstance(
            by_id[qid],
            q.SingleChoiceQuestion
            | q.MultipleChoiceQuestion
            | q.TrueFalseQuestion
            | q.NumericQuestion,
        )
    ]
    config = Config()
    config.load()
    theirs = _items(QTI(Quiz(_text2qti_source(common), config=config)).zip_bytes())
    ours_common = [item for item, qid in zip(ours, exported, strict=True) if by_id[qid] in common]
    assert len(theirs) == len(ours_common) >= 5
    for mine, other, question in zip(ours_common, theirs, common, strict=True):
        assert mine["type"] == other["type"], question.id
        assert mine["points"] == other["points"] == question.points, question.id
        assert mine["choices"] == other["choices"], question.id
        if mine["type"] == "numerical_question":
            assert mine["bounds"] == pytest.approx(other["bounds"]), question.id
        else:
            assert mine["correct"] == other["correct"], question.id
            assert mine["correct"]
    # Matching (and ordering as matching), which text2qti cannot write, against the bank.
    for item, qid in zip(ours, exported, strict=True):
        question = by_id[qid]
        assert item["points"] == question.points
        if isinstance(question, q.MatchingQuestion):
            assert item["type"] == "matching_question"
            assert {_norm(p.right) for p in question.pairs} <= set(item["choices"])


@pytest.mark.parametrize("slug", BANKS)
def test_every_qti_file_is_well_formed_with_the_qti_12_namespace(slug):
    documents = _qti_documents(qti_zip(load_bank(slug), lambda _m: None)[0])
    assert "imsmanifest.xml" in documents
    qti = [r for r in documents.values() if r.tag.startswith(f"{{{QTI_NAMESPACE}}}")]
    assert len(qti) == 1 and qti[0].tag == f"{{{QTI_NAMESPACE}}}questestinterop"


def test_moodle_xml_is_well_formed_and_keeps_keys_and_points():
    bank = load_bank("00_start_here")
    warnings: list[str] = []
    root = ET.fromstring(moodle_xml(bank, warnings.append))
    questions = [n for n in root.findall("question") if n.get("type") != "category"]
    assert [n.findtext("name/text") for n in questions] == [x.id for x in bank.questions]
    for node, question in zip(questions, bank.questions, strict=True):
        assert float(node.findtext("defaultgrade")) == question.points
        if isinstance(question, q.SingleChoiceQuestion):
            fractions = [float(a.get("fraction")) for a in node.findall("answer")]
            assert fractions == [100.0 if c.correct else 0.0 for c in question.choices]
    assert any("ordering" in w for w in warnings) and any("computed" in w for w in warnings)


def test_export_command_writes_files_and_warns(tmp_path, capsys):
    out = tmp_path / "quiz.gift"
    assert main(["export", "--format", "gift", "--quiz", "00_start_here", "--out", str(out)]) == 0
    assert "::il23_source::" in out.read_text(encoding="utf-8")
    assert "warning:" in capsys.readouterr().err
    assert main(["export", "--format", "gift", "--quiz", "00_start_here", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
