"""A run over a dataset: config, orchestration, storage and the executors that solve tasks.

- configuration: ``config`` (the typed ``RunConfig``, presets, overrides, resume rules);
- orchestration: ``runner`` (``execute_run``), ``progress`` (the counters a view reads);
- where tasks are solved: ``executor`` (the protocol and the choice by name), ``local`` (in
  this process), ``clients`` (a task's model clients and dollar cap), ``ray/`` (on a cluster);
- storage: ``record`` (the typed, versioned ``TaskRecord``; ``record_v1`` upgrades version 1),
  ``results`` (solver result -> record), ``journal`` (the SQLite tables), ``summary``
  (``summary.json``), ``export`` (other tools' formats).
- reading runs back: ``source`` (a run directory through those schemas), ``listing`` (the
  runs in a folder), ``calls`` (a run's model calls), ``breakdown`` (per model and prompt);
- comparing runs: ``compare`` (``compare``, ``compare_arms``), ``comparison`` (the
  ``Comparison`` they return), ``stats`` (intervals and paired tests).

Not here: what the user sees (``arcloop.cli``) or the report (``arcloop.report``): nothing in
this package imports either.
"""
