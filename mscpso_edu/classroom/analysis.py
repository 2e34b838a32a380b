"""Item analysis and the self-contained HTML grading report.

For each question of each graded quiz:

- **difficulty**: the proportion of students fully correct (classical test theory's *p*);
- **discrimination**: the point-biserial correlation between the question's score (fraction of
  its points) and the *rest score* (the student's quiz points from the other questions), so a
  question is not correlated with itself; undefined when either does not vary;
- **distractor counts**: how often each choice was picked (single, multiple, true/false);
- **flags**: negative discrimination (stronger students do worse: often a wrong key or an
  ambiguous wording) and nobody correct (a wrong key, or something not taught).

The report is one HTML file: plots are inline PNGs with alt text, and all text from banks and
submissions is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..quiz import questions as q
from .grading import GradeRun

__all__ = ["ItemStats", "QuizAnalysis", "analyse", "report_html"]


@dataclass
class ItemStats:
    """Statistics of one question over the graded submissions of its quiz."""

    quiz: str
    question: str
    type: str
    max_points: float
    students: int
    difficulty: float
    mean_points: float
    discrimination: float | None
    distractors: dict[str, int] = field(default_factory=dict)
    choice_labels: dict[str, str] = field(default_factory=dict)
    correct_choices: tuple[str, ...] = ()
    flags: list[str] = field(default_factory=list)


@dataclass
class QuizAnalysis:
    """One quiz: its title, the students' totals and the statistics of each question."""

    quiz: str
    title: str
    max_points: float
    totals: np.ndarray
    items: list[ItemStats]


def _point_biserial(item: np.ndarray, rest: np.ndarray) -> float | None:
    if item.size < 2 or np.ptp(item) == 0 or np.ptp(rest) == 0:
        return None
    return float(np.corrcoef(item, rest)[0, 1])


def _choices(question: q.Question) -> tuple[dict[str, str], tuple[str, ...]]:
    if isinstance(question, q.SingleChoiceQuestion | q.MultipleChoiceQuestion):
        labels = {choice.id: choice.text for choice in question.choices}
        return labels, tuple(choice.id for choice in question.choices if choice.correct)
    if isinstance(question, q.TrueFalseQuestion):
        return {"true": "True", "false": "False"}, ("true" if question.answer else "false",)
    return {}, ()


def _picked(question: q.Question, response: Any) -> list[str]:
    if isinstance(question, q.SingleChoiceQuestion) and isinstance(response, str):
        return [response]
    if isinstance(question, q.MultipleChoiceQuestion) and isinstance(response, list):
        return [value for value in response if isinstance(value, str)]
    if isinstance(question, q.TrueFalseQuestion) and isinstance(response, bool):
        return ["true" if response else "false"]
    return []


def analyse(run: GradeRun) -> list[QuizAnalysis]:
    """Return the item analysis of every quiz in ``run`` (quizzes in slug order)."""
    analyses = []
    for quiz in run.quizzes:
        bank = run.key.bank(quiz)
        subs = [sub for sub in run.graded if sub.quiz == quiz]
        questions = [question for question in bank.questions if question.points > 0]
        index = {question.id: col for col, question in enumerate(questions)}
        points = np.zeros((len(subs), len(questions)))
        correct = np.zeros((len(subs), len(questions)), dtype=bool)
        picks: list[Counter[str]] = [Counter() for _ in questions]
        for row, sub in enumerate(subs):
            for answer in sub.answers:
                col = index.get(answer.question)
                if col is None:
                    continue
                points[row, col] = answer.points
                correct[row, col] = answer.correct
                if answer.answered:
                    picks[col].update(_picked(questions[col], answer.response))
        totals = points.sum(axis=1)
        items = []
        for col, question in enumerate(questions):
            labels, right = _choices(question)
            fraction = points[:, col] / question.points
            stats = ItemStats(
                quiz=quiz,
                question=question.id,
                type=question.type,
                max_points=question.points,
                students=len(subs),
                difficulty=float(correct[:, col].mean()) if subs else float("nan"),
                mean_points=float(points[:, col].mean()) if subs else float("nan"),
                discrimination=_point_biserial(fraction, totals - points[:, col]),
                distractors={cid: picks[col].get(cid, 0) for cid in labels},
                choice_labels=labels,
                correct_choices=right,
            )
            if stats.discrimination is not None and stats.discrimination < 0:
                stats.flags.append("negative discrimination")
            if subs and not correct[:, col].any():
                stats.flags.append("nobody correct")
            items.append(stats)
        analyses.append(QuizAnalysis(quiz, bank.title, bank.max_points, totals, items))
    return analyses


