"""Fuzzing what plugins and files hand a run (issue #19, part 2): generated predictions (as
Python values an extractor returns and as JSON lines a replay or a report reads) and results
files. Every input is accepted or refused with a :class:`HarnessError` (or an extractor error of
its document); nothing else is raised, and nothing wrong is scored.

Each property runs a fixed, modest number of derandomized examples by default; its ``slow``
twin (``pytest -m slow``: the CI slow job) runs thousands, 6,300 in all (with part 1's
``test_fuzz_inputs.py``, 11,800), derandomized too (see ``fuzzing.py``).
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import hookimpl, runner
from harness.codec import prediction_to_dict, read_predictions
from harness.compare import compare_paths
from harness.config import load_config
from harness.errors import HarnessError, ResultsError
from harness.extractors import Extractor, NotAPrediction, validate_prediction
from harness.model import QUOTE_TYPES, Entity, Prediction, Quote, Span, TextDoc
from harness.plugin_calls import extract
from harness.plugins import reset_plugins
from harness.results import read_results, write_run

from .fuzzing import many, quick

TEXT = "Ann Lee said the bridge was safe. “We will reopen it,” she added."
DOC = TextDoc("d1", TEXT)

# ---- values an extractor may return ---------------------------------------------------------

junk = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 80) | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip
offsets = st.integers(-3, len(TEXT) + 3) | junk
labels = st.sampled_from(["PERSON", "ORG", "", "X"]) | junk
spans = st.none() | st.builds(Span, offsets, offsets, st.text(max_size=4) | junk) | junk
entities = st.builds(Entity, offsets, offsets, labels, st.just("") | junk) | junk
quotes = (
    st.builds(
        Quote, offsets, offsets, st.sampled_from([*QUOTE_TYPES, "said"]) | junk,
        st.none() | st.text(max_size=6) | junk, spans, spans, st.just("") | junk,
    )
    | junk
)  # fmt: skip
predictions = st.builds(
    Prediction,
    st.just("d1") | st.just("d2") | junk,
    st.lists(entities, max_size=4).map(tuple) | junk,
    st.lists(quotes, max_size=3).map(tuple) | junk,
    st.dictionaries(st.text(max_size=4) | st.integers(), st.floats() | junk, max_size=2) | junk,
) | junk.map(NotAPrediction)


def well_typed(pred: Any) -> bool:
    """Whether every field of ``pred`` has the type the contract says (offsets aside)."""

    def span_ok(s: Any) -> bool:
        return s is None or (type(s) is Span and type(s.text) is str)

    return (
        type(pred) is Prediction
        and type(pred.doc_id) is str
        and type(pred.entities) is tuple
        and type(pred.quotes) is tuple
        and isinstance(pred.diagnostics, dict)
        and all(type(e) is Entity and type(e.label) is str and e.label and type(e.text) is str
                for e in pred.entities)
        and all(type(q) is Quote and type(q.type) is str and q.type in QUOTE_TYPES
                and (q.speaker is None or type(q.speaker) is str) and type(q.text) is str
                and span_ok(q.speaker_span) and span_ok(q.cue) for q in pred.quotes)
    )  # fmt: skip


def offsets_ok(pred: Prediction) -> bool:
    spans_: list[Any] = [*pred.entities, *pred.quotes]
    spans_ += [s for q in pred.quotes for s in (q.speaker_span, q.cue) if s is not None]
    return all(type(s.start) is int and type(s.end) is int and 0 <= s.start < s.end <= len(TEXT)
               for s in spans_)  # fmt: skip


def diagnostics_ok(pred: Prediction) -> bool:
    return all(
        isinstance(k, str) and type(v) in (int, float) and math.isfinite(v)
        for k, v in pred.diagnostics.items()
    )


def check_validation(pred: Any) -> None:
    problems = validate_prediction(pred, DOC)
    assert isinstance(problems, list) and all(isinstance(p, str) and p for p in problems)
    fine = well_typed(pred) and pred.doc_id == "d1" and offsets_ok(pred) and diagnostics_ok(pred)
    assert (problems == []) == fine, (pred, problems)


@given(predictions)
@quick(300)
def test_validation_of_any_value(pred: Any) -> None:
    check_validation(pred)


@given(predictions)
@many(3000)
def test_validation_of_any_value_slow(pred: Any) -> None:
    check_validation(pred)


# ---- predictions files (replay, the report) ---------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 80) | st.floats(allow_nan=False)
    | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
json_spans = st.fixed_dictionaries(
    {"start": st.integers(-1, 70) | json_values, "end": st.integers(-1, 70) | json_values},
    optional={"text": st.text(max_size=4) | json_values},
)
json_records = st.fixed_dictionaries(
    {},
    optional={
        "doc_id": st.just("d1") | json_values,
        "id": st.just("d1") | json_values,
        "entities": st.lists(
            st.fixed_dictionaries(
                {"start": st.integers(-1, 70) | json_values, "end": st.integers(-1, 70) | json_values,
                 "label": st.just("PERSON") | json_values},
                optional={"text": json_values},
            ) | json_values,
            max_size=3,
        ) | json_values,
        "quotes": st.lists(
            st.fixed_dictionaries(
                {"start": st.integers(-1, 70), "end": st.integers(-1, 70)},
                optional={"type": st.sampled_from(QUOTE_TYPES) | json_values,
                          "speaker": st.none() | st.text(max_size=4) | json_values,
                          "speaker_span": st.none() | json_spans | json_values,
                          "cue": st.none() | json_spans | json_values},
            ) | json_values,
            max_size=2,
        ) | json_values,
        "diagnostics": json_values,
    },
) | json_values  # fmt: skip
lines = st.lists(
    json_records.map(json.dumps) | st.text(max_size=20) | st.just("{not json"), max_size=4
)


def check_predictions_file(content: list[str], raw: bytes | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "predictions.jsonl"
        if raw is not None:
            path.write_bytes(raw)
        else:
            path.write_text("\n".join(content), encoding="utf-8")
        try:
            read = list(read_predictions(path, ResultsError))
        except ResultsError as exc:
            assert str(path) in str(exc)
            return
    for _, _, pred in read:  # what is read has the contract's types (offsets are checked later)
        problems = validate_prediction(pred, TextDoc(pred.doc_id, "x" * 100))
        assert not [p for p in problems if "should be" in p or "expected a harness" in p], problems


@given(lines)
@quick(200)
def test_predictions_files(content: list[str]) -> None:
    check_predictions_file(content)


@given(lines)
@many(2000)
def test_predictions_files_slow(content: list[str]) -> None:
    check_predictions_file(content)


@given(st.binary(max_size=60))
@quick(50)
def test_predictions_files_of_any_bytes(raw: bytes) -> None:
    check_predictions_file([], raw)


def test_a_list_as_a_label_in_a_predictions_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    good = prediction_to_dict(Prediction("d1", (Entity(0, 3, "PERSON"),)))
    bad = {**good, "entities": [{"start": 0, "end": 3, "label": ["PERSON"]}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(
        ResultsError, match=r"p\.jsonl, line 2: .*entities\[0\]\.label: expected str, got list"
    ):
        list(read_predictions(path, ResultsError))
    path.write_text(json.dumps({**good, "entities": [{"start": 0.0, "end": 3, "label": "X"}]}))
    with pytest.raises(ResultsError, match=r"entities\[0\]\.start: expected int, got float 0\.0"):
        list(read_predictions(path, ResultsError))


# ---- an extractor returning anything, through the runner --------------------------------------

RETURNED: list[Any] = [None]


class Anything(Extractor):
    """Returns ``RETURNED[0]`` for doc2 (doc1 gets a valid prediction)."""

    name = "anything"
    version = "1"
    tasks = frozenset({"entities", "quotes", "speakers"})

    def extract(self, docs: Sequence[TextDoc]) -> list[Any]:
        return [RETURNED[0] if d.id == "doc2" else Prediction(d.id, (Entity(0, 4, "PERSON"),))
                for d in docs]  # fmt: skip


class Returns(Anything):
    """Returns the given value for any one document."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value

    def extract(self, docs: Sequence[TextDoc]) -> list[Any]:
        return [self.value]


