"""Message slots of :class:`~hdl.feed.mold_framer.MoldFramer`: where a message's bytes are.

A slot follows one message block's body (type byte to last byte) across beats, and writes
its bytes into one message buffer. Two slots alternate, so a message can start in the beat
where the previous one ends.

Stage A2 (which writes the buffers and checks the type byte) reads registers only: what it
needs about the beat it sees next is prepared by A1 the cycle before, from small state
registers:

- ``start`` state: relative to the beat A1 saw last, the body started earlier (``past``),
  in that beat (``now``, at lane ``rot``) or starts at lane 0 of the next one (``soon``);
- ``word``: which word of the buffer the body's bytes of the next beat go to, one-hot: a
  word counter instead of a start position compared with every word number;
- the end comes from the :class:`~hdl.feed.mold_blocks.BlockTracker`: a body ends right
  before the next length prefix, so the tracker's ``end_here`` and ``end_lane`` are the
  end of the body of the last block read (the framer routes them to that block's slot).

A good body is at least 12 bytes, more than a beat's lanes: it never ends in the beat where
it starts. A shorter block is bad (the framer stops the packet there) and its buffer is
never delivered, so the bytes written for it do not matter.

The type byte and the block length are checked by the framer.
"""

from __future__ import annotations

from amaranth import Cat, Const, Mux, Signal

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
        # State, relative to the beat A1 saw last.
        self.soon = Signal(name=f"{name}_soon")
        self.now = Signal(name=f"{name}_now")
        self.past = Signal(name=f"{name}_past")
        self.rot = Signal(self.lane_bits, name=f"{name}_rot")
        # One-hot W + 1, W = buffer word of the next beat's bytes at rotated positions
        # p + rot < lanes (-1 while the body starts in the beat after).
        self.word = Signal(words + 2, name=f"{name}_word")
        self.ended = Signal(name=f"{name}_ended", init=1)
        # A1's look-ahead for A2, all about the beat A2 sees next.
        self.lanes_in = Signal(lanes, name=f"{name}_lanes_in")    # kept lanes of the body
        self.type_kept = Signal(name=f"{name}_type_kept")         # the type byte is in it
        self.last_in = Signal(name=f"{name}_last_in")             # the last byte is in it

    def track(self, m, *, go, first, create, body_now, body_lane, body_from, ends, end_at,
              end_upto, keep):
        """A1: next state and A2's look-ahead for the beat A1 holds (its ``keep``).

        Registers change with ``go``; ``first`` (read only then) resets them. ``create``
        (from registers, but the most logic) only selects between two sets of
        values from registers: those of a new body starting at lane ``body_lane`` (the first
        of the mask ``body_from``) of the beat A1 holds (``body_now``) or at lane 0 of the
        beat after,
        and those of the current body a beat later, which ends in this beat at ``end_at``
        if ``ends``. ``keep`` is contiguous from lane 0 in every beat that can hold a
        length, so a lane's byte is kept if some lane from it on is.
        """
        lanes = self.lanes

        def wire(name, value, shape=1):
            # Named combinational signals keep the simulator's expression trees small.
            signal = Signal(shape, name=f"{self.name}_{name}")
            m.d.comb += signal.eq(value)
            return signal

        # A new body (the same for both slots, so cheap to compute twice).
        new_lanes = wire("new_lanes", Mux(body_now, body_from & keep, 0), lanes)
        new_type_kept = body_now & (body_from & keep).any()

        # The current body, one beat on.
        active = wire("active", (self.past | self.now | self.soon) & ~self.ended)
        ending = wire("ending", active & ends)
        old_lanes = wire("old_lanes", Mux(active, Mux(ends, end_upto, ~0) & keep, 0), lanes)
        old_type_kept = self.soon & keep[0]   # a body starting soon starts at lane 0

        with m.If(go):
            with m.If(first):
                # A new frame: its first beat holds no block.
                m.d.sync += [self.soon.eq(0), self.now.eq(0), self.past.eq(0),
                             self.word.eq(0), self.ended.eq(1), self.lanes_in.eq(0),
                             self.type_kept.eq(0), self.last_in.eq(0)]
            with m.Elif(create):
                m.d.sync += [
                    self.soon.eq(~body_now), self.now.eq(body_now), self.past.eq(0),
                    self.rot.eq(body_lane), self.word.eq(Mux(body_now, 0b10, 0b01)),
                    self.ended.eq(0),
                    self.lanes_in.eq(new_lanes), self.type_kept.eq(new_type_kept),
                    self.last_in.eq(0),
                ]
            with m.Else():
                m.d.sync += [
                    self.soon.eq(0), self.now.eq(self.soon), self.past.eq(self.past | self.now),
                    self.word.eq(self.word << 1), self.ended.eq(self.ended | ending),
                    self.lanes_in.eq(old_lanes), self.type_kept.eq(old_type_kept),
                    self.last_in.eq(ending & (keep & end_at).any()),
                ]

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

