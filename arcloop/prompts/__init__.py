"""Prompt templates as text files, a strict renderer, grid notations and the choice of variant.

Public API:

- ``Template`` (``.render(**values)``, ``.fields``, ``.check_fields``) — strict ``{{name}}`` text;
- ``load_template(spec)``, ``load_solver_template(spec)``, ``builtin_names()``,
  ``choose_prompt(model, explicit=, by_model=, default=)``;
- ``grid_to_text(grid, fmt=)``, ``GridFormat``;
- ``solver_prompt(template, train=, test_inputs=, earlier=, fmt=)``, ``solver_turns`` (the
  same prompt as messages a later prompt extends) and ``EarlierProgram``.
"""

from arcloop.prompts.assemble import EarlierProgram, solver_prompt, solver_turns
from arcloop.prompts.catalog import (
    DEFAULT_SOLVER_PROMPT,
    FEEDBACK_FIELDS,
    SOLVER_FIELDS,
    SOLVER_VARIANTS,
    builtin_names,
    choose_prompt,
    load_solver_template,
    load_template,
)
from arcloop.prompts.render import Template
from arcloop.prompts.task_text import GridFormat, grid_to_text

__all__ = [
    "DEFAULT_SOLVER_PROMPT",
    "FEEDBACK_FIELDS",
    "SOLVER_FIELDS",
    "SOLVER_VARIANTS",
    "EarlierProgram",
    "GridFormat",
    "Template",
    "builtin_names",
    "choose_prompt",
    "grid_to_text",
    "load_solver_template",
    "load_template",
    "solver_prompt",
    "solver_turns",
]
