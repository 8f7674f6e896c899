"""Forms of common logic that the ECP5 flow (Yosys ``synth_ecp5 -abc9``) maps shallowly.

Found by synthesising each form on its own (``bench/fmax.py`` flow, path depth from the
netlist):

- a magnitude comparison ``a < b`` of wide values comes out as a carry chain broken up by
  LUT levels, while the sign of the difference ``a - b`` is one clean chain (about half
  the delay at 64 bits): :func:`below`;
- a function of a few bits written as a ``Switch`` maps two or three LUT levels deep and
  tends to use the flip-flop's synchronous reset (with its long setup), while the same
  function as a constant table indexed by those bits maps to one level of wide LUTs:
  :func:`table`.
"""

from __future__ import annotations

from collections.abc import Callable

from amaranth import Const, Module, Signal, Value

__all__ = ["below", "table"]


def below(a, b) -> Value:
    """``a < b`` as the sign bit of ``a - b`` (one carry chain; Amaranth widens the
    difference so that its sign is exact for any shapes)."""
    return (Value.cast(a) - b)[-1]


def table(m: Module, name: str, index: Value, function: Callable[[int], int],
          width: int) -> Signal:
    """``function(index)``, a ``width``-bit value, as a constant table of ``2**len(index)``
    entries (values are taken modulo ``2**width``)."""
    entries = 1 << len(index)
    bits = sum((function(i) % (1 << width)) << (i * width) for i in range(entries))
    value = Signal(width, name=name)
    m.d.comb += value.eq(Const(bits, width * entries).word_select(index, width))
    return value
