"""Options of the ``llm`` extractor, validated from the config before anything loads."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.model import ONTONOTES_LABELS

from .prompts import resolve_prompts

StructuredOutput = Literal["auto", "json_schema", "json_object", "prompt"]
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class LLMOptions:
    #: Model name as the server knows it (``Qwen/Qwen2.5-7B-Instruct``, ``llama3.1:8b``...).
    model: str
    #: Base URL of the OpenAI-compatible API, up to and including ``/v1``.
    base_url: str = "http://127.0.0.1:8080/v1"
    #: Name of the environment variable holding the API key (never the key itself); ``null``
    #: for a server without authentication.
    api_key_env: str | None = None
    temperature: float = 0.0
    #: Sent as ``seed`` (servers that support it sample reproducibly); ``null`` omits it.
    seed: int | None = 0
    #: Most tokens the model may generate per request; an answer cut at this length is a
    #: per-document error ("truncated"), never half-parsed.
    max_tokens: int = 4096
    #: Seconds to wait for the server (connect, and between bytes of the answer).
    timeout: float = 120.0
    #: Requests in flight at once.
    concurrency: int = 4
    #: Retries of a request after 429, 5xx, timeouts and connection errors.
    max_retries: int = 5
    #: First backoff in seconds (doubled each retry, full jitter) and its cap.
    backoff: float = 1.0
    max_backoff: float = 30.0
    #: Longest ``Retry-After`` waited for; a server asking for more fails the request.
    max_retry_wait: float = 120.0
    #: ``json_schema`` (response_format with the schema), ``json_object``, ``prompt`` (schema in
    #: the prompt only) or ``auto``: json_schema, falling back to ``prompt`` when the server
    #: answers 400 that it does not support it (remembered in the response cache).
    structured_output: StructuredOutput = "auto"
    #: Replacement prompts by task (``entities``, ``quotes``, ``speakers``): a text, or
    #: ``{file: PATH}``, or ``{system: ..., user: ...}``; see ``harness_llm.prompts``.
    prompts: dict[str, Any] = field(default_factory=dict)
    #: Entity labels asked for; OntoNotes labels are described to the model, others need
    #: ``label_descriptions``.
    labels: tuple[str, ...] = ONTONOTES_LABELS
    label_descriptions: dict[str, str] = field(default_factory=dict)
    #: Native label -> goldset label (``null`` drops), as for the other extractors.
    label_map: dict[str, str | None] = field(default_factory=dict)
    #: Documents longer than this many characters are sent in overlapping chunks.
    chunk_chars: int = 8000
    chunk_overlap: int = 800
    #: Least similarity (0..1) of a fuzzy match; ``null`` turns fuzzy matching off.
    fuzzy_threshold: float | None = 0.85
    #: Strings shorter than this are never matched fuzzily.
    fuzzy_min_chars: int = 12
    #: Ask a second question per chunk: who said each quote found (prompt ``speakers``).
    speaker_pass: bool = False
    #: Folder of the response cache (relative to the working directory); ``null`` disables it.
    cache_dir: str | None = ".harness-cache/llm"
    #: Ask ``GET /models`` before the first request: a wrong URL, key or model name stops the
    #: run at once instead of failing every document.
    check_server: bool = True
    #: More fields for the request body (``top_p``, ``repetition_penalty``...): part of the
    #: cache key.
    extra_body: dict[str, Any] = field(default_factory=dict)
    #: The prompts in use, resolved from ``prompts`` and the defaults (id, sha256 and text):
    #: recorded in the results and part of the cache keys. Not set in configs.
    resolved_prompts: dict[str, dict[str, str]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise ValueError("; ".join(problems))
        resolved = {t: p.provenance() for t, p in resolve_prompts(self.prompts).items()}
        object.__setattr__(self, "resolved_prompts", resolved)

    def _problems(self) -> list[str]:
        return self._server_problems() + self._number_problems() + self._label_problems()

    def _server_problems(self) -> list[str]:
        out = []
        if not self.model:
            out.append("option 'model' must name the model")
        if not self.base_url.startswith(("http://", "https://")):
            out.append(f"base_url must start with http:// or https://, got {self.base_url!r}")
        if self.api_key_env is not None and not _ENV_NAME.match(self.api_key_env):
            out.append(
                "api_key_env must be the NAME of an environment variable (like OPENAI_API_KEY),"
                " not a key"
            )
        reserved = {"model", "messages", "response_format"} & set(self.extra_body)
        if reserved:
            out.append(f"extra_body may not set {sorted(reserved)}")
        return out

    def _number_problems(self) -> list[str]:
        out = [
            f"{name} must be at least 1, got {getattr(self, name)}"
            for name in ("concurrency", "max_tokens", "chunk_chars")
            if getattr(self, name) < 1
        ]
        out += [
            f"{name} must not be negative, got {getattr(self, name)}"
            for name in ("max_retries", "chunk_overlap", "fuzzy_min_chars")
            if getattr(self, name) < 0
        ]
        out += [
            f"{name} must be positive, got {getattr(self, name)}"
            for name in ("timeout", "backoff", "max_backoff", "max_retry_wait")
            if getattr(self, name) <= 0
        ]
        if self.chunk_overlap * 2 >= self.chunk_chars:
            out.append("chunk_overlap must be less than half of chunk_chars")
        if self.fuzzy_threshold is not None and not 0 < self.fuzzy_threshold <= 1:
            out.append(f"fuzzy_threshold must be in (0, 1], got {self.fuzzy_threshold}")
        return out

    def _label_problems(self) -> list[str]:
        if not self.labels:
            return ["labels must not be empty"]
        undescribed = [
            x for x in self.labels if x not in ONTONOTES_LABELS and x not in self.label_descriptions
        ]
        if undescribed:
            return [
                f"labels {undescribed} are not OntoNotes labels: describe them in "
                "label_descriptions"
            ]
        return []

    def api_key(self) -> str | None:
        """The key from the environment; a ``ValueError`` naming the variable if it is unset."""
        if self.api_key_env is None:
            return None
        key = os.environ.get(self.api_key_env)
        if not key:
            raise ValueError(
                f"environment variable {self.api_key_env} (option api_key_env) is not set"
            )
        return key
