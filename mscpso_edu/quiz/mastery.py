"""Mastery per learning objective, estimated from the learner's attempts, and where to revisit.

The estimator
-------------
Every question in a bank names the objectives it assesses, and every attempt is kept (quiz
attempts in the progress store, review attempts in the review store). For each objective the
estimate is a **recency-weighted proportion correct with a weak prior**:

.. math::

    m = \\frac{k\\,p_0 + \\sum_i w_i s_i}{k + \\sum_i w_i}, \\qquad
    w_i = 2^{-a_i / h}

where :math:`s_i` is the share of the points earned in counted attempt :math:`i` at a question
assessing the objective (1 for right, 0 for wrong, partial credit in between), :math:`a_i` its age
in days, :math:`h` the half-life (:data:`HALF_LIFE_DAYS`), and the prior :math:`p_0 = 0.5` weighs
as :math:`k = 1` fresh attempt (:data:`PRIOR`, :data:`PRIOR_WEIGHT`). So one right answer gives
0.75 ("developing"), two give 0.83 ("secure"), and old evidence counts for less than new.

Only **the first attempt at a question on a calendar day (UTC) counts**: a retry made seconds
after reading the feedback shows that the feedback was read, not that the answer was recalled.
Exam-mode attempts are left out (the learner is not told whether they were right until the
instructor grades them, and a mastery map must not tell them either), and reflections are never
graded, so they carry no evidence.

The weights and thresholds are the course's own illustrative choices, not fitted to data: the map
is a guide to what to revisit, not a grade.

Where to revisit
----------------
Objectives are declared in each lesson's "Learning objectives" cell (``- **03.a** Describe ...``,
read by :func:`mscpso_edu.lessons.read_objectives`) and each bank question lists the objectives it
assesses. The section that teaches an objective is found in the lesson notebook
(:func:`objective_sections`): the numbered section that pins the objective in an HTML comment
(``<!-- objectives: 03.d -->``), otherwise the section whose heading and text share the most
distinctive words with the objective, with a bonus for a section holding a mid-lesson check
(``quiz.check``) of a question on that objective.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "CHECK_BONUS",
    "HALF_LIFE_DAYS",
    "HEADING_WEIGHT",
    "PRIOR",
    "PRIOR_WEIGHT",
    "REVISIT_BELOW",
    "SECURE_FROM",
    "Evidence",
    "ObjectiveInfo",
    "ObjectiveMastery",
    "counted",
    "course_objectives",
    "estimate",
    "level",
    "mastery",
    "objective_sections",
    "revisit_advice",
]

#: Days after which an attempt weighs half as much as a fresh one (illustrative).
HALF_LIFE_DAYS = 30.0
#: The estimate before any evidence, and how many fresh attempts it weighs as (illustrative).
PRIOR = 0.5
PRIOR_WEIGHT = 1.0
#: Below this an objective is to revisit; from ``SECURE_FROM`` on it is secure (illustrative).
REVISIT_BELOW = 0.6
SECURE_FROM = 0.8

#: How a section is scored for an objective (see objective_sections): shared words in its
#: heading count this many times more than in its text, and holding a mid-lesson check of a
#: question on the objective adds CHECK_BONUS.
HEADING_WEIGHT = 2.0
CHECK_BONUS = 1.0
_DAY = 86400.0


@dataclass(frozen=True)
class Evidence:
    """One attempt as evidence: which question, the share of points earned, and when (epoch s).

    ``source`` is ``"quiz"`` or ``"review"``; ``mode`` the mode the attempt was made in.
    """

    lesson: str
    question: str
    score: float
    when: float
    source: str = "quiz"
    mode: str = "practice"


def counted(evidence: Iterable[Evidence]) -> list[Evidence]:
    """Keep the evidence that counts, oldest first.

    The first attempt at each question per UTC calendar day counts; exam-mode attempts and
    attempts worth no points (``score`` NaN) do not.

    Examples
    --------
    >>> day = 86400.0
    >>> kept = counted([Evidence("00", "q", 0.0, 10.0), Evidence("00", "q", 1.0, 20.0),
    ...                 Evidence("00", "q", 1.0, day + 5)])
    >>> [item.score for item in kept]
    [0.0, 1.0]
    """
    kept: list[Evidence] = []
    seen: set[tuple[str, str, int]] = set()
    for item in sorted(evidence, key=lambda e: e.when):
        if item.mode == "exam" or math.isnan(item.score):
            continue
        key = (item.lesson, item.question, int(item.when // _DAY))
        if key in seen:
            continue
        seen.add(key)
        kept.append(item)
    return kept


def estimate(
    scores: Sequence[float],
    ages_days: Sequence[float],
    *,
    half_life: float = HALF_LIFE_DAYS,
    prior: float = PRIOR,
    prior_weight: float = PRIOR_WEIGHT,
) -> tuple[float, float]:
    """Return the recency-weighted proportion correct and the weight of evidence behind it.

    Parameters
    ----------
    scores
        Share of points earned per counted attempt, each in [0, 1].
    ages_days
        Age of each attempt in days (0 = now; negative ages count as 0).
    half_life, prior, prior_weight
        See the module docstring.

    Returns
    -------
    (estimate, evidence)
        ``estimate`` in [0, 1]; ``evidence`` is the summed weight of the attempts (0 without any).

    Examples
    --------
    >>> estimate([1.0], [0.0])
    (0.75, 1.0)
    >>> round(estimate([1.0, 1.0], [0.0, 0.0])[0], 3)
    0.833
    >>> estimate([], [])
    (0.5, 0.0)
    """
    if len(scores) != len(ages_days):
        raise ValueError("scores and ages_days must have the same length")
    weights = [0.5 ** (max(age, 0.0) / half_life) for age in ages_days]
    total = float(sum(weights))
    value = (prior_weight * prior + sum(w * s for w, s in zip(weights, scores, strict=True))) / (
        prior_weight + total
    )
    return value, total


def level(value: float | None) -> str:
    """Return ``"not tried"``, ``"revisit"``, ``"developing"`` or ``"secure"`` for an estimate."""
    if value is None:
        return "not tried"
    if value < REVISIT_BELOW:
        return "revisit"
    if value < SECURE_FROM:
        return "developing"
    return "secure"


@dataclass(frozen=True)
class ObjectiveInfo:
    """A learning objective: id, text, lesson, the section teaching it, the questions on it."""

    id: str
    text: str
    lesson: str
    section: str | None
    questions: tuple[str, ...]


@dataclass(frozen=True)
class ObjectiveMastery:
    """The estimate for one objective; ``value`` is None when no question on it was tried."""

    objective: ObjectiveInfo
    value: float | None
    evidence: float
    attempts: int
    missed: tuple[str, ...] = field(default=())

    @property
    def level(self) -> str:
        """The estimate's level (see :func:`level`)."""
        return level(self.value)


