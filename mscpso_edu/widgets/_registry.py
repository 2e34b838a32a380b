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
    #: Model-level caches to clear before a cold timing (e.g. simulate_skin's own LRU cache).
    model_caches: tuple[Callable[[], None], ...] = ()


def explorer_specs() -> dict[str, ExplorerSpec]:
    """Name -> spec for every explorer in :mod:`mscpso_edu.widgets`."""
    from ..models import bistable_core, skin_circuit, th17_treg
    from . import dosing_explorer, pasi_explorer, phase_plane, skin_explorer, th17_explorer

    def naive_skin(values: dict[str, Any]) -> Any:
        return skin_explorer._make_solver(skin_explorer.naive_simulate)[0](values)

    skin_caches = (skin_circuit._simulate_cached.cache_clear,)
    core_caches = (bistable_core._simulate_core.cache_clear,)
    th17_caches = (th17_treg._simulate_cached.cache_clear,)

    def th17_fresh(values: dict[str, Any]) -> Any:
        return th17_explorer._make_solver()[0](values)

    return {
        "pasi_calculator": ExplorerSpec(
            pasi_explorer.pasi_calculator, pasi_explorer._scene, pasi_explorer._solve
        ),
        # The bistable core has no fixed-step solver in the models package: its naive run uses
        # the same solver, so its ratio measures the figure handling alone.
        "explore_phase_plane": ExplorerSpec(
            phase_plane.explore_phase_plane, phase_plane._scene, phase_plane._solve, core_caches
        ),
        "explore_skin_circuit": ExplorerSpec(
            skin_explorer.explore_skin_circuit, skin_explorer._scene, naive_skin, skin_caches
        ),
        # No fixed-step solver for the Th17 model either: same solver, fresh cache.
        "explore_th17_treg": ExplorerSpec(
            th17_explorer.explore_th17_treg, th17_explorer._scene, th17_fresh, th17_caches
        ),
        "explore_msc_dosing": ExplorerSpec(
            dosing_explorer.explore_msc_dosing,
            dosing_explorer._scene,
            dosing_explorer.naive_solve,
            skin_caches,
        ),
    }
