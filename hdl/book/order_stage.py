"""What one book operation does to the order table, and the level changes that follow.

Built into the book builder's A1 stage: the order table rows of the operation's reference
(and of a U's new reference) were read in A0; here the order is found, the rows are
written back, the inverse operation is chosen for the undo log, and the operation becomes
at most two level deltas for the level store (``d1`` changes an existing level, ``d2`` may
create one).
"""

from __future__ import annotations

from amaranth import Mux, Signal

from hdl.book.layouts import BookParams, order_entry_layout
from hdl.book.levels import DELTA_LAYOUT
from hdl.book.ops import OpKind, op_layout
from hdl.book.orders import SetLookup, set_layout

__all__ = ["OrderStage"]


class OrderStage:
    """Combinational order-table logic of one operation, built into ``m``.

    Parameters
    ----------
    op : View of op_layout
        The operation, its slot filled in.
    set0, set1 : View of set_layout
        The rows read for ``op.ref`` and ``op.new_ref`` (indices ``index0``/``index1``).
    count : callable(name, condition)
        The builder's counter increment (only forward operations are counted).
    forward : Value
        The operation is a live event, not a roll-back.

    Attributes
    ----------
    write0, write1, en0, en1 : the rows to write back and their enables.
    d1, d2 : DELTA_LAYOUT signals for the level store.
    side_slot, side_ask : the book side the deltas change.
    undo, undo_push : the inverse operation and whether to log it.
    refused : the operation could not be applied: flag the stock.
    reset : the operation is a RESET of ``op.slot``/``op.ask``.
    live_delta : change of the live-order gauge.
    """

    def __init__(self, m, params: BookParams, op, set0, set1, same_set, count, forward):
        p = params
        found0 = SetLookup(m, "ref", set0, op.ref, p)
        e0 = found0.entry
        set0_without = Signal(set_layout(p))          # set0 with op.ref's entry removed
        for w in range(p.order_ways):
            m.d.comb += set0_without[w].eq(set0[w])
            with m.If(found0.hit[w]):
                m.d.comb += set0_without[w].valid.eq(0)
        target = Signal(set_layout(p))                # where U's new reference goes
        m.d.comb += target.eq(Mux(same_set, set0_without, set1))
        found1 = SetLookup(m, "new_ref", target, op.new_ref, p)

        added = Signal(order_entry_layout(p))
        self.write0, self.write1 = Signal(set_layout(p)), Signal(set_layout(p))
        self.en0, self.en1 = Signal(), Signal()
        self.d1, self.d2 = Signal(DELTA_LAYOUT), Signal(DELTA_LAYOUT)
        self.side_slot, self.side_ask = Signal(p.slot_bits), Signal()
        self.undo, self.undo_push = Signal(op_layout(p)), Signal()
        self.refused, self.reset = Signal(), Signal()
        self.live_delta = Signal(range(-1, 2))
        write0, write1, d1, d2, undo = self.write0, self.write1, self.d1, self.d2, self.undo
        m.d.comb += [write0.eq(set0), write1.eq(set1), self.side_slot.eq(op.slot),
                     self.side_ask.eq(op.ask)]

        def put(into, source, free, entry):
            m.d.comb += into.eq(source)
            for w in range(p.order_ways):
                with m.If(free[w]):
                    m.d.comb += into[w].eq(entry)

        def remove_found():
            m.d.comb += [write0.eq(set0_without), self.en0.eq(1), self.live_delta.eq(-1),
                         d1.enable.eq(1), d1.price.eq(e0.price), d1.shares.eq(-e0.shares),
                         d1.orders.eq(-1), self.undo_push.eq(1), undo.kind.eq(OpKind.ADD),
                         undo.ref.eq(op.ref), undo.slot.eq(e0.slot), undo.ask.eq(e0.ask),
                         undo.price.eq(e0.price), undo.shares.eq(e0.shares)]

        names_order = ((op.kind == OpKind.REMOVE) | (op.kind == OpKind.REDUCE)
                       | (op.kind == OpKind.GROW) | (op.kind == OpKind.REPLACE))
        with m.If(names_order & found0.found):
            m.d.comb += [self.side_slot.eq(e0.slot), self.side_ask.eq(e0.ask)]
        with m.Switch(op.kind):
            with m.Case(OpKind.ADD):
                m.d.comb += [added.valid.eq(1), added.ref.eq(op.ref), added.slot.eq(op.slot),
                             added.ask.eq(op.ask), added.price.eq(op.price),
                             added.shares.eq(op.shares)]
                with m.If(found0.found):
                    m.d.comb += self.refused.eq(1)
                    count("duplicate_adds", forward)
                with m.Elif(~found0.has_free):
                    m.d.comb += self.refused.eq(1)
                    count("order_overflow", forward)
                with m.Else():
                    put(write0, set0, found0.free, added)
                    m.d.comb += [self.en0.eq(1), self.live_delta.eq(1), d2.enable.eq(1),
                                 d2.price.eq(op.price), d2.shares.eq(op.shares),
                                 d2.orders.eq(1), self.undo_push.eq(1),
                                 undo.kind.eq(OpKind.REMOVE), undo.ref.eq(op.ref),
                                 undo.slot.eq(op.slot)]
            with m.Case(OpKind.REMOVE):
                with m.If(found0.found):
                    remove_found()
            with m.Case(OpKind.REDUCE):
                with m.If(found0.found & (op.shares >= e0.shares)):
                    remove_found()
                    count("overexecutions", forward & (op.shares > e0.shares))
                with m.Elif(found0.found):
                    m.d.comb += [write0.eq(set0), self.en0.eq(1), d1.enable.eq(1),
                                 d1.price.eq(e0.price), d1.shares.eq(-op.shares),
                                 d1.orders.eq(0), self.undo_push.eq(1),
                                 undo.kind.eq(OpKind.GROW), undo.ref.eq(op.ref),
                                 undo.slot.eq(e0.slot), undo.shares.eq(op.shares)]
                    for w in range(p.order_ways):
                        with m.If(found0.hit[w]):
                            m.d.comb += write0[w].shares.eq(e0.shares - op.shares)
            with m.Case(OpKind.GROW):
                with m.If(found0.found):
                    m.d.comb += [write0.eq(set0), self.en0.eq(1), d1.enable.eq(1),
                                 d1.price.eq(e0.price), d1.shares.eq(op.shares),
                                 d1.orders.eq(0)]
                    for w in range(p.order_ways):
                        with m.If(found0.hit[w]):
                            m.d.comb += write0[w].shares.eq(e0.shares + op.shares)
                with m.Else():
                    m.d.comb += self.refused.eq(1)
            with m.Case(OpKind.REPLACE):
                self._replace(m, p, op, found0, found1, e0, added, set0, set0_without, set1,
                              target, same_set, put, count, forward)
            with m.Case(OpKind.RESET):
                m.d.comb += self.reset.eq(1)
        unknown = ((op.kind == OpKind.REMOVE) | (op.kind == OpKind.REDUCE)
                   | (op.kind == OpKind.REPLACE)) & ~found0.found
        count("unknown_refs", forward & unknown)

    def _replace(self, m, p, op, found0, found1, e0, added, set0, set0_without, set1, target,
                 same_set, put, count, forward):
        d1, d2, undo = self.d1, self.d2, self.undo
        m.d.comb += [added.valid.eq(1), added.ref.eq(op.new_ref), added.slot.eq(e0.slot),
                     added.ask.eq(e0.ask), added.price.eq(op.price), added.shares.eq(op.shares)]
        with m.If(found0.found & found1.found):
            m.d.comb += self.refused.eq(1)
            count("duplicate_adds", forward)
        with m.Elif(found0.found & ~found1.has_free):
            m.d.comb += self.refused.eq(1)
            count("order_overflow", forward)
        with m.Elif(found0.found):
            with m.If(same_set):
                put(self.write0, target, found1.free, added)
            with m.Else():
                m.d.comb += self.write0.eq(set0_without)
                put(self.write1, set1, found1.free, added)
                m.d.comb += self.en1.eq(1)
            m.d.comb += [self.en0.eq(1), d1.enable.eq(1), d1.price.eq(e0.price),
                         d1.shares.eq(-e0.shares), d1.orders.eq(-1),
                         d2.enable.eq(1), d2.price.eq(op.price),
                         d2.shares.eq(op.shares), d2.orders.eq(1),
                         self.undo_push.eq(1), undo.kind.eq(OpKind.REPLACE),
                         undo.ref.eq(op.new_ref), undo.new_ref.eq(op.ref),
                         undo.slot.eq(e0.slot), undo.price.eq(e0.price),
                         undo.shares.eq(e0.shares)]
