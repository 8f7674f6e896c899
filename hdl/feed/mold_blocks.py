"""Where the message blocks of a MoldUDP64 packet are: the length-prefix tracker of stage A1.

Block ``k + 1``'s 2-byte length prefix starts right after block ``k``'s message, so where it
is depends on the length just read: a recurrence, one beat at a time, which sets the
framer's clock rate. The tracker keeps, for the beat it sees next, where the prefix being
looked for is: its high byte's lane ``hl`` and how many beats ahead (``d``), with the flags
the beat needs (high byte here, low byte here, high byte in the previous beat, the current
message ends here) in registers of their own.

The whole position is not needed at once. A good block is at least 14 bytes (2 of prefix,
12 of message: :data:`MIN_BLOCK`), so after a length is read at lane ``l`` the next prefix
starts at ``p = l + 1 + length >= 13`` bytes from lane 0 of that beat: in the next beat
only for the few lengths where ``p < 2 * lanes`` (at 64 bits, 12 to 15; never at 32).
Those cases are decoded from the low bits of the length in the cycle it is read; every
other position is *pending*: the length is registered, and the next beat works the full
position out from registers. Between prefixes the distance counts down a beat at a time,
with the "one beat away" flags prepared a beat ahead.

A prefix the tracker reaches is read whether or not it belongs to the packet (its
``count`` may be exhausted, the frame may have ended, an earlier block may be bad): the
framer decides which readings are blocks (``parse``), and a reading past the last block
only moves a position nobody uses. A length below :data:`MIN_BLOCK` - 2 is always a bad
block (the framer stops judging the packet there), so the tracker may go astray after one.

``room`` (payload bytes after the prefix being looked for, to the UDP payload end) follows
the same split: exact at once when the next prefix can be in the next beat, worked out in
the next beat otherwise.
"""

from __future__ import annotations

from amaranth import Array, Cat, Const, Module, Mux, Signal, signed
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from proto import itch, moldudp64

__all__ = ["BlockTracker", "MIN_BLOCK"]

_PREFIX = moldudp64.BLOCK.size
#: The shortest good block: a length prefix and the common ITCH header plus one byte.
MIN_BLOCK = _PREFIX + sum(size for _, size, *_ in itch.HEADER) + 1
_FIRST_PREFIX = moldudp64.HEADER.size
#: Beats are counted in a signed register that stops at -1 beats behind, so 18 bits hold
#: any distance a 16-bit length gives.
_DISTANCE_BITS = 18


