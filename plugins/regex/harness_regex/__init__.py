"""harness-regex: an extractor of entities, quotes and speakers built from regular expressions."""

__version__ = "0.2.2"
