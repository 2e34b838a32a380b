"""Benchmark: building the spaced-review queue over every bank question and 10,000 attempts.

Run with ``.venv/bin/python benchmarks/bench_review.py``. Goal: the queue a learner waits for when
opening a review (the FSRS cards cached from the last build, a few attempts made since) is built in
under 50 ms over the course's 165 questions and 10,000 recorded attempts.

The history is synthetic and seeded: one learner over 180 days, each day a few sessions of quiz
and review attempts at random questions, with immediate retries. Three figures are printed:

- **cold**: no cache (first review ever, or after ``mscpso-edu progress --reset``): every counted
  attempt is replayed through FSRS;
- **warm**: the cards cached, 5 attempts made since the last build (the usual case);
- **unchanged**: the cards cached, nothing new (opening the review twice).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from mscpso_edu.paths import quizzes_dir
from mscpso_edu.quiz.bank import load_bank
from mscpso_edu.quiz.spaced import ReviewStore, build_queue
from mscpso_edu.quiz.store import ProgressStore

ATTEMPTS = 10_000
DAYS = 180
GOAL_MS = 50.0
NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def _questions() -> list[tuple[str, str, float]]:
    found = []
    for path in sorted(quizzes_dir().glob("*.yaml")):
        bank = load_bank(path)
        found += [(bank.lesson, question.id, question.points) for question in bank.questions]
    return found


def _fill(progress: ProgressStore, reviews: ReviewStore, questions, rng) -> None:
    start = NOW.timestamp() - DAYS * 86400.0
    quiz_rows, review_rows = [], []
    for _ in range(ATTEMPTS):
        lesson, qid, points = questions[int(rng.integers(len(questions)))]
        when = start + float(rng.uniform(0, DAYS * 86400.0))
        earned = points * float(rng.random() < 0.7)
        row = (lesson, qid, earned, points, when)
        (quiz_rows if rng.random() < 0.6 else review_rows).append(row)
    progress._connection.executemany(
        "INSERT INTO attempts (learner, lesson, question, response, points, max_points, correct,"
        " mode, created) VALUES ('me', ?, ?, '\"x\"', ?, ?, ?, 'practice', ?)",
        [(le, q, e, p, int(e == p), w) for le, q, e, p, w in quiz_rows],
    )
    reviews._connection.executemany(
        "INSERT INTO reviews (learner, lesson, question, response, points, max_points, correct,"
        " created) VALUES ('me', ?, ?, '\"x\"', ?, ?, ?, ?)",
        [(le, q, e, p, int(e == p), w) for le, q, e, p, w in review_rows],
    )


def _time(function, repeats: int, setup=lambda: None) -> list[float]:
    times = []
    for _ in range(repeats):
        setup()
        begin = time.perf_counter()
        function()
        times.append(1000 * (time.perf_counter() - begin))
    return times


def main() -> None:
    questions = _questions()
    rng = np.random.default_rng(19)
    with tempfile.TemporaryDirectory() as folder:
        progress = ProgressStore(Path(folder) / "progress.sqlite3")
        reviews = ReviewStore(Path(folder) / "review.sqlite3", clock=lambda: NOW)
        _fill(progress, reviews, questions, rng)
        total = progress.count() + reviews.count()
        build_queue(progress, reviews)  # warm up imports and bank loading

        def forget() -> None:
            reviews._connection.execute("DELETE FROM folded")

        def answer_five() -> None:
            for _ in range(5):
                lesson, qid, points = questions[int(rng.integers(len(questions)))]
                reviews.record("me", lesson, qid, "x", points, points, True)

        def build() -> None:
            build_queue(progress, reviews)

        cold_ms = _time(build, 5, setup=forget)
        warm_ms = _time(build, 20, setup=answer_five)
        unchanged_ms = _time(build, 20)
        due = len(build_queue(progress, reviews))
        progress.close()
        reviews.close()
    print(f"review queue over {len(questions)} questions and {total:,} attempts ({due} due)")
    rows = [
        ("cold (replay every attempt through FSRS)", cold_ms),
        ("warm (cached cards + 5 new attempts)", warm_ms),
        ("unchanged (cached cards, nothing new)", unchanged_ms),
    ]
    for label, times in rows:
        print(f"  {label:<42} median {statistics.median(times):6.1f} ms")
    verdict = "meets" if statistics.median(warm_ms) < GOAL_MS else "MISSES"
    print(f"warm build {verdict} the goal of {GOAL_MS:.0f} ms")


if __name__ == "__main__":
    main()
