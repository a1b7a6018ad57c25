"""Entry point of the sandbox's own interpreters: ``python -I launch.py MODULE [ARGS...]``.

Registers ``arcloop`` and ``arcloop.sandbox`` as bare packages, so that the modules of this
folder import each other by their real names without running arcloop's own ``__init__``
modules (which pull in pydantic, asyncio and the rest of the key-holding parent's world), then
calls ``arcloop.sandbox._inside.MODULE.main(ARGS)``.
"""

from __future__ import annotations

import importlib
import os
import sys
import types

# Before numpy loads: one thread per BLAS pool, so a child is one process on one core.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"


def _bootstrap() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:
        del sys.path[0]  # this folder's module names must not shadow anything
    sandbox = os.path.dirname(here)
    for name, path in (("arcloop", os.path.dirname(sandbox)), ("arcloop.sandbox", sandbox)):
        module = types.ModuleType(name)
        module.__path__ = [path]
        sys.modules[name] = module


if __name__ == "__main__":
    _bootstrap()
    importlib.import_module(f"arcloop.sandbox._inside.{sys.argv[1]}").main(sys.argv[2:])
