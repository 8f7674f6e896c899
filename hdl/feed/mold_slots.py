"""Message slots of :class:`~hdl.feed.mold_framer.MoldFramer`: where a message's bytes are.

A slot follows one message block's body (type byte to last byte) across beats, and writes
its bytes into one message buffer. Two slots alternate, so a message can start in the beat
where the previous one ends.

For timing, stage A2 (which writes the buffers and checks the type byte) reads registers
only: what it needs about the beat it sees next is worked out by A1 the cycle before, from
small state registers rather than from distances compared with constants:

- ``start`` state: the body starts in the beat after the next (``soon``), in the next beat
  (``now``, at lane ``rot``) or started earlier (``past``). A new body starts 1..lanes
  bytes after the length prefix's first byte, so ``soon`` lasts one beat at most;
- ``word``: which word of the buffer the body's bytes of the next beat go to, one-hot: a
  word counter instead of ``-(start div lanes)`` compared with every word number;
- ``after``: the byte after the body, relative to lane 0 of the beat A1 sees next (a plain
  down counter, only compared with constants by A1; a new body's is the framer's next
  prefix position, the same sum, so the length meets no adder of the slots), and the
  ``end`` state (in the next beat, or passed).

A body is at least 12 bytes when the block is good (:data:`MIN_UNKNOWN_LENGTH`), more than
a beat's lanes: it never ends in the beat where it starts, which is why a new slot's end
state needs no look at the length adder's result. A shorter block is bad (the framer stops
the packet) and its buffer is never delivered, so the bytes written for it do not matter.
"""

from __future__ import annotations

from amaranth import Cat, Const, Mux, Signal, signed

__all__ = ["MessageSlot"]


