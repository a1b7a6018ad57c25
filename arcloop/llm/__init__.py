"""The LLM layer: any LiteLLM model behind gates, budgets, a cost ledger and a call journal.

It knows nothing about ARC. The names most callers need are re-exported here; LiteLLM itself is
imported only when the first request is sent (``arcloop.llm.transport``).
"""

from arcloop.llm.budget import CallerBudget, CostLedger, RetryPolicy
from arcloop.llm.gate import Gate, LocalGate
from arcloop.llm.gateway import GatewayClient, LLMGateway
from arcloop.llm.journal import Journal
from arcloop.llm.registry import (
    BUILTIN_MODELS,
    PRICES_AS_OF,
    ModelRow,
    ModelSpec,
    Price,
    Registry,
    model_rows,
    parse_models_table,
)
from arcloop.llm.stats import GatewayStats
from arcloop.llm.types import Completion, Message, ModelClient

__all__ = [
    "BUILTIN_MODELS",
    "PRICES_AS_OF",
    "CallerBudget",
    "Completion",
    "CostLedger",
    "Gate",
    "GatewayClient",
    "GatewayStats",
    "Journal",
    "LLMGateway",
    "LocalGate",
    "Message",
    "ModelClient",
    "ModelRow",
    "ModelSpec",
    "Price",
    "Registry",
    "RetryPolicy",
    "model_rows",
    "parse_models_table",
]
