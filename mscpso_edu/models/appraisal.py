"""Numbers for appraising a clinical study: response rates with confidence intervals, trial flow.

Everything here is computed from cited numbers in the knowledge base (``clinical_studies.yaml`` and
``facts.yaml``); nothing is typed in. The interval is the Wilson score interval, which behaves well
for the small samples of the MSC studies where the simple ``p +/- 1.96 SE`` interval
can fall below 0 or above 100%.

:func:`pool_response_rates` pools single-arm rates with a random-effects model (lesson 08's
exercise); :func:`random_effects` is that model, a few lines of numpy and scipy. The course's tests
check it against statsmodels' ``combine_effects`` (same estimator and conventions) on the course's
data and on other datasets, so learners do not install statsmodels and pandas for it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from ..errors import CourseError
from ..knowledge import MarkdownText, cite, fact, markdown_table
from ..results_cache import cached_result

__all__ = [
    "FlowStage",
    "PooledRate",
    "RandomEffects",
    "Rate",
    "anchor_rates",
    "calibration_table",
    "pool_response_rates",
    "random_effects",
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
class RandomEffects:
    """A random-effects meta-analysis of ``k`` effects (on their own scale, e.g. log-odds).

    Attributes
    ----------
    effects, variances
        Each study's effect and its within-study variance.
    weights_fe, weights_re
        Each study's relative weight (summing to 1) in the fixed-effect and random-effects means.
    mean_fe, se_fe
        The fixed-effect (inverse-variance) mean and its standard error.
    mean, se
        The random-effects mean and its standard error ``1 / sqrt(sum(1 / (v_i + tau2)))``.
    low, high
        Its interval from the normal distribution.
    se_hksj, hksj_low, hksj_high
        The Hartung-Knapp-Sidik-Jonkman standard error (re-estimated from the spread of the
        studies around the mean, not truncated) and its interval from a t distribution with
        ``k - 1`` degrees of freedom.
    tau2
        The between-study variance (Paule-Mandel), 0 when the studies agree beyond chance.
    q, q_pvalue, i2
        Cochran's Q (fixed-effect weights), its chi-squared p-value with ``k - 1`` degrees of
        freedom, and ``I2 = max(0, (Q - (k - 1)) / Q)``.
    """

    effects: tuple[float, ...]
    variances: tuple[float, ...]
    weights_fe: tuple[float, ...]
    weights_re: tuple[float, ...]
    mean_fe: float
    se_fe: float
    mean: float
    se: float
    low: float
    high: float
    se_hksj: float
    hksj_low: float
    hksj_high: float
    tau2: float
    q: float
    q_pvalue: float
    i2: float


def random_effects(
    effects: Sequence[float], variances: Sequence[float], confidence: float = 0.95
) -> RandomEffects:
    """Combine study effects with a random-effects model (Paule-Mandel tau², normal and HKSJ CIs).

    Study ``i`` estimates its own true effect, and the true effects scatter around a mean with
    between-study variance tau². tau² is the Paule-Mandel estimate: the value at which the
    generalised Q, ``sum((y_i - m)^2 / (v_i + tau2))`` with ``m`` the mean weighted by
    ``1 / (v_i + tau2)``, equals ``k - 1``; it is 0 when Q at tau² = 0 is already at most
    ``k - 1``. The conventions are those of statsmodels' ``combine_effects(...,
    method_re="iterated")``, against which the course's tests check this function; statsmodels
    stops its iteration when the equation is within 1e-5, this function solves it to machine
    precision.

    Parameters
    ----------
    effects
        Each study's effect (at least two studies).
    variances
        Each study's within-study variance (> 0).
    confidence
        Two-sided confidence level of the intervals.

    Examples
    --------
    Two studies 1 apart, each with variance 0.25: Q = 2, and the generalised Q,
    ``2 * 0.5**2 / (0.25 + tau2)``, equals k - 1 = 1 at tau² = 0.25.

    >>> pool = random_effects([0.0, 1.0], [0.25, 0.25])
    >>> round(pool.mean, 3), round(pool.tau2, 3), round(pool.se, 3), round(pool.i2, 2)
    (0.5, 0.25, 0.5, 0.5)
    """
    import numpy as np

    y, v = np.asarray(effects, dtype=float), np.asarray(variances, dtype=float)
    k = y.size
    if k < 2 or v.shape != y.shape or y.ndim != 1:
        raise CourseError("a random-effects pool needs at least two effects, each with a variance")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v)) and np.all(v > 0)):
        raise CourseError("effects must be finite and variances finite and positive")
    if not 0 < confidence < 1:
        raise CourseError(f"confidence must be between 0 and 1, got {confidence!r}")
    # scipy.stats alone takes most of a second to import: the pool is computed once per model
    # version and these inputs, then read back from the results cache.
    return cached_result(
        "random_effects",
        [y.tolist(), v.tolist(), float(confidence)],
        lambda: _random_effects(y, v, float(confidence)),
        encode=dataclasses.asdict,
        decode=_decode_pool,
    )


def _decode_pool(data: dict[str, Any]) -> RandomEffects:
    return RandomEffects(
        **{name: tuple(value) if isinstance(value, list) else value for name, value in data.items()}
    )


def _random_effects(y: Any, v: Any, confidence: float) -> RandomEffects:
    import numpy as np
    from scipy import optimize, stats  # imported here: only pooling needs them

    df = y.size - 1

    def excess_q(tau2: float) -> float:
        w = 1 / (v + tau2)
        return float(w @ (y - w @ y / w.sum()) ** 2) - df

    tau2 = 0.0
    if excess_q(0.0) > 0:  # the generalised Q falls steadily towards 0 as tau2 grows
        upper = float(np.var(y)) + float(v.max())
        while excess_q(upper) > 0:
            upper *= 2
        tau2 = optimize.brentq(excess_q, 0.0, upper, xtol=1e-14, rtol=1e-14)
    w_fe, w_re = 1 / v, 1 / (v + tau2)
    mean_fe, mean = float(w_fe @ y / w_fe.sum()), float(w_re @ y / w_re.sum())
    q = float(w_fe @ (y - mean_fe) ** 2)
    se = math.sqrt(1 / w_re.sum())
    se_hksj = math.sqrt(float(w_re @ (y - mean) ** 2) / (df * w_re.sum()))
    z = float(stats.norm.isf((1 - confidence) / 2))
    t = float(stats.t.isf((1 - confidence) / 2, df))
    return RandomEffects(
        effects=tuple(y.tolist()), variances=tuple(v.tolist()),
        weights_fe=tuple((w_fe / w_fe.sum()).tolist()),
        weights_re=tuple((w_re / w_re.sum()).tolist()),
        mean_fe=mean_fe, se_fe=math.sqrt(1 / w_fe.sum()),
        mean=mean, se=se, low=mean - z * se, high=mean + z * se,
        se_hksj=se_hksj, hksj_low=mean - t * se_hksj, hksj_high=mean + t * se_hksj,
        tau2=float(tau2), q=q, q_pvalue=float(stats.chi2.sf(q, df)),
        i2=max(0.0, (q - df) / q) if q > 0 else 0.0,
    )  # fmt: skip


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
    meta
        The pool on the logit scale (:class:`RandomEffects`), for :meth:`logit_table`.
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
    meta: RandomEffects

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

    def logit_table(self) -> MarkdownText:
        """Return the pool on the logit scale as a Markdown table, as meta-analysis software does.

        One row per study (its log-odds, standard error, 95% normal interval and relative weight
        in the fixed-effect and random-effects means), then the fixed-effect mean, the
        random-effects mean with its normal interval and with its HKSJ interval.
        """
        meta = self.meta
        z = NormalDist().inv_cdf(0.975)
        rows: list[tuple[object, ...]] = []
        for rate, y, v, w_fe, w_re in zip(
            self.rates, meta.effects, meta.variances, meta.weights_fe, meta.weights_re,
            strict=True,
        ):  # fmt: skip
            se = math.sqrt(v)
            rows.append((rate.label, f"{y:.3f}", f"{se:.3f}", f"{y - z * se:.3f}",
                         f"{y + z * se:.3f}", f"{w_fe:.1%}", f"{w_re:.1%}"))  # fmt: skip
        rows += [
            ("Fixed effect", f"{meta.mean_fe:.3f}", f"{meta.se_fe:.3f}",
             f"{meta.mean_fe - z * meta.se_fe:.3f}", f"{meta.mean_fe + z * meta.se_fe:.3f}",
             "100%", ""),
            ("**Random effects**", f"{meta.mean:.3f}", f"{meta.se:.3f}", f"{meta.low:.3f}",
             f"{meta.high:.3f}", "", "100%"),
            ("Random effects, HKSJ", f"{meta.mean:.3f}", f"{meta.se_hksj:.3f}",
             f"{meta.hksj_low:.3f}", f"{meta.hksj_high:.3f}", "", "100%"),
        ]  # fmt: skip
        header = ["Study", "Log-odds", "SE", "95% low", "95% high", "Weight (fixed)",
                  "Weight (random)"]  # fmt: skip
        return markdown_table(header, rows)


def pool_response_rates(rates: Sequence[Rate] | None = None) -> PooledRate:
    """Pool single-arm response rates with a random-effects model.

    Each study's proportion is put on the logit scale with variance ``1 / (n p (1 - p))`` (0.5 is
    added to responders and non-responders when a study has none of one kind), then
    :func:`random_effects` pools them with the Paule-Mandel estimate of the between-study
    variance. The pooled logit and its intervals are turned back into proportions.

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
    meta = random_effects(effects, variances)
    return PooledRate(
        rates=chosen,
        estimate=_expit(meta.mean),
        low=_expit(meta.low),
        high=_expit(meta.high),
        hksj_low=_expit(meta.hksj_low),
        hksj_high=_expit(meta.hksj_high),
        tau2=meta.tau2,
        i2=meta.i2,
        q=meta.q,
        q_pvalue=meta.q_pvalue,
        meta=meta,
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
