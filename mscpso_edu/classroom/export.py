"""``mscpso-edu export``: question banks to an LMS as QTI 1.2 (Canvas), Moodle XML or GIFT.

- **QTI 1.2** is written by `qti-package-maker <https://pypi.org/project/qti-package-maker/>`_
  (its Canvas engine): it is maintained, has a Python API (no text format to generate) and
  covers matching and fill-in-the-blank as well as choice and numeric items, which text2qti does
  not. It has no per-item points, so the points are set afterwards in each item's
  ``points_possible`` field. The tests cross-check its items against text2qti.
- **Moodle XML** is built with :mod:`xml.etree.ElementTree` (no string concatenation).
- **GIFT** is plain text, written here with every special character escaped; the tests read it
  back with pygiftparser.

Each question goes out as its type's module says an LMS takes it
(:meth:`~mscpso_edu.quiz.kinds.Kind.lms_question`), with a warning when that is another type:
ordering becomes matching ("Step 1" -> item); a computed question becomes a numeric one with the
numbers of seed 0 (the same for everyone). The writers below know the LMS item kinds: choice,
true/false (a two-choice item typed ``true_false_question`` in QTI), numeric, matching, short
text and essay (a reflection: an essay in Moodle and GIFT, left out of QTI). GIFT cannot carry
points. Code exercises are left out of every format, with a warning: no LMS item runs code.
"""

from __future__ import annotations

import html
import io
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..errors import CourseError
from ..quiz import questions as q
from ..quiz.bank import Bank
from ..quiz.kinds import kind_of
from ..quiz.markup import plain, render

__all__ = ["FORMATS", "QTI_NAMESPACE", "export_bank", "gift", "moodle_xml", "qti_zip"]

QTI_NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
FORMATS = {"qti": ".zip", "moodle": ".xml", "gift": ".gift"}

Warn = Callable[[str], None]


def _slack(question: q.NumericQuestion) -> float:
    return max(question.tolerance, question.relative_tolerance * abs(question.answer))


def _for_lms(question: q.Question, warn: Warn) -> q.Question | None:
    # The question as an LMS takes it: its type's module says (ordering becomes matching, a
    # computed question numeric with the seed-0 numbers), with a warning; None when no LMS item
    # can hold it (a code exercise), which the writers leave out.
    return kind_of(question).lms_question(question, warn)


# --- QTI 1.2 ---------------------------------------------------------------------------------


def _ascii_html(text: str) -> str:
    # qti-package-maker accepts ASCII only; HTML character references show the same characters.
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _html_text(text: str) -> str:
    """Plain text as ASCII HTML (qti-package-maker parses every string as HTML)."""
    return _ascii_html(html.escape(plain(text), quote=False))


def _ascii_answers(question: q.ShortTextQuestion, warn: Warn) -> list[str]:
    from ..quiz.textnorm import GREEK_LETTERS

    answers: list[str] = []
    for accepted in question.accept:
        for letter, (name, _latin) in GREEK_LETTERS.items():
            accepted = accepted.replace(letter, name)
        if accepted.isascii() and accepted not in answers:
            answers.append(accepted)
    warn(
        f"{question.id}: the LMS compares typed answers more strictly than the course "
        "(spacing, hyphens, Greek letters); check the accepted answers after import"
    )
    if not answers:
        raise CourseError(f"question {question.id!r}: no accepted answer can be written in ASCII")
    return answers


