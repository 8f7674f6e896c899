"""Packed Amaranth records as arrays of 32-bit words, in bulk, for the Verilator harness.

Verilator hands a port wider than 64 bits over as little-endian 32-bit words (bit *k* of
the port is bit *k % 32* of word *k // 32*); narrower ports fit one or two words the same
way. These helpers move whole columns of field values in and out of such word arrays, with
each field's bit offset and width taken from the ``StructLayout`` (never typed by hand).
Every field is at most 64 bits wide, so a field touches at most three words.
"""

from __future__ import annotations

import numpy as np
from amaranth import Shape
from amaranth.lib import data

__all__ = ["layout_fields", "word_count", "pack_words", "unpack_words"]

_U64 = np.uint64


def layout_fields(layout: data.StructLayout) -> list[tuple[str, int, int]]:
    """``(name, bit offset, width)`` of every field, in layout order."""
    fields = [(name, f.offset, Shape.cast(f.shape).width) for name, f in layout]
    for name, _, width in fields:
        if width > 64:
            raise ValueError(f"field {name} is {width} bits; at most 64 are supported")
    return fields


def word_count(layout: data.StructLayout) -> int:
    """32-bit words Verilator uses for a port of this layout."""
    return max(1, -(-layout.size // 32))


def pack_words(values: dict[str, np.ndarray], layout: data.StructLayout, count: int
               ) -> np.ndarray:
    """``(count, word_count)`` uint32 words holding each field's column (missing: 0)."""
    words = np.zeros((count, word_count(layout)), dtype=np.uint64)
    for name, offset, width in layout_fields(layout):
        if name not in values:
            continue
        column = np.asarray(values[name]).astype(_U64) & _U64((1 << width) - 1)
        first, shift = divmod(offset, 32)
        words[:, first] |= (column << _U64(shift)) & _U64(0xFFFF_FFFF)
        done = 32 - shift
        index = first + 1
        while done < width:
            words[:, index] |= (column >> _U64(done)) & _U64(0xFFFF_FFFF)
            done += 32
            index += 1
    return words.astype(np.uint32)


def unpack_words(words: np.ndarray, layout: data.StructLayout) -> dict[str, np.ndarray]:
    """Each field of ``(n, k)`` uint32 ``words`` as a uint64 column."""
    words = np.asarray(words, dtype=np.uint64)
    out = {}
    for name, offset, width in layout_fields(layout):
        first, shift = divmod(offset, 32)
        value = words[:, first] >> _U64(shift)
        done = 32 - shift
        index = first + 1
        while done < width:
            value |= words[:, index] << _U64(done)
            done += 32
            index += 1
        out[name] = value & _U64((1 << width) - 1) if width < 64 else value
    return out
