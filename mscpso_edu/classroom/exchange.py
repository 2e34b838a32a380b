"""The exchange folder: where students' submissions reach the instructor on a shared server.

Layout: ``<exchange>/<quiz>/<student>.json``, one file per student and quiz, written atomically by
``mscpso-edu submit`` (the folder comes from ``--exchange`` or ``$MSCPSO_EDU_EXCHANGE``).
``mscpso-edu collect`` copies every submission it finds under the exchange (at any depth, so a
per-student layout such as ``<exchange>/<user>/<quiz>/<student>.json`` on Kubernetes works too)
into one folder for ``mscpso-edu grade``.

Permissions, where the hub runs each student as a real system user (``mscpso-edu exchange-setup``
creates this; see ``deploy/jupyterhub/README.md``):

- ``<exchange>/``: mode 0755, owned by the instructor. Students cannot create quiz folders.
- ``<exchange>/<quiz>/``: mode 3773 (``rwxrws-wt``), group = the instructors' group. Students
  may create files there (write + search) but cannot list the folder; the sticky bit stops them
  deleting or replacing anyone else's file; the setgid bit gives every new file the instructors'
  group.
- each submission: mode 0640, owned by the student who wrote it: the student can rewrite it, the
  instructors' group can read it, other students can neither read nor replace it.

A student could still create a file under another student's name before that student submits;
``collect --check-owner`` skips files whose owner is not the student they claim to be.
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import shutil
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CourseError
from ..quiz.submission import exchange_path

__all__ = ["QUIZ_DIR_MODE", "ROOT_DIR_MODE", "Collected", "collect", "setup_exchange"]

#: The exchange root: only its owner (the instructor) creates quiz folders.
ROOT_DIR_MODE = 0o755
#: A quiz folder: students create files but cannot list, delete or replace others' files.
QUIZ_DIR_MODE = 0o3773


def setup_exchange(
    exchange: str | Path, quizzes: Iterable[str], group: str | None = None
) -> list[Path]:
    """Create the exchange root (0755) and one folder per quiz (3773, group ``group``).

    Existing folders get their mode and group fixed. Returns the quiz folders.
    """
    root = Path(exchange)
    gid = -1
    if group is not None:
        try:
            gid = grp.getgrnam(group).gr_gid
        except KeyError:
            raise CourseError(f"--group {group!r}: no such group on this machine") from None
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, ROOT_DIR_MODE)
    folders = []
    for quiz in quizzes:
        folder = exchange_path(root, quiz, "x").parent
        folder.mkdir(exist_ok=True)
        if gid != -1:
            os.chown(folder, -1, gid)
        os.chmod(folder, QUIZ_DIR_MODE)  # after chown: chown clears the setgid bit
        folders.append(folder)
    return folders


@dataclass
class Collected:
    """What :func:`collect` copied and what it left behind (path, reason)."""

    copied: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def _owner(path: Path) -> str:
    uid = path.stat().st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def collect(
    exchange: str | Path, out: str | Path, *, check_owner: bool = False, force: bool = False
) -> Collected:
    """Copy every submission under ``exchange`` into ``out`` for grading.

    Files are named after their place in the exchange (``<quiz>/<student>.json`` becomes
    ``<quiz>__<student>.json``). Content is not judged here: ``grade`` does that and lists what it
    skips. A file that already exists in ``out`` is kept unless ``force``.

    Parameters
    ----------
    check_owner
        Skip files whose owner (a system user) is not the ``student`` the file names.
    """
    root = Path(exchange)
    if not root.is_dir():
        raise CourseError("the exchange folder does not exist", root)
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    result = Collected()
    found = sorted(
        path
        for path in root.rglob("*.json")
        if not any(part.startswith(".") for part in path.relative_to(root).parts)
    )
    for path in found:
        if not path.is_file() or path.is_symlink():
            result.skipped.append((path, "not a regular file"))
            continue
        if check_owner:
            try:
                claimed = json.loads(path.read_text(encoding="utf-8")).get("student")
            except (OSError, ValueError, AttributeError):
                claimed = None
            owner = _owner(path)
            if claimed != owner:
                result.skipped.append(
                    (path, f"owned by user {owner!r} but names student {claimed!r}")
                )
                continue
        destination = target / "__".join(path.relative_to(root).parts)
        if destination.exists() and not force:
            result.skipped.append((path, f"{destination.name} already collected (use --force)"))
            continue
        try:
            shutil.copyfile(path, destination)
        except PermissionError:
            result.skipped.append((path, "cannot be read (are you in the instructors' group?)"))
            continue
        with contextlib.suppress(OSError):
            os.chmod(destination, stat.S_IRUSR | stat.S_IWUSR)
        result.copied.append(destination)
    return result
