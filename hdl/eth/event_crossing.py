"""``EventCrossing``: one-cycle event pulses of a MAC clock domain, counted in ``sync``.

Each event is counted modulo 16 in its own domain in a Gray-coded register; an
``FFSynchronizer`` carries it into ``sync``, where the difference from the previous
sample is the number of events since then (0 to 15; the MAC has at most one event of a
kind per frame, at least 20 byte times apart, so far fewer than 16 happen between two
samples at any core clock that can carry the line). Gray code means a sample taken while
the count changes is the old count or the new one, never a mix, so no event is lost or
counted twice, whatever the two clocks' ratio.
"""

from __future__ import annotations

from amaranth import Module, Signal
from amaranth.lib import wiring
from amaranth.lib.cdc import FFSynchronizer
from amaranth.lib.wiring import In, Out

from hdl.eth.tx_crossing import gray_decode, gray_encode

__all__ = ["EventCrossing"]

_BITS = 4


class EventCrossing(wiring.Component):
    """Events of ``domain`` as per-cycle counts in ``sync``.

    Parameters
    ----------
    names : sequence of str
        One input pulse and one output count per name.
    domain : str
        The pulses' clock domain.

    Interface attributes
    --------------------
    <name> : In(1) in ``domain``, and ``<name>_count`` : Out(4) in ``sync``, for each name
        The pulses, and how many arrived since the previous cycle's count (registered).
    """

    def __init__(self, names, domain: str):
        self.names = tuple(names)
        self.domain = domain
        members = {}
        for name in self.names:
            members[name] = In(1)
            members[f"{name}_count"] = Out(_BITS)
        super().__init__(members)

    def elaborate(self, platform):
        m = Module()
        for name in self.names:
            pulse = getattr(self, name)
            total, gray = Signal(_BITS, name=f"{name}_total"), Signal(_BITS, name=f"{name}_gray")
            after = Signal(_BITS, name=f"{name}_after")
            m.d.comb += after.eq(total + pulse)
            m.d[self.domain] += [total.eq(after), gray.eq(gray_encode(after))]
            seen_gray = Signal(_BITS, name=f"{name}_seen_gray")
            m.submodules[f"{name}_cdc"] = FFSynchronizer(gray, seen_gray, o_domain="sync")
            seen, before = Signal(_BITS, name=f"{name}_seen"), Signal(_BITS, name=f"{name}_before")
            m.d.comb += seen.eq(gray_decode(seen_gray))
            m.d.sync += [before.eq(seen), getattr(self, f"{name}_count").eq(seen - before)]
        return m
