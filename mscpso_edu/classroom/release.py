"""``mscpso-edu release OUT``: the student copy of the course.

The copy holds the package, ``pyproject.toml`` and ``README.md`` (so students can
``pip install`` it or open it on a JupyterHub), and:

- **lessons** with every cell tagged ``solution`` (cell metadata ``tags``) replaced by an empty
  cell for the student's answer, and all outputs cleared;
- **exam** questions (a bank or a question with ``mode: exam``) with no key at all: no correct
  flags, answers, accepted texts, feedback or explanations; matching options and ordering steps
  are listed in alphabetical order (reversed if that happens to be the right order);
- **practice** questions with their keys replaced by salted hashes (see
  :mod:`mscpso_edu.classroom.released`: a deterrent, not a secret) and their feedback kept.

Each released bank names the sha256 of the key bank it came from, so submissions answered in the
student copy are graded against the instructor's key. Tests, benchmarks, git history and the
instructor's files are not copied.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import CourseError
from ..fileio import atomic_write_text
from ..paths import course_root
from ..quiz import questions as q
from ..quiz.textnorm import normalise_answer
from .released import _bucket_width, keyed_hash, numeric_buckets

__all__ = [
    "SOLUTION_TAG",
    "make_release",
    "register",
    "release_bank",
    "released_key_sha256",
    "strip_solutions",
]

SOLUTION_TAG = "solution"
_PLACEHOLDER_CODE = "# YOUR ANSWER HERE\n"
_PLACEHOLDER_MARKDOWN = "*Your answer here.*"
# What the student copy needs; everything else in the repository stays with the instructor.
_COPIED_FILES = ("pyproject.toml", "README.md", "LICENSE")
_SKIPPED_DIRS = {"__pycache__", "_course", ".ipynb_checkpoints"}


def released_key_sha256(data: bytes) -> str | None:
    """Return the key bank hash a released bank names, or None for an ordinary bank."""
    if b"\nreleased:" not in b"\n" + data:
        return None
    try:
        loaded = yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    released = loaded.get("released") if isinstance(loaded, dict) else None
    value = released.get("key_sha256") if isinstance(released, dict) else None
    return value if isinstance(value, str) else None


def strip_solutions(notebook: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """Return ``notebook`` (nbformat 4 JSON) without solutions or outputs, and how many cells.

    A cell tagged ``solution`` keeps its place and metadata but its source becomes a prompt for
    the student's own answer.
    """
    copy = json.loads(json.dumps(notebook))
    stripped = 0
    for cell in copy.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_TAG in tags:
            stripped += 1
            cell["source"] = (
                _PLACEHOLDER_CODE if cell.get("cell_type") == "code" else _PLACEHOLDER_MARKDOWN
            )
            cell.pop("attachments", None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return copy, stripped


def _visible(question: q.Question, mode: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "prompt": question.prompt,
        "points": question.points,
        "objectives": list(question.objectives),
    }
    if question.hints:
        out["hints"] = list(question.hints)
    if mode:
        out["mode"] = mode
    return out


def _neutral_order(texts: list[str], key_order: list[str]) -> list[str]:
    ordered = sorted(texts, key=str.casefold)
    return ordered[::-1] if ordered == key_order and len(ordered) > 1 else ordered


def _exam_entry(question: q.Question, mode: str | None) -> dict[str, Any]:
    out = _visible(question, mode)
    if isinstance(question, q.SingleChoiceQuestion | q.MultipleChoiceQuestion):
        out["choices"] = [{"id": c.id, "text": c.text} for c in question.choices]
    elif isinstance(question, q.ComputedQuestion):
        out["computation"] = question.computation
        out["units"] = question.units
    elif isinstance(question, q.NumericQuestion):
        out["units"] = question.units
    elif isinstance(question, q.MatchingQuestion):
        out["lefts"] = [pair.left for pair in question.pairs]
        out["options"] = _neutral_order(list(question.right_options), [])
    elif isinstance(question, q.OrderingQuestion):
        key = [item.text for item in question.items]
        out["steps"] = _neutral_order(key, key)
    elif isinstance(question, q.ReflectionQuestion):
        out["guidance"] = question.guidance
    return out


def _practice_entry(question: q.Question, mode: str | None, salt: str) -> dict[str, Any]:
    out = _visible(question, mode)
    out["explanation"] = question.explanation
    out["references"] = list(question.references)

    def hashed(value: str) -> str:
        return keyed_hash(salt, question.id, value)

    if isinstance(question, q.SingleChoiceQuestion | q.MultipleChoiceQuestion):
        out["choices"] = [
            {
                "id": c.id,
                "text": c.text,
                "feedback": c.feedback,
                "key": hashed(f"{c.id}:{'correct' if c.correct else 'wrong'}"),
            }
            for c in question.choices
        ]
    elif isinstance(question, q.TrueFalseQuestion):
        out["key"] = hashed("true" if question.answer else "false")
        out["feedback_true"] = question.feedback_true
        out["feedback_false"] = question.feedback_false
    elif isinstance(question, q.ComputedQuestion):
        out["computation"] = question.computation
        out["tolerance"] = question.tolerance
        out["relative_tolerance"] = question.relative_tolerance
        out["units"] = question.units
    elif isinstance(question, q.NumericQuestion):
        width = _bucket_width(question.answer, question.tolerance, question.relative_tolerance)
        out["units"] = question.units
        out["bucket"] = width
        out["keys"] = sorted(hashed(str(b)) for b in numeric_buckets(question.answer, width))
    elif isinstance(question, q.MatchingQuestion):
        out["pairs"] = [
            {"left": p.left, "feedback": p.feedback, "key": hashed(f"{p.left}\x1e{p.right}")}
            for p in question.pairs
        ]
        out["options"] = _neutral_order(list(question.right_options), [])
    elif isinstance(question, q.OrderingQuestion):
        key = [item.text for item in question.items]
        feedback = {item.text: item.feedback for item in question.items}
        out["steps"] = [{"text": t, "feedback": feedback[t]} for t in _neutral_order(key, key)]
        out["keys"] = [hashed(f"{position}\x1e{text}") for position, text in enumerate(key)]
    elif isinstance(question, q.ShortTextQuestion):
        out["keys"] = sorted({hashed(normalise_answer(a)) for a in question.accept})
        out["mistakes"] = [
            {"key": hashed(normalise_answer(m.answer)), "feedback": m.feedback}
            for m in question.mistakes
        ]
    elif isinstance(question, q.ReflectionQuestion):
        out["guidance"] = question.guidance
    return out


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def release_bank(path: str | Path, salt: str | None = None) -> str:
    """Return the released YAML text of the key bank at ``path``.

    Parameters
    ----------
    path
        A key bank (``quizzes/NN_slug.yaml``).
    salt
        Salt for practice hashes; default a fresh random one per bank and release.
    """
    from ..quiz.bank import load_bank

    path = Path(path)
    bank = load_bank(path)
    salt = salt or secrets.token_hex(16)
    entries = []
    for question in bank.questions:
        mode = bank.mode_of(question)
        own = question.mode  # only a question's own mode is written; the bank's is on top
        if mode == "exam":
            entries.append(_exam_entry(question, own))
        else:
            entries.append(_practice_entry(question, own, salt))
    data = {
        "lesson": bank.lesson,
        "title": bank.title,
        "mode": bank.mode,
        "released": {
            "key_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "salt": salt,
            "note": "Student copy: exam questions carry no key; practice keys are salted hashes "
            "(a deterrent, not a secret).",
        },
        "questions": entries,
    }
    header = f"# Released from {path.name} by mscpso-edu release. Do not edit.\n"
    return header + yaml.dump(
        data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=100
    )


def _copy_package(source: Path, target: Path) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in _SKIPPED_DIRS or n.endswith((".pyc", ".pyo"))}

    shutil.copytree(source, target, ignore=ignore)


def make_release(out: str | Path, source: str | Path | None = None) -> dict[str, int]:
    """Write the student copy of the course at ``source`` (default: this course) into ``out``.

    Returns
    -------
    dict
        Counts: lessons, solution cells stripped, banks, exam and practice questions.

    Raises
    ------
    CourseError
        When ``out`` exists and is not empty, or is inside the course, or a bank is invalid.
    """
    root = Path(source) if source is not None else course_root()
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CourseError("the release folder exists and is not empty; choose a new one", out)
    if out.resolve().is_relative_to(root.resolve()):
        raise CourseError("write the release outside the course folder", out)
    counts = {"lessons": 0, "solutions": 0, "banks": 0, "exam": 0, "practice": 0}
    out.mkdir(parents=True, exist_ok=True)
    for name in _COPIED_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, out / name)
    package = root / "mscpso_edu"
    if package.is_dir():
        _copy_package(package, out / "mscpso_edu")
    for notebook in sorted((root / "lessons").glob("*.ipynb")):
        try:
            data = json.loads(notebook.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise CourseError(f"cannot read the notebook ({error})", notebook) from None
        stripped, count = strip_solutions(data)
        atomic_write_text(
            out / "lessons" / notebook.name,
            json.dumps(stripped, indent=1, ensure_ascii=False) + "\n",
        )
        counts["lessons"] += 1
        counts["solutions"] += count
    from ..quiz.bank import load_bank

    for bank_file in sorted((root / "quizzes").glob("*.yaml")):
        bank = load_bank(bank_file)
        atomic_write_text(out / "quizzes" / bank_file.name, release_bank(bank_file))
        counts["banks"] += 1
        for question in bank.questions:
            counts["exam" if bank.mode_of(question) == "exam" else "practice"] += 1
    return counts


def _command(args: argparse.Namespace) -> int:
    counts = make_release(args.out)
    print(
        f"Wrote the student copy to {args.out}: {counts['lessons']} lesson(s) "
        f"({counts['solutions']} solution cell(s) removed), {counts['banks']} bank(s) "
        f"({counts['exam']} exam question(s) without keys, {counts['practice']} practice "
        "question(s) with hashed keys)."
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``release`` command to the command line."""
    parser = subparsers.add_parser(
        "release",
        help="write the student copy of the course (no solutions, no exam keys)",
        description="Write a student copy: lessons without solution cells, exam questions "
        "without answer keys, practice keys replaced by salted hashes (a deterrent only).",
    )
    parser.add_argument("out", help="new (or empty) folder for the student copy")
    parser.set_defaults(handler=_command)
