"""``BookBuilder``: exact books of the subscribed stocks, one book event every 2 cycles.

Pipeline (an event that arrives on an idle builder in cycle ``t``):

- **A0** (``t``): the event leaves the input queue (or bypasses it when the queue is
  empty); its locate is looked up in the subscription memory and, for an R message, its
  ticker is compared with every subscribed slot's.
- **A1 = B0** (``t + 1``): the locate's slot is known. An R message that matched a slot
  maps its locate; an H sets or clears the slot's halted flag; events of unmapped locates
  are discarded here (they cost this one cycle). The order table rows of the event's
  reference (and of U's new reference) are read.
- **B1** (``t + 2``): the order is found; the order table is written back (the next event,
  at the earliest in its B0 at ``t + 3``, reads the new rows); the inverse operation is
  pushed on the undo log; the book side and the stock's top levels are read.
- **B2** (``t + 3``): the side's levels are changed (:mod:`hdl.book.levels`), written back
  and the update record is registered: valid in ``t + 4`` (:attr:`BookBuilder.LATENCY`).

A book event occupies B0 for one cycle and is followed by one cycle in which no other book
event enters B0, so events are taken every 2 cycles; discarded events every cycle. Because
each event's reads happen after the previous event's writes, back-to-back events on the
same order, level or stock need no forwarding.

Frame verdicts ride the same pipeline: a commit empties the undo logs; a withdraw stops the
input, replays the logged inverse operations newest first through B0..B2 (no records),
then restores the locate codes learned and the halted flags set in the frame. What cannot
be restored (undo log overflow, input queue overflow) flags every stock invalid.
"""

from __future__ import annotations

from amaranth import Cat, Module, Mux, Signal
from amaranth.lib import data, fifo, stream, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

from hdl.book.layouts import (
    LEVEL_LAYOUT,
    LOCATE_BITS,
    SIM_PARAMS,
    BookParams,
    order_entry_layout,
    top_side_layout,
    update_layout,
)
from hdl.book.levels import DELTA_LAYOUT, apply_delta, side_layout
from hdl.book.ops import OpKind, decode_event, op_layout
from hdl.book.orders import SetLookup, set_index, set_layout
from hdl.book.regs import COUNTER_NAMES, book_block
from hdl.book.subscriptions import Subscriptions, ticker_from_words
from hdl.feed.layouts import EVENT_LAYOUT, FRAME_END_LAYOUT
from hdl.host_if.csr_bank import block_signature

__all__ = ["BookBuilder"]

#: Items waiting for A0; the builder keeps up at line rate, this absorbs roll-backs.
INPUT_DEPTH = 64


def _item_layout():
    return data.StructLayout({"event": EVENT_LAYOUT, "has_event": 1, "has_end": 1,
                              "commit": 1})


def _meta_layout():
    """What an update record carries about its event."""
    return data.StructLayout({"locate": LOCATE_BITS, "type": 8, "channel": 3,
                              "sequence": 64})


def _alog_layout(params):
    """An A-stage undo entry: an R mapping to forget, or an H flag to restore."""
    return data.StructLayout({"is_halt": 1, "locate": LOCATE_BITS, "slot": params.slot_bits,
                              "old": 1})


