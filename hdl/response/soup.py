"""``SoupScan``: SoupBinTCP packets and OUCH messages out of the payload beats, any lane.

State between beats: the packet left open at the end of a beat (its position, length,
bytes still to come, types), and where the next beat's first packet starts if that is
known already (a one-hot lane). A beat is then read in parallel, lane by lane: for every
lane, where a packet starting there would end (its 2-byte length is in the beat or it
does not end in it) and what it would be judged; the starts are chained from the first
(at most three packets start in a beat before one fails: each is at least 3 bytes), and
the one left open is picked from per-lane candidates computed beside the chain.

An OUCH message that changes an order is at least 21 bytes with its SoupBinTCP header, so
at most one ends in a beat, and it is the packet already open when the beat began: every
byte the card reads from it lies at packet position 12 or later, which no packet beginning
in the same beat reaches. Those bytes are captured by position as they pass
(:data:`CAPTURED`), so the message is complete in the cycle of its last byte, and
``lookup_ref`` (combinational, the UserRefNum as captured so far) is complete in that
cycle too: the open-order table is read with it.

- ``messages`` (registered, the cycle after the beat): the order-changing message that
  ended in the beat, with its structural checks (:class:`Detail` BAD_LENGTH;
  ``price_bad`` for an execution price out of range, judged after the order checks).
- ``faults`` (registered, two cycles after the beat): the first packet after that message
  in the beat that fails (BAD_PACKET, UNKNOWN_MESSAGE, BAD_LENGTH; a packet left open at
  the segment's end is BAD_PACKET). What follows a failure is not judged: the segment is
  lost.
"""

from __future__ import annotations

from amaranth import Cat, Const, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.response.layouts import MESSAGE_SIZES, Detail, Kind
from hdl.response.segment import PAYLOAD_BEAT_LAYOUT
from proto import ouch

__all__ = ["SoupScan", "MESSAGE_LAYOUT", "CAPTURED"]

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
assert min(CAPTURED) >= _LANES + 4
_POS_BITS = 7
assert max(CAPTURED) < (1 << _POS_BITS) - _LANES

MESSAGE_LAYOUT = data.StructLayout({
    "kind": 2,
    "user_ref_num": 32,
    "quantity": 32,
    "price": 32,
    "match_number": 64,
    "error": 3,               # Detail of the message's structural checks
    "price_bad": 1,           # E: price not in 1 .. 2**32 - 1
})


def _judge(m, name, length, ptype, mtype, appendage):
    """``(Detail, order-changing)`` of a packet of ``length`` ending here; ``appendage``
    maps a message type with an appendage to its appendage length."""
    error = Signal(3, name=f"{name}_error")
    changes = Signal(name=f"{name}_changes")
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
                    elif code in appendage:
                        good = (msg_len >= size) & (msg_len - size == appendage[code])
                    else:
                        good = 0
                    m.d.comb += error.eq(Mux(good, Detail.NONE, Detail.BAD_LENGTH))
                    if code in _KINDS:
                        m.d.comb += changes.eq(1)
    with m.Else():
        m.d.comb += error.eq(Detail.BAD_PACKET)
    return error, changes


def _named(m, name, value):
    """``value`` behind a signal: shared sub-expressions stay shared (in checks and in
    simulation, which walk expression trees)."""
    signal = Signal(len(value), name=name)
    m.d.comb += signal.eq(value)
    return signal


def _onehot(value, offset, limit=_LANES):
    """One-hot lane ``value + offset`` (``value`` unsigned), 0 if it is not below ``limit``."""
    return Cat(*[value == lane - offset if lane >= offset else Const(0)
                 for lane in range(limit)])


