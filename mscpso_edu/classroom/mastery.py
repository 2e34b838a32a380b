"""Class mastery per learning objective, for the grading report and a per-objective CSV.

Every bank question names the objectives it assesses. For each graded submission and each
objective its quiz assesses, a student's **share** is the points they earned on the objective's
questions divided by those questions' points (unanswered questions earn 0; reflections are left
out, those an instructor marks by hand too, as their marks may not all be in). A student
**misses** an objective when the share is below :data:`mscpso_edu.quiz.mastery.REVISIT_BELOW`
(60%), the line below which the learner's own mastery map says "revisit".

Objectives are ranked by the share of students who miss them, and each lists the questions
behind it with the proportion of students fully correct on each, hardest first: where to look
when many students miss an objective (the teaching, or the questions' keys and wording).
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field

from ..errors import CourseError
from ..quiz.mastery import REVISIT_BELOW, objective_sections
from .grading import GradeRun

__all__ = ["ObjectiveStats", "class_mastery", "mastery_csv", "mastery_html"]


@dataclass
class ObjectiveStats:
    """One objective over a class.

    Attributes
    ----------
    quiz, objective
        The quiz (lesson slug) and objective id (``"01.d"``).
    text, section
        The objective's wording and the lesson section teaching it ("" / None when the lesson
        notebook is not at hand).
    students
        Students with a graded submission of the quiz.
    mean_share
        Mean share of the objective's points earned.
    below
        Students whose share is below the revisit line.
    questions
        ``(question id, proportion of students fully correct)``, hardest first.
    """

    quiz: str
    objective: str
    text: str
    section: str | None
    students: int
    mean_share: float
    below: int
    questions: list[tuple[str, float]] = field(default_factory=list)

    @property
    def share_below(self) -> float:
        """Share of students below the revisit line."""
        return self.below / self.students if self.students else 0.0


def _lesson_objectives(quiz: str, questions: dict[str, tuple[str, ...]]) -> dict[str, tuple]:
    """Objective id -> (text, section) from the lesson notebook, when it can be read."""
    from ..lessons import read_objectives
    from ..paths import lessons_dir

    notebook = lessons_dir() / f"{quiz}.ipynb"
    try:
        texts = read_objectives(notebook)
    except CourseError:
        return {}
    sections = objective_sections(notebook, texts, questions)
    return {oid: (text, sections.get(oid)) for oid, text in texts.items()}


def class_mastery(run: GradeRun) -> list[ObjectiveStats]:
    """Return every objective of the graded quizzes, most-missed first.

    Parameters
    ----------
    run
        A grading run (:func:`mscpso_edu.classroom.grading.grade_submissions`).
    """
    found: list[ObjectiveStats] = []
    for quiz in run.quizzes:
        bank = run.key.bank(quiz)
        graded = {
            question.id: question
            for question in bank.questions
            if question.graded and question.points > 0
        }
        on: dict[str, list[str]] = {}
        for question in graded.values():
            for objective in question.objectives:
                on.setdefault(objective, []).append(question.id)
        described = _lesson_objectives(
            quiz, {qid: question.objectives for qid, question in graded.items()}
        )
        submissions = [sub for sub in run.graded if sub.quiz == quiz]
        results = [{answer.question: answer for answer in sub.answers} for sub in submissions]
        for objective in sorted(on):
            ids = on[objective]
            shares = []
            for answers in results:
                top = sum(graded[qid].points for qid in ids)
                earned = sum(answers[qid].points for qid in ids if qid in answers)
                shares.append(earned / top if top else 0.0)
            correct = [
                (qid, sum(bool(a.get(qid) and a[qid].correct) for a in results) / len(results))
                for qid in ids
            ]
            text, section = described.get(objective, ("", None))
            found.append(
                ObjectiveStats(
                    quiz=quiz,
                    objective=objective,
                    text=text,
                    section=section,
                    students=len(results),
                    mean_share=sum(shares) / len(shares) if shares else 0.0,
                    below=sum(share < REVISIT_BELOW for share in shares),
                    questions=sorted(correct, key=lambda item: (item[1], item[0])),
                )
            )
    found.sort(key=lambda s: (-s.share_below, s.mean_share, s.quiz, s.objective))
    return found


def mastery_csv(run: GradeRun) -> str:
    """Return the per-objective CSV: a row per quiz and objective, most-missed first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["quiz", "objective", "objective_text", "section", "students", "mean_percent",
         "students_below_revisit", "percent_below_revisit", "questions_percent_correct"]
    )  # fmt: skip
    for stats in class_mastery(run):
        writer.writerow(
            [
                stats.quiz,
                stats.objective,
                stats.text,
                stats.section or "",
                stats.students,
                f"{100 * stats.mean_share:.1f}",
                stats.below,
                f"{100 * stats.share_below:.1f}",
                "; ".join(f"{qid} {100 * share:.0f}%" for qid, share in stats.questions),
            ]
        )
    return buffer.getvalue()


def mastery_html(run: GradeRun) -> str:
    """Return the report's "Class mastery per objective" section (HTML, all text escaped)."""
    rows = class_mastery(run)
    if not rows:
        return ""
    e = html.escape
    parts = [
        "<h2>Class mastery per objective</h2>",
        f"<p>A student's share of an objective is the points they earned on its questions over "
        f"those questions' points; below {100 * REVISIT_BELOW:.0f}% the learner's own mastery map "
        "says <em>revisit</em>. Objectives most students miss come first, each with the "
        "questions behind it (percent of students fully correct, hardest first).</p>",
        "<table><tr><th>Objective</th><th>Lesson section</th><th>Students</th>"
        "<th>Mean share</th><th>Below the revisit line</th><th>Questions (% fully correct)"
        "</th></tr>",
    ]
    for stats in rows:
        flagged = ' class="flagged"' if stats.share_below >= 0.5 else ""
        label = f"<strong>{e(stats.objective)}</strong> {e(stats.text)}"
        questions = "; ".join(f"{e(qid)} {100 * share:.0f}%" for qid, share in stats.questions)
        parts.append(
            f"<tr{flagged}><td>{label}</td><td>{e(stats.section or '')}</td>"
            f'<td class="num">{stats.students}</td>'
            f'<td class="num">{100 * stats.mean_share:.0f}%</td>'
            f'<td class="num">{stats.below} ({100 * stats.share_below:.0f}%)</td>'
            f"<td>{questions}</td></tr>"
        )
    parts.append("</table>")
    return "\n".join(parts)
