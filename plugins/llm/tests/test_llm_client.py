"""The chat client against a real HTTP server on 127.0.0.1: retries, waits and failures."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

import pytest
from harness_llm.client import ChatClient, RequestError, UnsupportedFormat, retry_after
from harness_llm.testing import FakeServer, Reply, Request, completion

BODY = {"model": "fake-model", "messages": [{"role": "user", "content": "hi"}]}
OK = Reply(body=completion('{"entities": []}', prompt_tokens=7, completion_tokens=3))


def script(*replies: Reply) -> Callable[[Request], Reply]:
    """Answer the n-th request with the n-th reply (the last one repeats)."""
    return lambda r: replies[min(r.index, len(replies) - 1)]


def client(url: str, waits: list[float] | None = None, **kw: object) -> ChatClient:
    sleep = waits.append if waits is not None else time.sleep
    return ChatClient(url, sleep=sleep, backoff=0.5, max_backoff=4, **kw)  # type: ignore[arg-type]


def test_429_waits_for_retry_after_then_succeeds() -> None:
    waits: list[float] = []
    busy = Reply(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "2"})
    with FakeServer(script(busy, busy, OK)) as s:
        reply = client(s.url, waits).chat(BODY)
    assert reply.attempts == 3 and reply.response["usage"] == {
        "prompt_tokens": 7,
        "completion_tokens": 3,
    }
    assert len(waits) == 2 and all(2.0 <= w <= 2.2 for w in waits)  # honoured, + <=10% jitter


def test_retry_after_is_really_waited_for() -> None:
    busy = Reply(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "1"})
    with FakeServer(script(busy, OK)) as s:
        t0 = time.perf_counter()
        client(s.url).chat(BODY)
        assert time.perf_counter() - t0 >= 1.0


def test_retry_after_as_http_date_and_too_long_waits() -> None:
    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= (retry_after(soon) or 0) <= 31
    assert retry_after("garbage") is None and retry_after("0") == 0
    busy = Reply(503, {"error": "maintenance"}, headers={"Retry-After": "3600"})
    with (
        FakeServer(script(busy)) as s,
        pytest.raises(RequestError, match="more than max_retry_wait"),
    ):
        client(s.url, []).chat(BODY)


def test_500s_back_off_with_jitter_then_succeed() -> None:
    waits: list[float] = []
    err = Reply(500, {"error": {"message": "internal"}})
    with FakeServer(script(err, Reply(502, raw=b"<html>bad gateway</html>"), err, OK)) as s:
        assert client(s.url, waits).chat(BODY).attempts == 4
    caps = [0.5, 1.0, 2.0]
    assert len(waits) == 3 and all(0 <= w <= c for w, c in zip(waits, caps, strict=True))


def test_500s_give_up_after_max_retries_with_the_server_message() -> None:
    err = Reply(500, {"error": {"message": "model crashed"}})
    with FakeServer(script(err)) as s:
        with pytest.raises(RequestError, match=r"HTTP 500: model crashed \(gave up after 3"):
            client(s.url, [], max_retries=2).chat(BODY)
        assert len(s.chat_requests()) == 3


def test_timeout_is_retried() -> None:
    slow = Reply(body=completion("{}"), delay=1.5)
    with FakeServer(script(slow, OK)) as s:
        reply = client(s.url, [], timeout=0.3).chat(BODY)
    assert reply.attempts == 2


def test_dropped_connection_is_retried() -> None:
    with FakeServer(script(Reply(drop=True), OK)) as s:
        assert client(s.url, []).chat(BODY).attempts == 2


def test_refused_connection_fails_after_retries() -> None:
    with FakeServer() as s:
        url = s.url
    with pytest.raises(RequestError, match="connection failed"):
        client(url, [], max_retries=1).chat(BODY)


def test_other_4xx_fail_at_once() -> None:
    bad = Reply(404, {"error": {"message": "model 'x' not found"}})
    with FakeServer(script(bad)) as s:
        with pytest.raises(RequestError, match="HTTP 404: model 'x' not found") as info:
            client(s.url, []).chat(BODY)
        assert info.value.attempts == 1 and len(s.chat_requests()) == 1


def test_unsupported_response_format_is_recognised() -> None:
    bad = Reply(400, {"error": {"message": "response_format json_schema is not supported"}})
    with FakeServer(script(bad)) as s, pytest.raises(UnsupportedFormat):
        client(s.url, []).chat({**BODY, "response_format": {"type": "json_schema"}})


def test_api_key_is_sent_as_bearer_and_redacted_from_messages() -> None:
    secret = "sk-test-SECRET-4242"
    echo = Reply(401, {"error": {"message": f"invalid key {secret}"}})
    with FakeServer(script(echo)) as s:
        with pytest.raises(RequestError) as info:
            client(s.url, [], api_key=secret).chat(BODY)
        assert s.requests[0].headers["Authorization"] == f"Bearer {secret}"
    assert secret not in str(info.value) and "[API key]" in str(info.value)
    assert "api_key_env" in str(info.value)


def test_models_lists_the_server_models() -> None:
    with FakeServer(models=("a", "b")) as s:
        assert client(s.url).models() == ["a", "b"]
