"""Batch grading: check every submission, grade it with the full key.

:func:`grade_submissions` reads submission files (the format and its reader are
:mod:`mscpso_edu.quiz.submission`), skips the ones that cannot be trusted, each with a reason, and
grades the rest:

- **malformed**: unreadable, not JSON, missing or mistyped fields, unknown questions;
- **tampered**: the checksum does not match the content (changed or damaged after writing);
- **wrong bank**: no bank for the quiz in the key, or the bank hash differs from the key's (the
  student answered another version of the quiz);
- **duplicate**: another submission for the same student and quiz; the newest (by ``created``,
  then file name) is graded and the others are listed.

Computed questions are graded against the numbers drawn from the learner id the submission
carries, exactly as the learner's widget drew them. Code exercises are never run in the grader's
own process: every submitted exercise runs again in a separate, time- and memory-limited process
(:func:`mscpso_edu.quiz.coderun.run_many`), so a loop or a crash costs that question only. The
gradebooks are written by :mod:`mscpso_edu.classroom.gradebook`, the report by
:mod:`mscpso_edu.classroom.analysis`, and the ``grade`` command that ties them together lives in
:mod:`mscpso_edu.classroom.commands`.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CourseError
from ..paths import quizzes_dir
from ..quiz import questions as q
from ..quiz.bank import Bank, load_bank
from ..quiz.learner import learner_seed
from ..quiz.released import released_key_sha256
from ..quiz.submission import SubmissionRejected, read_submission
from .progressbar import progress

__all__ = [
    "GradeRun",
    "GradedAnswer",
    "GradedSubmission",
    "KeyBanks",
    "Skipped",
    "grade_submissions",
    "submission_files",
]


@dataclass(frozen=True)
class Skipped:
    """A submission that was not graded, and why (``kind`` is malformed/tampered/...)."""

    path: Path
    kind: str
    reason: str


@dataclass(slots=True)  # not frozen: built 85,000 times in a class of 500, and never changed
class GradedAnswer:
    """One question of one graded submission (``response`` is None when unanswered).

    ``by_hand`` is True for a question an instructor marks by hand (a reflection worth points);
    ``awaiting`` is True while such an answer has no mark (its ``points`` are 0 so far), and
    ``comment`` is the marker's comment (:mod:`mscpso_edu.classroom.marks`).
    """

    question: str
    response: Any
    points: float
    max_points: float
    correct: bool
    answered: bool
    note: str = ""
    by_hand: bool = False
    awaiting: bool = False
    comment: str = ""

    @property
    def status(self) -> str:
        """``unanswered``, ``awaiting marking``, ``marked`` (by hand) or ``graded``."""
        if not self.answered:
            return "unanswered"
        if self.awaiting:
            return "awaiting marking"
        return "marked" if self.by_hand else "graded"


@dataclass
class GradedSubmission:
    """A graded submission: who, which quiz, points, and each question's result."""

    path: Path
    student: str
    learner: str
    quiz: str
    created: str
    answers: list[GradedAnswer]

    @property
    def points(self) -> float:
        """Points earned in the quiz."""
        return sum(answer.points for answer in self.answers)

    @property
    def max_points(self) -> float:
        """Points the quiz is worth."""
        return sum(answer.max_points for answer in self.answers)

    @property
    def awaiting(self) -> list[str]:
        """Ids of the written answers still awaiting the instructor's marks."""
        return [answer.question for answer in self.answers if answer.awaiting]


@dataclass
class GradeRun:
    """Everything a grading run produced."""

    graded: list[GradedSubmission]
    skipped: list[Skipped]
    key: KeyBanks
    #: Seconds spent loading (key banks, submission files) and grading.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def quizzes(self) -> list[str]:
        """Slugs of the quizzes with at least one graded submission, sorted."""
        return sorted({sub.quiz for sub in self.graded})

    @property
    def students(self) -> list[str]:
        """Student ids with at least one graded submission, sorted."""
        return sorted({sub.student for sub in self.graded})


