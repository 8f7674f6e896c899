"""The card-to-host event stream: every record the host follows, one 64-byte record each.

The card's record streams (orders sent, rejections, exchange responses and their segment
verdicts, feed gaps, book updates of subscribed stocks and their verdicts, and the frames
received on the order-entry port, packed by :mod:`hdl.host_if.host_rx`) fire whenever
they fire, several in one cycle; :class:`EventStream` queues each in a FIFO of its own and
sends one record per cycle on ``c2h``, an AXI4-Stream in the shape AMD's XDMA/QDMA bridges
take in streaming mode (512-bit ``data``, ``keep`` all ones, ``last`` on every record,
``ready`` from the bridge), taking the sources in turn (round robin). A record is
:data:`RECORD_BITS` bits, little-endian on the wire (:data:`HEADER` first):

- ``kind`` (:class:`EventKind`), ``lost`` (records of this source dropped, since the
  previous one sent, because its FIFO was full: saturating), ``seq`` (this source's record
  number: it counts dropped ones too, so a gap is visible), ``time`` (the 64-bit cycle
  counter when the record was made);
- the body (:func:`body_layouts`): the source's record, or for the wide ones the fields
  the host needs (rejections: both legs' order and reasons; book updates: the best level
  of each side; order-entry receive beats: up to :data:`~hdl.host_if.host_rx.HOST_RX_BEATS`
  of one frame).

Records of one source leave in order; records of different sources may leave in another
order than they were made (``time`` orders them). Book updates and responses are
speculative until their verdict records (``update_end``, ``segment``), which the stream
carries too.
"""

from __future__ import annotations

import enum

from amaranth import Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.fifo import SyncFIFOBuffered
from amaranth.lib.wiring import In, Out

from hdl.book.layouts import LEVEL_LAYOUT, LOCATE_BITS
from hdl.feed.layouts import FRAME_END_LAYOUT, GAP_LAYOUT
from hdl.host_if.host_rx import beats_that_fit, host_rx_body
from hdl.host_if.regs import Access, Block, Register
from hdl.order.layouts import SENT_LAYOUT
from hdl.response.layouts import RESPONSE_LAYOUT, SEGMENT_LAYOUT
from hdl.risk.reasons import REASON_BITS

__all__ = ["EVENTS_BLOCK", "EventKind", "RECORD_BITS", "HEADER", "REJECT_BODY", "UPDATE_BODY",
           "HOST_RX_BEATS", "DEFAULT_DEPTH", "CARD_DEPTHS", "body_layouts", "reject_body",
           "update_body", "C2H_LAYOUT", "EventStream"]

RECORD_BITS = 512


class EventKind(enum.IntEnum):
    SENT = 1            # an order frame begun on the wire (hdl.order.layouts.SENT_LAYOUT)
    REJECT = 2          # a group the risk gate refused (REJECT_BODY)
    RESPONSE = 3        # an exchange response applied (hdl.response.layouts.RESPONSE_LAYOUT)
    SEGMENT = 4         # the verdict on a received frame (SEGMENT_LAYOUT)
    GAP = 5             # missing MoldUDP64 sequence numbers (hdl.feed.layouts.GAP_LAYOUT)
    UPDATE = 6          # a subscribed stock's book after an event (UPDATE_BODY)
    UPDATE_END = 7      # the verdict on the updates since the previous one (FRAME_END_LAYOUT)
    HOST_RX = 8         # order-entry receive beats of one frame (hdl.host_if.host_rx)


HEADER = data.StructLayout({
    "kind": 8,
    "lost": 16,
    "reserved": 8,
    "seq": 32,
    "time": 64,
})
BODY_BITS = RECORD_BITS - HEADER.size
#: Order-entry receive beats in one ``HOST_RX`` record.
HOST_RX_BEATS = beats_that_fit(BODY_BITS)

_REJECT_LEG = data.StructLayout({
    "slot": 8, "sell": 1, "price": 32, "shares": 32, "source": 2, "reasons": REASON_BITS,
})
REJECT_BODY = data.StructLayout({
    "legs": data.ArrayLayout(_REJECT_LEG, 2), "two": 1, "pair": 4, "speculative": 1,
    "sequence": 64,
})
UPDATE_BODY = data.StructLayout({
    "slot": 8, "locate": LOCATE_BITS, "type": 8, "channel": 3, "sequence": 64, "invalid": 1,
    "halted": 1, "bid": LEVEL_LAYOUT, "ask": LEVEL_LAYOUT,
})


def body_layouts() -> dict[EventKind, data.Layout]:
    """The body of each kind (all fit :data:`BODY_BITS`)."""
    layouts = {EventKind.SENT: SENT_LAYOUT, EventKind.REJECT: REJECT_BODY,
               EventKind.RESPONSE: RESPONSE_LAYOUT, EventKind.SEGMENT: SEGMENT_LAYOUT,
               EventKind.GAP: GAP_LAYOUT, EventKind.UPDATE: UPDATE_BODY,
               EventKind.UPDATE_END: FRAME_END_LAYOUT,
               EventKind.HOST_RX: host_rx_body(HOST_RX_BEATS)}
    for kind, layout in layouts.items():
        assert layout.size <= BODY_BITS, (kind, layout.size)
    return layouts


#: FIFO entries of a source unless said otherwise.
DEFAULT_DEPTH = 16

#: The card's FIFO depths (``DEFAULT_DEPTH`` for the kinds not named). The stream sends
#: one record a cycle for every source together; book updates (up to one every 2 cycles)
#: get a deeper FIFO for bursts above that: a 1,024-order mass cancel answered at line rate (0.36
#: responses and 0.2 ``HOST_RX`` records a cycle) while the book runs at its fastest is
#: 7 % over it for 2,800 cycles (``python bench/host_rx.py``).
CARD_DEPTHS = {EventKind.UPDATE: 256}

