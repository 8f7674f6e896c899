"""The order table: order reference -> (stock slot, side, price, shares), set associative.

``2 ** order_sets_log2`` sets of ``order_ways`` entries, one memory row per set, all ways of
a set read and compared in one cycle. The set of a reference is its 64 bits folded by XOR
(:func:`set_index`): ITCH references count up through the day, so consecutive live orders
fall into consecutive sets. The whole reference is stored as the tag, so two orders never
alias; an add that finds its set full is refused and reported (the caller flags the stock).
"""

from __future__ import annotations

from amaranth import Const, Signal
from amaranth.lib import data

from hdl.book.layouts import BookParams, order_entry_layout

__all__ = ["set_layout", "set_index", "SetLookup"]


def set_layout(params: BookParams) -> data.ArrayLayout:
    return data.ArrayLayout(order_entry_layout(params), params.order_ways)


def set_index(ref, params: BookParams):
    """The set of ``ref`` (a 64-bit value): its ``order_sets_log2``-bit chunks XORed."""
    bits = params.order_sets_log2
    folded = Const(0, bits)
    for low in range(0, 64, bits):
        folded = folded ^ ref[low:min(low + bits, 64)]
    return folded


class SetLookup:
    """Combinational search of one set for a reference, and its first free way.

    Attributes
    ----------
    found : Signal
        An entry of the set holds ``ref``.
    hit : Signal(ways)
        One-hot way holding ``ref`` (zero when not found).
    entry : View of order_entry_layout
        That entry (all zero when not found).
    has_free : Signal
        Some way is empty.
    free : Signal(ways)
        One-hot first empty way.
    """

    def __init__(self, m, name: str, entries, ref, params: BookParams):
        ways = params.order_ways
        self.hit = Signal(ways, name=f"{name}_hit")
        self.free = Signal(ways, name=f"{name}_free")
        self.found = Signal(name=f"{name}_found")
        self.has_free = Signal(name=f"{name}_has_free")
        self.entry = Signal(order_entry_layout(params), name=f"{name}_entry")
        taken = Const(0, 1)
        entry_bits = Const(0, order_entry_layout(params).size)
        for w in range(ways):
            e = entries[w]
            m.d.comb += [
                self.hit[w].eq(e.valid & (e.ref == ref)),
                self.free[w].eq(~e.valid & ~taken),
            ]
            taken = taken | ~e.valid
            entry_bits = entry_bits | (e.as_value() & self.hit[w].replicate(len(entry_bits)))
        m.d.comb += [
            self.found.eq(self.hit.any()),
            self.has_free.eq(self.free.any()),
            self.entry.eq(entry_bits),
        ]
