"""End-to-end runs of the llm extractor against a stand-in server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

from harness_llm.testing import FakeServer
from llm_support import write_config
from typer.testing import CliRunner

from harness import runner
from harness.config import load_config
from harness.results import read_results, write_run

cli = CliRunner()


def _run(cfg: Path, out: Path) -> dict:
    result = runner.run(load_config(cfg))
    write_run(result, out)
    return read_results(out)


def test_perfect_answers_score_one_and_align_exactly(mini, gold_responder, tmp_path) -> None:
    with FakeServer(gold_responder()) as server:
        data = _run(write_config(tmp_path, mini, server.url), tmp_path / "out")
    llm = data["extractors"]["llm"]
    for key in ("entities.strict.micro.f1", "quotes.exact.f1", "speakers.accuracy"):
        assert llm["scores"][key] == 1.0, key
    total = llm["diagnostics"]["total"]
    assert total["unaligned"] == 0 and total["unaligned_rate"] == 0
    assert total["generated"] == total["aligned_exact"] > 0
    assert total["requests"] == 4 and total["prompt_tokens"] == 400
    assert llm["options"]["resolved_prompts"]["entities"]["id"] == "entities/v1"
    assert json.loads(json.dumps(llm["diagnostics"]))  # plain JSON
