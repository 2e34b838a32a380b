"""Grading never aborts: hostile and unlucky submission files are skipped with one line naming
the file and the reason, everyone else is graded and every output is written.

The committed corpus (``tests/data/submissions/hostile``) holds the cases that used to stop a
whole class with a traceback; a hypothesis test writes new hostile files, structure-aware:
valid submissions with one part replaced by something no widget writes, re-checksummed or not,
serialised in odd encodings or cut short.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mscpso_edu.classroom.analysis import report_html
from mscpso_edu.classroom.gradebook import canvas_csv, grades_csv, long_csv
from mscpso_edu.classroom.grading import grade_submissions
from mscpso_edu.classroom.synthetic import synthetic_submission
from mscpso_edu.cli import main
from mscpso_edu.quiz.bank import bank_path, load_bank
from mscpso_edu.quiz.submission import MAX_SUBMISSION_BYTES, checksum_of, write_submission

BANK = "00_start_here"
CORPUS = Path(__file__).parent / "data" / "submissions" / "hostile"
# Each corpus file and the reason it must be skipped with.
EXPECTED = {
    "deep_nesting.json": "nested far too deeply",
    "nan_literal.json": "NaN is not a JSON number",
    "huge_integer_literal.json": "an integer of more than 4300 digits",
    "lone_surrogate.json": "unpaired surrogate",
    "response_10e400.json": "the number is out of range",
    "float_1e999.json": "'1e999' is out of range",
    "latin1.json": "not UTF-8 text",
    "utf16.json": "not UTF-8 text",
    "truncated.json": "not valid JSON (line",
    "not_an_object.json": "not a JSON object",
    "nested_response.json": "not nested values",
    "tampered.json": "checksum mismatch",
}


@pytest.fixture(scope="module")
def key(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("key")
    shutil.copy(bank_path(BANK), folder / f"{BANK}.yaml")
    return folder


def _good(key: Path, folder: Path, students: int = 3) -> list[str]:
    bank = load_bank(key / f"{BANK}.yaml")
    rng = np.random.default_rng(7)
    names = [f"s{number}" for number in range(students)]
    for name in names:
        sub = synthetic_submission(bank, name, f"learner-{name}", 1.0, rng)
        write_submission(sub, folder / f"{name}.json")
    return names


def test_the_corpus_covers_every_case():
    assert sorted(p.name for p in CORPUS.glob("*.json")) == sorted(EXPECTED)


def test_the_corpus_is_skipped_file_by_file_and_everyone_else_is_graded(key, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    good = _good(key, folder)
    for path in CORPUS.glob("*.json"):
        shutil.copy(path, folder / path.name)
    (folder / "too_big.json").write_bytes(b" " * (MAX_SUBMISSION_BYTES + 1))
    os.mkfifo(folder / "a_fifo.json")  # would block a naive reader forever
    (folder / "a_folder.json").mkdir()
    out = tmp_path / "out"
    out.mkdir()
    outputs = {name: out / name for name in ("grades.csv", "long.csv", "canvas.csv", "r.html")}
    status = main(
        [
            "grade", str(folder), "--key", str(key), "--out", str(outputs["grades.csv"]),
            "--long", str(outputs["long.csv"]), "--canvas", str(outputs["canvas.csv"]),
            "--report", str(outputs["r.html"]),
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert status == 1
    assert all(path.stat().st_size > 0 for path in outputs.values())
    rows = list(csv.DictReader(outputs["grades.csv"].open()))
    assert sorted(row["student"] for row in rows) == good
    lines = [line.strip() for line in captured.err.splitlines() if line.startswith("  ")]
    expected = {
        **EXPECTED,
        "too_big.json": "a submission is far smaller",
        "a_fifo.json": "not a regular file",
        "a_folder.json": "not a regular file",
    }
    named = sorted(Path(line.split(": ", 1)[0]).name for line in lines)
    assert named == sorted(expected)  # one line per skipped file
    for name, reason in expected.items():
        line = next(line for line in lines if line.startswith(str(folder / name) + ":"))
        assert reason in line, line
    assert "Traceback" not in captured.out + captured.err


def test_exit_status_0_when_all_graded_1_when_some_skipped_2_when_nothing_can_be_graded(
    key, tmp_path
):
    folder = tmp_path / "good"
    folder.mkdir()
    _good(key, folder, 2)
    grades = tmp_path / "g.csv"
    run = [sys.executable, "-m", "mscpso_edu", "grade", "--key", str(key), "--force"]
    done = subprocess.run([*run, str(folder), "--out", str(grades)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    shutil.copy(CORPUS / "deep_nesting.json", folder)
    done = subprocess.run([*run, str(folder), "--out", str(grades)], capture_output=True, text=True)
    assert done.returncode == 1 and "deep_nesting.json: malformed" in done.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = [
        [*run, str(empty), "--out", str(grades)],  # nothing to grade
        [*run[:-3], "--key", str(tmp_path / "no-such-key"), str(folder), "--out", str(grades)],
        [*run, str(folder)],  # --out missing
        [*run, str(folder), "--out", str(grades / "g.csv")],  # its folder is a file
    ]
    for args in cases:
        done = subprocess.run(args, capture_output=True, text=True)
        assert done.returncode == 2, (args, done.stderr)
        message = [line for line in done.stderr.splitlines() if line.startswith("mscpso-edu")]
        assert len(message) == 1 and "Traceback" not in done.stderr, done.stderr


def test_one_file_given_twice_is_graded_once(key, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _good(key, folder, 1)
    path = folder / "s0.json"
    run = grade_submissions([path, folder, folder / ".." / "in" / "s0.json"], key)
    assert len(run.graded) == 1 and run.skipped == []


def test_a_timestamp_tie_is_reported_as_a_tie_not_as_newer(key, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _good(key, folder, 1)
    shutil.copy(folder / "s0.json", folder / "s0-again.json")
    run = grade_submissions([folder], key)
    (skip,) = run.skipped
    assert skip.kind == "duplicate" and "newer" not in skip.reason
    assert "both created 2026-01-15T10:00:00Z; graded s0.json, the later file name" in skip.reason


# --- fuzz ---------------------------------------------------------------------------------------

_SURROGATE_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3
)
_HOSTILE_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**500), max_value=10**500),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        _SURROGATE_TEXT,
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _deep(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


_REPLACEMENTS = _HOSTILE_VALUES | st.integers(min_value=5, max_value=3000).map(_deep)
_FIELDS = st.sampled_from(
    ["student", "learner", "quiz", "created", "bank_sha256", "schema_version", "answers",
     "schema", "package_version", "checksum", "response", "question", "attempts", "answer"]
)  # fmt: skip


@st.composite
def hostile_files(draw) -> bytes:
    """Bytes of a submission with one part made hostile, then written in some way."""
    bank = load_bank(BANK)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    sub = synthetic_submission(bank, "victim", "learner-victim", 1.0, rng)
    field = draw(_FIELDS)
    value = draw(_REPLACEMENTS)
    if field in ("response", "question", "attempts") and sub["answers"]:
        index = draw(st.integers(0, len(sub["answers"]) - 1))
        sub["answers"][index][field] = value
    elif field == "answer":
        sub["answers"].append(value)
    else:
        sub[field] = value
    if field != "checksum" and draw(st.booleans()):
        # A consistent checksum takes the file past the checksum test.
        with contextlib.suppress(ValueError, UnicodeEncodeError, RecursionError, TypeError):
            sub["checksum"] = checksum_of(sub)
    try:
        text = json.dumps(sub, ensure_ascii=draw(st.booleans()))
    except RecursionError:
        text = '{"answers": ' + "[" * 5000 + "]" * 5000 + "}"
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"]))
    data = text.encode(encoding, errors="surrogatepass" if encoding != "latin-1" else "replace")
    cut = draw(st.none() | st.integers(0, max(len(data) - 1, 0)))
    return data if cut is None else data[:cut]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=hostile_files())
def test_fuzz_no_hostile_file_stops_the_class(key, tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    good = _good(key, folder, 1)
    (folder / "hostile.json").write_bytes(data)
    run = grade_submissions([folder], key)
    assert good[0] in run.students
    for skip in run.skipped:
        assert skip.path.name == "hostile.json"
        assert skip.reason and "\n" not in skip.reason and len(skip.reason) < 400
    if not run.skipped:
        assert len(run.graded) == 2  # the hostile file was a valid (odd) submission
    for writer in (grades_csv, long_csv, canvas_csv, report_html):
        assert writer(run)
