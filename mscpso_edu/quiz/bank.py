"""Question banks: read ``quizzes/NN_slug.yaml`` safely, validate it, build the questions.

Reading goes in four steps, each stopping at the first thing a person must fix:

1. **Bytes**: at most :data:`MAX_BANK_BYTES`, UTF-8 (a UTF-8 byte-order mark is allowed; UTF-16
   or Latin-1 files are refused with the line of the first bad byte).
2. **YAML**: parsed by the course's shared reader (:mod:`mscpso_edu.yamlfile`) into nodes that
   keep their line numbers. Only plain mappings, lists, text, numbers, booleans and null are
   allowed: tags such as ``!!python/object``, anchors/aliases, duplicate keys and non-text keys
   are refused.
3. **Schema**: ``schema.json`` (JSON Schema draft 2020-12, published so editors can validate
   banks) checks the shape; each error is translated into ``path:line: message``.
4. **Meaning**: unique ids, exactly one correct single choice, at least one correct multiple
   choice, distinct matching and ordering items, registered computations with the placeholders the
   prompt uses, finite numbers.

What needs the rest of the course (objective ids in the lesson notebook, reference ids in the
knowledge base, the lesson standard's minimums) is checked by :mod:`mscpso_edu.bank_check`, above
this layer.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from .._schema import validator
from ..errors import CourseError, Problem
from ..paths import quizzes_dir
from ..yamlfile import compose, decode
from ..yamlfile import line_of as _line
from . import questions as q
from .kinds import bank_schema, kind_of
from .released import released_questions

__all__ = [
    "BANK_SUFFIXES",
    "MAX_BANK_BYTES",
    "Bank",
    "bank_path",
    "load_bank",
    "read_bank",
    "schema",
]

#: Largest bank accepted. A lesson's bank is a few tens of kilobytes; anything far bigger is a
#: mistake (or an attack on the parser), so it is refused before parsing.
MAX_BANK_BYTES = 512 * 1024
BANK_SUFFIXES = (".yaml", ".yml")
_BANK_NAME_RE = re.compile(r"^\d\d_[a-z0-9_]+$")
_Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Bank:
    """A validated question bank.

    Attributes
    ----------
    path
        The file it was read from.
    lesson
        The lesson slug (``"00_start_here"``).
    title
        A title for the quiz.
    mode
        ``"practice"`` (default) or ``"exam"``.
    questions
        The questions in bank order.
    lines
        Line of each YAML node, by its path (``("questions", 2, "choices")``), for messages.
    scoring
        Which attempt at each question counts: ``"latest"`` (default) or ``"best"``.
    """

    path: Path
    lesson: str
    title: str
    mode: str
    questions: tuple[q.Question, ...]
    lines: Mapping[_Path, int] = field(default_factory=dict, repr=False, compare=False)
    scoring: str = "latest"

    @property
    def formative(self) -> bool:
        """True when no question is in exam mode: a practice quiz, formative, not for a grade."""
        return all(self.mode_of(question) != "exam" for question in self.questions)

    def __iter__(self) -> Iterator[q.Question]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    @property
    def max_points(self) -> float:
        """Points for answering everything correctly."""
        return sum(question.points for question in self.questions)

    def question(self, question_id: str) -> q.Question:
        """Return the question with ``question_id``; CourseError naming the known ids if absent."""
        for question in self.questions:
            if question.id == question_id:
                return question
        known = ", ".join(question.id for question in self.questions)
        raise CourseError(
            f"no question {question_id!r} in this bank; its ids are: {known}", self.path
        )

    def mode_of(self, question: q.Question) -> str:
        """Return the question's own mode, or the bank's."""
        return question.mode or self.mode

    def line_of(self, *path: str | int) -> int | None:
        """Return the line of ``path`` (or its nearest ancestor) in the bank file."""
        return _line(self.lines, path)


@functools.cache
def schema() -> dict[str, Any]:
    """Return the JSON Schema of a bank: what every question has (``schema_base.json``) with each
    type's fields from its module (:mod:`mscpso_edu.quiz.kinds`). ``schema.json`` publishes it
    for editors; a test keeps the two the same."""
    base = json.loads((files(__package__) / "schema_base.json").read_text(encoding="utf-8"))
    return bank_schema(base)


@functools.cache
def _validator() -> Any:
    return validator(schema())


def bank_path(path_or_slug: str | Path) -> Path:
    """Return the bank file for a path or a lesson slug (``"00_start_here"``)."""
    if isinstance(path_or_slug, Path):
        return path_or_slug
    text = str(path_or_slug)
    if text.endswith(BANK_SUFFIXES) or "/" in text or "\\" in text:
        return Path(text)
    return quizzes_dir() / f"{text}.yaml"


# --- 1. bytes and 2. YAML: the course's one line-aware reader (mscpso_edu.yamlfile) ----------


def _decode(data: bytes, path: Path) -> str:
    return decode(data, path, MAX_BANK_BYTES, "a question bank")


def _compose(text: str, path: Path) -> tuple[Any, dict[_Path, int]]:
    return compose(text, path, "file is empty; a bank needs lesson, title and questions")


# --- 3. schema --------------------------------------------------------------------------------


def _describe(data: Any, where: Sequence[str | int]) -> str:
    """Return ``question 'id'`` or ``question 3`` plus the field path inside it."""
    parts = list(where)
    if len(parts) >= 2 and parts[0] == "questions" and isinstance(parts[1], int):
        index = parts[1]
        try:
            qid = data["questions"][index].get("id")
        except (AttributeError, IndexError, KeyError, TypeError):
            qid = None
        label = f"question {qid!r}" if isinstance(qid, str) else f"question {index + 1}"
        rest = parts[2:]
    else:
        label, rest = "", parts
    field_text = ""
    for part in rest:
        field_text += f"[{part}]" if isinstance(part, int) else (f".{part}" if field_text else part)
    return ", ".join(text for text in (label, field_text) if text)


_TYPE_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
}
_PATTERN_HINTS = {
    "id": "lower case letters, digits, - and _ (e.g. 'loop-cells')",
    "objectives": "an objective id like '00.a'",
    "references": "a reference id like 'dashti2025' (surname and year, lower case)",
    "lesson": "a lesson slug like '00_start_here'",
    "computation": "a computation name like 'pasi_one_region'",
}


def _schema_message(error: Any) -> str:
    kind = error.validator
    where = [part for part in error.absolute_path]
    name = next((part for part in reversed(where) if isinstance(part, str)), "")
    found = error.instance
    if kind == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        return f"missing field {missing.group(1) if missing else error.message!r}"
    if kind in ("unevaluatedProperties", "additionalProperties"):
        names = re.findall(r"'([^']+)'", error.message.split("(")[-1])
        listed = ", ".join(repr(n) for n in names) or error.message
        return f"unknown field {listed}; check the spelling and the indentation"
    if kind == "enum" and name == "type":
        allowed = ", ".join(q.QUESTION_TYPES)
        return f"unknown question type {found!r}; use one of: {allowed}"
    if kind == "enum":
        return f"{found!r} is not allowed; use one of: {', '.join(map(str, error.validator_value))}"
    if kind == "type":
        expected = _TYPE_NAMES.get(error.validator_value, error.validator_value)
        hint = ""
        if error.validator_value == "string" and isinstance(found, bool | int | float):
            # YAML reads yes/no/on/off/true/false and bare numbers as non-text.
            hint = "; put text that looks like a number or yes/no/true/false in quotes"
        return f"expected {expected}, found {found!r}{hint}"
    if kind in ("minLength",) or (kind == "pattern" and error.validator_value == "\\S"):
        return "must not be empty"
    if kind == "pattern":
        hint = _PATTERN_HINTS.get(name) or _PATTERN_HINTS.get(
            str(where[-2]) if len(where) > 1 else ""
        )
        return f"{found!r} should be {hint}" if hint else error.message
    if kind == "minItems":
        return f"needs at least {error.validator_value} item(s), found {len(found)}"
    if kind in ("minimum", "exclusiveMinimum"):
        relation = "0 or more" if kind == "minimum" else "more than 0"
        return f"must be {relation}, found {found!r}"
    return error.message


def _schema_problems(data: Any, lines: Mapping[_Path, int], path: Path) -> list[Problem]:
    """Return the schema errors of a bank's ``data`` read from ``path``.

    Validating every bank takes most of a second (``quiz.progress`` reads all of them): content
    found valid once (same data, same schema, same jsonschema) is remembered in the results
    cache and not validated again. Problems are never cached: they are found afresh, with their
    lines.
    """
    from ..results_cache import cached_result

    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return cached_result(
        "bank_schema_clean",
        [digest, *_schema_version()],
        lambda: _validate(data, lines, path),
        encode=lambda problems: [],
        decode=lambda stored: [],
        extra_files=[__file__],
        keep=lambda problems: not problems,
    )


@functools.cache
def _schema_version() -> tuple[str, str]:
    """The bank schema's digest and the jsonschema version: what a clean validation rests on."""
    from importlib.metadata import version

    schema_digest = hashlib.sha256(json.dumps(schema(), sort_keys=True).encode()).hexdigest()
    return schema_digest, version("jsonschema")


