"""Explore the bistable core on its phase plane: a trigger that flips the skin, a boost that heals.

The static picture (vector field, nullclines, fixed points coloured by stability, basin boundary)
belongs to the model at rest. The controls set a temporary push: the disease's trigger, an extra
immune-cell influx (a dendritic-cell/T-cell flare) of chosen size and length, or a treatment,
faster immune clearance (a Treg/IDO-like effect) of chosen strength over one fixed course of
:data:`CLEARANCE_COURSE_DAYS` days. The explorer teaches memory: a push that ends across the basin
boundary leaves the skin in the other state. How a treatment's strength trades against its
duration is lesson 05's explorer, not this one (issue 17). While a push acts, its shifted immune
nullcline is drawn dotted; the trajectory shows where the skin goes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.patches import Rectangle

from ..diagrams.phase import draw_core_streamlines
from ..models import bistable_core
from ..style import ROLE_COLOURS, course_style
from ._base import Explorer, Readout, Scene, dropdown, float_slider, int_slider, new_figure

__all__ = ["CLEARANCE_COURSE_DAYS", "explore_phase_plane"]

HORIZON_DAYS = 365.0
PUSH_START = 10.0
#: The clearance boost runs for this one fixed course (days from PUSH_START), four weeks like the
#: fixed MSC courses of lessons 03 and 07; only its strength is a control.
CLEARANCE_COURSE_DAYS = 28.0
T_MAX = 6000.0  # cells/mm^2 shown
K_MAX = 150000.0
_K = np.linspace(0.0, K_MAX, 400)
_GRID = np.arange(0.0, HORIZON_DAYS + 0.5, 0.5)
_DEFAULT = bistable_core.CoreParameters()


def _controls() -> dict[str, Any]:
    return {
        "start": dropdown(
            "Skin starts", [("healthy", "healthy"), ("psoriatic", "psoriatic")], "healthy"
        ),
        "influx": float_slider(
            "Extra immune influx (cells/mm² per day)", 100.0, 0.0, 1500.0, 25.0, ".0f"
        ),
        "influx_days": int_slider("Influx lasts (days)", 5, 1, 30),
        "clearance": float_slider(
            f"Immune clearance × (Treg/IDO-like), {CLEARANCE_COURSE_DAYS:g}-day course",
            1.0,
            1.0,
            5.0,
            0.25,
        ),
    }


def _solve(values: dict[str, Any]) -> bistable_core.CoreResult:
    return bistable_core.simulate_core(
        days=HORIZON_DAYS,
        start=values["start"],
        influx=values["influx"],
        influx_start=PUSH_START,
        influx_days=float(values["influx_days"]),
        clearance_factor=values["clearance"],
        clearance_start=PUSH_START,
        clearance_days=CLEARANCE_COURSE_DAYS,
        t_eval=_GRID,
    )


def _immune_nullcline(p: bistable_core.CoreParameters, influx: float, factor: float) -> np.ndarray:
    """T where T' = 0 while a push acts: (recruitment + k4 + influx) / (k3 x factor)."""
    return (p.kvm * _K**2 / (p.kp + _K**2) + p.k4 + influx) / (p.k3 * factor)


def eventual_state(T: float, K: float) -> str:
    """Which basin (T, K) lies in, hence where the skin ends once every push has stopped.

    The basin boundary is a curve T_b(K) through the saddle (T falls as K rises); states with
    T above it go psoriatic, below it healthy. Beyond the traced curve the nearer end applies.
    """
    boundary_T, boundary_K = bistable_core.basin_boundary(_DEFAULT, T_max=T_MAX, K_max=K_MAX)
    return "psoriatic" if np.interp(K, boundary_K, boundary_T) < T else "healthy"