@dataclass
class KeyBanks:
    """The answer-key banks in a folder, hashed at once and loaded when first needed."""

    folder: Path
    hashes: dict[str, str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    _banks: dict[str, Bank] = field(default_factory=dict, repr=False)
    #: Grading outcomes by (quiz, question, response), filled while grading.
    results: dict[Any, tuple[float, float, bool, str]] = field(default_factory=dict, repr=False)
    #: Seconds spent loading banks so far.
    load_seconds: float = 0.0

    @classmethod
    def from_folder(cls, folder: str | Path) -> KeyBanks:
        """Index the ``*.yaml`` banks of ``folder`` by lesson slug (the file stem)."""
        folder = Path(folder)
        if not folder.is_dir():
            raise CourseError("the answer-key folder does not exist", folder)
        key = cls(folder)
        for path in sorted(folder.glob("*.y*ml")):
            data = path.read_bytes()
            key.hashes[path.stem] = hashlib.sha256(data).hexdigest()
            key.files[path.stem] = path
        if not key.files:
            raise CourseError("no question banks (*.yaml) in the answer-key folder", folder)
        return key

    def bank(self, quiz: str) -> Bank:
        """Return the loaded bank of ``quiz``; CourseError if it is not a full answer key."""
        if quiz not in self._banks:
            started = time.perf_counter()
            path = self.files[quiz]
            if released_key_sha256(path.read_bytes()):
                raise CourseError(
                    "this is a released (student) bank without its answer key; grade with the "
                    "course's own quizzes/ folder",
                    path,
                )
            try:
                self._banks[quiz] = load_bank(path)
            finally:
                self.load_seconds += time.perf_counter() - started
        return self._banks[quiz]


#: A code answer waiting for its isolated run: the answer to fill in, its question, its response.
_Pending = tuple[GradedAnswer, Any, Any]


def _grade_one(
    path: Path, data: Mapping[str, Any], key: KeyBanks, pending: list[_Pending]
) -> GradedSubmission:
    quiz = data["quiz"]
    if quiz not in key.hashes:
        raise SubmissionRejected(
            "wrong bank", f"quiz {quiz!r} has no bank in the answer key {key.folder}"
        )
    if data["bank_sha256"] != key.hashes[quiz]:
        raise SubmissionRejected(
            "wrong bank",
            f"answered against another version of bank {quiz!r} (sha256 "
            f"{data['bank_sha256'][:12]}..., key {key.hashes[quiz][:12]}...)",
        )
    try:
        bank = key.bank(quiz)
    except CourseError as error:
        reason = f"the answer key of quiz {quiz!r} is unusable: {error}"
        raise SubmissionRejected("no key", reason) from None
    by_id = {question.id: question for question in bank.questions}
    responses = {answer["question"]: answer["response"] for answer in data["answers"]}
    unknown = sorted(set(responses) - set(by_id))
    if unknown:
        raise SubmissionRejected(
            "malformed", f"answers question(s) not in bank {quiz!r}: {unknown[:5]}"
        )
    graded = []
    for question in bank.questions:
        if question.id not in responses:
            graded.append(
                GradedAnswer(
                    question.id,
                    None,
                    0.0,
                    question.points,
                    False,
                    False,
                    by_hand=question.marked_by_hand,
                )
            )
            continue
        response = responses[question.id]
        if getattr(question, "runs_code", False):
            # Filled in by _run_code once every submission is read: run in isolation, in bulk.
            answer = GradedAnswer(question.id, response, 0.0, question.points, False, True)
            pending.append((answer, question, response))
            graded.append(answer)
            continue
        computed = question.drawn_per_learner
        if computed:
            seed = learner_seed(quiz, question.id, identity=data["learner"])
            question = question.for_seed(seed)
        # Grading is a pure function, and a class gives the same response many times over: grade
        # each (question, response) once. A computed question differs per learner: not cached.
        memo = None if computed else (quiz, question.id, _hashable(response))
        outcome = key.results.get(memo) if memo is not None else None
        if outcome is None:
            try:
                result = question.grade(response)
                outcome = (result.points, result.max_points, result.correct, "")
            except q.ResponseError as error:
                outcome = (0.0, question.points, False, error.message)
            if memo is not None and len(key.results) < 200_000:
                key.results[memo] = outcome
        points, max_points, correct, note = outcome
        if question.marked_by_hand:
            # Written, to be marked by the instructor: 0 points so far, and it says so (a text
            # the type refuses, which no widget records, earns 0 with the reason instead).
            awaiting = not note
            graded.append(
                GradedAnswer(
                    question.id, response, 0.0, max_points, False, True, note, True, awaiting
                )
            )
            continue
        graded.append(GradedAnswer(question.id, response, points, max_points, correct, True, note))
    return GradedSubmission(path, data["student"], data["learner"], quiz, data["created"], graded)


def _run_code(pending: list[_Pending], workers: int = 2) -> None:
    """Run every pending code answer in its own limited process and fill in its points."""
    from ..quiz.coderun import run_many

    jobs: dict[tuple[int, str], Any] = {}  # identical code for one question runs once
    for answer, question, response in pending:
        try:
            job = question.job(response)
        except q.ResponseError as error:
            answer.note = error.message
            continue
        jobs.setdefault((id(question), job.code), (question, job))
    keys = list(jobs)
    reports = run_many([jobs[k][1] for k in keys], workers=workers)
    results = {k: jobs[k][0].result(report) for k, report in zip(keys, reports, strict=True)}
    for answer, question, response in pending:
        if answer.note:
            continue
        result = results[(id(question), question.job(response).code)]
        answer.points, answer.max_points, answer.correct = (
            result.points, result.max_points, result.correct
        )  # fmt: skip
        if not result.correct:
            answer.note = result.feedback.replace("\n", " ")[:500]


def _hashable(response: Any) -> Any:
    """``response`` as a dictionary key (lists become tuples, mappings sorted item tuples).

    Types are kept apart (``1``, ``1.0``, ``True`` and ``"1"`` are different responses).
    """
    if isinstance(response, list):
        return ("list", tuple(_hashable(item) for item in response))
    if isinstance(response, dict):
        return ("dict", tuple(sorted((str(k), _hashable(v)) for k, v in response.items())))
    return (type(response).__name__, response)


def grade_submissions(
    paths: Iterable[str | Path],
    key: KeyBanks | str | Path | None = None,
    *,
    show_progress: bool = False,
) -> GradeRun:
    """Grade submission files with the full answer key.

    Parameters
    ----------
    paths
        Submission files, or folders of ``*.json`` submissions.
    key
        The answer-key banks (a folder or :class:`KeyBanks`); default the course's ``quizzes/``.
    show_progress
        Draw a progress bar on stderr when it is a terminal.

    Returns
    -------
    GradeRun
        Graded submissions (in student, quiz order) and skipped ones with reasons.
    """
    if not isinstance(key, KeyBanks):
        key = KeyBanks.from_folder(key if key is not None else quizzes_dir())
    started = time.perf_counter()
    reading = 0.0
    files = submission_files(paths)
    skipped: list[Skipped] = []
    accepted: dict[tuple[str, str], list[tuple[str, Path, GradedSubmission]]] = {}
    pending: list[_Pending] = []
    items: Iterable[Path] = progress(files, len(files), "Grading") if show_progress else files
    for path in items:
        try:
            before = time.perf_counter()
            try:
                data = read_submission(path)
            finally:
                reading += time.perf_counter() - before
            graded = _grade_one(path, data, key, pending)
        except SubmissionRejected as reject:
            skipped.append(Skipped(path, reject.kind, reject.reason))
            continue
        except Exception as error:  # one bad file must never stop the class
            reason = f"could not be graded ({type(error).__name__}: {str(error)[:200]})"
            skipped.append(Skipped(path, "malformed", reason))
            continue
        accepted.setdefault((graded.student, graded.quiz), []).append(
            (graded.created, path, graded)
        )
    if pending:
        _run_code(pending)
    final: list[GradedSubmission] = []
    for (student, quiz), candidates in sorted(accepted.items()):
        # The newest wins; between equal times, the last file name, so the choice is stable.
        candidates.sort(key=lambda item: (item[0], str(item[1])))
        newest, _, kept = candidates[-1]
        final.append(kept)
        for created, path, _graded in candidates[:-1]:
            why = (
                f"graded the newer {kept.path.name}"
                if created < newest
                else f"both created {created}; graded {kept.path.name}, the later file name"
            )
            skipped.append(
                Skipped(
                    path,
                    "duplicate",
                    f"another submission for student {student!r} and quiz {quiz!r}; {why}",
                )
            )
    skipped.sort(key=lambda s: str(s.path))
    elapsed = time.perf_counter() - started
    load = reading + key.load_seconds
    return GradeRun(final, skipped, key, {"load": load, "grade": elapsed - load})


def submission_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to grade: each file named, and the ``*.json`` files of each folder named.

    A file named twice (directly, or through its folder, under any spelling of its path) is
    graded once.
    """
    files: list[Path] = []
    seen: set[str] = set()
    for given in map(Path, paths):
        if given.is_dir():
            folder = os.path.normpath(os.path.abspath(given))
            with os.scandir(given) as entries:
                names = sorted(e.name for e in entries if e.name.endswith(".json"))
            found = [(os.path.join(folder, name), given / name) for name in names]
        else:
            found = [(os.path.normpath(os.path.abspath(given)), given)]
        for identity, path in found:
            if identity not in seen:
                seen.add(identity)
                files.append(path)
    return files
