"""The bistable core: a two-variable immune/keratinocyte model for the phase-plane lesson.

**Reconstructed**, not published as written: the Shmarov et al. 2022 repository
(pzuliani/psoriasis; doi:10.1371/journal.pcbi.1010267) computes the steady states of a reduced
model in a script; the course rebuilt an ODE form and parameters from that script::

    T' = kvm*K^2/(kp + K^2) + k4 + influx(t) - k3*clearance(t)*T
    K' = k1*T*K - k2*K^2

T is immune (T) cells and K proliferative keratinocytes, both per mm^2, time in days.
Keratinocytes feed back on immune cells through a sigmoidal recruitment term; immune cells drive
keratinocyte proliferation; crowding limits it. The result has two stable states, healthy
(K = 30,000, turnover 21 days) and psoriatic (K = 90,000, 7 days), separated by a saddle at
K = 36,000 whose stable manifold is the basin boundary. Use it to show *why* the skin circuit
remembers: a push that crosses the boundary stays across.

What this reconstruction does (tests/test_bistable_core.py): fixed points at K = 30,471
(stable), 35,359 (saddle) and 90,272 (stable), within 2% of the design targets it was rebuilt to
(30,000 / about 36,000 / 90,000). Tripled clearance (k3 x 3) returns psoriatic skin to healthy
only if kept longer than about 14.9 days (14 days relapses, 28 cures, as designed). A 5-day extra
immune influx flips healthy skin above about 185 cells/mm^2/day; the design target was that 200
does not flip, but here 200 does, very slowly (the saddle's unstable eigenvalue is only
0.0013/day, so trajectories near the boundary linger for years):
:attr:`CoreResult.eventual_state` follows them to the end, while :attr:`CoreResult.final_state`
only says which state is nearest at the horizon.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..errors import CourseError
from ..knowledge import MarkdownText, markdown_table
from ._validate import check_known_names, check_non_negative, check_positive

__all__ = [
    "CoreParameters",
    "CoreResult",
    "FixedPoint",
    "Nullclines",
    "basin_boundary",
    "fixed_point_table",
    "fixed_points",
    "nullclines",
    "simulate_core",
    "vector_field",
]


# scipy.integrate and scipy.optimize (with scipy.special and sparse) take about half a second to
# import; a lesson that never runs this model should not pay it, so they are imported on first use.


def _odeint(*args, **kwargs):
    from scipy.integrate import odeint

    return odeint(*args, **kwargs)


def _solve_ivp(*args, **kwargs):
    from scipy.integrate import solve_ivp

    return solve_ivp(*args, **kwargs)


_REF = "shmarov2022"
_NOTE = "reconstructed from the steady-state script in the Shmarov 2022 authors' repository"


def _p(value: float, unit: str, description: str) -> float:
    return field(
        default=value,
        metadata={"unit": unit, "ref": _REF, "description": description, "note": _NOTE},
    )


@dataclass(frozen=True)
class CoreParameters:
    """Parameters of the reconstructed two-variable model (see the module docstring).

    Field metadata holds ``unit``, ``ref``, ``description`` and ``note`` ("reconstructed").
    """

    k1: float = _p(3.175e-5, "mm^2/(cell day)", "immune-driven keratinocyte proliferation")
    k2: float = _p(1.587e-6, "mm^2/(cell day)", "keratinocyte crowding (sets turnover 1/(k2 K))")
    k3: float = _p(0.1444, "1/day", "immune-cell clearance")
    k4: float = _p(100.0, "cells/mm^2/day", "baseline immune-cell influx")
    kvm: float = _p(1026.7, "cells/mm^2/day", "maximal keratinocyte-driven immune recruitment")
    kp: float = _p(7.02e9, "cells^2/mm^4", "half-saturation (squared) of that recruitment")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = check_positive(f"core parameter {f.name}", getattr(self, f.name))
            object.__setattr__(self, f.name, value)

    def replace(self, **changes: float) -> CoreParameters:
        """Return a copy with some values changed; unknown names raise :class:`CourseError`."""
        check_known_names("core parameter", changes, [f.name for f in dataclasses.fields(self)])
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class FixedPoint:
    """A fixed point (T, K) with its Jacobian eigenvalues and kind."""

    T: float
    K: float
    eigenvalues: tuple[complex, ...]
    kind: str  # "stable", "saddle" or "unstable"

    @property
    def turnover_days(self) -> float:
        """Keratinocyte turnover 1/(k2 K) at default k2 (days); 21 healthy, 7 psoriatic."""
        return 1.0 / (CoreParameters().k2 * self.K) if self.K > 0 else float("inf")


def _classify(eigenvalues: np.ndarray) -> str:
    real = eigenvalues.real
    if np.all(real < 0):
        return "stable"
    if np.any(real < 0) and np.any(real > 0):
        return "saddle"
    return "unstable"


def _jacobian(p: CoreParameters, T: float, K: float, k3: float | None = None) -> np.ndarray:
    k3 = p.k3 if k3 is None else k3
    dT_dK = p.kvm * 2 * K * p.kp / (p.kp + K * K) ** 2
    return np.array([[-k3, dT_dK], [p.k1 * K, p.k1 * T - 2 * p.k2 * K]])


@lru_cache(maxsize=64)
def fixed_points(params: CoreParameters | None = None) -> tuple[FixedPoint, ...]:
    """All fixed points with K >= 0, ordered by K, with stability from the Jacobian.

    With K > 0, K' = 0 gives T = (k2/k1) K; putting that into T' = 0 gives the cubic
    ``a K^3 - (kvm + k4) K^2 + a kp K - k4 kp = 0`` with ``a = k3 k2 / k1``. K = 0 (no
    keratinocytes, T = k4/k3) is a fixed point too.

    Examples
    --------
    >>> [round(fp.K, -2) for fp in fixed_points()][1:]
    [30500.0, 35400.0, 90300.0]
    """
    p = CoreParameters() if params is None else params
    a = p.k3 * p.k2 / p.k1
    roots = np.roots([a, -(p.kvm + p.k4), a * p.kp, -p.k4 * p.kp])
    ks = sorted(r.real for r in roots if abs(r.imag) < 1e-6 * abs(r) and r.real > 0)
    points = [(p.k4 / p.k3, 0.0)] + [(p.k2 / p.k1 * k, k) for k in ks]
    result = []
    for T, K in points:
        eig = np.linalg.eigvals(_jacobian(p, T, K))
        result.append(
            FixedPoint(float(T), float(K), tuple(complex(e) for e in eig), _classify(eig))
        )
    return tuple(result)


def fixed_point_table(params: CoreParameters | None = None) -> MarkdownText:
    """Return the fixed points of the core model as a Markdown table, ordered by keratinocytes.

    Columns: kind (stable or saddle), keratinocytes and immune cells per mm², and keratinocyte
    turnover in days ("none" at the point with no keratinocytes).

    Examples
    --------
    >>> print(fixed_point_table())  # doctest: +ELLIPSIS
    | Fixed point | Keratinocytes per mm² | Immune cells per mm² | Turnover (days) |
    |---|---|---|---|
    | saddle | 0 | 693 | none |
    | stable | 30,471 | 1,523 | 20.7 |
    ...
    """
    rows = [
        (
            point.kind,
            f"{point.K:,.0f}",
            f"{point.T:,.0f}",
            f"{point.turnover_days:.1f}" if math.isfinite(point.turnover_days) else "none",
        )
        for point in fixed_points(params)
    ]
    header = ["Fixed point", "Keratinocytes per mm²", "Immune cells per mm²", "Turnover (days)"]
    return markdown_table(header, rows)


def _stable_states(p: CoreParameters) -> tuple[FixedPoint | None, FixedPoint | None]:
    stable = [fp for fp in fixed_points(p) if fp.kind == "stable" and fp.K > 0]
    if not stable:
        return None, None
    if len(stable) == 1:
        return stable[0], None
    return stable[0], stable[-1]


@dataclass(frozen=True)
class Nullclines:
    """Nullclines over ``K``: T where T' = 0 and T where K' = 0 (besides the axis K = 0)."""

    K: np.ndarray
    T_nullcline: np.ndarray
    K_nullcline: np.ndarray


def nullclines(params: CoreParameters | None, K_values: Sequence[float]) -> Nullclines:
    """T-nullcline ``T = (kvm K^2/(kp + K^2) + k4)/k3`` and K-nullcline ``T = (k2/k1) K``."""
    p = CoreParameters() if params is None else params
    K = np.asarray(K_values, dtype=float)
    if K.ndim != 1 or not np.all(np.isfinite(K)) or np.any(K < 0):
        raise CourseError("K_values must be a list of finite numbers >= 0")
    T_null = (p.kvm * K**2 / (p.kp + K**2) + p.k4) / p.k3
    return Nullclines(K=K, T_nullcline=T_null, K_nullcline=p.k2 / p.k1 * K)


def vector_field(
    params: CoreParameters | None, T_grid: Sequence[float], K_grid: Sequence[float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rates (dT/dt, dK/dt) on the mesh of ``T_grid`` x ``K_grid``.

    Returns ``(T, K, dT, dK)``, each of shape ``(len(K_grid), len(T_grid))`` as from
    ``numpy.meshgrid(T_grid, K_grid)``, ready for ``quiver``/``streamplot`` with T on x.
    """
    p = CoreParameters() if params is None else params
    T, K = np.meshgrid(np.asarray(T_grid, dtype=float), np.asarray(K_grid, dtype=float))
    dT = p.kvm * K**2 / (p.kp + K**2) + p.k4 - p.k3 * T
    dK = p.k1 * T * K - p.k2 * K**2
    return T, K, dT, dK


