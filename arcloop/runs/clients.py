"""The model clients of one task: each expert's model, settings and budgets, and the task's
dollar cap shared by its experts.

Every executor (in this process or on a Ray worker) builds a task's clients with
``client_factory``, so a task is capped the same way wherever it runs. Not here: the run's
dollar cap (the gateway's ``CostLedger``) or how calls are made (``arcloop.llm``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from arcloop.errors import CostBudgetExceededError
from arcloop.llm.gateway import LLMGateway
from arcloop.llm.types import Completion, Message, ModelClient
from arcloop.runs.config import RunConfig
from arcloop.solver.config import ExpertSpec


@dataclass
class TaskAccount:
    """One task's dollar cap, shared by its experts.

    >>> account = TaskAccount("1a2b", max_cost_usd=1.0, spent_usd=1.0)
    >>> account.check()
    Traceback (most recent call last):
    ...
    arcloop.errors.CostBudgetExceededError: task 1a2b: cost cap reached: $1.0000 of $1.0000
    """

    task_id: str
    max_cost_usd: float | None
    spent_usd: float = 0.0

    def check(self) -> None:
        """Raise ``CostBudgetExceededError`` once the task has spent its cap."""
        if self.max_cost_usd is not None and self.spent_usd >= self.max_cost_usd:
            raise CostBudgetExceededError(
                f"task {self.task_id}: cost cap reached: ${self.spent_usd:.4f}"
                f" of ${self.max_cost_usd:.4f}"
            )


class TaskCappedClient:
    """A model client that also charges its task's ``TaskAccount``."""

    def __init__(self, client: ModelClient, account: TaskAccount) -> None:
        self._client = client
        self._account = account

    @property
    def name(self) -> str:
        return self._client.name

    async def complete(self, messages: list[Message], *, sample_key: str) -> Completion:
        self._account.check()
        completion = await self._client.complete(messages, sample_key=sample_key)
        self._account.spent_usd += completion.usage.cost_usd
        return completion


def client_factory(
    config: RunConfig, gateway: LLMGateway, task_id: str
) -> Callable[[ExpertSpec], ModelClient]:
    """The ``client_for`` of one task: each expert's model, settings, budgets, task cap."""
    account = TaskAccount(task_id, config.run.task_budget_usd)

    def client_for(spec: ExpertSpec) -> ModelClient:
        budget = gateway.budget(
            max_total_time=spec.config.max_total_time or None,
            max_total_timeouts=spec.config.max_total_timeouts or None,
        )
        # The expert's temperature is sent only when its entry sets one, so a model's own
        # setting (e.g. a local server's props) stands otherwise; the registry drops it for
        # models that take none or only a fixed one.
        props = (
            {"temperature": spec.config.temperature}
            if "temperature" in spec.config.model_fields_set
            else None
        )
        client = gateway.client(spec.model, budget=budget, props=props)
        return TaskCappedClient(client, account)

    return client_for
