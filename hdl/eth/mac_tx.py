"""``MacTx``: the core's 64-bit beats to byte times on the wire, one a cycle in ``eth_tx``.

Each frame goes out as: preamble (7 x 0x55) and delimiter, the frame's bytes, zero padding
up to :data:`~proto.net.MIN_FRAME` bytes, the FCS (``amaranth.lib.crc``'s Ethernet CRC-32
over frame and padding, least significant byte first), then at least
:data:`~proto.net.MIN_IFG` idle byte times before the next preamble.

An aborted frame (its last beat carries ``error``: order entry withdrew it) is still sent
to its end, since its first bytes are already on the wire, but receivers must drop it: its
FCS is inverted and TX_ER is raised during the FCS bytes (RGMII signals TX_ER as a level
change on TX_CTL mid-cycle), so any PHY or MAC that sees it counts a bad frame.

A frame starts only when ``beats`` offers its first beat; from then on the next beat must
be there when the last byte of the current one has gone. If it is not (an underrun: the
core's clock too slow for cut-through, see :class:`hdl.eth.tx_crossing.TxCrossing`), the
frame ends at once with TX_ER, the rest of its beats are drained when they come, and
``underrun`` pulses. A last beat with ``keep`` 0 ends the frame at the byte before it.
"""

from __future__ import annotations

import enum

from amaranth import DomainRenamer, Module, Mux, Signal
from amaranth.lib import crc, stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.eth.layouts import FIFO_BEAT, GMII_BYTE, LANES, TX_DOMAIN
from proto.net import FCS_BYTES, MIN_FRAME, MIN_IFG, PREAMBLE_BYTE, PREAMBLE_BYTES, SFD

__all__ = ["MacTx"]


class _State(enum.IntEnum):
    IDLE = 0
    PREAMBLE = 1
    DATA = 2
    TAIL = 3      # padding, then the FCS
    DRAIN = 4     # after an underrun: the rest of the frame's beats are thrown away


class MacTx(wiring.Component):
    """Framing, padding, FCS and inter-frame gap on the transmit side.

    Interface attributes
    --------------------
    beats : In(stream.Signature(FIFO_BEAT))
        Frames without FCS, in ``eth_tx``; ``ready`` takes a beat once its last byte is
        sent.
    gmii : Out(GMII_BYTE)
        Data, TX_EN and TX_ER of each byte time, registered.
    sent, aborted, underrun : Out(1)
        One-cycle pulses in ``eth_tx`` as a frame's last byte is sent: a good frame, an
        aborted one; or as an underrun cuts a frame.
    """

    def __init__(self):
        super().__init__({
            "beats": In(stream.Signature(FIFO_BEAT)),
            "gmii": Out(GMII_BYTE),
            "sent": Out(1),
            "aborted": Out(1),
            "underrun": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        sync = m.d[TX_DOMAIN]
        m.submodules.crc = fcs = DomainRenamer(TX_DOMAIN)(crc.catalog.CRC32_ETHERNET(8).create())
        state = Signal(_State)
        gap = Signal(range(MIN_IFG + 1))       # idle byte times still owed
        count = Signal(range(max(PREAMBLE_BYTES, LANES, FCS_BYTES)))
        length = Signal(range(MIN_FRAME + 1))  # frame bytes sent, saturating at MIN_FRAME
        abort = Signal()

        byte, en, er = Signal(8), Signal(), Signal()
        sync += [self.gmii.data.eq(byte), self.gmii.en.eq(en), self.gmii.er.eq(er),
                 self.sent.eq(0), self.aborted.eq(0), self.underrun.eq(0)]
        m.d.comb += [fcs.data.eq(byte), fcs.start.eq(0), fcs.valid.eq(0)]
        with m.If(gap != 0):
            sync += gap.eq(gap - 1)

        head = self.beats.payload
        lane_kept = head.keep.bit_select(count, 1)
        next_kept = Mux(count == LANES - 1, 0, head.keep.bit_select(count + 1, 1))

        def tail(aborting):
            """Padding or the FCS byte ``count``; ``aborting`` marks the frame bad."""
            with m.If(length < MIN_FRAME):
                m.d.comb += [en.eq(1), byte.eq(0), fcs.valid.eq(1)]
                m.d[TX_DOMAIN] += [length.eq(length + 1), count.eq(0), state.eq(_State.TAIL)]
            with m.Else():
                m.d.comb += [en.eq(1), er.eq(aborting),
                             byte.eq(fcs.crc.word_select(count, 8) ^ Mux(aborting, 0xFF, 0))]
                m.d[TX_DOMAIN] += [count.eq(count + 1), state.eq(_State.TAIL)]
                with m.If(count == FCS_BYTES - 1):
                    m.d[TX_DOMAIN] += [state.eq(_State.IDLE), gap.eq(MIN_IFG),
                             self.sent.eq(~aborting), self.aborted.eq(aborting)]

        with m.Switch(state):
            with m.Case(_State.IDLE):
                with m.If((gap == 0) & self.beats.valid):
                    sync += [state.eq(_State.PREAMBLE), count.eq(0)]
            with m.Case(_State.PREAMBLE):
                m.d.comb += [en.eq(1), byte.eq(Mux(count == PREAMBLE_BYTES, SFD, PREAMBLE_BYTE))]
                sync += count.eq(count + 1)
                with m.If(count == PREAMBLE_BYTES):
                    m.d.comb += fcs.start.eq(1)
                    sync += [state.eq(_State.DATA), count.eq(0), length.eq(0), abort.eq(0)]
            with m.Case(_State.DATA):
                with m.If(~self.beats.valid):
                    m.d.comb += [en.eq(1), er.eq(1)]
                    sync += [state.eq(_State.DRAIN), gap.eq(MIN_IFG), self.underrun.eq(1)]
                with m.Elif(lane_kept):
                    m.d.comb += [en.eq(1), byte.eq(head.data.word_select(count, 8)),
                                 fcs.valid.eq(1)]
                    sync += [count.eq(count + 1), length.eq(Mux(length == MIN_FRAME, length,
                                                                length + 1))]
                    with m.If(~next_kept):
                        m.d.comb += self.beats.ready.eq(1)
                        sync += count.eq(0)
                        with m.If(head.last):
                            sync += [abort.eq(head.error), state.eq(_State.TAIL)]
                with m.Else():
                    # An empty last beat: the frame ended with the previous byte.
                    m.d.comb += self.beats.ready.eq(1)
                    sync += abort.eq(head.error)
                    tail(head.error)
            with m.Case(_State.TAIL):
                tail(abort)
            with m.Case(_State.DRAIN):
                m.d.comb += self.beats.ready.eq(1)
                with m.If(self.beats.valid & head.last):
                    sync += state.eq(_State.IDLE)
        return m