class AnythingPlugin:
    @staticmethod
    @hookimpl
    def register_extractors(register: Callable[[type[Extractor]], None]) -> None:
        register(Anything)


doc2_values = predictions.map(lambda p: p.value if isinstance(p, NotAPrediction) else p).map(
    lambda p: _renamed(p)
)


def _renamed(p: Any) -> Any:
    """Predictions for d1 become predictions for doc2 (the document they are returned for)."""
    if isinstance(p, Prediction) and p.doc_id == "d1":
        return Prediction("doc2", p.entities, p.quotes, p.diagnostics)
    return p


def check_run(value: Any, gold: Path, tmp: Path) -> None:
    RETURNED[0] = value
    cfg = tmp / "run.yaml"
    cfg.write_text(
        f"goldset: {gold}\noutput: {tmp / 'out'}\ncache: null\nbootstrap: {{samples: 0}}\n"
        "extractors: [{name: anything}]\n"
    )
    result = runner.run(load_config(cfg))  # never raises
    (run,) = result.extractors
    preds = list(run.predictions)
    assert preds[0].entities == (Entity(0, 4, "PERSON"),)  # doc1 is scored
    doc2_text = (gold / "texts" / "doc2.txt").read_text(encoding="utf-8")
    entered = extract(Returns(value), [TextDoc("doc2", doc2_text)])[0]  # lists made tuples
    valid = not validate_prediction(entered, TextDoc("doc2", doc2_text))
    assert [e.doc_id for e in run.errors] == ([] if valid else ["doc2"])
    assert result.complete == valid
    if not valid:
        assert preds[1] == Prediction("doc2")  # scored as empty, and said so
    write_run(result, tmp / "out")  # the results of any run can be written
    json.loads((tmp / "out" / "results.json").read_text())