def _validate(data: Any, lines: Mapping[_Path, int], path: Path) -> list[Problem]:
    errors = list(_validator().iter_errors(data))
    # A question without a known type cannot say which fields it may have: report only its type.
    untyped = {
        tuple(error.absolute_path)[:2]
        for error in errors
        if (error.validator == "enum" and list(error.absolute_path)[-1:] == ["type"])
        or (error.validator == "required" and "'type'" in error.message)
    }
    # A failing type-specific branch leaves its fields "unevaluated"; the real error is elsewhere.
    located = [tuple(e.absolute_path) for e in errors if e.validator != "unevaluatedProperties"]
    problems = []
    for error in errors:
        where = tuple(error.absolute_path)
        if error.validator == "unevaluatedProperties" and any(
            other[: len(where)] == where for other in located
        ):
            continue
        if where[:2] in untyped and error.validator not in ("enum", "required"):
            continue
        if where[:2] in untyped and error.validator == "required" and "'type'" not in error.message:
            continue
        line = _line(lines, where)
        if error.validator in ("unevaluatedProperties", "additionalProperties"):
            names = re.findall(r"'([^']+)'", error.message.split("(")[-1])
            if names:
                line = _line(lines, (*where, names[0])) or line
        place = _describe(data, where)
        message = _schema_message(error)
        problems.append(Problem(str(path), line, f"{place}: {message}" if place else message))
    return sorted(set(problems), key=lambda p: (p.line or 0, p.message))


