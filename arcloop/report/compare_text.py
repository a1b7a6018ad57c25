"""What a comparison of runs shows, as rows of text: the terminal (``arcloop compare``) and the
comparison page print the same rows, so both say the same thing in the same words.

- ``arm_rows``: per arm, its scores with 95% intervals, solved tasks and outputs, cost per task
  and per solved task, calls, tokens with the cached share, and time; with several runs per
  arm, the mean ± sd across them instead (and ``run_rows`` lists every run);
- ``breakdown_rows``: per arm, model and prompt;
- ``pair_lines``: one arm against A: the difference, the test, the verdict, and the tasks only
  one side solved.

A verdict never calls a difference significant unless its test's p-value is below 0.05; when it
is not, it says the difference could be chance (and does not use the word significant).

Not here: computing anything (``arcloop.runs.compare``) or HTML (``compare_page``).
"""

from __future__ import annotations

from collections.abc import Sequence

from arcloop.report.fmt import count, duration, money
from arcloop.runs.breakdown import expert_label
from arcloop.runs.comparison import Arm, Comparison, PairedDifference, RunScore

Rows = tuple[list[str], list[list[str]]]
"""A header and rows of cells."""


def _money_or_dash(usd: float | None) -> str:
    return "—" if usd is None else money(usd)


def _tokens(r: RunScore) -> str:
    share = r.cached_share
    cached = "no prompt tokens" if share is None else f"{share:.0%} of prompt cached"
    return f"{count(r.tokens)} ({cached})"


def several_runs(arms: Sequence[Arm]) -> bool:
    """True when some arm has more than one run (the rows are then means ± sd)."""
    return any(len(arm.runs) > 1 for arm in arms)


def arm_rows(arms: Sequence[Arm]) -> Rows:
    """One column per arm: its figures (see the module docstring)."""
    if several_runs(arms):
        header = ["", *(f"{a.label} ({len(a.runs)} runs)" for a in arms)]
        return header, [
            ["score per task (mean ± sd)", *(str(a.score_per_task) for a in arms)],
            ["score per output (mean ± sd)", *(str(a.score_per_output) for a in arms)],
            [
                "cost per task (mean ± sd)",
                *(f"{money(a.cost_per_task.mean)} ± {money(a.cost_per_task.sd)}" for a in arms),
            ],
        ]
    runs = [a.runs[0] for a in arms]
    return ["", *(a.label for a in arms)], [
        ["score per task [95% CI]", *(str(r.score_per_task) for r in runs)],
        ["score per output [95% CI]", *(str(r.score_per_output) for r in runs)],
        ["solved tasks", *(f"{r.solved}/{r.tasks}" for r in runs)],
        ["solved outputs", *(f"{r.solved_outputs}/{r.outputs}" for r in runs)],
        ["cost", *(money(r.usage.cost_usd) for r in runs)],
        ["cost per task", *(money(r.cost_per_task) for r in runs)],
        ["cost per solved task", *(_money_or_dash(r.cost_per_solved_task) for r in runs)],
        ["calls", *(f"{r.calls:,} ({r.replayed_calls:,} replayed)" for r in runs)],
        ["tokens", *(_tokens(r) for r in runs)],
        ["time (tasks summed)", *(duration(r.task_seconds) for r in runs)],
    ]


def run_rows(arms: Sequence[Arm]) -> Rows:
    """One row per run of every arm: its own scores with intervals, cost, calls, tokens."""
    header = ["arm", "run", "score per task [95% CI]", "score per output [95% CI]", "solved"]
    header += ["cost per task", "per solved task", "calls", "tokens"]
    return header, [
        [
            arm.label,
            r.name,
            str(r.score_per_task),
            str(r.score_per_output),
            f"{r.solved}/{r.tasks}",
            money(r.cost_per_task),
            _money_or_dash(r.cost_per_solved_task),
            f"{r.calls:,}",
            _tokens(r),
        ]
        for arm in arms
        for r in arm.runs
    ]


def breakdown_rows(c: Comparison) -> Rows:
    """Per arm, model and prompt: expert runs, iterations, cost, and how often they passed the
    train pairs, were in the winning vote group, and offered the right outputs."""
    header = ["arm", "expert", "expert runs", "iterations", "cost", "passed train"]
    header += ["in winning group", "right outputs"]
    return header, [
        [
            row.arm,
            expert_label(row.stats.model, row.stats.prompt),
            str(row.stats.experts),
            str(row.stats.iterations),
            money(row.stats.usage.cost_usd),
            str(row.stats.passed),
            str(row.stats.won),
            str(row.stats.right),
        ]
        for row in c.breakdown
    ]


def difference_line(p: PairedDifference) -> str:
    """The mean per-task difference B − A with its interval."""
    d = p.score_difference
    what = "score" if p.test == "mcnemar" else "solve rate"
    return (
        f"per-task {what} {p.b} − {p.a}: {d.value:+.3f} [{d.low:+.3f}, {d.high:+.3f}]"
        " (paired bootstrap, 95%)"
    )


def test_line(p: PairedDifference) -> str:
    """The paired test and its p-value."""
    if p.mcnemar is not None:
        m = p.mcnemar
        return (
            f"exact McNemar test: {m.only_b} task(s) solved only by {p.b}, {m.only_a} only by"
            f" {p.a}: p = {p.p_value:.4g}"
        )
    return f"Wilcoxon signed-rank test on per-task solve rates: p = {p.p_value:.4g}"


def verdict_line(p: PairedDifference) -> str:
    """What the test says, in words."""
    if p.better is not None:
        return f"{p.better} is better: significant at the 5% level (p < 0.05)"
    if p.significant:
        return "the arms differ: significant at the 5% level (p < 0.05)"
    return "no difference shown: it could be chance (p ≥ 0.05)"


def pair_lines(p: PairedDifference) -> list[str]:
    """One arm against A, as the terminal prints it."""
    return [
        f"{p.b} against {p.a} on {p.tasks} tasks:",
        "  " + difference_line(p),
        "  " + test_line(p),
        "  " + verdict_line(p),
        f"  solved only by {p.a}: {' '.join(p.only_a) or '—'}",
        f"  solved only by {p.b}: {' '.join(p.only_b) or '—'}",
    ]
