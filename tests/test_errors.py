"""The one problem collector: every problem of an input in one error, each saying where."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import MAX_LISTED, ConfigError, GoldsetError, Problems


def test_each_problem_names_its_file_and_line() -> None:
    problems = Problems("gold")
    assert not problems and len(problems) == 0
    problems.add(Path("a.conll"), 3, "bad tag")
    problems.add("b.json", None, "missing field id")
    problems.extend(["c.ann, line 1: elsewhere"])
    assert problems.items == [
        "a.conll, line 3: bad tag",
        "b.json: missing field id",
        "c.ann, line 1: elsewhere",
    ]
    with pytest.raises(GoldsetError) as info:
        problems.raise_if_any()
    lines = str(info.value).splitlines()
    assert lines[0] == "goldset gold: 3 problems:"
    assert lines[1:] == [f"  - {p}" for p in problems.items]


def test_one_problem_is_the_error_itself() -> None:
    problems = Problems("run.yaml", ConfigError)
    problems.add("run.yaml", None, "unknown key 'x'")
    with pytest.raises(ConfigError) as info:
        problems.raise_if_any()
    assert str(info.value) == "run.yaml: unknown key 'x'"
    Problems("nothing").raise_if_any()  # no problem, no error


def test_collect_records_errors_of_its_kind_and_strips_the_repeated_source() -> None:
    problems = Problems("run.yaml", ConfigError)
    with problems.collect():
        raise ConfigError("run.yaml: tasks: unknown task 'x'")
    with problems.collect():
        raise ConfigError("run.yaml: batch_size should be a positive integer")
    with pytest.raises(GoldsetError), problems.collect():  # another kind is not swallowed
        raise GoldsetError("not a config problem")
    with pytest.raises(ConfigError) as info:
        problems.raise_if_any()
    assert str(info.value).splitlines() == [
        "run.yaml: 2 problems:",
        "  - tasks: unknown task 'x'",
        "  - batch_size should be a positive integer",
    ]


def test_a_long_listing_is_cut_and_counted() -> None:
    problems = Problems("big")
    for i in range(MAX_LISTED + 7):
        problems.add("f.txt", i + 1, "bad")
    with pytest.raises(GoldsetError) as info:
        problems.raise_if_any()
    lines = str(info.value).splitlines()
    assert lines[0] == f"goldset big: {MAX_LISTED + 7} problems:"
    assert len(lines) == 1 + MAX_LISTED + 1 and lines[-1] == "  ... and 7 more"
