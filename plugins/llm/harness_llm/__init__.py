"""harness-llm: entities, quotes and speakers from a prompted language model behind any
OpenAI-compatible chat-completions server, with every generated string aligned to the text."""

__version__ = "0.1.0"
