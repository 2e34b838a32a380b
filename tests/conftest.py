"""Shared test set-up: every test runs with a private data home and headless matplotlib."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point MSCPSO_EDU_HOME at a fresh folder so no test touches the user's data."""
    home = tmp_path_factory.mktemp("mscpso_home")
    monkeypatch.setenv("MSCPSO_EDU_HOME", str(home))
    # Cached model results too: every test computes what it checks (see results_cache).
    monkeypatch.setenv("MSCPSO_EDU_CACHE", str(tmp_path_factory.mktemp("mscpso_cache")))
    return home


@pytest.fixture()
def repo() -> Path:
    """The repository root."""
    return REPO
