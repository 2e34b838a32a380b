"""The exchange folder: submit into it, collect from it, grade; permissions between real users."""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from mscpso_edu.classroom.exchange import QUIZ_DIR_MODE, collect, setup_exchange
from mscpso_edu.cli import main
from mscpso_edu.errors import CourseError
from mscpso_edu.quiz.bank import load_bank
from mscpso_edu.quiz.learner import learner_id
from mscpso_edu.quiz.store import ProgressStore
from mscpso_edu.quiz.submission import FILE_MODE, exchange_path, write_to_exchange

BANK = "00_start_here"


def _il23(right: bool) -> str:
    """The id of a right (or a wrong) choice of the bank's ``il23_source`` question."""
    question = load_bank(BANK).question("il23_source")
    return next(c.id for c in question.choices if c.correct == right)


def _right(question_id: str) -> str:
    """The id of the right choice of a single-choice question of the bank."""
    return next(c.id for c in load_bank(BANK).question(question_id).choices if c.correct)


def _answer(il23: str) -> None:
    """Record two answers in the learner's own progress store (2 points if ``il23`` is right)."""
    right = il23 == _il23(True)
    with ProgressStore() as store:
        me = learner_id()
        store.record(me, BANK, "il23_source", il23, float(right), 1, right)
        store.record(me, BANK, "net_lesson", _right("net_lesson"), 1, 1, True)


def test_submit_writes_into_the_exchange_with_mode_0640(tmp_path, monkeypatch, capsys):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    _answer(_il23(True))
    monkeypatch.setenv("MSCPSO_EDU_EXCHANGE", str(exchange))
    assert main(["submit", "--student", "alice", "--quiz", BANK]) == 0
    written = exchange / BANK / "alice.json"
    assert json.loads(written.read_text())["student"] == "alice"
    assert stat.S_IMODE(written.stat().st_mode) == FILE_MODE
    assert "exchange folder" in capsys.readouterr().out
    # Resubmitting replaces the file atomically and leaves no temporary file behind.
    assert main(["submit", "--student", "alice", "--quiz", BANK]) == 0
    assert sorted(p.name for p in (exchange / BANK).iterdir()) == ["alice.json"]


def test_exchange_option_wins_over_the_environment_and_out_wins_over_both(tmp_path, monkeypatch):
    env_folder, option_folder = tmp_path / "env", tmp_path / "option"
    env_folder.mkdir()
    option_folder.mkdir()
    _answer("b")
    monkeypatch.setenv("MSCPSO_EDU_EXCHANGE", str(env_folder))
    assert (
        main(["submit", "--student", "bob", "--quiz", BANK, "--exchange", str(option_folder)]) == 0
    )
    assert (option_folder / BANK / "bob.json").is_file()
    assert not (env_folder / BANK).exists()
    out = tmp_path / "mine.json"
    assert main(["submit", "--student", "bob", "--quiz", BANK, "--out", str(out)]) == 0
    assert out.is_file() and not (env_folder / BANK).exists()


def test_on_a_hub_the_student_id_defaults_to_the_hub_user(tmp_path, monkeypatch):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    _answer(_il23(True))
    monkeypatch.setenv("JUPYTERHUB_USER", "erin")
    assert main(["submit", "--quiz", BANK, "--exchange", str(exchange)]) == 0
    assert json.loads((exchange / BANK / "erin.json").read_text())["student"] == "erin"


