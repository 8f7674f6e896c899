"""Order-entry receive beats packed into event-stream records (``EventKind.HOST_RX``).

Every frame the card receives on its order-entry port goes to the host unchanged
(``ResponsePath.host_rx``), so that after a loss of sync the host can rebuild the session's
TCP stream and resynchronise the card (:mod:`host.resync`). Those beats reach the host only
through the event stream, one 64-byte record at a time, and the stream sends one record a
cycle for every source together. A beat a record would take nearly all of it for a frame
at line rate (about 0.9 records a cycle) and lose beats to any other busy source
(``python bench/host_rx.py`` measures it); :class:`HostRxPacker` therefore puts up to
as many beats of one frame in each record as its body holds (:func:`beats_that_fit`: 5,
:data:`hdl.host_if.events.HOST_RX_BEATS`), at most a fifth of the stream's cycles, so the
round robin serves it before its FIFO fills.

A record never holds beats of two frames: it is sent when it is full or holds the frame's
``last`` beat. A ``first`` beat while a frame is unfinished (no ``last``: never from a MAC)
drops that frame's beats not yet sent; the host sees the frame without its ``last`` and
discards it. Each beat keeps its own ``keep``, ``first``, ``last`` and ``error`` exactly as
received, so the host reassembles frames as from the port itself.
"""

from __future__ import annotations

from amaranth import Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out
from amaranth.utils import ceil_log2

from hdl.feed.layouts import rx_beat_layout

__all__ = ["host_rx_body", "beats_that_fit", "HostRxPacker"]

BEAT = rx_beat_layout(64)


def host_rx_body(beats: int) -> data.StructLayout:
    """``count`` beats (1 .. ``beats``) of one frame, ``beats[0]`` first; beats at and
    after ``count`` are zero."""
    return data.StructLayout({"count": ceil_log2(beats + 1),
                              "beats": data.ArrayLayout(BEAT, beats)})


def beats_that_fit(body_bits: int) -> int:
    """The most beats a record body of ``body_bits`` holds."""
    beats = 1
    while host_rx_body(beats + 1).size <= body_bits:
        beats += 1
    return beats


class HostRxPacker(wiring.Component):
    """Parameters
    ----------
    beats : int
        Beats per record (1 sends every beat alone, for measurements).

    Interface attributes
    --------------------
    rx : In(stream.Signature(rx_beat_layout(64), always_ready=True))
        The beats as the port received them.
    records : Out(stream.Signature(host_rx_body(beats), always_ready=True))
        A record in the cycle its last beat arrives (combinational from ``rx``).
    """

    def __init__(self, beats: int):
        if beats < 1:
            raise ValueError(f"a record holds at least one beat, not {beats}")
        self.beats = beats
        self.layout = host_rx_body(beats)
        super().__init__({
            "rx": In(stream.Signature(BEAT, always_ready=True)),
            "records": Out(stream.Signature(self.layout, always_ready=True)),
        })

    def elaborate(self, platform):
        m = Module()
        n = self.beats
        held = Signal(range(n))                 # beats of the unfinished record
        buffer = Signal(data.ArrayLayout(BEAT, n))
        beat = self.rx.payload
        # where this beat goes: a frame's first beat starts a record of its own
        at = Signal(range(n))
        m.d.comb += at.eq(Mux(beat.first, 0, held))
        out = self.records.payload
        for i in range(n):
            m.d.comb += out.beats[i].eq(Mux(i == at, beat.as_value(),
                                            Mux(i < at, buffer[i].as_value(), 0)))
        m.d.comb += out.count.eq(at + 1)
        send = Signal()
        m.d.comb += send.eq(self.rx.valid & (beat.last | (at == n - 1)))
        m.d.comb += self.records.valid.eq(send)
        with m.If(self.rx.valid):
            with m.If(send):
                m.d.sync += held.eq(0)
            with m.Else():
                m.d.sync += [buffer[at].eq(beat), held.eq(at + 1)]
        return m
