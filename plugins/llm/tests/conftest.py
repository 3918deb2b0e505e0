"""Fixtures of the llm plugin's tests: the two-document goldset, answers made from its gold,
and a config pointing the extractor at a local stand-in server."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from harness_llm.testing import Reply, Request, Responder, completion, echo_document, task_of
from llm_support import gold_answer

from harness.goldset import load_goldset
from harness.plugins import reset_plugins

MINI = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "mini"


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """A private goldset cache; plugins loaded afresh from the installed entry points."""
    monkeypatch.setenv("HARNESS_GOLDSET_CACHE", str(tmp_path_factory.mktemp("rows")))
    reset_plugins()
    yield
    reset_plugins()


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    shutil.copytree(MINI, tmp_path / "mini")
    return tmp_path / "mini" / "gold"


@pytest.fixture
def gold_responder(mini: Path) -> Callable[..., Responder]:
    """``gold_responder(edit=None)``: a responder answering from the gold of the goldset;
    ``edit(doc_id, task, answer) -> answer | Reply`` may change an answer."""
    docs = {d.text: d for d in load_goldset(mini)}

    def make(edit: Callable[[str, str, dict], dict | Reply] | None = None) -> Responder:
        def respond(request: Request) -> Reply:
            doc = docs[echo_document(request)]
            task = task_of(request)
            answer: dict | Reply = gold_answer(doc, task)
            if edit is not None:
                answer = edit(doc.id, task, answer)
            if isinstance(answer, Reply):
                return answer
            return Reply(body=completion(json.dumps(answer)))

        return respond

    return make