def qti_zip(bank: Bank, warn: Warn) -> tuple[bytes, list[str]]:
    """Return a Canvas QTI 1.2 zip of ``bank`` and the question ids it holds, in order."""
    try:  # an instructor-only dependency: the learner's install does not have it
        from qti_package_maker.package_interface import QTIPackageInterface
    except ImportError:
        raise CourseError(
            "QTI export needs the instructor tools: pip install 'mscpso-edu[instructor]'"
        ) from None

    package = QTIPackageInterface(bank.title, allow_mixed=True)
    exported: list[tuple[str, float, str | None]] = []
    for question in bank.questions:
        question = _for_lms(question, warn)
        if question is None:
            continue
        text = _ascii_html(render(question.prompt))
        if isinstance(question, q.SingleChoiceQuestion):
            right = next(c for c in question.choices if c.correct)
            item = (
                "MC",
                (text, [_html_text(c.text) for c in question.choices], _html_text(right.text)),
            )
        elif isinstance(question, q.MultipleChoiceQuestion):
            choices = [_html_text(c.text) for c in question.choices]
            right_texts = [_html_text(c.text) for c in question.choices if c.correct]
            item = ("MA", (text, choices, right_texts))
        elif isinstance(question, q.TrueFalseQuestion):
            # Written as a two-choice item, then marked true_false_question as Canvas writes it.
            item = ("MC", (text, ["True", "False"], "True" if question.answer else "False"))
        elif isinstance(question, q.NumericQuestion):
            item = ("NUM", (text, question.answer, _slack(question)))
        elif isinstance(question, q.MatchingQuestion):
            pairs = [(p.left, p.right) for p in question.pairs]
            if question.distractors:
                warn(f"{question.id}: matching distractors left out (not in QTI export)")
            item = (
                "MATCH",
                (text, [_html_text(x) for x, _ in pairs], [_html_text(y) for _, y in pairs]),
            )
        elif isinstance(question, q.ShortTextQuestion):
            item = ("FIB", (text, _ascii_answers(question, warn)))
        else:
            warn(f"{question.id}: {question.type} questions cannot be exported to QTI; left out")
            continue
        package.add_item(*item)
        canvas_type = "true_false_question" if isinstance(question, q.TrueFalseQuestion) else None
        exported.append((question.id, question.points, canvas_type))
    if not exported:
        raise CourseError("no question of this bank can be exported to QTI", bank.path)
    with tempfile.TemporaryDirectory() as tmp:
        made = package.save_package("canvas_qti_v1_2", str(Path(tmp) / "quiz.zip"))
        data = Path(made).read_bytes()
    return _set_points(data, exported), [qid for qid, _, _ in exported]


def _set_points(data: bytes, exported: list[tuple[str, float, str | None]]) -> bytes:
    """Set each item's points, title (the question id) and Canvas type in a QTI package."""
    ET.register_namespace("", QTI_NAMESPACE)
    ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    ns = {"qti": QTI_NAMESPACE}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            root = ET.fromstring(content) if info.filename.endswith(".xml") else None
            if root is not None and root.tag == f"{{{QTI_NAMESPACE}}}questestinterop":
                items = root.findall(".//qti:item", ns)
                if len(items) != len(exported):
                    raise CourseError(
                        f"QTI package has {len(items)} items, expected {len(exported)}"
                    )
                for item, (qid, points, canvas_type) in zip(items, exported, strict=True):
                    item.set("title", qid)
                    for entry in item.findall(".//qti:qtimetadatafield", ns):
                        label = entry.findtext("qti:fieldlabel", namespaces=ns)
                        value = entry.find("qti:fieldentry", ns)
                        if value is not None and label == "points_possible":
                            value.text = f"{points:g}"
                        elif value is not None and label == "question_type" and canvas_type:
                            value.text = canvas_type
                content = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
            target.writestr(info.filename, content)
    return out.getvalue()


# --- Moodle XML ------------------------------------------------------------------------------


def _text(parent: ET.Element, tag: str, value: str, html: bool = False) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    ET.SubElement(element, "text").text = value
    return element