@lru_cache(maxsize=32)
def _basin_boundary(p: CoreParameters, T_max: float, K_max: float, days: float):
    saddles = [fp for fp in fixed_points(p) if fp.kind == "saddle" and fp.K > 0]
    if not saddles:
        raise CourseError("these core parameters have no saddle, so no basin boundary")
    saddle = saddles[0]
    eigenvalues, vectors = np.linalg.eig(_jacobian(p, saddle.T, saddle.K))
    stable = vectors[:, int(np.argmin(eigenvalues.real))].real
    stable = stable / np.linalg.norm(stable / [saddle.T, saddle.K])  # unit in relative terms

    def backwards(t, y):
        T, K = y
        return [-(p.kvm * K * K / (p.kp + K * K) + p.k4 - p.k3 * T), -(p.k1 * T * K - p.k2 * K * K)]

    def leaves(t, y):
        return min(y[0], y[1], T_max - y[0], K_max - y[1])

    leaves.terminal = True
    branches = []
    for sign in (-1.0, 1.0):
        start = np.array([saddle.T, saddle.K]) + sign * 1e-6 * stable * [saddle.T, saddle.K]
        sol = _solve_ivp(
            backwards, (0, days), start, events=leaves, rtol=1e-9, atol=1e-9, max_step=0.5,
            dense_output=False,
        )  # fmt: skip
        branches.append(sol.y)
    first, second = branches
    path = np.concatenate([first[:, ::-1], np.array([[saddle.T], [saddle.K]]), second], axis=1)
    path = path[:, np.argsort(path[1])]
    path.setflags(write=False)
    return path


