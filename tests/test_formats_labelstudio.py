"""Label Studio tasks that nobody finished annotating are not gold (issue #19)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.errors import GoldsetError
from harness.formats import conversion
from harness.formats.labelstudio import LabelStudioFormat, LabelStudioOptions

pytestmark = pytest.mark.usefixtures("builtin_only")

DONE = {"id": 9, "result": [], "was_cancelled": False}


def _read(path: Path, **options: Any) -> list[str]:
    return [d.id for d in LabelStudioFormat().read(path, LabelStudioOptions(**options))]


def _write(tmp_path: Path, annotations: Any) -> Path:
    tasks = [
        {"id": 1, "data": {"text": "Nothing here.", "doc_id": "a"}, "annotations": [DONE]},
        {"id": 2, "data": {"text": "Not looked at.", "doc_id": "b"}, "annotations": annotations},
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("annotations", "why"),
    [
        ([], "no annotations"),
        (None, "no annotations"),
        ([{"id": 3, "result": [], "was_cancelled": True}], "only cancelled annotations"),
        ({"result": []}, "annotations is dict, not a list"),
    ],
)
def test_a_task_without_a_completed_annotation_is_refused(
    tmp_path: Path, annotations: Any, why: str
) -> None:
    path = _write(tmp_path, annotations)
    with pytest.raises(GoldsetError) as err:
        _read(path)
    message = str(err.value)
    assert "export.json" in message and "task 2" in message and why in message
    assert "unannotated: skip" in message


@pytest.mark.parametrize(
    "annotations", [[], None, [{"id": 3, "result": [], "was_cancelled": True}]]
)
def test_skip_leaves_the_task_out_and_reports_it(tmp_path: Path, annotations: Any) -> None:
    path = _write(tmp_path, annotations)
    with conversion.collect() as report:
        ids = _read(path, unannotated="skip")
    assert ids == ["a"], "a completed annotation with no regions is gold (an empty document)"
    assert [(c.action, c.document) for c in report.changes] == [("dropped", "2")]


def test_a_malformed_annotations_field_is_an_error_even_when_skipping(tmp_path: Path) -> None:
    path = _write(tmp_path, {"result": []})
    with pytest.raises(GoldsetError, match="not a list"):
        _read(path, unannotated="skip")