def _figure_png(analysis: QuizAnalysis) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    from ..style import OKABE_ITO, course_style

    with course_style():
        figure = Figure(figsize=(9, 3.4), dpi=90)
        hist, scatter = figure.subplots(1, 2)
        hist.hist(
            analysis.totals,
            bins=min(20, max(5, int(analysis.max_points) + 1)),
            color=OKABE_ITO["sky_blue"],
        )
        hist.set_xlabel("quiz points")
        hist.set_ylabel("students")
        hist.set_title("Score distribution")
        xs = [item.difficulty for item in analysis.items]
        ys = [
            item.discrimination if item.discrimination is not None else 0.0
            for item in analysis.items
        ]
        flagged = [bool(item.flags) for item in analysis.items]
        for is_flagged, colour, marker in (
            (False, OKABE_ITO["blue"], "o"),
            (True, OKABE_ITO["vermillion"], "X"),
        ):
            chosen = [i for i, f in enumerate(flagged) if f == is_flagged]
            scatter.scatter(
                [xs[i] for i in chosen], [ys[i] for i in chosen], c=colour, marker=marker, s=30
            )
        for item, x, y in zip(analysis.items, xs, ys, strict=True):
            if item.flags:
                scatter.annotate(
                    item.question, (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points"
                )
        scatter.axhline(0.0, color="0.5", linewidth=0.8)
        scatter.set_xlim(-0.05, 1.05)
        scatter.set_xlabel("difficulty (proportion correct)")
        scatter.set_ylabel("discrimination (point-biserial)")
        scatter.set_title("Questions (flagged: X, labelled)")
        figure.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.9, wspace=0.28)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _fmt(value: float | None, digits: int = 2) -> str:
    if value is None or value != value:
        return "n/a"
    return f"{value:.{digits}f}"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 70em; margin: 1em auto; padding: 0 1em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
td.num { text-align: right; }
tr.flagged td { background: #fdebd0; }
img { max-width: 100%; }
"""


def report_html(run: GradeRun) -> str:
    """Return the grading report: summary, skipped submissions, class mastery per objective
    (:mod:`mscpso_edu.classroom.mastery`) and item analysis per quiz."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>mscpso-edu grading report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Grading report</h1>",
        f"<p>{len(run.graded)} submission(s) graded from {len(run.students)} student(s) in "
        f"{len(run.quizzes)} quiz(zes); {len(run.skipped)} skipped.</p>",
    ]
    if run.skipped:
        parts.append(
            "<h2>Skipped submissions</h2><table><tr><th>File</th><th>Problem</th>"
            "<th>Reason</th></tr>"
        )
        for skip in run.skipped:
            parts.append(
                f"<tr><td>{_e(skip.path)}</td><td>{_e(skip.kind)}</td><td>{_e(skip.reason)}</td></tr>"
            )
        parts.append("</table>")
    from .mastery import mastery_html

    parts.append(mastery_html(run))
    parts.append(
        "<h2>Item analysis</h2><p><em>Difficulty</em> is the proportion of students fully "
        "correct; <em>discrimination</em> is the point-biserial correlation of the question's "
        "score with the rest of the quiz (n/a when either does not vary). Flagged questions "
        "deserve a look: a negative discrimination or nobody correct often means a wrong key or "
        "an ambiguous question.</p>"
    )
    for analysis in analyse(run):
        flagged = [item for item in analysis.items if item.flags]
        mean = float(analysis.totals.mean()) if analysis.totals.size else float("nan")
        alt = (
            f"Left: histogram of quiz points for {analysis.totals.size} students in "
            f"{analysis.title} (mean {_fmt(mean, 1)} of {analysis.max_points:g}). Right: each "
            f"question's difficulty against its discrimination; {len(flagged)} flagged."
        )
        parts.append(f"<h3>{_e(analysis.title)} <small>({_e(analysis.quiz)})</small></h3>")
        parts.append(f'<img src="data:image/png;base64,{_figure_png(analysis)}" alt="{_e(alt)}">')
        parts.append(
            "<table><tr><th>Question</th><th>Type</th><th>Points</th><th>Difficulty</th>"
            "<th>Mean points</th><th>Discrimination</th><th>Distractors (times picked)</th>"
            "<th>Flags</th></tr>"
        )
        for item in analysis.items:
            picks = "; ".join(
                f"{'&#10003; ' if cid in item.correct_choices else ''}{_e(label)}: "
                f"{item.distractors.get(cid, 0)}"
                for cid, label in item.choice_labels.items()
            )
            row_class = ' class="flagged"' if item.flags else ""
            parts.append(
                f"<tr{row_class}><td>{_e(item.question)}</td><td>{_e(item.type)}</td>"
                f'<td class="num">{item.max_points:g}</td>'
                f'<td class="num">{_fmt(item.difficulty)}</td>'
                f'<td class="num">{_fmt(item.mean_points)}</td>'
                f'<td class="num">{_fmt(item.discrimination)}</td>'
                f"<td>{picks}</td><td>{_e(', '.join(item.flags))}</td></tr>"
            )
        parts.append("</table>")
    parts.append(
        f"<p><small>Key: {_e(run.key.folder)}; bank hashes "
        f"{_e(json.dumps({k: v[:12] for k, v in sorted(run.key.hashes.items())}))}</small></p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
