"""End-to-end runs of the llm extractor against a stand-in server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from harness_llm.extractor import LLMExtractor
from harness_llm.testing import FakeServer, Reply, completion, echo_document, task_of
from llm_support import write_config
from typer.testing import CliRunner

from harness import runner
from harness.cli import app
from harness.config import load_config
from harness.model import TextDoc
from harness.options import parse_options
from harness.report import MARKDOWN_FILE, write_report
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
    assert llm["options"]["resolved_prompts"]["entities"]["id"] == "entities/v2"
    assert json.loads(json.dumps(llm["diagnostics"]))  # plain JSON


def _edit_doc(doc_id: str, task: str, new: object):
    """An ``edit`` for ``gold_responder`` that replaces one document's answer for one task."""

    def edit(d: str, t: str, answer: dict):
        return new if (d, t) == (doc_id, task) else answer

    return edit


def test_invented_text_is_counted_unaligned_per_document(mini, gold_responder, tmp_path) -> None:
    def edit(doc_id: str, task: str, answer: dict) -> dict:
        if (doc_id, task) == ("doc1", "entities"):
            answer["entities"].append({"text": "Vladimir Putin", "label": "PERSON"})
            answer["entities"].append({"text": "Acme", "label": "BANANA"})
        return answer

    with FakeServer(gold_responder(edit)) as server:
        data = _run(write_config(tmp_path, mini, server.url), tmp_path / "out")
    diag = data["extractors"]["llm"]["diagnostics"]
    doc1, doc2 = diag["per_document"]["doc1"], diag["per_document"]["doc2"]
    assert doc1["unaligned"] == 1 and doc1["rejected"] == 1 and doc2["unaligned"] == 0
    assert doc1["unaligned_rate"] == round(1 / doc1["generated"], 6)
    assert diag["total"]["unaligned"] == 1
    # nothing invented reached the predictions
    preds = [
        json.loads(x) for x in (tmp_path / "out" / "predictions.jsonl").read_text().splitlines()
    ]
    assert all(e["text"] != "Vladimir Putin" for p in preds for e in p["entities"])
    # and the Markdown report names the document

    write_report(tmp_path / "out")
    report = (tmp_path / "out" / MARKDOWN_FILE).read_text(encoding="utf-8")
    assert "Highest unaligned_rate (unaligned / generated):" in report and "| `doc1` |" in report


def extractor(url: str, tasks: frozenset | None = None, **options: object) -> LLMExtractor:
    raw = {"model": "fake-model", "base_url": url, "cache_dir": None, **options}
    return LLMExtractor(parse_options(LLMExtractor.Options, raw, "test"), tasks)


def test_string_occurring_twice_gets_both_occurrences(tmp_path) -> None:

    text = "Grell Bank said profits rose. Analysts doubted Grell Bank. Grell said no."

    def respond(request):
        assert echo_document(request) == text
        if task_of(request) == "entities":
            ents = [{"text": "Grell Bank", "label": "ORG"}] * 2 + [
                {"text": "Grell", "label": "ORG"}
            ]
            return Reply(body=completion(json.dumps({"entities": ents})))
        return Reply(body=completion('{"quotes": []}'))

    with FakeServer(respond) as server:
        opts = parse_options(
            LLMExtractor.Options,
            {"model": "fake-model", "base_url": server.url, "cache_dir": None},
            "t",
        )
        ex = LLMExtractor(opts, frozenset({"entities"}))
        (pred,) = ex.extract([TextDoc("d", text)])
    spans = [(e.start, e.end, e.text) for e in pred.entities]
    assert spans == [(0, 10, "Grell Bank"), (47, 57, "Grell Bank"), (59, 64, "Grell")]
    assert pred.diagnostics["aligned_exact"] == 3 and pred.diagnostics["unaligned"] == 0


