"""The statistics of ``arcloop compare``, checked against independent computations: published
values, the binomial distribution summed by hand, every sign flip enumerated, the normal
approximation written out, and SciPy's own bootstrap."""

from __future__ import annotations

import math
import random
import statistics

import numpy as np
import pytest
from scipy import stats as scipy_stats

from arcloop.runs.stats import (
    bootstrap_interval,
    mcnemar_exact,
    mean_and_sd,
    signed_rank_test,
    wilson_interval,
)
from tests.byhand import mcnemar_p, signed_rank_p, signed_rank_p_untied

# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in
# Medicine 17:857-872, table II, method 3 (Wilson's score interval without continuity correction).
NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (29, 29, 0.8830, 1.0000),
]


@pytest.mark.parametrize(("successes", "n", "low", "high"), NEWCOMBE)
def test_wilson_interval_matches_the_published_table(
    successes: int, n: int, low: float, high: float
) -> None:
    interval = wilson_interval(successes, n)
    assert interval.value == successes / n
    assert round(interval.low, 4) == low
    assert round(interval.high, 4) == high


@pytest.mark.parametrize(
    ("only_a", "only_b", "both", "neither"),
    [(0, 8, 4, 0), (1, 8, 3, 0), (4, 3, 1, 4), (0, 0, 5, 5), (6, 6, 0, 0), (2, 15, 40, 63)],
)
def test_mcnemar_p_value_is_the_binomial_tail_summed_by_hand(
    only_a: int, only_b: int, both: int, neither: int
) -> None:
    pairs = (
        [(True, False)] * only_a
        + [(False, True)] * only_b
        + [(True, True)] * both
        + [(False, False)] * neither
    )
    random.Random(only_a * 100 + only_b).shuffle(pairs)  # order must not matter
    result = mcnemar_exact([a for a, _ in pairs], [b for _, b in pairs])
    assert (result.only_a, result.only_b) == (only_a, only_b)
    assert result.p_value == pytest.approx(mcnemar_p(only_a, only_b), rel=1e-12)


def test_mcnemar_refuses_unpaired_runs() -> None:
    with pytest.raises(ValueError, match="paired"):
        mcnemar_exact([True], [True, False])


@pytest.mark.parametrize("seed", range(6))
def test_signed_rank_small_samples_match_every_sign_flip_counted(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(5, 14)
    levels = [0.0, 1 / 3, 2 / 3, 1.0]  # solve rates over three seeds: many ties, some zeros
    a = [rng.choice(levels) for _ in range(n)]
    b = [rng.choice(levels) if rng.random() < 0.7 else x for x in a]
    if all(abs(x - y) < 1e-12 for x, y in zip(a, b, strict=True)):
        b[0] = 1.0 - a[0]
    assert signed_rank_test(a, b) == pytest.approx(signed_rank_p(a, b), rel=1e-9)


@pytest.mark.parametrize("n", [14, 30, 50])
def test_signed_rank_untied_samples_up_to_50_are_exact(n: int) -> None:
    rng = random.Random(n)
    a = [rng.random() for _ in range(n)]
    b = [x - rng.gauss(0.05, 0.3) for x in a]  # continuous differences: no ties, no zeros
    assert signed_rank_test(a, b) == pytest.approx(signed_rank_p_untied(a, b), rel=1e-9)


def test_signed_rank_large_samples_use_the_normal_approximation_with_ties() -> None:
    rng = random.Random(3)
    a = [rng.choice([0.0, 0.5, 1.0]) for _ in range(80)]
    b = [min(1.0, x + rng.choice([0.0, 0.0, 0.5, -0.5])) for x in a]
    d = [x - y for x, y in zip(a, b, strict=True) if abs(x - y) > 1e-12]
    n = len(d)
    ranks = scipy_stats.rankdata([abs(x) for x in d])
    plus = sum(r for r, x in zip(ranks, d, strict=True) if x > 0)
    _, ties = np.unique(np.abs(d), return_counts=True)
    variance = n * (n + 1) * (2 * n + 1) / 24 - float((ties**3 - ties).sum()) / 48
    z = (plus - n * (n + 1) / 4) / math.sqrt(variance)
    by_hand = math.erfc(abs(z) / math.sqrt(2))  # two-sided normal tail
    assert signed_rank_test(a, b) == pytest.approx(by_hand, rel=1e-9)


def test_signed_rank_of_identical_arms_is_one() -> None:
    assert signed_rank_test([0.5, 1.0, 0.0], [0.5, 1.0, 0.0]) == 1.0


def test_bootstrap_agrees_with_scipys_percentile_bootstrap() -> None:
    rng = np.random.default_rng(11)
    scores = rng.choice([0.0, 0.5, 1.0], size=60, p=[0.5, 0.2, 0.3])
    ours = bootstrap_interval(list(scores))
    theirs = scipy_stats.bootstrap(
        (scores,), np.mean, method="percentile", n_resamples=20_000, random_state=5
    ).confidence_interval
    assert ours.value == pytest.approx(float(scores.mean()))
    assert ours.low == pytest.approx(theirs.low, abs=0.015)
    assert ours.high == pytest.approx(theirs.high, abs=0.015)


def test_bootstrap_is_deterministic_and_degenerate_on_constant_data() -> None:
    values = [0.0, 1.0, 1.0, 0.5, 0.0, 1.0]
    assert bootstrap_interval(values) == bootstrap_interval(values)
    flat = bootstrap_interval([0.25] * 9)
    assert (flat.low, flat.value, flat.high) == (0.25, 0.25, 0.25)


def test_mean_and_sd_match_the_statistics_module() -> None:
    values = [0.25, 0.5, 0.583, 0.333]
    spread = mean_and_sd(values)
    assert spread.mean == pytest.approx(statistics.mean(values))
    assert spread.sd == pytest.approx(statistics.stdev(values))
