"""Where the course lives: the lessons and banks, and the learner's data folder."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "HOME_ENV",
    "course_root",
    "data_home",
    "is_repository_checkout",
    "lessons_dir",
    "packaged_course",
    "quizzes_dir",
]

HOME_ENV = "MSCPSO_EDU_HOME"
_PACKAGE_DIR = Path(__file__).resolve().parent


def is_repository_checkout() -> bool:
    """Return True when the package runs from a source checkout (an editable install)."""
    top = _PACKAGE_DIR.parent
    return (top / "pyproject.toml").is_file() and (top / "lessons").is_dir()


def packaged_course() -> Path:
    """Return the copy of the lessons and banks shipped inside an installed wheel."""
    return _PACKAGE_DIR / "_course"


def course_root() -> Path:
    """Return the folder holding ``lessons/`` and ``quizzes/`` for this installation.

    A source checkout serves its own lessons; an installed wheel serves its packaged copy.
    """
    if is_repository_checkout():
        return _PACKAGE_DIR.parent
    return packaged_course()


def lessons_dir() -> Path:
    """Return the folder of lesson notebooks."""
    return course_root() / "lessons"


def quizzes_dir() -> Path:
    """Return the folder of question banks."""
    return course_root() / "quizzes"


def data_home() -> Path:
    """Return the learner's data folder (progress, submissions), creating it if needed.

    ``MSCPSO_EDU_HOME`` overrides the platform's user data directory.
    """
    override = os.environ.get(HOME_ENV)
    if override:
        home = Path(override).expanduser()
    else:
        import platformdirs

        home = Path(platformdirs.user_data_dir("mscpso-edu", appauthor=False))
    home.mkdir(parents=True, exist_ok=True)
    return home
