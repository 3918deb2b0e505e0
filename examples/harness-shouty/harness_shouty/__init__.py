"""A minimal harness plugin: one extractor that tags acronyms (NATO, UNESCO) as ORG."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from harness import hookimpl
from harness.extractors import Extractor
from harness.model import Entity, Prediction, TextDoc


@dataclass(frozen=True)
class ShoutyOptions:
    min_length: int = 3  # shortest acronym to tag


class Shouty(Extractor):
    name = "shouty"
    version = "0.1.0"
    tasks = frozenset({"entities"})
    labels = ("ORG",)
    Options = ShoutyOptions

    def setup(self) -> None:  # load models here, not at import time
        self.pattern = re.compile(rf"\b[A-Z]{{{self.options.min_length},}}\b")

    def extract(self, docs: Sequence[TextDoc]) -> Iterator[Prediction]:
        for doc in docs:
            found = self.pattern.finditer(doc.text)
            yield Prediction(doc.id, tuple(Entity(m.start(), m.end(), "ORG") for m in found))


@hookimpl
def register_extractors(register: Callable[[type[Extractor]], None]) -> None:
    register(Shouty)
