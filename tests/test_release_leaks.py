"""Nothing in a release gives a key away, static copies tell the truth, and one scoring policy
holds from the widget to the gradebook (issue 13).

Positions are judged over the whole course: for every choice question, where its right
choice(s) sit in the order a student sees; no position may hold more than 40 % of them.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml

from mscpso_edu.classroom.analysis import report_html
from mscpso_edu.classroom.grading import grade_submissions
from mscpso_edu.classroom.release import make_release, release_bank
from mscpso_edu.classroom.synthetic import synthetic_submission
from mscpso_edu.cli import main
from mscpso_edu.errors import CourseError
from mscpso_edu.paths import quizzes_dir
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import load_bank, read_bank
from mscpso_edu.quiz.released import KEYLESS_FEEDBACK
from mscpso_edu.quiz.shuffle import ordering_display
from mscpso_edu.quiz.static import static_html
from mscpso_edu.quiz.store import ProgressStore
from mscpso_edu.quiz.submission import build_submission, write_submission
from mscpso_edu.quiz.widget import QuizWidget

BANKS = sorted(quizzes_dir().glob("*.yaml"))
MAX_SHARE = 0.40


def _spread(positions: list[int]) -> tuple[int, float]:
    counts = Counter(positions)
    return len(positions), max(counts.values()) / len(positions)


def _key_questions() -> list[tuple[Path, q.Question]]:
    return [(path, question) for path in BANKS for question in load_bank(path).questions]


def _ordering_is_telling(shown: list[str], key: list[str]) -> bool:
    alphabetical = sorted(key, key=str.casefold)
    return shown in (key, key[::-1], alphabetical, alphabetical[::-1])


@pytest.mark.parametrize("exam", [True, False], ids=["exam release", "practice release"])
def test_a_whole_release_spreads_the_keys_over_positions(exam):
    positions: list[int] = []
    orderings = 0
    for path in BANKS:
        bank = load_bank(path)
        released = yaml.safe_load(release_bank(path, exam=exam))
        for entry, question in zip(released["questions"], bank.questions, strict=True):
            if isinstance(question, q.SingleChoiceQuestion | q.MultipleChoiceQuestion):
                shown = [choice["id"] for choice in entry["choices"]]
                assert sorted(shown) == sorted(c.id for c in question.choices)
                positions += [shown.index(c.id) for c in question.choices if c.correct]
                # Ids are digests of the text: no letter in position order, no telling word.
                assert all(re.fullmatch(r"c[0-9a-f]{8}|[a-z_]+", cid) for cid in shown)
                assert not any(re.search("correct|right|wrong|answer|key", cid) for cid in shown)
            if isinstance(question, q.OrderingQuestion):
                key = [item.text for item in question.items]
                steps = [s if isinstance(s, str) else s["text"] for s in entry["steps"]]
                assert sorted(steps) == sorted(key)
                if len(key) >= 3:
                    assert not _ordering_is_telling(steps, key), question.id
                    orderings += 1
    count, share = _spread(positions)
    assert count >= 20 and share <= MAX_SHARE, (count, Counter(positions))
    assert orderings >= 5


def test_release_order_is_fixed_per_key_version_and_differs_from_the_authoring_order():
    path = BANKS[0]
    assert release_bank(path, salt="s", exam=True) == release_bank(path, salt="s", exam=True)
    bank = load_bank(path)
    released = yaml.safe_load(release_bank(path, exam=True))
    authored = [[c.id for c in x.choices] for x in bank.questions if hasattr(x, "choices")]
    shown = [[c["id"] for c in e["choices"]] for e in released["questions"] if "choices" in e]
    assert authored != shown


def test_the_authoring_order_of_the_banks_carries_no_key():
    positions = [
        [c.correct for c in question.choices].index(True)
        for _, question in _key_questions()
        if isinstance(question, q.SingleChoiceQuestion)
    ]
    count, share = _spread(positions)
    assert count >= 20 and share <= MAX_SHARE
    for path, question in _key_questions():
        if isinstance(question, q.OrderingQuestion) and len(question.items) >= 3:
            key = [item.text for item in question.items]
            alphabetical = sorted(key, key=str.casefold)
            assert key not in (alphabetical, alphabetical[::-1]), (path.name, question.id)


def test_the_static_site_spreads_the_keys_and_never_lists_steps_in_a_telling_order():
    positions: list[int] = []
    for path in BANKS:
        bank = load_bank(path)
        for question in bank.questions:
            page = static_html(bank, [question.id])
            options = page.split("<details>")[0]
            if isinstance(question, q.SingleChoiceQuestion | q.MultipleChoiceQuestion):
                shown = re.findall(r"<li>(.*?)</li>", options)
                texts = [re.sub(r"<[^>]+>", "", x) for x in shown]
                for choice in question.choices:
                    if choice.correct:
                        plain = re.sub(r"<[^>]+>", "", static_html_text(choice.text))
                        positions.append(texts.index(plain))
            if isinstance(question, q.OrderingQuestion) and len(question.items) >= 3:
                key = [re.sub(r"<[^>]+>", "", static_html_text(i.text)) for i in question.items]
                shown = [re.sub(r"<[^>]+>", "", x) for x in re.findall(r"<li>(.*?)</li>", options)]
                assert not _ordering_is_telling(shown, key), question.id
    count, share = _spread(positions)
    assert count >= 20 and share <= MAX_SHARE, Counter(positions)


def static_html_text(markdown: str) -> str:
    from mscpso_edu.quiz.markup import render_inline

    return render_inline(markdown)


def test_ordering_display_is_never_telling_and_fixed_by_its_seed():
    key = ["delta", "alpha", "charlie", "bravo"]
    for seed in range(200):
        shown = ordering_display(key, seed)
        assert sorted(shown) == sorted(key) and not _ordering_is_telling(shown, key)
    assert ordering_display(key, 5) == ordering_display(key, 5)
    assert ordering_display(["a", "b"], 1) == ["b", "a"]
    sorted_key = ["a", "b", "c"]  # key, reversed, sorted and reverse-sorted are two orders
    assert all(
        not _ordering_is_telling(ordering_display(sorted_key, s), sorted_key) for s in range(50)
    )


def test_the_widget_keeps_a_per_learner_shuffle(tmp_path):
    bank = load_bank("01_psoriasis")
    question = next(x for x in bank.questions if isinstance(x, q.SingleChoiceQuestion))
    orders = set()
    for learner in ("ann", "bob", "cy", "dee", "eve"):
        with ProgressStore(tmp_path / f"{learner}.sqlite3") as store:
            panel = QuizWidget(bank, [question.id], store=store, learner=learner).panels[0]
            orders.add(tuple(value for _, value in panel.control.options))
    assert len(orders) > 1


def test_a_choice_id_that_names_the_key_is_refused(tmp_path):
    text = (quizzes_dir() / "10_cell_free.yaml").read_text(encoding="utf-8")
    assert "      - id: stays_psoriatic\n" in text
    path = tmp_path / "10_cell_free.yaml"
    path.write_text(text.replace("id: stays_psoriatic", "id: correct_one"), encoding="utf-8")
    _, problems = read_bank(path)
    assert any("gives the key away" in p.message for p in problems)


# --- static copies tell the truth ---------------------------------------------------------------


@pytest.fixture()
def released(tmp_path) -> dict[str, Path]:
    """Banks 00 (released in exam mode) and 01 (practice), written as a release writes them."""
    out = {}
    for slug, exam in (("00_start_here", True), ("01_psoriasis", False)):
        path = tmp_path / f"{slug}.yaml"
        path.write_text(release_bank(quizzes_dir() / f"{slug}.yaml", exam=exam), encoding="utf-8")
        out[slug] = path
    return out


def test_a_released_exam_quiz_shows_no_answers_in_its_static_copy(released):
    bank = load_bank(released["00_start_here"])
    page = static_html(bank)
    assert "<details>" not in page and "Answer:" not in page and "Correct answer" not in page
    assert page.count("Exam question: answer it") == len(bank.questions)


def test_a_released_practice_quiz_shows_the_real_answers_or_says_it_cannot(released):
    key = load_bank("01_psoriasis")
    copy = load_bank(released["01_psoriasis"])
    for question in key.questions:
        page = static_html(copy, [question.id])
        answer = page.split("<details>")[1]
        if isinstance(question, q.TrueFalseQuestion):
            assert f"<strong>Answer:</strong> {question.answer}" in answer
        elif isinstance(question, q.SingleChoiceQuestion):
            right = next(c for c in question.choices if c.correct)
            assert static_html_text(right.text) in answer
        elif type(question) in (q.NumericQuestion, q.ShortTextQuestion):
            assert "does not hold the answer" in answer and "Answer:" not in answer


# --- exam questions record only, computed ones too -----------------------------------------------


def test_an_exam_computed_question_records_only_in_the_released_copy(released, tmp_path):
    bank = load_bank(released["00_start_here"])
    computed = next(x for x in bank.questions if x.type == "computed")
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        panel = QuizWidget(bank, [computed.id], store=store, learner="ann").panels[0]
        panel.control.value = "12"
        result = panel.submit()
        assert result is not None and result.points == 0 and result.feedback == KEYLESS_FEEDBACK
        assert "Answer recorded" in panel.feedback.value and panel.explanation.value == ""
        (attempt,) = store.attempts("00_start_here")
        assert attempt.points == 0 and attempt.mode == "exam"
    assert "{{" not in panel.question.prompt  # the learner's own numbers are shown


def test_release_exam_turns_every_bank_into_exam_mode(tmp_path):
    course = tmp_path / "course"
    (course / "quizzes").mkdir(parents=True)
    (course / "lessons").mkdir()
    shutil.copy(quizzes_dir() / "01_psoriasis.yaml", course / "quizzes")
    out = tmp_path / "out"
    counts = make_release(out, course, exam=True)
    assert counts["practice"] == 0 and counts["exam"] == len(load_bank("01_psoriasis"))
    copy = load_bank(out / "quizzes" / "01_psoriasis.yaml")
    assert copy.mode == "exam" and all(copy.mode_of(x) == "exam" for x in copy.questions)
    text = (out / "quizzes" / "01_psoriasis.yaml").read_text(encoding="utf-8")
    assert "explanation" not in text and "feedback" not in text and "key:" not in text


def test_release_exam_is_a_command_line_option(capsys):
    with pytest.raises(SystemExit):
        main(["release", "--help"])
    assert "--exam" in capsys.readouterr().out


# --- one scoring policy per bank -----------------------------------------------------------------


def _bank_with_scoring(tmp_path: Path, scoring: str, exam: bool = False) -> Path:
    text = (quizzes_dir() / "01_psoriasis.yaml").read_text(encoding="utf-8")
    text = text.replace("\nmode: practice\n", f"\nmode: {'exam' if exam else 'practice'}\n")
    text = text.replace("\nquestions:\n", f"\nscoring: {scoring}\nquestions:\n", 1)
    path = tmp_path / "01_psoriasis.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("scoring", ["latest", "best"])
def test_the_scoring_policy_holds_in_the_widget_submit_and_grade(tmp_path, scoring):
    path = _bank_with_scoring(tmp_path, scoring)
    bank = load_bank(path)
    assert bank.scoring == scoring
    question = next(x for x in bank.questions if isinstance(x, q.SingleChoiceQuestion))
    right = next(c.id for c in question.choices if c.correct)
    wrong = next(c.id for c in question.choices if not c.correct)
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        quiz = QuizWidget(bank, [question.id], store=store, learner="ann")
        panel = quiz.panels[0]
        for value in (right, wrong):  # right first, then wrong: best 1, latest 0
            panel.control.value = value
            panel.submit()
        counted = 1.0 if scoring == "best" else 0.0
        assert (
            quiz.score == counted and f"your {scoring} attempt at each counts" in quiz.total.value
        )
        assert f"; {scoring} {counted:g} / 1" in panel.status.value
        sub = build_submission("ann", bank.lesson, store=store, learner="ann", bank_file=path)
    (answer,) = [a for a in sub["answers"] if a["question"] == question.id]
    assert answer["response"] == (right if scoring == "best" else wrong)
    write_submission(sub, tmp_path / "ann.json")
    run = grade_submissions([tmp_path / "ann.json"], tmp_path)
    (graded,) = [a for a in run.graded[0].answers if a.question == question.id]
    assert graded.points == counted


def test_scoring_best_is_refused_for_exam_questions(tmp_path):
    path = _bank_with_scoring(tmp_path, "best", exam=True)
    with pytest.raises(CourseError, match="scoring: best needs every question in practice mode"):
        load_bank(path)


def test_the_default_scoring_is_latest():
    assert all(load_bank(path).scoring == "latest" for path in BANKS)


# --- the grade report says which quizzes are formative --------------------------------------------


def test_practice_quizzes_are_marked_formative_in_the_grade_report(tmp_path):
    key = tmp_path / "key"
    key.mkdir()
    shutil.copy(quizzes_dir() / "01_psoriasis.yaml", key)
    exam = (quizzes_dir() / "03_keratinocytes.yaml").read_text(encoding="utf-8")
    (key / "03_keratinocytes.yaml").write_text(
        exam.replace("\nmode: practice\n", "\nmode: exam\n"), encoding="utf-8"
    )
    rng = np.random.default_rng(3)
    for slug in ("01_psoriasis", "03_keratinocytes"):
        bank = load_bank(key / f"{slug}.yaml")
        for student in ("s1", "s2"):
            sub = synthetic_submission(bank, student, f"l-{student}", 1.0, rng)
            write_submission(sub, tmp_path / f"{student}__{slug}.json")
    run = grade_submissions([tmp_path], key)
    page = report_html(run)
    sections = page.split("<h3>")
    practice = next(s for s in sections if "(01_psoriasis)" in s)
    exam_part = next(s for s in sections if "(03_keratinocytes)" in s)
    assert "Formative:" in practice and "Formative:" not in exam_part
    assert run.key.bank("01_psoriasis").formative and not run.key.bank("03_keratinocytes").formative


# --- practice releases: numeric and short-text explanations open only with the answer -----------


def test_numeric_and_short_text_explanations_are_sealed_until_the_answer_opens_them(tmp_path):
    checked = 0
    for source in BANKS:
        key = load_bank(source)
        path = tmp_path / source.name
        path.write_text(release_bank(source), encoding="utf-8")
        text = " ".join(path.read_text(encoding="utf-8").split())
        copy = load_bank(path)
        for question in key.questions:
            if type(question) not in (q.NumericQuestion, q.ShortTextQuestion):
                continue
            checked += 1
            words = " ".join(question.explanation.split()[:8])
            assert words not in text, question.id  # not in the file in clear text
            sealed = copy.question(question.id)
            assert sealed.explanation == ""
            numeric = isinstance(question, q.NumericQuestion)
            opened = sealed.grade(repr(question.answer) if numeric else question.accept[0])
            assert opened.correct and opened.explanation == question.explanation
            missed = sealed.grade("-12345" if numeric else "not an answer at all")
            assert not missed.correct and missed.explanation is None
            for mistake in question.mistakes if not numeric else ():
                assert " ".join(mistake.feedback.split()) not in text
                assert mistake.feedback in sealed.grade(mistake.answer).feedback
    assert checked >= 10


def test_the_widget_shows_a_sealed_explanation_only_after_the_right_answer(tmp_path):
    path = tmp_path / "01_psoriasis.yaml"
    path.write_text(release_bank(quizzes_dir() / "01_psoriasis.yaml"), encoding="utf-8")
    key = load_bank("01_psoriasis")
    question = next(x for x in key.questions if type(x) is q.NumericQuestion)
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        panel = QuizWidget(load_bank(path), [question.id], store=store, learner="ann").panels[0]
        panel.control.value = "-12345"
        panel.submit()
        assert "opens once you find the answer" in panel.explanation.value
        panel.control.value = repr(question.answer)
        assert panel.submit().correct
        first_words = question.explanation.split()[0]
        assert first_words in panel.explanation.value
        assert "opens once you find the answer" not in panel.explanation.value
