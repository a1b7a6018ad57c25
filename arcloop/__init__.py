"""arcloop: solve ARC-AGI tasks with model-written programs, sandboxed feedback and voting."""

__version__ = "0.1.0"
