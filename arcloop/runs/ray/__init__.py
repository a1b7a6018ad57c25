"""A run's tasks solved across a Ray cluster (``arcloop run --executor ray``).

- ``executor``: ``RayExecutor``, the driver side, found by ``arcloop.runs.executor`` through
  the ``arcloop.executors`` entry point named ``ray``;
- ``worker``: ``RayWorker``, one per node, solving tasks with its own sandbox;
- ``gate``: one cluster-wide gate per model (``GateActor``) and each worker's view of it;
- ``journal``: the run's call journal served from the driver's node to every worker;
- ``cluster``: joining a cluster, or starting and stopping a local one.

These modules depend on the rest of ``arcloop.runs`` (config, task clients), never the
reverse, and import Ray at the top: nothing imports them unless the Ray executor is chosen.
This file imports none of them.
"""