# --- 4. meaning -------------------------------------------------------------------------------


def _common(raw: Mapping[str, Any], line: int | None) -> dict[str, Any]:
    return {
        "id": raw["id"],
        "prompt": raw["prompt"],
        "points": float(raw.get("points", 1)),
        "objectives": tuple(raw["objectives"]),
        "explanation": raw["explanation"],
        "references": tuple(raw["references"]),
        "hints": tuple(raw.get("hints", ())),
        "mode": raw.get("mode"),
        "role": raw.get("role"),
        "line": line,
    }


def _build_question(raw: Mapping[str, Any], line: int | None) -> q.Question:
    return kind_of(raw["type"]).build(raw, _common(raw, line))


def _meaning_problems(
    data: Mapping[str, Any], lines: Mapping[_Path, int], path: Path
) -> list[Problem]:
    problems: list[Problem] = []

    def problem(where: _Path, message: str) -> None:
        place = _describe(data, where)
        problems.append(
            Problem(str(path), _line(lines, where), f"{place}: {message}" if place else message)
        )

    if data.get("scoring") == "best":
        bank_mode = data.get("mode", "practice")
        exams = [
            index
            for index, raw in enumerate(data["questions"])
            if raw.get("mode", bank_mode) == "exam"
        ]
        if exams:
            problem(
                ("scoring",),
                "scoring: best needs every question in practice mode (an exam answer has no "
                "score until it is graded, so only the latest can count)",
            )
    stem = path.stem
    if _BANK_NAME_RE.match(stem) and data["lesson"] != stem:
        problem(
            ("lesson",), f"lesson {data['lesson']!r} does not match the file name {path.name!r}"
        )
    first_line: dict[str, int] = {}
    for index, raw in enumerate(data["questions"]):
        here: _Path = ("questions", index)
        qid = raw["id"]
        if qid in first_line:
            problem(
                (*here, "id"),
                f"duplicate question id {qid!r} (first used on line {first_line[qid]})",
            )
        else:
            first_line[qid] = _line(lines, (*here, "id")) or 0
        for name in ("points", "answer", "tolerance", "relative_tolerance"):
            value = raw.get(name)
            if isinstance(value, float) and not math.isfinite(value):
                problem((*here, name), f"must be a finite number, found {value!r}")
        kind_of(raw["type"]).check(
            raw, lambda where, message, here=here: problem((*here, *where), message)
        )
    return problems


