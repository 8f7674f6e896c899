"""``BookBuilder``: exact books of the subscribed stocks, one book event every 2 cycles.

Pipeline (an event that arrives on an idle builder in cycle ``t``):

- **A0** (``t``): the event leaves the input queue (or bypasses it when the queue is
  empty); its locate is looked up in the subscription memory, for an R message its ticker
  is compared with every subscribed slot's, and the order table rows of its reference (and
  of U's new reference) are read.
- **A1** (``t + 1``): the locate's slot is known. An R message that matched a slot maps
  its locate; an H sets or clears the slot's halted flag; events of unmapped locates are
  discarded here (they cost this one cycle). The order is found, the order table is
  written back (the next event reads it in its A0, at ``t + 2`` at the earliest), the
  inverse operation is pushed on the undo log, and the event becomes at most two level
  deltas for the level store (:mod:`hdl.book.order_stage`), whose S1 is this cycle.
- **S2**, **S3** (``t + 2``, ``t + 3``): the level store (:mod:`hdl.book.level_store`) finds
  the deltas' pages, changes and writes them; the update record is registered at the end
  of S3: valid in ``t + 4`` (:attr:`BookBuilder.LATENCY`).

A book event occupies A0 for one cycle and is followed by one cycle in which no other book
event enters A0, so events are taken every 2 cycles; discarded events every cycle. Each
event's reads come after the previous event's writes (the level store's directory row is
read transparently), so back-to-back events on the same order, level or stock need no
other forwarding.

A0 serves, first, a refill the level store asked for (its upkeep of page 0), then the
sequencer (:mod:`hdl.book.sequencer`: roll-backs of withdrawn frames and host commands),
then the input queue. What cannot be restored (undo log overflow, input queue overflow)
flags every stock invalid.
"""

from __future__ import annotations

from amaranth import Cat, Module, Mux, Signal
from amaranth.lib import data, fifo, stream, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

from hdl.book.layouts import LOCATE_BITS, SIM_PARAMS, BookParams, update_layout
from hdl.book.level_store import LevelStore, StoreKind
from hdl.book.ops import OpKind, decode_event, op_layout
from hdl.book.order_stage import OrderStage
from hdl.book.orders import set_index, set_layout
from hdl.book.regs import COUNTER_NAMES, book_block
from hdl.book.sequencer import Mode, sequencer, slot_status
from hdl.book.subscriptions import Subscriptions
from hdl.feed.layouts import EVENT_LAYOUT, FRAME_END_LAYOUT
from hdl.host_if.csr_bank import block_signature

__all__ = ["BookBuilder"]

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


