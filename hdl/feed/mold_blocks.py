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

from amaranth import Array, Cat, Module, Mux, Signal, signed
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hdl.mapping import below, table
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
    small_bits : int
        ``length_small`` compares the length with ``2**small_bits``.

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
    length_small : Out(1)
        Combinational: it is below ``2**small_bits`` (per lane, no lane multiplexer ahead).
    last_length, last_small : Out
        Registers: the length read at the last read, and whether it is small.
    body_lane, body_now : Out
        Registers: the read block's message starts at lane ``body_lane``, in this beat if
        ``body_now`` (else in the next one, and ``body_lane`` is 0).
    body_from : Out
        Register: the lanes from ``body_lane`` on (a mask).
    type_at : Out
        Register, one-hot: the lane of a message's type byte in this beat, if one is: lane
        0 after a read whose message starts in the next beat, else ``body_lane``.
    end_here, end_lane, end_at, end_upto : Out
        Registers: the message of the last block read ends in this beat, at that lane
        (also one-hot, and as the mask of the lanes up to it).
    over_room, over_room_next : Out(1)
        Combinational, for the length read: it runs past the payload end; it leaves no
        room for the next prefix.
    no_room : Out(1)
        Register: the first block's prefix is past the payload end (from ``first`` on).
    """

    def __init__(self, lanes: int, small_bits: int = 8):
        self.lanes = lanes
        self.small_bits = small_bits
        self.lane_bits = lb = (lanes - 1).bit_length()
        super().__init__({
            "go": In(1), "first": In(1), "base": In(signed(16)), "payload_length": In(16),
            "data": In(8 * lanes), "keep": In(lanes),
            "read": Out(1), "read_kept": Out(1), "length": Out(16), "length_small": Out(1),
            "last_length": Out(16), "last_small": Out(1),
            "body_lane": Out(lb), "body_now": Out(1), "body_from": Out(lanes),
            "type_at": Out(lanes),
            "end_here": Out(1), "end_lane": Out(lb), "end_at": Out(lanes), "end_upto": Out(lanes),
            "over_room": Out(1), "over_room_next": Out(1),
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
        # Lanes worked out from the prefix's high byte lane p when a length is read (or at
        # the first beat), kept until the next read: each a register of its own, so that
        # the next beat's logic starts from the form it needs.
        high_lane, low_lane = Signal(lb, name="high_lane"), Signal(lb, name="low_lane")
        low_at, body_at = Signal(lanes, name="low_at"), Signal(lanes, name="body_at")
        lane_fields = [
            (high_lane, lambda p: p),
            (low_lane, lambda p: p + 1),
            (low_at, lambda p: 1 << ((p + 1) % lanes)),
            (self.body_lane, lambda p: p + 2),
            (body_at, lambda p: 1 << ((p + 2) % lanes)),
            (self.body_from, lambda p: _mask(lanes) & ~_mask((p + 2) % lanes)),
            # The message starts in the read's beat unless the low byte is its last lane.
            (self.body_now, lambda p: p != lanes - 2),
            (self.end_lane, lambda p: p - 1),
            (self.end_at, lambda p: 1 << ((p - 1) % lanes)),
            (self.end_upto, lambda p: _mask((p - 1) % lanes + 1)),
        ]
        lane_bits = sum(len(register) for register, _ in lane_fields)

        def lanes_of(p):
            """The lane fields of a prefix whose high byte is at lane ``p``, packed."""
            packed, at = 0, 0
            for register, value in lane_fields:
                packed |= (int(value(p)) % (1 << len(register))) << at
                at += len(register)
            return packed
        high_here, high_prev = Signal(name="high_here"), Signal(name="high_prev")
        is1 = Signal(name="is1")                          # distance == 1
        distance = Signal(signed(_DISTANCE_BITS), name="distance")  # beats to the high byte
        pending = Signal(name="pending")
        pending_length = self.last_length
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
        lane_regs = Cat(*(register for register, _ in lane_fields))

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
                     self.over_room.eq(below(room_now, length)),
                     self.over_room_next.eq(below(room_next_now, length))]

        # After a read at lane l: the next prefix at p = l + 1 + length. The next beat's
        # flags and lanes are worked out for every lane l from the bytes there, and the
        # one-hot low lane picks one (no lane multiplexer ahead of them): the flags from the
        # few lengths that put the prefix within two beats (12 to 15 at 64 bits).
        def length_bytes(lane):
            return (high if lane == 0 else data.word_select(lane - 1, 8),
                    data.word_select(lane, 8))

        fast = [0] * 4
        for lane in range(lanes):
            high_part, low_part = length_bytes(lane)
            for i in range(4):
                values = [v for v in range(MIN_BLOCK - _PREFIX, 2 * lanes)
                          if _position_flags(lane + 1 + v - lanes, lanes)[i]]
                if values:
                    term = low_at[lane] & (high_part == 0) & Cat(*(low_part == v
                                                                   for v in values)).any()
                    fast[i] = fast[i] | term
        fast = [wire(f"fast{i}", value) for i, value in enumerate(fast)]
        small = 0
        for lane in range(lanes):
            high_part, low_part = length_bytes(lane)
            small = small | (low_at[lane] & (high_part == 0) &
                             (low_part[self.small_bits:] == 0 if self.small_bits < 8 else 1))
        m.d.comb += self.length_small.eq(small)
        last_small = self.last_small
        fast.append(0)  # a position a beat further is resolved in the next beat anyway

        lanes_read = 0
        for lane in range(lanes):
            at_lane = table(m, f"lanes_read{lane}", data.word_select(lane, 8)[:lb],
                            lambda v, lane=lane: lanes_of((lane + 1 + v) % lanes), lane_bits)
            lanes_read = lanes_read | (at_lane & low_at[lane].replicate(lane_bits))
        lanes_read = wire("lanes_read", lanes_read, lane_bits)
        # The next beat's type byte lane after a read (its message starts there, or at lane
        # 0 of the next beat).
        type_read = Signal(lanes, name="type_read")
        m.d.comb += type_read.eq(Mux(self.body_now, _field_of(lane_fields, lanes_read, body_at),
                                     1))

        # Pending: the read's whole position, two beats on (relative to the beat after next).
        resolved = wire("resolved", pending_base + pending_length, signed(18))

        def resolve_flags(i):
            v, lane = i & ((4 << lb) - 1), i >> (lb + 2)
            return _pack(_position_flags(lane + 1 + v - 2 * lanes, lanes), 1)

        resolve_bits = table(m, "resolve", Cat(pending_length[:lb + 2], pending_lane),
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
            return (_pack(_position_flags(at, lanes), 1) | (lanes_of(at % lanes) << 5)
                    | ((at >> lb) << (5 + lane_bits)))

        init = table(m, "first_state", (-self.base)[:lb], first_state, 5 + lane_bits + 8)
        init_lanes = init[5:5 + lane_bits]

        def less(name, value, amount):
            """``value - amount``, clamped at 0."""
            difference = wire(f"{name}_difference", value - amount, signed(18))
            return wire(name, Mux(difference[-1], 0, difference), 16)

        pending_room = wire("pending_room", base_less1 - pending_length, signed(18))
        pending_room_next = wire("pending_room_next", base_less2 - pending_length, signed(18))
        with m.If(go):
            with m.If(first):
                m.d.sync += [
                    Cat(*flags, lane_regs, distance).eq(init),
                    self.type_at.eq(_field_of(lane_fields, init_lanes, body_at)),
                    self.end_here.eq(0),   # no message before block 0
                    pending.eq(0),
                    room.eq(less("room_first", self.payload_length, _FIRST_PREFIX + _PREFIX)),
                    room_next.eq(less("room_next_first", self.payload_length,
                                      _FIRST_PREFIX + 2 * _PREFIX)),
                    self.no_room.eq(below(self.payload_length, _FIRST_PREFIX + _PREFIX)),
                ]
            with m.Elif(self.read):
                # A read: lanes and near flags now, the rest pending for the next beat.
                m.d.sync += [
                    *(flag.eq(value) for flag, value in zip(flags, fast, strict=True)),
                    lane_regs.eq(lanes_read), self.type_at.eq(type_read),
                    pending.eq(1), pending_length.eq(length), pending_lane.eq(low_lane),
                    last_small.eq(self.length_small),
                    pending_small.eq(length[lb + 2:] == 0),
                    pending_base.eq(low_lane + 1 - 2 * lanes),
                    base_less1.eq(room_now - _PREFIX), base_less2.eq(room_now - 2 * _PREFIX),
                    *(r.eq(less(f"near_room_less{j}", room_now, MIN_BLOCK + j))
                      for j, r in enumerate(near_room)),
                    *(r.eq(less(f"near_room_next_less{j}", room_now, MIN_BLOCK + _PREFIX + j))
                      for j, r in enumerate(near_room_next)),
                ]
            with m.Elif(pending):
                m.d.sync += [
                    *(flag.eq(value) for flag, value in zip(flags, resolve, strict=True)),
                    self.type_at.eq(body_at),
                    distance.eq(resolved >> lb), pending.eq(0),
                    room.eq(Mux(pending_room[-1], 0, pending_room)),
                    room_next.eq(Mux(pending_room_next[-1], 0, pending_room_next)),
                ]
            with m.Else():
                m.d.sync += [
                    *(flag.eq(value) for flag, value in zip(flags, countdown, strict=True)),
                    self.type_at.eq(body_at),
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


def _mask(bits: int) -> int:
    return (1 << bits) - 1


def _field_of(fields, packed, register):
    """The part of ``packed`` (fields packed in order) that goes to ``register``."""
    at = 0
    for candidate, _value in fields:
        if candidate is register:
            return packed[at:at + len(register)]
        at += len(candidate)
    raise KeyError(register)


def _pack(values, width: int) -> int:
    """Values of ``width`` bits each (modulo), first in the low bits."""
    return sum((int(v) % (1 << width)) << (n * width) for n, v in enumerate(values))
