"""Spaced review: bring back, across lessons, the questions whose recall is due, scheduled by FSRS.

How the queue is built
----------------------
Every question the learner has tried (in a lesson's quiz or in an earlier review) is a card of the
Free Spaced Repetition Scheduler (the ``fsrs`` package, :class:`fsrs.Scheduler`). Its counted
attempts (the first attempt at the question per UTC day, see
:func:`mscpso_edu.quiz.mastery.counted`) are replayed through the scheduler as ratings: fully right
is *Good*, partly right *Hard*, wrong *Again*. FSRS then gives each card a due date, the day its
predicted recall falls to the desired retention (0.9). Intervals are whole days (no same-day
learning steps) and unfuzzed, so a fixed clock gives a fixed queue.

A review serves the cards that are due, **missed questions first** (the last counted attempt was
not fully right), **then the others by predicted recall, lowest first**. Questions never tried,
reflections and exam-mode questions never appear. A computed question draws new numbers each time
it comes back.

Review attempts are kept apart
------------------------------
Review attempts go to their own SQLite file, ``data_home()/review.sqlite3`` (WAL, one transaction
per attempt, like the progress store), never to the progress store. Submissions and grades are
built from the progress store only, so a review cannot change them.

The same file caches each card's FSRS state and how far the attempts have been folded in, so
building the queue replays only attempts made since the last build.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fsrs import Card, Rating, Scheduler

from ..errors import CourseError
from ..paths import data_home
from . import questions as q
from .store import ProgressStore, _to_json, open_database

__all__ = [
    "REVIEW_STORE_NAME",
    "Clock",
    "ReviewAttempt",
    "ReviewItem",
    "ReviewStore",
    "build_queue",
    "describe_due",
    "next_due",
    "rating_for",
    "reviewable_questions",
    "scheduler",
    "summary",
]

REVIEW_STORE_NAME = "review.sqlite3"
Clock = Callable[[], datetime]
_SCHEMA_VERSION = 1
_DAY = 86400.0
#: The longest interval between two reviews, in days: a course lasts a term or two.
MAXIMUM_INTERVAL_DAYS = 365

_CREATE = """
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    learner TEXT NOT NULL,
    lesson TEXT NOT NULL,
    question TEXT NOT NULL,
    response TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    correct INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS cards (
    lesson TEXT NOT NULL,
    question TEXT NOT NULL,
    card TEXT NOT NULL,
    last_day INTEGER NOT NULL,
    last_score REAL NOT NULL,
    PRIMARY KEY (lesson, question)
);
CREATE TABLE IF NOT EXISTS folded (
    source TEXT PRIMARY KEY,
    upto INTEGER NOT NULL,
    origin TEXT NOT NULL
)
"""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def scheduler() -> Scheduler:
    """Return the course's FSRS scheduler: default weights, retention 0.9, whole days, no fuzz."""
    return Scheduler(
        desired_retention=0.9,
        learning_steps=(),
        relearning_steps=(),
        maximum_interval=MAXIMUM_INTERVAL_DAYS,
        enable_fuzzing=False,
    )


def rating_for(score: float) -> Rating:
    """Return the FSRS rating of an attempt that earned ``score`` of the points (0 to 1).

    Examples
    --------
    >>> [rating_for(s).name for s in (1.0, 0.5, 0.0)]
    ['Good', 'Hard', 'Again']
    """
    if score >= 1.0:
        return Rating.Good
    if score > 0.0:
        return Rating.Hard
    return Rating.Again


@dataclass(frozen=True)
class ReviewAttempt:
    """One recorded review attempt."""

    id: int
    learner: str
    lesson: str
    question: str
    response: Any
    points: float
    max_points: float
    correct: bool
    created: float


@dataclass(frozen=True)
class _CardRow:
    card: Card
    last_day: int
    last_score: float


