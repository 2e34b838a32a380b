"""Numbers for appraising a clinical study: response rates with confidence intervals, trial flow.

Everything here is computed from cited numbers in the knowledge base (``clinical_studies.yaml`` and
``facts.yaml``); nothing is typed in. The interval is the Wilson score interval, which behaves well
for the small samples of the MSC studies where the simple ``p +/- 1.96 SE`` interval
can fall below 0 or above 100%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from ..errors import CourseError
from ..knowledge import MarkdownText, cite, fact, markdown_table

__all__ = [
    "FlowStage",
    "Rate",
    "anchor_rates",
    "calibration_table",
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
