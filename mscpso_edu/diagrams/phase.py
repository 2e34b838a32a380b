"""A worked reading of a phase plane (lesson 01): the bistable core at rest, labelled for learners.

Re-exported by :mod:`mscpso_edu.diagrams`, whose conventions it follows: ``ax=None`` in, a
:class:`~mscpso_edu.diagrams.Drawn` out with the artists and an alt text generated from the model,
drawing only inside :func:`~mscpso_edu.style.course_style`, no pyplot state.

The figure carries the words lesson 01 teaches before the phase-plane explorer: the two
nullclines, the steady states where they cross (two stable, one saddle), the basin boundary
through the saddle, and two worked trajectories, A and B, that start close together on either
side of the boundary and end in different stable states. There is no push here: what a push does
is what the explorer shows, after the learner has predicted it.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import FancyArrowPatch

from ..models import bistable_core
from ..results_cache import cached_result
from ..style import ROLE_COLOURS, course_style
from .core import Drawn, new_axes

__all__ = ["core_streamlines", "draw_core_streamlines", "phase_plane_reading"]

_T_MAX = 6000.0  # cells/mm^2 shown (the explorer's window)
_K_MAX = 150000.0
#: Where the worked starts sit: at this T on the basin boundary, this fraction of the boundary's
#: K below (A) and above (B) it.
_START_T = 3000.0
_START_K_OFFSET = 0.15


#: Streamline look shared by the worked reading and the phase-plane explorer.
_STREAM_STYLE = {"color": "#C8C8C8", "linewidth": 0.6, "arrowsize": 0.7}
_STREAM_GRID = 25

#: Streamlines: (line vertices, arrows as (tail, head)), in (T, K / 1000) coordinates.
Streams = tuple[list[np.ndarray], list[tuple[tuple[float, float], tuple[float, float]]]]


def _trace_streamlines(density: float) -> Streams:
    """Let matplotlib's ``streamplot`` trace the bistable core's field; keep only the geometry."""
    from matplotlib.figure import Figure

    p = bistable_core.CoreParameters()
    T, K, dT, dK = bistable_core.vector_field(
        p, np.linspace(0, _T_MAX, _STREAM_GRID), np.linspace(0, _K_MAX, _STREAM_GRID)
    )
    scratch = Figure().add_subplot()
    drawn = scratch.streamplot(T, K / 1e3, dT, dK / 1e3, density=density, **_STREAM_STYLE)
    lines = [np.asarray(line, dtype=float) for line in drawn.lines.get_segments()]
    arrows = [patch._posA_posB for patch in scratch.patches]
    return lines, [(tuple(map(float, a)), tuple(map(float, b))) for a, b in arrows]


@functools.cache
def core_streamlines(density: float) -> Streams:
    """Return the streamlines of the bistable core's vector field at rest, as ``streamplot``
    traces them at ``density`` on a 25 x 25 grid over the shown window.

    Tracing takes a few hundred milliseconds of pure Python; the geometry depends only on the
    model code, its parameters, ``density`` and matplotlib, so it is computed once per model
    version and read back from the results cache (:mod:`mscpso_edu.results_cache`).

    Returns
    -------
    tuple
        ``(lines, arrows)``: each line an ``(n, 2)`` array of (T, K / 1000) points, each arrow
        a ``(tail, head)`` pair of points.
    """
    import matplotlib

    return cached_result(
        "core_streamlines",
        [float(density), _T_MAX, _K_MAX, _STREAM_GRID, _STREAM_STYLE, matplotlib.__version__],
        lambda: _trace_streamlines(density),
        encode=lambda streams: [[line.tolist() for line in streams[0]], streams[1]],
        decode=lambda data: (
            [np.asarray(line, dtype=float) for line in data[0]],
            [(tuple(a), tuple(b)) for a, b in data[1]],
        ),
        extra_files=["diagrams/phase.py"],
    )


def draw_core_streamlines(ax: Axes, density: float) -> dict[str, Any]:
    """Draw the core's streamlines on ``ax`` (T on x, K / 1000 on y), in light grey.

    The same picture as ``ax.streamplot`` at ``density``, from the traced geometry of
    :func:`core_streamlines`: a line collection and one small arrowhead per streamline. The
    arrowheads are not shortened at their ends (``streamplot`` pulls each back 2 points, which
    costs a path split per arrow and every draw, and moves nothing a reader can see).

    Returns
    -------
    dict
        ``lines`` (the :class:`~matplotlib.collections.LineCollection`) and ``arrows`` (the
        arrowhead patches).
    """
    lines, arrows = core_streamlines(density)
    colour, width = _STREAM_STYLE["color"], _STREAM_STYLE["linewidth"]
    collection = LineCollection(lines, color=colour, linewidth=width, zorder=2)
    collection.set_in_layout(False)  # inside the axes: no layout pass need measure them
    ax.add_collection(collection, autolim=False)
    heads = []
    for tail, head in arrows:
        patch = FancyArrowPatch(tail, head, transform=ax.transData, arrowstyle="-|>",
                                mutation_scale=10 * _STREAM_STYLE["arrowsize"], color=colour,
                                linewidth=width, zorder=2, shrinkA=0, shrinkB=0)  # fmt: skip
        patch.set_in_layout(False)
        ax.add_artist(patch)  # not add_patch: its data-limit update costs ~2 ms per arrow
        heads.append(patch)
    return {"lines": collection, "arrows": heads}


def _boundary_K_at(boundary_T: np.ndarray, boundary_K: np.ndarray, T: float) -> float:
    order = np.argsort(boundary_T)
    return float(np.interp(T, boundary_T[order], boundary_K[order]))


def phase_plane_reading(ax: Axes | None = None, days: float = 730.0) -> Drawn:
    """The bistable core's phase plane with its parts labelled and two worked trajectories.

    Parameters
    ----------
    ax
        Axes to draw on; a new figure is made when None.
    days
        How long the worked trajectories A and B are followed.

    Returns
    -------
    Drawn
        ``artists`` has ``nullclines`` (immune, keratinocyte), ``points`` (the three steady
        states), ``boundary``, ``trajectories`` (A, B) and ``point_labels``.
    """
    p = bistable_core.CoreParameters()
    points = [fp for fp in bistable_core.fixed_points(p) if fp.K > 0]
    healthy, saddle, psoriatic = points[0], points[1], points[-1]
    K_grid = np.linspace(0.0, _K_MAX, 400)
    null = bistable_core.nullclines(p, K_grid)
    boundary_T, boundary_K = bistable_core.basin_boundary(p, T_max=_T_MAX, K_max=_K_MAX)
    edge_K = _boundary_K_at(boundary_T, boundary_K, _START_T)
    starts = {
        "A": (_START_T, edge_K * (1 - _START_K_OFFSET)),
        "B": (_START_T, edge_K * (1 + _START_K_OFFSET)),
    }
    runs = {
        name: bistable_core.simulate_core(
            p, days=days, start=start, t_eval=np.linspace(0, days, 600)
        )
        for name, start in starts.items()
    }
    ends = {name: run.eventual_state for name, run in runs.items()}

    with course_style():
        fig, ax = new_axes(ax, (6.4, 4.2))
        streams = draw_core_streamlines(ax, density=0.8)
        immune = ax.plot(null.T_nullcline, K_grid / 1e3, color=ROLE_COLOURS["activates"], lw=1.6,
                         label="immune nullcline: T stops changing")[0]  # fmt: skip
        kerat = ax.plot(null.K_nullcline, K_grid / 1e3, color=ROLE_COLOURS["msc"], lw=1.6,
                        label="keratinocyte nullcline: K stops changing")[0]  # fmt: skip
        boundary = ax.plot(boundary_T, boundary_K / 1e3, color="black", lw=1.2, ls="--",
                           label="basin boundary (through the saddle)")[0]  # fmt: skip
        trajectories = {}
        for name, run in runs.items():
            (trajectories[name],) = ax.plot(run.T, run.K / 1e3, color=ROLE_COLOURS["therapy"],
                                            lw=2.0)  # fmt: skip
            ax.plot(run.T[0], run.K[0] / 1e3, "s", color=ROLE_COLOURS["therapy"], ms=5)
        dots = []
        labels = []
        named = (("healthy (stable)", healthy), ("saddle (unstable)", saddle),
                 ("psoriatic (stable)", psoriatic))  # fmt: skip
        for _text, fp in named:
            stable = fp.kind == "stable"
            colour = ROLE_COLOURS["healthy"] if fp is healthy else ROLE_COLOURS["psoriatic"]
            (dot,) = ax.plot(fp.T, fp.K / 1e3, "o", ms=8, zorder=5,
                             color=colour if stable else "black",
                             markerfacecolor=colour if stable else "white")  # fmt: skip
            dots.append(dot)
        # Healthy and saddle sit close together: healthy labelled below, saddle above-left.
        labels.append(ax.annotate("healthy\n(stable)", (healthy.T, healthy.K / 1e3),
                                  xytext=(6, -12), textcoords="offset points", fontsize=8,
                                  ha="left", va="top"))  # fmt: skip
        labels.append(ax.annotate("saddle\n(unstable)", (saddle.T, saddle.K / 1e3),
                                  xytext=(-8, 4), textcoords="offset points", fontsize=8,
                                  ha="right", va="bottom"))  # fmt: skip
        labels.append(ax.annotate("psoriatic\n(stable)", (psoriatic.T, psoriatic.K / 1e3),
                                  xytext=(-8, 6), textcoords="offset points", fontsize=8,
                                  ha="right", va="bottom"))  # fmt: skip
        for name, (t0, k0) in starts.items():
            below = name == "A"
            labels.append(ax.annotate(f"start {name}", (t0, k0 / 1e3),
                                      xytext=(8, -10 if below else 6), textcoords="offset points",
                                      fontsize=8, ha="left", va="top" if below else "bottom",
                                      color=ROLE_COLOURS["therapy"]))  # fmt: skip
        ax.set_xlim(0, _T_MAX)
        ax.set_ylim(0, _K_MAX / 1e3)
        ax.set_xlabel("Immune cells T (per mm²)")
        ax.set_ylabel("Proliferative keratinocytes K (10³ per mm²)")
        ax.set_title("Reading a phase plane: the bistable core at rest", fontsize=10)
        ax.legend(loc="upper right", fontsize=7, framealpha=0.9, frameon=True)

    alt = (
        "Phase plane of immune cells T (x axis) against proliferative keratinocytes K (y axis) "
        "for the two-variable core of the skin model, with grey arrows showing where each state "
        "moves. The immune nullcline and the keratinocyte nullcline cross three times: a stable "
        f"healthy state (K about {healthy.K / 1e3:.0f} thousand per mm²), a saddle (K about "
        f"{saddle.K / 1e3:.0f} thousand) and a stable psoriatic state (K about "
        f"{psoriatic.K / 1e3:.0f} thousand, T about {psoriatic.T:,.0f}). A dashed basin boundary "
        "runs through the saddle. Two trajectories start close together, at the same T on either "
        f"side of it: A, just below the boundary, ends {ends['A']}; B, just above it, ends "
        f"{ends['B']}."
    )
    artists = {
        "nullclines": [immune, kerat],
        "points": dots,
        "boundary": boundary,
        "trajectories": trajectories,
        "point_labels": labels,
        "ends": ends,
        "streamlines": streams,
    }
    return Drawn(fig, ax, artists, alt)
