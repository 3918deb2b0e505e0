"""Transformers extractor plugin for the harness: CoNLL-type entities from a bundled model.

Importing this package is cheap: torch and transformers are imported only when the extractor is
set up or the training recipe runs.
"""

__version__ = "0.1.0"
