"""Drive a headless Chromium over the DevTools protocol (``--remote-debugging-pipe``), with the
standard library only: open a page, collect console errors and uncaught exceptions, evaluate
JavaScript and take screenshots. Used by the report's browser tests and to make screenshots
(``python -m tests.browser REPORT.html OUT.png``); a test helper, not part of the installed
package.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


class BrowserError(RuntimeError):
    """The browser could not be started or did not answer."""


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome binary (``$CHROMIUM`` first), or ``None``."""
    env = os.environ.get("CHROMIUM")
    if env and shutil.which(env):
        return shutil.which(env)
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _high_fd(fd: int) -> int:
    import fcntl

    new = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return new


class Browser:
    """A headless Chromium with one page, controlled over a pipe (fds 3 and 4 of the child)."""

    def __init__(self, binary: str | None = None, timeout: float = 30.0) -> None:
        self.binary = binary or find_chromium()
        if not self.binary:
            raise BrowserError("no chromium binary found (install Debian's 'chromium' package)")
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []
        self._id = 0
        self._buf = b""
        self._profile = tempfile.TemporaryDirectory(prefix="harness-chromium-")
        to_child_r, self._to_child = (_high_fd(fd) for fd in os.pipe())
        self._from_child, from_child_w = (_high_fd(fd) for fd in os.pipe())

        def wire() -> None:  # in the child: the pipe ends become fds 3 (in) and 4 (out)
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self.proc = subprocess.Popen(
            [self.binary, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=wire,  # only dup2 calls: safe without locks
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self.session = ""
        try:
            target = self.call("Target.createTarget", {"url": "about:blank"}, session=None)
            attached = self.call(
                "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, None
            )
            self.session = attached["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                self.call(f"{domain}.enable")
        except BaseException:
            self.close()
            raise

    # -- protocol -----------------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            n = os.write(self._to_child, data)
            data = data[n:]

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("timed out waiting for the browser")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise BrowserError(f"browser exited (code {self.proc.poll()})")
                self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = ""
    ) -> dict[str, Any]:
        """Send a command (to the page unless ``session`` is ``None``); return its result."""
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        sid = self.session if session == "" else session
        if sid:
            msg["sessionId"] = sid
        self._send(msg)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, event: str, timeout: float | None = None) -> dict[str, Any]:
        """Wait for the next ``event`` (events received earlier are kept in :attr:`events`)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            msg = self._read(deadline)
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == event:
                    return msg

    # -- page helpers -------------------------------------------------------------------------
    def open(self, url: str, width: int = 1280, height: int = 2000) -> None:
        """Load ``url`` in a ``width`` x ``height`` viewport and wait for the load event."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        self.call("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """Value of a JavaScript expression in the page (exceptions raise :class:`BrowserError`)."""
        res = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in res:
            raise BrowserError(f"{expression!r} raised {res['exceptionDetails']}")
        return res.get("result", {}).get("value")

    def console_errors(self) -> list[str]:
        """Uncaught exceptions, ``console.error`` calls and error log entries seen so far."""
        out = []
        for ev in self.events:
            m, p = ev["method"], ev.get("params", {})
            if m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                out.append(
                    f"uncaught: {d.get('exception', {}).get('description') or d.get('text')}"
                )
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(
                    "console: " + " ".join(str(a.get("value", a)) for a in p.get("args", []))
                )
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                e = p["entry"]
                out.append(f"log: {e.get('text')} {e.get('url', '')}".strip())
        return out

    def screenshot(self, path: Path, clip: tuple[float, float, float, float] | None = None) -> Path:
        """PNG of the viewport, or of ``clip = (x, y, width, height)`` in page coordinates."""
        params: dict[str, Any] = {"format": "png"}
        if clip is not None:
            x, y, w, h = clip
            params["clip"] = {"x": x, "y": y, "width": w, "height": h, "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.call("Page.captureScreenshot", params)["data"]
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.call("Browser.close", session=None)
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def screenshot_report(
    html: Path,
    png: Path,
    *,
    scroll_to: str | None = None,
    width: int = 1280,
    height: int = 2000,
) -> list[str]:
    """Open a report in headless Chromium and save a ``width`` x ``height`` PNG of the viewport,
    scrolled to the element ``scroll_to`` (a CSS selector) if given; return the console errors.
    """
    with Browser() as b:
        b.open(Path(html).resolve().as_uri(), width, height)
        if scroll_to:
            b.evaluate(
                f"(() => {{ const el = document.querySelector({json.dumps(scroll_to)});"
                " const bar = document.getElementById('filters');"
                " window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY"
                " - (bar ? bar.offsetHeight : 0) - 8); return 0; })()"
            )
            b.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        b.screenshot(Path(png))
        return b.console_errors()


if __name__ == "__main__":  # python -m tests.browser REPORT.html OUT.png [SELECTOR]
    import sys

    errors = screenshot_report(
        Path(sys.argv[1]), Path(sys.argv[2]), scroll_to=sys.argv[3] if len(sys.argv) > 3 else None
    )
    print("\n".join(errors) or "no console errors")
    sys.exit(1 if errors else 0)