class MessageSlot:
    """One message slot: the A1 state and A2 look-ahead registers, and the buffer writes.

    Parameters
    ----------
    index : int
        0 or 1 (names only).
    lanes : int
        Bytes per beat.
    words : int
        Words (of ``lanes`` bytes) of the message buffer.
    """

    def __init__(self, index: int, lanes: int, words: int):
        self.lanes, self.words = lanes, words
        self.lane_bits = (lanes - 1).bit_length()
        self.name = name = f"slot{index}"
        # State for the beat A2 sees next.
        self.soon = Signal(name=f"{name}_soon")
        self.now = Signal(name=f"{name}_now")
        self.past = Signal(name=f"{name}_past")
        self.rot = Signal(self.lane_bits, name=f"{name}_rot")
        # One-hot W + 1, W = buffer word of the next beat's bytes at rotated positions
        # p + rot < lanes (-1 while the body starts in the beat after).
        self.word = Signal(words + 2, name=f"{name}_word")
        self.after = Signal(signed(19), name=f"{name}_after", init=-lanes)
        self.end_now = Signal(name=f"{name}_end_now")
        self.ended = Signal(name=f"{name}_ended", init=1)
        self.length = Signal(16, name=f"{name}_length")
        # A1's look-ahead for A2, all about the beat A2 sees next.
        self.lanes_in = Signal(lanes, name=f"{name}_lanes_in")    # kept lanes of the body
        self.type_kept = Signal(name=f"{name}_type_kept")         # the type byte is in it
        self.type_byte = Signal(8, name=f"{name}_type_byte")
        self.last_in = Signal(name=f"{name}_last_in")             # the last byte is in it

    def track(self, m, *, go, first, create, body_now, body_lane, new_length, next_prefix,
              data, keep):
        """A1: next state and A2's look-ahead for the beat A1 holds (``data``/``keep``).

        ``create`` (late: it waits for the length parse) only selects between two sets of
        values computed in parallel: those of a new body starting at lane ``body_lane`` of
        the beat A1 holds (``body_now``) or at lane 0 of the beat after, and those of the
        current body a beat later. Both come from registers.
        ``next_prefix`` is the new body's end, relative to the beat after.
        """
        lanes, lb = self.lanes, self.lane_bits

        def wire(name, value, shape=1):
            # Named combinational signals keep the simulator's expression trees small.
            signal = Signal(shape, name=f"{self.name}_{name}")
            m.d.comb += signal.eq(value)
            return signal

        # A new body (the same for both slots, so cheap to compute twice).
        new_now, new_rot = body_now, body_lane
        new_lanes = Cat(*(new_now & (new_rot <= i) & keep[i] for i in range(lanes)))
        new_type_kept = new_now & keep.bit_select(new_rot, 1)
        new_type_byte = data.word_select(new_rot, 8)
        new_word = Mux(new_now, 0b10, 0b01)

        # The current body, one beat on.
        started = wire("started", self.past | self.now)
        last_at = wire("last_at", self.after - 1, signed(19))
        end_next = wire("end_next", last_at[lb:] == 0)   # last byte in the beat A1 holds
        end_lane = last_at[:lb]
        gone = wire("gone", self.ended | self.end_now)
        old_lanes = Cat(*((started | (self.soon & (self.rot <= i))) & ~gone &
                          (~end_next | (i <= end_lane)) & keep[i] for i in range(lanes)))
        old_type_kept = self.soon & keep.bit_select(self.rot, 1)
        old_type_byte = data.word_select(self.rot, 8)
        old_last_in = end_next & ~gone & keep.bit_select(end_lane, 1)

        with m.If(go):
            with m.If(create):
                m.d.sync += [
                    self.soon.eq(~new_now), self.now.eq(new_now), self.past.eq(0),
                    self.rot.eq(new_rot), self.word.eq(new_word),
                    self.after.eq(next_prefix), self.end_now.eq(0),
                    self.ended.eq(0), self.length.eq(new_length),
                    self.lanes_in.eq(new_lanes), self.type_kept.eq(new_type_kept),
                    self.type_byte.eq(new_type_byte), self.last_in.eq(0),
                ]
            with m.Else():
                m.d.sync += [
                    self.soon.eq(0), self.now.eq(self.soon), self.past.eq(started),
                    self.word.eq(self.word << 1),
                    self.after.eq(self.after - lanes), self.end_now.eq(end_next & ~gone),
                    self.ended.eq(gone),
                    self.lanes_in.eq(old_lanes), self.type_kept.eq(old_type_kept),
                    self.type_byte.eq(old_type_byte), self.last_in.eq(old_last_in),
                ]
        with m.If(first):
            # A new frame: its first beat holds no block.
            m.d.sync += [self.soon.eq(0), self.now.eq(0), self.past.eq(0), self.word.eq(0),
                         self.after.eq(-lanes), self.end_now.eq(0), self.ended.eq(1),
                         self.lanes_in.eq(0), self.type_kept.eq(0), self.last_in.eq(0)]

    def assemble(self, m, valid, data, buffer):
        """A2: write the beat's bytes of the body into ``buffer``, body byte 0 first.

        Lane ``i`` holds body byte ``i - start``. Rotating the beat right by ``rot`` lanes
        puts every byte at its position within a buffer word; positions ``p + rot < lanes``
        belong to word ``W``, the others to word ``W - 1``.
        """
        lanes = self.lanes
        prefix = buffer.name
        rotated = Signal(8 * lanes, name=f"{prefix}_rotated")
        rotated_en = Signal(lanes, name=f"{prefix}_rotated_en")
        lanes_in = Signal(lanes, name=f"{prefix}_lanes_in")
        m.d.comb += [
            lanes_in.eq(Mux(valid, self.lanes_in, 0)),
            rotated.eq(Cat(data, data).bit_select(Cat(Const(0, 3), self.rot), 8 * lanes)),
            rotated_en.eq(Cat(lanes_in, lanes_in).bit_select(self.rot, lanes)),
        ]
        for p in range(lanes):
            low_part = Signal(name=f"{prefix}_low{p}")
            m.d.comb += low_part.eq(self.rot < lanes - p)
            for w in range(self.words):
                target = Mux(low_part, self.word[w + 1], self.word[w + 2])
                with m.If(rotated_en[p] & target):
                    m.d.sync += buffer.word_select(w * lanes + p, 8).eq(
                        rotated.word_select(p, 8))
