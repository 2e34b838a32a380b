"""``mscpso-edu lab``: copying the packaged course, the Jupyter command, and a live server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from mscpso_edu.errors import CourseError
from mscpso_edu.launch import FIRST_LESSON, MANIFEST_NAME, copy_course, jupyterlab_command


def make_source(root: Path, lesson_text: str = '{"cells": []}') -> Path:
    (root / "lessons").mkdir(parents=True)
    (root / "quizzes").mkdir()
    (root / FIRST_LESSON).write_text(lesson_text)
    (root / "quizzes" / "00_start_here.yaml").write_text("lesson: 00_start_here\n")
    return root


def test_first_copy_adds_every_file(tmp_path):
    source = make_source(tmp_path / "pkg")
    report = copy_course(source, tmp_path / "course")
    assert sorted(report.added) == [FIRST_LESSON, "quizzes/00_start_here.yaml"]
    assert (tmp_path / "course" / FIRST_LESSON).read_text() == '{"cells": []}'
    manifest = json.loads((tmp_path / "course" / MANIFEST_NAME).read_text())
    assert set(manifest["files"]) == {FIRST_LESSON, "quizzes/00_start_here.yaml"}


def test_upgrade_updates_untouched_files_and_keeps_learner_edits(tmp_path):
    source = make_source(tmp_path / "pkg")
    course = tmp_path / "course"
    copy_course(source, course)
    (course / "quizzes" / "00_start_here.yaml").write_text("my notes\n")
    (source / FIRST_LESSON).write_text('{"cells": ["new version"]}')
    (source / "quizzes" / "00_start_here.yaml").write_text("lesson: 00_start_here\nnew: 1\n")

    report = copy_course(source, course)

    assert report.updated == [FIRST_LESSON]
    assert report.kept == ["quizzes/00_start_here.yaml"]
    assert (course / FIRST_LESSON).read_text() == '{"cells": ["new version"]}'
    assert (course / "quizzes" / "00_start_here.yaml").read_text() == "my notes\n"
    # Still kept on the next run: the learner's version is never overwritten.
    assert copy_course(source, course).kept == ["quizzes/00_start_here.yaml"]


def test_a_preexisting_different_file_is_kept(tmp_path):
    source = make_source(tmp_path / "pkg")
    course = tmp_path / "course"
    (course / "lessons").mkdir(parents=True)
    (course / FIRST_LESSON).write_text("learner's own")
    report = copy_course(source, course)
    assert report.kept == [FIRST_LESSON]
    assert (course / FIRST_LESSON).read_text() == "learner's own"


def test_corrupt_manifest_is_a_clear_error(tmp_path):
    source = make_source(tmp_path / "pkg")
    course = tmp_path / "course"
    course.mkdir()
    (course / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(CourseError, match=r"\.mscpso-course\.json: the course manifest"):
        copy_course(source, course)


def test_jupyter_command_opens_the_first_lesson(tmp_path):
    command = jupyterlab_command(tmp_path, port=8123, open_browser=False)
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert f"--ServerApp.default_url=/lab/tree/{FIRST_LESSON}" in command
    assert "--ServerApp.port=8123" in command
    assert "--no-browser" in command
    assert ("--allow-root" in command) == (os.geteuid() == 0)


@pytest.mark.slow
def test_wheel_ships_the_course(tmp_path, repo):
    """An installed wheel carries the lessons and banks, and can copy them out."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(repo)],
        check=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("mscpso_edu-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    lessons = sorted(p.name for p in (repo / "lessons").glob("*.ipynb"))
    banks = sorted(p.name for p in (repo / "quizzes").glob("*.yaml"))
    for name in lessons:
        assert f"mscpso_edu/_course/lessons/{name}" in names
    for name in banks:
        assert f"mscpso_edu/_course/quizzes/{name}" in names
    assert "mscpso_edu/styles/mscpso.mplstyle" in names
    report = copy_course(tmp_path / "site" / "mscpso_edu" / "_course", tmp_path / "course")
    assert FIRST_LESSON in report.added


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_lab_serves_lesson_00(tmp_path):
    """Start `mscpso-edu lab --no-browser`, fetch lesson 00 from the contents API, stop it."""
    port = free_port()
    token = "smoke-test-token"
    env = dict(os.environ)
    for name, sub in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        env[name] = str(tmp_path / sub)
    command = [
        sys.executable, "-m", "mscpso_edu", "lab", "--no-browser", "--port", str(port),
        "--", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
    ]  # fmt: skip
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}/api/contents/{FIRST_LESSON}?content=1"
    try:
        deadline = time.monotonic() + 120
        while True:
            request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    status = response.status
                    body = json.loads(response.read())
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "JupyterLab did not serve lesson 00:\n" + (tmp_path / "lab.log").read_text()
                    )
                time.sleep(0.5)
        assert status == 200
        assert body["type"] == "notebook"
        assert body["name"] == "00_start_here.ipynb"
        assert body["content"]["cells"][0]["source"].startswith("# Lesson 00:")
        # The lab page itself is served too (what the browser opens).
        lab = urllib.request.Request(
            f"http://127.0.0.1:{port}/lab/tree/{FIRST_LESSON}",
            headers={"Authorization": f"token {token}"},
        )
        with urllib.request.urlopen(lab, timeout=10) as response:
            assert response.status == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
