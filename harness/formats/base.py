"""The goldset-format contract: what every reader and writer implements, the native one included.

A format is an instance of a :class:`Format` subclass, registered through the
``register_goldset_formats`` hook (:mod:`harness.hookspecs`) under its :attr:`Format.name`. The core
(:func:`harness.goldset.load_goldset`) calls it in this order, and nothing else::

    options = parse_options(fmt.Options, given)   # once, when the config is read
    info = fmt.describe(path, options)            # metadata and hashes, before any document
    docs = fmt.read(path, options)                # only when the rows are not cached yet

and checks every document ``read`` yields (see :meth:`Format.read`) before it becomes a row of the
goldset's Arrow cache. ``harness goldset export`` calls :meth:`Format.write`.

Each method below is documented like a pytest hook: when it is called, what it gets, what it
returns, what it may raise. A format overrides ``read`` (and ``write`` to export) and may keep the
defaults of the rest. The smallest format is a class with a ``name``, a ``description`` and a
``read``; see ``docs/architecture.md`` ("Add a goldset format") for a whole example.

The helpers at the end (:func:`decode_utf8`, :func:`slug`...) are for readers. A reader opens the
goldset's files with :func:`read_file` (or checks them with :func:`check_file` before streaming
them), so that every format refuses the same things the same way: a file larger than the user's
limit (:func:`max_file_bytes`), a symbolic link that is dangling or loops, a file that is not a
regular file, and (with :func:`outside`) a link leading out of the goldset folder.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from ..errors import PluginError, Problems
from ..model import Document
from ..schemes import SCHEMES
from .metadata import Field


@dataclass(frozen=True)
class CommonOptions:
    """Options every format accepts: the goldset's metadata, which non-native files lack."""

    #: Name of the goldset in results (default: the file or folder name without extension).
    name: str | None = None
    #: Version of the goldset (default: the first 12 hex digits of its content hash).
    version: str | None = None
    #: Label scheme of the gold entities (default: the format's own, e.g. ``conll``).
    label_scheme: str | None = None
    #: Entity labels (default: the labels of the scheme, or every label found in the data).
    labels: tuple[str, ...] | None = None


@dataclass(frozen=True)
class GoldsetInfo:
    """What a format says about one goldset before reading its documents
    (:meth:`Format.describe`): all that :class:`harness.goldset.Goldset` holds but its rows."""

    name: str
    version: str
    description: str
    #: Scheme of the gold entities (``ontonotes``, ``conll``, ``custom``...).
    label_scheme: str
    #: Entity labels the gold may use (every document is checked against them); ``None``: any
    #: label, and the goldset's labels are those found in the documents.
    labels: tuple[str, ...] | None
    #: Identity of the goldset: recorded in results, and a report refuses a goldset whose hash
    #: changed since the run. Equal hashes must mean equal documents.
    sha256: str
    #: Hash of everything :meth:`Format.read` depends on, when that is more than ``sha256`` covers
    #: (texts outside the goldset's files...): the rows are cached under it. ``None``: ``sha256``.
    documents_hash: str | None = None
    #: Where the annotation guidelines are (a path or URL), if the goldset says.
    guidelines: str | None = None
    #: The document metadata and the speaker attributes the goldset declares
    #: (:mod:`harness.formats.metadata`; documents are checked against them).
    metadata: Mapping[str, Field] = field(default_factory=dict)
    speaker_attributes: Mapping[str, Field] = field(default_factory=dict)


class GoldsetView(Protocol):
    """What :meth:`Format.write` is given: a loaded :class:`harness.goldset.Goldset`."""

    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def label_scheme(self) -> str: ...
    @property
    def labels(self) -> tuple[str, ...]: ...
    @property
    def guidelines(self) -> str | None: ...
    def __iter__(self) -> Iterator[Document]: ...