def _stage_layout(params):
    """What travels from A1 through S2 and S3 beside the level store."""
    return data.StructLayout({"valid": 1, "injected": 1, "slot": params.slot_bits,
                              "reset": 1, "refused": 1, "changes": 1, "meta": _meta_layout()})


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
        m.submodules.levels = store = LevelStore(p)

        # ---------------------------------------------------------------- input queue
        item_layout = _item_layout()
        queue = fifo.SyncFIFO(width=item_layout.size, depth=p.input_depth)
        m.submodules.queue = queue
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
        decoded = Signal(op_shape)
        a0_bad_side = Signal()
        decode_event(m, head.event, decoded, a0_bad_side)
        r_found, r_slot = subs.match(m, head.event.stock, p)
        m.d.comb += subs.locate_read.addr.eq(head.event.locate)

        a1 = Signal(data.StructLayout({
            "valid": 1, "is_end": 1, "commit": 1, "direct": 1, "injected": 1,
            "op": op_shape, "meta": _meta_layout(), "bad_side": 1, "is_r": 1,
            "r_found": 1, "r_slot": p.slot_bits, "is_h": 1, "halt": 1,
        }))
        injection = Signal(op_shape)     # roll-back or host op from the sequencer
        inject = Signal()
        refill_pending = Signal()
        refill_side = Signal(data.StructLayout({"slot": p.slot_bits, "ask": 1}))
        refill_go = Signal()             # A0 serves the pending refill
        refill_op = Signal(op_shape)
        m.d.comb += [refill_op.kind.eq(OpKind.REFILL), refill_op.slot.eq(refill_side.slot),
                     refill_op.ask.eq(refill_side.ask)]
        a0_op = Signal(op_shape)         # what A0 reads the order table for
        m.d.comb += a0_op.eq(Mux(refill_go, refill_op, Mux(inject, injection, decoded)))

        m.submodules.orders = orders = Memory(shape=set_layout(p),
                                              depth=1 << p.order_sets_log2, init=[])
        # Two read-write ports (true-dual-port block RAM): A0 reads, by ``ref`` and
        # ``new_ref``, only in cycles without a book operation in A1, which writes.
        order_w0, order_w1 = orders.write_port(), orders.write_port()
        order_r0, order_r1 = orders.read_port(), orders.read_port()
        read0, read1 = Signal.like(order_r0.addr), Signal.like(order_r1.addr)
        m.d.comb += [read0.eq(set_index(a0_op.ref, p)), read1.eq(set_index(a0_op.new_ref, p))]
        book_op = Signal()               # A1 holds an operation on the books

        m.d.sync += a1.valid.eq(0)
        with m.If(refill_go | inject):
            m.d.sync += [a1.valid.eq(1), a1.is_end.eq(0), a1.direct.eq(1),
                         a1.injected.eq(1), a1.op.eq(a0_op), a1.bad_side.eq(0),
                         a1.is_r.eq(0), a1.is_h.eq(0)]
        with m.Elif(take):
            m.d.sync += [
                a1.valid.eq(1),
                a1.is_end.eq(~doing_event),
                a1.commit.eq(head.commit),
                a1.direct.eq(0),
                a1.injected.eq(0),
                a1.op.eq(decoded),
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
        index0, index1 = Signal.like(order_r0.addr), Signal.like(order_r1.addr)
        m.d.sync += [index0.eq(read0), index1.eq(read1)]

        # ---------------------------------------------------------------- A1
        lookup = subs.locate_read.data
        learn = (a1.valid & ~a1.is_end & ~a1.direct & a1.is_r & a1.r_found & ~lookup.valid
                 & ~subs.mapped.bit_select(a1.r_slot, 1))
        mapped_now = lookup.valid | learn
        slot = Mux(a1.direct, a1.op.slot, Mux(lookup.valid, lookup.slot, a1.r_slot))
        event_in_a1 = a1.valid & ~a1.is_end & ~a1.direct
        m.d.comb += book_op.eq(a1.valid & ~a1.is_end & (a1.direct | mapped_now))
        count("discarded", event_in_a1 & ~mapped_now)
        count("bad_side", event_in_a1 & mapped_now & a1.bad_side)
        mode = Signal(range(4))
        command_pending = Signal()
        withdrawing = a1.valid & a1.is_end & ~a1.commit
        # A0 may start a book operation only two cycles after the previous one; a verdict
        # may follow a book event at once (it never reaches the tables).
        m.d.comb += [
            refill_go.eq(refill_pending & ~book_op),
            take.eq(head_valid & (mode == Mode.RUN) & (~book_op | ~doing_event)
                    & ~command_pending & ~withdrawing & ~refill_pending),
        ]

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
            m.d.comb += [subs.slot_locate_write.addr.eq(a1.r_slot),
                         subs.slot_locate_write.data.eq(a1.meta.locate),
                         subs.slot_locate_write.en.eq(1)]
            m.d.sync += subs.mapped.bit_select(a1.r_slot, 1).eq(1)
            alog_push({"is_halt": 0, "locate": a1.meta.locate, "slot": a1.r_slot, "old": 0})
        with m.If(event_in_a1 & mapped_now & a1.is_h):
            m.d.sync += subs.halted.bit_select(slot, 1).eq(a1.halt)
            alog_push({"is_halt": 1, "locate": a1.meta.locate, "slot": slot,
                       "old": subs.halted.bit_select(slot, 1)})

        op = Signal(op_shape)
        m.d.comb += [op.eq(a1.op), op.slot.eq(slot)]
        forward = book_op & ~a1.injected
        order_op = Signal(op_shape)      # nothing for the order table unless a book op
        m.d.comb += order_op.eq(Mux(book_op, op.as_value(), 0))
        stage = OrderStage(m, p, order_op, order_r0.data, order_r1.data, index0 == index1,
                           count, forward)
        # One address per port, and no read while a port may write: what Yosys needs to
        # map the table onto true-dual-port block RAM (hdl.book.page_banks says more).
        for read_port, write_port, read, index, data_in, en in (
                (order_r0, order_w0, read0, index0, stage.write0, stage.en0),
                (order_r1, order_w1, read1, index1, stage.write1, stage.en1)):
            address = Signal.like(read)
            m.d.comb += [address.eq(Mux(book_op, index, read)),
                         read_port.addr.eq(address), write_port.addr.eq(address),
                         read_port.en.eq(~book_op),
                         write_port.data.eq(data_in), write_port.en.eq(book_op & en)]
        live = counters["live_orders"]
        with m.If(book_op):
            m.d.sync += live.eq(live + stage.live_delta)

        m.submodules.undo_log = undo_log = Memory(shape=op_shape, depth=p.undo_depth, init=[])
        undo_w, undo_r = undo_log.write_port(), undo_log.read_port()
        undo_count = Signal(range(p.undo_depth + 1))
        undo_lost = Signal()
        undo_lost_now = Signal()         # including an entry that does not fit this cycle
        m.d.comb += undo_lost_now.eq(undo_lost | (forward & stage.undo_push
                                                  & (undo_count == p.undo_depth)))
        with m.If(forward & stage.undo_push):
            with m.If(undo_count == p.undo_depth):
                m.d.sync += undo_lost.eq(1)
            with m.Else():
                m.d.comb += [undo_w.addr.eq(undo_count), undo_w.data.eq(stage.undo),
                             undo_w.en.eq(1)]
                m.d.sync += undo_count.eq(undo_count + 1)

        changes = stage.d1.enable | stage.d2.enable
        request = store.request
        m.d.comb += [
            request.valid.eq(book_op),
            request.kind.eq(Mux(stage.reset, StoreKind.RESET,
                                Mux(op.kind == OpKind.REFILL, StoreKind.REFILL,
                                    Mux(changes, StoreKind.DELTAS, StoreKind.NONE)))),
            request.slot.eq(stage.side_slot), request.ask.eq(stage.side_ask),
            request.d1.eq(stage.d1), request.d2.eq(stage.d2),
        ]
        # A verdict leaves 3 cycles after A1, as a record does, so it always follows the
        # records of its frame's events (even one that was in A1 the cycle before it).
        end_delay = [Signal(2, name=f"end_delay{i}") for i in range(2)]
        m.d.sync += [end_delay[0].eq(Cat(a1.valid & a1.is_end, a1.commit)),
                     end_delay[1].eq(end_delay[0]),
                     self.update_end.valid.eq(end_delay[1][0]),
                     self.update_end.payload.commit.eq(end_delay[1][1])]

        # ---------------------------------------------------------------- S2, S3
        s2, s3 = Signal(_stage_layout(p)), Signal(_stage_layout(p))
        m.d.sync += [
            s2.valid.eq(book_op), s2.injected.eq(a1.injected),
            s2.slot.eq(stage.side_slot), s2.reset.eq(stage.reset),
            s2.refused.eq(stage.refused), s2.changes.eq(changes), s2.meta.eq(a1.meta),
            s3.eq(s2),
        ]
        poison_all = Signal()            # a withdrawn frame could not be undone
        self._records(m, p, s3, store, invalid, poison | poison_all, count, subs)

        # ---------------------------------------------------------------- refills
        with m.If(store.refill.valid):
            m.d.sync += [refill_pending.eq(1), refill_side.slot.eq(store.refill.slot),
                         refill_side.ask.eq(store.refill.ask)]
        with m.Elif(refill_go):
            m.d.sync += refill_pending.eq(0)

        # ---------------------------------------------------------------- verdicts, commands
        sequencer(m, p, regs, a1, mode, command_pending, inject, injection, poison_all,
                  (undo_r, undo_count, undo_lost, undo_lost_now),
                  (alog_r, alog_count, alog_lost), subs, count,
                  hold=refill_pending | book_op)
        slot_status(m, p, regs, subs, invalid, command_pending)
        return m

    def _records(self, m, p, s3, store, invalid, poison, count, subs):
        """The update record at the end of S3, the invalid flags and the S3 counters;
        ``poison`` flags every stock."""
        res = store.result
        failed = s3.valid & ~s3.reset & (res.overflow | res.missing | res.fault | s3.refused)
        was_invalid = invalid.bit_select(s3.slot, 1)
        forward = s3.valid & ~s3.injected
        count("level_overflow", forward & res.overflow)
        count("missing_level", forward & res.missing)
        count("page_faults", s3.valid & res.fault)
        count("invalidations", failed & ~was_invalid)
        best_bid, best_ask = res.bids[0], res.asks[0]
        crossed = ((best_bid.orders != 0) & (best_ask.orders != 0)
                   & (best_bid.price >= best_ask.price))
        count("crossed", forward & s3.changes & crossed)
        count("applied", forward & s3.changes & ~failed)
        count("updates", forward)

        with m.If(poison):
            m.d.sync += invalid.eq(~0)
        with m.Elif(failed):
            m.d.sync += invalid.bit_select(s3.slot, 1).eq(1)
        with m.Elif(s3.valid & s3.reset):
            m.d.sync += invalid.bit_select(s3.slot, 1).eq(0)

        record = self.updates.payload
        m.d.sync += [
            self.updates.valid.eq(forward),
            record.slot.eq(s3.slot),
            record.locate.eq(s3.meta.locate),
            record.type.eq(s3.meta.type),
            record.channel.eq(s3.meta.channel),
            record.sequence.eq(s3.meta.sequence),
            record.invalid.eq(was_invalid | failed | poison),
            record.halted.eq(subs.halted.bit_select(s3.slot, 1)),
            record.bids.eq(res.bids),
            record.asks.eq(res.asks),
        ]
