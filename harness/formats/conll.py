"""CoNLL-2003 style column files: one token per line, the NER tag in the last column.

Sentences are separated by blank lines and documents by ``-DOCSTART-`` lines. The tagging scheme
(IOB1, IOB2 or BIOES) is declared (``scheme: iob2``) or detected from every tag of the files
(``scheme: auto``, :func:`harness.formats.tagging.detect`): BIOES if any ``E-``/``S-``; else IOB2
if any ``B-X`` begins an entity after something other than an ``X`` entity (IOB1 never writes
that), and then an ``I-`` starting an entity is an error naming its line, not a hint of IOB1;
else IOB1 if an entity starts with ``I-``. The tag that decided is named when the file has
errors under the detected scheme. Each document
is detokenised into a text, one sentence per line, with exact entity offsets (see
:mod:`harness.formats.detok`). Files are read line by line: a large file is never held in memory.

Options (config: ``goldset: {format: conll, path: dev.txt, scheme: iob2}``)::

    scheme      auto | iob1 | iob2 | bioes        (auto: detected from the tags)
    documents   docstart | sentence | file        (one document per -DOCSTART-, per sentence,
                                                   or the whole file)
    detokenize  natural | spaces                  (how tokens are joined into text)
    token_column / tag_column                     (0 and -1: first and last column)
    id_prefix                                     (default: the file name without extension)
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from ..errors import GoldsetError, Problems
from ..model import CONLL_LABELS, ONTONOTES_LABELS, Document, Entity
from ..schemes import SCHEMES
from .base import CommonOptions, Format, GoldsetInfo, GoldsetView, check_file, outside
from .detok import Detok, join_tokens, tokenize
from .tagging import Chunk, Detection, Scheme, decode, detect, encode, parse_tag

DOCSTART = "-DOCSTART-"
SUFFIXES = (".conll", ".txt", ".iob", ".bio", ".tsv")


@dataclass(frozen=True)
class ConllOptions(CommonOptions):
    scheme: Literal["auto", "iob1", "iob2", "bioes"] = "auto"
    documents: Literal["docstart", "sentence", "file"] = "docstart"
    detokenize: Literal["natural", "spaces"] = "natural"
    token_column: int = 0
    tag_column: int = -1
    id_prefix: str | None = None
    #: Columns written on export: 4 (``token _ _ TAG``, CoNLL-2003 shape) or 2 (``token TAG``).
    columns: Literal[2, 4] = 4


@dataclass
class _Sentence:
    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def _files(path: Path, problems: Problems) -> list[Path]:
    """The CoNLL files of a folder (by suffix, in name order), or the file ``path``. A file of
    the folder that is a link leading out of it, or a dangling or looping link, is a problem."""
    if not path.is_dir():
        return [path]
    files = []
    for p in sorted(path.iterdir()):
        if p.suffix not in SUFFIXES:
            continue
        if outside(p, [path]):
            problems.add(p, None, "is a symbolic link leading outside the goldset folder")
        elif p.is_symlink() and not p.exists():
            problems.add(p, None, check_file(p) or "is a dangling symbolic link")
        elif p.is_file():
            files.append(p)
    return files


def _lines(path: Path, problems: Problems) -> Iterator[tuple[int, str]]:
    """``(line number, decoded line)``; undecodable lines are logged and skipped. A file that
    cannot be read (over the size limit, not a regular file) is logged and gives no line."""
    problem = check_file(path)
    if problem is not None:
        problems.add(path, None, problem)
        return
    with path.open("rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.add(
                    path, n, f"not valid UTF-8 (byte {exc.start} of the line: {exc.reason})"
                )
                continue
            yield n, line.lstrip("\ufeff") if n == 1 else line


def _blocks(path: Path, opts: ConllOptions, problems: Problems) -> Iterator[tuple[bool, _Sentence]]:
    """``(starts a new document, sentence)`` for every sentence of the file."""
    sent = _Sentence()
    new_doc = False
    for n, line in _lines(path, problems):
        cols = line.split()
        if not cols:
            if sent.tokens:
                yield new_doc, sent
                new_doc = False
            sent = _Sentence()
            continue
        if cols[0] == DOCSTART:
            if sent.tokens:
                yield new_doc, sent
                sent = _Sentence()
            new_doc = True
            continue
        try:
            token, tag = cols[opts.token_column], cols[opts.tag_column]
        except IndexError:
            problems.add(
                path,
                n,
                f"{len(cols)} column{'s' if len(cols) != 1 else ''}; expected a token "
                f"(column {opts.token_column}) and a tag (column {opts.tag_column})",
            )
            continue
        sent.tokens.append(token)
        sent.tags.append(tag)
        sent.lines.append(n)
    if sent.tokens:
        yield new_doc, sent


def _chunks(
    path: Path, sent: _Sentence, scheme: Scheme, labels: set[str], problems: Problems
) -> tuple[list[Chunk], bool]:
    """The entity chunks of a sentence whose label is known, and whether the sentence had no
    problem (a bad tag sequence, an unknown label)."""
    chunks, issues = decode(sent.tags, scheme)
    for i, message in issues:
        problems.add(path, sent.lines[i], message)
    known = [c for c in chunks if not labels or c.label in labels]
    for c in chunks:
        if c not in known:
            problems.add(
                path,
                sent.lines[c.start],
                f"unknown label {c.label!r} (labels: {sorted(labels)}); "
                "declare label_scheme/labels in the goldset options",
            )
    return known, not issues and len(known) == len(chunks)


@dataclass
class _Pending:
    """The sentences of the document being read, one per line of its text."""

    texts: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    offset: int = 0
    bad: bool = False

    def add(self, sent: _Sentence, chunks: list[Chunk], mode: Detok, fine: bool) -> None:
        text, starts = join_tokens(sent.tokens, mode)
        if self.texts:
            self.offset += 1  # the newline between sentences
        for c in chunks:
            s = starts[c.start]
            e = starts[c.end - 1] + len(sent.tokens[c.end - 1])
            self.entities.append(Entity(self.offset + s, self.offset + e, c.label, text[s:e]))
        self.texts.append(text)
        self.offset += len(text)
        self.bad = self.bad or not fine

    def finish(self, doc_id: str) -> Iterator[Document]:
        """The document, unless one of its sentences had a problem."""
        if not self.bad:
            yield Document(doc_id, "\n".join(self.texts), tuple(self.entities))


class ConllFormat(Format):
    """Reader and writer of CoNLL-2003 style column files."""

    name = "conll"
    description = "CoNLL-2003 columns (IOB1/IOB2/BIOES, -DOCSTART- documents), detokenised"
    #: 2: scheme auto no longer reads a file with IOB2 B- tags and a bad I- start as IOB1.
    version = "2"
    label_scheme = "conll"
    Options = ConllOptions

    def detect(self, path: Path, opts: ConllOptions) -> Scheme:
        """The declared scheme, or the one detected from every tag of the files."""
        return self.detection(path, opts)[0].scheme

    def detection(self, path: Path, opts: ConllOptions) -> tuple[Detection, str]:
        """The scheme (declared, or detected from every tag of the files) and, when detected,
        where the deciding tag is (``"FILE, line N"``)."""
        if opts.scheme != "auto":
            return Detection(opts.scheme), ""
        scratch = Problems(str(path))
        lines: list[tuple[Path, list[int]]] = []

        def sentences() -> Iterator[list[str]]:
            for f in _files(path, scratch):
                for _, s in _blocks(f, opts, scratch):
                    lines.append((f, s.lines))
                    yield s.tags

        found = detect(sentences())
        if found.evidence is None:
            return found, ""
        n, i = found.evidence
        f, numbers = lines[n]
        return found, f"{f}, line {numbers[i]}"

    def detect_label_scheme(self, path: Path, options: Any) -> str:
        """The label scheme of files read without a declared one: ``ontonotes`` when every
        entity label is an OntoNotes label and some is not a CoNLL one (an OntoNotes goldset
        exported to CoNLL, or OntoNotes in columns), else ``conll``. The scan stops at the first
        label that is not an OntoNotes one (PER, MISC), so it is quick on CoNLL data."""
        onto, conll = set(ONTONOTES_LABELS), set(CONLL_LABELS)
        found: set[str] = set()
        for label in _labels_in(path, options):
            if label not in onto:
                return self.label_scheme
            found.add(label)
        return "ontonotes" if found - conll else self.label_scheme

    def describe(self, path: Path, options: Any) -> GoldsetInfo:
        info = super().describe(path, options)
        if options.label_scheme or options.labels:
            return info
        scheme = self.detect_label_scheme(path, options)
        if scheme == info.label_scheme:
            return info
        return replace(info, label_scheme=scheme, labels=SCHEMES.get(scheme))

    def read(self, path: Path, options: Any) -> Iterator[Document]:
        opts: ConllOptions = options
        problems = Problems(str(path))
        found, where = self.detection(path, opts)
        scheme = found.scheme
        scheme_name = opts.label_scheme or self.detect_label_scheme(path, opts)
        labels = set(opts.labels or SCHEMES.get(scheme_name, ()))
        files = _files(path, problems)
        if not files and not problems:
            raise GoldsetError(f"{path}: no CoNLL files ({', '.join(SUFFIXES)})")
        for f in files:
            prefix = opts.id_prefix or f.stem
            yield from self._read_file(f, prefix, opts, scheme, labels, problems)
        if problems and where:
            problems.add(
                path,
                None,
                f"scheme auto chose {scheme.upper()} because of {where} ({found.reason}); "
                "if the file uses another scheme, declare it (scheme: iob1, iob2 or bioes)",
            )
        problems.raise_if_any()

    def _read_file(
        self,
        path: Path,
        prefix: str,
        opts: ConllOptions,
        scheme: Scheme,
        labels: set[str],
        problems: Problems,
    ) -> Iterator[Document]:
        """The documents of one file: its sentences, grouped as ``opts.documents`` says; a
        document with a problem is numbered but not yielded."""
        ids = (f"{prefix}-{n:04d}" for n in itertools.count(1))
        doc = _Pending()
        for new_doc, sent in _blocks(path, opts, problems):
            if doc.texts and (
                opts.documents == "sentence" or (new_doc and opts.documents == "docstart")
            ):
                yield from doc.finish(next(ids))
                doc = _Pending()
            chunks, fine = _chunks(path, sent, scheme, labels, problems)
            doc.add(sent, chunks, opts.detokenize, fine)
        if doc.texts:
            yield from doc.finish(next(ids))

    def write(self, goldset: GoldsetView, path: Path, options: Any) -> Mapping[str, int]:
        """Write every document as ``-DOCSTART-`` + sentences; returns counts of what was lost."""
        opts: ConllOptions = options
        scheme: Scheme = "iob2" if opts.scheme == "auto" else opts.scheme
        stats = {"documents": 0, "entities": 0, "quotes_not_written": 0}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8", newline="\n") as f:
            for doc in goldset:
                f.write(f"{DOCSTART} -X- -X- O\n\n" if opts.columns == 4 else f"{DOCSTART} O\n\n")
                for line in document_lines(doc, scheme, opts.detokenize, opts.columns):
                    f.write(line)
                stats["documents"] += 1
                stats["entities"] += len(doc.entities)
                stats["quotes_not_written"] += len(doc.quotes)
        tmp.replace(path)
        return stats


def _labels_in(path: Path, opts: ConllOptions) -> Iterator[str]:
    """The entity types in the tag column of the files, in file order (malformed tags are left
    to the reader)."""
    scratch = Problems(str(path))  # the reader reports what is wrong
    for f in _files(path, scratch):
        if not f.is_file():
            continue
        for _, sent in _blocks(f, opts, scratch):
            for tag in sent.tags:
                try:
                    label = parse_tag(tag)[1]
                except ValueError:
                    continue
                if label:
                    yield label


def document_lines(doc: Document, scheme: Scheme, mode: Detok, columns: int) -> Iterator[str]:
    """The CoNLL lines of one document (each sentence followed by a blank line)."""
    bounds = {x for e in doc.entities for x in (e.start, e.end)}
    sentences = tokenize(doc.text, bounds, mode)
    flat = [t for s in sentences for t in s]
    starts = [s for s, _ in flat]
    ends = [e for _, e in flat]
    where: dict[int, list[Chunk]] = {}
    sent_of_token: list[int] = [i for i, s in enumerate(sentences) for _ in s]
    offset_of_sent: list[int] = []
    n = 0
    for s in sentences:
        offset_of_sent.append(n)
        n += len(s)
    for e in doc.entities:
        if "\n" in doc.text[e.start : e.end]:
            raise GoldsetError(
                f"document {doc.id!r}: entity {e.label} {doc.text[e.start : e.end]!r} "
                f"({e.start}..{e.end}) spans a line break; a CoNLL entity must lie in one sentence"
            )
        i = bisect_left(starts, e.start)
        j = bisect_right(ends, e.end) - 1
        if i > j:
            raise GoldsetError(
                f"document {doc.id!r}: entity {e.label} ({e.start}..{e.end}) covers no token"
            )
        si = sent_of_token[i]
        base = offset_of_sent[si]
        where.setdefault(si, []).append(Chunk(i - base, j - base + 1, e.label))
    for si, sent in enumerate(sentences):
        tags = encode(where.get(si, []), len(sent), scheme)
        for (s, e), tag in zip(sent, tags, strict=True):
            tok = doc.text[s:e]
            yield f"{tok} _ _ {tag}\n" if columns == 4 else f"{tok} {tag}\n"
        yield "\n"
