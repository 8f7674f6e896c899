"""Picking header fields out of a beat stream, and per-frame flags that build up beat by beat.

Every header field the frame parser needs sits at an even byte offset from an even base
(Ethernet 0, IPv4 14 or 18, UDP 14 or 18 + 4*IHL): a 16-bit field never straddles two
byte lanes of different pairs. The parser therefore sees a beat as ``lanes / 2``
big-endian 16-bit *words*; word *w* of a frame is bytes 2w and 2w+1, and the beat with
index *b* holds words ``b * words_per_beat`` onward.

A field is found in the beat that holds it (:meth:`BeatWords.at` for a word whose index is
known when the gateware is built, :meth:`BeatWords.at_dynamic` for one computed from
earlier header fields), and is *present* only if the beat's ``keep`` covers it, so a frame
that ends early never reads stale lanes. :class:`FrameScope` turns such sightings into
values and flags that hold for the rest of the frame, while also offering the value in the
very cycle it is seen (a later field of the same beat may depend on it).
"""

from __future__ import annotations

from amaranth import Array, Cat, Mux, Signal, Value

__all__ = ["BeatWords", "FrameScope", "WORD_BYTES", "split_words"]

WORD_BYTES = 2


def split_words(data: Value, lanes: int) -> list[Value]:
    """The beat's big-endian 16-bit words, lowest lanes first."""
    return [Cat(data[16 * i + 8:16 * i + 16], data[16 * i:16 * i + 8])
            for i in range(lanes // WORD_BYTES)]


class BeatWords:
    """The 16-bit words of the current receive beat and where they sit in the frame.

    Parameters
    ----------
    data, keep : Value
        The beat's ``data`` and ``keep``.
    valid : Value
        A beat is present this cycle.
    beat : Value
        Index of this beat within its frame (0 on the first beat).
    lanes : int
        Bytes per beat, an even power of two.
    """

    def __init__(self, data: Value, keep: Value, valid: Value, beat: Value, lanes: int):
        self.per_beat = lanes // WORD_BYTES
        self.shift = self.per_beat.bit_length() - 1
        self.beat = beat
        self.words = split_words(data, lanes)
        # keep is low-contiguous, so a word is whole when its second byte is kept.
        self.present = [valid & keep[WORD_BYTES * i + 1] for i in range(self.per_beat)]

    def at(self, word: int) -> tuple[Value, Value]:
        """``(seen, value)`` of frame word ``word`` (a constant index)."""
        lane = word % self.per_beat
        seen = (self.beat == word // self.per_beat) & self.present[lane]
        return seen, self.words[lane]

    def at_dynamic(self, word: Value) -> tuple[Value, Value]:
        """``(seen, value)`` of frame word ``word`` (a signal, e.g. from the IHL)."""
        lane = word[:self.shift] if self.shift else 0
        present = Array(self.present)[lane] if self.shift else self.present[0]
        value = Array(self.words)[lane] if self.shift else self.words[0]
        return (self.beat == (word >> self.shift)) & present, value


class FrameScope:
    """Per-frame state updated by the beats of one frame and cleared by the next.

    Parameters
    ----------
    m : Module
        Where the registers go (``sync`` domain).
    start : Value
        The current beat is a frame's first: state from earlier frames is ignored.

    Attributes
    ----------
    held : dict of str to Signal
        The register behind each named value or flag: what it was after the previous beat.
        It lags by a cycle, which shortens logic paths where the field is known to be at
        least one beat back (it is stale in a frame's first beat).
    """

    def __init__(self, m, start: Value):
        self.m = m
        self.start = start
        self.held = {}

    def capture(self, name: str, seen: Value, value: Value, width: int | None = None) -> Value:
        """A field's value from the cycle it is seen until the frame ends.

        Before it is seen the result is stale (from an earlier frame): only use it where
        the field's position guarantees it was seen.
        """
        held = self.held[name] = Signal(width or len(value), name=name)
        now = Signal.like(held, name=f"{name}_now")
        self.m.d.comb += now.eq(Mux(seen, value, held))
        self.m.d.sync += held.eq(now)
        return now

    def flag(self, name: str, *conditions: Value) -> Value:
        """Sticky OR over the frame: set once any condition holds in a beat of it."""
        held = self.held[name] = Signal(name=name)
        now = Signal(name=f"{name}_now")
        fresh = 0
        for condition in conditions:
            fresh = fresh | condition
        self.m.d.comb += now.eq((held & ~self.start) | fresh)
        self.m.d.sync += held.eq(now)
        return now

    def all_of(self, name: str, checks, width: int = 1) -> Value:
        """Sticky AND over the frame of ``(seen, ok)`` checks (``ok`` may be a bit vector)."""
        held = self.held[name] = Signal(width, name=name, init=(1 << width) - 1)
        now = Signal(width, name=f"{name}_now")
        result = Mux(self.start, (1 << width) - 1, held)
        for seen, ok in checks:
            result = result & Mux(seen, ok, (1 << width) - 1)
        self.m.d.comb += now.eq(result)
        self.m.d.sync += held.eq(now)
        return now

    def held_flag(self, name: str, *conditions: Value) -> Value:
        """Sticky OR that counts only earlier beats of this frame (one cycle behind)."""
        self.flag(name, *conditions)
        return self.held[name] & ~self.start
