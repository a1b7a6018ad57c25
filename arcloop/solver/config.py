"""The solver's configuration: ``[[experts]]`` entries and ``[solver]`` settings, validated.

The TOML contract (shared with the LLM layer's ``[models."..."]`` and the runs layer's ``[run]``)::

    [solver]
    grid_format = "spaced"                 # "spaced" | "compact" | "json"
    default_prompt = "solver-1"            # when neither the expert nor a model glob says
    prompts = { "openai/*" = "solver-3" }  # solver template per model name or glob
    backfill_attempts = true               # a missing attempt_2 comes from other iterations
    waves = [2, 2, 4]                      # paid experts launched per wave; [] = all at once
    settle = { agreeing = 2, margin = 3 }  # stop launching calls once the vote is settled
    in_flight = "finish"                   # on settling: "finish" or "cancel" running calls
    cache_friendly_prompts = false         # each prompt of an expert extends its previous one
    skip_paid_when_search_fits = false     # no paid call when local/search fits every pair

    [[experts]]
    model = "gemini/gemini-3-pro-preview"  # "local/search" = the offline search expert
    count = 2                 # this entry stands for 2 experts with distinct seeds
    prompt = "solver-1"       # a template name or a path to a file
    iterations = 10           # the default; the offline search (local/search) offers 2
    max_solutions = 5
    selection_probability = 1.0
    improving_order = true
    shuffle_examples = true
    return_best = true
    temperature = 1.0
    seed = 0
    max_total_time = 0       # seconds per expert per task; 0 = unlimited
    max_total_timeouts = 15

Unknown keys are errors. ``settle`` has two rules, either of which settles the vote:
``agreeing = N`` (N experts whose programs pass every train pair give identical test outputs)
and ``margin = M`` (the leading passing group has M more votes than any other group). Without
``settle`` every expert runs to its end, as Poetiq's solver does (see ``arcloop.solver.settle``).

Entries expand to experts numbered from 0 in file order; expert ``i`` gets seed
``entry.seed + i``, so experts of one entry, and of entries sharing a base seed, differ.

Not here: model settings, rate limits and budgets enforcement (the LLM layer), run settings
(the runs layer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from arcloop.errors import ConfigError
from arcloop.prompts import DEFAULT_SOLVER_PROMPT, choose_prompt, load_solver_template
from arcloop.prompts.task_text import GridFormat

SEARCH_MODEL = "local/search"
"""The model string that selects the offline search expert instead of an LLM."""
ITERATIONS = 10
"""Iterations of a model expert, unless its entry says otherwise."""
SEARCH_ITERATIONS = 2
"""Programs the offline search offers (its "iterations"), unless its entry says otherwise."""


class ExpertConfig(BaseModel):
    """One ``[[experts]]`` entry (see the module docstring for the TOML form)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(min_length=1)
    count: int = Field(default=1, ge=1)
    prompt: str | None = None
    iterations: int = Field(default=ITERATIONS, ge=1)
    max_solutions: int = Field(default=5, ge=0)
    selection_probability: float = Field(default=1.0, ge=0.0, le=1.0)
    improving_order: bool = True
    shuffle_examples: bool = True
    return_best: bool = True
    temperature: float = Field(default=1.0, ge=0.0)
    seed: int = 0
    max_total_time: float = Field(default=0.0, ge=0.0)
    max_total_timeouts: int = Field(default=15, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _default_iterations(cls, data: Any) -> Any:
        """A model expert runs 10 iterations and the offline search offers 2 programs, however
        the entry was made (``--model``, a file, a preset), unless it says otherwise."""
        if isinstance(data, Mapping) and "iterations" not in data:
            search = data.get("model") == SEARCH_MODEL
            return {**data, "iterations": SEARCH_ITERATIONS if search else ITERATIONS}
        return data

    @property
    def is_search(self) -> bool:
        """True for the offline search expert (``model = "local/search"``)."""
        return self.model == SEARCH_MODEL


class SettleRule(BaseModel):
    """When the vote is settled (``[solver] settle``); either rule that is set settles it.

    Attributes:
        agreeing: this many experts whose programs pass every train pair agree on every test
            output.
        margin: the leading group passes every train pair and has this many more votes than
            the next group.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    agreeing: int | None = Field(default=None, ge=1)
    margin: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _some_rule(self) -> SettleRule:
        if self.agreeing is None and self.margin is None:
            raise ValueError("needs a rule: agreeing = N and/or margin = N")
        return self


InFlight = Literal["finish", "cancel"]
"""What happens to calls in flight when the vote settles: answered and scored, or cancelled."""


class SolverConfig(BaseModel):
    """The experts of the ensemble and the settings shared by their prompts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    experts: tuple[ExpertConfig, ...] = Field(min_length=1)
    grid_format: GridFormat = "spaced"
    backfill_attempts: bool = True
    default_prompt: str = DEFAULT_SOLVER_PROMPT
    prompts: dict[str, str] = Field(default_factory=dict)
    waves: tuple[Annotated[int, Field(ge=1)], ...] = ()
    settle: SettleRule | None = None
    in_flight: InFlight = "finish"
    cache_friendly_prompts: bool = False
    skip_paid_when_search_fits: bool = False

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> SolverConfig:
        """Build from a whole config document: its ``experts`` list and ``[solver]`` table.

        Other top-level tables (``models``, ``run``, ...) belong to other layers and are ignored.

        Raises:
            ConfigError: naming the key path of the first problem.
        """
        solver = doc.get("solver", {})
        if not isinstance(solver, Mapping):
            raise ConfigError("solver: must be a table")
        data = {**solver, "experts": doc.get("experts", [])}
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_describe(exc)) from exc

    def prompt_for(self, expert: ExpertConfig) -> str:
        """The solver template (name or path) ``expert`` uses."""
        return choose_prompt(
            expert.model, explicit=expert.prompt, by_model=self.prompts, default=self.default_prompt
        )

    def check(self) -> None:
        """Load every solver template an expert will use, so a bad one fails before any call.

        Raises:
            ConfigError: a template is unknown, unreadable or has the wrong placeholders.
        """
        for expert in self.experts:
            if not expert.is_search:
                load_solver_template(self.prompt_for(expert))


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    path = ".".join(str(p) for p in first["loc"]) or "config"
    return f"{path}: {first['msg']} ({exc.error_count()} problem(s) in the solver config)"