def _fraction(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def moodle_xml(bank: Bank, warn: Warn) -> str:
    """Return the Moodle XML of ``bank`` (one question per bank question)."""
    quiz = ET.Element("quiz")
    category = ET.SubElement(quiz, "question", {"type": "category"})
    _text(category, "category", f"$course$/mscpso-edu/{bank.lesson}")
    for question in bank.questions:
        question = _for_lms(question, warn)
        if question is None:
            continue
        kind = {
            q.SingleChoiceQuestion: "multichoice",
            q.MultipleChoiceQuestion: "multichoice",
            q.TrueFalseQuestion: "truefalse",
            q.NumericQuestion: "numerical",
            q.MatchingQuestion: "matching",
            q.ShortTextQuestion: "shortanswer",
            q.ReflectionQuestion: "essay",
        }[type(question)]
        node = ET.SubElement(quiz, "question", {"type": kind})
        _text(node, "name", question.id)
        _text(node, "questiontext", render(question.prompt), html=True)
        _text(node, "generalfeedback", render(question.explanation), html=True)
        ET.SubElement(node, "defaultgrade").text = f"{question.points:g}"
        if isinstance(question, q.SingleChoiceQuestion | q.MultipleChoiceQuestion):
            single = isinstance(question, q.SingleChoiceQuestion)
            ET.SubElement(node, "single").text = "true" if single else "false"
            ET.SubElement(node, "shuffleanswers").text = "true"
            right = sum(c.correct for c in question.choices)
            for choice in question.choices:
                # Right minus wrong, as the course grades multiple select.
                value = 100.0 / right if choice.correct else (0.0 if single else -100.0 / right)
                answer = _text(node, "answer", render(choice.text), html=True)
                answer.set("fraction", _fraction(value))
                _text(answer, "feedback", render(choice.feedback), html=True)
        elif isinstance(question, q.TrueFalseQuestion):
            for truth, label in ((True, "true"), (False, "false")):
                answer = _text(node, "answer", label)
                answer.set("fraction", "100" if question.answer == truth else "0")
                feedback = question.feedback_true if truth else question.feedback_false
                _text(answer, "feedback", render(feedback), html=True)
        elif isinstance(question, q.NumericQuestion):
            answer = _text(node, "answer", repr(question.answer))
            answer.set("fraction", "100")
            ET.SubElement(answer, "tolerance").text = repr(_slack(question))
            if question.units:
                units = ET.SubElement(node, "units")
                unit = ET.SubElement(units, "unit")
                ET.SubElement(unit, "multiplier").text = "1"
                ET.SubElement(unit, "unit_name").text = question.units
        elif isinstance(question, q.MatchingQuestion):
            pairs = [(p.left, p.right) for p in question.pairs]
            pairs += [("", extra) for extra in question.distractors]
            ET.SubElement(node, "shuffleanswers").text = "true"
            for left, right in pairs:
                sub = _text(node, "subquestion", render(left) if left else "", html=True)
                _text(sub, "answer", plain(right))
        elif isinstance(question, q.ShortTextQuestion):
            ET.SubElement(node, "usecase").text = "0"
            for accepted in question.accept:
                _text(node, "answer", accepted).set("fraction", "100")
        elif isinstance(question, q.ReflectionQuestion):
            warn(
                f"{question.id}: reflection exported as an essay worth {question.points:g} "
                "points" + (", marked by hand in Moodle" if question.points else "")
            )
            ET.SubElement(node, "responseformat").text = "editor"
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="unicode", xml_declaration=True) + "\n"


# --- GIFT ------------------------------------------------------------------------------------

_GIFT_SPECIAL = str.maketrans({c: f"\\{c}" for c in "~=#{}:\\"})


def _g(text: str) -> str:
    """Escape GIFT's special characters and keep the text on one line."""
    return " ".join(plain(text).split()).translate(_GIFT_SPECIAL)


def gift(bank: Bank, warn: Warn) -> str:
    """Return ``bank`` in GIFT (Moodle's text format); points cannot be expressed."""
    warn(f"{bank.lesson}: GIFT has no points per question; set them in the LMS")
    blocks = [f"$CATEGORY: $course$/mscpso-edu/{bank.lesson}"]
    for question in bank.questions:
        question = _for_lms(question, warn)
        if question is None:
            continue
        head = f"::{_g(question.id)}:: {_g(question.prompt)}"
        if isinstance(question, q.SingleChoiceQuestion):
            body = " ".join(
                f"{'=' if c.correct else '~'}{_g(c.text)}#{_g(c.feedback)}"
                for c in question.choices
            )
        elif isinstance(question, q.MultipleChoiceQuestion):
            right = sum(c.correct for c in question.choices)
            wrong_weight = -100.0 / right
            body = " ".join(
                f"~%{_fraction(100.0 / right if c.correct else wrong_weight)}%{_g(c.text)}"
                f"#{_g(c.feedback)}"
                for c in question.choices
            )
        elif isinstance(question, q.TrueFalseQuestion):
            body = "TRUE" if question.answer else "FALSE"
        elif isinstance(question, q.NumericQuestion):
            body = f"#{question.answer!r}:{_slack(question)!r}"
        elif isinstance(question, q.MatchingQuestion):
            pairs = [(p.left, p.right) for p in question.pairs]
            if question.distractors:
                warn(f"{question.id}: matching distractors left out (GIFT has none)")
            body = " ".join(f"={_g(left)} -> {_g(right)}" for left, right in pairs)
        elif isinstance(question, q.ShortTextQuestion):
            body = " ".join(f"={_g(accepted)}" for accepted in question.accept)
        else:
            warn(f"{question.id}: reflection exported as an essay")
            body = ""
        blocks.append(f"{head} {{{body}}}")
    return "\n\n".join(blocks) + "\n"


# --- one bank in a named format -------------------------------------------------------------


def export_bank(bank: Bank, fmt: str, warn: Warn) -> bytes:
    """Return ``bank`` exported in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "qti":
        return qti_zip(bank, warn)[0]
    if fmt == "moodle":
        return moodle_xml(bank, warn).encode("utf-8")
    if fmt == "gift":
        return gift(bank, warn).encode("utf-8")
    raise CourseError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