def _scene() -> Scene:
    p = bistable_core.CoreParameters()
    points = [fp for fp in bistable_core.fixed_points(p) if fp.K > 0]
    healthy, psoriatic = points[0], points[-1]
    with course_style():
        figure = new_figure(7.6, 3.6, ncols=2, width_ratios=[1.1, 1])
        plane, course = figure.axes
        draw_core_streamlines(plane, density=0.9)
        null = bistable_core.nullclines(p, _K)
        plane.plot(null.T_nullcline, _K / 1e3, color=ROLE_COLOURS["activates"], lw=1.5,
                   label="immune nullcline (T' = 0)")  # fmt: skip
        plane.plot(null.K_nullcline, _K / 1e3, color=ROLE_COLOURS["msc"], lw=1.5,
                   label="keratinocyte nullcline (K' = 0)")  # fmt: skip
        boundary_T, boundary_K = bistable_core.basin_boundary(p, T_max=T_MAX, K_max=K_MAX)
        plane.plot(boundary_T, boundary_K / 1e3, color="black", lw=1.2, ls="--",
                   label="basin boundary")  # fmt: skip
        for fp in points:
            stable = fp.kind == "stable"
            colour = ROLE_COLOURS["healthy"] if fp is healthy else ROLE_COLOURS["psoriatic"]
            plane.plot(fp.T, fp.K / 1e3, "o", ms=8, zorder=5,
                       color=colour if stable else "black",
                       markerfacecolor=colour if stable else "white")  # fmt: skip
            # Healthy and saddle sit close together: label one to the left, one to the right.
            left = fp is healthy
            plane.annotate(
                f"{fp.kind}\nK={fp.K / 1e3:.0f}k",
                (fp.T, fp.K / 1e3),
                xytext=(-7, -3) if left else (7, 3),
                textcoords="offset points",
                fontsize=7,
                ha="right" if left else "left",
                va="top" if left else "bottom",
            )
        (pushed,) = plane.plot([], [], color=ROLE_COLOURS["activates"], lw=1.2, ls=":",
                               label="immune nullcline during the push")  # fmt: skip
        (trajectory,) = plane.plot([], [], color=ROLE_COLOURS["therapy"], lw=2.2,
                                   label="trajectory")  # fmt: skip
        (start_dot,) = plane.plot([], [], "s", color=ROLE_COLOURS["therapy"], ms=6)
        (end_dot,) = plane.plot([], [], "*", color=ROLE_COLOURS["therapy"], ms=12)
        plane.set_xlim(0, T_MAX)
        plane.set_ylim(0, K_MAX / 1e3)
        plane.set_xlabel("Immune cells T (per mm²)")
        plane.set_ylabel("Proliferative keratinocytes K\n(10³ per mm²)", fontsize=9)
        plane.legend(loc="upper left", fontsize=7, framealpha=0.9, frameon=True)

        (k_line,) = course.plot([], [], color=ROLE_COLOURS["therapy"], lw=2, label="K")
        course.axhline(healthy.K / 1e3, color=ROLE_COLOURS["healthy"], ls=":", lw=1)
        course.axhline(psoriatic.K / 1e3, color=ROLE_COLOURS["psoriatic"], ls=":", lw=1)
        course.text(HORIZON_DAYS, healthy.K / 1e3, "healthy", ha="right", va="bottom", fontsize=8)
        course.text(HORIZON_DAYS, psoriatic.K / 1e3, "psoriatic", ha="right", va="bottom",
                    fontsize=8)  # fmt: skip
        transform = course.get_xaxis_transform()
        influx_span = Rectangle((PUSH_START, 0), 0, 1, transform=transform,
                                color=ROLE_COLOURS["activates"], alpha=0.15)  # fmt: skip
        clearance_span = Rectangle((PUSH_START, 0), 0, 1, transform=transform,
                                   color=ROLE_COLOURS["inhibits"], alpha=0.15)  # fmt: skip
        course.add_patch(influx_span)
        course.add_patch(clearance_span)
        course.set_xlim(0, HORIZON_DAYS)
        # The same K range as the phase plane, fixed so an update never redraws the axes.
        course.set_ylim(0, K_MAX / 1e3)
        course.set_xlabel("Day")
        course.set_ylabel("K (10³ per mm²)", fontsize=9)
        course.set_title(
            f"Shaded: influx (red), {CLEARANCE_COURSE_DAYS:g}-day boost (blue)", fontsize=8
        )

    def draw(result: bistable_core.CoreResult, values: dict[str, Any]) -> Readout:
        influx_on = values["influx"] > 0
        clearance_on = values["clearance"] > 1.0
        trajectory.set_data(result.T, result.K / 1e3)
        start_dot.set_data([result.T[0]], [result.K[0] / 1e3])
        end_dot.set_data([result.T[-1]], [result.K[-1] / 1e3])
        pushed.set_visible(influx_on or clearance_on)
        pushed.set_data(
            _immune_nullcline(
                p,
                values["influx"] if influx_on else 0.0,
                values["clearance"] if clearance_on else 1.0,
            ),
            _K / 1e3,
        )
        k_line.set_data(result.t, result.K / 1e3)
        influx_span.set_width(values["influx_days"] if influx_on else 0)
        clearance_span.set_width(CLEARANCE_COURSE_DAYS if clearance_on else 0)

        # Judge by basin, not by the nearest fixed point: near the saddle the skin can take
        # years to settle, and on day 365 it may still sit closer to the state it is leaving.
        state = eventual_state(float(result.T[-1]), float(result.K[-1]))
        start = values["start"]
        outcome = "stays" if state == start else "switches to"
        target = healthy if state == "healthy" else psoriatic
        settled = abs(result.K[-1] / target.K - 1) < 0.05
        text = (
            f"Day {HORIZON_DAYS:g}: K = {result.K[-1]:,.0f} per mm² "
            f"(turnover {result.turnover_days[-1]:.0f} days); on the {state} side of the basin "
            f"boundary, so the skin {outcome} {state}" + ("" if settled else " (still on its way)")
        )
        pushes = []
        if influx_on:
            pushes.append(f"extra immune influx {values['influx']:g}/mm²/day for "
                          f"{values['influx_days']} days")  # fmt: skip
        if clearance_on:
            pushes.append(f"clearance ×{values['clearance']:g} for the fixed "
                          f"{CLEARANCE_COURSE_DAYS:g}-day course")  # fmt: skip
        alt = (
            "Phase plane of immune cells T against keratinocytes K with the two nullclines, "
            "stable healthy and psoriatic fixed points, the saddle between them and the basin "
            f"boundary through it. Starting {start}, with "
            f"{' and '.join(pushes) if pushes else 'no push'} from day {PUSH_START:g}, the "
            f"trajectory reaches T = {result.T[-1]:,.0f}, K = {result.K[-1]:,.0f} on day "
            f"{HORIZON_DAYS:g}, on the {state} side of the basin boundary. A second panel shows "
            f"K over {HORIZON_DAYS:g} days, with the influx and the {CLEARANCE_COURSE_DAYS:g}-day "
            "clearance course shaded while they act."
        )
        return Readout(text, alt)

    dynamic = [pushed, trajectory, start_dot, end_dot, k_line, influx_span, clearance_span]
    return Scene(figure, dynamic, draw)


