"""The course on JupyterHub: nbgitpuller links that give each student a copy of the course.

An nbgitpuller link points at a hub. A student who follows it logs in, their server clones the
course repository into ``~/course`` (the *target path*) on the first visit, merges the teacher's
new commits on later visits, and opens the lesson. See ``deploy/jupyterhub/README.md`` for the
merge rules and what a teacher should therefore avoid.

Typical use::

    mscpso-edu link --hub https://hub.example.edu --repo https://github.com/org/course --lesson 03
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

from .errors import CourseError
from .paths import lessons_dir

__all__ = ["REPO_SCHEMES", "find_lesson", "nbgitpuller_link", "register"]

#: Repository URL schemes nbgitpuller can clone (``file`` only makes sense on the hub's machine).
REPO_SCHEMES = ("https", "http", "ssh", "git", "file")
_DEFAULT_TARGET = "course"
# A git branch name, conservatively: no spaces, no "..", no leading "-", no control characters.
_BRANCH_RE = re.compile(r"^(?!-)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/-]{1,200}(?<![./])$")
_TARGET_RE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def _check_hub(hub: str) -> str:
    parts = urlsplit(hub.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CourseError(
            f"--hub {hub!r} is not a hub address; give its http(s) URL, "
            "e.g. https://hub.example.edu"
        )
    if parts.query or parts.fragment:
        raise CourseError(f"--hub {hub!r}: give the hub's address without '?' or '#' parts")
    path = parts.path.rstrip("/")
    # A hub's pages live under <base>/hub/; accept either form and build the link from <base>.
    if path.endswith("/hub"):
        path = path[: -len("/hub")]
    return f"{parts.scheme}://{parts.netloc}{path}"


def _check_repo(repo: str) -> str:
    repo = repo.strip()
    parts = urlsplit(repo)
    if parts.scheme not in REPO_SCHEMES or (parts.scheme != "file" and not parts.netloc):
        schemes = ", ".join(f"{scheme}://" for scheme in REPO_SCHEMES)
        raise CourseError(
            f"--repo {repo!r} is not a repository URL nbgitpuller can clone; use {schemes} "
            "(e.g. https://github.com/org/mscpso-edu)"
        )
    if parts.scheme == "file" and (parts.netloc not in ("", "localhost") or not parts.path):
        raise CourseError(f"--repo {repo!r}: a file:// URL needs an absolute path")
    if any(char.isspace() for char in repo):
        raise CourseError(f"--repo {repo!r} contains spaces; URL-encode them or fix the address")
    return repo


def find_lesson(lesson: str, folder: Path | None = None) -> str:
    """Return the notebook file name of ``lesson`` (``"3"``, ``"03"`` or ``"03_keratinocytes"``).

    Raises
    ------
    CourseError
        When no lesson matches; the message lists the lessons there are.
    """
    folder = folder if folder is not None else lessons_dir()
    names = sorted(path.name for path in folder.glob("[0-9][0-9]_*.ipynb"))
    wanted = lesson.strip().removesuffix(".ipynb")
    if wanted.isdigit():
        wanted = f"{int(wanted):02d}"
    for name in names:
        stem = name.removesuffix(".ipynb")
        if wanted in (stem, stem[:2]):
            return name
    known = ", ".join(name.removesuffix(".ipynb") for name in names) or "(none found)"
    raise CourseError(f"--lesson {lesson!r}: no such lesson; the lessons are: {known}")


def nbgitpuller_link(
    hub: str,
    repo: str,
    *,
    branch: str | None = None,
    lesson: str | None = None,
    targetpath: str = _DEFAULT_TARGET,
    app: str = "lab",
    lessons_folder: Path | None = None,
) -> str:
    """Return the nbgitpuller link that clones ``repo`` into ``targetpath`` and opens a lesson.

    Parameters
    ----------
    hub
        The hub's address, e.g. ``https://hub.example.edu`` (a trailing ``/hub`` is accepted).
    repo
        The course repository's clone URL.
    branch
        Branch to pull; default: nbgitpuller uses the repository's default branch.
    lesson
        Lesson to open (``"03"`` or ``"03_keratinocytes"``); default: the course folder.
    targetpath
        Folder in the student's home the course is cloned into.
    app
        ``"lab"`` (JupyterLab) or ``"notebook"`` (Notebook 7).
    lessons_folder
        Where to look lessons up; default this installation's lessons.

    Returns
    -------
    str
        ``<hub>/hub/user-redirect/git-pull?repo=...&branch=...&urlpath=...&targetpath=...``,
        every value percent-encoded.

    Examples
    --------
    >>> nbgitpuller_link("https://hub.example.edu", "https://github.com/o/c", branch="main")
    'https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fc&branch=main&urlpath=lab%2Ftree%2Fcourse&targetpath=course'
    """
    base = _check_hub(hub)
    repo = _check_repo(repo)
    if branch is not None and not _BRANCH_RE.match(branch):
        raise CourseError(f"--branch {branch!r} is not a valid git branch name")
    if not _TARGET_RE.match(targetpath) or targetpath in (".", ".."):
        raise CourseError(
            f"--targetpath {targetpath!r} must be one folder name (letters, digits, '.', '_', '-')"
        )
    if app not in ("lab", "notebook"):
        raise CourseError(f"--app {app!r} must be 'lab' or 'notebook'")
    opened = targetpath
    if lesson is not None:
        opened = f"{targetpath}/lessons/{find_lesson(lesson, lessons_folder)}"
    urlpath = f"{app}/tree/{opened}" if app == "lab" else f"notebooks/{opened}"
    if app == "notebook" and lesson is None:
        urlpath = f"tree/{opened}"
    query = [("repo", repo)]
    if branch is not None:
        query.append(("branch", branch))
    query += [("urlpath", urlpath), ("targetpath", targetpath)]
    encoded = "&".join(f"{key}={quote(value, safe='')}" for key, value in query)
    return f"{base}/hub/user-redirect/git-pull?{encoded}"


def _command(args: argparse.Namespace) -> int:
    print(
        nbgitpuller_link(
            args.hub,
            args.repo,
            branch=args.branch,
            lesson=args.lesson,
            targetpath=args.targetpath,
            app=args.app,
        )
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``link`` command to the command line."""
    parser = subparsers.add_parser(
        "link",
        help="print an nbgitpuller link that gives students the course on a JupyterHub",
        description="Print a link that, on a JupyterHub with nbgitpuller, clones the course "
        "repository into each student's course/ folder (merging new commits on later clicks) "
        "and opens a lesson. See deploy/jupyterhub/README.md.",
    )
    parser.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.x.edu")
    parser.add_argument("--repo", required=True, help="the course repository's clone URL")
    parser.add_argument("--branch", help="branch to pull (default: the repository's default)")
    parser.add_argument("--lesson", help="lesson to open: a number (03) or slug (03_keratinocytes)")
    parser.add_argument(
        "--targetpath",
        default=_DEFAULT_TARGET,
        help="folder in the student's home (default: course)",
    )
    parser.add_argument(
        "--app", choices=("lab", "notebook"), default="lab", help="interface to open (default: lab)"
    )
    parser.set_defaults(handler=_command)
