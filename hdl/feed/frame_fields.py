"""Picking header fields out of a beat stream, and per-frame flags that build up beat by beat.

Every header field the frame parser needs sits at an even byte offset from an even base
(Ethernet 0, IPv4 14 or 18, UDP 14 or 18 + 4*IHL): a 16-bit field never straddles two
byte lanes of different pairs. The parser therefore sees a beat as ``lanes / 2``
big-endian 16-bit *words*; word *w* of a frame is bytes 2w and 2w+1, and the beat with
index *b* holds words ``b * words_per_beat`` onward.

A field is found in the beat that holds it (:meth:`BeatWords.at` for a word whose index is
known when the gateware is built, :class:`AheadWord` for one computed from earlier header
fields), and is *present* only if the beat's ``keep`` covers it, so a frame
that ends early never reads stale lanes. :class:`FrameScope` turns such sightings into
values and flags that hold for the rest of the frame, while also offering the value in the
very cycle it is seen (a later field of the same beat may depend on it).
"""

from __future__ import annotations

from amaranth import Array, C, Cat, Mux, Signal, Value

from proto.net import DOT1Q, ETHERNET

__all__ = ["AheadWord", "BeatWords", "FrameScope", "WORD_BYTES", "IP_WORD", "TAG_WORDS",
           "after_ip_header", "split_words"]

WORD_BYTES = 2
#: Frame word of the IPv4 header untagged, and the words an 802.1Q tag adds before it.
IP_WORD = ETHERNET.size // WORD_BYTES
TAG_WORDS = DOT1Q.size // WORD_BYTES


def after_ip_header(offset: int):
    """``word_of_key`` for :class:`AheadWord`: the word ``offset`` words after the IPv4
    header (the UDP or TCP header's words), keyed by ``Cat(ihl, untagged)``."""
    def word_of_key(key: int) -> int:
        ip_word = IP_WORD if key >> 4 else IP_WORD + TAG_WORDS
        return ip_word + 2 * (key & 0xF) + offset
    return word_of_key


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
    beat_is : sequence of Value
        ``beat_is[k]`` is high when the beat is the frame's beat ``k`` (a registered one-hot
        decode, so fixed positions cost no comparator).
    lanes : int
        Bytes per beat, an even power of two.
    """

    def __init__(self, data: Value, keep: Value, valid: Value, beat_is, lanes: int):
        self.per_beat = lanes // WORD_BYTES
        self.shift = self.per_beat.bit_length() - 1
        self.beat_is = beat_is
        self.words = split_words(data, lanes)
        # keep is low-contiguous, so a word is whole when its second byte is kept.
        self.present = [valid & keep[WORD_BYTES * i + 1] for i in range(self.per_beat)]

    def at(self, word: int) -> tuple[Value, Value]:
        """``(seen, value)`` of frame word ``word`` (a constant index)."""
        lane = word % self.per_beat
        return self.beat_is[word // self.per_beat] & self.present[lane], self.words[lane]

    def lanes_of_parity(self, parity: int) -> list[int]:
        """Word lanes a word of that index parity can sit in (``per_beat`` is even)."""
        return [lane for lane in range(self.per_beat) if lane % 2 == parity % 2]


class AheadWord:
    """A frame word whose index is computed from earlier fields, two or more beats ahead.

    The beat it sits in is recognised by a register set in the beat before (the beat index
    compared with a held "beat minus one"), and its lane is a held value, so no comparator
    or adder sits between the beat counter and the logic that consumes the word. Callers
    compare every candidate lane in parallel and pick the result with :attr:`lane`.

    Parameters
    ----------
    m : Module
    scope : FrameScope
    words : BeatWords
    name : str
        Register name prefix.
    key : Value
        The few header bits that fix the position (e.g. IHL and the tag), valid while
        ``seen`` is high.
    word_of_key : callable
        Python function: key value -> the word's index. Positions are looked up in constant
        tables of it, so no adder sits behind the header fields.
    seen : Value
        The fields that fix the position are on rx (at least two beats before the word).
    armed : Value
        The position is known (registered, from the beat after ``seen`` on) and usable.
    valid, last, beat : Value
        The receive beat's ``valid``, ``last`` and its index in the frame.
    parity : int
        Parity of the word's index (fixed by the header layout), which halves the lanes.
    """

    def __init__(self, m, scope, words: BeatWords, name: str, key: Value, word_of_key,
                 seen: Value, armed: Value, valid: Value, last: Value, beat: Value,
                 parity: int):
        keys = range(1 << len(key))
        word_now = Array(C(word_of_key(k) % 256, 8) for k in keys)[key]
        before_now = Array(C(max(word_of_key(k) // words.per_beat - 1, 0) % 256, 8)
                           for k in keys)[key]
        scope.capture(f"{name}_word", seen, word_now, 8)
        self.word = scope.held[f"{name}_word"]
        scope.capture(f"{name}_before", seen, before_now, 8)
        #: The beat on rx (if valid) is the one holding the word.
        self.here = Signal(name=f"{name}_here")
        with m.If(valid):
            m.d.sync += self.here.eq(~last & armed & (beat == scope.held[f"{name}_before"]))
        self.candidates = words.lanes_of_parity(parity)
        lane = self.word[:words.shift] if words.shift else 0
        #: Which of :attr:`candidates` holds the word (a register).
        self.lane = lane >> 1 if words.shift else 0
        self._words = words
        present = [words.present[c] for c in self.candidates]
        #: The word is on rx and kept this cycle.
        self.seen = self.here & self.pick(present)

    def values(self) -> list[Value]:
        """The word's candidate values, one per lane in :attr:`candidates`."""
        return [self._words.words[c] for c in self.candidates]

    def pick(self, per_candidate):
        """Choose the entry of the lane actually holding the word (registered select)."""
        if len(per_candidate) == 1:
            return per_candidate[0]
        return Array(per_candidate)[self.lane]


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
