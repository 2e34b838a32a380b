"""Each lesson executed once per test run, and the executed notebook shared by the tests that
read outputs (the taught-in-lessons check, the static site build).

A lesson is run top to bottom in a fresh kernel with nbclient, as a learner's *Run All* does, and
the executed notebook is kept in ``$MSCPSO_EDU_EXECUTED`` (``make test`` points it at the run's
temporary folder; without it, a folder per test session). A kept notebook is used only while its
lesson's cells are unchanged (a hash of the sources is stored with it), so an edit re-executes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import nbformat

from mscpso_edu.fileio import atomic_write_text
from mscpso_edu.paths import lessons_dir

EXECUTED_ENV = "MSCPSO_EDU_EXECUTED"
_SESSION_FOLDER: Path | None = None


def executed_dir() -> Path:
    """Return the folder of executed lessons for this run."""
    global _SESSION_FOLDER
    configured = os.environ.get(EXECUTED_ENV)
    if configured:
        return Path(configured)
    if _SESSION_FOLDER is None:
        _SESSION_FOLDER = Path(tempfile.mkdtemp(prefix="mscpso-executed-"))
        os.environ[EXECUTED_ENV] = str(_SESSION_FOLDER)  # workers and subprocesses share it
    return _SESSION_FOLDER


def _digest(notebook: nbformat.NotebookNode) -> str:
    sources = "\x00".join(f"{cell.cell_type}:{cell.source}" for cell in notebook.cells)
    return hashlib.sha256(sources.encode("utf-8")).hexdigest()


def executed_lesson(slug: str) -> Path:
    """Return the path of lesson ``slug`` executed top to bottom (executing it if needed)."""
    source = lessons_dir() / f"{slug}.ipynb"
    notebook = nbformat.read(source, as_version=4)
    digest = _digest(notebook)
    target = executed_dir() / f"{slug}.ipynb"
    if target.is_file():
        kept = nbformat.read(target, as_version=4)
        if kept.metadata.get("mscpso_executed_from") == digest:
            return target
    from nbclient import NotebookClient

    NotebookClient(
        notebook, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(source.parent)}},
    ).execute()  # fmt: skip
    notebook.metadata["mscpso_executed_from"] = digest
    atomic_write_text(target, nbformat.writes(notebook))
    return target
