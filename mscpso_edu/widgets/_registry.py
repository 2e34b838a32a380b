"""Every explorer with the pieces the benchmark needs to rebuild it the naive way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._base import Explorer, Scene

__all__ = ["ExplorerSpec", "explorer_specs"]


@dataclass(frozen=True)
class ExplorerSpec:
    """An explorer factory, its scene builder, and a naive (fixed-small-step) solver."""

    factory: Callable[[], Explorer]
    scene: Callable[[], Scene]
    naive_solve: Callable[[dict[str, Any]], Any]


def explorer_specs() -> dict[str, ExplorerSpec]:
    """Name -> spec for every explorer in :mod:`mscpso_edu.widgets`."""
    from . import pasi_explorer as pasi_module

    return {
        "pasi_calculator": ExplorerSpec(
            pasi_module.pasi_calculator, pasi_module._scene, pasi_module._solve
        ),
    }
