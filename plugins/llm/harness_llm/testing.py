"""A stand-in chat-completions server on 127.0.0.1 for tests and benchmarks (stdlib only).

:class:`FakeServer` runs ``http.server.ThreadingHTTPServer`` in a thread and answers
``POST /v1/chat/completions`` with whatever its ``responder`` returns for the request, and
``GET /v1/models`` with the model list. A responder is ``f(request) -> Reply``; it can answer
with a status and JSON, raw text (malformed JSON), headers (``Retry-After``), a delay (timeouts)
or by dropping the connection. Every request is recorded with its headers, for assertions.

:func:`echo_document` returns the document of a request (between ``<<<`` and ``>>>`` as the
default prompts put it); :func:`completion` builds a chat-completion body.

Run as a script it serves canned answers after a fixed delay, for the benchmark::

    python -m harness_llm.testing --port 8765 --delay 0.2
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    index: int  # 0-based order of arrival


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able; ignored when ``raw`` is set
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection without answering


Responder = Callable[[Request], Reply]


def completion(
    content: str | None,
    *,
    finish_reason: str = "stop",
    prompt_tokens: int = 100,
    completion_tokens: int = 20,
    model: str = "fake-model",
) -> dict[str, Any]:
    """A chat-completion response body with one choice."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def echo_document(request: Request) -> str:
    """The document (or chunk) in a request made with the default prompts."""
    user = request.body["messages"][-1]["content"]
    return user.rsplit("<<<\n", 1)[1].rsplit("\n>>>", 1)[0]


def task_of(request: Request) -> str:
    """``entities``, ``quotes`` or ``speakers``: which default prompt the request uses."""
    user = request.body["messages"][-1]["content"]
    if "say who said it" in user:
        return "speakers"
    return "quotes" if "Find every quote" in user else "entities"


def empty_answers(request: Request) -> Reply:
    """A valid, empty answer to any task."""
    return Reply(body=completion(json.dumps({task_of(request): []})))


class _Handler(BaseHTTPRequestHandler):
    """Answers from the owning :class:`FakeServer` (``self.server.owner``)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        # as real servers do: without it, headers and body sent in two writes wait
        # for the client's delayed ACK (Nagle), 40 ms per answer
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _send(self, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            self.connection.close()
            return
        data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in reply.headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            data = [{"id": m, "object": "model"} for m in self.server.owner.models]
            self._send(Reply(body={"object": "list", "data": data}))
        else:
            self._send(Reply(404, {"error": {"message": "not found"}}))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        with self.server.owner._lock:
            req = Request(self.path, dict(self.headers), body, len(self.server.owner.requests))
            self.server.owner.requests.append(req)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(Reply(404, {"error": {"message": "not found"}}))
            return
        self._send(self.server.owner.responder(req))


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # many clients connect at once in the benchmark
    daemon_threads = True
    owner: FakeServer


class FakeServer:
    """``with FakeServer(responder) as s: s.url`` is ``http://127.0.0.1:PORT/v1``."""

    def __init__(
        self,
        responder: Responder = empty_answers,
        models: tuple[str, ...] = ("fake-model",),
        port: int = 0,
    ) -> None:
        self.responder = responder
        self.models = models
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def chat_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def main() -> None:  # pragma: no cover - used by the benchmark in a separate process
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--delay", type=float, default=0.2)
    args = ap.parse_args()

    def slow(request: Request) -> Reply:
        reply = empty_answers(request)
        reply.delay = args.delay
        return reply

    with FakeServer(slow, port=args.port) as s:
        print(s.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