def test_missing_exchange_is_one_clear_error(tmp_path, capsys):
    _answer(_il23(True))
    missing = tmp_path / "nowhere"
    assert main(["submit", "--student", "a1", "--quiz", BANK, "--exchange", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "exchange folder does not exist" in err and "Traceback" not in err


@pytest.mark.parametrize("student", ["../x", ".hidden", "a/b"])
def test_names_that_would_escape_the_quiz_folder_are_refused(tmp_path, student):
    with pytest.raises(CourseError, match="cannot name a file"):
        exchange_path(tmp_path, BANK, student)


def test_collect_then_grade_gives_each_student_their_score(tmp_path, monkeypatch, capsys):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    for student, il23 in (("alice", _il23(True)), ("bob", _il23(False))):
        monkeypatch.setenv("MSCPSO_EDU_HOME", str(tmp_path / f"home-{student}"))
        _answer(il23)
        assert (
            main(["submit", "--student", student, "--quiz", BANK, "--exchange", str(exchange)]) == 0
        )
    # A temporary file left by an interrupted write is not a submission.
    (exchange / BANK / ".carol.json.123.tmp").write_text("{")
    collected = tmp_path / "collected"
    assert main(["collect", "--exchange", str(exchange), "--out", str(collected)]) == 0
    assert sorted(p.name for p in collected.iterdir()) == [
        f"{BANK}__alice.json",
        f"{BANK}__bob.json",
    ]
    # Collecting again keeps what is there unless --force, and says so with exit status 1.
    assert main(["collect", "--exchange", str(exchange), "--out", str(collected)]) == 1
    assert "already collected" in capsys.readouterr().out
    grades = tmp_path / "grades.csv"
    assert main(["grade", str(collected), "--out", str(grades)]) == 0
    rows = {row["student"]: row for row in csv.DictReader(grades.open())}
    assert float(rows["alice"][BANK]) == 2.0
    assert float(rows["bob"][BANK]) == 1.0


def test_collect_walks_a_per_student_layout(tmp_path):
    exchange = tmp_path / "exchange"
    submission = {"quiz": BANK, "student": "dana"}
    write_to_exchange(submission, _made(exchange / "dana"))
    result = collect(exchange, tmp_path / "out")
    assert [p.name for p in result.copied] == [f"dana__{BANK}__dana.json"]


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True)
    return folder


def test_setup_gives_quiz_folders_sticky_setgid_drop_box_modes(tmp_path):
    folders = setup_exchange(tmp_path / "ex", [BANK, "01_psoriasis"])
    assert [f.name for f in folders] == [BANK, "01_psoriasis"]
    for folder in folders:
        assert stat.S_IMODE(folder.stat().st_mode) == QUIZ_DIR_MODE
    assert stat.S_IMODE((tmp_path / "ex").stat().st_mode) == 0o755


def test_setup_names_an_unknown_group(tmp_path):
    with pytest.raises(CourseError, match="no such group"):
        setup_exchange(tmp_path / "ex", [BANK], group="no-such-group-xyz")


# --- real users: only root can switch to them ------------------------------------------------

STUDENT_A, STUDENT_B = 61001, 61002

_AS_STUDENT = """
import json, sys
from pathlib import Path
action, exchange, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
if action == "write":
    from mscpso_edu.quiz.submission import write_to_exchange
    from mscpso_edu.errors import CourseError
    try:
        write_to_exchange({"quiz": "00_start_here", "student": name, "x": 1}, exchange)
    except CourseError as error:
        print("refused:", error.message); sys.exit(3)
elif action == "read":
    try:
        (exchange / "00_start_here" / f"{name}.json").read_text()
    except PermissionError:
        sys.exit(3)
elif action == "list":
    try:
        list((exchange / "00_start_here").iterdir())
    except PermissionError:
        sys.exit(3)
"""


def _student_python() -> str | None:
    """An interpreter another user may run (a venv under /root is closed to them), or None."""
    for candidate in (sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"):
        try:
            done = subprocess.run(
                [candidate, "-c", "import sys; assert sys.version_info >= (3, 11)"],
                user=STUDENT_A,
                group=STUDENT_A,
                extra_groups=[],
                cwd="/",
                capture_output=True,
                timeout=60,
            )
        except OSError:
            continue
        if done.returncode == 0:
            return candidate
    return None


def _as_user(uid: int, *args: str) -> int:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run(
        [_PYTHON, "-c", _AS_STUDENT, *args],
        user=uid,
        group=uid,
        extra_groups=[],
        env=env,
        cwd="/",
        capture_output=True,
        timeout=60,
    ).returncode


_PYTHON = _student_python() if hasattr(os, "geteuid") and os.geteuid() == 0 else None


@pytest.mark.skipif(_PYTHON is None, reason="needs root and a Python 3.11 other users can run")
def test_real_users_cannot_read_list_or_replace_each_others_submissions():
    # Outside pytest's tmp folder, which is private to root: the students must reach the exchange.
    top = Path(tempfile.mkdtemp(prefix="mscpso-exchange-"))
    try:
        os.chmod(top, 0o755)
        exchange = top / "exchange"
        setup_exchange(exchange, [BANK], group="root")  # group 0 plays the instructors' group
        assert _as_user(STUDENT_A, "write", str(exchange), "alice") == 0
        mine = exchange / BANK / "alice.json"
        assert mine.stat().st_uid == STUDENT_A
        assert mine.stat().st_gid == 0  # setgid folder: the instructors' group can read it
        assert stat.S_IMODE(mine.stat().st_mode) == FILE_MODE
        assert _as_user(STUDENT_A, "write", str(exchange), "alice") == 0  # may resubmit
        assert _as_user(STUDENT_A, "read", str(exchange), "alice") == 0
        assert _as_user(STUDENT_B, "read", str(exchange), "alice") == 3
        assert _as_user(STUDENT_B, "list", str(exchange), "alice") == 3
        assert _as_user(STUDENT_B, "write", str(exchange), "alice") == 3  # cannot replace it
        assert json.loads(mine.read_text())["student"] == "alice"
        # A file squatted under another student's name is caught by --check-owner.
        assert _as_user(STUDENT_B, "write", str(exchange), "carol") == 0
        write_to_exchange({"quiz": BANK, "student": "root"}, exchange)  # a named user's file
        result = collect(exchange, top / "out", check_owner=True)
        assert [p.name for p in result.copied] == [f"{BANK}__root.json"]
        reasons = dict((p.name, why) for p, why in result.skipped)
        assert reasons == {
            "alice.json": "owned by user '61001' but names student 'alice'",
            "carol.json": "owned by user '61002' but names student 'carol'",
        }
    finally:
        shutil.rmtree(top, ignore_errors=True)
