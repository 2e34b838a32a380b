"""Item analysis and the self-contained HTML grading report.

For each question of each graded quiz:

- **difficulty**: the proportion of students fully correct (classical test theory's *p*);
- **discrimination**: the point-biserial correlation between the question's score (fraction of
  its points) and the *rest score* (the student's quiz points from the other questions), so a
  question is not correlated with itself; undefined when either does not vary;
- **distractor counts**: how often each choice was picked (single, multiple, true/false);
- **flags**: negative discrimination (stronger students do worse: often a wrong key or an
  ambiguous wording) and nobody correct (a wrong key, or something not taught).

The report is one HTML file: plots are inline SVG images with alt text, and all text from banks and
submissions is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..quiz import questions as q
from ..quiz.kinds import kind_of
from .grading import GradeRun

__all__ = ["ItemStats", "QuizAnalysis", "analyse", "figure_svg", "hand_marking", "report_html"]


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
    return kind_of(question).answer_options(question)


def _picked(question: q.Question, response: Any) -> list[str]:
    return kind_of(question).picked(question, response)


def analyse(run: GradeRun) -> list[QuizAnalysis]:
    """Return the item analysis of every quiz in ``run`` (quizzes in slug order)."""
    analyses = []
    for quiz in run.quizzes:
        bank = run.key.bank(quiz)
        subs = [sub for sub in run.graded if sub.quiz == quiz]
        # Written answers marked by hand have their own table in the report (hand_marking).
        questions = [item for item in bank.questions if item.graded and item.points > 0]
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


def hand_marking(run: GradeRun) -> list[dict[str, Any]]:
    """Each question marked by hand in ``run``: quiz, question, its points, and how many
    students answered it, how many answers are marked and how many await marking, with the
    mean mark of those marked (None when none is)."""
    rows = []
    for quiz in run.quizzes:
        subs = [sub for sub in run.graded if sub.quiz == quiz]
        for question in run.key.bank(quiz).questions:
            if not question.marked_by_hand:
                continue
            answers = [a for sub in subs for a in sub.answers if a.question == question.id]
            marked = [a.points for a in answers if a.answered and not a.awaiting]
            rows.append(
                {
                    "quiz": quiz,
                    "question": question.id,
                    "points": question.points,
                    "answered": sum(a.answered for a in answers),
                    "marked": len(marked),
                    "awaiting": sum(a.awaiting for a in answers),
                    "mean": sum(marked) / len(marked) if marked else None,
                }
            )
    return rows


# The two plots of each quiz are drawn as SVG by hand: a dozen quizzes cost milliseconds, where
# matplotlib took about half a second each (and its import another). Sizes in px.
_W, _H, _PANEL, _MARGIN = 810, 300, 360, 50


def _axes(
    x0: float,
    title: str,
    xlabel: str,
    ylabel: str,
    xticks: list[tuple[float, str]],
    yticks: list[tuple[float, str]],
) -> list[str]:
    """An axes frame with ticks and labels; tick positions are in panel pixels."""
    top, bottom = 30, _H - _MARGIN
    parts = [
        f'<text x="{x0 + _PANEL / 2}" y="18" text-anchor="middle" font-weight="bold">'
        f"{_e(title)}</text>",
        f'<line x1="{x0}" y1="{bottom}" x2="{x0 + _PANEL}" y2="{bottom}" stroke="#333"/>',
        f'<line x1="{x0}" y1="{top}" x2="{x0}" y2="{bottom}" stroke="#333"/>',
        f'<text x="{x0 + _PANEL / 2}" y="{_H - 12}" text-anchor="middle">{_e(xlabel)}</text>',
        f'<text x="{x0 - 38}" y="{(top + bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 {x0 - 38} {(top + bottom) / 2})">{_e(ylabel)}</text>',
    ]
    for x, label in xticks:
        parts.append(
            f'<line x1="{x0 + x:.1f}" y1="{bottom}" x2="{x0 + x:.1f}" y2="{bottom + 4}" '
            f'stroke="#333"/><text x="{x0 + x:.1f}" y="{bottom + 16}" text-anchor="middle">'
            f"{_e(label)}</text>"
        )
    for y, label in yticks:
        parts.append(
            f'<line x1="{x0 - 4}" y1="{y:.1f}" x2="{x0}" y2="{y:.1f}" stroke="#333"/>'
            f'<text x="{x0 - 7}" y="{y + 4:.1f}" text-anchor="end">{_e(label)}</text>'
        )
    return parts


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        return [low]
    step = (high - low) / (count - 1)
    return [low + i * step for i in range(count)]


def figure_svg(analysis: QuizAnalysis) -> str:
    """The score histogram and the difficulty/discrimination scatter of one quiz, as SVG text."""
    from ..style import OKABE_ITO

    top, bottom = 30, _H - _MARGIN
    height = bottom - top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" '
        f'viewBox="0 0 {_W} {_H}" font-family="sans-serif" font-size="11">',
        f'<rect width="{_W}" height="{_H}" fill="white"/>',
    ]
    # Left: histogram of quiz points.
    x0 = 60
    bins = min(20, max(5, int(analysis.max_points) + 1))
    high = max(analysis.max_points, float(analysis.totals.max()) if analysis.totals.size else 0.0)
    counts, edges = np.histogram(analysis.totals, bins=bins, range=(0.0, high or 1.0))
    tallest = max(int(counts.max()) if counts.size else 0, 1)
    span = edges[-1] - edges[0]

    def xpix(value: float) -> float:
        return (value - edges[0]) / span * _PANEL

    for count, left, right in zip(counts, edges[:-1], edges[1:], strict=True):
        if count:
            h = count / tallest * height
            parts.append(
                f'<rect x="{x0 + xpix(left):.1f}" y="{bottom - h:.1f}" '
                f'width="{max(xpix(right) - xpix(left) - 1, 1):.1f}" height="{h:.1f}" '
                f'fill="{OKABE_ITO["sky_blue"]}"/>'
            )
    parts += _axes(
        x0,
        "Score distribution",
        "quiz points",
        "students",
        [(xpix(v), f"{v:g}") for v in _ticks(edges[0], edges[-1])],
        [(bottom - v / tallest * height, f"{v:g}") for v in sorted({0, tallest // 2, tallest})],
    )
    # Right: each question's difficulty against its discrimination (-1..1).
    x1 = x0 + _PANEL + 70

    def point(difficulty: float, discrimination: float) -> tuple[float, float]:
        x = x1 + (min(max(difficulty, -0.05), 1.05) + 0.05) / 1.1 * _PANEL
        y = top + (1.0 - (min(max(discrimination, -1.0), 1.0) + 1.0) / 2.0) * height
        return x, y

    zero = point(0.0, 0.0)[1]
    parts.append(
        f'<line x1="{x1}" y1="{zero:.1f}" x2="{x1 + _PANEL}" y2="{zero:.1f}" stroke="#888" '
        'stroke-width="0.8"/>'
    )
    for item in analysis.items:
        difficulty = item.difficulty if item.difficulty == item.difficulty else 0.0
        x, y = point(difficulty, item.discrimination or 0.0)
        if item.flags:
            parts.append(
                f'<path d="M{x - 4:.1f},{y - 4:.1f} L{x + 4:.1f},{y + 4:.1f} M{x - 4:.1f},'
                f'{y + 4:.1f} L{x + 4:.1f},{y - 4:.1f}" stroke="{OKABE_ITO["vermillion"]}" '
                'stroke-width="2.5"/>'
                f'<text x="{x + 5:.1f}" y="{y - 5:.1f}" font-size="9">{_e(item.question)}</text>'
            )
        else:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{OKABE_ITO["blue"]}"/>')
    parts += _axes(
        x1,
        "Questions (flagged: X, labelled)",
        "difficulty (proportion correct)",
        "discrimination (point-biserial)",
        [(point(v, 0)[0] - x1, f"{v:g}") for v in (0.0, 0.25, 0.5, 0.75, 1.0)],
        [(point(0, v)[1], f"{v:g}") for v in (-1.0, -0.5, 0.0, 0.5, 1.0)],
    )
    parts.append("</svg>")
    return "".join(parts)


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
    written = hand_marking(run)
    if written:
        waiting = sum(row["awaiting"] for row in written)
        parts.append(
            "<h2>Written answers marked by hand</h2><p>These reflections are worth points and "
            "are marked by you (<code>--marking-sheet</code> lists them, <code>--marks</code> "
            "merges your marks). Until marked an answer earns 0 points and counts as "
            f"<strong>awaiting marking</strong>: {waiting} await marking now, so the quiz "
            "points below and in the gradebooks are not final for those students. They are "
            "left out of the item analysis and of class mastery.</p>"
            "<table><tr><th>Quiz</th><th>Question</th><th>Points</th><th>Answered</th>"
            "<th>Marked</th><th>Awaiting marking</th><th>Mean mark</th></tr>"
        )
        for row in written:
            flag = ' class="flagged"' if row["awaiting"] else ""
            parts.append(
                f"<tr{flag}><td>{_e(row['quiz'])}</td><td>{_e(row['question'])}</td>"
                f'<td class="num">{row["points"]:g}</td><td class="num">{row["answered"]}</td>'
                f'<td class="num">{row["marked"]}</td><td class="num">{row["awaiting"]}</td>'
                f'<td class="num">{_fmt(row["mean"])}</td></tr>'
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
        if run.key.bank(analysis.quiz).formative:
            parts.append(
                '<p class="formative"><strong>Formative:</strong> a practice quiz. Students saw '
                "feedback and could read its keys in their copy, so its points show practice, "
                "not attainment; do not count them towards a grade.</p>"
            )
        svg = base64.b64encode(figure_svg(analysis).encode("utf-8")).decode("ascii")
        parts.append(f'<img src="data:image/svg+xml;base64,{svg}" alt="{_e(alt)}">')
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
