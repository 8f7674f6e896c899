"""``TxCrossing``: the core's transmit beats into ``eth_tx``, across an AsyncFIFO.

The core writes a beat whenever the FIFO has room (``ready``); the MAC reads beats in
``eth_tx``. What may start a frame on the wire depends on the clocks:

- **cut-through** (``store_and_forward=False``): a frame's first beat is offered as soon
  as it is in the FIFO. Safe when the core delivers bytes faster than the wire takes them
  (a beat a cycle at a core clock above 15.625 MHz, with margin for the 100 ppm of each
  oscillator, and a writer that, like order entry, never pauses inside a frame): the
  preamble's eight byte times let the FIFO get ahead, and it never runs dry. This is the
  low-latency choice: an order's first bytes go out while the core is still writing it.
- **store-and-forward** (``store_and_forward=True``): a first beat is offered only when its
  whole frame is in the FIFO, for a core clock that could be slower. The core counts the
  frames it completed (last beat written) in a Gray-coded counter that
  ``FFSynchronizer``\\ s carry to ``eth_tx``, where it is compared with the frames started.
  That count and the FIFO's own write pointer are synchronised separately and can disagree
  by a cycle of ``eth_tx``, but the preamble gives the MAC eight cycles before it needs the
  first beat's bytes, so the frame's beats are all readable in time. A frame longer than
  the FIFO is started once the FIFO is almost full, cut-through from there (a depth of 257
  beats holds the longest frame, 1,518 bytes).

Either way an underrun is not silent: :class:`hdl.eth.mac_tx.MacTx` ends the frame with
TX_ER and counts it.
"""

from __future__ import annotations

from amaranth import Cat, Module, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.cdc import FFSynchronizer
from amaranth.lib.fifo import AsyncFIFOBuffered
from amaranth.lib.wiring import In, Out

from hdl.eth.layouts import FIFO_BEAT, LANES, TX_DOMAIN
from hdl.feed.layouts import rx_beat_layout

__all__ = ["TxCrossing", "gray_encode", "gray_decode"]


def gray_encode(value):
    """Binary to Gray code: successive counts differ in one bit."""
    return value ^ value[1:]


def gray_decode(value):
    """Gray code to binary."""
    bits = [value[-1]]
    for i in reversed(range(len(value) - 1)):
        bits.insert(0, bits[0] ^ value[i])
    return Cat(*bits)


class TxCrossing(wiring.Component):
    """Beats from ``sync`` to ``eth_tx``, offering a frame when it may start.

    Parameters
    ----------
    depth : int
        FIFO entries (a power of two plus one: ``AsyncFIFOBuffered``'s output register is
        one of them). Cut-through needs only a few (the default, 33, keeps the FIFO in
        LUT RAM); store-and-forward needs the longest frame, 190 beats: 257.
    store_and_forward : bool
        Offer a frame only once it is whole in the FIFO (see the module docstring).

    Interface attributes
    --------------------
    tx : In(stream.Signature(rx_beat_layout(64)))
        From order entry, in ``sync``; ``first`` is not used (a frame starts after a
        ``last``).
    beats : Out(stream.Signature(FIFO_BEAT))
        To :class:`hdl.eth.mac_tx.MacTx`, in ``eth_tx``.
    """

    def __init__(self, depth: int = 33, store_and_forward: bool = False):
        if depth < 5 or (depth - 1) & (depth - 2):
            self._MustUse__silence = True
            raise ValueError(f"TxCrossing depth must be a power of two plus one >= 5, "
                             f"not {depth}")
        self.depth = depth
        self.store_and_forward = store_and_forward
        super().__init__({
            "tx": In(stream.Signature(rx_beat_layout(8 * LANES))),
            "beats": Out(stream.Signature(FIFO_BEAT)),
        })

    def elaborate(self, platform):
        m = Module()
        # Buffered: the beat the MAC reads comes from flip-flops, not a block RAM's slow
        # output, since the MAC's byte mux and CRC follow it in the same 8 ns.
        m.submodules.fifo = fifo = AsyncFIFOBuffered(width=FIFO_BEAT.size, depth=self.depth,
                                                     r_domain=TX_DOMAIN, w_domain="sync",
                                                     exact_depth=True)
        written = FIFO_BEAT(fifo.w_data)
        m.d.comb += [
            written.data.eq(self.tx.payload.data), written.keep.eq(self.tx.payload.keep),
            written.last.eq(self.tx.payload.last), written.error.eq(self.tx.payload.error),
            fifo.w_en.eq(self.tx.valid), self.tx.ready.eq(fifo.w_rdy),
        ]

        mid_frame = Signal()    # the frame's first beat has been taken
        may_start = Signal()
        m.d.comb += [
            self.beats.payload.eq(fifo.r_data),
            self.beats.valid.eq(fifo.r_rdy & (mid_frame | may_start)),
            fifo.r_en.eq(self.beats.ready & self.beats.valid),
        ]
        with m.If(fifo.r_en):
            m.d[TX_DOMAIN] += mid_frame.eq(~self.beats.payload.last)

        if not self.store_and_forward:
            m.d.comb += may_start.eq(1)
            return m

        # Frames completed in sync, Gray coded, and frames started in eth_tx.
        bits = self.depth.bit_length() + 1     # more than the frames the FIFO can hold
        done, done_gray = Signal(bits), Signal(bits)
        done_next = Signal(bits)
        m.d.comb += done_next.eq(done + (self.tx.valid & self.tx.ready & self.tx.payload.last))
        m.d.sync += [done.eq(done_next), done_gray.eq(gray_encode(done_next))]
        done_seen_gray = Signal(bits)
        m.submodules.done_cdc = FFSynchronizer(done_gray, done_seen_gray, o_domain=TX_DOMAIN)
        started, started_next = Signal(bits), Signal(bits)
        m.d.comb += started_next.eq(started + (fifo.r_en & ~mid_frame))
        # Registered, off the path to the FIFO's read enable; computed with this cycle's
        # start counted, so it is never a frame ahead.
        m.d[TX_DOMAIN] += [
            started.eq(started_next),
            may_start.eq((gray_decode(done_seen_gray) != started_next) |
                         (fifo.r_level >= self.depth - 1)),
        ]
        return m
