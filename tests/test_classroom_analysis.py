"""Item analysis and the HTML report, on classes whose answers are chosen by hand."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from mscpso_edu.classroom.analysis import analyse, figure_svg, report_html
from mscpso_edu.classroom.grading import grade_submissions
from mscpso_edu.classroom.synthetic import correct_response, synthetic_submission, wrong_response
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import load_bank
from mscpso_edu.quiz.learner import learner_seed
from mscpso_edu.quiz.submission import checksum_of, write_submission

BANK = "00_start_here"


@pytest.fixture()
def key(tmp_path: Path, repo: Path) -> Path:
    folder = tmp_path / "key"
    folder.mkdir()
    text = (repo / "quizzes" / f"{BANK}.yaml").read_text(encoding="utf-8")
    # A title with markup shows that bank text is escaped in the report.
    text = text.replace('title: "Lesson 00: Start here"', 'title: "Lesson 00 <b>&amp; start</b>"')
    (folder / f"{BANK}.yaml").write_text(text, encoding="utf-8")
    return folder


def _class(key: Path, folder: Path, students: int = 20):
    """Twenty students with chosen answers.

    Question ``il23_source`` is answered right only by the weakest half (negative
    discrimination); ``loop_order`` by nobody.
    """
    bank = load_bank(key / f"{BANK}.yaml")
    rng = np.random.default_rng(3)
    for number in range(students):
        learner = f"learner-{number}"
        answers = []
        for index, question in enumerate(bank.questions):
            if isinstance(question, q.ComputedQuestion):
                question = question.for_seed(learner_seed(BANK, question.id, identity=learner))
            if question.id == "il23_source":
                right = number < students // 2
            elif question.id == "loop_order":
                right = False
            else:
                # The stronger half gets every other question right, so answering il23_source
                # right marks the weaker half whatever questions the bank holds.
                right = number >= students // 2 or (number + index) % students >= students // 3
            response = correct_response(question) if right else wrong_response(question, rng)
            answers.append({"question": question.id, "response": response,
                            "answered": "2026-01-01T00:00:00Z", "attempts": 1})  # fmt: skip
        sub = synthetic_submission(bank, f"s{number:03d}", learner, 0.0, rng)
        sub["answers"] = answers
        sub["checksum"] = checksum_of(sub)
        write_submission(sub, folder / f"s{number:03d}.json")
    return bank


def test_item_statistics_match_hand_counts_and_flag_broken_questions(key, tmp_path):
    bank = _class(key, tmp_path)
    run = grade_submissions([tmp_path], key)
    assert len(run.graded) == 20 and not run.skipped
    (analysis,) = analyse(run)
    items = {item.question: item for item in analysis.items}
    assert items["il23_source"].difficulty == pytest.approx(0.5)
    assert items["il23_source"].discrimination < 0
    assert "negative discrimination" in items["il23_source"].flags
    assert items["loop_order"].difficulty == 0.0
    assert "nobody correct" in items["loop_order"].flags
    assert (
        items["loop_order"].discrimination is None or "nobody correct" in items["loop_order"].flags
    )

    # Distractor counts: the correct choice was picked by exactly the students who were right.
    question = bank.question("il23_source")
    right_id = next(c.id for c in question.choices if c.correct)
    counts = items["il23_source"].distractors
    assert counts[right_id] == 10 and sum(counts.values()) == 20
    assert items["il23_source"].correct_choices == (right_id,)

    # Point-biserial by hand for one unflagged question.
    name = next(i for i in items if not items[i].flags and items[i].discrimination is not None)
    score = np.array([next(a.points for a in s.answers if a.question == name) for s in run.graded])
    total = np.array([s.points for s in run.graded])
    expected = np.corrcoef(score / bank.question(name).points, total - score)[0, 1]
    assert items[name].discrimination == pytest.approx(expected)


def test_report_is_self_contained_escaped_and_described(key, tmp_path):
    _class(key, tmp_path)
    (tmp_path / "broken.json").write_text("<script>alert(1)</script>")
    run = grade_submissions([tmp_path], key)
    page = report_html(run)
    assert "<b>&amp;" not in page and "&lt;b&gt;" in page
    assert "<script>" not in page
    images = re.findall(r"<img [^>]*>", page)
    assert images and all('src="data:image/svg+xml;base64,' in tag for tag in images)
    assert all(re.search(r'alt="[^"]{20,}"', tag) for tag in images)
    for (
        tag
    ) in images:  # each figure is well-formed SVG with a bar per filled bin and a mark per item
        data = re.search(r"base64,([^\"]+)", tag).group(1)
        svg = ET.fromstring(base64.b64decode(data))
        assert svg.tag.endswith("svg") and svg.findall(".//{http://www.w3.org/2000/svg}rect")
    analysis = analyse(run)[0]
    svg = ET.fromstring(figure_svg(analysis))
    marks = svg.findall(".//{http://www.w3.org/2000/svg}circle") + svg.findall(
        ".//{http://www.w3.org/2000/svg}path"
    )
    assert len(marks) == len(analysis.items)
    assert "broken.json" in page and "malformed" in page
    assert "negative discrimination" in page and "nobody correct" in page
    assert not re.search(r'(src|href)="(?!data:)', page)  # nothing fetched from elsewhere