#: Counters of the stream: records dropped per kind (a full FIFO), 32-bit, wrapping.
EVENTS_BLOCK = Block(
    name="events", type_id=int.from_bytes(b"EVNT", "big"), version=1,
    doc="Card-to-host event stream: records dropped because a source's FIFO was full.",
    registers=tuple(Register(f"dropped_{kind.name.lower()}", Access.RO,
                             f"{kind.name} records dropped (the host sees the seq gap).")
                    for kind in EventKind))

C2H_LAYOUT = data.StructLayout({"data": RECORD_BITS, "keep": RECORD_BITS // 8, "last": 1})


def reject_body(m: Module, reject, out) -> None:
    """:data:`REJECT_BODY` from a risk-gate rejection (``hdl.risk.reasons.reject_layout``)."""
    group = reject.group
    for i in range(2):
        leg = group.legs[i]
        m.d.comb += [out.legs[i].slot.eq(leg.slot), out.legs[i].sell.eq(leg.sell),
                     out.legs[i].price.eq(leg.price), out.legs[i].shares.eq(leg.shares),
                     out.legs[i].source.eq(leg.source),
                     out.legs[i].reasons.eq(reject.reasons[i])]
    m.d.comb += [out.two.eq(group.two), out.pair.eq(group.pair),
                 out.speculative.eq(group.speculative), out.sequence.eq(group.sequence)]


def update_body(m: Module, update, out) -> None:
    """:data:`UPDATE_BODY` from a book-update record (``hdl.book.layouts.update_layout``)."""
    m.d.comb += [out.slot.eq(update.slot), out.locate.eq(update.locate),
                 out.type.eq(update.type), out.channel.eq(update.channel),
                 out.sequence.eq(update.sequence), out.invalid.eq(update.invalid),
                 out.halted.eq(update.halted), out.bid.eq(update.bids[0]),
                 out.ask.eq(update.asks[0])]


class EventStream(wiring.Component):
    """Parameters
    ----------
    sources : dict of EventKind to layout
        The record streams taken, each an ``In`` stream named after its kind in lower case
        (``sent``, ``reject``, ...), with its payload already in the kind's body layout.
    depth : int or dict of EventKind to int
        FIFO entries per source (a dict: per kind; kinds it does not name get
        :data:`DEFAULT_DEPTH`).

    Interface attributes
    --------------------
    <kind> : In(stream.Signature(body, always_ready=True)), per source
    now : In(64)
        The cycle counter.
    c2h : Out(stream.Signature(C2H_LAYOUT))
    dropped : Out(data.ArrayLayout(32, len(sources)))
        Records dropped per source (FIFO full), wrapping.
    """

    def __init__(self, sources: dict, depth: int | dict = DEFAULT_DEPTH):
        self.kinds = list(sources)
        self.depths = ({kind: depth.get(kind, DEFAULT_DEPTH) for kind in sources}
                       if isinstance(depth, dict) else dict.fromkeys(sources, depth))
        members = {kind.name.lower(): In(stream.Signature(layout, always_ready=True))
                   for kind, layout in sources.items()}
        members.update({"now": In(64), "c2h": Out(stream.Signature(C2H_LAYOUT)),
                        "dropped": Out(data.ArrayLayout(32, len(sources)))})
        super().__init__(members)

    def elaborate(self, platform):
        m = Module()
        n = len(self.kinds)
        heads = []
        for index, kind in enumerate(self.kinds):
            port = getattr(self, kind.name.lower())
            fifo = SyncFIFOBuffered(width=RECORD_BITS, depth=self.depths[kind])
            m.submodules[f"fifo_{kind.name.lower()}"] = fifo
            seq, lost = Signal(32, name=f"{kind.name.lower()}_seq"), Signal(16)
            record = Signal(data.StructLayout({"header": HEADER, "body": BODY_BITS}))
            m.d.comb += [
                record.header.kind.eq(kind), record.header.lost.eq(lost),
                record.header.seq.eq(seq), record.header.time.eq(self.now),
                record.body.eq(port.payload.as_value()),
                fifo.w_data.eq(record.as_value()), fifo.w_en.eq(port.valid),
            ]
            with m.If(port.valid):
                m.d.sync += seq.eq(seq + 1)
                with m.If(fifo.w_rdy):
                    m.d.sync += lost.eq(0)
                with m.Else():
                    m.d.sync += [lost.eq(Mux(lost == 0xFFFF, lost, lost + 1)),
                                 self.dropped[index].eq(self.dropped[index] + 1)]
            heads.append(fifo)
        # round robin: the first source with a record at or after `turn`
        turn = Signal(range(n))
        pick = Signal(range(n))
        chosen = Signal()
        for step in reversed(range(n)):       # the last assignment wins: the nearest one
            for start in range(n):
                index = (start + step) % n
                with m.If((turn == start) & heads[index].r_rdy):
                    m.d.comb += [pick.eq(index), chosen.eq(1)]
        out = self.c2h
        m.d.comb += [out.valid.eq(chosen), out.payload.keep.eq(-1), out.payload.last.eq(1)]
        for index, fifo in enumerate(heads):
            with m.If(pick == index):
                m.d.comb += [out.payload.data.eq(fifo.r_data),
                             fifo.r_en.eq(out.valid & out.ready)]
        with m.If(out.valid & out.ready):
            m.d.sync += turn.eq(Mux(pick == n - 1, 0, pick + 1))
        return m