class BookBuilder(wiring.Component):
    """The order-book builder.

    Parameters
    ----------
    params : BookParams
        Capacities.

    Attributes
    ----------
    LATENCY : int
        Cycles from an event on ``events`` (builder idle) to its record on ``updates``.

    Interface attributes
    --------------------
    events : In(stream.Signature(EVENT_LAYOUT, always_ready=True))
        The feed handler's events (speculative until ``frame_end``); at most one a cycle.
    frame_end : In(stream.Signature(FRAME_END_LAYOUT, always_ready=True))
        Commit or withdraw the events since the previous one.
    updates : Out(stream.Signature(update_layout(params), always_ready=True))
        One record after every event of a subscribed stock.
    update_end : Out(stream.Signature(FRAME_END_LAYOUT, always_ready=True))
        Every ``frame_end``, after the records of its frame's events.
    regs : In(block_signature(book_block(params)))
        The ``book`` register block.
    invalid, halted : Out(params.slots)
        Per slot: the book is not exact; trading is halted.
    """

    LATENCY = 4

    def __init__(self, params: BookParams = SIM_PARAMS):
        self.params = params
        self.block = book_block(params)
        super().__init__({
            "events": In(stream.Signature(EVENT_LAYOUT, always_ready=True)),
            "frame_end": In(stream.Signature(FRAME_END_LAYOUT, always_ready=True)),
            "updates": Out(stream.Signature(update_layout(params), always_ready=True)),
            "update_end": Out(stream.Signature(FRAME_END_LAYOUT, always_ready=True)),
            "regs": In(block_signature(self.block)),
            "invalid": Out(params.slots),
            "halted": Out(params.slots),
        })

    def elaborate(self, platform):
        m = Module()
        p = self.params
        regs = self.regs
        counters = {name: Signal(32, name=f"count_{name}") for name in COUNTER_NAMES}
        for name, counter in counters.items():
            m.d.comb += getattr(regs, name).eq(counter)

        def count(name, condition=1):
            with m.If(condition):
                m.d.sync += counters[name].eq(counters[name] + 1)

        subs = Subscriptions(m, p)
        invalid = Signal(p.slots)
        m.d.comb += [self.invalid.eq(invalid), self.halted.eq(subs.halted)]

        # ---------------------------------------------------------------- input queue
        item_layout = _item_layout()
        m.submodules.queue = queue = fifo.SyncFIFO(width=item_layout.size, depth=INPUT_DEPTH)
        incoming = Signal(item_layout)
        m.d.comb += [
            incoming.event.eq(self.events.payload),
            incoming.has_event.eq(self.events.valid),
            incoming.has_end.eq(self.frame_end.valid),
            incoming.commit.eq(self.frame_end.payload.commit),
        ]
        arriving = self.events.valid | self.frame_end.valid
        head = Signal(item_layout)
        head_valid = Signal()
        take = Signal()                  # A0 consumes (part of) the head this cycle
        event_done = Signal()            # the head's event went, its end has not
        # An item with an event and a verdict takes A0 twice, so it waits in the queue.
        bypass = ~queue.r_rdy & arriving & ~(incoming.has_event & incoming.has_end)
        m.d.comb += [
            head.eq(Mux(queue.r_rdy, queue.r_data, incoming)),
            head_valid.eq(queue.r_rdy | bypass),
            queue.w_data.eq(incoming),
            queue.w_en.eq(arriving & ~(bypass & take)),
        ]
        poison = Signal()                # flag every stock: something was lost
        with m.If(arriving & ~(bypass & take) & ~queue.w_rdy):
            m.d.comb += poison.eq(1)
            count("input_overflow")
        doing_event = head.has_event & ~event_done
        with m.If(take):
            with m.If(doing_event & head.has_end):
                m.d.sync += event_done.eq(1)
            with m.Else():
                m.d.sync += event_done.eq(0)
                m.d.comb += queue.r_en.eq(queue.r_rdy)
        count("events", take & doing_event)

        # ---------------------------------------------------------------- A0
        op_shape = op_layout(p)
        a0_op = Signal(op_shape)
        a0_bad_side = Signal()
        decode_event(m, head.event, a0_op, a0_bad_side)
        r_found, r_slot = subs.match(m, head.event.stock, p)
        m.d.comb += subs.locate_read.addr.eq(head.event.locate)

        a1 = Signal(data.StructLayout({
            "valid": 1, "is_end": 1, "commit": 1, "direct": 1, "injected": 1,
            "op": op_shape, "meta": _meta_layout(), "bad_side": 1, "is_r": 1,
            "r_found": 1, "r_slot": p.slot_bits, "is_h": 1, "halt": 1,
        }))
        injection = Signal(op_shape)     # roll-back or host op entering A1 directly
        inject = Signal()
        m.d.sync += a1.valid.eq(0)
        with m.If(take):
            m.d.sync += [
                a1.valid.eq(1),
                a1.is_end.eq(~doing_event),
                a1.commit.eq(head.commit),
                a1.direct.eq(0),
                a1.injected.eq(0),
                a1.op.eq(a0_op),
                a1.meta.locate.eq(head.event.locate),
                a1.meta.type.eq(head.event.type),
                a1.meta.channel.eq(head.event.channel),
                a1.meta.sequence.eq(head.event.sequence),
                a1.bad_side.eq(a0_bad_side),
                a1.is_r.eq(head.event.type == ord("R")),
                a1.r_found.eq(r_found),
                a1.r_slot.eq(r_slot),
                a1.is_h.eq(head.event.type == ord("H")),
                a1.halt.eq(head.event.side != ord("T")),
            ]
        with m.Elif(inject):
            m.d.sync += [a1.valid.eq(1), a1.is_end.eq(0), a1.direct.eq(1),
                         a1.injected.eq(1), a1.op.eq(injection), a1.bad_side.eq(0),
                         a1.is_r.eq(0), a1.is_h.eq(0)]

        # ---------------------------------------------------------------- A1 / B0
        lookup = subs.locate_read.data
        learn = (a1.valid & ~a1.is_end & ~a1.direct & a1.is_r & a1.r_found & ~lookup.valid
                 & ~subs.mapped.bit_select(a1.r_slot, 1))
        mapped_now = lookup.valid | learn
        slot = Mux(a1.direct, a1.op.slot, Mux(lookup.valid, lookup.slot, a1.r_slot))
        event_in_a1 = a1.valid & ~a1.is_end & ~a1.direct
        book_op = a1.valid & ~a1.is_end & (a1.direct | mapped_now)
        count("discarded", event_in_a1 & ~mapped_now)
        count("bad_side", event_in_a1 & mapped_now & a1.bad_side)
        # A0 may take an item only if it will not meet a book event in B0 next cycle...
        mode = Signal(range(4))          # 0 run, 1 roll back B, 2 roll back A, 3 command
        command_pending = Signal()
        withdrawing = a1.valid & a1.is_end & ~a1.commit
        # (a verdict may follow a book event at once: it never reaches B0's tables)
        m.d.comb += take.eq(head_valid & (mode == 0) & (~book_op | ~doing_event)
                            & ~command_pending & ~withdrawing)

        alog_layout = _alog_layout(p)
        m.submodules.alog = alog = Memory(shape=alog_layout, depth=p.undo_depth, init=[])
        alog_w, alog_r = alog.write_port(), alog.read_port()
        alog_count = Signal(range(p.undo_depth + 1))
        alog_lost = Signal()

        def alog_push(entry_fields):
            with m.If(alog_count == p.undo_depth):
                m.d.sync += alog_lost.eq(1)
            with m.Else():
                m.d.comb += [alog_w.addr.eq(alog_count), alog_w.en.eq(1)]
                m.d.comb += [getattr(alog_w.data, k).eq(v) for k, v in entry_fields.items()]
                m.d.sync += alog_count.eq(alog_count + 1)

        with m.If(learn):
            m.d.comb += [subs.locate_write.addr.eq(a1.meta.locate),
                         subs.locate_write.data.valid.eq(1),
                         subs.locate_write.data.slot.eq(a1.r_slot),
                         subs.locate_write.en.eq(1)]
            m.d.sync += [subs.mapped.bit_select(a1.r_slot, 1).eq(1),
                         subs.slot_locate[a1.r_slot].eq(a1.meta.locate)]
            alog_push({"is_halt": 0, "locate": a1.meta.locate, "slot": a1.r_slot, "old": 0})
        with m.If(event_in_a1 & mapped_now & a1.is_h):
            m.d.sync += subs.halted.bit_select(slot, 1).eq(a1.halt)
            alog_push({"is_halt": 1, "locate": a1.meta.locate, "slot": slot,
                       "old": subs.halted.bit_select(slot, 1)})

        m.submodules.orders = orders = Memory(shape=set_layout(p),
                                              depth=1 << p.order_sets_log2, init=[])
        order_w0, order_w1 = orders.write_port(), orders.write_port()
        order_r0, order_r1 = orders.read_port(), orders.read_port()
        # Tables are read only for the event that will use the data (block RAM read
        # enables: kilobit-wide rows do not toggle on idle cycles).
        m.d.comb += [order_r0.addr.eq(set_index(a1.op.ref, p)),
                     order_r1.addr.eq(set_index(a1.op.new_ref, p)),
                     order_r0.en.eq(book_op), order_r1.en.eq(book_op)]

        b1 = Signal(data.StructLayout({
            "valid": 1, "injected": 1, "op": op_shape, "meta": _meta_layout(),
            "index0": p.order_sets_log2, "index1": p.order_sets_log2,
        }))
        m.d.sync += b1.valid.eq(book_op)
        m.d.sync += [b1.injected.eq(a1.injected), b1.op.eq(a1.op), b1.op.slot.eq(slot),
                     b1.meta.eq(a1.meta), b1.index0.eq(order_r0.addr),
                     b1.index1.eq(order_r1.addr)]
        # A verdict leaves 3 cycles after A1, as a record does after B0, so it always
        # follows the records of its frame's events (even one that was in B0 the cycle
        # before it).
        end_delay = [Signal(2, name=f"end_delay{i}") for i in range(2)]
        m.d.sync += [end_delay[0].eq(Cat(a1.valid & a1.is_end, a1.commit)),
                     end_delay[1].eq(end_delay[0]),
                     self.update_end.valid.eq(end_delay[1][0]),
                     self.update_end.payload.commit.eq(end_delay[1][1])]

        # ---------------------------------------------------------------- B1
        op = b1.op
        set0, set1 = order_r0.data, order_r1.data
        same_set = b1.index0 == b1.index1
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

        entry_shape = order_entry_layout(p)
        added = Signal(entry_shape)
        write0, write1 = Signal(set_layout(p)), Signal(set_layout(p))
        en0, en1 = Signal(), Signal()
        d1, d2 = Signal(DELTA_LAYOUT), Signal(DELTA_LAYOUT)
        side_slot, side_ask = Signal(p.slot_bits), Signal()
        undo, undo_push = Signal(op_shape), Signal()
        refused, reset = Signal(), Signal()           # refused: flag the stock
        live_delta = Signal(range(-1, 2))
        m.d.comb += [write0.eq(set0), write1.eq(set1), side_slot.eq(op.slot),
                     side_ask.eq(op.ask)]

        def put(into, source, free, entry):
            m.d.comb += into.eq(source)
            for w in range(p.order_ways):
                with m.If(free[w]):
                    m.d.comb += into[w].eq(entry)

        def remove_found():
            m.d.comb += [write0.eq(set0_without), en0.eq(1), live_delta.eq(-1),
                         d1.enable.eq(1), d1.price.eq(e0.price), d1.shares.eq(-e0.shares),
                         d1.orders.eq(-1), undo_push.eq(1), undo.kind.eq(OpKind.ADD),
                         undo.ref.eq(op.ref), undo.slot.eq(e0.slot), undo.ask.eq(e0.ask),
                         undo.price.eq(e0.price), undo.shares.eq(e0.shares)]

        forward = b1.valid & ~b1.injected
        with m.If(b1.valid & (op.kind != OpKind.NOP) & (op.kind != OpKind.ADD)
                  & (op.kind != OpKind.RESET) & found0.found):
            m.d.comb += [side_slot.eq(e0.slot), side_ask.eq(e0.ask)]
        with m.Switch(op.kind):
            with m.Case(OpKind.ADD):
                m.d.comb += [added.valid.eq(1), added.ref.eq(op.ref), added.slot.eq(op.slot),
                             added.ask.eq(op.ask), added.price.eq(op.price),
                             added.shares.eq(op.shares)]
                with m.If(found0.found):
                    m.d.comb += refused.eq(1)
                    count("duplicate_adds", forward)
                with m.Elif(~found0.has_free):
                    m.d.comb += refused.eq(1)
                    count("order_overflow", forward)
                with m.Else():
                    put(write0, set0, found0.free, added)
                    m.d.comb += [en0.eq(1), live_delta.eq(1), d2.enable.eq(1),
                                 d2.price.eq(op.price), d2.shares.eq(op.shares),
                                 d2.orders.eq(1), undo_push.eq(1),
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
                    m.d.comb += [write0.eq(set0), en0.eq(1), d1.enable.eq(1),
                                 d1.price.eq(e0.price), d1.shares.eq(-op.shares),
                                 d1.orders.eq(0), undo_push.eq(1),
                                 undo.kind.eq(OpKind.GROW), undo.ref.eq(op.ref),
                                 undo.slot.eq(e0.slot), undo.shares.eq(op.shares)]
                    for w in range(p.order_ways):
                        with m.If(found0.hit[w]):
                            m.d.comb += write0[w].shares.eq(e0.shares - op.shares)
            with m.Case(OpKind.GROW):
                with m.If(found0.found):
                    m.d.comb += [write0.eq(set0), en0.eq(1), d1.enable.eq(1),
                                 d1.price.eq(e0.price), d1.shares.eq(op.shares),
                                 d1.orders.eq(0)]
                    for w in range(p.order_ways):
                        with m.If(found0.hit[w]):
                            m.d.comb += write0[w].shares.eq(e0.shares + op.shares)
                with m.Else():
                    m.d.comb += refused.eq(1)
            with m.Case(OpKind.REPLACE):
                m.d.comb += [added.valid.eq(1), added.ref.eq(op.new_ref),
                             added.slot.eq(e0.slot), added.ask.eq(e0.ask),
                             added.price.eq(op.price), added.shares.eq(op.shares)]
                with m.If(found0.found & found1.found):
                    m.d.comb += refused.eq(1)
                    count("duplicate_adds", forward)
                with m.Elif(found0.found & ~found1.has_free):
                    m.d.comb += refused.eq(1)
                    count("order_overflow", forward)
                with m.Elif(found0.found):
                    with m.If(same_set):
                        put(write0, target, found1.free, added)
                    with m.Else():
                        m.d.comb += write0.eq(set0_without)
                        put(write1, set1, found1.free, added)
                        m.d.comb += en1.eq(1)
                    m.d.comb += [en0.eq(1), d1.enable.eq(1), d1.price.eq(e0.price),
                                 d1.shares.eq(-e0.shares), d1.orders.eq(-1),
                                 d2.enable.eq(1), d2.price.eq(op.price),
                                 d2.shares.eq(op.shares), d2.orders.eq(1),
                                 undo_push.eq(1), undo.kind.eq(OpKind.REPLACE),
                                 undo.ref.eq(op.new_ref), undo.new_ref.eq(op.ref),
                                 undo.slot.eq(e0.slot), undo.price.eq(e0.price),
                                 undo.shares.eq(e0.shares)]
            with m.Case(OpKind.RESET):
                m.d.comb += reset.eq(1)
        unknown = ((op.kind == OpKind.REMOVE) | (op.kind == OpKind.REDUCE)
                   | (op.kind == OpKind.REPLACE)) & ~found0.found
        count("unknown_refs", forward & unknown)
        m.d.comb += [
            order_w0.addr.eq(b1.index0), order_w0.data.eq(write0),
            order_w0.en.eq(b1.valid & en0),
            order_w1.addr.eq(b1.index1), order_w1.data.eq(write1),
            order_w1.en.eq(b1.valid & en1),
        ]
        live = counters["live_orders"]
        with m.If(b1.valid):
            m.d.sync += live.eq(live + live_delta)

        m.submodules.undo_log = undo_log = Memory(shape=op_shape, depth=p.undo_depth, init=[])
        undo_w, undo_r = undo_log.write_port(), undo_log.read_port()
        undo_count = Signal(range(p.undo_depth + 1))
        undo_lost = Signal()
        undo_lost_now = Signal()         # including an entry that does not fit this cycle
        m.d.comb += undo_lost_now.eq(undo_lost | (forward & undo_push
                                                  & (undo_count == p.undo_depth)))
        with m.If(forward & undo_push):
            with m.If(undo_count == p.undo_depth):
                m.d.sync += undo_lost.eq(1)
            with m.Else():
                m.d.comb += [undo_w.addr.eq(undo_count), undo_w.data.eq(undo),
                             undo_w.en.eq(1)]
                m.d.sync += undo_count.eq(undo_count + 1)

        levels = p.levels
        m.submodules.sides = sides = Memory(shape=side_layout(levels), depth=2 * p.slots,
                                            init=[])
        side_w, side_r = sides.write_port(), sides.read_port()
        tops_shape = data.StructLayout({"bids": top_side_layout(p), "asks": top_side_layout(p)})
        m.submodules.tops = tops = Memory(shape=tops_shape, depth=p.slots, init=[])
        tops_w, tops_r = tops.write_port(), tops.read_port()
        m.d.comb += [side_r.addr.eq(Cat(side_ask, side_slot)), tops_r.addr.eq(side_slot),
                     side_r.en.eq(b1.valid), tops_r.en.eq(b1.valid)]

        b2 = Signal(data.StructLayout({
            "valid": 1, "injected": 1, "slot": p.slot_bits, "ask": 1, "reset": 1,
            "refused": 1, "d1": DELTA_LAYOUT, "d2": DELTA_LAYOUT, "meta": _meta_layout(),
        }))
        m.d.sync += [b2.valid.eq(b1.valid), b2.injected.eq(b1.injected),
                     b2.slot.eq(side_slot), b2.ask.eq(side_ask), b2.reset.eq(reset),
                     b2.refused.eq(refused), b2.d1.eq(d1), b2.d2.eq(d2), b2.meta.eq(b1.meta)]

        # ---------------------------------------------------------------- B2
        first, overflow1, missing1 = apply_delta(m, "d1", side_r.data, b2.ask, b2.d1, levels)
        second, overflow2, missing2 = apply_delta(m, "d2", first, b2.ask, b2.d2, levels)
        new_side = Signal(side_layout(levels))
        m.d.comb += new_side.eq(Mux(b2.reset, 0, second.as_value()))
        changes = b2.d1.enable | b2.d2.enable
        writes = b2.valid & (changes | b2.reset)
        top_bits = p.top * LEVEL_LAYOUT.size
        new_top = new_side.as_value()[:top_bits]
        new_tops = Signal(tops_shape)
        m.d.comb += [
            new_tops.bids.eq(Mux(b2.ask, tops_r.data.bids.as_value(), new_top)),
            new_tops.asks.eq(Mux(b2.ask, new_top, tops_r.data.asks.as_value())),
            side_w.addr.eq(Cat(b2.ask, b2.slot)), side_w.data.eq(new_side),
            side_w.en.eq(writes),
            tops_w.addr.eq(b2.slot), tops_w.data.eq(new_tops), tops_w.en.eq(writes),
        ]
        overflow, missing = overflow1 | overflow2, missing1 | missing2
        failed = b2.valid & ~b2.reset & (overflow | missing | b2.refused)
        was_invalid = invalid.bit_select(b2.slot, 1)
        forward2 = b2.valid & ~b2.injected
        count("level_overflow", forward2 & overflow)
        count("missing_level", forward2 & missing)
        count("invalidations", failed & ~was_invalid)
        best_bid, best_ask = new_tops.bids[0], new_tops.asks[0]
        crossed = ((best_bid.orders != 0) & (best_ask.orders != 0)
                   & (best_bid.price >= best_ask.price))
        count("crossed", forward2 & changes & crossed)
        count("applied", forward2 & changes & ~failed)
        count("updates", forward2)

        # ---------------------------------------------------------------- flags
        poison_all = Signal()
        with m.If(poison | poison_all):
            m.d.sync += invalid.eq(~0)
        with m.Elif(failed):
            m.d.sync += invalid.bit_select(b2.slot, 1).eq(1)
        with m.Elif(b2.valid & b2.reset):
            m.d.sync += invalid.bit_select(b2.slot, 1).eq(0)

        record = self.updates.payload
        m.d.sync += [
            self.updates.valid.eq(forward2),
            record.slot.eq(b2.slot),
            record.locate.eq(b2.meta.locate),
            record.type.eq(b2.meta.type),
            record.channel.eq(b2.meta.channel),
            record.sequence.eq(b2.meta.sequence),
            record.invalid.eq(was_invalid | failed | poison | poison_all),
            record.halted.eq(subs.halted.bit_select(b2.slot, 1)),
            record.bids.eq(new_tops.bids),
            record.asks.eq(new_tops.asks),
        ]

        # ---------------------------------------------------------------- verdicts, commands
        self._sequencer(m, p, a1, mode, command_pending, inject, injection, poison_all,
                        undo_r, undo_count, undo_lost, undo_lost_now, alog_r, alog_count,
                        alog_lost, subs, count)
        self._slot_status(m, p, subs, invalid, command_pending, mode)
        return m

    def _sequencer(self, m, p, a1, mode, command_pending, inject, injection, poison_all,
                   undo_r, undo_count, undo_lost, undo_lost_now, alog_r, alog_count, alog_lost,
                   subs, count):
        """Frame verdicts (commit, roll back) and host commands, which take over A0."""
        regs = self.regs
        phase = Signal(range(8))
        with m.If(a1.valid & a1.is_end):
            with m.If(a1.commit):
                m.d.sync += [undo_count.eq(0), undo_lost.eq(0), alog_count.eq(0),
                             alog_lost.eq(0)]
            with m.Else():
                count("withdrawn")
                count("undo_overflow", undo_lost_now | alog_lost)
                m.d.comb += poison_all.eq(undo_lost_now | alog_lost)
                m.d.sync += [mode.eq(1), phase.eq(0), undo_lost.eq(0), alog_lost.eq(0)]

        # Host commands: latched on the W1S pulse, carried out when A0 is handed over.
        command = Signal.like(regs.command)
        cmd_slot = Signal(p.slot_bits)
        cmd_ticker = Signal(64)
        cmd_locate = Signal(LOCATE_BITS)
        with m.If(regs.command.as_value().any() & ~command_pending):
            m.d.sync += [command.eq(regs.command), cmd_slot.eq(regs.sub_slot),
                         cmd_ticker.eq(ticker_from_words([regs.sub_ticker_0,
                                                          regs.sub_ticker_1])),
                         cmd_locate.eq(regs.sub_locate), command_pending.eq(1)]
        locate_write = subs.locate_write

        with m.Switch(mode):
            with m.Case(0):
                with m.If(command_pending & ~a1.valid):
                    m.d.sync += [mode.eq(3), phase.eq(0)]
            with m.Case(1):                              # undo the book operations
                with m.If(phase == 0):
                    with m.If(undo_count == 0):
                        m.d.sync += mode.eq(2)
                    with m.Else():
                        m.d.comb += undo_r.addr.eq(undo_count - 1)
                        m.d.sync += phase.eq(1)
                with m.Else():
                    m.d.comb += [inject.eq(1), injection.eq(undo_r.data)]
                    m.d.sync += [undo_count.eq(undo_count - 1), phase.eq(0)]
                    count("rolled_back")
            with m.Case(2):                              # forget R mappings, restore H flags
                entry = alog_r.data
                with m.If(phase == 0):
                    with m.If(alog_count == 0):
                        m.d.sync += mode.eq(0)
                    with m.Else():
                        m.d.comb += alog_r.addr.eq(alog_count - 1)
                        m.d.sync += phase.eq(1)
                with m.Else():
                    with m.If(entry.is_halt):
                        m.d.sync += subs.halted.bit_select(entry.slot, 1).eq(entry.old)
                    with m.Else():
                        m.d.comb += [locate_write.addr.eq(entry.locate),
                                     locate_write.data.eq(0), locate_write.en.eq(1)]
                        m.d.sync += subs.mapped.bit_select(entry.slot, 1).eq(0)
                    m.d.sync += [alog_count.eq(alog_count - 1), phase.eq(0)]
            with m.Case(3):                              # a host command
                m.d.sync += phase.eq(phase + 1)
                mapped = subs.mapped.bit_select(cmd_slot, 1)
                old_locate = subs.slot_locate[cmd_slot]
                with m.Switch(phase):
                    with m.Case(0):
                        with m.If(command.subscribe):
                            m.d.sync += [subs.tickers[cmd_slot].eq(cmd_ticker),
                                         subs.subscribed.bit_select(cmd_slot, 1).eq(1)]
                        with m.If(command.unsubscribe):
                            m.d.sync += subs.subscribed.bit_select(cmd_slot, 1).eq(0)
                        moving = command.set_locate & (old_locate != cmd_locate)
                        with m.If(mapped & (command.unsubscribe | moving)):
                            m.d.comb += [locate_write.addr.eq(old_locate),
                                         locate_write.data.eq(0), locate_write.en.eq(1)]
                            m.d.sync += subs.mapped.bit_select(cmd_slot, 1).eq(0)
                    with m.Case(1):
                        with m.If(command.set_locate):
                            m.d.comb += [locate_write.addr.eq(cmd_locate),
                                         locate_write.data.valid.eq(1),
                                         locate_write.data.slot.eq(cmd_slot),
                                         locate_write.en.eq(1)]
                            m.d.sync += [subs.mapped.bit_select(cmd_slot, 1).eq(1),
                                         subs.slot_locate[cmd_slot].eq(cmd_locate)]
                    with m.Case(2, 4):
                        with m.If(command.reset_book):
                            m.d.comb += [inject.eq(1), injection.kind.eq(OpKind.RESET),
                                         injection.slot.eq(cmd_slot),
                                         injection.ask.eq(phase == 4)]
                    with m.Case(5):
                        m.d.sync += [mode.eq(0), command_pending.eq(0)]

    def _slot_status(self, m, p, subs, invalid, command_pending, mode):
        regs = self.regs
        index = regs.sub_slot[:p.slot_bits]
        status = regs.slot_status
        m.d.comb += [
            status.subscribed.eq(subs.subscribed.bit_select(index, 1)),
            status.mapped.eq(subs.mapped.bit_select(index, 1)),
            status.invalid.eq(invalid.bit_select(index, 1)),
            status.halted.eq(subs.halted.bit_select(index, 1)),
            status.busy.eq(command_pending),
            status.locate.eq(subs.slot_locate[index]),
        ]
