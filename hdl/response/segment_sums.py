"""``SegmentSums``: the IPv4 header and TCP checksums of the frame streaming in, pipelined.

The parser marks, per beat, which 16-bit words are IPv4 header (``ip_words``) and which
bytes are TCP segment (``tcp_bytes``; the segment may end on an odd byte), from its
registered position flags, and in which beat to add the pseudo-header (``pseudo``, once
per frame). As in :mod:`hdl.feed.frame_checksum`, totals are plain binary sums folded only
when read: a segment of at most 16 KiB sums to under 2**32 with fewer than 2**16 carries
*c* above bit 16, and the one's complement sum is 0xFFFF exactly when ``low == ~c``, a
comparison without an adder.

The pseudo-header uses the session's addresses: a frame whose addresses are not the
session's is ``OTHER`` before its TCP checksum counts.

Pipeline, for the beat presented in cycle t: its words, masked and summed, are registered
(t + 1); the frame's totals include it from t + 2, when ``ip_ok`` and ``tcp_ok`` (from
registers, a comparison) cover every beat of the frame up to t.
"""

from __future__ import annotations

from amaranth import Cat, Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.frame_fields import split_words
from proto.net import IPPROTO_TCP

__all__ = ["SegmentSums"]

_LANES = 8


def _tree_sum(terms):
    """Pairwise sum: the adder depth grows with log2 of the number of terms."""
    while len(terms) > 1:
        terms = [terms[i] + terms[i + 1] if i + 1 < len(terms) else terms[i]
                 for i in range(0, len(terms), 2)]
    return terms[0]


def _folds_to_ones(total):
    """The one's complement fold of ``total`` (carries under 2**16) is 0xFFFF."""
    return total[:16] == (0xFFFF ^ total[16:])


class SegmentSums(wiring.Component):
    """Interface attributes
    --------------------
    valid, start : In(1)
        A beat is present; it is the first of its frame (the totals restart).
    data : In(64)
    ip_words : In(4)
        Which of the beat's words are IPv4 header words.
    tcp_bytes : In(8)
        Which of its bytes are TCP header or payload.
    pseudo : In(1)
        Add the pseudo-header in this beat.
    tcp_length : In(16)
        The TCP length (IPv4 total length - IHL * 4), settled two cycles before ``pseudo``.
    card_ip, exchange_ip : In(32)
    ip_ok, tcp_ok : Out(1)
        Two cycles after a beat: the frame's sums up to it are right.
    """

    def __init__(self):
        super().__init__({
            "valid": In(1), "start": In(1), "data": In(64), "ip_words": In(_LANES // 2),
            "tcp_bytes": In(_LANES), "pseudo": In(1), "tcp_length": In(16),
            "card_ip": In(32), "exchange_ip": In(32),
            "ip_ok": Out(1), "tcp_ok": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        addresses = Signal(19)
        pseudo = Signal(20)
        m.d.sync += [
            addresses.eq(_tree_sum([self.exchange_ip[16:], self.exchange_ip[:16],
                                    self.card_ip[16:], self.card_ip[:16]]) + IPPROTO_TCP),
            pseudo.eq(addresses + self.tcp_length),
        ]
        words = split_words(self.data, _LANES)
        ip_terms = [Mux(self.ip_words[w], word, 0) for w, word in enumerate(words)]
        tcp_terms = [Cat(Mux(self.tcp_bytes[2 * w + 1], word[:8], 0),
                         Mux(self.tcp_bytes[2 * w], word[8:], 0))
                     for w, word in enumerate(words)]
        ip_beat, tcp_beat = Signal(18), Signal(21)
        beat_valid, beat_start = Signal(), Signal()
        m.d.sync += [ip_beat.eq(_tree_sum(ip_terms)),
                     tcp_beat.eq(_tree_sum(tcp_terms + [Mux(self.pseudo, pseudo, 0)])),
                     beat_valid.eq(self.valid), beat_start.eq(self.start)]
        ip_total, tcp_total = Signal(24), Signal(32)
        with m.If(beat_valid):
            m.d.sync += [ip_total.eq(Mux(beat_start, 0, ip_total) + ip_beat),
                         tcp_total.eq(Mux(beat_start, 0, tcp_total) + tcp_beat)]
        m.d.comb += [self.ip_ok.eq(_folds_to_ones(ip_total)),
                     self.tcp_ok.eq(_folds_to_ones(tcp_total))]
        return m
