"""``SoupScan``: SoupBinTCP packets and OUCH messages out of the payload beats, any lane.

A chain over the beat's 8 lanes carries the position in the current packet (``pos``: 0 and
1 are the length, 2 the packet type, 3 the OUCH message type), the length, and the types,
so packets of any size start and end anywhere and several may end in one beat. The state
after the last lane is registered for the next beat; a segment's first payload beat starts
from packet position 0.

An OUCH message that changes an order is at least 21 bytes with its SoupBinTCP header, so
at most one ends in a beat, and it is the packet already open when the beat began: every
byte the card reads from it lies at packet position 12 or later, which no packet beginning
in the same beat reaches. Those bytes are captured by position into registers as they pass
(:data:`CAPTURED`), so the message is complete in the cycle of its last byte.

``messages`` (registered, the cycle after the beat) reports per beat the order-changing
message that ended in it, if any, with its structural checks (:class:`Detail` BAD_PACKET,
UNKNOWN_MESSAGE, BAD_LENGTH; ``price_bad`` for an execution price out of range, judged
after the order checks), and the first failing packet after it in the beat (``trailing``;
a packet left incomplete at the segment's end counts as one).
"""

from __future__ import annotations

from amaranth import Cat, Const, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.response.layouts import MESSAGE_SIZES, Detail, Kind
from hdl.response.segment import PAYLOAD_BEAT_LAYOUT
from proto import ouch

__all__ = ["SoupScan", "MESSAGE_LAYOUT"]

_LANES = 8
#: Packet position of OUCH message byte ``k`` (after the 2-byte length and the type byte).
_MSG = 3
_KINDS = {"A": Kind.ACCEPTED, "E": Kind.EXECUTED, "C": Kind.CANCELED, "J": Kind.REJECTED}


def _at(layout, name: str) -> tuple[int, int]:
    """Packet positions of field ``name`` of an OUCH layout: (first, size)."""
    return _MSG + layout[name].offset, layout[name].size


_REF = _at(ouch.ORDER_EXECUTED, "user_ref_num")
assert _REF == _at(ouch.ORDER_ACCEPTED, "user_ref_num") == _at(ouch.ORDER_CANCELED,
                                                                 "user_ref_num") == \
    _at(ouch.ORDER_REJECTED, "user_ref_num")
_QTY = _at(ouch.ORDER_EXECUTED, "quantity")
assert _QTY == _at(ouch.ORDER_CANCELED, "quantity")
_PRICE = _at(ouch.ORDER_EXECUTED, "price")
_MATCH = _at(ouch.ORDER_EXECUTED, "match_number")
_APP = {code: (_MSG + at, 2) for code, (_, at) in MESSAGE_SIZES.items() if at is not None}

#: Packet positions captured as they pass.
CAPTURED = sorted({first + i for first, size in (_REF, _QTY, _PRICE, _MATCH, *_APP.values())
                   for i in range(size)})
assert min(CAPTURED) >= 12

MESSAGE_LAYOUT = data.StructLayout({
    "has_message": 1,         # an order-changing message (A/E/C/J) ended in the beat
    "kind": 2,
    "user_ref_num": 32,
    "quantity": 32,
    "price": 32,
    "match_number": 64,
    "error": 3,               # Detail of the message's structural checks
    "price_bad": 1,           # E: price not in 1 .. 2**32 - 1
    "trailing": 3,            # Detail of the first failing packet after it in the beat
    "last": 1,                # the segment's last payload beat
})


