"""spaCy extractor plugin for the harness (entities, quotes, speakers).

Importing this package is cheap: spaCy is imported only when the extractor is set up.
"""

__version__ = "0.1.0"