def test_malformed_and_truncated_answers_fail_one_document_only(
    mini, gold_responder, tmp_path
) -> None:
    broken = Reply(body=completion('{"entities": [{"text": "Jane Sm'))
    with FakeServer(gold_responder(_edit_doc("doc2", "entities", broken))) as server:
        cfg = write_config(tmp_path, mini, server.url)
        res = cli.invoke(app, ["eval", "--config", str(cfg), "--quiet"])
    assert res.exit_code == 5, res.output
    data = read_results(tmp_path / "out")
    llm = data["extractors"]["llm"]
    assert [e["doc_id"] for e in llm["errors"]] == ["doc2"]
    assert "entities request for chunk 1: answer is not valid JSON" in llm["errors"][0]["message"]
    assert llm["counts"]["documents"] == 2 and llm["scores"]["entities.strict.micro.f1"] < 1
    # the failed document's tokens are still counted
    assert llm["diagnostics"]["per_document"]["doc2"]["prompt_tokens"] == 200

    cut = Reply(body=completion('{"entities": [', finish_reason="length"))
    with FakeServer(gold_responder(_edit_doc("doc1", "quotes", cut))) as server:
        data = _run(write_config(tmp_path, mini, server.url, cache_dir=None), tmp_path / "out2")
    (err,) = data["extractors"]["llm"]["errors"]
    assert err["doc_id"] == "doc1" and "truncated at max_tokens=4096" in err["message"]


def test_rerun_costs_nothing_and_an_interrupted_run_resumes(mini, gold_responder, tmp_path) -> None:
    down = Reply(500, {"error": {"message": "overloaded"}})
    with FakeServer(gold_responder(_edit_doc("doc2", "quotes", down))) as server:
        cfg = write_config(tmp_path, mini, server.url, max_retries=1)
        first = _run(cfg, tmp_path / "out")
        assert [e["doc_id"] for e in first["extractors"]["llm"]["errors"]] == ["doc2"]
        assert len(server.chat_requests()) == 5  # doc1: 2; doc2: entities 1 + quotes 2 attempts
        server.responder = gold_responder()  # the server is back
        second = _run(cfg, tmp_path / "out")
        # only doc2's failed request is asked again: doc1 comes from the prediction cache,
        # doc2's entities answer from the response cache
        assert len(server.chat_requests()) == 6
        third = _run(cfg, tmp_path / "out")
        res = cli.invoke(app, ["eval", "--config", str(cfg), "--quiet", "--no-cache"])
        assert res.exit_code == 0, res.output
        assert len(server.chat_requests()) == 6  # a re-run, even without the prediction cache
    assert second["complete"] and third["complete"]
    llm2, llm3 = second["extractors"]["llm"], third["extractors"]["llm"]
    assert llm2["diagnostics"]["this_run"]["prompt_tokens"] == 100
    assert llm2["diagnostics"]["this_run"]["cached_prompt_tokens"] == 100
    assert llm3["diagnostics"]["this_run"]["prompt_tokens"] == 0
    # what the predictions cost when they were made: doc2's entities answer was paid for by
    # the first run (whose results count it for the failed document) and read from the cache
    total = llm3["diagnostics"]["total"]
    assert total["prompt_tokens"] == 300 and total["cached_prompt_tokens"] == 100
    assert llm3["counts"]["cached_documents"] == 2
    nocache = read_results(tmp_path / "out")["extractors"]["llm"]["diagnostics"]["this_run"]
    assert nocache["prompt_tokens"] == 0 and nocache["cached_responses"] == 4


def test_api_key_never_leaves_the_header(
    mini, gold_responder, tmp_path, monkeypatch, caplog
) -> None:
    secret = "sk-test-NEVER-WRITE-ME-0042"
    monkeypatch.setenv("FAKE_LLM_KEY", secret)
    seen: list[str] = []
    respond = gold_responder()

    def checking(request):
        seen.append(request.headers.get("Authorization", ""))
        if request.index == 0:  # one error that echoes the key, as some proxies do
            return Reply(500, {"error": {"message": f"bad upstream for key {secret}"}})
        return respond(request)

    caplog.set_level("DEBUG")
    with FakeServer(checking) as server:
        cfg = write_config(tmp_path, mini, server.url, api_key_env="FAKE_LLM_KEY")
        res = cli.invoke(app, ["eval", "--config", str(cfg), "--report"])
    assert res.exit_code == 0, res.output
    assert seen and all(h == f"Bearer {secret}" for h in seen)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "responses.sqlite" for p in written)
    assert any(p.name == "report.md" for p in written)
    for p in written:
        assert secret.encode() not in p.read_bytes(), p
    assert secret not in res.output and secret not in caplog.text
    assert "FAKE_LLM_KEY" in (tmp_path / "out" / "results.json").read_text()  # the name only