# --- loading ----------------------------------------------------------------------------------


def read_bank(path: str | Path) -> tuple[Bank | None, list[Problem]]:
    """Read and validate one bank file, returning the bank (None if invalid) and its problems.

    The first stage that fails (bytes, YAML, schema, meaning) gives the problems; later stages do
    not run, so a broken file gives the one error that matters rather than a cascade.
    """
    path = Path(path)
    try:
        data_bytes = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(str(path), None, "no such question bank")]
    except OSError as error:
        return None, [Problem(str(path), None, f"cannot read the file: {error.strerror}")]
    try:
        text = _decode(data_bytes, path)
        data, lines = _compose(text, path)
    except CourseError as error:
        return None, [error.as_problem()]
    if isinstance(data, dict) and "released" in data:
        # A student copy (keys hashed or removed) from mscpso-edu release; see quiz.released.
        try:
            questions = released_questions(data, lines, path)
        except CourseError as error:
            return None, [error.as_problem()]
        missing = [name for name in ("lesson", "title") if not isinstance(data.get(name), str)]
        if missing:
            return None, [Problem(str(path), None, f"released bank has no {missing[0]!r} text")]
        bank = Bank(
            path=path,
            lesson=data["lesson"],
            title=data["title"],
            mode=data.get("mode", "practice"),
            questions=questions,
            lines=lines,
            scoring="best" if data.get("scoring") == "best" else "latest",
        )
        return bank, []
    problems = _schema_problems(data, lines, path)
    if problems:
        return None, problems
    problems = _meaning_problems(data, lines, path)
    if problems:
        return None, problems
    built = tuple(
        _build_question(raw, _line(lines, ("questions", index)))
        for index, raw in enumerate(data["questions"])
    )
    bank = Bank(
        path=path,
        lesson=data["lesson"],
        title=data["title"],
        mode=data.get("mode", "practice"),
        questions=built,
        lines=lines,
        scoring=data.get("scoring", "latest"),
    )
    return bank, []


_CACHE: dict[Path, tuple[tuple[int, int], Bank]] = {}


def load_bank(path_or_slug: str | Path) -> Bank:
    """Load a question bank by path or lesson slug, validated; raise CourseError if it is not.

    Parameters
    ----------
    path_or_slug
        A ``.yaml`` file, or a lesson slug such as ``"00_start_here"`` (read from
        :func:`mscpso_edu.paths.quizzes_dir`).

    Returns
    -------
    Bank
        The bank; cached until the file changes.

    Raises
    ------
    CourseError
        ``path:line: message`` for the first problem (and how many more there are).
    """
    path = bank_path(path_or_slug)
    try:
        stat = path.stat()
    except FileNotFoundError:
        if path != Path(str(path_or_slug)):  # it was a lesson slug
            raise CourseError(f"no question bank for lesson {path_or_slug!r}", path) from None
        raise CourseError("no such question bank", path) from None
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(path)
    if cached and cached[0] == key:
        return cached[1]
    bank, problems = read_bank(path)
    if bank is None:
        first = problems[0]
        more = (
            f" (and {len(problems) - 1} more problem(s); run mscpso-edu check)"
            if len(problems) > 1
            else ""
        )
        raise CourseError(first.message + more, first.path, first.line)
    _CACHE[path] = (key, bank)
    return bank
