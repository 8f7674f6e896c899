"""``RxCrossing``: frame bytes at 125 MHz to the core's 64-bit beats, across an AsyncFIFO.

Cut-through: a beat is written as soon as it is known not to be the frame's last (when the
next byte arrives) or at the frame's ``end``, and the core reads a beat as soon as one is in
the FIFO. The core's receive stream has no ``ready``, so the read side takes a beat every
cycle the FIFO holds one: a frame's beats reach the core at the line's pace, with idle
cycles between them whenever the core's clock is faster than 15.625 MHz. The core accepts
that (``tests/test_eth_core_gaps.py`` runs the feed handler and the response path with
idle cycles inside frames against their reference models); in exchange a frame's first
bytes reach the core while the rest is still on the wire, not a frame time later.

The error flag goes on the last beat: the frame's ``end`` verdict (bad FCS, PHY error,
runt, oversize), or an overflow.

Overflow: the write side never waits (the line does not), so when the FIFO is full a frame
is cut or dropped, never merged with the next or left without its last beat. One entry is
kept free for a frame in progress: a beat that is not its frame's last is written only
while at least two entries are free. When only one is, that beat is written as the frame's
last, with the error flag, and the rest of the frame is dropped (the core discards a frame
ending in error). A frame whose first beat finds no room is dropped whole. Either counts
one ``overflow``. The free entries are worked out a cycle ahead from the FIFO's write-side
level (which lags a write by a cycle) plus the writes it does not count yet, so they are
never overestimated.
"""

from __future__ import annotations

from amaranth import Module, Mux, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.fifo import AsyncFIFO
from amaranth.lib.wiring import In, Out

from hdl.eth.layouts import FIFO_BEAT, LANES, RX_DOMAIN
from hdl.eth.mac_rx import END_LAYOUT
from hdl.feed.layouts import rx_beat_layout

__all__ = ["RxCrossing"]


class RxCrossing(wiring.Component):
    """Bytes and frame ends in ``eth_rx`` to beats in ``sync``.

    Parameters
    ----------
    depth : int
        FIFO entries (a power of two, at least 4). Cut-through needs only a few; more ride
        out a core clock that is briefly slower than the line.

    Interface attributes
    --------------------
    bytes, end : In(...)
        From :class:`hdl.eth.mac_rx.MacRx` (never both valid in one cycle), in ``eth_rx``.
    overflow : Out(1)
        One-cycle pulse in ``eth_rx`` per frame cut or dropped for want of room.
    rx : Out(stream.Signature(rx_beat_layout(64), always_ready=True))
        The core's receive stream, in ``sync``.
    """

    def __init__(self, depth: int = 16):
        if depth < 4 or depth & (depth - 1):
            self._MustUse__silence = True
            raise ValueError(f"RxCrossing depth must be a power of two >= 4, not {depth}")
        self.depth = depth
        super().__init__({
            "bytes": In(stream.Signature(8, always_ready=True)),
            "end": In(stream.Signature(END_LAYOUT, always_ready=True)),
            "overflow": Out(1),
            "rx": Out(stream.Signature(rx_beat_layout(8 * LANES), always_ready=True)),
        })

    def elaborate(self, platform):
        m = Module()
        m.submodules.fifo = fifo = AsyncFIFO(width=FIFO_BEAT.size, depth=self.depth,
                                             r_domain="sync", w_domain=RX_DOMAIN)
        self._write_side(m, fifo)
        self._read_side(m, fifo)
        return m

    def _write_side(self, m, fifo):
        sync = m.d[RX_DOMAIN]
        held = Signal(8 * LANES)            # the beat being filled
        count = Signal(range(LANES + 1))    # bytes in it
        open_ = Signal()                    # this frame has beats in the FIFO, not its last
        dropping = Signal()                 # the rest of this frame is thrown away
        wrote = Signal()                    # a write in the previous cycle (w_level lags it)
        write = Signal()
        # Room for one and for two more beats, worked out a cycle ahead (off the path from
        # the FIFO's level to its write enable): w_level counts the writes until two cycles
        # back; the previous cycle's and this cycle's writes are added.
        room1, room2 = Signal(), Signal()
        used = Signal(range(self.depth + 2))
        m.d.comb += used.eq(fifo.w_level + wrote)
        # this cycle's write only selects between two compares already made
        sync += [room1.eq(Mux(write, used <= self.depth - 2, used <= self.depth - 1)),
                 room2.eq(Mux(write, used <= self.depth - 3, used <= self.depth - 2))]

        beat = FIFO_BEAT(fifo.w_data)
        m.d.comb += [beat.data.eq(held), beat.keep.eq((1 << count) - 1)]
        m.d.comb += fifo.w_en.eq(write)
        sync += [wrote.eq(write), self.overflow.eq(0)]

        byte_in, end_in = self.bytes.valid & ~dropping, self.end.valid
        full_beat = byte_in & (count == LANES)     # a full beat that is not the last
        with m.If(full_beat):
            with m.If(room2):
                m.d.comb += write.eq(1)
                sync += open_.eq(1)
            with m.Elif(open_ & room1):
                m.d.comb += [write.eq(1), beat.last.eq(1), beat.error.eq(1)]
                sync += [open_.eq(0), dropping.eq(1), self.overflow.eq(1)]
            with m.Else():
                sync += [dropping.eq(1), self.overflow.eq(1)]
        with m.If(byte_in):
            lane = Signal(range(LANES))
            m.d.comb += lane.eq(Mux(count == LANES, 0, count))
            for i in range(LANES):
                with m.If(lane == i):
                    sync += held[8 * i:8 * i + 8].eq(self.bytes.payload)
            sync += count.eq(lane + 1)
        with m.If(end_in):
            sync += [count.eq(0), open_.eq(0), dropping.eq(0)]
            with m.If(~dropping & (count != 0)):
                with m.If(room1):
                    m.d.comb += [write.eq(1), beat.last.eq(1),
                                 beat.error.eq(self.end.payload.error)]
                with m.Else():
                    sync += self.overflow.eq(1)

    def _read_side(self, m, fifo):
        beat = FIFO_BEAT(fifo.r_data)
        after_last = Signal(init=1)
        m.d.comb += [
            fifo.r_en.eq(1),
            self.rx.valid.eq(fifo.r_rdy),
            self.rx.payload.data.eq(beat.data),
            self.rx.payload.keep.eq(beat.keep),
            self.rx.payload.first.eq(after_last),
            self.rx.payload.last.eq(beat.last),
            self.rx.payload.error.eq(beat.error),
        ]
        with m.If(fifo.r_rdy):
            m.d.sync += after_last.eq(beat.last)
