"""A tiny pipeline component: every paragraph (line) starts a sentence.

Added before the parser, so that a headline or a line without final punctuation is not parsed
as one sentence with the next paragraph. Imports spaCy: import this module only from
:func:`harness_spacy.pipeline.load_model`.
"""

from __future__ import annotations

from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

COMPONENT = "harness_paragraph_breaks"


def mark_paragraph_starts(doc: Doc) -> Doc:
    """Set ``is_sent_start`` on the first token after a line break (spaCy keeps line breaks in
    whitespace tokens, so only those are looked at)."""
    spaces = doc.to_array([IS_SPACE])
    n = len(doc)
    for i in spaces.nonzero()[0]:
        i = int(i)
        if i + 1 < n and "\n" in doc[i].text and not doc[i + 1].is_space:
            doc[i + 1].is_sent_start = True
    return doc


if not Language.has_factory(COMPONENT):
    Language.component(COMPONENT, func=mark_paragraph_starts)


def add_to(nlp: Language) -> None:
    """Insert the component before the parser (no-op without a parser or when present)."""
    if COMPONENT not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, before="parser")
