"""``OrderEntry``: accepted orders to OUCH Enter Order frames on the MAC's transmit stream.

A group from the risk gate that finds the block idle, its queue empty and the session
active starts its frame in the same cycle: the first beat is valid in the next cycle
(:attr:`OrderEntry.LATENCY`). Otherwise its legs wait in the queue (:mod:`hdl.order.queue`),
whose head starts whenever the transmitter is free, including in the cycle the previous
frame's final beat is accepted, so queued frames go back to back.

Frame bytes (:mod:`hdl.order.frame`) come from the registers, from the order and the session
counters latched when the frame starts, and from the two checksums. Those are incremental:
a template sum of the constant bytes and the register fields is kept up to date by a
pipeline (registers change only while the session is disabled; ``session_active`` rises
only once that pipeline has settled), and the order's own words are added to it in
pipeline stages during the frame's first beats, so each checksum is ready by the cycle its
beat is formed. This is checked when the design is built.

Speculation (:mod:`hdl.order.layouts`): the head's ``spec`` bit is the frame's. A withdraw
that hits a speculative frame in flight turns the next beat not yet presented into its
last, with the error flag; a frame still speculative when its final beat is formed ends
with the error flag (late) and its order stays at the head, held, until its verdict;
unless ``control.pad_to_verdict`` (the default) is set: then the frame goes on with zero
beats, Ethernet padding that receivers drop since the IPv4 total length ends the packet,
until the verdict ends it (good on a commit, with the error flag on a withdraw), and is
late only if it reaches the longest frame a MAC sends (:data:`MAX_BEATS`).
UserRefNum, sequence number and IPv4 identification advance only when a frame completes.

Cancels (``cancel``, from the host's command stream) are OUCH Cancel Order frames
(:data:`hdl.order.frame.CANCEL`): one starts whenever the transmitter is free and the
queue has no head ready to start (orders first: they carry the tick-to-trade figure), also
while the kill switch is on (cancelling is what a kill wants), never while the session is
not active. A cancel advances the sequence number and the IPv4 identification, never the
UserRefNum; it is never speculative.
"""

from __future__ import annotations

from amaranth import Array, C, Module, Mux, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.counters import counter_bank
from hdl.feed.layouts import FRAME_END_LAYOUT, rx_beat_layout
from hdl.host_if.csr_bank import block_signature
from hdl.order.checksum import constant_sum, ones_sum, word_terms
from hdl.order.fields import FLIGHT_LAYOUT, cancel_fields, order_fields, register_fields
from hdl.order.frame import CANCEL, ENTER, FrameMap
from hdl.order.layouts import CANCEL_LAYOUT, SENT_LAYOUT
from hdl.order.queue import OrderQueue
from hdl.order.regs import COUNTER_NAMES, ORDER_BLOCK
from hdl.strategy.layouts import SIM_TRADE, TIME_BITS, Source, TradeParams, group_layout
from proto.net import MAX_FRAME

__all__ = ["OrderEntry"]

_WIDTH = 64
_LANES = _WIDTH // 8
#: Beats of the longest frame a MAC sends (a frame padded while it waits for its verdict).
MAX_BEATS = MAX_FRAME // _LANES


def _lanes_mask(keep: int) -> int:
    """The data bits of the lanes set in ``keep``."""
    return sum(0xFF << (8 * lane) for lane in range(_LANES) if keep >> lane & 1)


