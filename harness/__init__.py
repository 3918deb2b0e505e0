"""harness: a plugin-based evaluation harness for information extraction from news."""

__version__ = "0.1.0"

from .hookspecs import hookimpl

__all__ = ["__version__", "hookimpl"]
