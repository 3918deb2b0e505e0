"""Helpers shared by the llm plugin's test modules (imported by name: tests is on sys.path)."""

from __future__ import annotations

import json
from pathlib import Path


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
