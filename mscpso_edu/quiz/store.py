"""The progress store: every quiz attempt, kept in SQLite in the learner's data folder.

``data_home()/progress.sqlite3`` in WAL mode with a busy timeout, so two kernels (or a kernel and
``mscpso-edu progress``) can write at once. Each attempt is one transaction: after a crash, even a
``kill -9`` in the middle of a write, the database opens cleanly and holds every attempt whose
transaction committed.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CourseError
from ..paths import data_home

__all__ = ["STORE_NAME", "Attempt", "LessonProgress", "ProgressStore", "default_store_path"]

STORE_NAME = "progress.sqlite3"
_SCHEMA_VERSION = 1
_BUSY_TIMEOUT_S = 30.0

_CREATE = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    learner TEXT NOT NULL,
    lesson TEXT NOT NULL,
    question TEXT NOT NULL,
    response TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    correct INTEGER NOT NULL,
    mode TEXT NOT NULL DEFAULT 'practice',
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_by_lesson ON attempts (lesson, question);
"""


def default_store_path() -> Path:
    """Return ``data_home()/progress.sqlite3``."""
    return data_home() / STORE_NAME


@dataclass(frozen=True)
class Attempt:
    """One recorded attempt."""

    id: int
    learner: str
    lesson: str
    question: str
    response: Any
    points: float
    max_points: float
    correct: bool
    mode: str
    created: float


@dataclass(frozen=True)
class LessonProgress:
    """A lesson's summary: questions tried, best points summed over questions, attempts."""

    lesson: str
    questions_tried: int
    best_points: float
    max_points: float
    attempts: int
    last: float


def _to_json(response: Any) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, set | frozenset | tuple):
            return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        return str(value)

    return json.dumps(response, default=default, ensure_ascii=False, sort_keys=True)


def open_database(path: Path, what: str, schema: str, version: int) -> sqlite3.Connection:
    """Open one of the learner's SQLite files, creating its tables on first use.

    Several kernels (one per open lesson) may write the same file, so it is opened in WAL mode with
    a busy timeout and full synchronous writes: an attempt is on disk, whole, when ``record``
    returns.

    Parameters
    ----------
    path
        The database file; its folder is created.
    what
        What the file holds ("progress", "review"), for error messages.
    schema
        ``CREATE`` statements separated by semicolons, run once when the file is new or older.
    version
        The schema version written to ``PRAGMA user_version``.

    Returns
    -------
    sqlite3.Connection
        In autocommit mode (``isolation_level=None``); callers open their own transactions.

    Raises
    ------
    CourseError
        The file is not a database, or was written by a newer course version.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = sqlite3.connect(
            path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        connection.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
        # Switching to WAL needs a moment of exclusive access; another kernel may hold the file.
        deadline = time.monotonic() + _BUSY_TIMEOUT_S
        while True:
            try:
                mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        if str(mode).lower() != "wal":  # pragma: no cover - e.g. a filesystem without shared memory
            connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("PRAGMA synchronous = FULL")
        found = connection.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise CourseError(
            f"the {what} database cannot be opened ({error}); move it aside to start afresh", path
        ) from None
    if found > version:
        connection.close()
        raise CourseError(
            f"the {what} database was written by a newer course version (schema {found})", path
        )
    if found < version:
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in schema.strip().split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    return connection


class ProgressStore:
    """Record and read quiz attempts.

    Parameters
    ----------
    path
        The SQLite file; default :func:`default_store_path`. Its folder is created if needed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = ProgressStore(pathlib.Path(tempfile.mkdtemp()) / "p.sqlite3")
    >>> store.record("me", "00_start_here", "q1", "b", 1.0, 1.0, True).question
    'q1'
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self._connection = open_database(self.path, "progress", _CREATE, _SCHEMA_VERSION)

    class _Transaction:
        def __init__(self, connection: sqlite3.Connection) -> None:
            self.connection = connection

        def __enter__(self) -> sqlite3.Connection:
            self.connection.execute("BEGIN IMMEDIATE")
            return self.connection

        def __exit__(self, kind: Any, *_: Any) -> None:
            self.connection.execute("ROLLBACK" if kind else "COMMIT")

    def _transaction(self) -> ProgressStore._Transaction:
        return ProgressStore._Transaction(self._connection)

    def close(self) -> None:
        """Close the database connection."""
        self._connection.close()

    def __enter__(self) -> ProgressStore:
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
    ) -> Attempt:
        """Record one attempt in its own transaction and return it."""
        created = time.time()
        stored = _to_json(response)
        with self._transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO attempts (learner, lesson, question, response, points, max_points,"
                " correct, mode, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    learner,
                    lesson,
                    question,
                    stored,
                    points,
                    max_points,
                    int(correct),
                    mode,
                    created,
                ),
            )
            row_id = int(cursor.lastrowid or 0)
        return Attempt(
            row_id, learner, lesson, question, json.loads(stored), points, max_points, correct,
            mode, created,
        )  # fmt: skip

    def attempts(self, lesson: str | None = None, question: str | None = None) -> list[Attempt]:
        """Return recorded attempts, oldest first, optionally for one lesson and question."""
        query = "SELECT * FROM attempts"
        clauses, values = [], []
        if lesson is not None:
            clauses.append("lesson = ?")
            values.append(lesson)
        if question is not None:
            clauses.append("question = ?")
            values.append(question)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        rows = self._connection.execute(query + " ORDER BY id", values).fetchall()
        return [self._attempt(row) for row in rows]

    @staticmethod
    def _attempt(row: tuple[Any, ...]) -> Attempt:
        row_id, learner, lesson, question, response, points, max_points, correct, mode, created = (
            row
        )
        return Attempt(
            row_id, learner, lesson, question, json.loads(response), points, max_points,
            bool(correct), mode, created,
        )  # fmt: skip

    def best_points(self, lesson: str) -> dict[str, float]:
        """Return the best points per question of ``lesson``."""
        rows = self._connection.execute(
            "SELECT question, MAX(points) FROM attempts WHERE lesson = ? GROUP BY question",
            (lesson,),
        )
        return dict(rows.fetchall())

    def summary(self) -> list[LessonProgress]:
        """Return one :class:`LessonProgress` per lesson with attempts, in lesson order.

        ``max_points`` sums the maximum of the questions tried; callers that know the bank use
        its total instead.
        """
        rows = self._connection.execute(
            "SELECT lesson, COUNT(*), SUM(best), SUM(top), SUM(n), MAX(last) FROM ("
            " SELECT lesson, question, MAX(points) AS best, MAX(max_points) AS top,"
            " COUNT(*) AS n, MAX(created) AS last FROM attempts GROUP BY lesson, question"
            ") GROUP BY lesson ORDER BY lesson"
        ).fetchall()
        return [LessonProgress(*row) for row in rows]

    def count(self) -> int:
        """Return the number of recorded attempts."""
        return int(self._connection.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])

    def reset(self) -> int:
        """Delete every recorded attempt; return how many there were."""
        with self._transaction() as connection:
            deleted = connection.execute("DELETE FROM attempts").rowcount
        return int(deleted)

    def __iter__(self) -> Iterator[Attempt]:
        return iter(self.attempts())
