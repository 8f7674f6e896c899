"""Internet checksums (RFC 1071) of a frame built from slots, summed in pipeline stages.

A checksum covers 16-bit big-endian words aligned to the even offset where its region
starts. The frame's bytes come from three places (:mod:`hdl.order.frame`), and so does the
sum: the template's constant bytes are added up here in Python (:func:`constant_sum`), the
register fields and the per-order fields each give a list of words (:func:`word_terms`:
only the words they touch, their other byte zero), and :func:`ones_sum` adds a list in
registered stages of at most ``fan_in`` terms, then folds the carries back in (the
one's-complement end-around carry), one registered stage per fold.

The result is the same as :func:`proto.net.internet_checksum` of the whole region, however
the words were grouped: every fold keeps the sum's value modulo 0xFFFF, and the total is
never zero (the template has non-zero constant bytes), so no 0x0000/0xFFFF ambiguity arises.
"""

from __future__ import annotations

from amaranth import C, Cat, Signal, Value

__all__ = ["word_terms", "constant_sum", "ones_sum", "fold_bound"]

_WORD = 0xFFFF


def word_terms(byte_values: dict[int, Value], region: range) -> list[tuple[Value, int]]:
    """``(word, largest value)`` of every word of ``region`` that ``byte_values`` (frame
    offset -> 8-bit Value) touches; a byte of the word that it does not name counts as 0."""
    if region.start % 2:
        raise ValueError(f"checksum region {region} starts at an odd offset")
    terms = []
    for at in range(region.start, region.stop, 2):
        high = byte_values.get(at)
        low = byte_values.get(at + 1) if at + 1 < region.stop else None
        if high is None and low is None:
            continue
        word = Cat(C(0, 8) if low is None else low, C(0, 8) if high is None else high)
        bound = (0 if high is None else 0xFF00) | (0 if low is None else 0xFF)
        terms.append((word, bound))
    return terms


def constant_sum(data: bytes, region: range | None = None) -> int:
    """Plain (unfolded) sum of the big-endian words of ``data[region]``."""
    chunk = bytes(data[region.start:region.stop]) if region is not None else bytes(data)
    chunk += b"\0" * (len(chunk) % 2)
    return sum(int.from_bytes(chunk[i:i + 2], "big") for i in range(0, len(chunk), 2))


def fold_bound(bound: int) -> int:
    """Largest value ``(x & 0xFFFF) + (x >> 16)`` takes for ``0 <= x <= bound``."""
    high = bound >> 16
    if not high:
        return bound
    return max((bound & _WORD) + high, _WORD + high - 1)


def ones_sum(m, terms: list[tuple[Value, int]], name: str, fan_in: int = 4) \
        -> tuple[Value, int]:
    """The one's complement sum of ``terms`` (``(value, largest value)`` pairs) as a
    16-bit value, and how many registered stages it took (its latency in cycles)."""
    if not terms:
        raise ValueError(f"{name}: nothing to sum")
    stages = 0
    while len(terms) > 1:
        grouped = []
        for index in range(0, len(terms), fan_in):
            group = terms[index:index + fan_in]
            bound = sum(b for _, b in group)
            partial = Signal(range(bound + 1), name=f"{name}_s{stages}_{index // fan_in}")
            m.d.sync += partial.eq(sum(v for v, _ in group))
            grouped.append((partial, bound))
        terms, stages = grouped, stages + 1
    value, bound = terms[0]
    while bound > _WORD:
        bound = fold_bound(bound)
        folded = Signal(range(bound + 1), name=f"{name}_fold{stages}")
        m.d.sync += folded.eq(value[:16] + value[16:])
        value, stages = folded, stages + 1
    return Value.cast(value)[:16], stages