class ReviewStore:
    """Record review attempts and cache each question's FSRS card, apart from the progress store.

    Parameters
    ----------
    path
        The SQLite file; default ``data_home()/review.sqlite3``.
    clock
        Returns the current time (timezone-aware); default the system clock in UTC. Tests pass a
        fixed clock.
    """

    def __init__(self, path: str | Path | None = None, *, clock: Clock | None = None) -> None:
        self.path = Path(path) if path is not None else data_home() / REVIEW_STORE_NAME
        self.clock: Clock = clock or _utc_now
        self._connection = open_database(self.path, "review", _CREATE, _SCHEMA_VERSION)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield self._connection
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    def close(self) -> None:
        """Close the database connection."""
        self._connection.close()

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def record(
        self,
        learner: str,
        lesson: str,
        question: str,
        response: Any,
        points: float,
        max_points: float,
        correct: bool,
        mode: str = "practice",
    ) -> ReviewAttempt:
        """Record one review attempt in its own transaction (the same call as the progress store's).

        ``mode`` is accepted for that symmetry and must be ``"practice"``: exam questions are never
        reviewed.
        """
        if mode == "exam":
            raise CourseError("exam-mode questions are not reviewed")
        created = self.clock().timestamp()
        stored = _to_json(response)
        with self._transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO reviews (learner, lesson, question, response, points, max_points,"
                " correct, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (learner, lesson, question, stored, points, max_points, int(correct), created),
            )
            row_id = int(cursor.lastrowid or 0)
        return ReviewAttempt(
            row_id, learner, lesson, question, json.loads(stored), points, max_points, correct,
            created,
        )  # fmt: skip

    def attempts(
        self, lesson: str | None = None, question: str | None = None
    ) -> list[ReviewAttempt]:
        """Return review attempts, oldest first, optionally for one lesson and question."""
        query, values = "SELECT * FROM reviews", []
        clauses = []
        for name, value in (("lesson", lesson), ("question", question)):
            if value is not None:
                clauses.append(f"{name} = ?")
                values.append(value)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        rows = self._connection.execute(query + " ORDER BY id", values).fetchall()
        return [
            ReviewAttempt(i, who, les, qid, json.loads(resp), pts, top, bool(ok), when)
            for i, who, les, qid, resp, pts, top, ok, when in rows
        ]

    def count(self, lesson: str | None = None, question: str | None = None) -> int:
        """Return the number of review attempts (optionally of one question)."""
        if lesson is None:
            return int(self._connection.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])
        return int(
            self._connection.execute(
                "SELECT COUNT(*) FROM reviews WHERE lesson = ? AND question = ?",
                (lesson, question),
            ).fetchone()[0]
        )

    def reset(self) -> int:
        """Delete every review attempt and the cached schedule; return how many attempts."""
        with self._transaction() as connection:
            deleted = connection.execute("DELETE FROM reviews").rowcount
            connection.execute("DELETE FROM cards")
            connection.execute("DELETE FROM folded")
        return int(deleted)

    # --- the card cache ---------------------------------------------------------------------

    def cards(
        self, progress: ProgressStore | None = None, sched: Scheduler | None = None
    ) -> dict[tuple[str, str], _CardRow]:
        """Fold new attempts into the cached FSRS cards and return them by (lesson, question).

        Quiz attempts come from ``progress`` (default the learner's progress store); review
        attempts from this store. Only attempts made since the last call are replayed.
        """
        sched = sched or scheduler()
        own = progress is None
        progress = progress or ProgressStore()
        try:
            return self._fold(progress, sched)
        finally:
            if own:
                progress.close()

    def _fold(self, progress: ProgressStore, sched: Scheduler) -> dict[tuple[str, str], _CardRow]:
        connection = self._connection
        origin = str(Path(progress.path).resolve())
        marks = {
            source: (upto, where)
            for source, upto, where in connection.execute("SELECT * FROM folded")
        }
        quiz_top = progress._connection.execute("SELECT MAX(id) FROM attempts").fetchone()[0] or 0
        review_top = connection.execute("SELECT MAX(id) FROM reviews").fetchone()[0] or 0
        quiz_mark, quiz_origin = marks.get("quiz", (0, origin))
        review_mark = marks.get("review", (0, ""))[0]
        fresh = (
            "quiz" not in marks
            or quiz_origin != origin
            or quiz_top < quiz_mark
            or review_top < review_mark
        )
        if fresh:  # first build, another progress file, or attempts deleted: replay everything
            quiz_mark = review_mark = 0
        rows: dict[tuple[str, str], _CardRow] = {}
        if not fresh:
            for lesson, question, card, last_day, last_score in connection.execute(
                "SELECT lesson, question, card, last_day, last_score FROM cards"
            ):
                rows[(lesson, question)] = _CardRow(
                    Card.from_dict(json.loads(card)), last_day, last_score
                )
        if not fresh and quiz_top == quiz_mark and review_top == review_mark:
            return rows
        new = progress._connection.execute(
            "SELECT lesson, question, points, max_points, created FROM attempts"
            " WHERE id > ? AND mode != 'exam' AND max_points > 0",
            (quiz_mark,),
        ).fetchall()
        new += connection.execute(
            "SELECT lesson, question, points, max_points, created FROM reviews"
            " WHERE id > ? AND max_points > 0",
            (review_mark,),
        ).fetchall()
        new.sort(key=lambda row: row[4])
        changed: set[tuple[str, str]] = set()
        for lesson, question, points, max_points, created in new:
            key = (lesson, question)
            day = int(created // _DAY)
            row = rows.get(key)
            if row is not None and row.last_day >= day:
                continue  # only the first attempt of a day counts
            score = points / max_points
            card = row.card if row is not None else Card(card_id=len(rows) + 1, due=_at(created))
            when = _at(created)
            if card.last_review is not None and when < card.last_review:
                when = card.last_review
            card, _ = sched.review_card(card, rating_for(score), when)
            rows[key] = _CardRow(card, day, score)
            changed.add(key)
        with self._transaction() as connection:
            if fresh:
                connection.execute("DELETE FROM cards")
            connection.executemany(
                "INSERT OR REPLACE INTO cards VALUES (?, ?, ?, ?, ?)",
                [
                    (lesson, question, json.dumps(rows[(lesson, question)].card.to_dict()),
                     rows[(lesson, question)].last_day, rows[(lesson, question)].last_score)
                    for lesson, question in changed
                ],
            )  # fmt: skip
            connection.executemany(
                "INSERT OR REPLACE INTO folded VALUES (?, ?, ?)",
                [("quiz", quiz_top, origin), ("review", review_top, "")],
            )
        return rows


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@dataclass(frozen=True)
class ReviewItem:
    """A question due for review.

    Attributes
    ----------
    lesson, question
        The lesson slug and the question (from the lesson's bank).
    due
        When FSRS scheduled it.
    missed
        Whether the last counted attempt was not fully right.
    recall
        FSRS's predicted probability of recalling it now.
    """

    lesson: str
    question: q.Question
    due: datetime
    missed: bool
    recall: float

    @property
    def reason(self) -> str:
        """Why it is in the queue, in words."""
        if self.missed:
            return "you missed it last time"
        return f"predicted recall has dropped to {100 * self.recall:.0f}%"


def reviewable_questions(lessons: set[str]) -> dict[tuple[str, str], q.Question]:
    """The questions of ``lessons`` that may be reviewed: practice mode, not reflections.

    A lesson whose bank is missing or broken contributes nothing (``mscpso-edu check`` reports
    it); a question removed from its bank since it was answered is simply not served.
    """
    from .bank import load_bank

    found: dict[tuple[str, str], q.Question] = {}
    for lesson in lessons:
        try:
            bank = load_bank(lesson)
        except CourseError:
            continue
        for question in bank.questions:
            if bank.mode_of(question) != "exam" and question.graded:
                found[(lesson, question.id)] = question
    return found


def build_queue(
    progress: ProgressStore | None = None,
    reviews: ReviewStore | None = None,
    *,
    now: datetime | None = None,
    limit: int | None = None,
) -> list[ReviewItem]:
    """Return the questions due for review, missed ones first, then by predicted recall.

    Parameters
    ----------
    progress
        The quiz attempts; default the learner's progress store.
    reviews
        The review attempts and card cache; default the learner's review store.
    now
        The time to schedule for; default ``reviews.clock()``.
    limit
        Serve at most this many questions.
    """
    own_reviews = reviews is None
    reviews = reviews or ReviewStore()
    try:
        sched = scheduler()
        cards = reviews.cards(progress, sched)
        now = now or reviews.clock()
    finally:
        if own_reviews:
            reviews.close()
    due = {key: row for key, row in cards.items() if row.card.due <= now}
    questions = reviewable_questions({lesson for lesson, _ in due})
    items = []
    for key, row in due.items():
        question = questions.get(key)
        if question is None:
            continue
        recall = sched.get_card_retrievability(row.card, now)
        items.append(ReviewItem(key[0], question, row.card.due, row.last_score < 1.0, recall))
    items.sort(key=lambda item: (not item.missed, item.recall if not item.missed else 0.0,
                                 item.due, item.lesson, item.question.id))  # fmt: skip
    return items[:limit] if limit is not None else items


def next_due(
    lesson: str,
    question_id: str,
    progress: ProgressStore | None = None,
    reviews: ReviewStore | None = None,
) -> datetime | None:
    """Return when a question is next due (None if it has never been tried)."""
    own = reviews is None
    reviews = reviews or ReviewStore()
    try:
        row = reviews.cards(progress).get((lesson, question_id))
    finally:
        if own:
            reviews.close()
    return row.card.due if row is not None else None


def describe_due(due: datetime, now: datetime) -> str:
    """Return a due date in words: ``"2026-12-03 (in 4 days)"``.

    Examples
    --------
    >>> from datetime import timedelta
    >>> now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    >>> describe_due(now + timedelta(days=4), now)
    '2026-12-03 (in 4 days)'
    >>> describe_due(now + timedelta(days=1), now)
    '2026-11-30 (tomorrow)'
    """
    days = (due.date() - now.date()).days
    when = "today" if days <= 0 else "tomorrow" if days == 1 else f"in {days} days"
    return f"{due.date().isoformat()} ({when})"


def summary(items: Sequence[ReviewItem]) -> str:
    """Return one line saying how many questions are due and from which lessons."""
    if not items:
        return "Nothing is due for review."
    lessons = sorted({item.lesson for item in items})
    missed = sum(item.missed for item in items)
    return (
        f"{len(items)} question(s) due from {len(lessons)} lesson(s) "
        f"({', '.join(lessons)}); {missed} missed last time."
    )
