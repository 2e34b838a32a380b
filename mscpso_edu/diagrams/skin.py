"""Model figures of the skin circuit for lessons 03-05: compartments, steady states, outcomes.

The skin circuit is the model of Shmarov et al. 2022 (:mod:`mscpso_edu.models.skin_circuit`).
Each figure has a pure compute function (numbers only, testable) and a drawing function that
takes ``ax=None`` and returns a :class:`mscpso_edu.diagrams.Drawn` with alt text generated from
the numbers. Every MSC mapping comes from :data:`mscpso_edu.models.therapy.MECHANISMS`, where it
is labelled OUR INTERPRETATION; the figures repeat that label.

The functions are re-exported by :mod:`mscpso_edu.diagrams` (``diagrams.keratinocyte_compartments``
and so on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from ..errors import CourseError
from ..models import ensemble as ensemble_model
from ..models import skin_circuit, therapy
from ..models.skin_circuit import Branches, steady_state_branches  # re-exported here
from ..results_cache import cached_result
from ..style import OKABE_ITO, ROLE_COLOURS, course_style
from .core import Drawn, new_axes

__all__ = [
    "COMPARTMENT_COLOURS",
    "Branches",
    "CompartmentBar",
    "compartment_bars",
    "keratinocyte_compartments",
    "outcome_fan",
    "steady_state_branches",
    "steady_state_plot",
    "treatment_outcome_map",
    "treatment_outcomes",
]

#: Stem, transit-amplifying and differentiated keratinocytes, in the order they are stacked.
COMPARTMENT_COLOURS: dict[str, str] = {
    "SC": OKABE_ITO["blue"],
    "TA": OKABE_ITO["sky_blue"],
    "D": OKABE_ITO["orange"],
}
COMPARTMENT_NAMES = {"SC": "stem", "TA": "transit-amplifying", "D": "differentiated"}


# --- compartments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompartmentBar:
    """Keratinocyte compartments (cells/mm^2) and turnover (days) at one moment."""

    label: str
    SC: float
    TA: float
    D: float
    turnover_days: float

    @property
    def total(self) -> float:
        """All living keratinocytes."""
        return self.SC + self.TA + self.D


def compartment_bars(
    strength: float = 0.5, duration: float = 28.0, days_after: float = 0.0
) -> list[CompartmentBar]:
    """Compartments of healthy skin, psoriatic skin, and psoriatic skin after a keratinocyte effect.

    Parameters
    ----------
    strength
        Strength of the MSC keratinocyte mechanism (``therapy.MECHANISMS["keratinocyte"]``,
        OUR INTERPRETATION; the strength is illustrative).
    duration
        Days the effect is held, starting from the psoriatic steady state.
    days_after
        Days after the effect stops at which the last bar is read (0 = the last day of the
        effect, when turnover is computed with the treated constants).

    Returns
    -------
    list of CompartmentBar
        Healthy steady state, psoriatic steady state, end of the effect (and, with
        ``days_after`` > 0, that many days later).
    """
    healthy = skin_circuit.healthy_state()
    psoriatic = skin_circuit.psoriatic_state()
    bars = [
        CompartmentBar("healthy", healthy.SC, healthy.TA, healthy.D, healthy.turnover_days),
        CompartmentBar(
            "psoriatic", psoriatic.SC, psoriatic.TA, psoriatic.D, psoriatic.turnover_days
        ),
    ]
    effect = therapy.ConstantEffect("keratinocyte", strength, start=0.0, duration=duration)
    total = duration + days_after
    result = skin_circuit.simulate_skin(
        days=total,
        start="psoriatic",
        therapies=(effect,),
        t_eval=np.unique(np.array([0.0, duration - 1e-6, total])),
    )
    turnover = result.turnover_days
    end = int(np.argmin(abs(result.t - (duration - 1e-6))))
    bars.append(
        CompartmentBar(
            f"after {duration:g} d of effect",
            float(result.SC[end]),
            float(result.TA[end]),
            float(result.D[end]),
            float(turnover[end]),
        )
    )
    if days_after > 0:
        bars.append(
            CompartmentBar(
                f"{days_after:g} d later",
                float(result.SC[-1]),
                float(result.TA[-1]),
                float(result.D[-1]),
                float(turnover[-1]),
            )
        )
    return bars


def keratinocyte_compartments(
    ax: Axes | None = None, strength: float = 0.5, duration: float = 28.0, days_after: float = 0.0
):
    """Stacked bars of stem, transit-amplifying and differentiated keratinocytes, with turnover.

    Healthy and psoriatic steady states of the skin circuit [Shmarov 2022], and psoriatic skin
    after an MSC keratinocyte effect (OUR INTERPRETATION: less IL-17/TNF-driven proliferation
    of stem and TA cells, motivated by Chen 2019 and Ding 2022; strength illustrative).

    Returns
    -------
    mscpso_edu.diagrams.Drawn
        ``artists["bars"]`` maps compartment to its bar container, ``artists["point_labels"]``
        holds the turnover labels.
    """
    bars = compartment_bars(strength, duration, days_after)
    with course_style():
        fig, ax = new_axes(ax, (7.0, 4.2), layout="constrained")
        x = np.arange(len(bars))
        bottom = np.zeros(len(bars))
        drawn_bars = {}
        for name, colour in COMPARTMENT_COLOURS.items():
            heights = np.array([getattr(b, name) for b in bars]) / 1e3
            drawn_bars[name] = ax.bar(
                x, heights, 0.6, bottom=bottom, color=colour, edgecolor="black", linewidth=0.6,
                label=f"{COMPARTMENT_NAMES[name]} ({name})",
            )  # fmt: skip
            bottom += heights
        labels = [
            ax.text(i, bottom[i] + 6, f"turnover\n{b.turnover_days:.0f} days", ha="center",
                    va="bottom", fontsize=8.5)
            for i, b in enumerate(bars)
        ]  # fmt: skip
        ax.set_xticks(x, [b.label for b in bars])
        ax.set_ylabel("Keratinocytes (10³ per mm²)")
        ax.set_ylim(0, bottom.max() * 1.3)
        ax.legend(loc="upper left", fontsize=8)
        ax.set_title("Keratinocyte compartments in the skin-circuit model", fontsize=11)
    described = "; ".join(
        f"{b.label}: stem {b.SC:,.0f}, transit-amplifying {b.TA:,.0f}, differentiated "
        f"{b.D:,.0f} cells per mm², turnover {b.turnover_days:.0f} days"
        for b in bars
    )
    alt = (
        "Stacked bar chart of keratinocyte compartments in the Shmarov 2022 skin model. "
        f"{described}. The MSC keratinocyte effect (strength {strength:g} for {duration:g} days) "
        "is our interpretation of the mouse evidence."
    )
    return Drawn(fig, ax, {"bars": drawn_bars, "point_labels": labels}, alt)


# --- steady states as one rate constant is scaled ------------------------------------------


def steady_state_plot(
    parameter: str = "il172",
    ax: Axes | None = None,
    factors: Sequence[float] | None = None,
    xlabel: str | None = None,
    factor_range: tuple[float, float] = (0.5, 2.0),
    points: int = 61,
):
    """Plot the healthy and psoriatic steady states as one rate constant is scaled.

    Where both exist the skin is bistable (which state it sits in depends on its history);
    outside that range only one state is left. The multipliers are ``factors`` if given, else
    ``points`` evenly spaced values across ``factor_range``.

    Returns
    -------
    mscpso_edu.diagrams.Drawn
        ``artists["lines"]`` maps branch name to its line.
    """
    if factors is None:
        factors = np.linspace(*factor_range, int(points))
    else:
        factors = np.asarray(factors, dtype=float)
    branches = steady_state_branches(parameter, factors)
    description = skin_circuit.SkinParameters.metadata(parameter)["description"]
    with course_style():
        fig, ax = new_axes(ax, (6.5, 4.0), layout="constrained")
        lines = {
            "healthy": ax.plot(factors, branches.healthy / 1e3, lw=2.4,
                               color=ROLE_COLOURS["healthy"], label="healthy state (stable)")[0],
            "psoriatic": ax.plot(factors, branches.psoriatic / 1e3, lw=2.4,
                                 color=ROLE_COLOURS["psoriatic"],
                                 label="psoriatic state (stable)")[0],
            "threshold": ax.plot(factors, branches.threshold / 1e3, lw=1.4, ls="--",
                                 color=ROLE_COLOURS["neutral"],
                                 label="threshold between them (unstable)")[0],
        }  # fmt: skip
        ax.axvline(1.0, color="black", lw=0.8, ls=":")
        ax.set_xlabel(xlabel or f"{description} ({parameter}), × published value")
        ax.set_ylabel("Keratinocytes at steady state\n(10³ per mm²)")
        ax.legend(fontsize=8, loc="upper left")
        ax.set_title("Steady states of the skin-circuit model", fontsize=11)
    both = factors[~np.isnan(branches.healthy) & ~np.isnan(branches.psoriatic)]
    if both.size:
        span = f"both states exist for multipliers {both.min():.2f} to {both.max():.2f}"
    else:
        span = "the two states never coexist in this range"
    alt = (
        f"Line plot of steady-state keratinocytes against {description} ({parameter}) scaled "
        f"from {factors.min():g} to {factors.max():g} times its published value in the Shmarov "
        f"2022 model: {span}; below that range only the healthy state remains, above it only "
        "the psoriatic state."
    )
    return Drawn(fig, ax, {"lines": lines}, alt)


# --- which therapies heal: strength x duration ---------------------------------------------


def treatment_outcomes(
    mechanism: str,
    strengths: Sequence[float],
    durations: Sequence[float],
    follow_up_days: float = 365.0,
) -> np.ndarray:
    """Whether psoriatic skin ends healthy after a constant effect of each strength and duration.

    Parameters
    ----------
    mechanism
        A key of :data:`mscpso_edu.models.therapy.MECHANISMS` (OUR INTERPRETATION mappings).
    strengths, durations
        The grid: effect strengths in [0, 1) and durations in days.
    follow_up_days
        Days simulated after the start (the effect starts at day 0 from the psoriatic state).

    Returns
    -------
    numpy.ndarray of bool, shape (len(strengths), len(durations))
        True where the skin ends in the healthy state.
    """
    strengths = [float(s) for s in strengths]
    durations = [float(d) for d in durations]
    follow_up_days = float(follow_up_days)
    for duration in durations:
        if duration >= follow_up_days:
            raise CourseError(
                f"duration {duration:g} must be shorter than the follow-up ({follow_up_days:g})"
            )

    def compute() -> np.ndarray:
        healed = np.zeros((len(strengths), len(durations)), dtype=bool)
        for i, strength in enumerate(strengths):
            for j, duration in enumerate(durations):
                effect = therapy.ConstantEffect(mechanism, strength, 0.0, duration)
                result = skin_circuit.simulate_skin(
                    days=follow_up_days,
                    start="psoriatic",
                    therapies=(effect,),
                    t_eval=np.array([0.0, follow_up_days]),
                )
                healed[i, j] = result.final_state == "healthy"
        return healed

    # A grid of year-long runs: computed once per model version (see mscpso_edu.results_cache).
    return cached_result(
        "treatment_outcomes",
        [mechanism, strengths, durations, follow_up_days],
        compute,
        encode=lambda healed: healed.tolist(),
        decode=lambda data: np.array(data, dtype=bool).reshape(len(strengths), len(durations)),
        extra_files=["diagrams/skin.py"],
    )


def treatment_outcome_map(
    mechanism: str = "tolerogenic_dc",
    ax: Axes | None = None,
    strengths: Sequence[float] | None = None,
    durations: Sequence[float] | None = None,
):
    """Map of therapy strength against duration, coloured by the final state of the skin.

    Shows hysteresis: a weaker effect heals only if it is held longer.

    Returns
    -------
    mscpso_edu.diagrams.Drawn
        ``artists["cells"]`` is the image of the grid.
    """
    strengths = np.round(np.arange(0.1, 0.951, 0.1), 2) if strengths is None else strengths
    durations = np.array([7, 14, 21, 28, 42, 56, 84, 112]) if durations is None else durations
    strengths, durations = np.asarray(strengths, float), np.asarray(durations, float)
    healed = treatment_outcomes(mechanism, strengths, durations)
    label = therapy.MECHANISMS[mechanism].label
    with course_style():
        fig, ax = new_axes(ax, (6.5, 4.2), layout="constrained")
        colours = np.array(
            [[ROLE_COLOURS["healthy"] if h else ROLE_COLOURS["psoriatic"] for h in row]
             for row in healed]
        )  # fmt: skip
        rgb = np.array([[tuple(int(c[k : k + 2], 16) / 255 for k in (1, 3, 5)) for c in row]
                        for row in colours])  # fmt: skip
        image = ax.imshow(rgb, origin="lower", aspect="auto")
        ax.set_xticks(range(len(durations)), [f"{d:g}" for d in durations])
        ax.set_yticks(range(len(strengths)), [f"{s:g}" for s in strengths])
        ax.set_xlabel("Days the effect is held")
        ax.set_ylabel("Effect strength (illustrative)")
        ax.set_title(f"After {label}:\nhealthy or psoriatic one year on?", fontsize=10.5)
        ax.legend(
            handles=[Patch(color=ROLE_COLOURS["healthy"], label="ends healthy"),
                     Patch(color=ROLE_COLOURS["psoriatic"], label="relapses (psoriatic)")],
            loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
        )  # fmt: skip
    lines = []
    for i, strength in enumerate(strengths):
        ok = durations[healed[i]]
        lines.append(
            f"strength {strength:g}: heals if held {ok.min():g} days or more"
            if ok.size
            else f"strength {strength:g}: relapses at every duration shown"
        )
    alt = (
        f"Grid of effect strength (rows) against days held (columns) for {label} (our "
        "interpretation) in the Shmarov 2022 skin model, starting psoriatic; cells are blue where "
        f"the skin ends healthy and vermillion where it relapses. {'; '.join(lines)}."
    )
    return Drawn(fig, ax, {"cells": image, "healed": healed}, alt)


# --- uncertainty: the same therapy in many virtual patients ---------------------------------


def _therapy_window(ensemble: ensemble_model.Ensemble) -> tuple[float, float] | None:
    windows = [(item.start, item.end) for item in ensemble.therapies if hasattr(item, "end")]
    if not windows:
        return None
    return min(w[0] for w in windows), max(w[1] for w in windows)


def outcome_fan(ensemble: ensemble_model.Ensemble, ax: Axes | None = None) -> Drawn:
    """Draw the PASI proxy of every virtual patient in ``ensemble``: a fan of outcomes.

    Each thin line is one virtual patient (rate constants drawn around the published ones, an
    illustrative spread; see :func:`mscpso_edu.models.therapy_ensemble`), coloured by where it ends;
    the thick line is the published parameter set.

    Returns
    -------
    Drawn
        ``artists`` has ``patients`` (lines), ``reference`` (line), ``legend`` and
        ``point_labels`` (the count box); the alt text gives the counts.
    """
    healed, n = ensemble.healed, ensemble.n
    no_healthy = sum(ensemble.no_healthy_state)
    with course_style():
        fig, ax = new_axes(ax, (7.5, 4.2))
        window = _therapy_window(ensemble)
        if window is not None:
            ax.axvspan(*window, color=ROLE_COLOURS["therapy"], alpha=0.12, lw=0)
        lines = []
        for pasi, state in zip(ensemble.pasi, ensemble.final_states, strict=True):
            colour = ROLE_COLOURS["healthy" if state == "healthy" else "psoriatic"]
            lines.append(ax.plot(ensemble.t, pasi, color=colour, lw=0.9, alpha=0.55)[0])
        (reference,) = ax.plot(
            ensemble.t, ensemble.reference, color="black", lw=2.2, label="published parameters"
        )
        ax.axhline(0.0, color=ROLE_COLOURS["healthy"], ls=":", lw=1)
        ax.axhline(1.0, color=ROLE_COLOURS["psoriatic"], ls=":", lw=1)
        ax.set_xlim(ensemble.t[0], ensemble.t[-1])
        ax.set_ylim(-0.15, 1.45)
        ax.set_xlabel("Day (treatment shaded)")
        ax.set_ylabel("PASI proxy\n(0 healthy, 1 psoriatic)")
        handles = [
            Patch(color=ROLE_COLOURS["healthy"], label="virtual patient ends healthy"),
            Patch(color=ROLE_COLOURS["psoriatic"], label="virtual patient stays psoriatic"),
            reference,
        ]
        legend = ax.legend(handles=handles, loc="upper right", fontsize=8)
        count = ax.text(
            0.02,
            0.97,
            f"healed: {healed} of {n}\nno healthy state at all: {no_healthy}",
            transform=ax.transAxes,
            va="top",
            fontsize=8.5,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#999999"},
        )
        ax.set_title(
            f"One therapy, {n} virtual patients "
            f"(rate constants ±{ensemble.spread:.0%}, illustrative)",
            fontsize=10,
        )
    alt = (
        f"Line chart of the PASI proxy over {ensemble.t[-1]:.0f} days for {n} virtual patients "
        "given the same treatment; each patient's rate constants differ from the published ones "
        f"by a random factor (spread {ensemble.spread:.0%}, illustrative). {healed} of {n} end "
        f"healthy and {n - healed} stay psoriatic; {no_healthy} have parameters with no healthy "
        "state at all. A thick line shows the published parameter set."
    )
    artists = {"patients": lines, "reference": reference, "legend": legend, "point_labels": [count]}
    return Drawn(fig, ax, artists, alt)