class Format(ABC):
    """Base class of goldset formats: the contract, with the defaults a format may keep."""

    #: Name in configs (``goldset: {format: NAME, path: ...}``) and on the command line
    #: (``harness validate --format NAME``); the name it is registered under.
    name: str
    #: One line shown by ``harness goldset formats``.
    description: str = "(plugin format)"
    #: Version of the reader: part of the cache key of the rows, so bump it when ``read`` changes
    #: what it yields for the same files.
    version: str = "1"
    #: Scheme of the gold it reads when the options do not say (``conll``, ``ontonotes``,
    #: ``custom``): the default of :meth:`describe`.
    label_scheme: str = "custom"
    #: Dataclass of the format's options, validated from the config (unknown keys get "did you
    #: mean"); subclass :class:`CommonOptions` so the goldset's name, version and labels can be set.
    Options: ClassVar[type] = CommonOptions

    @abstractmethod
    def read(self, path: Path, options: Any) -> Iterable[Document]:
        """Yield the documents of the goldset at ``path``, one at a time.

        Called by :func:`harness.goldset.load_goldset` when the goldset's rows are not cached yet
        (the cache is keyed by :meth:`describe`'s hashes), at most once per load. Yield as you
        read: the core streams the documents into an Arrow file, so a goldset larger than memory
        loads if ``read`` never builds a list.

        :param path: the file or folder the config names; it exists.
        :param options: an instance of :attr:`Options`.
        :returns: :class:`harness.model.Document` objects with unique ids. The ``text`` of spans
            may be left empty: the core fills it from the document text.
        :raises harness.errors.GoldsetError: for malformed input, naming the file and the line
            or record. Collect every problem in a :class:`harness.errors.Problems` and raise once
            at the end (``problems.raise_if_any()``), so one run lists them all; never skip a
            malformed record silently.

        The core then checks each document (ids unique, offsets inside the text, labels among
        :attr:`GoldsetInfo.labels`, no nested entities, known quote types, quote speakers in the
        speaker registry) and refuses the goldset, listing every problem, if any fails.
        """

    def describe(self, path: Path, options: Any) -> GoldsetInfo:
        """The goldset's metadata and hashes, before any document is read.

        Called by :func:`harness.goldset.load_goldset` on every load (cached or not), so keep it
        cheap: read a manifest, hash files, never parse every document.

        The default suits formats whose files carry no metadata: the name and version come from
        :class:`CommonOptions` (else the file name and the hash), the labels from the options or
        the label scheme, and ``sha256`` hashes the format's name, the options and
        :meth:`content_hash`.

        :raises harness.errors.GoldsetError: for a missing or malformed manifest.
        """
        chash = self.content_hash(path, options)
        canon = json.dumps(asdict(options), sort_keys=True, default=str)
        sha = hashlib.sha256(f"{self.name}\0{canon}\0{chash}".encode()).hexdigest()
        scheme = getattr(options, "label_scheme", None) or self.label_scheme
        declared = getattr(options, "labels", None) or SCHEMES.get(scheme)
        name = str(getattr(options, "name", None) or path.stem)
        return GoldsetInfo(
            name=name,
            version=str(getattr(options, "version", None) or sha[:12]),
            description=f"{name}: imported from {self.name} {path}",
            label_scheme=scheme,
            labels=tuple(declared) if declared else None,
            sha256=sha,
        )

    def content_hash(self, path: Path, options: Any) -> str:
        """Hash of the files the goldset is read from (used by the default :meth:`describe`).

        The default hashes the file at ``path``, or every file under the folder (names and
        bytes). Override it when the documents depend on other files too.
        """
        return files_hash(path)

    def write(self, goldset: GoldsetView, path: Path, options: Any) -> Mapping[str, int]:
        """Write ``goldset`` at ``path`` in this format (``harness goldset export --to NAME``).

        Optional: a format that cannot write leaves it out, and :func:`can_write` says so.

        :param options: an instance of :attr:`Options`.
        :returns: counts for the summary line (``{"documents": 5, "entities": 80}``); a count
            whose key is ``quotes_not_written`` or ``speakers_not_written`` is shown as a warning
            (what the format cannot hold).
        :raises harness.errors.GoldsetError: when the goldset cannot be written (a document id
            that cannot be a file name, an output folder that is not empty...).
        """
        raise NotImplementedError(f"format {self.name!r} cannot write goldsets")


def can_write(fmt: Format) -> bool:
    """Whether a format implements :meth:`Format.write`."""
    if isinstance(fmt, PluginFormat):
        return callable(getattr(fmt.obj, "write", None))
    return type(fmt).write is not Format.write


class PluginFormat(Format):
    """A registered object that is not a :class:`Format`: an object with the contract's
    attributes and a ``read``, or a plain ``reader(path, options)`` function. What it lacks
    takes :class:`Format`'s defaults."""

    def __init__(self, name: str, obj: Any) -> None:
        self.name = name
        self.obj = obj
        reader = obj if not callable(getattr(obj, "read", None)) else obj.read
        self._read: Callable[[Path, Any], Iterable[Document]] = reader
        for attr in ("description", "version", "label_scheme", "Options"):
            if hasattr(obj, attr):
                setattr(self, attr, getattr(obj, attr))

    def read(self, path: Path, options: Any) -> Iterable[Document]:
        return self._read(path, options)

    def content_hash(self, path: Path, options: Any) -> str:
        own = getattr(self.obj, "content_hash", None)
        return own(path, options) if callable(own) else super().content_hash(path, options)

    def describe(self, path: Path, options: Any) -> GoldsetInfo:
        own = getattr(self.obj, "describe", None)
        return own(path, options) if callable(own) else super().describe(path, options)

    def write(self, goldset: GoldsetView, path: Path, options: Any) -> Mapping[str, int]:
        own = getattr(self.obj, "write", None)
        if not callable(own):
            return super().write(goldset, path, options)
        return own(goldset, path, options)  # type: ignore[no-any-return]


