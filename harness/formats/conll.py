"""CoNLL-2003 style column files: one token per line, the NER tag in the last column.

Sentences are separated by blank lines and documents by ``-DOCSTART-`` lines. The tagging scheme
(IOB1, IOB2 or BIOES) is detected from the whole file or declared (``scheme: iob2``). Each document
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

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import GoldsetError
from ..model import CONLL_LABELS, ONTONOTES_LABELS, Document, Entity
from ..schemes import SCHEMES
from .base import CommonOptions, ProblemLog
from .detok import Detok, join_tokens, tokenize
from .tagging import Chunk, Scheme, decode, detect_scheme, encode, parse_tag

if TYPE_CHECKING:
    from ..goldset import Goldset

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


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
    return [path]


def _lines(path: Path, problems: ProblemLog) -> Iterator[tuple[int, str]]:
    """``(line number, decoded line)``; undecodable lines are logged and skipped."""
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


def _blocks(
    path: Path, opts: ConllOptions, problems: ProblemLog
) -> Iterator[tuple[bool, _Sentence]]:
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


class ConllFormat:
    """Reader and writer of CoNLL-2003 style column files."""

    name = "conll"
    description = "CoNLL-2003 columns (IOB1/IOB2/BIOES, -DOCSTART- documents), detokenised"
    version = "1"
    label_scheme = "conll"
    Options = ConllOptions

    def detect(self, path: Path, opts: ConllOptions) -> Scheme:
        """The declared scheme, or the one detected from every tag of the files."""
        if opts.scheme != "auto":
            return opts.scheme
        scratch = ProblemLog(str(path))
        return detect_scheme(s.tags for f in _files(path) for _, s in _blocks(f, opts, scratch))

    def detect_label_scheme(self, path: Path, options: Any) -> str:
        """The label scheme of files read without a declared one: ``ontonotes`` when every
        entity label is an OntoNotes label and some is not a CoNLL one (an OntoNotes goldset
        exported to CoNLL, or OntoNotes in columns), else ``conll``."""
        onto, conll = set(ONTONOTES_LABELS), set(CONLL_LABELS)
        found: set[str] = set()
        for label in _labels_in(path, options):
            if label not in onto:
                return self.label_scheme  # PER, MISC or another label: stop at the first
            found.add(label)
        return "ontonotes" if found - conll else self.label_scheme

    def read(self, path: Path, options: Any) -> Iterator[Document]:
        opts: ConllOptions = options
        problems = ProblemLog(str(path))
        scheme = self.detect(path, opts)
        scheme_name = opts.label_scheme or self.detect_label_scheme(path, opts)
        labels = set(opts.labels or SCHEMES.get(scheme_name, ()))
        files = _files(path)
        if not files:
            raise GoldsetError(f"{path}: no CoNLL files ({', '.join(SUFFIXES)})")
        for f in files:
            prefix = opts.id_prefix or f.stem
            yield from self._read_file(f, prefix, opts, scheme, labels, problems)
        problems.raise_if_any()

    def _read_file(
        self,
        path: Path,
        prefix: str,
        opts: ConllOptions,
        scheme: Scheme,
        labels: set[str],
        problems: ProblemLog,
    ) -> Iterator[Document]:
        n_docs = 0
        texts: list[str] = []
        entities: list[Entity] = []
        offset = 0
        bad = False

        def flush() -> Document | None:
            nonlocal n_docs, texts, entities, offset, bad
            doc = None
            if texts and not bad:
                n_docs += 1
                doc = Document(f"{prefix}-{n_docs:04d}", "\n".join(texts), tuple(entities))
            elif texts:
                n_docs += 1
            texts, entities, offset, bad = [], [], 0, False
            return doc

        for new_doc, sent in _blocks(path, opts, problems):
            if opts.documents == "sentence" or (new_doc and opts.documents == "docstart"):
                doc = flush()
                if doc is not None:
                    yield doc
            chunks, issues = decode(sent.tags, scheme)
            for i, message in issues:
                problems.add(path, sent.lines[i], message)
                bad = True
            text, starts = join_tokens(sent.tokens, opts.detokenize)
            if texts:
                offset += 1  # the newline between sentences
            for c in chunks:
                if labels and c.label not in labels:
                    problems.add(
                        path,
                        sent.lines[c.start],
                        f"unknown label {c.label!r} (labels: {sorted(labels)}); "
                        "declare label_scheme/labels in the goldset options",
                    )
                    bad = True
                    continue
                s = starts[c.start]
                e = starts[c.end - 1] + len(sent.tokens[c.end - 1])
                entities.append(Entity(offset + s, offset + e, c.label, text[s:e]))
            texts.append(text)
            offset += len(text)
        doc = flush()
        if doc is not None:
            yield doc

    def write(self, goldset: Goldset, path: Path, options: Any) -> Mapping[str, int]:
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
    for f in _files(path):
        if not f.is_file():
            continue
        for _, sent in _blocks(f, opts, ProblemLog(str(f))):
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
