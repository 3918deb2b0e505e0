"""Plugin module of ``harness-transformers`` (entry point ``transformers`` in group ``harness``).

Registration imports neither torch nor transformers: they are loaded in the extractor's
``setup``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import hookimpl


@hookimpl
def register_extractors(register: Callable[[Any], None]) -> None:
    """Register the ``transformers`` extractor."""
    from harness_transformers.extractor import TransformersExtractor

    register(TransformersExtractor)
