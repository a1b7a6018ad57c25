"""Statistics for comparing runs on the same tasks: intervals and paired tests.

ARC scores are noisy: on 120 tasks a difference of a few points is often chance. Everything
here is paired by task where it can be (both runs saw the same tasks), exact where that is
cheap, and deterministic: the bootstrap draws from a fixed seed, so the same runs always give
the same numbers.

==========================  =================================================================
``wilson_interval``         a 95% interval for a share (the score per test output)
``bootstrap_interval``      a percentile interval for a mean over tasks (the score per task,
                            and the per-task difference of two runs' scores)
``mcnemar_exact``           the exact McNemar test on per-task solved / not solved
``signed_rank_test``        Wilcoxon's signed-rank test on paired per-task values (per-task
                            solve rates of two arms of several runs each)
``mean_and_sd``             the mean and sample standard deviation (scores across seeds)
==========================  =================================================================

Left out: corrections for comparing many runs at once (with runs A, B and C, each is compared
with A, and each p-value is for that pair alone), and tests that do not pair by task.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
"""The confidence of every interval."""
ALPHA = 0.05
"""A difference is called significant when its test's p-value is below this."""
RESAMPLES = 10_000
"""Bootstrap resamples: the interval's ends move by well under 0.01 from one seed to another."""
SEED = 20261201
"""The bootstrap's fixed seed: the same values always give the same interval."""


@dataclass(frozen=True, slots=True)
class Interval:
    """An estimate with its confidence interval (``low <= value <= high``)."""

    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


def wilson_interval(successes: int, n: int, *, confidence: float = CONFIDENCE) -> Interval:
    """Wilson's score interval for a share ``successes / n``.

    Unlike the textbook ``p ± z·sqrt(p(1-p)/n)``, it stays inside [0, 1] and does not shrink to
    a point at 0 or n successes.

    >>> str(wilson_interval(60, 400))
    '0.150 [0.118, 0.188]'
    >>> str(wilson_interval(0, 10))
    '0.000 [0.000, 0.278]'
    >>> wilson_interval(0, 0)
    Interval(value=0.0, low=0.0, high=1.0)
    """
    if n == 0:
        return Interval(0.0, 0.0, 1.0)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def bootstrap_interval(
    values: Sequence[float],
    *,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Interval:
    """A percentile bootstrap interval for the mean of ``values`` (tasks resampled).

    For a paired difference, pass the per-task differences: resampling tasks keeps each
    task's two scores together.

    >>> str(bootstrap_interval([1.0, 0.0, 1.0, 1.0, 0.5]))
    '0.700 [0.300, 1.000]'
    >>> str(bootstrap_interval([0.5, 0.5, 0.5]))
    '0.500 [0.500, 0.500]'
    """
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return Interval(0.0, 0.0, 0.0)
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    chunk = max(1, 2_000_000 // data.size)  # bounded memory for long runs
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        picks = rng.integers(0, data.size, size=(size, data.size))
        means[start : start + size] = data[picks].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return Interval(float(data.mean()), float(low), float(high))


@dataclass(frozen=True, slots=True)
class McNemar:
    """The exact McNemar test on paired solved / not solved.

    Attributes:
        only_a: tasks solved by A and not by B.
        only_b: tasks solved by B and not by A.
        p_value: two-sided exact p-value (1.0 when no task differs).
    """

    only_a: int
    only_b: int
    p_value: float


def mcnemar_exact(solved_a: Sequence[bool], solved_b: Sequence[bool]) -> McNemar:
    """Test whether A and B solve different shares of the same tasks.

    Only the tasks one side solves and the other does not count: under "no difference", each
    is equally likely to favour A or B, so their split is Binomial(n, 1/2), and the p-value is
    the chance of a split at least as lopsided as the one seen.

    >>> mcnemar_exact([True] * 10 + [False] * 10, [False] * 20)
    McNemar(only_a=10, only_b=0, p_value=0.001953125)
    >>> mcnemar_exact([True, False], [True, False]).p_value
    1.0

    Raises:
        ValueError: the two sequences are not the same length.
    """
    if len(solved_a) != len(solved_b):
        raise ValueError("the two runs must be paired task by task")
    only_a = sum(1 for a, b in zip(solved_a, solved_b, strict=True) if a and not b)
    only_b = sum(1 for a, b in zip(solved_a, solved_b, strict=True) if b and not a)
    n = only_a + only_b
    if n == 0:
        return McNemar(only_a, only_b, 1.0)
    p = float(stats.binomtest(min(only_a, only_b), n, 0.5, alternative="two-sided").pvalue)
    return McNemar(only_a, only_b, min(1.0, p))


def signed_rank_test(a: Sequence[float], b: Sequence[float]) -> float:
    """Wilcoxon's signed-rank test on paired values; the two-sided p-value.

    Pairs that agree are dropped first (Wilcoxon's own rule); 1.0 when every pair agrees.
    The p-value is exact with at most 13 pairs left (ties included: every sign flip of the
    ranks is counted), or at most 50 with no tied differences; otherwise it is the normal
    approximation with the tie correction (SciPy 1.17's choice).

    >>> round(signed_rank_test([1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0, 0]), 4)
    0.0078
    >>> signed_rank_test([0.5, 1.0], [0.5, 1.0])
    1.0

    Raises:
        ValueError: the two sequences are not the same length.
    """
    if len(a) != len(b):
        raise ValueError("the two arms must be paired task by task")
    diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    diff = diff[np.abs(diff) > 1e-12]  # per-task rates: float noise is not a difference
    if diff.size == 0:
        return 1.0
    return min(1.0, float(stats.wilcoxon(diff, alternative="two-sided").pvalue))


@dataclass(frozen=True, slots=True)
class Spread:
    """A mean across runs and its sample standard deviation."""

    mean: float
    sd: float

    def __str__(self) -> str:
        return f"{self.mean:.3f} ± {self.sd:.3f}"


def mean_and_sd(values: Sequence[float]) -> Spread:
    """Mean and sample standard deviation (0 for fewer than two values).

    >>> mean_and_sd([0.2, 0.4, 0.6])
    Spread(mean=0.4, sd=0.2)
    >>> str(mean_and_sd([0.5]))
    '0.500 ± 0.000'
    """
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return Spread(0.0, 0.0)
    sd = float(data.std(ddof=1)) if data.size > 1 else 0.0
    return Spread(round(float(data.mean()), 12), round(sd, 12))