class SoupScan(wiring.Component):
    """Interface attributes
    --------------------
    payload : In(stream.Signature(PAYLOAD_BEAT_LAYOUT, always_ready=True))
    messages : Out(stream.Signature(MESSAGE_LAYOUT, always_ready=True))
        The cycle after each payload beat that ended a message, failed, or was the last.
    """

    def __init__(self):
        super().__init__({
            "payload": In(stream.Signature(PAYLOAD_BEAT_LAYOUT, always_ready=True)),
            "messages": Out(stream.Signature(MESSAGE_LAYOUT, always_ready=True)),
        })

    def elaborate(self, platform):
        m = Module()
        beat = self.payload.payload
        pos, length = Signal(17), Signal(16)
        ptype, mtype = Signal(8), Signal(8)
        held = {p: Signal(8, name=f"captured_{p}") for p in CAPTURED}

        p_in = Mux(beat.first, 0, pos)
        len_in, ptype_in, mtype_in = length, ptype, mtype
        now = {p: held[p] for p in CAPTURED}
        message = {}
        trailing = Const(Detail.NONE, 3)
        ended = Const(0, 1)
        for lane in range(_LANES):
            byte = beat.data[8 * lane:8 * lane + 8]
            here = beat.lanes[lane]
            p = Signal(17, name=f"lane{lane}_pos")
            m.d.comb += p.eq(p_in)
            ln = Signal(16, name=f"lane{lane}_length")
            m.d.comb += ln.eq(Mux(here & (p == 0), Cat(len_in[:8], byte),
                                  Mux(here & (p == 1), Cat(byte, len_in[8:]), len_in)))
            pt = Mux(here & (p == 2), byte, ptype_in)
            mt = Mux(here & (p == _MSG), byte, mtype_in)
            for position in CAPTURED:
                now[position] = Mux(here & (p == position), byte, now[position])
            end = Signal(name=f"lane{lane}_end")
            m.d.comb += end.eq(here & (p >= 1) & (p == ln + 1))
            error, is_message = self._judge(m, lane, ln, pt, mt, now)
            # The first end in the beat may be an order-changing message; anything failing
            # after it (or failing without one) is trailing.
            first_end = end & ~ended
            take = Signal(name=f"lane{lane}_message")
            m.d.comb += take.eq(first_end & is_message)
            message.setdefault("take", []).append((take, error, mt))
            later_error = Mux(end & ~(first_end & is_message) & (error != Detail.NONE),
                              error, Detail.NONE)
            trailing = Mux(trailing != Detail.NONE, trailing, later_error)
            ended = ended | end
            p_in = Mux(here, Mux(end, 0, p + 1), p)
            len_in, ptype_in, mtype_in = ln, pt, mt

        # The message ends at the beat's first end, or not at all.
        has_message = Signal()
        error = Signal(3)
        message_type = Signal(8)
        for take, e, mt in message["take"]:
            with m.If(take):
                m.d.comb += [has_message.eq(1), error.eq(e), message_type.eq(mt)]
        incomplete = beat.last & (p_in != 0)
        trail = Signal(3)
        m.d.comb += trail.eq(Mux(trailing != Detail.NONE, trailing,
                                 Mux(incomplete, Detail.BAD_PACKET, Detail.NONE)))
        with m.If(self.payload.valid):
            m.d.sync += [pos.eq(p_in), length.eq(len_in), ptype.eq(ptype_in),
                         mtype.eq(mtype_in)]
            m.d.sync += [held[p].eq(now[p]) for p in CAPTURED]

        def field(first, size):
            return Cat(*reversed([now[first + i] for i in range(size)]))

        price = field(*_PRICE)
        out = self.messages.payload
        kind = Signal(2)
        for code, k in _KINDS.items():
            with m.If(message_type == ord(code)):
                m.d.comb += kind.eq(k)
        m.d.sync += [
            self.messages.valid.eq(self.payload.valid & (has_message | (trail != Detail.NONE) |
                                                         beat.last)),
            out.has_message.eq(has_message),
            out.kind.eq(kind),
            out.user_ref_num.eq(field(*_REF)),
            out.quantity.eq(field(*_QTY)),
            out.price.eq(price[:32]),
            out.match_number.eq(field(*_MATCH)),
            out.error.eq(error),
            out.price_bad.eq((kind == Kind.EXECUTED) & ((price[32:] != 0) | (price[:32] == 0))),
            out.trailing.eq(trail),
            out.last.eq(beat.last),
        ]
        return m

    @staticmethod
    def _judge(m, lane, length, ptype, mtype, now):
        """``(Detail, order-changing)`` of a packet ending at this lane."""
        error = Signal(3, name=f"lane{lane}_error")
        changes = Signal(name=f"lane{lane}_changes")
        msg_len = length - 1
        with m.If(length == 0):
            m.d.comb += error.eq(Detail.BAD_PACKET)
        with m.Elif(ptype == ord("H")):
            m.d.comb += error.eq(Mux(length == 1, Detail.NONE, Detail.BAD_PACKET))
        with m.Elif(ptype == ord("+")):
            pass
        with m.Elif(ptype == ord("S")):
            with m.If(msg_len == 0):
                m.d.comb += error.eq(Detail.BAD_PACKET)
            with m.Else():
                m.d.comb += error.eq(Detail.UNKNOWN_MESSAGE)
                for code, (size, app_at) in MESSAGE_SIZES.items():
                    with m.If(mtype == ord(code)):
                        if app_at is None:
                            good = msg_len == size
                        else:
                            first = _MSG + app_at
                            appendage = Cat(now[first + 1], now[first])
                            good = (msg_len >= size) & (msg_len == size + appendage)
                        m.d.comb += error.eq(Mux(good, Detail.NONE, Detail.BAD_LENGTH))
                        if code in _KINDS:
                            m.d.comb += changes.eq(1)
        with m.Else():
            m.d.comb += error.eq(Detail.BAD_PACKET)
        return error, changes