def as_format(name: str, obj: Any) -> Format:
    """What a plugin registered, as a :class:`Format` (wrapped in :class:`PluginFormat` when it
    is an object with ``read`` or a reader function)."""
    if isinstance(obj, Format):
        return obj
    if callable(getattr(obj, "read", None)) or callable(obj):
        return PluginFormat(name, obj)
    raise PluginError(f"goldset format {name!r}: registered object {obj!r} has no read()")


# ---- helpers for readers ------------------------------------------------------------------------


def decode_utf8(raw: bytes, file: str | Path, problems: Problems) -> str | None:
    """Decode ``raw`` as UTF-8 (a BOM is dropped); on failure log the line and return ``None``."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problems.add(
            file,
            line,
            f"not valid UTF-8 (byte {exc.start}: {exc.reason}); "
            "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)",
        )
        return None


def _hash_file(h: Any, p: Path) -> None:
    with p.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)


def hash_paths(paths: Iterable[Path], root: Path) -> str:
    """sha256 over the names (relative to ``root``) and bytes of ``paths``, in the given order.
    A symbolic link under a folder ``root`` is hashed by where it points, not followed."""
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p.relative_to(root) if p != root else p.name).encode())
        h.update(b"\0")
        if p != root and p.is_symlink():
            h.update(b"-> " + os.fsencode(os.readlink(p)))
        else:
            _hash_file(h, p)
        h.update(b"\0")
    return h.hexdigest()


def files_hash(path: Path) -> str:
    """Hash of a file, or of every file under a folder (names and bytes, in name order)."""
    if path.is_file():
        return hash_paths([path], path)
    files = sorted(
        p for p in path.rglob("*") if not p.name.startswith(".") and (p.is_symlink() or p.is_file())
    )
    return hash_paths(files, path)


# ---- reading the user's files: limits, links, the goldset folder --------------------------------

#: Largest goldset file read (bytes) unless the user raises it: ``goldset: {max_file_bytes: N}``
#: in a config, ``load_goldset(..., max_file_bytes=N)`` in code. A news article is kilobytes; the
#: limit stops a wrong path (a disk image, /dev/zero) before it takes the machine's memory.
DEFAULT_MAX_FILE_BYTES = 100_000_000

_MAX_FILE_BYTES: ContextVar[int] = ContextVar(
    "harness_max_file_bytes", default=DEFAULT_MAX_FILE_BYTES
)


def max_file_bytes() -> int:
    """The largest goldset file readers may read now (bytes)."""
    return _MAX_FILE_BYTES.get()


@contextmanager
def file_limit(limit: int | None) -> Iterator[None]:
    """Let readers read files of up to ``limit`` bytes in the block (``None``: the default).
    :func:`harness.goldset.load_goldset` wraps ``describe`` and ``read`` in it."""
    token = _MAX_FILE_BYTES.set(DEFAULT_MAX_FILE_BYTES if limit is None else limit)
    try:
        yield
    finally:
        _MAX_FILE_BYTES.reset(token)


def too_large(size: int) -> str | None:
    """The problem with a file of ``size`` bytes, if it is over the limit."""
    limit = max_file_bytes()
    if size <= limit:
        return None
    return (
        f"{size:,} bytes, more than the limit of {limit:,} bytes per goldset file; if the file "
        "is right, raise the limit (command line: --max-file-bytes N; "
        "config: goldset: {max_file_bytes: N}; code: load_goldset(..., max_file_bytes=N))"
    )


def _link_problem(path: str | os.PathLike[str], exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "is a symbolic link that loops (it leads back to itself)"
    if os.path.islink(path) and exc.errno == errno.ENOENT:
        return f"is a symbolic link to {os.readlink(path)!r}, which does not exist"
    if exc.errno == errno.ENOENT:
        return "does not exist"
    return f"cannot be read: {exc.strerror or exc}"


def _open_regular(path: str | os.PathLike[str]) -> tuple[int, int] | str:
    """``(descriptor, size)`` of a regular file within the size limit, else the problem.
    Opened without blocking, so a named pipe is refused instead of waited on."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return _link_problem(path, exc)
    try:
        st = os.fstat(fd)
        problem = None if stat.S_ISREG(st.st_mode) else "is not a regular file"
        problem = problem or too_large(st.st_size)
    except OSError as exc:
        problem = _link_problem(path, exc)
    if problem is not None:
        os.close(fd)
        return problem
    return fd, st.st_size