class BlockTracker(wiring.Component):
    """Length-prefix positions, block lengths and their room checks (see the module doc).

    Parameters
    ----------
    lanes : int
        Bytes per beat (4 or 8).

    Interface attributes
    --------------------
    go, first : In(1)
        A payload beat is on the input; it is a frame's first.
    base : In(signed(16))
        The beat's ``base`` (read with ``first``: block 0's prefix is at payload byte 20).
    payload_length : In(16)
        The UDP payload length (read with ``first``).
    data, keep : In
        The beat.
    read : Out(1)
        A prefix's low byte is in this beat (register): a length is read here if it is
        kept (``read_kept``, combinational).
    length : Out(16)
        Combinational: the length read in this beat.
    body_lane, body_now : Out
        Registers: the read block's message starts at lane ``body_lane``, in this beat if
        ``body_now`` (else in the next one, and ``body_lane`` is 0).
    type_lane : Out
        Register: where a message's type byte is in this beat, if one is: at lane 0 after a
        read whose message starts in the next beat, else at ``body_lane``.
    end_here, end_lane : Out
        Registers: the message of the last block read ends in this beat, at that lane.
    length_zero, over_room, over_room_next : Out(1)
        Combinational, for the length read: it is 0; it runs past the payload end; it
        leaves no room for the next prefix.
    no_room : Out(1)
        Register: the first block's prefix is past the payload end (from ``first`` on).
    """

    def __init__(self, lanes: int):
        self.lanes = lanes
        self.lane_bits = lb = (lanes - 1).bit_length()
        super().__init__({
            "go": In(1), "first": In(1), "base": In(signed(16)), "payload_length": In(16),
            "data": In(8 * lanes), "keep": In(lanes),
            "read": Out(1), "read_kept": Out(1), "length": Out(16),
            "body_lane": Out(lb), "body_now": Out(1), "type_lane": Out(lb),
            "end_here": Out(1), "end_lane": Out(lb),
            "length_zero": Out(1), "over_room": Out(1), "over_room_next": Out(1),
            "no_room": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        lanes, lb = self.lanes, self.lane_bits
        go, first, data = self.go, self.first, self.data

        def wire(name, value, shape=1):
            signal = Signal(shape, name=name)
            m.d.comb += signal.eq(value)
            return signal

        # ---- State for the beat seen next. ---------------------------------------------
        high_lane = Signal(lb, name="high_lane")
        low_lane = Signal(lb, name="low_lane")            # high_lane + 1
        high_here, high_prev = Signal(name="high_here"), Signal(name="high_prev")
        is1 = Signal(name="is1")                          # distance == 1
        distance = Signal(signed(_DISTANCE_BITS), name="distance")  # beats to the high byte
        pending = Signal(name="pending")
        pending_length = Signal(16, name="pending_length")
        pending_lane = Signal(lb, name="pending_lane")    # the low byte's lane at the read
        pending_small = Signal(name="pending_small")      # pending_length < 4 * lanes
        pending_base = Signal(signed(lb + 3), name="pending_base")  # lane + 1 - 2 * lanes
        high = Signal(8, name="high")                     # lane lanes-1 of the previous beat
        # Bytes after the prefix looked for, and that less the next prefix, both clamped at 0
        # (a negative room fails every length but 0, which is bad anyway). While a read is
        # pending they are of the prefix before it: a read in the pending beat takes its
        # room from values prepared at the pending read for each length that allows it.
        room, room_next = Signal(16, name="room"), Signal(16, name="room_next")
        base_less1 = Signal(signed(17), name="room_base_less1")   # room less a prefix
        base_less2 = Signal(signed(17), name="room_base_less2")   # ... less two
        flags = (high_here, self.read, high_prev, self.end_here, is1)
        lane_regs = (high_lane, low_lane, self.body_lane, self.end_lane, self.body_now)

        with m.If(go):
            m.d.sync += high.eq(data.word_select(lanes - 1, 8))

        # Lengths after which the next prefix can be read in the very next beat (12 and 13
        # at 64 bits, none at 32): the low bits of the pending length tell them apart.
        near_lengths = range(MIN_BLOCK - _PREFIX, 2 * lanes - _PREFIX)
        near_bits = max(len(near_lengths) - 1, 1).bit_length()
        assert near_lengths.start % (1 << near_bits) == 0
        near_room = [Signal(16, name=f"near_room{j}") for j in range(max(len(near_lengths), 1))]
        near_room_next = [Signal(16, name=f"near_room_next{j}") for j in range(len(near_room))]
        near_index = pending_length[:near_bits]
        room_now = wire("room_now", Mux(pending, Array(near_room)[near_index], room), 16)
        room_next_now = wire("room_next_now", Mux(pending, Array(near_room_next)[near_index],
                                                  room_next), 16)

        # ---- The length read in this beat. ---------------------------------------------
        # A read's high byte is at lane high_lane <= lanes - 2 of this beat, or, when
        # high_lane is lanes - 1, it was in the previous beat: one multiplexer for both.
        low_byte = wire("low_byte", data.word_select(low_lane, 8), 8)
        high_byte = wire("high_byte", Cat(data[:8 * (lanes - 1)], high).word_select(high_lane, 8),
                         8)
        length = self.length
        m.d.comb += [length.eq(Cat(low_byte, high_byte)),
                     self.read_kept.eq(self.read & self.keep.bit_select(low_lane, 1)),
                     self.length_zero.eq(length == 0),
                     self.over_room.eq(length > room_now),
                     self.over_room_next.eq(length > room_next_now)]

        # After a read at lane l: the next prefix at p = l + 1 + length. The next beat's
        # flags are decoded from the few lengths that put it within two beats.
        near = [v for v in range(MIN_BLOCK - _PREFIX, 2 * lanes)]
        if near:
            k = (near[0] ^ near[-1]).bit_length()
            top = near[0] >> k
            assert all(v >> k == top for v in near)
            bucket = wire("near", length[k:] == top)

            def fast_flags(i):
                v, lane = (top << k) | (i & ((1 << k) - 1)), i >> k
                return _pack(_position_flags(lane + 1 + v - lanes, lanes)[:4], 1)

            fast_bits = _table(m, "fast", Cat(length[:k], low_lane), fast_flags, 4)
            fast = [bucket & fast_bits[i] for i in range(4)]
        else:
            fast = [0] * 4
        fast.append(0)  # a position a beat further is resolved in the next beat anyway

        def next_lanes(i):
            v, lane = i & (lanes - 1), i >> lb
            p = (lane + 1 + v) % lanes
            return _pack([p, p + 1, p + 2, p - 1], lb) | (int(p != lanes - 2) << 4 * lb)

        lanes_read = _table(m, "lanes_read", Cat(length[:lb], low_lane), next_lanes, 4 * lb + 1)

        # Pending: the read's whole position, two beats on (relative to the beat after next).
        resolved = wire("resolved", pending_base + pending_length, signed(18))

        def resolve_flags(i):
            v, lane = i & ((4 << lb) - 1), i >> (lb + 2)
            return _pack(_position_flags(lane + 1 + v - 2 * lanes, lanes), 1)

        resolve_bits = _table(m, "resolve", Cat(pending_length[:lb + 2], pending_lane),
                              resolve_flags, 5)
        resolve = [pending_small & resolve_bits[i] for i in range(5)]

        # Counting down: the next beat is one closer.
        is2 = wire("is2", distance == 2)
        last_lane = high_lane == lanes - 1
        countdown = [is1,
                     (is1 & ~last_lane) | (high_here & last_lane),
                     high_here & last_lane,
                     (is1 & (high_lane != 0)) | (is2 & (high_lane == 0)),
                     is2]

        # Block 0's prefix: payload byte 20, lane 20 + s of the first beat (s = -base).
        def first_state(s):
            at = _FIRST_PREFIX + s - lanes
            p = at % lanes
            fields = [*_position_flags(at, lanes), p, p + 1, p + 2, p - 1, p != lanes - 2,
                      at >> lb]
            widths = [1] * 5 + [lb] * 4 + [1, 8]
            return sum((int(f) % (1 << w)) << sum(widths[:n])
                       for n, (f, w) in enumerate(zip(fields, widths, strict=True)))

        init = _table(m, "first_state", (-self.base)[:lb], first_state, 5 + 4 * lb + 1 + 8)

        def less(name, value, amount):
            """``value - amount``, clamped at 0."""
            return wire(name, Mux(value < amount, 0, value - amount), 16)

        pending_room = wire("pending_room", base_less1 - pending_length, signed(18))
        pending_room_next = wire("pending_room_next", base_less2 - pending_length, signed(18))
        with m.If(go & first):
            m.d.sync += [
                Cat(*flags, *lane_regs, distance).eq(init),
                self.type_lane.eq(init[5 + 2 * lb:5 + 3 * lb]),
                self.end_here.eq(0),   # no message before block 0
                pending.eq(0),
                room.eq(less("room_first", self.payload_length, _FIRST_PREFIX + _PREFIX)),
                room_next.eq(less("room_next_first", self.payload_length,
                                  _FIRST_PREFIX + 2 * _PREFIX)),
                self.no_room.eq(self.payload_length < _FIRST_PREFIX + _PREFIX),
            ]
        with m.Elif(go & self.read):
            # A read: lanes and near flags now, the rest pending for the next beat.
            m.d.sync += [
                *(flag.eq(value) for flag, value in zip(flags, fast, strict=True)),
                Cat(*lane_regs).eq(lanes_read),
                self.type_lane.eq(Mux(self.body_now, lanes_read[2 * lb:3 * lb], 0)),
                pending.eq(1), pending_length.eq(length), pending_lane.eq(low_lane),
                pending_small.eq(length[lb + 2:] == 0),
                pending_base.eq(low_lane + 1 - 2 * lanes),
                base_less1.eq(room_now - _PREFIX), base_less2.eq(room_now - 2 * _PREFIX),
                *(r.eq(less(f"near_room_less{j}", room_now, MIN_BLOCK + j))
                  for j, r in enumerate(near_room)),
                *(r.eq(less(f"near_room_next_less{j}", room_now, MIN_BLOCK + _PREFIX + j))
                  for j, r in enumerate(near_room_next)),
            ]
        with m.Elif(go & pending):
            m.d.sync += [
                *(flag.eq(value) for flag, value in zip(flags, resolve, strict=True)),
                self.type_lane.eq(self.body_lane),
                distance.eq(resolved >> lb), pending.eq(0),
                room.eq(Mux(pending_room[-1], 0, pending_room)),
                room_next.eq(Mux(pending_room_next[-1], 0, pending_room_next)),
            ]
        with m.Elif(go):
            m.d.sync += [
                *(flag.eq(value) for flag, value in zip(flags, countdown, strict=True)),
                self.type_lane.eq(self.body_lane),
                # Far behind (no prefix ahead) it stops at -1, so it never wraps.
                distance.eq(Mux(distance[-1], distance, distance - 1)),
            ]
        return m


def _position_flags(p: int, lanes: int) -> tuple[bool, ...]:
    """The flags of a beat whose lane 0 is ``p`` bytes before the prefix's high byte."""
    return (
        0 <= p < lanes,                 # high byte here
        -1 <= p <= lanes - 2,           # low byte here
        p == -1,                        # high byte in the previous beat
        1 <= p <= lanes,                # the message before the prefix ends here
        lanes <= p < 2 * lanes,         # one beat further
    )


def _pack(values, width: int) -> int:
    """Values of ``width`` bits each (modulo), first in the low bits."""
    return sum((int(v) % (1 << width)) << (n * width) for n, v in enumerate(values))


def _table(m: Module, name: str, index, function, width: int) -> Signal:
    """A ``width``-bit function of a few bits, as a constant table (LUTs, no adders)."""
    entries = 1 << len(index)
    bits = sum((function(i) % (1 << width)) << (i * width) for i in range(entries))
    value = Signal(width, name=name)
    m.d.comb += value.eq(Const(bits, width * entries).word_select(index, width))
    return value
