"""Stage A of :class:`~hdl.feed.mold_itch.MoldItch`: MoldUDP64 block framing and message assembly.

Two register stages; every output is valid two cycles after its payload beat:

- A1 sees the beat as it arrives (lanes as received; lane ``i`` holds payload byte
  ``base + i``): :class:`~hdl.feed.mold_header.HeaderCapture` takes the 20-byte header,
  :class:`~hdl.feed.mold_blocks.BlockTracker` reads each block's 2-byte length (possibly
  split over two beats) and knows where each message ends, and the two
  :class:`~hdl.feed.mold_slots.MessageSlot` prepare what A2 needs about the beat. A1
  decides which lengths it reads are blocks of the packet (``parse``: after the header,
  fewer than ``count``), and looks up each type byte's layout size.
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

from hdl.feed.itch_fields import MAX_MESSAGE, SIZE_BITS, type_lookup
from hdl.feed.layouts import CHANNEL_BITS, FEED_BITS, payload_beat_layout
from hdl.feed.mold_blocks import MIN_BLOCK, BlockTracker
from hdl.feed.mold_header import HeaderCapture
from hdl.feed.mold_slots import MessageSlot
from hdl.mapping import below, table
from proto import moldudp64

__all__ = ["MoldFramer", "MIN_UNKNOWN_LENGTH", "SUPPORTED_WIDTHS"]

#: An unknown type is skipped only if it holds the common ITCH header and one more byte.
MIN_UNKNOWN_LENGTH = MIN_BLOCK - moldudp64.BLOCK.size
SUPPORTED_WIDTHS = (32, 64)
_HEADER = moldudp64.HEADER
_COUNT = _HEADER["count"]


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
    type0, type1 : Out(8)
        The type byte of the message in each buffer (set when its type byte is checked,
        at least a cycle before its ``done``).
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
            "type0": Out(8), "type1": Out(8),
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

        # A1's registers change only with a beat (`go`, their clock enable), and a frame's
        # first beat resets them: `beat.first` is read only under `go`, so that the
        # selections behind the enable do not wait for it.
        go = wire("go", self.payload.valid & ~beat.reject)
        first = wire("first", go & beat.first)

        # ---- A1: the input beat. Header, block lengths, message extents. ---------------
        m.submodules.header = header = HeaderCapture(lanes)
        m.submodules.blocks = blocks = BlockTracker(lanes, SIZE_BITS)
        for part in (header, blocks):
            m.d.comb += [part.go.eq(go), part.first.eq(beat.first), part.base.eq(beat.base),
                         part.data.eq(beat.data), part.keep.eq(beat.keep)]
        m.d.comb += [blocks.payload_length.eq(beat.length), self.header.eq(header.header)]
        count = Cat(*reversed([header.header.word_select(k, 8)
                               for k in range(_COUNT.offset, _COUNT.end)]))

        # `index < count` one cycle ahead, from registers. The cycle after the header beat
        # sees a stale value, but only block 0 can be parsed then (block 1's length is at
        # least 14 bytes after the header's end).
        index, index1 = Signal(16), Signal(17, init=1)     # index1 = index + 1
        first_block, more = Signal(init=1), Signal()
        index_next_lt = wire("index_next_lt", below(index1, count))
        # A length read is a block after the header, while the count lasts (`parse`). In
        # the header's beat a read length lies after the header's last byte, so a kept read
        # implies a kept header end. The slots and the count follow every such read, kept
        # or not (`create`, from registers): past the payload's end nothing more is kept.
        create = wire("create", blocks.read &
                      (header.ending | (header.done & (first_block | more))))
        later = wire("later", go & ~beat.first)
        parse = wire("parse", later & create & blocks.read_kept)
        m.d.sync += more.eq(Mux(later & create, index_next_lt, below(index, count)))
        with m.If(go):
            with m.If(beat.first):
                m.d.sync += [index.eq(0), index1.eq(1), first_block.eq(1)]
            with m.Elif(create):
                m.d.sync += [index.eq(index1), index1.eq(index1 + 1), first_block.eq(0)]

        # The payload's last byte: in how many beats (`end_beats`, from the next one), at
        # which lane. The first beat stores the count from the second (a carry chain after
        # the input registers, with no selection after it); from the second beat on it
        # counts down, and "the next beat" is a comparison of the count with 1 (no carry
        # chain before it). A payload ending in the first two beats has no whole header,
        # so there it does not matter.
        end_first, end_beats = (Signal(signed(18 - lane_bits), name="end_first"),
                                Signal(signed(18 - lane_bits), name="end_beats"))
        end_lane, end_next, second = (Signal(lane_bits, name="end_lane"),
                                      Signal(name="end_next"), Signal(name="second"))
        with m.If(go):
            with m.If(beat.first):
                # -lanes < base <= 0 in a first beat: one small operand, one carry chain.
                offset = table(m, "end_offset", beat.base[:lane_bits],
                               lambda low: ((-low) % lanes) - 1 - lanes, lane_bits + 2)
                end = wire("end_from_second", beat.length + offset.as_signed(), signed(18))
                m.d.sync += [end_first.eq(end[lane_bits:]), end_lane.eq(end[:lane_bits]),
                             end_next.eq(0), second.eq(1)]
            with m.Else():
                beats_now = wire("end_beats_now", Mux(second, end_first, end_beats),
                                 signed(18 - lane_bits))
                m.d.sync += [end_beats.eq(beats_now - 1), second.eq(0),
                             end_next.eq(beats_now == 1)]
        end_in = wire("end_in", later & end_next & beat.keep.bit_select(end_lane, 1))

        # The slots; the current body's end goes to the slot of the last block parsed.
        slots = [MessageSlot(s, lanes, self.words) for s in range(2)]
        current = Signal()
        with m.If(later & create):
            m.d.sync += current.eq(index[0])
        created = [wire(f"created{s}", create & (index[0] == s)) for s in range(2)]
        # At most one type byte is in a beat (a message is longer than a beat): it is looked
        # up once, for whichever slot it belongs to.
        type_byte = wire("type_byte", _or_all(beat.data.word_select(lane, 8) &
                                              blocks.type_at[lane].replicate(8)
                                              for lane in range(lanes)), 8)
        type_known, type_size = type_lookup(m, type_byte, "type")
        # Its block's length: read in this beat, or in the one before when the message
        # starts at lane 0 (no other length can be read in that beat). Only the low bits
        # and "below 64" are kept: every known type's layout size is below 64.
        soon = wire("soon", slots[0].soon | slots[1].soon)
        check_low = wire("check_low", Mux(soon, blocks.last_length, blocks.length)[:SIZE_BITS],
                         SIZE_BITS)
        check_small = wire("check_small", Mux(soon, blocks.last_small, blocks.length_small))
        for s, slot in enumerate(slots):
            slot.track(m, go=go, first=beat.first, create=created[s], body_now=blocks.body_now,
                       body_lane=blocks.body_lane, body_from=blocks.body_from,
                       ends=blocks.end_here & (current == s), end_at=blocks.end_at,
                       end_upto=blocks.end_upto, keep=beat.keep)

        # A1 -> A2 pipeline register: the beat and what A1 found in it.
        a2 = _A2Beat(lanes)
        m.d.sync += [
            a2.valid.eq(go), a2.data.eq(beat.data), a2.last.eq(beat.last),
            a2.good.eq(beat.good), a2.feed.eq(beat.feed), a2.channel.eq(beat.channel),
            a2.end_in.eq(end_in), a2.header_now.eq(header.now), a2.parse.eq(parse),
            a2.length.eq(blocks.length), a2.over_room.eq(blocks.over_room),
            a2.over_room_next.eq(blocks.over_room_next),
            a2.first_missing.eq(header.now & blocks.no_room),
            a2.first_block.eq(first_block), a2.index_next_lt.eq(index_next_lt),
            a2.created.eq(Cat(*created) & later.replicate(2)),
            a2.type_byte.eq(type_byte), a2.type_known.eq(type_known),
            a2.type_size.eq(type_size), a2.check_low.eq(check_low),
            a2.check_small.eq(check_small),
        ]

        # ---- A2: the previous beat. Type checks, message bytes, verdicts. --------------
        type_code = [self.type0, self.type1]
        end_seen, missing, missing_counted = Signal(), Signal(), Signal()
        stop, header_seen, new_frame = Signal(), Signal(), Signal()
        m.d.sync += new_frame.eq(first)
        # A block length of 0 or past the payload end; a next prefix that cannot fit
        # (judged once the payload end is in, and only if the count wants another block).
        length_bad = wire("length_bad", a2.parse & ((a2.length == 0) | a2.over_room))
        missing_new = wire("missing_new", a2.first_missing |
                           (a2.parse & ~length_bad & a2.over_room_next))
        # Whether the missing block is within the count: block 0 (a header without room),
        # block 1 after a block 0 parsed in the header's beat (the count was not yet in),
        # or a later one (compared in A1).
        missing_lt = wire("missing_lt", Mux(a2.first_missing, header.count_nonzero,
                                            Mux(a2.first_block, header.count_ge2,
                                                a2.index_next_lt)))
        blocks_ok = wire("blocks_ok", a2.valid & ~stop & (header_seen | a2.header_now) &
                         header.has_blocks)
        end_seen_now = wire("end_seen_now", end_seen | a2.end_in)
        missing_now = wire("missing_now", end_seen_now &
                           Mux(missing_new, missing_lt, missing & missing_counted))
        bad_now = wire("bad_now", blocks_ok & (length_bad | missing_now))

        # Type checks take two cycles: the type byte's layout size (looked up in A1) is
        # compared with its block's length in the cycle the byte is here, the result used
        # in the next (a message ends at least a beat after its type byte, so its `done`
        # can still wait for it). A failure pulses `bad` a cycle after it would have, for
        # the same packet.
        size_ok, known_type = Signal(), Signal()
        m.d.sync += [
            size_ok.eq(Mux(a2.type_known, (a2.type_size == a2.check_low) & a2.check_small,
                           ~a2.check_small | ~below(a2.check_low, MIN_UNKNOWN_LENGTH))),
            known_type.eq(a2.type_known),
        ]
        type_bad, complete, known_now = [], [], []
        for s, slot in enumerate(slots):
            typed, known, checking = (Signal(name=f"typed{s}"), Signal(name=f"known{s}"),
                                      Signal(name=f"checking{s}"))
            check = wire(f"check{s}", blocks_ok & slot.type_kept)
            m.d.sync += checking.eq(check & ~bad_now)
            with m.If(check):
                m.d.sync += type_code[s].eq(a2.type_byte)
            typed_now = wire(f"typed_now{s}", typed | (checking & size_ok))
            known_now.append(wire(f"known_now{s}", known | (checking & known_type)))
            type_bad.append(wire(f"type_bad{s}", checking & ~size_ok))
            complete.append(wire(f"complete{s}", blocks_ok & slot.last_in & typed_now))
            m.d.sync += [typed.eq(typed_now & ~a2.created[s]),
                         known.eq(known_now[s] & ~a2.created[s])]
            slot.assemble(m, a2.valid, a2.data, self.buffer1 if s else self.buffer0)
        bad = wire("bad", bad_now | type_bad[0] | type_bad[1])
        with m.If(a2.valid):
            m.d.sync += end_seen.eq(end_seen_now)
            with m.If(missing_new):
                m.d.sync += [missing.eq(1), missing_counted.eq(missing_lt)]
            with m.If(a2.header_now):
                m.d.sync += header_seen.eq(1)
        # A type failure of a frame that has ended does not stop the next one.
        with m.If(bad_now | ((type_bad[0] | type_bad[1]) & ~new_frame)):
            m.d.sync += stop.eq(1)
        with m.If(first):
            # A2 still finishes the previous frame this cycle; the new one starts clean.
            m.d.sync += [stop.eq(0), end_seen.eq(0), missing.eq(0), header_seen.eq(0)]

        done_one = complete[1]
        m.d.sync += [
            self.header_done.eq(a2.header_now),
            self.done.eq(complete[0] | complete[1]),
            self.done_slot.eq(done_one),
            self.done_type.eq(Mux(done_one, type_code[1], type_code[0])),
            self.done_known.eq(Mux(done_one, known_now[1], known_now[0])),
            self.bad.eq(bad),
            self.end.eq(a2.valid & a2.last),
            self.end_good.eq(a2.good),
        ]
        with m.If(a2.valid):
            m.d.sync += [self.feed.eq(a2.feed), self.channel.eq(a2.channel)]
        return m


def _or_all(values):
    values = list(values)
    result = values[0]
    for value in values[1:]:
        result = result | value
    return result


class _A2Beat:
    """A1 -> A2 pipeline registers: the beat, and what A1 found in it."""

    def __init__(self, lanes: int):
        def reg(name, width=1):
            return Signal(width, name=f"a2_{name}")

        self.valid, self.last, self.good = reg("valid"), reg("last"), reg("good")
        self.data = reg("data", 8 * lanes)
        self.feed, self.channel = reg("feed", FEED_BITS), reg("channel", CHANNEL_BITS)
        self.end_in = reg("end_in")                  # the payload's last byte is in the beat
        self.header_now, self.parse = reg("header_now"), reg("parse")
        self.length, self.over_room = reg("length", 16), reg("over_room")
        self.over_room_next = reg("over_room_next")
        self.first_missing = reg("first_missing")    # the header leaves no room for block 0
        self.first_block = reg("first_block")        # a parse was of block 0
        self.index_next_lt = reg("index_next_lt")    # index + 1 < count (count registered)
        self.created = reg("created", 2)
        self.type_byte = reg("type_byte", 8)         # if a message starts in the beat
        self.type_known, self.type_size = reg("type_known"), reg("type_size", SIZE_BITS)
        # Its block's length: low bits, and below 2**SIZE_BITS.
        self.check_low, self.check_small = reg("check_low", SIZE_BITS), reg("check_small")