class OrderEntry(wiring.Component):
    """The order-entry transmitter.

    Parameters
    ----------
    params : TradeParams
        ``queue_depth`` legs are queued, the one in flight included.

    Attributes
    ----------
    LATENCY : int
        Cycles from a group offered to an idle block with an empty queue and an active
        session to its frame's first beat being valid on ``tx``.
    SETTLE : int
        Cycles ``session_enable`` must be high before ``session_active`` rises: more than
        the template checksum pipeline's depth (checked when the design is built).

    Interface attributes
    --------------------
    orders : In(stream.Signature(group_layout(), always_ready=True))
        Accepted groups (one or two legs), at most one a cycle, never more legs than
        ``free``.
    verdict : In(stream.Signature(FRAME_END_LAYOUT, always_ready=True))
        ``commit`` makes the speculative orders final, 0 withdraws them; it applies to a
        group of the same cycle too.
    cancel : In(stream.Signature(CANCEL_LAYOUT))
        Cancel Order frames to send; ``ready`` in the cycle one starts.
    kill : In(1)
        While 1 no order frame starts and the queue is flushed (a frame in flight
        completes); cancels still go.
    now : In(TIME_BITS)
        Free-running cycle counter, for ``sent.time``.
    free : Out(range(queue_depth + 1))
        Queue entries free.
    session_active : Out(1)
        Orders are accepted (the risk gate rejects while 0).
    next_ref : Out(32)
        UserRefNum of the next frame to complete (the queue's head).
    tx : Out(stream.Signature(rx_beat_layout(64)))
        To the MAC: frames without FCS; ``error`` with ``last`` aborts a frame.
    sent : Out(stream.Signature(SENT_LAYOUT, always_ready=True))
        One record per frame begun, in the cycle after its last beat is accepted.
    regs : In(block_signature(ORDER_BLOCK))
        The ``order`` register block.
    """

    LATENCY = 1
    SETTLE = 8

    def __init__(self, params: TradeParams = SIM_TRADE):
        self.params = params
        self.block = ORDER_BLOCK
        super().__init__({
            "orders": In(stream.Signature(group_layout(), always_ready=True)),
            "verdict": In(stream.Signature(FRAME_END_LAYOUT, always_ready=True)),
            "cancel": In(stream.Signature(CANCEL_LAYOUT)),
            "kill": In(1),
            "now": In(TIME_BITS),
            "free": Out(range(params.queue_depth + 1)),
            "session_active": Out(1),
            "next_ref": Out(32),
            "tx": Out(stream.Signature(rx_beat_layout(_WIDTH))),
            "sent": Out(stream.Signature(SENT_LAYOUT, always_ready=True)),
            "regs": In(block_signature(ORDER_BLOCK)),
        })

    def _checksums(self, m, frame: FrameMap, static, per_frame):
        """The two checksums of a ``frame`` in flight, checked against their beats."""
        static_bytes, order_bytes = frame.frame_bytes(static), frame.frame_bytes(per_frame)
        ip_constant = constant_sum(frame.template, frame.ip_header)
        tcp_constant = constant_sum(frame.template, frame.tcp_segment) + \
            constant_sum(frame.pseudo_constant)
        prefix = f"{frame.name}_"
        ip_template, ip_settle = ones_sum(
            m, [(C(ip_constant), ip_constant), *word_terms(static_bytes, frame.ip_header)],
            prefix + "ip_template")
        tcp_template, tcp_settle = ones_sum(
            m, [(C(tcp_constant), tcp_constant),
                *word_terms(static_bytes, frame.pseudo_addresses),
                *word_terms(static_bytes, frame.tcp_segment)], prefix + "tcp_template")
        if max(ip_settle, tcp_settle) >= self.SETTLE:
            raise AssertionError(f"the template sums take {max(ip_settle, tcp_settle)} "
                                 f"cycles, SETTLE is {self.SETTLE}")
        if any(at < _LANES for at in order_bytes):
            # Beat 0 is formed as the frame is latched, from registers alone.
            raise AssertionError(f"{frame.name}: a per-frame field falls in the first beat")
        out = {}
        for name, template, region in (("ip_checksum", ip_template, frame.ip_header),
                                        ("tcp_checksum", tcp_template, frame.tcp_segment)):
            total, stages = ones_sum(m, [(template, 0xFFFF), *word_terms(order_bytes, region)],
                                     prefix + name)
            # The frame is latched at the start (cycle t) and beat b is formed at t + b at
            # the earliest: the sum must be through its stages by then.
            if stages > frame.slot_beat(name, _LANES) - 1:
                raise AssertionError(f"{frame.name}: {name} takes {stages} cycles, its beat "
                                     f"comes after {frame.slot_beat(name, _LANES) - 1}")
            out[name] = ~total
        return out

    def elaborate(self, platform):
        m = Module()
        regs, tx = self.regs, self.tx
        full_keep = (1 << _LANES) - 1
        m.submodules.queue = queue = OrderQueue(self.params.queue_depth)

        count = counter_bank(m, regs, COUNTER_NAMES)

        flight = Signal(FLIGHT_LAYOUT)
        static = register_fields(regs)
        values = {**static, **order_fields(flight)}
        values.update(self._checksums(m, ENTER, static, order_fields(flight)))
        cancel_static = {name: static[name] for name in CANCEL.register_slots}
        cancel_values = cancel_fields(regs, flight)
        cancel_values.update(self._checksums(
            m, CANCEL, cancel_static,
            {name: cancel_values[name] for name in CANCEL.order_slots}))
        enter_data = Array(ENTER.beat_values(values, _LANES))
        cancel_data = Array(CANCEL.beat_values(cancel_values, _LANES))
        if ENTER.template[:_LANES] != CANCEL.template[:_LANES] or \
                not set(ENTER.register_slots) >= set(CANCEL.register_slots):
            raise AssertionError("the first beat must be the same in both frames")

        def beat_data(index):
            return Mux(flight.cancel, cancel_data[index], enter_data[index])

        beats = Mux(flight.cancel, CANCEL.beat_count(_LANES), ENTER.beat_count(_LANES))
        final_keep = Mux(flight.cancel, CANCEL.last_keep(_LANES), ENTER.last_keep(_LANES))

        # ------------------------------------------------------------ session
        settle = Signal(range(self.SETTLE + 1))
        enable = regs.control.session_enable
        with m.If(~enable):
            m.d.sync += settle.eq(0)
        with m.Elif(settle != self.SETTLE):
            m.d.sync += settle.eq(settle + 1)
        active = enable & (settle == self.SETTLE)
        m.d.comb += self.session_active.eq(active)

        # ------------------------------------------------------------ frame state
        busy = tx.valid                  # valid never drops inside a frame
        accepted = tx.valid & tx.ready
        finishing = accepted & tx.payload.last
        completed = finishing & ~tx.payload.error
        owned = Signal()                 # the frame in flight is the queue's head
        aborting = Signal()              # withdrawn: the next beat formed is the last
        late = Signal()                  # the final beat went out still speculative
        padding = Signal()               # the order's bytes are out; zero beats until verdict
        stamp = Signal()                 # the first beat is presented now: take `now`
        next_beat = Signal(range(MAX_BEATS + 1))
        withdraw = self.verdict.valid & ~self.verdict.payload.commit
        commit = self.verdict.valid & self.verdict.payload.commit
        hit = owned & withdraw & queue.head_spec
        flush = self.kill | ~active
        start_order = queue.head_ready & (~busy | finishing)
        start_cancel = self.cancel.valid & active & ~queue.head_ready & (~busy | finishing)
        start = start_order | start_cancel
        m.d.comb += self.cancel.ready.eq(start_cancel)

        m.d.comb += [
            queue.group.eq(self.orders.payload), queue.group_valid.eq(self.orders.valid),
            queue.commit.eq(commit), queue.withdraw.eq(withdraw),
            queue.pop.eq(completed & owned), queue.hold_head.eq(finishing & late & owned),
            queue.flush.eq(flush), queue.keep_head.eq(owned & ~finishing & ~hit),
            self.free.eq(queue.free),
        ]

        # ------------------------------------------------------------ session counters
        segment_bytes = Mux(flight.cancel, CANCEL.segment_bytes, ENTER.segment_bytes)
        session = {"seq": (Signal(32, name="next_seq"), regs.seq_load, segment_bytes, 1),
                   "user_ref_num": (Signal(32, name="next_user_ref"), regs.user_ref_load, 1,
                                    ~flight.cancel),
                   "ip_id": (Signal(16, name="next_ip_id"), regs.ip_id_load[:16], 1, 1)}
        for name, (current, load, step, advances) in session.items():
            after = Signal.like(current, name=f"{current.name}_after")
            m.d.comb += after.eq(current)
            with m.If(completed & advances):
                m.d.comb += after.eq(current + step)
            with m.If(regs.command.load_session):
                m.d.comb += after.eq(load)
            m.d.sync += current.eq(after)
            with m.If(start):
                # A frame starting as the previous completes carries the advanced value.
                m.d.sync += getattr(flight, name).eq(after)
        with m.If(start_cancel):
            m.d.sync += flight.user_ref_num.eq(self.cancel.payload.user_ref_num)
        m.d.comb += [regs.next_seq.eq(session["seq"][0]),
                     regs.next_user_ref_num.eq(session["user_ref_num"][0]),
                     self.next_ref.eq(session["user_ref_num"][0]),
                     regs.queued.eq(queue.count),
                     regs.status.session_active.eq(active), regs.status.in_flight.eq(busy)]

        # ------------------------------------------------------------ transmit
        with m.If(hit):
            m.d.sync += aborting.eq(1)
        with m.If(stamp):
            m.d.sync += [flight.time.eq(self.now), stamp.eq(0)]
        cancel_entry = Signal.like(queue.head)
        m.d.comb += [cancel_entry.shares.eq(self.cancel.payload.quantity),
                     cancel_entry.sequence.eq(self.cancel.payload.tag),
                     cancel_entry.source.eq(Source.HOST)]
        with m.If(start):
            m.d.sync += [flight.order.eq(Mux(start_order, queue.head, cancel_entry)),
                         flight.cancel.eq(~start_order), flight.ack.eq(regs.ack),
                         owned.eq(start_order),
                         aborting.eq(0), late.eq(0), padding.eq(0), stamp.eq(1),
                         next_beat.eq(1),
                         tx.valid.eq(1), tx.payload.data.eq(enter_data[0]),
                         tx.payload.keep.eq(full_keep), tx.payload.first.eq(1),
                         tx.payload.last.eq(0), tx.payload.error.eq(0)]
        with m.Elif(finishing):
            m.d.sync += [tx.valid.eq(0), owned.eq(0)]
        with m.Elif(accepted):
            final = next_beat == beats - 1
            speculative = owned & queue.head_spec & ~commit
            m.d.sync += [tx.payload.first.eq(0), next_beat.eq(next_beat + 1)]
            with m.If(aborting | hit):
                m.d.sync += [tx.payload.data.eq(beat_data(next_beat)), tx.payload.last.eq(1),
                             tx.payload.error.eq(1), tx.payload.keep.eq(full_keep)]
            with m.Elif(padding):
                # Ethernet padding: the receiver keeps the IPv4 total length's bytes only.
                # The verdict decides the frame's end: commit ends it good, the longest
                # frame a MAC sends ends it late.
                longest = next_beat == MAX_BEATS - 1
                m.d.sync += [tx.payload.data.eq(0), tx.payload.keep.eq(full_keep),
                             tx.payload.last.eq(~speculative | longest),
                             tx.payload.error.eq(speculative & longest),
                             late.eq(speculative & longest)]
            with m.Elif(final & speculative & regs.control.pad_to_verdict):
                m.d.sync += [tx.payload.data.eq(beat_data(next_beat) & _lanes_mask(
                                 ENTER.last_keep(_LANES))), tx.payload.keep.eq(full_keep),
                             tx.payload.last.eq(0), tx.payload.error.eq(0), padding.eq(1)]
            with m.Else():
                m.d.sync += [tx.payload.data.eq(beat_data(next_beat)), tx.payload.last.eq(final),
                             tx.payload.error.eq(final & speculative),
                             late.eq(final & speculative),
                             tx.payload.keep.eq(Mux(final, final_keep, full_keep))]
        with m.If(hit & ~start):
            m.d.sync += owned.eq(0)

        # ------------------------------------------------------------ reports
        m.d.sync += self.sent.valid.eq(finishing)
        with m.If(finishing):
            record = self.sent.payload
            m.d.sync += [record.user_ref_num.eq(flight.user_ref_num),
                         record.seq.eq(flight.seq), record.length.eq(segment_bytes),
                         record.slot.eq(flight.order.slot), record.sell.eq(flight.order.sell),
                         record.price.eq(flight.order.price),
                         record.shares.eq(flight.order.shares),
                         record.aborted.eq(tx.payload.error), record.late.eq(late),
                         record.time.eq(flight.time),
                         record.sequence.eq(flight.order.sequence),
                         record.source.eq(flight.order.source),
                         record.cancel.eq(flight.cancel)]
        count("frames_sent", completed & ~flight.cancel)
        count("cancels_sent", completed & flight.cancel)
        count("aborted_withdrawn", finishing & tx.payload.error & ~late)
        count("aborted_late", finishing & late)
        count("flushed", queue.flushed)
        count("dropped", queue.dropped)
        return m
