"""Statistics computed by hand, independently of ``arcloop.runs.stats``, to check it against."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from scipy import stats as scipy_stats


def mcnemar_p(only_a: int, only_b: int) -> float:
    """The two-sided exact McNemar p-value, summed by hand from Binomial(n, 1/2)."""
    n = only_a + only_b
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(only_a, only_b) + 1)) / 2**n
    return min(1.0, 2 * tail)


def signed_rank_p(a: Sequence[float], b: Sequence[float]) -> float:
    """Wilcoxon's signed-rank p-value from every sign flip of the midranks of the non-zero
    differences (exact, ties included; for up to about 16 differences)."""
    d = [x - y for x, y in zip(a, b, strict=True) if abs(x - y) > 1e-12]
    if not d:
        return 1.0
    ranks = scipy_stats.rankdata([abs(x) for x in d])
    total = float(sum(ranks))
    plus = float(sum(r for r, x in zip(ranks, d, strict=True) if x > 0))
    seen = min(plus, total - plus)
    extreme = 0
    for signs in itertools.product((0, 1), repeat=len(d)):
        t = sum(r for r, s in zip(ranks, signs, strict=True) if s)
        extreme += min(t, total - t) <= seen + 1e-9
    return extreme / 2 ** len(d)
