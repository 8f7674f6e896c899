"""Stage A of :class:`~hdl.feed.mold_itch.MoldItch`: MoldUDP64 block framing and message assembly.

Two register stages; every output is valid two cycles after its payload beat:

- A1 sees the beat as it arrives (lanes as received; lane ``i`` holds payload byte
  ``base + i``). It captures the 20-byte MoldUDP64 header and parses each block's 2-byte
  length (possibly split over two beats), which gives the message's extent and where the
  next length is. Distances are kept relative to the current beat in registers, so no long
  path subtracts ``base``. A1 runs slightly ahead: it parses block 0 in the header's last
  beat before the count is registered, and does not look at type bytes.
- A2 sees the same beat a cycle later, with A1's findings. It checks each block's type
  byte, writes message bytes into their buffer, and judges: a block is ``bad`` when its
  length is 0 or runs past the UDP payload end (when the length is in), when its length is
  not a known type's layout size or is under 12 for an unknown type (when the type byte is
  in), or when its length prefix is missing (once the payload end is in): the same points
  as :mod:`sim.feed_channel`. The first of these pulses ``bad`` once and A2 ignores the rest
  of the packet, including anything A1 parsed beyond it (and every block of a heartbeat or
  end-of-session packet, count 0 or 0xFFFF).

Message bytes are rotated by the message's start lane (constant for the whole message) into
a word-aligned buffer, byte 0 of the message in bits 7..0. Two buffers alternate, so message
``k + 1`` can start in the beat where message ``k`` ends; ``done`` pulses (with the buffer,
type byte and whether the type is known) the cycle after the buffer is complete, and that
buffer is not written again before the cycle after that.

At most one block ends per beat: a good block is at least 14 bytes (2 of length, 12 of
message), more than the 8 lanes of a 64-bit bus. This is why wider buses are refused.
"""

from __future__ import annotations

from amaranth import Cat, Module, Mux, Signal, signed
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.itch_fields import MAX_MESSAGE, type_sizes
from hdl.feed.layouts import CHANNEL_BITS, FEED_BITS, payload_beat_layout
from hdl.feed.mold_slots import MessageSlot
from proto import itch, moldudp64

__all__ = ["MoldFramer", "MIN_UNKNOWN_LENGTH", "SUPPORTED_WIDTHS"]

#: An unknown type is skipped only if it holds the common ITCH header and one more byte.
MIN_UNKNOWN_LENGTH = sum(size for _, size, *_ in itch.HEADER) + 1
SUPPORTED_WIDTHS = (32, 64)
_HEADER = moldudp64.HEADER
_COUNT = _HEADER["count"]
_PREFIX = moldudp64.BLOCK.size
_NO_BLOCKS = (moldudp64.HEARTBEAT_COUNT, moldudp64.END_OF_SESSION_COUNT)


