"""``ResponsePath``: the order-entry session's receive side, applied in hardware.

Frames (:mod:`.segment`) -> SoupBinTCP/OUCH (:mod:`.soup`) -> the open-order table
(:mod:`.orders`) and the ledger (:mod:`.ledger`), in stages, for a message whose last byte
is on ``rx`` in cycle t:

- S0 (t): the scan ends the message; its fields are registered;
- S1 (t + 1): the table is read at UserRefNum mod size;
- S2 (t + 2): the order's checks (:class:`~hdl.response.layouts.Detail` UNKNOWN_REF,
  BAD_STATE, BAD_FIELD, TOO_MANY after the scan's own), the ledger's products;
- S3 (t + 3): the table and the ledger are written, the message goes out on
  ``responses``; the risk gate sees the new state from t + 4 (:attr:`LATENCY`).

The frame's verdict is formed 3 cycles after its last beat, after its last message's S3:
``segments`` reports it, the ledger and the table commit or roll back, ``rcv_next``
advances, and an outcome in :data:`~hdl.response.layouts.LOSES_SYNC` takes the path out of
sync and pulses ``lost_sync``. Every frame is also passed to the host on ``host_rx``, one
cycle after it arrives.
"""

from __future__ import annotations

from amaranth import Cat, Module, Mux, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.layouts import rx_beat_layout
from hdl.host_if.csr_bank import block_signature
from hdl.order.layouts import SENT_LAYOUT
from hdl.response.layouts import (
    LOSES_SYNC,
    RESPONSE_LAYOUT,
    SEGMENT_LAYOUT,
    Detail,
    Kind,
    OrderState,
    Outcome,
)
from hdl.response.ledger import Ledger, view_layout
from hdl.response.orders import PROGRESS, OpenOrders
from hdl.response.regs import RESPONSE_COUNTERS, response_block
from hdl.response.segment import SESSION_LAYOUT, SegmentParser
from hdl.response.soup import MESSAGE_LAYOUT, SoupScan
from hdl.strategy.layouts import TIME_BITS

__all__ = ["ResponsePath"]


