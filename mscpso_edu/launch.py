"""``mscpso-edu lab``: open JupyterLab on the first lesson.

From a source checkout the repository's own lessons are served. From an installed wheel the
packaged lessons and banks are first copied into a course folder (``~/mscpso-course`` by default),
never overwriting a file the learner changed: a small manifest records what was installed, so a
file that still matches it may be updated and one that differs is kept.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import CourseError
from .fileio import atomic_write_bytes, atomic_write_text
from .paths import is_repository_checkout, packaged_course

__all__ = ["FIRST_LESSON", "CopyReport", "copy_course", "jupyterlab_command", "register"]

FIRST_LESSON = "lessons/00_start_here.ipynb"
MANIFEST_NAME = ".mscpso-course.json"
DEFAULT_DIR = Path("~/mscpso-course")
_COURSE_FOLDERS = ("lessons", "quizzes")


@dataclass
class CopyReport:
    """What :func:`copy_course` did, file by file (paths relative to the course folder)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, dict):
            raise TypeError("files is not a mapping")
        return {str(k): str(v) for k, v in files.items()}
    except (ValueError, KeyError, TypeError) as error:
        raise CourseError(
            f"the course manifest is unreadable ({error}); move it aside and run again", path
        ) from None


def copy_course(source: Path, target: Path) -> CopyReport:
    """Copy the lessons and banks from ``source`` into ``target`` without losing learner edits.

    Parameters
    ----------
    source
        A folder holding ``lessons/`` and ``quizzes/`` (the packaged course).
    target
        The learner's course folder; created if missing.

    Returns
    -------
    CopyReport
        Which files were added, updated, left unchanged, or kept because the learner changed them.
    """
    if not (source / "lessons").is_dir():
        raise CourseError("the packaged course has no lessons folder; reinstall mscpso-edu", source)
    target.mkdir(parents=True, exist_ok=True)
    manifest_path = target / MANIFEST_NAME
    installed = _read_manifest(manifest_path)
    report = CopyReport()
    new_manifest = dict(installed)
    for folder in _COURSE_FOLDERS:
        for src in sorted((source / folder).rglob("*")):
            if not src.is_file() or "__pycache__" in src.parts:
                continue
            rel = src.relative_to(source).as_posix()
            data = src.read_bytes()
            new_hash = _digest(data)
            dest = target / rel
            if not dest.exists():
                atomic_write_bytes(dest, data)
                report.added.append(rel)
                new_manifest[rel] = new_hash
                continue
            current = _digest(dest.read_bytes())
            if current == new_hash:
                report.unchanged.append(rel)
                new_manifest[rel] = new_hash
            elif installed.get(rel) == current:
                # The learner never touched it: bring it up to the new version.
                atomic_write_bytes(dest, data)
                report.updated.append(rel)
                new_manifest[rel] = new_hash
            else:
                report.kept.append(rel)
    manifest = {"package_version": __version__, "files": new_manifest}
    atomic_write_text(manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return report


def jupyterlab_command(
    root: Path, *, port: int | None, open_browser: bool, extra: list[str] | None = None
) -> list[str]:
    """Return the command that starts JupyterLab on the first lesson under ``root``."""
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.default_url=/lab/tree/{FIRST_LESSON}",
    ]
    if port is not None:
        command += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Jupyter refuses to start as root unless told that this is intended.
        command.append("--allow-root")
    return command + list(extra or [])


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be a whole number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, got {value}")
    return value


def _print_report(report: CopyReport, target: Path) -> None:
    if report.added:
        print(f"Copied {len(report.added)} course file(s) into {target}.")
    if report.updated:
        print(f"Updated {len(report.updated)} file(s) you had not changed.")
    if report.kept:
        print("Kept your changed version of these files (the new version was not copied):")
        for rel in report.kept:
            print(f"  {rel}")


def _command(args: argparse.Namespace) -> int:
    if args.dir is None and is_repository_checkout():
        root = Path(__file__).resolve().parent.parent
        print(f"Serving the course from the repository at {root}.")
    else:
        root = (args.dir or DEFAULT_DIR).expanduser().resolve()
        source = packaged_course()
        if not source.is_dir():
            source = Path(__file__).resolve().parent.parent
        _print_report(copy_course(source, root), root)
    if not (root / FIRST_LESSON).is_file():
        raise CourseError("the first lesson is missing", root / FIRST_LESSON)
    command = jupyterlab_command(
        root, port=args.port, open_browser=not args.no_browser, extra=args.jupyter_args
    )
    print("Starting JupyterLab on lesson 00 (stop it with Ctrl+C).", flush=True)
    sys.stdout.flush()
    sys.stderr.flush()
    # Replace this process so that stopping it stops the server too.
    os.execv(command[0], command)
    return 0  # pragma: no cover


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``lab`` command to the command line."""
    parser = subparsers.add_parser(
        "lab",
        help="open the course in JupyterLab on lesson 00",
        description="Open JupyterLab on lessons/00_start_here.ipynb. From a source checkout the "
        "repository's lessons are served; from an installed package the course is first copied "
        "into DIR, keeping any file you have changed. Arguments after -- go to JupyterLab.",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="course folder for an installed package (default: ~/mscpso-course)",
    )
    parser.add_argument("--port", type=_port, default=None, help="port to serve on")
    parser.add_argument(
        "--no-browser", action="store_true", help="start the server without opening a browser"
    )
    parser.add_argument("jupyter_args", nargs="*", help=argparse.SUPPRESS)
    parser.set_defaults(handler=_command)
