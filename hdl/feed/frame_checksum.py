"""IPv4 header checksum over a beat stream, pipelined so no cycle holds a long adder chain.

The caller marks, per beat, which of its 16-bit words belong to the header (``inside``; see
:mod:`hdl.feed.frame_fields` for word numbering), from registered position flags so the
mask costs a LUT or two. The check (RFC 1071) is that the one's
complement sum of those words, checksum field included, is 0xFFFF. The sum is kept as a
plain binary sum with room for every carry and folded only when it is read; with at most
39 words the carries above bit 16 form a small number *c*, and ``low + c == 0xFFFF``
is the same as ``low == ~c`` (16 bits), a comparison without an adder.

Pipeline, for the beat presented in cycle t:

- t+1: the beat's header words (the others as 0), added in pairs, are registered;
- t+2: the pairs have been added to the frame's running total;
- t+3: ``ok``, the comparison of that total, is registered: it covers every beat of the
  frame up to beat t.

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
    inside : In(width // 16)
        Which words of the beat are IPv4 header words.
    ok : Out(1)
        The header words of the frame, up to the beat of ``LATENCY`` cycles ago, sum to
        0xFFFF in one's complement.
    """

    LATENCY = 3

    def __init__(self, width: int = 64):
        self.width = width
        super().__init__({
            "valid": In(1), "start": In(1), "data": In(width), "inside": In(width // 16),
            "ok": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        lanes = self.width // 8
        beat_valid = Signal()
        beat_start = Signal()
        m.d.sync += [beat_valid.eq(self.valid), beat_start.eq(self.start & self.valid)]
        # keep is not needed: a header cut short by the frame's end is never judged.
        header = [Mux(self.inside[lane], word, 0)
                  for lane, word in enumerate(split_words(self.data, lanes))]
        pairs = []
        for index in range(0, len(header), 2):
            pair = Signal(17, name=f"header_pair{index // 2}")
            m.d.sync += pair.eq(_tree_sum(header[index:index + 2]))
            pairs.append(pair)

        total = Signal(_SUM_BITS)
        summed = Signal()
        with m.If(beat_valid):
            m.d.sync += total.eq(Mux(beat_start, 0, total) + _tree_sum(pairs))
        m.d.sync += summed.eq(beat_valid)

        # carries < 2**8, so 0xFFFF ^ carries == 0xFFFF - carries: no subtractor.
        with m.If(summed):
            m.d.sync += self.ok.eq(total[:16] == (0xFFFF ^ total[16:]))
        return m
