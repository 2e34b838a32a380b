"""``mscpso-edu release OUT``: the student copy of the course.

The copy holds the package, ``pyproject.toml`` and ``README.md`` (so students can
``pip install`` it or open it on a JupyterHub), and:

- **lessons** with every cell tagged ``solution`` (cell metadata ``tags``) replaced by an empty
  cell for the student's answer, and all outputs cleared;
- **exam** questions (a bank or a question with ``mode: exam``, or every question with
  ``--exam``) with no key at all: no correct flags, answers, accepted texts, feedback or
  explanations;
- **practice** questions with their keys replaced by salted hashes (see
  :mod:`mscpso_edu.quiz.released`: a deterrent, not a secret); their feedback and explanations
  are kept in clear text, except a numeric or short-text question's explanation and mistake
  feedback, sealed so that only the answer that earns them opens them.

In both, choices and matching options are listed in an order drawn for each question from the
key bank's bytes (which the copy does not hold), ordering steps in such an order that is never
the right one, its reverse, or alphabetical either way, and choice ids are digests of the choice
text, so neither position nor id tells which choice is right.

Each released bank names the sha256 of the key bank it came from, so submissions answered in the
student copy are graded against the instructor's key. Tests, benchmarks, git history and the
instructor's files are not copied.
"""

from __future__ import annotations

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
from ..quiz.bank import load_bank
from ..quiz.released import exam_entry, practice_entry
from ..quiz.shuffle import seed_for

__all__ = [
    "SOLUTION_TAG",
    "make_release",
    "release_bank",
    "strip_solutions",
]

SOLUTION_TAG = "solution"
_PLACEHOLDER_CODE = "# YOUR ANSWER HERE\n"
_PLACEHOLDER_MARKDOWN = "*Your answer here.*"
# What the student copy needs; everything else in the repository stays with the instructor.
_COPIED_FILES = ("pyproject.toml", "README.md", "LICENSE")
_SKIPPED_DIRS = {"__pycache__", "_course", ".ipynb_checkpoints"}


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


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def release_bank(path: str | Path, salt: str | None = None, *, exam: bool = False) -> str:
    """Return the released YAML text of the key bank at ``path``.

    Parameters
    ----------
    path
        A key bank (``quizzes/NN_slug.yaml``).
    salt
        Salt for practice hashes; default a fresh random one per bank and release.
    exam
        Release every question in exam mode (no key at all), whatever the bank says.
    """
    path = Path(path)
    key_bytes = path.read_bytes()
    bank = load_bank(path)
    salt = salt or secrets.token_hex(16)
    entries = []
    for question in bank.questions:
        mode = "exam" if exam else bank.mode_of(question)
        own = None if exam else question.mode  # a question's own mode; the bank's is on top
        # The display order is drawn from the key bank's bytes, which a student copy does not
        # hold: the same for every release of this version, and not reproducible by students.
        seed = seed_for(key_bytes, question.id)
        if mode == "exam":
            entries.append(exam_entry(question, own, seed))
        else:
            entries.append(practice_entry(question, own, salt, seed))
    data = {
        "lesson": bank.lesson,
        "title": bank.title,
        "mode": "exam" if exam else bank.mode,
        "scoring": "latest" if exam else bank.scoring,
        "released": {
            "key_sha256": hashlib.sha256(key_bytes).hexdigest(),
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


def make_release(
    out: str | Path, source: str | Path | None = None, *, exam: bool = False
) -> dict[str, int]:
    """Write the student copy of the course at ``source`` (default: this course) into ``out``.

    With ``exam``, every bank is released in exam mode (for a graded release).

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
    for bank_file in sorted((root / "quizzes").glob("*.yaml")):
        bank = load_bank(bank_file)
        atomic_write_text(out / "quizzes" / bank_file.name, release_bank(bank_file, exam=exam))
        counts["banks"] += 1
        for question in bank.questions:
            counts["exam" if exam or bank.mode_of(question) == "exam" else "practice"] += 1
    return counts