@dataclass(frozen=True, slots=True)
class ExpertSpec:
    """One expert of one task, as expanded from the config.

    Attributes:
        index: the expert's number in the ensemble, from 0, in config order.
        seed: its seed (``config.seed + index``).
        config: the ``[[experts]]`` entry it comes from.
        task_id: the task it works on.
        prompt: the solver template (name or path) it uses ("" for the search expert).
    """

    index: int
    seed: int
    config: ExpertConfig
    task_id: str
    prompt: str

    @property
    def model(self) -> str:
        return self.config.model

    @property
    def name(self) -> str:
        """A short label, e.g. ``"expert 3 (openai/gpt-5)"``."""
        return f"expert {self.index} ({self.config.model})"


def expand_experts(config: SolverConfig, task_id: str) -> list[ExpertSpec]:
    """One ``ExpertSpec`` per expert: entries repeated ``count`` times, numbered from 0.

    >>> cfg = SolverConfig(experts=(ExpertConfig(model="m", count=2, seed=7),))
    >>> [(s.index, s.seed) for s in expand_experts(cfg, "t")]
    [(0, 7), (1, 8)]
    """
    specs: list[ExpertSpec] = []
    for entry in config.experts:
        prompt = "" if entry.is_search else config.prompt_for(entry)
        for _ in range(entry.count):
            index = len(specs)
            specs.append(ExpertSpec(index, entry.seed + index, entry, task_id, prompt))
    return specs
