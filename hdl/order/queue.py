"""The order queue: accepted legs in decision order, in flip-flops, head at entry 0.

The head is also the order of the frame in flight (the transmitter reads it when the frame
starts and pops it only when the frame completes), so an order whose frame ends with its
verdict still open simply stays where it is, marked ``hold``: "put back at the head" costs
nothing and always has room. ``free`` therefore counts the order in flight as taken.

Every cycle, in this order:

1. a verdict: commit clears ``spec`` everywhere; withdraw keeps only the entries before the
   first ``spec`` one (speculative entries are the tail: groups are queued in decision
   order and verdicts come in order);
2. ``pop`` removes the head (its frame completed; it is never speculative then);
3. ``flush`` empties the queue, except the head while ``keep_head`` (its frame is still in
   flight); the legs removed are reported on ``flushed``;
4. the group, unless withdrawn by the same cycle's verdict (which applies to it too),
   flushed, or larger than ``free`` (then reported on ``dropped``), is appended, legs[0]
   first.

``head`` and ``head_ready`` show entry 0 as it will be after this cycle, so a leg that
arrives at an empty queue can start its frame in the same cycle.
"""

from __future__ import annotations

from amaranth import Module, Mux, Signal
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out

from hdl.book.layouts import PRICE_BITS, SHARES_BITS
from hdl.strategy.layouts import SYMBOL_BITS, group_layout

__all__ = ["ENTRY_LAYOUT", "OrderQueue"]

#: What a queued leg keeps: the fields of its frame and of its SENT record.
ENTRY_LAYOUT = data.StructLayout({
    "slot": 8,
    "sell": 1,
    "price": PRICE_BITS,
    "shares": SHARES_BITS,
    "symbol": SYMBOL_BITS,
    "sequence": 64,          # MoldUDP64 sequence number of the message that triggered it
    "source": 2,             # hdl.strategy.layouts.Source (a host order: sequence is its tag)
    "spec": 1,               # decided from records whose verdict has not come yet
    "hold": 1,               # its frame ended before the verdict: wait for it
})


class OrderQueue(wiring.Component):
    """FIFO of legs with verdicts, flush, and a head that waits at the head.

    Parameters
    ----------
    depth : int
        Entries, the order in flight included.

    Interface attributes
    --------------------
    group : In(group_layout()); group_valid : In(1)
        An accepted group (one or two legs).
    commit, withdraw : In(1)
        This cycle's verdict.
    pop : In(1)
        The head's frame completed.
    hold_head : In(1)
        The head's frame ended with its verdict still open: mark it ``hold``.
    flush : In(1)
        Remove every entry (but see ``keep_head``) and every arriving leg.
    keep_head : In(1)
        With ``flush``: the head is in flight and stays.
    head : Out(ENTRY_LAYOUT); head_valid : Out(1)
        Entry 0 after this cycle.
    head_ready : Out(1)
        ``head_valid`` and the head may start (not held while speculative).
    head_spec : Out(1)
        Entry 0's ``spec`` bit now (before this cycle's verdict), for the frame in flight.
    count, free : Out(range(depth + 1))
        Entries taken and free now.
    flushed, dropped : Out(range(depth + 3))
        Legs removed by ``flush``, legs refused for lack of room, this cycle.
    """

    def __init__(self, depth: int):
        self.depth = depth
        super().__init__({
            "group": In(group_layout()), "group_valid": In(1),
            "commit": In(1), "withdraw": In(1), "pop": In(1), "hold_head": In(1),
            "flush": In(1), "keep_head": In(1),
            "head": Out(ENTRY_LAYOUT), "head_valid": Out(1), "head_ready": Out(1),
            "head_spec": Out(1),
            "count": Out(range(depth + 1)), "free": Out(range(depth + 1)),
            "flushed": Out(range(depth + 3)), "dropped": Out(range(depth + 3)),
        })

    def elaborate(self, platform):
        m = Module()
        depth = self.depth
        entries = [Signal(ENTRY_LAYOUT, name=f"entry{i}") for i in range(depth)]
        after = [Signal(ENTRY_LAYOUT, name=f"after{i}") for i in range(depth)]
        count = Signal(range(depth + 1))
        m.d.comb += [self.count.eq(count), self.free.eq(depth - count),
                     self.head_spec.eq(entries[0].spec)]

        # 1. withdraw keeps the entries before the first speculative one.
        first_spec = Signal(range(depth + 1))
        m.d.comb += first_spec.eq(count)
        for i in reversed(range(depth)):
            with m.If((i < count) & entries[i].spec):
                m.d.comb += first_spec.eq(i)
        kept = Signal(range(depth + 1))
        m.d.comb += kept.eq(Mux(self.withdraw, first_spec, count) - self.pop)

        # 4. the group's legs, as entries.
        group = self.group
        legs = Signal(range(3))
        incoming = [Signal(ENTRY_LAYOUT, name=f"incoming{k}") for k in range(2)]
        for leg, entry in zip(group.legs, incoming, strict=True):
            m.d.comb += [entry.slot.eq(leg.slot), entry.sell.eq(leg.sell),
                         entry.price.eq(leg.price), entry.shares.eq(leg.shares),
                         entry.symbol.eq(leg.symbol), entry.sequence.eq(group.sequence),
                         entry.source.eq(leg.source),
                         entry.spec.eq(group.speculative & ~self.commit), entry.hold.eq(0)]
        withdrawn = group.speculative & self.withdraw
        m.d.comb += legs.eq(Mux(self.group_valid & ~withdrawn, 1 + group.two, 0))
        room = legs <= depth - count
        push = Signal(range(3))
        with m.If(self.flush):
            m.d.comb += self.flushed.eq(kept - self.keep_head + legs)
        with m.Elif(room):
            m.d.comb += push.eq(legs)
        with m.Else():
            m.d.comb += self.dropped.eq(legs)

        # 2. pop shifts everything down; 4. pushes land right after the kept entries.
        for i in range(depth):
            shifted = entries[i + 1] if i + 1 < depth else entries[i]
            m.d.comb += after[i].eq(Mux(self.pop, shifted, entries[i]))
            m.d.comb += after[i].spec.eq(Mux(self.pop, shifted.spec, entries[i].spec)
                                         & ~self.commit)
            if i == 0:
                m.d.comb += after[i].hold.eq(Mux(self.pop, shifted.hold, entries[0].hold)
                                             | self.hold_head)
            with m.If((push >= 1) & (kept == i)):
                m.d.comb += after[i].eq(incoming[0])
            if i > 0:
                with m.If((push == 2) & (kept == i - 1)):
                    m.d.comb += after[i].eq(incoming[1])
        total = Signal(range(depth + 1))
        m.d.comb += total.eq(Mux(self.flush, self.keep_head, kept + push))
        m.d.sync += count.eq(total)
        m.d.sync += [entry.eq(new) for entry, new in zip(entries, after, strict=True)]

        head = after[0]
        m.d.comb += [self.head.eq(head), self.head_valid.eq(total != 0),
                     self.head_ready.eq((total != 0) & ~self.flush & ~(head.hold & head.spec))]
        return m