def check_file(path: str | os.PathLike[str]) -> str | None:
    """What stops a reader from reading ``path`` (a dangling or looping link, not a regular
    file, over the size limit), or ``None``: for readers that stream a file themselves."""
    opened = _open_regular(path)
    if isinstance(opened, str):
        return opened
    os.close(opened[0])
    return None


def read_checked(path: str | os.PathLike[str]) -> tuple[bytes | None, str | None]:
    """``(bytes, None)`` for the goldset file ``path``, or ``(None, problem)``: a dangling or
    looping link, not a regular file, over :func:`max_file_bytes`."""
    opened = _open_regular(path)
    if isinstance(opened, str):
        return None, opened
    fd, size = opened
    limit = max_file_bytes()
    with os.fdopen(fd, "rb") as f:
        # the size said by fstat, and one byte more: a file that grew since (or a file of
        # /proc, whose size says 0) is read on, up to the limit
        data = f.read(min(size, limit) + 1)
        if size < len(data) <= limit:
            data += f.read(limit + 1 - len(data))
    if len(data) > limit:
        return None, too_large(len(data)) or "too large"
    return data, None


def read_file(
    path: str | os.PathLike[str], problems: Problems, line: int | None = None
) -> bytes | None:
    """The bytes of the goldset file ``path``, or ``None`` with the problem recorded (naming the
    file): a dangling or looping link, not a regular file, over :func:`max_file_bytes`."""
    data, problem = read_checked(path)
    if problem is not None:
        problems.add(path, line, problem)
    return data


class Area:
    """Folders a goldset's files may lie in, links followed (a folder itself reached through a
    link is fine). :meth:`where` is the check; it resolves a path only when it has to: a path
    below a folder with no ``..`` and no link among its parts below it is inside, at one
    ``lstat`` per part below the folder instead of resolving every part from ``/``."""

    def __init__(self, roots: Iterable[str | os.PathLike[str]]) -> None:
        roots = [os.fspath(r) for r in roots]
        self.lexical = tuple(os.path.abspath(r).rstrip(os.sep) + os.sep for r in roots)
        self.real = tuple(os.path.realpath(r) for r in roots)

    def where(self, path: str | os.PathLike[str]) -> str:
        """``"inside"``, ``"outside"`` (links followed) or ``"missing"`` (nothing, not even a
        dangling link, at ``path``)."""
        raw = os.fspath(path)
        if ".." not in raw.split(os.sep):
            absolute = os.path.abspath(raw)
            for top in self.lexical:
                if absolute.startswith(top):
                    found = _plain_parts(top, absolute[len(top) :])
                    if found is not None:
                        return found
                    break
        if not os.path.lexists(raw):
            return "missing"
        real = os.path.realpath(raw)
        inside = any(
            real == top or real.startswith(top.rstrip(os.sep) + os.sep) for top in self.real
        )
        return "inside" if inside else "outside"

    def outside(self, path: str | os.PathLike[str]) -> bool:
        """Whether ``path`` (which exists), its links followed, lies outside every folder."""
        return self.where(path) == "outside"


def _plain_parts(top: str, rest: str) -> str | None:
    """``"inside"`` or ``"missing"`` when no part of ``rest`` below ``top`` is a link; ``None``
    when one is (the caller resolves the path)."""
    current = top
    for part in rest.split(os.sep):
        current = os.path.join(current, part)
        try:
            mode = os.lstat(current).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return "missing"
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:
                return "missing"  # no file can have that name
            raise
        if stat.S_ISLNK(mode):
            return None
    return "inside"


def outside(path: str | os.PathLike[str], roots: Sequence[str | os.PathLike[str]]) -> bool:
    """Whether ``path``, its links followed, lies outside every folder of ``roots`` (whose own
    links are followed too: a goldset folder reached through a link is fine)."""
    return Area(roots).outside(path)


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower-case ASCII slug of a name: ``"Jane O'Neil"`` -> ``"jane-o-neil"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", ascii_text.lower()).strip("-") or "speaker"


def safe_doc_id(doc_id: str) -> bool:
    """Whether a document id can be used as a file name on every platform."""
    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", doc_id))
