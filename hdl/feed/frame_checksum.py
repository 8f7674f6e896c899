"""IPv4 header checksum over a beat stream, pipelined so no cycle holds a long adder chain.

The header is the 16-bit words ``[first_word, end_word)`` of the frame (see
:mod:`hdl.feed.frame_fields` for word numbering). The check (RFC 1071) is that the one's
complement sum of those words, checksum field included, is 0xFFFF. The sum is kept as a
plain binary sum with room for every carry and folded only when it is read; with at most
39 words the carries above bit 16 form a small number *c*, and ``low + c == 0xFFFF``
is the same as ``low == ~c`` (16 bits), a comparison without an adder.

Pipeline, for the beat presented in cycle t:

- t+1: the beat's words are registered; the header mask is taken from ``first_word`` and
  ``end_word``, which the caller sets from fields seen up to and including beat t (so
  they must be registered values, valid from cycle t+1);
- t+2: the masked words of the beat, summed in a balanced tree, are registered;
- t+3: that sum has been added to the frame's running total; ``ok`` covers every beat of
  the frame up to beat t.

:attr:`HeaderChecksum.LATENCY` (3) is the number of cycles from a beat to ``ok`` covering it.
"""

from __future__ import annotations

from amaranth import Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.frame_fields import split_words

__all__ = ["HeaderChecksum"]

#: Running-sum width: 39 words of 16 bits need 22; two spare bits keep the fold exact.
_SUM_BITS = 24


def _tree_sum(terms):
    """Pairwise sum so the adder depth grows with log2 of the number of terms."""
    while len(terms) > 1:
        pairs = [terms[i] + terms[i + 1] for i in range(0, len(terms) - 1, 2)]
        terms = pairs + ([terms[-1]] if len(terms) % 2 else [])
    return terms[0]


class HeaderChecksum(wiring.Component):
    """One's complement header check of the frame currently streaming in.

    Parameters
    ----------
    width : int
        Beat width in bits (a power of two, 16 or more).

    Interface attributes
    --------------------
    valid, start : In(1)
        A beat is present; it is the first of its frame (the total restarts).
    data : In(width)
        The beat, byte 0 in bits 7..0.
    beat : In(16)
        Index of the beat within its frame.
    first_word, end_word : In(8)
        Header words ``[first_word, end_word)``, valid from the cycle after each beat.
    ok : Out(1)
        The header words of the frame, up to the beat of ``LATENCY`` cycles ago, sum to
        0xFFFF in one's complement.
    """

    LATENCY = 3

    def __init__(self, width: int = 64):
        self.width = width
        super().__init__({
            "valid": In(1), "start": In(1), "data": In(width), "beat": In(16),
            "first_word": In(8), "end_word": In(8), "ok": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        lanes = self.width // 8
        beat_valid = Signal()
        beat_start = Signal()
        beat_data = Signal(self.width)
        beat_index = Signal(16)
        m.d.sync += [beat_valid.eq(self.valid), beat_start.eq(self.start & self.valid),
                     beat_data.eq(self.data), beat_index.eq(self.beat)]

        # keep is not needed: a header cut short by the frame's end is never judged.
        words = split_words(beat_data, lanes)
        first_index = Signal(17)
        m.d.comb += first_index.eq(beat_index * len(words))
        masked = []
        for lane, word in enumerate(words):
            index = first_index + lane
            inside = (index >= self.first_word) & (index < self.end_word)
            masked.append(Mux(inside, word, 0))

        beat_sum = Signal(_SUM_BITS)
        sum_valid = Signal()
        sum_start = Signal()
        m.d.sync += [beat_sum.eq(_tree_sum(masked)), sum_valid.eq(beat_valid),
                     sum_start.eq(beat_start)]

        total = Signal(_SUM_BITS)
        with m.If(sum_valid):
            m.d.sync += total.eq(Mux(sum_start, 0, total) + beat_sum)

        # carries < 2**8, so 0xFFFF ^ carries == 0xFFFF - carries: no subtractor.
        m.d.comb += self.ok.eq(total[:16] == (0xFFFF ^ total[16:]))
        return m
