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


def signed_rank_p_untied(a: Sequence[float], b: Sequence[float]) -> float:
    """Wilcoxon's exact signed-rank p-value when no two differences tie (ranks 1..n): the
    null distribution of the sum of positive ranks counted by dynamic programming."""
    d = [x - y for x, y in zip(a, b, strict=True) if abs(x - y) > 1e-12]
    n = len(d)
    ranks = scipy_stats.rankdata([abs(x) for x in d])
    assert all(r == int(r) for r in ranks), "the differences tie"
    plus = int(sum(r for r, x in zip(ranks, d, strict=True) if x > 0))
    total = n * (n + 1) // 2
    ways = [1] + [0] * total  # ways[t]: sign patterns whose positive ranks sum to t
    for rank in range(1, n + 1):
        for t in range(total, rank - 1, -1):
            ways[t] += ways[t - rank]
    seen = min(plus, total - plus)
    extreme = sum(w for t, w in enumerate(ways) if min(t, total - t) <= seen)
    return min(1.0, extreme / 2**n)
