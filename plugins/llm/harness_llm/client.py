"""A small client of the OpenAI-compatible chat-completions API, with retries.

``POST {base_url}/chat/completions`` through one ``httpx.Client`` (a pool of ``concurrency``
keep-alive connections, shared by the worker threads). Retried, up to ``max_retries`` times:
HTTP 408, 409, 425, 429 and 5xx, timeouts, refused or dropped connections. The wait before a
retry is the server's ``Retry-After`` (seconds or an HTTP date) when it sends one, plus up to 10%
jitter; otherwise exponential backoff with full jitter, ``uniform(0, min(max_backoff,
backoff * 2**attempt))``. A ``Retry-After`` longer than ``max_retry_wait`` is not waited for:
the request fails with a message saying so. Other 4xx answers fail at once with the server's
message. A 400/422 that says the ``response_format`` is not supported raises
:class:`UnsupportedFormat`, so the caller can fall back to a plain JSON prompt.

The API key is sent as ``Authorization: Bearer ...`` and nowhere else; it is removed from every
message this module produces.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("harness_llm")

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 521, 522, 524, 529})
_FORMAT_WORDS = re.compile(
    r"response_format|json_schema|structured output|not supported|unsupported|unknown field",
    re.I,
)


def _httpx() -> Any:
    """``httpx``, imported when a client is made (not when the plugin is registered: listing
    plugins or validating a goldset should not pay for an HTTP library)."""
    import httpx

    return httpx


class RequestError(Exception):
    """A request failed for good (after the retries, or at once for a non-retryable answer)."""

    def __init__(self, message: str, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(message)
        self.status = status
        self.attempts = attempts


class UnsupportedFormat(RequestError):
    """The server refused the request's ``response_format``."""


@dataclass
class Reply:
    """A successful answer, reduced to what the extractor uses (and the cache stores)."""

    response: dict[str, Any]
    attempts: int


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def reduce_response(data: Any) -> dict[str, Any]:
    """``content``, ``finish_reason``, ``refusal``, ``usage`` and ``model`` of a completion."""
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("choices"), list)
        or not data["choices"]
    ):
        raise ValueError("no 'choices' in the response")
    choice = data["choices"][0]
    message = choice.get("message") if isinstance(choice, dict) else None
    if not isinstance(message, dict):
        raise ValueError("no 'message' in the first choice")
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return {
        "content": message.get("content"),
        "refusal": message.get("refusal"),
        "finish_reason": choice.get("finish_reason"),
        "usage": {
            k: int(usage[k])
            for k in ("prompt_tokens", "completion_tokens")
            if isinstance(usage.get(k), (int, float))
        },
        "model": data.get("model"),
    }


class ChatClient:
    """Chat completions against one server; thread-safe."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 120.0,
        concurrency: int = 4,
        max_retries: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        max_retry_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = api_key or None
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self._rng = rng or random.Random()
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        httpx = _httpx()
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )

    def close(self) -> None:
        self._http.close()

    def redact(self, text: str) -> str:
        """``text`` without the API key."""
        return text.replace(self._key, "[API key]") if self._key else text

    def _server_message(self, r: httpx.Response) -> str:
        try:
            body = r.json()
            err = body.get("error", body) if isinstance(body, dict) else body
            msg = err.get("message", err) if isinstance(err, dict) else err
            text = str(msg)
        except ValueError:
            text = r.text
        return self.redact(" ".join(text.split())[:300])

    def _wait(self, attempt: int, header: str | None) -> tuple[float, str]:
        asked = retry_after(header)
        if asked is not None:
            return asked + self._rng.uniform(0, 0.1 * asked), f"Retry-After {header}"
        cap = min(self.max_backoff, self.backoff * 2**attempt)
        return self._rng.uniform(0, cap), "backoff"

    def _attempt(self, body: dict[str, Any]) -> tuple[dict[str, Any] | None, str, str | None, int]:
        """One POST: ``(reply, problem, Retry-After, status)``; reply ``None`` when retryable."""
        httpx = _httpx()
        try:
            r = self._http.post("/chat/completions", json=body)
        except httpx.TimeoutException as exc:
            return None, f"timed out ({type(exc).__name__})", None, 0
        except httpx.TransportError as exc:
            return None, self.redact(f"connection failed ({type(exc).__name__}: {exc})"), None, 0
        if r.status_code == 200:
            try:
                return reduce_response(r.json()), "", None, 200
            except ValueError as exc:
                raise RequestError(
                    f"HTTP 200 but not a chat completion ({exc}): {self._server_message(r)}", 200
                ) from exc
        message = f"HTTP {r.status_code}: {self._server_message(r)}"
        if r.status_code in RETRY_STATUS:
            return None, message, r.headers.get("retry-after"), r.status_code
        if (
            r.status_code in (400, 422, 501)
            and "response_format" in body
            and _FORMAT_WORDS.search(message)
        ):
            raise UnsupportedFormat(message, r.status_code)
        if r.status_code in (401, 403):
            message += " (check the API key and the environment variable named by api_key_env)"
        raise RequestError(message, r.status_code)

    def chat(self, body: dict[str, Any]) -> Reply:
        """The reduced answer to ``body``, retrying transient failures; :class:`RequestError`."""
        attempt = 0
        while True:
            reply, problem, header, status = self._attempt(body)
            if reply is not None:
                return Reply(reply, attempt + 1)
            if attempt >= self.max_retries:
                raise RequestError(
                    f"{problem} (gave up after {attempt + 1} attempts)", status or None, attempt + 1
                )
            wait, why = self._wait(attempt, header)
            if wait > self.max_retry_wait:
                raise RequestError(
                    f"{problem}; the server asked to retry after {wait:.0f} s, more than "
                    f"max_retry_wait ({self.max_retry_wait:g} s)",
                    status or None,
                    attempt + 1,
                )
            log.warning("%s; retrying in %.2f s (%s, attempt %d)", problem, wait, why, attempt + 2)
            self._sleep(wait)
            attempt += 1

    def models(self) -> list[str] | None:
        """Model ids from ``GET /models``; ``None`` when the server has no such endpoint.

        Raises :class:`RequestError` when the server cannot be reached or refuses the key."""
        httpx = _httpx()
        try:
            r = self._http.get("/models")
        except httpx.HTTPError as exc:
            raise RequestError(self.redact(f"cannot reach {self.base_url} ({exc})")) from exc
        if r.status_code in (401, 403):
            raise RequestError(
                f"HTTP {r.status_code} from {self.base_url}/models: {self._server_message(r)} "
                "(check the API key and the environment variable named by api_key_env)",
                r.status_code,
            )
        if r.status_code != 200:
            return None
        try:
            data = r.json().get("data")
            return [str(m["id"]) for m in data if isinstance(m, dict) and "id" in m]
        except (ValueError, AttributeError, TypeError):
            return None