@pytest.fixture
def anything(mini: Path) -> Path:
    reset_plugins([("anything", AnythingPlugin)])
    return mini


@given(doc2_values)
@quick(25)
def test_a_run_takes_any_returned_value(anything: Path, tmp_path: Path, value: Any) -> None:
    check_run(value, anything, tmp_path)


@given(doc2_values)
@many(300)
def test_a_run_takes_any_returned_value_slow(anything: Path, tmp_path: Path, value: Any) -> None:
    check_run(value, anything, tmp_path)


# ---- results files -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results_file(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real results.json (replay of the mini goldset's gold)."""
    from harness.goldset import load_goldset

    tmp = tmp_path_factory.mktemp("results")
    mini = Path(__file__).parent / "fixtures" / "mini" / "gold"
    preds = tmp / "gold.jsonl"
    preds.write_text("".join(json.dumps(prediction_to_dict(Prediction(d.id, d.entities, d.quotes)))
                             + "\n" for d in load_goldset(mini)))  # fmt: skip
    cfg = tmp / "run.yaml"
    cfg.write_text(f"goldset: {mini}\noutput: {tmp / 'out'}\ncache: null\n"
                   f"bootstrap: {{samples: 20}}\nextractors: [{{name: replay, options: {{path: {preds}}}}}]\n")  # fmt: skip
    path = write_run(runner.run(load_config(cfg)), tmp / "out")
    return json.loads(path.read_text())


def _paths(data: Any) -> list[tuple[Any, ...]]:
    """Every path of keys/indices into ``data``."""
    out: list[tuple[Any, ...]] = [()]
    if isinstance(data, dict):
        for k, v in data.items():
            out += [(k, *p) for p in _paths(v)]
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += [(i, *p) for p in _paths(v)]
    return out


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> Any:
    """``base`` with a few of its values replaced, removed or given another type."""
    data = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for k in path[:-1]:
            parent = parent[k]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values | st.just(float("nan")) | st.just(float("inf")))
    return data


def check_results(base: dict[str, Any], new: Any, compare: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a.json", Path(tmp) / "b.json"
        a.write_text(json.dumps(base))
        b.write_text(json.dumps(new))
        try:
            read_results(b)
        except ResultsError as exc:
            assert str(b) in str(exc)
        if compare:
            try:
                compare_paths(a, b, samples=10)
            except HarnessError:
                pass


@given(st.data())
@quick(100)
def test_results_files(results_file: dict[str, Any], data: st.DataObject) -> None:
    check_results(results_file, data.draw(mutated(results_file)), compare=False)


@given(st.data())
@many(700)
def test_results_files_slow(results_file: dict[str, Any], data: st.DataObject) -> None:
    check_results(results_file, data.draw(mutated(results_file)), compare=False)


@given(st.data())
@quick(50)
def test_compare_takes_any_results_file(results_file: dict[str, Any], data: st.DataObject) -> None:
    check_results(results_file, data.draw(mutated(results_file)), compare=True)


@given(st.data())
@many(300)
def test_compare_takes_any_results_file_slow(
    results_file: dict[str, Any], data: st.DataObject
) -> None:
    check_results(results_file, data.draw(mutated(results_file)), compare=True)


@pytest.mark.parametrize(
    ("declaration", "problem"),
    [
        ({"task": "quotes", "title": "P", "description": "d", "better": "up"},
         "metrics['quotes.exact.p'].better: expected 'higher', 'lower' or null, got 'up'"),
        ({"title": "P", "description": "d"},
         "metrics['quotes.exact.p'].task: expected a string, got None"),
        ({"task": "quotes", "title": "P", "description": "d", "headline": True, "better": None},
         "metrics['quotes.exact.p']: a headline metric needs a better direction"),
    ],
)  # fmt: skip
def test_a_wrong_metric_declaration_in_a_results_file_is_named(
    results_file: dict[str, Any], tmp_path: Path, declaration: dict[str, Any], problem: str
) -> None:
    """Found by the fuzz test: compare raised ValueError/TypeError building the declarations."""
    bad = json.loads(json.dumps(results_file))
    bad["metrics"]["quotes.exact.p"] = declaration
    (tmp_path / "a.json").write_text(json.dumps(results_file))
    (tmp_path / "b.json").write_text(json.dumps(bad))
    with pytest.raises(ResultsError) as caught:
        compare_paths(tmp_path / "a.json", tmp_path / "b.json", samples=0)
    assert problem in str(caught.value) and "b.json" in str(caught.value)