def test_missing_key_variable_stops_the_run(mini, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("FAKE_LLM_KEY", raising=False)
    with FakeServer() as server:
        cfg = write_config(tmp_path, mini, server.url, api_key_env="FAKE_LLM_KEY")
        res = cli.invoke(app, ["eval", "--config", str(cfg), "--quiet"])
        assert not server.requests
    assert res.exit_code == 2 and "FAKE_LLM_KEY (option api_key_env) is not set" in res.output


def test_wrong_model_name_stops_the_run_with_a_suggestion(mini, tmp_path) -> None:
    with FakeServer(models=("fake-model-7b",)) as server:
        cfg = write_config(tmp_path, mini, server.url, model="fake-modle-7b")
        res = cli.invoke(app, ["eval", "--config", str(cfg), "--quiet"])
    assert res.exit_code == 2
    assert "has no model 'fake-modle-7b'. Did you mean 'fake-model-7b'?" in res.output


def test_json_schema_refused_falls_back_to_prompt_and_remembers(
    mini, gold_responder, tmp_path
) -> None:
    respond = gold_responder()

    def no_schema(request):
        if "response_format" in request.body:
            return Reply(400, {"error": {"message": "response_format is not supported"}})
        return respond(request)

    with FakeServer(no_schema) as server:
        cfg = write_config(tmp_path, mini, server.url)
        data = _run(cfg, tmp_path / "out")
        assert data["complete"] and data["extractors"]["llm"]["scores"]["quotes.exact.f1"] == 1.0
        first = server.chat_requests()
        assert "response_format" in first[0].body and "response_format" not in first[-1].body
        assert '"required"' in first[-1].body["messages"][-1]["content"]  # schema in the prompt
        n = len(first)
        cfg = write_config(tmp_path, mini, server.url, temperature=0.5)  # new answers needed
        _run(cfg, tmp_path / "out")
        later = server.chat_requests()[n:]
        assert later and all("response_format" not in r.body for r in later)


def test_forced_json_schema_mode_reports_the_refusal(mini, tmp_path) -> None:
    refuse = Reply(400, {"error": {"message": "json_schema unsupported"}})
    with FakeServer(lambda r: refuse) as server:
        cfg = write_config(tmp_path, mini, server.url, structured_output="json_schema")
        data = _run(cfg, tmp_path / "out")
    errors = data["extractors"]["llm"]["errors"]
    assert len(errors) == 2 and "set structured_output: prompt" in errors[0]["message"]


def test_requests_in_flight_never_exceed_concurrency(tmp_path) -> None:

    lock, state = threading.Lock(), {"now": 0, "max": 0}

    def respond(request):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return Reply(body=completion(json.dumps({task_of(request): []})))

    docs = [TextDoc(f"d{i}", f"Document number {i}.") for i in range(24)]
    with FakeServer(respond) as server:
        opts = parse_options(
            LLMExtractor.Options,
            {"model": "fake-model", "base_url": server.url, "cache_dir": None, "concurrency": 3},
            "t",
        )
        preds = list(LLMExtractor(opts).extract(docs))
    assert len(preds) == 24 and state["max"] == 3


def test_prompt_replacement_changes_requests_and_provenance(mini, gold_responder, tmp_path) -> None:
    prompt = tmp_path / "ents.txt"
    prompt.write_text("List the named entities.\n{labels}\n{schema}\n<<<\n{text}\n>>>", "utf-8")
    with FakeServer(gold_responder()) as server:
        _run(write_config(tmp_path, mini, server.url), tmp_path / "out")
        n = len(server.chat_requests())
        data = _run(
            write_config(tmp_path, mini, server.url, prompts={"entities": {"file": str(prompt)}}),
            tmp_path / "out",
        )
        new = server.chat_requests()[n:]
    # only the entities requests are new: the quotes prompt did not change
    assert len(new) == 2 and all(
        "List the named entities." in r.body["messages"][1]["content"] for r in new
    )
    used = data["extractors"]["llm"]["options"]["resolved_prompts"]["entities"]
    assert used["id"] == f"file:{prompt}" and used["user"].startswith("List the named entities.")


def test_long_documents_are_chunked_and_merged(tmp_path) -> None:

    para = "Jane Smith met officials of Acme Corp in Oslo on Monday. "
    text = "".join(f"{para}Paragraph {i} ends here.\n" for i in range(40))

    def respond(request):
        chunk = echo_document(request)
        if task_of(request) == "entities":
            ents = [{"text": "Acme Corp", "label": "ORG"}] * chunk.count("Acme Corp")
            return Reply(body=completion(json.dumps({"entities": ents})))
        return Reply(body=completion('{"quotes": []}'))

    with FakeServer(respond) as server:
        opts = parse_options(
            LLMExtractor.Options,
            {
                "model": "fake-model",
                "base_url": server.url,
                "cache_dir": None,
                "chunk_chars": 600,
                "chunk_overlap": 200,
            },
            "t",
        )
        (pred,) = LLMExtractor(opts, frozenset({"entities"})).extract([TextDoc("long", text)])
    expected = [i for i in range(len(text)) if text.startswith("Acme Corp", i)]
    assert [e.start for e in pred.entities] == expected
    assert all(text[e.start : e.end] == "Acme Corp" for e in pred.entities)
    assert pred.diagnostics["chunks"] > 3 and pred.diagnostics["merged"] > 0
    assert pred.diagnostics["unaligned"] == 0


def test_compare_an_llm_with_a_builtin_extractor(mini, gold_responder, tmp_path) -> None:
    """The README recipe: the same label in two runs, then ``harness compare``."""
    base = tmp_path / "regex.yaml"
    base.write_text(
        f"goldset: {mini}\noutput: runs/regex\ncache: cache\nbootstrap: {{samples: 200}}\n"
        "extractors:\n  - {name: regex, label: candidate}\n",
        encoding="utf-8",
    )
    assert cli.invoke(app, ["eval", "--config", str(base), "--quiet"]).exit_code == 0
    with FakeServer(gold_responder()) as server:
        cfg = write_config(tmp_path, mini, server.url)
        text = cfg.read_text().replace("output: out", "output: runs/llm")
        cfg.write_text(text.replace("{name: llm,", "{name: llm, label: candidate,"), "utf-8")
        assert cli.invoke(app, ["eval", "--config", str(cfg), "--quiet"]).exit_code == 0
    res = cli.invoke(
        app,
        [
            "compare",
            str(tmp_path / "runs/regex"),
            str(tmp_path / "runs/llm"),
            "--format",
            "markdown",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "| candidate | `entities.strict.micro.f1` |" in res.output
    assert "| candidate | `attribution.f1` |" in res.output


def test_speaker_pass_names_the_speaker_of_each_quote(tmp_path) -> None:
    text = "Jane Smith runs Acme. “We are growing,” she said. Profits rose."
    asked: list[str] = []

    def respond(request):
        task = task_of(request)
        if task == "quotes":
            q = {"text": "We are growing,", "type": "direct", "cue": "said",
                 "speaker_mention": "she", "speaker": None}  # fmt: skip
            return Reply(body=completion(json.dumps({"quotes": [q]})))
        if task == "speakers":
            asked.append(request.body["messages"][-1]["content"])
            s = {"quote": 1, "speaker": "Jane Smith", "speaker_mention": "she"}
            return Reply(body=completion(json.dumps({"speakers": [s, {"quote": 7}]})))
        return Reply(body=completion('{"entities": []}'))

    with FakeServer(respond) as server:
        ex = extractor(server.url, frozenset({"quotes", "speakers"}), speaker_pass=True)
        (pred,) = ex.extract([TextDoc("d", text)])
    assert asked and "1. We are growing," in asked[0]
    (q,) = pred.quotes
    assert text[q.start : q.end] == "We are growing,"
    assert q.speaker == "Jane Smith" and q.speaker_span is not None
    assert text[q.speaker_span.start : q.speaker_span.end] == "she"
    assert q.cue is not None and text[q.cue.start : q.cue.end] == "said"
    assert pred.diagnostics["rejected"] == 1  # the answer about a quote 7 that does not exist
    assert pred.diagnostics["requests"] == 2


def test_label_map_option_is_handed_to_the_runner() -> None:
    """The runner applies it with the other label maps and counts what it drops."""
    ex = extractor("http://127.0.0.1:9", label_map={"GPE": "LOC", "DATE": None})
    assert ex.label_map == {"GPE": "LOC", "DATE": None}