class SoupScan(wiring.Component):
    """Interface attributes
    --------------------
    payload : In(stream.Signature(PAYLOAD_BEAT_LAYOUT, always_ready=True))
    messages : Out(stream.Signature(MESSAGE_LAYOUT, always_ready=True))
        The cycle after each payload beat that ended an order-changing message.
    faults : Out(stream.Signature(3, always_ready=True))
        Two cycles after a payload beat with a failing packet after its message.
    lookup_ref : Out(32)
        The open packet's UserRefNum bytes as captured up to this beat (combinational).
    """

    def __init__(self):
        super().__init__({
            "payload": In(stream.Signature(PAYLOAD_BEAT_LAYOUT, always_ready=True)),
            "messages": Out(stream.Signature(MESSAGE_LAYOUT, always_ready=True)),
            "faults": Out(stream.Signature(3, always_ready=True)),
            "lookup_ref": Out(32),
        })

    def elaborate(self, platform):
        m = Module()
        beat, valid = self.payload.payload, self.payload.valid
        b = [beat.data[8 * i:8 * i + 8] for i in range(_LANES)] + [Const(0, 8)] * 3
        lanes, first = beat.lanes, beat.first

        # ------------------------------------------------------------- the open packet
        pos = Signal(_POS_BITS)      # position of its next byte (saturates); 0: none open
        len_hi = Signal(8)           # its length's high byte, at position 1
        length = Signal(16)          # from position 2 on
        rem = Signal(17)             # from position 2 on: bytes still to come
        ptype, mtype = Signal(8), Signal(8)
        s0_next = Signal(_LANES, init=1)   # first start in the beat, unless at position 1
        end_next = Signal(_LANES)          # its last lane, from position 2 on
        held = {p: Signal(8, name=f"captured_{p}") for p in CAPTURED}

        open_now = ~first & (pos != 0)
        at1, at2, at3 = (~first & (pos == k) for k in (1, 2, 3))
        l1 = Cat(b[0], len_hi)       # the length when the beat starts at position 1
        open_end = _named(m, "open_end", Mux(at1, Mux(len_hi == 0, _onehot(b[0], 0), 0),
                                             Mux(open_now, end_next, 0)) & lanes)
        open_ends = _named(m, "open_ends", open_end.any())
        open_length = _named(m, "open_length", Mux(at1, l1, length))
        open_ptype = _named(m, "open_ptype", Mux(at1, b[1], Mux(at2, b[0], ptype)))
        open_mtype = _named(m, "open_mtype", Mux(at1, b[2], Mux(at2, b[1], Mux(at3, b[0],
                                                                               mtype))))

        # Captures: lane j holds position pos + j of the open packet.
        decode = {q: _named(m, f"at_{q}", ~first & (pos == q))
                  for q in range(min(CAPTURED) - _LANES + 1, max(CAPTURED) + 1)}
        now = {}
        for p in CAPTURED:
            hits = [(decode[p - j], b[j]) for j in range(_LANES)]
            here = Cat(*[hit for hit, _ in hits]).any()
            picked = 0
            for hit, byte in hits:
                picked = picked | Mux(hit, byte, 0)
            now[p] = Signal(8, name=f"now_{p}")
            m.d.comb += now[p].eq(Mux(here, picked, held[p]))

        def field(first_at, size):
            return Cat(*reversed([now[first_at + i] for i in range(size)]))

        appendage = {code: field(*at) for code, at in _APP.items()}
        open_error, open_changes = _judge(m, "open", open_length, open_ptype, open_mtype,
                                          appendage)
        m.d.comb += self.lookup_ref.eq(field(*_REF))

        # ------------------------------------------------------------- packets in the beat
        ends, nexts, errors = [], [], []
        for i in range(_LANES):
            short = b[i] == 0                    # length under 256: may end in the beat
            end = Cat(*[short & (b[i + 1] == k - i - 1) if k > i else Const(0)
                        for k in range(_LANES)]) if i < _LANES - 1 else Const(0, _LANES)
            ends.append(_named(m, f"lane{i}_ends", (end & lanes).any()))
            nexts.append(_named(m, f"lane{i}_next", Cat(Const(0), end[:-1]) & lanes))
            error, _ = _judge(m, f"lane{i}", Cat(b[i + 1], b[i]), b[i + 2], b[i + 3], {})
            errors.append(error)
        lowest = lanes & ~Cat(Const(0), lanes[:-1])
        starts = [_named(m, "starts0", Mux(first, lowest, Mux(at1, _onehot(l1, 1), s0_next))
                         & lanes)]
        for k in range(1, 3):
            follow = 0
            for i in range(_LANES):
                follow = follow | Mux(starts[-1][i], nexts[i], 0)
            starts.append(_named(m, f"starts{k}", follow))
        started = _named(m, "started", starts[0] | starts[1] | starts[2])
        left_open = _named(m, "left_open", Cat(*[started[i] & ~ends[i] for i in range(_LANES)]))
        carried = _named(m, "carried", open_now & ~open_ends)

        # ------------------------------------------------------------- the next state
        # Candidates: the open packet carried on, or the packet starting at lane j left
        # open (position 8 - j). Each is computed beside the chain and picked by one-hot.
        n_pos = Mux(carried, Mux(pos >= (1 << _POS_BITS) - _LANES, pos, pos + _LANES), 0)
        n_len_hi, n_length, n_rem = b[_LANES - 1], Mux(at1, l1, length), \
            Mux(at1, l1 - (_LANES - 1), rem - _LANES)
        n_ptype, n_mtype = open_ptype, open_mtype
        left = Mux(at1, l1, rem) - Mux(at1, _LANES - 1, _LANES)   # bytes after the beat
        n_end = Mux(carried, _onehot(left, -1), 0)
        for j in range(_LANES):
            pick = left_open[j]
            n_pos = n_pos | Mux(pick, _LANES - j, 0)
            if j < _LANES - 1:
                lj = Cat(b[j + 1], b[j])
                rem_j = lj + j - (_LANES - 2)
                n_length = Mux(pick, lj, n_length)
                n_rem = Mux(pick, rem_j, n_rem)
                n_end = n_end | Mux(pick & (b[j] == 0), _onehot(b[j + 1], j - (_LANES - 1)), 0)
            if j < _LANES - 2:
                n_ptype = Mux(pick, b[j + 2], n_ptype)
            if j < _LANES - 3:
                n_mtype = Mux(pick, b[j + 3], n_mtype)
        none_open = _named(m, "none_open", ~carried & ~left_open.any())
        with m.If(valid):
            m.d.sync += [pos.eq(n_pos), len_hi.eq(n_len_hi), length.eq(n_length),
                         rem.eq(n_rem), ptype.eq(n_ptype), mtype.eq(n_mtype),
                         end_next.eq(n_end),
                         s0_next.eq(Mux(none_open, 1, Cat(Const(0), n_end[:-1])))]
            m.d.sync += [held[p].eq(now[p]) for p in CAPTURED]

        # ------------------------------------------------------------- messages
        price = field(*_PRICE)
        kind = Signal(2)
        for code, k in _KINDS.items():
            with m.If(open_mtype == ord(code)):
                m.d.comb += kind.eq(k)
        out = self.messages.payload
        m.d.sync += [
            self.messages.valid.eq(valid & open_ends & open_changes),
            out.kind.eq(kind),
            out.user_ref_num.eq(field(*_REF)),
            out.quantity.eq(field(*_QTY)),
            out.price.eq(price[:32]),
            out.match_number.eq(field(*_MATCH)),
            out.error.eq(open_error),
            out.price_bad.eq((kind == Kind.EXECUTED) & ((price[32:] != 0) | (price[:32] == 0))),
        ]

        # ------------------------------------------------------------- faults, a cycle on
        a_valid, a_open = Signal(), Signal(3)
        a_started, a_ends, a_incomplete = Signal(_LANES), Signal(_LANES), Signal()
        a_errors = [Signal(3, name=f"a_error{i}") for i in range(_LANES)]
        m.d.sync += [
            a_valid.eq(valid),
            a_open.eq(Mux(open_ends & ~open_changes, open_error, Detail.NONE)),
            a_started.eq(started), a_ends.eq(Cat(*ends)),
            a_incomplete.eq(beat.last & ~none_open),
            *[a.eq(e) for a, e in zip(a_errors, errors, strict=True)],
        ]
        fault = Mux(a_incomplete, Detail.BAD_PACKET, Detail.NONE)
        for i in reversed(range(_LANES)):
            fault = Mux(a_started[i] & a_ends[i] & (a_errors[i] != Detail.NONE),
                        a_errors[i], fault)
        fault = Mux(a_open != Detail.NONE, a_open, fault)
        fault_now = Signal(3)
        m.d.comb += fault_now.eq(fault)
        m.d.sync += [self.faults.valid.eq(a_valid & (fault_now != Detail.NONE)),
                     self.faults.payload.eq(fault_now)]
        return m
