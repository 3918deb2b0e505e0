"""Helpers shared by the llm plugin's test modules (imported by name: tests is on sys.path)."""

from __future__ import annotations

import json
from pathlib import Path

from harness.model import Document


def write_config(tmp_path: Path, gold: Path, url: str, **options: object) -> Path:
    """A run config with the llm extractor (cache folders inside ``tmp_path``)."""
    opts = {
        "model": "fake-model",
        "base_url": url,
        "cache_dir": str(tmp_path / "llm-cache"),
        "backoff": 0.01,
        **options,
    }
    p = tmp_path / "run.yaml"
    p.write_text(
        f"goldset: {gold}\noutput: out\ncache: cache\nbootstrap: {{samples: 0}}\n"
        f"extractors:\n  - {{name: llm, options: {json.dumps(opts)}}}\n",
        encoding="utf-8",
    )
    return p


def gold_answer(doc: Document, task: str) -> dict:
    """What a perfect model would answer for ``doc`` (strings copied from the text)."""
    if task == "entities":
        return {"entities": [{"text": e.text, "label": e.label} for e in doc.entities]}
    quotes = []
    for q in doc.quotes:
        speaker = doc.speaker(q.speaker)
        quotes.append(
            {
                "text": q.text,
                "type": q.type,
                "cue": q.cue.text if q.cue else None,
                "speaker_mention": q.speaker_span.text if q.speaker_span else None,
                "speaker": speaker.name if speaker else None,
            }
        )
    return {"quotes": quotes}