def _notes() -> str:
    metadata = bistable_core.CoreParameters.__dataclass_fields__["k1"].metadata
    return (
        f"Model: the two-variable core of the skin circuit [{metadata['ref']}], "
        f"{metadata['note']}: <b>reconstructed</b>, so its switching thresholds are properties "
        "of the reconstruction, not published numbers. Reading the extra influx as a dendritic "
        "cell/T-cell flare and the clearance boost as a Treg/IDO-like MSC effect is <b>our "
        f"interpretation</b>. Pushes start on day {PUSH_START:g}; the clearance boost always runs "
        f"for one fixed course of {CLEARANCE_COURSE_DAYS:g} days, so only its strength is yours to "
        "choose (how strength trades against duration is lesson 05). Filled circles: stable fixed "
        "points; open circle: saddle."
    )


def explore_phase_plane() -> Explorer:
    """Return the phase-plane explorer of the bistable core.

    Controls: ``start`` ("healthy" or "psoriatic"), ``influx`` (extra immune influx,
    cells/mm²/day) and ``influx_days`` (the trigger), and ``clearance`` (immune-clearance
    multiplier, run for the fixed :data:`CLEARANCE_COURSE_DAYS`-day course). The readout says
    where the skin is on day 365 and, from the side of the basin boundary it is on, whether it
    switches.
    """
    scene = _scene()
    return Explorer(
        title="The bistable core on its phase plane",
        controls=_controls(),
        figure=scene.figure,
        dynamic_artists=scene.dynamic_artists,
        solve=_solve,
        draw=scene.draw,
        notes=_notes(),
    )
