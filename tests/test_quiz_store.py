"""The progress store and the learner id: concurrent writers, a killed writer, stable identity."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from mscpso_edu.errors import CourseError
from mscpso_edu.quiz.learner import learner_id, learner_seed
from mscpso_edu.quiz.store import ProgressStore, default_store_path

WRITER = textwrap.dedent(
    """
    import sys
    from mscpso_edu.quiz.store import ProgressStore
    path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = ProgressStore(path)
    i = 0
    while count < 0 or i < count:
        attempt = store.record(name, "00_start_here", f"q{i % 7}", {"n": i}, 1.0, 2.0, False)
        print(attempt.id, flush=True)  # printed only after the transaction committed
        i += 1
    """
)


def _integrity(path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def test_records_and_summarises_attempts(tmp_path):
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        store.record("me", "00_start_here", "q1", ["a", "b"], 1.0, 2.0, False)
        store.record("me", "00_start_here", "q1", ["a"], 2.0, 2.0, True)
        store.record("me", "01_psoriasis", "x", "TGF-β", 0.0, 1.0, False, mode="exam")
        attempts = store.attempts("00_start_here")
        assert [a.response for a in attempts] == [["a", "b"], ["a"]]
        assert store.best_points("00_start_here") == {"q1": 2.0}
        first, second = store.summary()
        assert (first.lesson, first.questions_tried, first.best_points, first.attempts) == (
            "00_start_here", 1, 2.0, 2,
        )  # fmt: skip
        assert second.lesson == "01_psoriasis" and store.attempts("01_psoriasis")[0].mode == "exam"
        assert store.reset() == 3 and store.count() == 0


def test_store_lives_in_the_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("MSCPSO_EDU_HOME", str(tmp_path / "home"))
    assert default_store_path() == tmp_path / "home" / "progress.sqlite3"


def test_a_damaged_database_is_a_course_error(tmp_path):
    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CourseError, match="cannot be opened"):
        ProgressStore(path)


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "p.sqlite3"
    ProgressStore(path).close()
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, "150"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("kernel-a", "kernel-b")
    ]
    ids = []
    for writer in writers:
        out, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0
        ids.extend(int(line) for line in out.split())
    assert len(ids) == len(set(ids)) == 300
    assert _integrity(path) == "ok"
    with ProgressStore(path) as store:
        attempts = store.attempts()
    assert sorted(a.id for a in attempts) == sorted(ids)
    assert {a.learner for a in attempts} == {"kernel-a", "kernel-b"}


def test_a_writer_killed_mid_loop_leaves_a_sound_database_with_every_committed_attempt(tmp_path):
    path = tmp_path / "p.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), "doomed", "-1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    committed = []
    assert writer.stdout is not None
    for line in writer.stdout:
        committed.append(int(line))
        if len(committed) >= 200:
            break
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    committed.extend(int(line) for line in writer.stdout.read().split())
    assert writer.returncode == -signal.SIGKILL
    assert _integrity(path) == "ok"
    with ProgressStore(path) as store:
        stored = {a.id for a in store.attempts()}
        # The database is writable again after the crash.
        store.record("next", "00_start_here", "q1", "a", 1.0, 1.0, True)
    assert set(committed) <= stored


def test_learner_id_is_created_once_and_stays(tmp_path):
    first = learner_id(tmp_path)
    assert learner_id(tmp_path) == first
    assert learner_id(tmp_path / "other") != first
    (tmp_path / "learner_id").write_text("garbage")
    with pytest.raises(CourseError, match="damaged"):
        learner_id(tmp_path)


def test_learner_seeds_differ_between_learners_and_questions_but_not_between_calls():
    assert learner_seed("00", "q1", identity="ann") == learner_seed("00", "q1", identity="ann")
    assert learner_seed("00", "q1", identity="ann") != learner_seed("00", "q1", identity="bob")
    assert learner_seed("00", "q1", identity="ann") != learner_seed("00", "q2", identity="ann")
    assert 0 <= learner_seed("x", identity="ann") < 2**63
