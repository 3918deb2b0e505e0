"""Opt-in: the llm extractor against a real local model server (llama.cpp server, Ollama, vLLM).

Skipped unless ``HARNESS_LLM_BASE_URL`` and ``HARNESS_LLM_MODEL`` are set, e.g.::

    llama-server -m qwen2.5-1.5b-instruct-q4_k_m.gguf --port 8080 &
    HARNESS_LLM_BASE_URL=http://127.0.0.1:8080/v1 HARNESS_LLM_MODEL=qwen2.5-1.5b-instruct \\
      .venv/bin/python -m pytest plugins/llm/tests/test_llm_real_server.py -v

    ollama serve & ollama pull llama3.2:3b
    HARNESS_LLM_BASE_URL=http://127.0.0.1:11434/v1 HARNESS_LLM_MODEL=llama3.2:3b ...

``HARNESS_LLM_API_KEY_ENV`` names the variable holding a key, for a server that wants one.
The test checks what must hold for any model, not its scores: the run completes, every
generated string is aligned or counted as unaligned, and a second run sends nothing.
"""

from __future__ import annotations

import os
import shutil

import pytest
from llm_support import write_config

from harness import runner
from harness.config import load_config

URL = os.environ.get("HARNESS_LLM_BASE_URL")
MODEL = os.environ.get("HARNESS_LLM_MODEL")


def _why_skipped() -> str:
    found = [x for x in ("llama-server", "ollama", "vllm") if shutil.which(x)]
    where = f"found {', '.join(found)} on PATH" if found else "no llama-server, ollama or vllm here"
    return (
        "opt-in test of a real model server: set HARNESS_LLM_BASE_URL and HARNESS_LLM_MODEL "
        f"(see plugins/llm/README.md); {where}"
    )


@pytest.mark.slow
@pytest.mark.skipif(not (URL and MODEL), reason=_why_skipped())
def test_real_server_run_is_complete_and_accounted(mini, tmp_path) -> None:
    options = {"timeout": 600, "concurrency": 2}
    if os.environ.get("HARNESS_LLM_API_KEY_ENV"):
        options["api_key_env"] = os.environ["HARNESS_LLM_API_KEY_ENV"]
    cfg = load_config(write_config(tmp_path, mini, URL, model=MODEL, **options))
    first = runner.run(cfg)
    run = first.extractors[0]
    diag = run.diagnostics.to_dict()
    total = diag["total"]
    assert total["requests"] >= 4, total
    levels = ("aligned_exact", "aligned_normalised", "aligned_fuzzy", "unaligned")
    assert sum(total[k] for k in levels) == total["generated"]
    for doc_id, values in diag["per_document"].items():
        assert sum(values[k] for k in levels) == values["generated"], doc_id
    # errors, if any, are a model's malformed answers, named per document
    assert all(e.message for e in run.errors)
    again = runner.run(cfg, use_cache=False)  # every answer from the response cache
    assert again.extractors[0].diagnostics.to_dict()["this_run"]["requests"] == 0
    assert [r.scores for r in again.extractors] == [r.scores for r in first.extractors]
