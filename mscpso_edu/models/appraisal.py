"""Numbers for appraising a clinical study: response rates with confidence intervals, trial flow.

Everything here is computed from cited numbers in the knowledge base (``clinical_studies.yaml`` and
``facts.yaml``); nothing is typed in. The interval is the Wilson score interval, which behaves well
for the small samples of the MSC studies where the simple ``p +/- 1.96 SE`` interval
can fall below 0 or above 100%.

:func:`pool_response_rates` pools single-arm rates with a random-effects model from statsmodels'
meta-analysis tools (lesson 08's exercise). statsmodels is imported only when a pool is computed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from ..errors import CourseError
from ..knowledge import MarkdownText, cite, fact, markdown_table

__all__ = [
    "FlowStage",
    "PooledRate",
    "Rate",
    "anchor_rates",
    "calibration_table",
    "pool_response_rates",
    "response_rates",
    "trial_flow",
    "wilson_interval",
]


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Return the Wilson score interval for ``successes`` out of ``n`` as fractions (0..1).

    Parameters
    ----------
    successes
        Number of responders (0 <= successes <= n).
    n
        Number of people counted in the denominator (> 0).
    confidence
        Two-sided confidence level, e.g. 0.95.

    Examples
    --------
    >>> low, high = wilson_interval(8, 17)
    >>> round(low, 2), round(high, 2)
    (0.26, 0.69)
    """
    if n <= 0:
        raise CourseError(f"n must be at least 1, got {n!r}")
    if not 0 <= successes <= n:
        raise CourseError(f"successes must be between 0 and n={n}, got {successes!r}")
    if not 0 < confidence < 1:
        raise CourseError(f"confidence must be between 0 and 1, got {confidence!r}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Rate:
    """A response rate as reported: what, in whom, and its interval (fractions 0..1).

    ``low`` and ``high`` are ``None`` for randomised anchors reported only as percentages.
    """

    label: str
    endpoint: str
    arm: str
    rate: float
    ref: str
    randomised: bool
    successes: int | None = None
    n: int | None = None
    low: float | None = None
    high: float | None = None


def _counted(label: str, endpoint: str, arm: str, successes: int, n: int, ref: str) -> Rate:
    low, high = wilson_interval(successes, n)
    return Rate(label, endpoint, arm, successes / n, ref, False, successes, n, low, high)


def response_rates() -> tuple[Rate, ...]:
    """Return the single-arm MSC response rates with 95% Wilson intervals.

    Umbilical-cord MSCs: patients reaching PASI 40 of all enrolled [Cheng 2022]. Adipose MSCs:
    patients who reached and kept PASI 50 at one year, of all enrolled [Yao 2021].
    """
    cheng, yao = fact("cheng_result").values, fact("yao_flow").values
    return (
        _counted(
            "UC-MSCs IV (single arm)", "PASI 40", "MSC", cheng["pasi40"], cheng["enrolled"],
            "cheng2022",
        ),
        _counted(
            "Adipose MSCs IV (single arm)", "PASI 50 kept at 1 year", "MSC",
            yao["kept_pasi50"], yao["enrolled"], "yao2021",
        ),
    )  # fmt: skip


def anchor_rates() -> tuple[Rate, ...]:
    """Return the randomised anchors: placebo and biologic arms of phase 3 trials.

    Each trial arm reported in a cited fact becomes one :class:`Rate` (percentages as fractions).
    """
    out: list[Rate] = []
    for fact_id, drug in (("anchor_secukinumab", "Secukinumab 300 mg"),
                          ("anchor_guselkumab", "Guselkumab")):  # fmt: skip
        item = fact(fact_id)
        values = item.values
        endpoint = f"{values['endpoint']} at week {values['week']}"
        ref = item.refs[0]
        for arm, name in (("placebo", "Placebo"), ("drug", drug)):
            for trial, value in zip(values["trials"], values[arm], strict=True):
                out.append(
                    Rate(f"{name}, {trial} (randomised)", endpoint, arm, value / 100, ref, True)
                )
    return tuple(out)


def calibration_table() -> MarkdownText:
    """Return single-arm MSC results beside randomised placebo and biologic arms, as Markdown.

    Columns: the arm, the endpoint, the rate (with n and a 95% Wilson interval when the counts are
    known) and the source.
    """
    rows = []
    for rate in (*response_rates(), *anchor_rates()):
        if rate.n is not None:
            value = (
                f"{rate.successes}/{rate.n} = {rate.rate:.0%} "
                f"(95% CI {rate.low:.0%} to {rate.high:.0%})"
            )
        else:
            value = f"{rate.rate:.1%}"
        rows.append((rate.label, rate.endpoint, value, cite(rate.ref)))
    return markdown_table(["Arm", "Endpoint", "Responders", "Source"], rows)


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass(frozen=True)
class PooledRate:
    """A random-effects pool of single-arm response rates (fractions 0..1).

    Attributes
    ----------
    rates
        The pooled studies, each with its own Wilson interval.
    estimate, low, high
        The random-effects pooled rate and its 95% interval from the normal approximation.
    hksj_low, hksj_high
        The 95% interval of Hartung, Knapp, Sidik and Jonkman: a t distribution with k - 1
        degrees of freedom and a variance re-estimated from the spread of the studies.
    tau2
        The between-study variance on the logit scale (Paule-Mandel estimate).
    i2
        The share of the spread beyond chance, ``max(0, (Q - df) / Q)``.
    q, q_pvalue
        Cochran's Q and its chi-squared p-value (k - 1 degrees of freedom).
    result
        statsmodels' ``CombineResults`` (logit scale), for its own tables.
    """

    rates: tuple[Rate, ...]
    estimate: float
    low: float
    high: float
    hksj_low: float
    hksj_high: float
    tau2: float
    i2: float
    q: float
    q_pvalue: float
    result: Any

    def table(self) -> MarkdownText:
        """Return each study and the pool as a Markdown table of percentages."""
        rows = [
            (
                f"{rate.label} [{cite(rate.ref)}]",
                rate.endpoint,
                f"{rate.successes}/{rate.n} = {rate.rate:.0%}",
                f"{rate.low:.0%} to {rate.high:.0%} (Wilson)",
            )
            for rate in self.rates
        ]
        rows.append(
            (
                "**Random-effects pool**",
                "mixed",
                f"{self.estimate:.0%}",
                f"{self.low:.0%} to {self.high:.0%} (normal); "
                f"{self.hksj_low:.0%} to {self.hksj_high:.0%} (HKSJ, t with "
                f"{len(self.rates) - 1} df)",
            )
        )
        rows.append(
            (
                "Heterogeneity",
                "",
                f"Q = {self.q:.2f} (p = {self.q_pvalue:.2f}), I\u00b2 = {self.i2:.0%}",
                f"tau\u00b2 = {self.tau2:.2f} (logit scale)",
            )
        )
        return markdown_table(["Study", "Endpoint", "Responders", "95% interval"], rows)


def pool_response_rates(rates: Sequence[Rate] | None = None) -> PooledRate:
    """Pool single-arm response rates with a random-effects model (statsmodels).

    Each study's proportion is put on the logit scale with variance ``1 / (n p (1 - p))`` (0.5 is
    added to responders and non-responders when a study has none of one kind), then
    ``statsmodels.stats.meta_analysis.combine_effects`` pools them with the Paule-Mandel estimate
    of the between-study variance. The pooled logit and its intervals are turned back into
    proportions.

    Parameters
    ----------
    rates
        Counted rates (with ``successes`` and ``n``); by default :func:`response_rates`, the
        single-arm MSC trials of the knowledge base.

    Examples
    --------
    >>> pooled = pool_response_rates()
    >>> len(pooled.rates), 0 < pooled.low < pooled.estimate < pooled.high < 1
    (2, True)
    """
    import numpy as np
    from statsmodels.stats.meta_analysis import combine_effects

    chosen = tuple(response_rates() if rates is None else rates)
    if len(chosen) < 2:
        raise CourseError("pooling needs at least two studies")
    effects, variances = [], []
    for rate in chosen:
        if rate.successes is None or rate.n is None:
            raise CourseError(f"{rate.label!r} has no counts (responders and n) to pool")
        yes, no = float(rate.successes), float(rate.n - rate.successes)
        if yes == 0 or no == 0:
            yes, no = yes + 0.5, no + 0.5
        effects.append(math.log(yes / no))
        variances.append(1 / yes + 1 / no)
    result = combine_effects(
        np.array(effects), np.array(variances), method_re="iterated",
        row_names=[rate.label for rate in chosen],
    )  # fmt: skip
    _, ci_re, _, _ = result.conf_int(alpha=0.05, use_t=False)
    _, _, _, ci_hksj = result.conf_int(alpha=0.05, use_t=True)
    homogeneity = result.test_homogeneity()
    q = float(homogeneity.statistic)
    df = len(chosen) - 1
    return PooledRate(
        rates=chosen,
        estimate=_expit(float(result.mean_effect_re)),
        low=_expit(float(ci_re[0])),
        high=_expit(float(ci_re[1])),
        hksj_low=_expit(float(ci_hksj[0])),
        hksj_high=_expit(float(ci_hksj[1])),
        tau2=max(0.0, float(result.tau2)),
        i2=max(0.0, (q - df) / q) if q > 0 else 0.0,
        q=q,
        q_pvalue=float(homogeneity.pvalue),
        result=result,
    )


@dataclass(frozen=True)
class FlowStage:
    """One box of a participant-flow diagram: how many people reached this stage."""

    label: str
    n: int


#: How each key of a ``*_flow`` fact is shown, in the order of a trial.
_FLOW_LABELS = {
    "enrolled": "Enrolled and treated",
    "completed": "Completed the treatment protocol",
    "followed_one_year": "Completed one-year follow-up",
    "kept_pasi50": "Reached and kept PASI 50 at one year",
}


def trial_flow(fact_id: str = "yao_flow") -> tuple[FlowStage, ...]:
    """Return the stages of a trial's participant flow from a cited ``*_flow`` fact.

    Parameters
    ----------
    fact_id
        A fact whose values count participants at each stage (e.g. ``"yao_flow"``).
    """
    values = fact(fact_id).values
    stages = [
        FlowStage(_FLOW_LABELS[key], int(values[key])) for key in _FLOW_LABELS if key in values
    ]
    if len(stages) < 2:
        raise CourseError(f"fact {fact_id!r} has fewer than two participant-flow stages")
    return tuple(stages)