_WORD = re.compile(r"[a-z0-9][a-z0-9\-]+")
_STOP = frozenset(
    re.findall(
        r"[a-z]+",
        """a an and are as at be by can do does for from how in into is it its of on or that the
    their them then this to what when where which why with your you each explain describe identify
    use
    compare evaluate predict calculate interpret apply decide read recognise relate list estimate
    distinguish justify critique design defend classify contrast""",
    )
)


def _words(text: str) -> set[str]:
    words = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOP or len(word) <= 2:
            continue
        words.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)  # plurals
    return words


def _cell_text(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


_SECTION = re.compile(r"^## (\d+\. \S.*)$", re.MULTILINE)
_LEVEL2 = re.compile(r"^(?=## )", re.MULTILINE)
#: A lesson author may pin objectives to a section: ``<!-- objectives: 08.a, 08.b -->`` anywhere
#: in the section's Markdown (invisible when rendered).
_PINNED = re.compile(r"<!--\s*objectives?\s*:\s*([0-9a-z., ]+?)\s*-->", re.IGNORECASE)
_CHECK = re.compile(r"quiz\.check\(([^)]*)\)")


def objective_sections(
    notebook: str | Path, objectives: Mapping[str, str], questions: Mapping[str, Sequence[str]]
) -> dict[str, str | None]:
    """Return the numbered section of ``notebook`` that teaches each objective.

    Parameters
    ----------
    notebook
        The lesson notebook.
    objectives
        Objective id to its text (as :func:`mscpso_edu.lessons.read_objectives` returns).
    questions
        Question id to the objectives it assesses (from the lesson's bank).

    Returns
    -------
    dict
        Objective id to a section heading such as ``"4. Measuring severity: PASI"`` (None when
        the notebook has no numbered sections or cannot be read). A section whose Markdown pins
        the objective (``<!-- objectives: 03.d -->``) wins; otherwise the section with the
        highest score, where each content word (plurals folded) a section shares with the
        objective's text counts by its inverse section frequency (words every section uses count
        little), words shared with the heading count :data:`HEADING_WEIGHT` times more, and a
        mid-lesson check of a question on the objective adds :data:`CHECK_BONUS` (the first such
        section on a tie).
    """
    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return dict.fromkeys(objectives)
    sections: list[tuple[str, list[str]]] = []  # heading, texts
    checks: dict[str, set[str]] = {}  # section heading -> objectives its checks assess
    pinned: dict[str, str] = {}  # objective -> section heading named in an HTML comment
    # A Markdown cell may close one section and open the next: split it at its "## " headings.
    parts = [
        (cell.get("cell_type"), part)
        for cell in cells
        for part in (
            _LEVEL2.split(_cell_text(cell))
            if cell.get("cell_type") == "markdown"
            else [_cell_text(cell)]
        )
        if part.strip()
    ]
    for kind, text in parts:
        if kind == "markdown":
            heading = _SECTION.match(text)
            if heading:
                sections.append((heading.group(1).strip(), [text]))
                continue
            if text.startswith("## ") and sections:
                sections.append(("", []))  # Key points, References...: not a teaching section
                continue
        if not sections or not sections[-1][0]:
            continue
        sections[-1][1].append(text)
        if kind == "code":
            for call in _CHECK.findall(text):
                for qid in re.findall(r"[\"']([^\"']+)[\"']", call)[1:]:
                    checks.setdefault(sections[-1][0], set()).update(questions.get(qid, ()))
    teaching = [
        (heading, _words(" ".join(texts)), _words(heading))
        for heading, texts in sections
        if heading
    ]
    for heading, texts in sections:
        for listed in _PINNED.findall(" ".join(texts) if heading else ""):
            for objective in re.findall(r"\d\d\.[a-z]", listed):
                pinned.setdefault(objective, heading)
    # Words found in every section (psoriasis, MSC...) say little about where an objective is
    # taught: each shared word counts by its inverse section frequency.
    counts: dict[str, int] = {}
    for _, body, _ in teaching:
        for word in body:
            counts[word] = counts.get(word, 0) + 1
    weight = {word: math.log(1.0 + len(teaching) / n) for word, n in counts.items()}
    found: dict[str, str | None] = {}
    for objective, text in objectives.items():
        if objective in pinned:
            found[objective] = pinned[objective]
            continue
        wanted = _words(text)
        best, best_score = None, 0.0
        for heading, body, title in teaching:
            score = sum(weight.get(word, 0.0) for word in wanted & body)
            score += HEADING_WEIGHT * sum(weight.get(word, 0.0) for word in wanted & title)
            score += CHECK_BONUS * (objective in checks.get(heading, ()))
            if score > best_score:
                best, best_score = heading, score
        found[objective] = best
    return found


def course_objectives(lessons: Sequence[str] | None = None) -> list[ObjectiveInfo]:
    """Return every objective of the course's lessons with its section and questions.

    Parameters
    ----------
    lessons
        Lesson slugs; default every lesson with a question bank. A lesson whose notebook or bank
        cannot be read is left out (``mscpso-edu check`` reports it).
    """
    from ..errors import CourseError
    from ..lessons import read_objectives
    from ..paths import lessons_dir, quizzes_dir
    from .bank import load_bank

    if lessons is None:
        folder = quizzes_dir()
        lessons = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    found: list[ObjectiveInfo] = []
    for lesson in lessons:
        notebook = lessons_dir() / f"{lesson}.ipynb"
        try:
            bank = load_bank(lesson)
            objectives = read_objectives(notebook)
        except CourseError:
            continue
        on = {question.id: tuple(question.objectives) for question in bank.questions}
        sections = objective_sections(notebook, objectives, on)
        for objective, text in objectives.items():
            ids = tuple(qid for qid, targets in on.items() if objective in targets)
            found.append(ObjectiveInfo(objective, text, lesson, sections.get(objective), ids))
    return found


def mastery(
    evidence: Iterable[Evidence], objectives: Sequence[ObjectiveInfo], now: float
) -> list[ObjectiveMastery]:
    """Estimate mastery of each objective from the evidence (see the module docstring).

    Parameters
    ----------
    evidence
        Every attempt as :class:`Evidence` (quiz and review); :func:`counted` picks what counts.
    objectives
        The objectives to estimate, with the questions that assess them.
    now
        The time (epoch seconds) ages are measured from.
    """
    by_question: dict[tuple[str, str], list[Evidence]] = {}
    for item in counted(evidence):
        by_question.setdefault((item.lesson, item.question), []).append(item)
    results = []
    for objective in objectives:
        items = [
            item
            for qid in objective.questions
            for item in by_question.get((objective.lesson, qid), ())
        ]
        if not items:
            results.append(ObjectiveMastery(objective, None, 0.0, 0))
            continue
        value, weight = estimate(
            [item.score for item in items], [(now - item.when) / _DAY for item in items]
        )
        last: dict[str, Evidence] = {}
        for item in sorted(items, key=lambda e: e.when):
            last[item.question] = item
        missed = tuple(sorted(qid for qid, item in last.items() if item.score < 1.0))
        results.append(ObjectiveMastery(objective, value, weight, len(items), missed))
    return results


def revisit_advice(results: Sequence[ObjectiveMastery]) -> list[str]:
    """Return one sentence per objective to revisit, weakest first, saying where to look.

    Examples
    --------
    >>> info = ObjectiveInfo("01.d", "Add PASI.", "01_psoriasis", "4. PASI", ("p1",))
    >>> print(revisit_advice([ObjectiveMastery(info, 0.25, 2.0, 2, ("p1",))])[0])
    Revisit 01.d (25%, 2 attempts): Add PASI. Lesson 01_psoriasis, section 4. PASI; missed: p1.
    """
    weak = sorted(
        (item for item in results if item.level == "revisit"),
        key=lambda item: (item.value or 0.0, item.objective.id),
    )
    sentences = []
    for item in weak:
        info = item.objective
        where = f"Lesson {info.lesson}" + (f", section {info.section}" if info.section else "")
        missed = f"; missed: {', '.join(item.missed)}" if item.missed else ""
        plural = "s" if item.attempts != 1 else ""
        share = f"{100 * (item.value or 0.0):.0f}%"
        sentences.append(
            f"Revisit {info.id} ({share}, {item.attempts} attempt{plural}):"
            f" {info.text.rstrip('.')}. {where}{missed}."
        )
    return sentences