def basin_boundary(
    params: CoreParameters | None = None,
    *,
    T_max: float = 6000.0,
    K_max: float = 150000.0,
    days: float = 400.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The separatrix: the stable manifold of the saddle, as (T, K) arrays sorted by K.

    Traced by integrating backwards in time from just either side of the saddle along its
    stable eigenvector, until the curve leaves ``[0, T_max] x [0, K_max]`` or ``days`` pass.
    Starting states on one side end healthy, on the other psoriatic.
    """
    p = CoreParameters() if params is None else params
    path = _basin_boundary(
        p,
        check_positive("T_max", T_max),
        check_positive("K_max", K_max),
        check_positive("days", days),
    )
    return path[0], path[1]


@dataclass(frozen=True, eq=False)
class CoreResult:
    """A trajectory of the bistable core: ``t`` (days), ``T`` and ``K`` (cells/mm^2)."""

    t: np.ndarray
    T: np.ndarray
    K: np.ndarray
    params: CoreParameters

    @property
    def final_state(self) -> str:
        """``"healthy"`` or ``"psoriatic"``: the stable state nearest (in log K) the end."""
        healthy, psoriatic = _stable_states(self.params)
        options = {
            name: abs(np.log(max(self.K[-1], 1e-9) / fp.K))
            for name, fp in (("healthy", healthy), ("psoriatic", psoriatic))
            if fp is not None
        }
        return min(options, key=options.get)

    @property
    def eventual_state(self) -> str:
        """Where the trajectory ends up if left alone after the horizon: follows it onward
        (no influx, normal clearance) for 20,000 days, enough to leave the slow saddle."""
        onward = simulate_core(
            self.params, days=20000.0, start=(self.T[-1], self.K[-1]), t_eval=[0.0, 20000.0]
        )
        return onward.final_state

    @property
    def turnover_days(self) -> np.ndarray:
        """Keratinocyte turnover ``1/(k2 K)`` (days)."""
        with np.errstate(divide="ignore"):
            return 1.0 / (self.params.k2 * self.K)


def simulate_core(
    params: CoreParameters | None = None,
    *,
    days: float,
    start: str | Sequence[float] = "healthy",
    influx: float = 0.0,
    influx_start: float = 10.0,
    influx_days: float = 5.0,
    clearance_factor: float = 1.0,
    clearance_start: float = 10.0,
    clearance_days: float = 0.0,
    t_eval: Sequence[float] | None = None,
) -> CoreResult:
    """Simulate the bistable core, piecewise between the pulse edges.

    Parameters
    ----------
    params : CoreParameters, optional
    days : float
        Horizon (> 0).
    start : "healthy", "psoriatic" or (T, K)
    influx : float
        Extra immune-cell influx (cells/mm^2/day) added to T' for ``influx_days`` from
        ``influx_start``. Here 5 days above about 185 cells/mm^2/day eventually flip healthy
        skin (the design target "200 does not" is not reproduced; see the module docstring).
    clearance_factor : float
        Multiplier of k3 for ``clearance_days`` from ``clearance_start`` (tripled for 28 days
        flips psoriatic skin back, 14 days does not, as designed).
    t_eval : sequence of float, optional
        Output days; default 4 per day.
    """
    p = CoreParameters() if params is None else params
    days = check_positive("days (simulation horizon)", days)
    influx = check_non_negative("influx (cells/mm^2/day)", influx)
    clearance_factor = check_positive("clearance_factor", clearance_factor)
    windows = {
        "influx": (
            check_non_negative("influx_start", influx_start),
            check_non_negative("influx_days", influx_days),
        ),
        "clearance": (
            check_non_negative("clearance_start", clearance_start),
            check_non_negative("clearance_days", clearance_days),
        ),
    }
    if isinstance(start, str):
        healthy, psoriatic = _stable_states(p)
        chosen = {"healthy": healthy, "psoriatic": psoriatic}.get(start, "bad")
        if chosen == "bad":
            raise CourseError(f"start must be 'healthy', 'psoriatic' or (T, K), got {start!r}")
        if chosen is None:
            raise CourseError(f"these core parameters have no {start} state")
        y0 = (chosen.T, chosen.K)
    else:
        values = [check_non_negative("start value", v) for v in start]
        if len(values) != 2:
            raise CourseError("start must be (T, K)")
        y0 = tuple(values)
    if t_eval is None:
        grid = np.linspace(0.0, days, round(days * 4) + 1)
    else:
        grid = np.asarray(t_eval, dtype=float)
        if grid.ndim != 1 or grid.size == 0 or np.any(np.diff(grid) <= 0) or grid[0] < 0:
            raise CourseError("t_eval must be increasing days >= 0")
        if grid[-1] > days:
            raise CourseError(f"t_eval must lie within [0, {days}]")
    return _simulate_core(p, days, y0, influx, clearance_factor, windows["influx"],
                          windows["clearance"], tuple(grid.tolist()))  # fmt: skip


@lru_cache(maxsize=64)
def _simulate_core(p, days, y0, influx, factor, influx_window, clearance_window, grid):
    grid = np.asarray(grid)
    (i_start, i_len), (c_start, c_len) = influx_window, clearance_window
    cuts = sorted({0.0, days, i_start, i_start + i_len, c_start, c_start + c_len})
    cuts = [c for c in cuts if 0.0 <= c <= days]
    out = np.empty((2, grid.size))
    y = np.asarray(y0, dtype=float)
    out[:, grid == 0.0] = y[:, None]
    for a, b in itertools.pairwise(cuts):
        mid = 0.5 * (a + b)
        extra = influx if i_len > 0 and i_start <= mid < i_start + i_len else 0.0
        k3 = p.k3 * (factor if c_len > 0 and c_start <= mid < c_start + c_len else 1.0)

        def rhs(t, s, extra=extra, k3=k3):
            T, K = s
            return [p.kvm * K * K / (p.kp + K * K) + p.k4 + extra - k3 * T,
                    p.k1 * T * K - p.k2 * K * K]  # fmt: skip

        def jac(t, s, k3=k3):
            return _jacobian(p, s[0], s[1], k3)

        inside = (grid > a) & (grid <= b)
        times = np.concatenate(([a], grid[inside]))
        if times[-1] < b:
            times = np.append(times, b)
        states = _odeint(rhs, y, times, Dfun=jac, tfirst=True, rtol=1e-9, atol=1e-6, mxstep=100000)
        out[:, inside] = states[1 : 1 + int(inside.sum())].T
        y = states[-1]
    out.setflags(write=False)
    grid.setflags(write=False)
    return CoreResult(t=grid, T=out[0], K=out[1], params=p)