class MoldFramer(wiring.Component):
    """Block framing and message assembly (see the module docstring).

    Parameters
    ----------
    width : int
        Payload beat width in bits: 32 or 64.

    Interface attributes
    --------------------
    payload : In(stream.Signature(payload_beat_layout(width), always_ready=True))
        From the frame parser.
    header : Out(160)
        MoldUDP64 header bytes, byte 0 in bits 7..0; complete from ``header_done`` on.
    header_done : Out(1)
        Pulse: the header's last byte was in the previous beat.
    done, done_slot, done_type, done_known : Out
        Pulse: a message is complete in buffer ``done_slot``; its type byte; known type.
    bad : Out(1)
        Pulse: a block length is wrong; the rest of the packet is ignored.
    end, end_good : Out(1)
        Pulse: the frame's last beat; its ``good`` flag.
    feed, channel : Out
        Of the previous beat.
    buffer0, buffer1 : Out
        The two message buffers (``words * lanes`` bytes each).
    """

    def __init__(self, width: int = 64):
        if width not in SUPPORTED_WIDTHS:
            self._MustUse__silence = True  # refused, never elaborated: no warning
            raise ValueError(f"payload width {width}: MoldFramer supports {SUPPORTED_WIDTHS} "
                             "(wider buses could end two message blocks in one beat)")
        self.lanes = width // 8
        self.words = -(-MAX_MESSAGE // self.lanes)
        buffer_bits = 8 * self.words * self.lanes
        super().__init__({
            "payload": In(stream.Signature(payload_beat_layout(width), always_ready=True)),
            "header": Out(8 * _HEADER.size),
            "header_done": Out(1),
            "done": Out(1), "done_slot": Out(1), "done_type": Out(8), "done_known": Out(1),
            "bad": Out(1),
            "end": Out(1), "end_good": Out(1),
            "feed": Out(FEED_BITS), "channel": Out(CHANNEL_BITS),
            "buffer0": Out(buffer_bits), "buffer1": Out(buffer_bits),
        })

    def elaborate(self, platform):
        m = Module()
        lanes, beat = self.lanes, self.payload.p
        lane_bits = (lanes - 1).bit_length()

        def wire(name, value, shape=1):
            # Named signals keep the simulator's expression trees (and waveforms) small.
            signal = Signal(shape, name=name)
            m.d.comb += signal.eq(value)
            return signal

        def lane_at(name, distance, data, keep):
            """(kept, byte) of the lane ``distance`` bytes after lane 0, if in the beat."""
            lane = distance[:lane_bits]
            # 0 <= distance < lanes as a bit test (no carry chain): upper bits all zero.
            kept = (distance[lane_bits:] == 0) & keep.bit_select(lane, 1)
            return wire(f"{name}_kept", kept), wire(f"{name}_byte", data.word_select(lane, 8), 8)

        go = wire("go", self.payload.valid & ~beat.reject)
        first = wire("first", go & beat.first)

        # ---- A1: the input beat. Header bytes, block lengths, message extents. ----------
        header, header_done = self.header, Signal()
        for k in range(_HEADER.size):
            kept, byte = lane_at(f"header{k}", wire(f"header{k}_distance", k - beat.base,
                                                     signed(19)), beat.data, beat.keep)
            with m.If(go & kept):
                m.d.sync += header.word_select(k, 8).eq(byte)
        # Where the header's last byte is, relative to this beat, from a register: it decides
        # whether a block length may be parsed, so it must not wait for `base` arithmetic.
        to_header_end = Signal(signed(19))
        header_end_kept = lane_at("header_end", to_header_end, beat.data, beat.keep)[0]
        header_now = wire("header_now", go & ~first & header_end_kept & ~header_done)
        count = Cat(*reversed([header.word_select(k, 8) for k in range(_COUNT.offset,
                                                                       _COUNT.end)]))
        has_blocks = wire("has_blocks", (count != _NO_BLOCKS[0]) & (count != _NO_BLOCKS[1]))

        # Distances are relative to lane 0 of the beat A1 sees next (`rel_at`) or of the
        # beat A2 sees next (the slots): no subtraction of `base` on any long path.
        rel_at = Signal(signed(19))
        room, room_next = Signal(signed(18)), Signal(signed(18))  # bytes after the prefix
        index, stop1, stop2 = Signal(16), Signal(), Signal()
        have_high, high = Signal(), Signal(8)
        # `index < count` one cycle ahead, from registers. The cycle after the header beat
        # sees a stale value, but only block 0 can be parsed then (block 1's length is at
        # least 14 bytes after the header's end).
        more = Signal()
        want = wire("want", go & ~first & ~stop1 & ~stop2 &
                    (header_now | (header_done & has_blocks & ((index == 0) | more))))
        # Flags of `rel_at` in registers of their own (0 <= rel_at < lanes; rel_at == -1):
        # no wide zero test of `rel_at` ahead of the length bytes' multiplexers.
        rel_near, rel_m1 = Signal(init=1), Signal()
        high_kept = wire("high_kept", rel_near & beat.keep.bit_select(rel_at[:lane_bits], 1))
        high_byte = wire("high_byte", beat.data.word_select(rel_at[:lane_bits], 8), 8)
        # The low byte's lane, `rel_at + 1` (-1 <= rel_at < lanes - 1), kept in a register of
        # its own: no adder before the multiplexer on the length recurrence.
        low_lane = Signal(lane_bits, init=1)
        low_in = rel_m1 | (rel_near & (rel_at[:lane_bits] != lanes - 1))
        low_kept = wire("low_kept", low_in & beat.keep.bit_select(low_lane, 1))
        low_byte = wire("low_byte", beat.data.word_select(low_lane, 8), 8)
        parse = wire("parse", want & low_kept)
        # With a parse and `rel_near`, the high byte is in this beat and kept (payload lanes
        # are contiguous and the low byte, in the next lane, is kept): `rel_near` selects
        # it without waiting for `keep`.
        new_length = wire("new_length", Cat(low_byte, Mux(rel_near, high_byte, high)), 16)
        # The length checks go to A2 raw: A2 combines them with `parse`, so that each wide
        # comparison ends in a register.
        length_zero = wire("length_zero", new_length == 0)
        over_room = wire("over_room", new_length > room)
        over_room_next = wire("over_room_next", new_length > room_next)
        short = wire("short", new_length < MIN_UNKNOWN_LENGTH)
        # The next block's prefix cannot fit: judged by A2 once the payload end is in.
        first_missing = wire("first_missing", header_now & (room < 0))

        # Constants are added to registers early in the cycle; the late `new_length` then
        # meets a single adder.
        body_at_next = wire("body_at_next", rel_at + _PREFIX - lanes, signed(19))
        room_less = wire("room_less", room - _PREFIX, signed(18))
        room_next_less = wire("room_next_less", room_next - _PREFIX, signed(18))
        rel_step = Signal(signed(19))
        next_prefix = wire("next_prefix", body_at_next + new_length, signed(19))
        m.d.comb += rel_step.eq(Mux(parse, next_prefix, rel_at - lanes))
        # The flags after a parse, without the wide sum: -lanes < body_at_next <= 0 here, so
        # the next prefix is near (or at -1) only for a length under 2 * lanes, and then a
        # sum of a few low bits tells.
        small = wire("small", new_length[lane_bits + 1:] == 0)
        near_sum = wire("near_sum", new_length[:lane_bits + 1] +
                        body_at_next[:lane_bits + 2].as_signed(), signed(lane_bits + 3))
        parsed_near = wire("parsed_near", small & (near_sum >= 0) & (near_sum < lanes))
        parsed_m1 = wire("parsed_m1", small & (near_sum == -1))
        # Where a body parsed now starts (`body_at`, 1..lanes), from the `rel_at` flags and
        # low bits: in this beat unless the prefix's high byte is in lane lanes - 2.
        body_now = wire("body_now", ~(rel_near & (rel_at[:lane_bits] == lanes - 2)))
        body_lane = wire("body_lane", rel_at[:lane_bits] + _PREFIX, lane_bits)
        slots = [MessageSlot(s, lanes, self.words) for s in range(2)]
        m.d.sync += more.eq(Mux(parse, index + 1 < count, index < count))
        with m.If(go):
            m.d.sync += [rel_at.eq(rel_step), to_header_end.eq(to_header_end - lanes)]
            with m.If(parse):
                m.d.sync += [rel_near.eq(parsed_near), rel_m1.eq(parsed_m1)]
            with m.Else():
                m.d.sync += [rel_near.eq(rel_at[lane_bits:] == 1), rel_m1.eq(rel_at == lanes - 1)]
            with m.If(parse):
                m.d.sync += [index.eq(index + 1), have_high.eq(0),
                             low_lane.eq(rel_at[:lane_bits] + _PREFIX + 1 +
                                         new_length[:lane_bits]),
                             room.eq(room_less - new_length),
                             room_next.eq(room_next_less - new_length)]
                # Only a short block must stop A1 here: after a block that runs past the
                # payload end (`length_bad`), or leaves no room for the next prefix
                # (`over_room_next`), the next prefix lies beyond the payload, where `keep` is
                # 0, so nothing more is parsed anyway. This keeps the wide length
                # comparisons off `stop1`'s enable.
                with m.If(short):
                    m.d.sync += stop1.eq(1)
            with m.Elif(want & high_kept):
                m.d.sync += [have_high.eq(1), high.eq(high_byte)]
            with m.If(first_missing):
                m.d.sync += stop1.eq(1)
            with m.If(header_now):
                m.d.sync += header_done.eq(1)
        with m.If(first):
            # A new frame: its first beat holds payload bytes 0..lanes-1 only, no block.
            first_rel = wire("first_rel", _HEADER.size - beat.base - lanes, signed(19))
            m.d.sync += [rel_at.eq(first_rel),
                         rel_near.eq(first_rel[lane_bits:] == 0), rel_m1.eq(first_rel == -1),
                         low_lane.eq(_HEADER.size + 1 - beat.base),
                         to_header_end.eq(_HEADER.size - 1 - beat.base - lanes),
                         room.eq(beat.length - _HEADER.size - _PREFIX),
                         room_next.eq(beat.length - _HEADER.size - 2 * _PREFIX),
                         index.eq(0), stop1.eq(0), have_high.eq(0), header_done.eq(0)]

        created = [wire(f"created{s}", parse & (index[0] == s)) for s in range(2)]
        for s, slot in enumerate(slots):
            slot.track(m, go=go, first=first, create=created[s], body_now=body_now,
                       body_lane=body_lane,
                       new_length=new_length, next_prefix=next_prefix, data=beat.data,
                       keep=beat.keep)

        # A1 -> A2 pipeline register: the beat and what A1 found in it.
        a2 = _A2Beat(lanes)
        m.d.sync += [
            a2.valid.eq(go), a2.first.eq(first), a2.data.eq(beat.data), a2.keep.eq(beat.keep),
            a2.last.eq(beat.last), a2.good.eq(beat.good),
            a2.feed.eq(beat.feed), a2.channel.eq(beat.channel),
            a2.end_in.eq(lane_at("payload_end", wire("payload_end", beat.length - 1 - beat.base,
                                                     signed(19)), beat.data, beat.keep)[0]),
            a2.header_now.eq(header_now), a2.parse.eq(parse), a2.length_zero.eq(length_zero),
            a2.over_room.eq(over_room), a2.over_room_next.eq(over_room_next),
            a2.first_missing.eq(first_missing),
            a2.missing_index.eq(Mux(first_missing, 0, index + 1)),
            a2.created.eq(Cat(*created)),
        ]

        # ---- A2: the previous beat. Type checks, message bytes, verdicts. --------------
        typed = [Signal(name=f"typed{s}") for s in range(2)]
        known = [Signal(name=f"known{s}") for s in range(2)]
        type_code = [Signal(8, name=f"type{s}") for s in range(2)]
        end_seen, missing, missing_index = Signal(), Signal(), Signal(16)
        # A block length of 0 or past the payload end; a next prefix that cannot fit
        # (judged once the payload end is in).
        m.d.comb += [
            a2.length_bad.eq(a2.parse & (a2.length_zero | a2.over_room)),
            a2.missing.eq(a2.first_missing | (a2.parse & ~a2.length_bad & a2.over_room_next)),
        ]
        header_seen = Signal()
        blocks_ok = wire("blocks_ok", a2.valid & ~stop2 & (header_seen | a2.header_now) &
                         has_blocks)
        end_seen_now = wire("end_seen_now", end_seen | a2.end_in)
        missing_now = wire("missing_now", (missing | a2.missing) & end_seen_now &
                           (Mux(a2.missing, a2.missing_index, missing_index) < count))
        sizes = type_sizes()
        type_bad, complete = [], []
        for s, slot in enumerate(slots):
            was_typed = wire(f"was_typed{s}", typed[s] & ~a2.created[s])
            type_kept, type_byte = slot.type_kept, slot.type_byte
            is_known, known_size = Signal(name=f"is_known{s}"), Signal(8, name=f"size{s}")
            with m.Switch(type_byte):
                for code, layout_size in sizes.items():
                    with m.Case(code):
                        m.d.comb += [is_known.eq(1), known_size.eq(layout_size)]
            check = wire(f"check{s}", blocks_ok & ~was_typed & type_kept)
            size_ok = wire(f"size_ok{s}", Mux(is_known, slot.length == known_size,
                                              slot.length >= MIN_UNKNOWN_LENGTH))
            type_bad.append(wire(f"type_bad{s}", check & ~size_ok))
            complete.append(wire(f"complete{s}", blocks_ok & was_typed & slot.last_in))
            with m.If(a2.created[s]):
                m.d.sync += typed[s].eq(0)
            with m.If(check & size_ok):
                m.d.sync += [typed[s].eq(1), type_code[s].eq(type_byte), known[s].eq(is_known)]
            slot.assemble(m, a2.valid, a2.data, self.buffer1 if s else self.buffer0)
        bad = wire("bad", blocks_ok & (a2.length_bad | type_bad[0] | type_bad[1] | missing_now))
        with m.If(a2.valid):
            m.d.sync += end_seen.eq(end_seen_now)
            with m.If(a2.missing):
                m.d.sync += [missing.eq(1), missing_index.eq(a2.missing_index)]
            with m.If(bad):
                m.d.sync += stop2.eq(1)
            with m.If(a2.header_now):
                m.d.sync += header_seen.eq(1)
        with m.If(first):
            # A2 still finishes the previous frame this cycle; the new one starts clean.
            m.d.sync += [stop2.eq(0), end_seen.eq(0), missing.eq(0), header_seen.eq(0),
                         typed[0].eq(0), typed[1].eq(0)]

        done_one = complete[1]
        m.d.sync += [
            self.header_done.eq(a2.header_now),
            self.done.eq(complete[0] | complete[1]),
            self.done_slot.eq(done_one),
            self.done_type.eq(Mux(done_one, type_code[1], type_code[0])),
            self.done_known.eq(Mux(done_one, known[1], known[0])),
            self.bad.eq(bad),
            self.end.eq(a2.valid & a2.last),
            self.end_good.eq(a2.good),
        ]
        with m.If(a2.valid):
            m.d.sync += [self.feed.eq(a2.feed), self.channel.eq(a2.channel)]
        return m


class _A2Beat:
    """A1 -> A2 pipeline registers: the beat, and what A1 found in it."""

    def __init__(self, lanes: int):
        self.valid, self.first = Signal(name="a2_valid"), Signal(name="a2_first")
        self.last, self.good = Signal(name="a2_last"), Signal(name="a2_good")
        self.data, self.keep = Signal(8 * lanes, name="a2_data"), Signal(lanes, name="a2_keep")
        self.feed, self.channel = Signal(FEED_BITS, name="a2_feed"), \
            Signal(CHANNEL_BITS, name="a2_channel")
        self.end_in = Signal(name="a2_end_in")    # the payload's last byte is in the beat
        self.header_now, self.parse = Signal(name="a2_header_now"), Signal(name="a2_parse")
        self.length_zero, self.over_room = Signal(name="a2_length_zero"), \
            Signal(name="a2_over_room")
        self.over_room_next = Signal(name="a2_over_room_next")
        self.first_missing = Signal(name="a2_first_missing")
        # Combinational, from the registers above.
        self.length_bad = Signal(name="a2_length_bad")
        self.missing, self.missing_index = Signal(name="a2_missing"), \
            Signal(16, name="a2_missing_index")
        self.created = Signal(2, name="a2_created")
