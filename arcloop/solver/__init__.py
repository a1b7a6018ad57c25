"""The solver: code extraction, structured feedback, the expert loop, the ensemble and its vote.

Public API:

- ``solve_task(task, config, *, client_for, sandbox, search=None) -> TaskResult``;
- ``SolverConfig`` (``from_document``, ``check``), ``ExpertConfig``, ``ExpertSpec``,
  ``expand_experts``, ``SEARCH_MODEL``;
- results: ``TaskResult`` (``to_dict``/``from_dict``), ``ExpertResult``, ``Iteration``,
  ``VoteGroup``, ``Attempts``;
- the parts, usable alone: ``extract_program``, ``evaluate``, ``vote``, ``run_llm_expert``,
  ``SearchExpert``, ``sample_key`` (and ``parse_sample_key``, its inverse).
"""

from arcloop.solver.config import (
    SEARCH_MODEL,
    ExpertConfig,
    ExpertSpec,
    SolverConfig,
    expand_experts,
)
from arcloop.solver.ensemble import ClientFactory, solve_task
from arcloop.solver.expert import SampleKey, parse_sample_key, run_llm_expert, sample_key
from arcloop.solver.extract import Extraction, extract_program
from arcloop.solver.feedback import Evaluation, PairFeedback, evaluate
from arcloop.solver.results import (
    Attempts,
    ExpertResult,
    Iteration,
    StopReason,
    TaskResult,
    VoteGroup,
)
from arcloop.solver.search_expert import SearchExpert, SearchFunction
from arcloop.solver.vote import Vote, vote

__all__ = [
    "SEARCH_MODEL",
    "Attempts",
    "ClientFactory",
    "Evaluation",
    "ExpertConfig",
    "ExpertResult",
    "ExpertSpec",
    "Extraction",
    "Iteration",
    "PairFeedback",
    "SampleKey",
    "SearchExpert",
    "SearchFunction",
    "SolverConfig",
    "StopReason",
    "TaskResult",
    "Vote",
    "VoteGroup",
    "evaluate",
    "expand_experts",
    "extract_program",
    "parse_sample_key",
    "run_llm_expert",
    "sample_key",
    "solve_task",
    "vote",
]