class ResponsePath(wiring.Component):
    """Interface attributes
    --------------------
    rx : In(stream.Signature(rx_beat_layout(64), always_ready=True))
        The order-entry port's receive beats.
    sent : In(stream.Signature(SENT_LAYOUT, always_ready=True))
        Order entry's frame reports (completed frames enter the table).
    session : In(SESSION_LAYOUT)
    now : In(TIME_BITS)
    segments : Out(stream.Signature(SEGMENT_LAYOUT, always_ready=True))
    responses : Out(stream.Signature(RESPONSE_LAYOUT, always_ready=True))
        Speculative until their frame's ``segments`` record (``APPLIED``: final).
    host_rx : Out(stream.Signature(rx_beat_layout(64), always_ready=True))
    view : Out(view_layout(slots)); busy : Out(table_size)
    out_of_sync, lost_sync : Out(1)
    regs : In(block_signature(response_block(table_size)))
    """

    #: From the rx beat with a message's last byte to the risk gate seeing its state.
    LATENCY = 4
    #: From a frame's last beat to its ``segments`` record (the commit or roll back).
    VERDICT = 3

    def __init__(self, slots: int, table_size: int):
        self.slots, self.table_size = slots, table_size
        self.block = response_block(table_size)
        super().__init__({
            "rx": In(stream.Signature(rx_beat_layout(64), always_ready=True)),
            "sent": In(stream.Signature(SENT_LAYOUT, always_ready=True)),
            "session": In(SESSION_LAYOUT),
            "now": In(TIME_BITS),
            "segments": Out(stream.Signature(SEGMENT_LAYOUT, always_ready=True)),
            "responses": Out(stream.Signature(RESPONSE_LAYOUT, always_ready=True)),
            "host_rx": Out(stream.Signature(rx_beat_layout(64), always_ready=True)),
            "view": Out(view_layout(slots)),
            "busy": Out(table_size),
            "out_of_sync": Out(1),
            "lost_sync": Out(1),
            "regs": In(block_signature(self.block)),
        })

    def elaborate(self, platform):
        m = Module()
        regs, command = self.regs, self.regs.command
        m.submodules.parser = parser = SegmentParser()
        m.submodules.scan = scan = SoupScan()
        m.submodules.orders = orders = OpenOrders(self.table_size)
        m.submodules.ledger = ledger = Ledger(self.slots)
        counters = {name: Signal(32, name=f"count_{name}") for name in RESPONSE_COUNTERS}
        for name, counter in counters.items():
            m.d.comb += getattr(regs, name).eq(counter)

        out_of_sync = Signal(init=1)
        rcv_next = Signal(32)
        m.d.comb += [self.out_of_sync.eq(out_of_sync), self.busy.eq(orders.busy),
                     self.view.eq(ledger.view)]
        wiring.connect(m, wiring.flipped(self.rx), parser.rx)
        m.d.sync += [self.host_rx.valid.eq(self.rx.valid),
                     self.host_rx.payload.eq(self.rx.payload)]
        m.d.comb += [parser.session.eq(self.session), parser.rcv_next.eq(rcv_next),
                     parser.out_of_sync.eq(out_of_sync), parser.now.eq(self.now)]
        wiring.connect(m, parser.payload, scan.payload)
        wiring.connect(m, wiring.flipped(self.sent), orders.sent)

        # ------------------------------------------------------------- S0, S1
        # The table is read with the UserRefNum of the message's last beat; the ledger
        # starts on the message and the early read.
        m.d.comb += orders.lookup_ref.eq(scan.lookup_ref)
        s1 = scan.messages
        kind1 = s1.payload.kind
        m.d.comb += [
            ledger.s1.executed.eq(kind1 == Kind.EXECUTED),
            ledger.s1.rejected.eq(kind1 == Kind.REJECTED),
            ledger.s1.closes.eq(kind1 != Kind.ACCEPTED),
            ledger.s1.quantity.eq(s1.payload.quantity), ledger.s1.price.eq(s1.payload.price),
            ledger.s1.slot.eq(orders.early.slot), ledger.s1.sell.eq(orders.early.sell),
            ledger.s1.remaining.eq(orders.early.remaining),
        ]
        s2 = Signal(MESSAGE_LAYOUT)
        s2_valid = Signal()
        m.d.sync += [s2.eq(s1.payload), s2_valid.eq(s1.valid)]

        # ------------------------------------------------------------- S2
        entry, progress = orders.lookup, orders.lookup_progress
        segment_detail = Signal(3)         # the segment's first failure so far
        applied = Signal(8)                # its order-changing messages applied
        kind = s2.kind
        quantity = Mux(kind == Kind.REJECTED, entry.remaining,
                       Mux(kind == Kind.ACCEPTED, 0, s2.quantity))
        # State and quantity checks on both remaining counts, chosen by freshness last.
        dead = Mux(entry.fresh, entry.shares == 0, progress.remaining == 0)
        sent_state = (kind == Kind.ACCEPTED) | (kind == Kind.REJECTED)
        state_bad = dead | Mux(sent_state, entry.accepted, ~entry.accepted)
        over = Mux(entry.fresh, s2.quantity > entry.shares, s2.quantity > progress.remaining)
        field_bad = ((kind == Kind.EXECUTED) | (kind == Kind.CANCELED)) & \
            ((s2.quantity == 0) | over) | s2.price_bad
        detail = Signal(3)
        with m.If(s2.error != Detail.NONE):
            m.d.comb += detail.eq(s2.error)
        with m.Elif(~entry.known):
            m.d.comb += detail.eq(Detail.UNKNOWN_REF)
        with m.Elif(state_bad):
            m.d.comb += detail.eq(Detail.BAD_STATE)
        with m.Elif(field_bad):
            m.d.comb += detail.eq(Detail.BAD_FIELD)
        with m.Elif(orders.undo_full):
            m.d.comb += detail.eq(Detail.TOO_MANY)
        first = Signal(3)
        fault = scan.faults
        m.d.comb += first.eq(Mux(s2_valid & (detail != Detail.NONE), detail,
                                 Mux(fault.valid, fault.payload, Detail.NONE)))
        ok = Signal()
        m.d.comb += ok.eq(s2_valid & (detail == Detail.NONE) &
                          (segment_detail == Detail.NONE))
        raw = orders.lookup_raw
        m.d.comb += [ledger.s2.slot.eq(raw.slot), ledger.s2.sell.eq(raw.sell),
                     ledger.s2.order_price.eq(raw.price)]
        remaining = entry.remaining - quantity
        s3 = {
            "valid": Signal(), "kind": Signal(2), "ref": Signal(32), "quantity": Signal(32),
            "price": Signal(32), "match": Signal(64), "slot": Signal(8), "sell": Signal(),
            "remaining": Signal(32), "accepted": Signal(), "old": Signal(PROGRESS),
        }
        m.d.sync += [
            s3["valid"].eq(ok), s3["kind"].eq(kind), s3["ref"].eq(s2.user_ref_num),
            s3["quantity"].eq(quantity),
            s3["price"].eq(Mux(kind == Kind.EXECUTED, s2.price, entry.price)),
            s3["match"].eq(Mux(kind == Kind.EXECUTED, s2.match_number, 0)),
            s3["slot"].eq(entry.slot), s3["sell"].eq(entry.sell),
            s3["remaining"].eq(remaining),
            s3["accepted"].eq(entry.accepted | (kind == Kind.ACCEPTED)),
            s3["old"].eq(progress),
        ]
        m.d.comb += ledger.update_valid.eq(s3["valid"] & (s3["kind"] != Kind.ACCEPTED))

        # ------------------------------------------------------------- S3
        bits = orders.bits
        state_after = Mux(s3["remaining"] == 0, OrderState.DEAD,
                          Mux(s3["accepted"], OrderState.LIVE, OrderState.SENT))
        m.d.comb += [
            orders.write.eq(s3["valid"]), orders.write_index.eq(s3["ref"][:bits]),
            orders.write_ref.eq(s3["ref"]), orders.write_old.eq(s3["old"]),
            orders.write_accepted.eq(s3["accepted"]),
            orders.write_remaining.eq(s3["remaining"]),
            orders.death.eq(s3["remaining"] == 0),
        ]
        r = self.responses.payload
        m.d.comb += [
            self.responses.valid.eq(s3["valid"]),
            r.kind.eq(s3["kind"]), r.user_ref_num.eq(s3["ref"]), r.quantity.eq(s3["quantity"]),
            r.price.eq(s3["price"]), r.match_number.eq(s3["match"]), r.slot.eq(s3["slot"]),
            r.sell.eq(s3["sell"]), r.remaining.eq(s3["remaining"]), r.state.eq(state_after),
            r.position.eq(ledger.position_after), r.pnl.eq(ledger.pnl_after),
            r.time.eq(self.now),
        ]

        # ------------------------------------------------------------- verdict
        judged, judged_valid = parser.judged.payload, parser.judged.valid
        outcome = Signal(3)
        m.d.comb += outcome.eq(Mux((judged.outcome == Outcome.APPLIED) &
                                   (segment_detail != Detail.NONE),
                                   Outcome.UNPARSEABLE, judged.outcome))
        commit = judged_valid & (outcome == Outcome.APPLIED)
        withdraw = judged_valid & (outcome != Outcome.APPLIED)
        loses = judged_valid & Cat(*[outcome == o for o in LOSES_SYNC]).any()
        m.d.comb += [orders.commit.eq(commit), orders.withdraw.eq(withdraw),
                     ledger.commit.eq(commit), ledger.withdraw.eq(withdraw),
                     self.lost_sync.eq(loses)]
        applied_now = applied + s3["valid"]
        seg = self.segments.payload
        m.d.comb += [
            self.segments.valid.eq(judged_valid),
            seg.outcome.eq(outcome),
            seg.detail.eq(Mux(outcome == Outcome.UNPARSEABLE, segment_detail, Detail.NONE)),
            seg.seq.eq(judged.seq), seg.length.eq(judged.length),
            seg.messages.eq(Mux(commit, Mux(applied_now > 255, 255, applied_now), 0)),
            seg.time.eq(judged.time),
        ]
        with m.If(judged_valid):
            m.d.sync += [segment_detail.eq(Detail.NONE), applied.eq(0)]
        with m.Else():
            with m.If((s2_valid | fault.valid) & (segment_detail == Detail.NONE)):
                m.d.sync += segment_detail.eq(first)
            with m.If(s3["valid"] & (applied != 255)):
                m.d.sync += applied.eq(applied + 1)
        with m.If(commit):
            m.d.sync += rcv_next.eq(rcv_next + judged.length)
        with m.If(loses):
            m.d.sync += out_of_sync.eq(1)
        with m.If(command.resync & ~orders.restoring):
            m.d.sync += [out_of_sync.eq(0), rcv_next.eq(regs.rcv_next_load)]

        # ------------------------------------------------------------- host
        m.d.comb += [
            regs.status.out_of_sync.eq(out_of_sync), regs.status.restoring.eq(orders.restoring),
            regs.rcv_next.eq(rcv_next),
            ledger.load_slot.eq(command.load_slot), ledger.load_index.eq(regs.slot_sel),
            ledger.load_position.eq(regs.slot_position),
            ledger.load_cash.eq(Cat(regs.slot_cash_lo, regs.slot_cash_hi)),
            ledger.load_mark.eq(regs.slot_mark),
            ledger.load_card.eq(command.load_card),
            ledger.load_pnl.eq(Cat(regs.pnl_load_lo, regs.pnl_load_hi)),
            ledger.load_position_value.eq(Cat(regs.position_value_load_lo,
                                              regs.position_value_load_hi)),
            ledger.read_index.eq(regs.slot_sel),
            regs.read_position.eq(ledger.read.position),
            regs.read_closed_buy.eq(ledger.read.closed_buy),
            regs.read_closed_sell.eq(ledger.read.closed_sell),
            regs.read_cash_lo.eq(ledger.read.cash[:32]),
            regs.read_cash_hi.eq(ledger.read.cash[32:]),
            regs.read_mark.eq(ledger.read.mark),
            regs.pnl_lo.eq(ledger.card.pnl[:32]), regs.pnl_hi.eq(ledger.card.pnl[32:]),
            regs.released_lo.eq(ledger.card.released[:32]),
            regs.released_hi.eq(ledger.card.released[32:]),
            regs.position_value_lo.eq(ledger.card.position_value[:32]),
            regs.position_value_hi.eq(ledger.card.position_value[32:]),
            orders.load.eq(command.load_order), orders.load_index.eq(regs.order_sel),
            orders.load_state.eq(regs.order_state_load.state),
            orders.load_remaining.eq(regs.order_remaining_load),
            orders.read_index.eq(regs.order_sel),
            regs.read_order_ref.eq(orders.read_ref),
            regs.read_order_info.slot.eq(orders.read.slot),
            regs.read_order_info.sell.eq(orders.read.sell),
            regs.read_order_info.state.eq(Mux(orders.read.known, orders.read.state,
                                              OrderState.FREE)),
            regs.read_order_price.eq(orders.read.price),
            regs.read_order_shares.eq(orders.read.shares),
            regs.read_order_remaining.eq(orders.read.remaining),
        ]

        # ------------------------------------------------------------- counters
        def bump(name, amount=1):
            m.d.sync += counters[name].eq(counters[name] + amount)

        with m.If(judged_valid):
            for o in Outcome:
                with m.If(outcome == o):
                    bump(f"frames_{o.name.lower()}")
            for d in Detail:
                if d is not Detail.NONE:
                    with m.If((outcome == Outcome.UNPARSEABLE) & (segment_detail == d)):
                        bump(f"detail_{d.name.lower()}")
        pending = {k: Signal(8, name=f"pending_{k.name.lower()}") for k in Kind}
        for k, count in pending.items():
            now_k = count + (s3["valid"] & (s3["kind"] == k))
            with m.If(judged_valid):
                m.d.sync += count.eq(0)
                with m.If(commit):
                    bump(f"messages_{k.name.lower()}", now_k)
            with m.Else():
                m.d.sync += count.eq(now_k)
        with m.If(orders.overflow):
            bump("overflow")
        with m.If(commit):
            bump("payload_bytes", judged.length)
        return m
