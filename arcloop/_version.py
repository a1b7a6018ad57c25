"""The version of arcloop, in a module of its own: every layer may read it, and importing it
imports nothing else (the package's ``__init__`` is the public API, above every layer)."""

__version__ = "0.1.0"
