"""JSON text of many small rows at once, with numpy: the report's arrays of numbers and labels.

``json.dumps`` of a million small lists makes and walks a million Python lists; here a table of
rows (columns of integers and of strings) becomes JSON text in a few array operations. Each
value is written as bytes into a fixed-width cell of a ``(rows, width)`` byte matrix, padded with
NUL bytes, which are removed at the end (JSON text never holds a raw NUL: ``json.dumps`` writes
``\\u0000``). The text is the same, byte for byte, as ``json.dumps(rows, ensure_ascii=False,
separators=(",", ":"))``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from harness.perdoc import _numbers


class Cells(NamedTuple):
    """A column of values: ``(rows, width)`` UTF-8 bytes, NUL-padded, and each value's length."""

    bytes: np.ndarray
    lengths: np.ndarray


#: Integers below this are written from a table made once.
SMALL = 1 << 16
_SMALL: list[Cells] = []


def ints(values: np.ndarray) -> Cells:
    """Cells of integers ``>= -1`` (``-1``: "none" in the report's rows)."""
    x = np.asarray(values, dtype=np.int64)
    if not len(x):
        return Cells(np.zeros((0, 1), dtype=np.uint8), np.zeros(0, dtype=np.int64))
    low, high = int(x.min()), int(x.max())
    if low < -1:
        raise ValueError("ints: values below -1")
    if high >= SMALL:
        return _digits(x)
    if not _SMALL:
        _SMALL.append(_digits(np.arange(-1, SMALL, dtype=np.int64)))
    table, lengths = _SMALL[0]
    # the table's cells are wider: keep the digits used (and the sign, when there is one)
    cells = table[x + 1] if low < 0 else table[x + 1, -len(str(high)) :]
    return Cells(cells, lengths[x + 1])


def _digits(x: np.ndarray) -> Cells:
    ax = np.abs(x)
    top = int(ax.max()) if len(ax) else 0
    width = len(str(top))
    out = np.zeros((len(x), width + 1), dtype=np.uint8)
    out[:, 0] = np.where(x < 0, ord("-"), 0)
    v = ax.copy()
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    for j in range(width, 0, -1):
        out[:, j] = 48 + v % 10
        v //= 10
    lead = ax[:, None] < powers[None, :]
    lead[:, -1] = False
    out[:, 1:][lead] = 0
    return Cells(out, np.count_nonzero(out, axis=1).astype(np.int64))


def table(texts: Sequence[bytes]) -> Cells:
    """Cells of the given encoded texts (one row each)."""
    width = max((len(t) for t in texts), default=1) or 1
    out = np.zeros((len(texts), width), dtype=np.uint8)
    for i, t in enumerate(texts):
        out[i, : len(t)] = np.frombuffer(t, dtype=np.uint8)
    return Cells(out, np.array([len(t) for t in texts], dtype=np.int64))


def filled(array: pa.Array, fill: int) -> np.ndarray:
    """The values of a primitive Arrow array, ``fill`` where null (numpy alone: pyarrow's
    ``fill_null`` and ``to_numpy`` import pandas: half a second of a report)."""
    if not array.null_count:
        return _numbers(array)
    dtype = np.dtype(array.type.to_pandas_dtype())
    values = np.frombuffer(
        array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize
    ).copy()
    bits = np.frombuffer(array.buffers()[0], dtype=np.uint8)
    valid = np.unpackbits(bits, bitorder="little")[array.offset : array.offset + len(array)]
    values[valid == 0] = fill
    return values


def strings(
    array: pa.Array, default: str | None = None, escape: Callable[[str], str] = str
) -> Cells:
    """Cells of a string column as JSON strings (``null`` for a null, or ``default``), each
    JSON string passed through ``escape``."""
    encoded = pc.dictionary_encode(array)
    words = [
        escape(json.dumps(w, ensure_ascii=False)).encode("utf-8")
        for w in encoded.dictionary.to_pylist()
    ]
    null = b"null" if default is None else json.dumps(default, ensure_ascii=False).encode()
    lut, lengths = table([*words, null])
    idx = filled(encoded.indices, len(words))
    return Cells(lut[idx], lengths[idx])


def _constant(text: str, n: int) -> np.ndarray:
    return np.tile(np.frombuffer(text.encode("utf-8"), dtype=np.uint8), (n, 1))


def rows(columns: Sequence[Cells]) -> tuple[bytes, np.ndarray]:
    """The JSON arrays ``[a,b,...],`` of each row (a comma after each), all in one text, and
    the end of each row in it."""
    n = len(columns[0].lengths) if columns else 0
    if n == 0:
        return b"", np.zeros(0, dtype=np.int64)
    parts: list[np.ndarray] = [_constant("[", n)]
    lengths = np.full(n, 2 + len(columns), dtype=np.int64)  # "[", the commas and "],"
    for i, c in enumerate(columns):
        if i:
            parts.append(_constant(",", n))
        parts.append(c.bytes)
        lengths += c.lengths
    parts.append(_constant("],", n))
    matrix = np.concatenate(parts, axis=1)
    flat = matrix.ravel()
    return flat[flat != 0].tobytes(), np.cumsum(lengths)


def lists(blob: bytes, ends: np.ndarray, offsets: Sequence[int]) -> list[str]:
    """The JSON array of each group of rows (rows ``offsets[i]:offsets[i+1]``)."""
    edges = np.concatenate([[0], ends])[np.asarray(offsets, dtype=np.intp)].tolist()
    text = blob.decode("utf-8")
    if len(text) != len(blob):  # not ASCII: cut the bytes, then decode each piece
        return [
            "[" + blob[a : b - 1].decode("utf-8") + "]" if b > a else "[]"
            for a, b in pairwise(edges)
        ]
    return ["[" + text[a : b - 1] + "]" if b > a else "[]" for a, b in pairwise(edges)]
