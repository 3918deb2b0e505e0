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

The helpers at the end (:func:`decode_utf8`, :func:`slug`...) are for readers.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
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


def hash_paths(paths: Iterable[Path], root: Path) -> str:
    """sha256 over the names (relative to ``root``) and bytes of ``paths``, in the given order."""
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p.relative_to(root) if p != root else p.name).encode())
        h.update(b"\0")
        with p.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


def files_hash(path: Path) -> str:
    """Hash of a file, or of every file under a folder (names and bytes, in name order)."""
    if path.is_file():
        return hash_paths([path], path)
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    return hash_paths(files, path)


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower-case ASCII slug of a name: ``"Jane O'Neil"`` -> ``"jane-o-neil"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", ascii_text.lower()).strip("-") or "speaker"


def safe_doc_id(doc_id: str) -> bool:
    """Whether a document id can be used as a file name on every platform."""
    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", doc_id))
