"""Joining a Ray cluster for one run, or starting a local one, and leaving it as found.

``join_cluster`` decides where a Ray run runs:

1. a Ray already initialized in this process (a notebook, a test) is used as is and left
   running;
2. an address (``--ray-address`` / ``[run] ray_address``, else ``RAY_ADDRESS``) connects to
   that cluster (this machine must be one of its nodes: ``ray start --address=...``);
3. otherwise a local Ray is started for the run and shut down at its end.

A local Ray started by arcloop keeps Ray's token authentication, but with a random token
held in this process's environment (``RAY_AUTH_TOKEN``, inherited by the processes Ray starts)
instead of the ``~/.ray/auth_token`` file Ray 2.60 would otherwise create in the user's home
(Ray itself sets ``RAY_AUTH_MODE=token``); the previous environment is restored when the run
leaves. A user who set ``RAY_AUTH_MODE``,
``RAY_AUTH_TOKEN`` or ``RAY_AUTH_TOKEN_PATH`` keeps Ray's own behaviour. Ray's session files
still go to its temp dir (``/tmp/ray``). No dashboard is started and worker output is not
forwarded to the driver (it stays in ``/tmp/ray/session_latest/logs``).

Left out: Ray Client (``ray://`` addresses): the journal actor must run on the driver's
machine, which a Ray Client driver is not part of.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field

import ray

from arcloop._process import Reaper
from arcloop.errors import ConfigError

logger = logging.getLogger(__name__)

NAMESPACE = "arcloop"
"""Ray namespace of every named actor arcloop creates."""

_AUTH_VARIABLES = ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")
_AUTH_LOGGER = "ray._private.authentication.authentication_token_setup"
_TOKEN: list[str] = []


def _process_token() -> str:
    """One random token per process: Ray caches the token it loaded first, so a second local
    Ray started by this process must be given the same one."""
    if not _TOKEN:
        _TOKEN.append(secrets.token_hex(32))
    return _TOKEN[0]


@dataclass(frozen=True)
class ClusterLease:
    """How this run got its Ray, so that ``leave_cluster`` undoes exactly that.

    Attributes:
        owned: this run called ``ray.init`` (and will call ``ray.shutdown``).
        local: the cluster was started here for the run.
        saved_env: environment variables to restore after shutdown (None = unset).
        reaper: kills the local Ray's processes if this process dies without shutting it
            down (SIGKILL): Ray's own agents outlive a killed driver.
    """

    owned: bool
    local: bool
    saved_env: dict[str, str | None] = field(default_factory=dict)
    reaper: Reaper | None = None


def cluster_address(configured: str | None) -> str | None:
    """The address to connect to: the configured one, else ``RAY_ADDRESS``, else None."""
    return configured or os.environ.get("RAY_ADDRESS") or None


def join_cluster(address: str | None, *, num_cpus: int) -> ClusterLease:
    """Use the Ray of this process, connect to ``address``, or start a local Ray.

    Args:
        address: a cluster address (``host:port`` or ``auto``), or None for a local Ray.
        num_cpus: CPUs a local Ray offers (ignored when connecting).

    Raises:
        ConfigError: a Ray Client address (``ray://``), which cannot host the journal.
    """
    if address is not None and address.startswith("ray://"):
        raise ConfigError(
            f"{address}: Ray Client addresses are not supported; run arcloop on a node of the"
            " cluster (ray start --address=HEAD:6379) and give the cluster's address"
        )
    if ray.is_initialized():
        logger.info("using the Ray already initialized in this process")
        return ClusterLease(owned=False, local=False)
    if address is not None:
        ray.init(
            address=address,
            namespace=NAMESPACE,
            logging_level=logging.WARNING,
            log_to_driver=False,
        )
        return ClusterLease(owned=True, local=False)
    saved = {name: os.environ.get(name) for name in _AUTH_VARIABLES}
    own_token = all(value is None for value in saved.values())
    if own_token:
        os.environ["RAY_AUTH_TOKEN"] = _process_token()
    # Ray announces the token authentication it turns on; it is on by arcloop's choice here.
    quiet = logging.getLogger(_AUTH_LOGGER)
    level = quiet.level
    if own_token:
        quiet.setLevel(logging.ERROR)
    reaper = Reaper()
    try:
        ray.init(
            address="local",
            num_cpus=num_cpus,
            include_dashboard=False,
            namespace=NAMESPACE,
            logging_level=logging.WARNING,
            log_to_driver=False,
        )
    except BaseException:
        _restore(saved)
        reaper.release()
        raise
    finally:
        quiet.setLevel(level)
    return ClusterLease(owned=True, local=True, saved_env=saved, reaper=reaper)


def leave_cluster(lease: ClusterLease) -> None:
    """Disconnect (and stop a local Ray) if this run started it; restore the environment."""
    if lease.owned:
        ray.shutdown()
    if lease.reaper is not None:
        lease.reaper.release()
    _restore(lease.saved_env)


def _restore(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def driver_node_id() -> str:
    """The Ray node this process runs on (where the run directory is)."""
    node: str = ray.get_runtime_context().get_node_id()
    return node


def worker_nodes() -> list[str]:
    """Alive nodes that offer at least one CPU, in a stable order."""
    return sorted(
        str(n["NodeID"])
        for n in ray.nodes()  # type: ignore[no-untyped-call]
        if n.get("Alive") and float(n.get("Resources", {}).get("CPU", 0)) >= 1
    )
