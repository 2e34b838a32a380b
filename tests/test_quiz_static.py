"""Static quizzes for the website: answers hidden behind <details>, text escaped, every bank."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mscpso_edu import quiz, widgets
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import Bank
from mscpso_edu.quiz.markup import render_inline
from mscpso_edu.quiz.static import question_html, static_html

REPO = Path(__file__).resolve().parent.parent
BANKS = sorted(REPO.glob("quizzes/[0-9][0-9]_*.yaml"))


class Balance(HTMLParser):
    """Counts open elements, to check the fragment is well nested."""

    VOID = frozenset({"br", "img", "hr", "input", "meta", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


@pytest.mark.parametrize("bank_path", BANKS, ids=[p.stem for p in BANKS])
def test_every_question_has_its_answer_behind_a_toggle(bank_path):
    bank = quiz.load_bank(bank_path)
    text = static_html(bank)
    sections = re.findall(r"<section.*?</section>", text, flags=re.S)
    assert len(sections) == len(bank.questions)
    for section, question in zip(sections, bank.questions, strict=True):
        if bank.mode_of(question) == "exam":
            # An exam question shows only what it asks: no toggle, no answer (static.py).
            assert "<details>" not in section and "Correct answer" not in section
            continue
        before, _, after = section.partition("<details>")
        assert after, f"{question.id}: no <details>"
        if isinstance(question, q.SingleChoiceQuestion):
            (right,) = [c for c in question.choices if c.correct]
            # The right option is listed among the options, but only named as right inside.
            assert "Correct answer" not in before and "Correct answer" in after
            assert render_inline(right.text) in after
    parser = Balance()
    parser.feed(text)
    assert parser.errors == [] and parser.stack == []


def test_bank_text_is_escaped():
    question = q.SingleChoiceQuestion(
        id="x",
        prompt="Which <script>alert(1)</script> one?",
        choices=(
            q.Choice(id="a", text="<img src=x onerror=alert(1)>", correct=True, feedback=""),
            q.Choice(id="b", text="B", correct=False, feedback=""),
        ),
    )
    text = question_html(question, 1)
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in text


def test_named_questions_in_order():
    text = static_html("00_start_here", ["il23_source", "loop_order"])
    assert text.index('id="q-il23_source"') < text.index('id="q-loop_order"')
    assert text.count("<section") == 2


def test_widgets_carry_a_static_copy_for_viewers_without_a_kernel():
    explorer = widgets.pasi_calculator()
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert explorer.alt_text and explorer.alt_text.replace("'", "&#x27;") in bundle["text/html"]
    assert 'src="data:image/png;base64,' in bundle["text/html"]
    shown = quiz.show("00_start_here", store=False)
    bundle = shown._repr_mimebundle_()
    assert isinstance(shown.bank, Bank)
    assert bundle["text/html"].count("<details>") == len(shown.panels)
