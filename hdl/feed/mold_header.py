"""The MoldUDP64 header of the payload streaming into :class:`~hdl.feed.mold_framer.MoldFramer`.

Stage A1 logic: it sees each payload beat as it arrives (lane ``i`` holds payload byte
``base + i``). The 20 header bytes start at the first beat's start lane ``s = -base``
(0 .. lanes - 1), so header byte ``k`` is in payload beat ``(k + s) // lanes`` at lane
``(k + s) % lanes``. One rotation of the beat by ``s`` lanes puts every header byte at lane
``k % lanes``; which beat carries it is a comparison of the registered ``s`` with a
constant, and the beat index is a registered one-hot: no arithmetic on ``base`` sits in
front of a header register.

The count's flags (zero, 0xFFFF, below 2) are worked out from each count byte as it is
captured, so the stages that judge blocks read them from registers.
"""

from __future__ import annotations

from amaranth import Cat, Const, Module, Mux, Signal, signed
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hdl.mapping import below
from proto import moldudp64

__all__ = ["HeaderCapture"]

_HEADER = moldudp64.HEADER
_COUNT = _HEADER["count"]
_LAST = _HEADER.size - 1


class HeaderCapture(wiring.Component):
    """Capture the header; say when its last byte arrives.

    Parameters
    ----------
    lanes : int
        Bytes per beat (4 or 8).

    Interface attributes
    --------------------
    go, first : In(1)
        A payload beat is on the input; it is a frame's first.
    base : In(signed(16))
        The beat's ``base`` (only read with ``first``).
    data, keep : In
        The beat.
    header : Out(160)
        Header bytes, byte 0 in bits 7..0; complete from the cycle after ``now``.
    now : Out(1)
        Combinational: the header's last byte is in this beat and kept (once per frame).
    ending : Out(1)
        From registers: the header's last byte is due in this beat (``now`` without the
        look at ``keep``).
    done : Out(1)
        The header's last byte was in an earlier beat of this frame.
    has_blocks, count_nonzero, count_ge2 : Out(1)
        The count is neither 0 nor 0xFFFF; is not 0; is 2 or more. From registers,
        valid from the cycle after ``now``.
    """

    def __init__(self, lanes: int):
        self.lanes = lanes
        self.lane_bits = (lanes - 1).bit_length()
        # The header's last byte is never in the first beat: `now` needs no look at `base`.
        assert _LAST >= lanes
        super().__init__({
            "go": In(1), "first": In(1), "base": In(signed(16)),
            "data": In(8 * lanes), "keep": In(lanes),
            "header": Out(8 * _HEADER.size), "now": Out(1), "ending": Out(1), "done": Out(1),
            "has_blocks": Out(1), "count_nonzero": Out(1), "count_ge2": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        lanes, lb = self.lanes, self.lane_bits
        go, first = self.go, self.first
        later = go & ~first

        # Start lane: from `base` in the first beat (-lanes < base <= 0), registered after.
        # Each beat is rotated by it, so header byte k is at lane k % lanes; only the first
        # beat's rotation waits for `base`, and it holds none of the count's bytes.
        start = Signal(lb)
        start_first = Signal(lb)
        m.d.comb += start_first.eq((-self.base)[:lb])
        with m.If(go & first):
            m.d.sync += start.eq(start_first)

        def rotate(by, name):
            rotated = Signal(8 * lanes, name=name)
            m.d.comb += rotated.eq(Cat(self.data, self.data).bit_select(Cat(Const(0, 3), by),
                                                                         8 * lanes))
            return rotated

        rotated_first, rotated = rotate(start_first, "rotated_first"), rotate(start, "rotated")

        # One-hot index of the beat on the input among the header's beats (bit 0: first),
        # and, prepared a beat ahead, which header bytes the next beat carries: the byte
        # registers' enables wait for nothing but `go`.
        beats = (_LAST + lanes - 1) // lanes   # the last beat that can hold header bytes
        beat = Signal(beats + 1)
        with m.If(go):
            m.d.sync += beat.eq(Mux(first, 0b10, beat << 1))

        flags = {}
        for k in range(_HEADER.size):
            low_beat, lane = divmod(k, lanes)
            byte_of = lanes - lane    # byte k is in beat low_beat when s < lanes - lane
            due = Signal(name=f"due{k}")
            # The beat after the first is beat 1; after beat j comes beat j + 1.
            in_beat1 = (low_beat == 1) & below(start_first, byte_of) | \
                (low_beat == 0) & ~below(start_first, byte_of)
            after = (beat[low_beat - 1] if low_beat >= 2 else 0) & below(start, byte_of) | \
                (beat[low_beat] if low_beat >= 1 else 0) & ~below(start, byte_of)
            with m.If(go):
                m.d.sync += due.eq(Mux(first, in_beat1, after))
            # Written whenever it is due, beat or not: an idle cycle before the beat that
            # carries the byte writes something the beat then overwrites, and the flags only
            # change with a beat, so a byte is never written after its beat.
            write = due
            byte = rotated.word_select(lane, 8)
            with m.If(write):
                m.d.sync += self.header.word_select(k, 8).eq(byte)
            if low_beat == 0:
                with m.If(go & first & below(start_first, byte_of)):
                    m.d.sync += self.header.word_select(k, 8).eq(rotated_first.word_select(lane,
                                                                                           8))
            if k in range(_COUNT.offset, _COUNT.end):
                assert low_beat > 0
                names = ("zero", "ones", "le1") if k == _COUNT.end - 1 else ("zero", "ones")
                values = {"zero": byte == 0, "ones": byte == 0xFF, "le1": byte[1:] == 0}
                for name in names:
                    flag = flags[(k, name)] = Signal(name=f"count{k - _COUNT.offset}_{name}")
                    with m.If(write):
                        m.d.sync += flag.eq(values[name])
        high, low = _COUNT.offset, _COUNT.end - 1
        zero = flags[(high, "zero")] & flags[(low, "zero")]
        ones = flags[(high, "ones")] & flags[(low, "ones")]
        m.d.comb += [self.has_blocks.eq(~zero & ~ones), self.count_nonzero.eq(~zero),
                     self.count_ge2.eq(~(flags[(high, "zero")] & flags[(low, "le1")]))]

        # The header's last byte: beat (19 + s) // lanes, lane (19 + s) % lanes, both fixed
        # in the first beat; `end_next` says the next beat is that one.
        end_lane, end_beat, end_next = Signal(lb), Signal(range(beats + 2)), Signal()
        with m.If(go & first):
            m.d.sync += [end_lane.eq(_LAST + start_first),
                         end_beat.eq((_LAST + start_first) >> lb),
                         end_next.eq(((_LAST + start_first) >> lb) == 1)]
        with m.Elif(go):
            m.d.sync += end_next.eq(Cat(beat[j] & (end_beat == j + 1)
                                        for j in range(1, beats)).any())
        m.d.comb += [self.ending.eq(end_next & ~self.done),
                     self.now.eq(later & self.ending & self.keep.bit_select(end_lane, 1))]
        with m.If(go & first):
            m.d.sync += self.done.eq(0)
        with m.Elif(self.now):
            m.d.sync += self.done.eq(1)
        return m
