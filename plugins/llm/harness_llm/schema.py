"""The JSON answers each prompt asks for: their JSON Schemas, and checking a model's answer.

The schemas are written for OpenAI's strict structured outputs (every property required, null
allowed where a value may be missing, no additional properties), which vLLM, llama.cpp's
server and Ollama also accept. Labels and quote types are *not* enforced by the schema check
here: an item with a label outside the configured set is counted as rejected, not fatal.
"""

from __future__ import annotations

import json
import re
from typing import Any

from harness.model import QUOTE_TYPES

_NULLABLE_STRING = {"type": ["string", "null"]}


def _array_of(name: str, props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            name: {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": props,
                    "required": list(props),
                    "additionalProperties": False,
                },
            }
        },
        "required": [name],
        "additionalProperties": False,
    }


def entities_schema(labels: tuple[str, ...]) -> dict[str, Any]:
    return _array_of(
        "entities", {"text": {"type": "string"}, "label": {"type": "string", "enum": list(labels)}}
    )


QUOTES_SCHEMA = _array_of(
    "quotes",
    {
        "text": {"type": "string"},
        "type": {"type": "string", "enum": list(QUOTE_TYPES)},
        "cue": _NULLABLE_STRING,
        "speaker_mention": _NULLABLE_STRING,
        "speaker": _NULLABLE_STRING,
    },
)

SPEAKERS_SCHEMA = _array_of(
    "speakers",
    {
        "quote": {"type": "integer"},
        "speaker": _NULLABLE_STRING,
        "speaker_mention": _NULLABLE_STRING,
    },
)


class OutputError(ValueError):
    """The model's answer is not the JSON asked for (malformed, truncated, wrong shape)."""


_FENCE = re.compile(r"^\s*```(?:json|JSON)?\s*\n(.*?)\n?```\s*$", re.S)
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _type_ok(value: Any, names: str | list[str]) -> bool:
    for name in [names] if isinstance(names, str) else names:
        if isinstance(value, bool) and name in ("integer", "number"):
            continue
        if isinstance(value, _TYPES[name]):
            return True
    return False


def _flat_spec(schema: dict[str, Any]) -> list[tuple[str, tuple[type, ...], bool]] | None:
    """``(name, Python types, required)`` per property of an object of scalars, else None."""
    spec = []
    for name, sub in schema.get("properties", {}).items():
        names = sub.get("type")
        names = [names] if isinstance(names, str) else names or []
        if not names or any(n in ("object", "array") for n in names):
            return None
        types = tuple(t for n in names for t in _TYPES[n])
        required = name in schema.get("required", ()) and "null" not in names
        spec.append((name, types, required))
    return spec


def _items_fit(items: list[Any], spec: list[tuple[str, tuple[type, ...], bool]]) -> bool:
    for item in items:
        if not isinstance(item, dict):
            return False
        for key, types, required in spec:
            if key not in item:
                if required:
                    return False
                continue
            v = item[key]
            if not isinstance(v, types) or (isinstance(v, bool) and bool not in types):
                return False
    return True


def _fits(value: Any, schema: dict[str, Any]) -> bool:
    """Whether ``value`` passes :func:`check`, without messages: a fast path for the usual
    shape (objects of arrays of flat objects), the general walk otherwise."""
    if not isinstance(value, dict):
        return False
    if any(name not in value for name in schema.get("required", ())):
        return False
    for name, sub in schema.get("properties", {}).items():
        items = value.get(name)
        spec = _flat_spec(sub.get("items", {})) if sub.get("type") == "array" else None
        if spec is not None and isinstance(items, list):
            if not _items_fit(items, spec):
                return False
        elif name in value and check(items, sub):
            return False
    return True


def check(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Problems of ``value`` against ``schema`` (types, required properties, items), by path.

    A small subset of JSON Schema, enough for the schemas above; ``enum`` is not checked, and a
    missing property that may be null counts as null."""
    if "type" in schema and not _type_ok(value, schema["type"]):
        return [f"{path}: expected {schema['type']}, got {type(value).__name__}"]
    problems: list[str] = []
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value and "null" not in props.get(name, {}).get("type", ()):
                problems.append(f"{path}: missing {name!r}")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problems += check(value[name], sub, f"{path}.{name}")
    elif isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            problems += check(item, schema["items"], f"{path}[{i}]")
    return problems


def parse_answer(content: str | None, schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON object in a model's answer, checked against ``schema``; :class:`OutputError`
    otherwise. A Markdown code fence around the JSON is accepted."""
    if content is None or not content.strip():
        raise OutputError("empty answer")
    fenced = _FENCE.match(content)
    text = fenced.group(1) if fenced else content
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        snippet = text.strip()[:80].replace("\n", " ")
        raise OutputError(
            f"answer is not valid JSON ({exc.msg} at char {exc.pos}): {snippet!r}"
        ) from None
    problems = [] if _fits(value, schema) else check(value, schema)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise OutputError("answer does not follow the schema: " + "; ".join(problems[:3]) + more)
    return value
