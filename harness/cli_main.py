"""The ``harness`` process around the typer app: the one place where whatever a command did not
turn into a result becomes one message and a documented exit code (:mod:`harness.exitcodes`).

- a :class:`~harness.errors.HarnessError` no command handled: ``error: MESSAGE``, its code;
- an OS error about a file that no command turned into an
  :class:`~harness.errors.OutputError` (a full or read-only disk, a file size limit):
  ``error: PATH: No space left on device``, exit 8;
- any other exception, a bug: one line naming the exception and where it was raised, and a
  hint saying whose bug it is (harness's, or the plugin's whose code raised it), where to report
  it, and that ``harness --debug ...`` (or ``HARNESS_DEBUG=1``) prints the traceback; exit 1;
- Ctrl-C (SIGINT) and SIGTERM: SIGTERM raises :class:`Terminated`, a ``KeyboardInterrupt``, so
  every clean-up written for Ctrl-C runs for it too (temporary files removed, the prediction
  cache's entries kept, the scoring worker stopped); then one line and exit 130 (SIGINT) or
  143 (SIGTERM).
"""

from __future__ import annotations

import errno
import os
import shlex
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import Any

from . import __version__, cli_common
from .errors import HarnessError, os_problem
from .exitcodes import ExitCode

#: OS errors that are about a file or the disk, not a bug: exit 8 with the path.
FILE_ERRNOS = frozenset(
    {
        errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG, errno.EDQUOT,
        errno.EISDIR, errno.ENOTDIR, errno.EEXIST, errno.ENOENT, errno.ELOOP,
        errno.ENAMETOOLONG, errno.EMFILE, errno.EIO,
    }
)  # fmt: skip
SIGNAL_NAMES = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM"}
SIGNAL_CODES = {signal.SIGINT: ExitCode.INTERRUPTED, signal.SIGTERM: ExitCode.TERMINATED}


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C's ``KeyboardInterrupt``."""


_received: list[int] = []


def _on_signal(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


@contextmanager
def interrupts() -> Iterator[list[int]]:
    """In the block, SIGINT raises ``KeyboardInterrupt`` and SIGTERM :class:`Terminated`;
    yields the list of the signals received. Only in the main thread (elsewhere, a no-op)."""
    _received.clear()
    if threading.current_thread() is not threading.main_thread():
        yield _received
        return
    old = {s: signal.getsignal(s) for s in SIGNAL_NAMES}
    for s in old:
        signal.signal(s, _on_signal)
    try:
        yield _received
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def run(app: Any, args: Sequence[str] | None = None) -> int:
    """Run the typer ``app`` on ``args`` (default: the command line); return the exit code."""
    args = list(sys.argv[1:] if args is None else args)
    if os.environ.get("HARNESS_DEBUG", "") not in ("", "0"):
        cli_common.DEBUG = True
    with interrupts() as received:
        try:
            try:
                app(args=args, prog_name="harness")
                code = 0
            except SystemExit as exc:
                code = _exit_status(exc)
            except KeyboardInterrupt:  # outside a command (typer turns it into exit 130)
                code = ExitCode.INTERRUPTED
            except Exception as exc:
                code = report(exc, args)
        except KeyboardInterrupt:  # a second signal while a message was printed
            code = ExitCode.INTERRUPTED
    if received:
        return _interrupted(received[0])
    return code


def _exit_status(exc: SystemExit) -> int:
    if exc.code is None or isinstance(exc.code, int):
        return exc.code or 0
    print(exc.code, file=sys.stderr)
    return 1


def _interrupted(signum: int) -> int:
    written = ", ".join(cli_common.WRITTEN)
    done = f"written before it: {written}" if written else "no results were written"
    notes = "".join(f"; {n}" for n in cli_common.INTERRUPT_NOTES)
    _say(f"[bold red]interrupted[/] by {SIGNAL_NAMES[signum]}: stopped cleanly; {done}{notes}")
    return SIGNAL_CODES[signum]


def report(exc: Exception, args: Sequence[str]) -> int:
    """Print ``exc`` (not handled by any command) as one line and a hint; its exit code."""
    if cli_common.DEBUG:
        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, HarnessError):
        _say(f"[bold red]error:[/] {exc}")
        return exc.exit_code
    if isinstance(exc, OSError) and exc.errno in FILE_ERRNOS:
        _say(f"[bold red]error:[/] {os_problem(exc)}")
        return ExitCode.OUTPUT
    command = "harness " + (args[0] if args else "")
    where = _where(exc)
    _say(f"[bold red]error:[/] unexpected {type(exc).__name__} in `{command}`: {exc} ({where})")
    _say(f"[yellow]hint:[/] {_hint(exc, args)}")
    return ExitCode.INTERNAL


def _say(message: str) -> None:
    try:
        cli_common.err.print(message, highlight=False, soft_wrap=True)
    except Exception:  # the console itself is broken (a closed stderr): nothing more to do
        pass


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "no traceback"
    f = frames[-1]
    return f"raised at {_short(f.filename)}, line {f.lineno}, in {f.name}"


def _short(filename: str) -> str:
    """A path relative to the package folder it is in (``harness/scoring/summary.py``)."""
    path = Path(filename)
    for parent in path.parents:
        if (parent / "__init__.py").exists():
            continue
        try:
            return str(path.relative_to(parent))
        except ValueError:
            break
    return filename


def _hint(exc: BaseException, args: Sequence[str]) -> str:
    rerun = "`harness --debug " + shlex.join(a for a in args if a != "--debug") + "`"
    plugin = _plugin_of(exc)
    if isinstance(exc, MemoryError):
        return (
            "the process ran out of memory; try a smaller batch_size, fewer or shorter "
            f"documents. {rerun} prints the traceback."
        )
    if plugin is not None:
        name, dist = plugin
        return (
            f"the exception was raised in the code of plugin {name!r} ({dist}): a bug to report "
            f"to its authors{_issues_url(dist)}, with the traceback that {rerun} prints. "
            f"HARNESS_DISABLE_PLUGINS={name} runs without it."
        )
    return (
        f"this is a bug in harness {__version__} (or an input it should have refused with a clear "
        f"message): please report it to the harness maintainers{_issues_url('harness')}, with "
        f"the traceback that {rerun} prints."
    )


def _plugin_of(exc: BaseException) -> tuple[str, str] | None:
    """The entry-point plugin (name, distribution) whose module raised ``exc``, if any: the
    innermost frame of the traceback in a plugin's package."""
    tops: dict[str, tuple[str, str]] = {}
    for ep in metadata.entry_points(group="harness"):
        top = ep.value.split(":")[0].split(".")[0]
        if top != "harness":
            tops[top] = (ep.name, ep.dist.name if ep.dist else "?")
    for frame, _ in reversed(list(traceback.walk_tb(exc.__traceback__))):
        top = str(frame.f_globals.get("__name__", "")).split(".")[0]
        if top in tops:
            return tops[top]
    return None


def _issues_url(dist: str) -> str:
    """`` at URL`` when the distribution declares an issue tracker, else nothing."""
    try:
        urls = metadata.metadata(dist).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return ""
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("issues", "bug tracker", "bugs", "tracker"):
            return f" at {url.strip()}"
    return ""
