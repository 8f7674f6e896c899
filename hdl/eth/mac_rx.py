"""``MacRx``: byte times from the PHY to frame bytes without preamble and FCS, and a verdict.

Runs in ``eth_rx`` at one byte time a cycle. A frame is the bytes after the start-of-frame
delimiter while RX_DV stays high; any number of preamble bytes (0x55) may come before the
delimiter (PHYs may shorten the preamble), and a burst whose first byte that is neither is
ignored whole. The last four bytes are the FCS: every byte goes through a four-byte delay
line, so a byte comes out only once four more have arrived, and what is left in the line
when RX_DV falls is the FCS, never sent on. The CRC (``amaranth.lib.crc``'s Ethernet CRC-32)
runs over every byte, FCS included, and the residue tells a good frame.

Outputs, registered: ``bytes`` (the frame's bytes as they leave the delay line) and
``end`` (once per frame, after its last byte, with what was wrong with it). ``end.error``
is set for a bad FCS, RX_ER during the burst, a runt (fewer than 64 bytes with the FCS:
a collision fragment) or an oversize frame. An oversize frame is cut: after
``max_frame`` bytes its ``end`` comes at once and the rest of the burst is ignored. A
frame that ends before any byte left the delay line (four bytes or fewer) has an ``end``
and no bytes.

``end`` also carries one flag per reason, for the counters.
"""

from __future__ import annotations

from amaranth import DomainRenamer, Module, Mux, Signal
from amaranth.lib import crc, data, stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.eth.layouts import GMII_BYTE, RX_DOMAIN
from proto.net import FCS_BYTES, MAX_TAGGED_FRAME, MIN_FRAME, PREAMBLE_BYTE, SFD

__all__ = ["MacRx", "END_LAYOUT"]

#: The verdict on a frame: ``error`` is the OR of the reasons.
END_LAYOUT = data.StructLayout({
    "error": 1,
    "fcs": 1,        # the CRC over the frame and its FCS is not the residue
    "phy": 1,        # RX_ER during the burst
    "runt": 1,       # fewer than MIN_FRAME + FCS bytes after the delimiter
    "oversize": 1,   # cut after max_frame bytes
})


class MacRx(wiring.Component):
    """Preamble and delimiter stripped, FCS checked and stripped.

    Parameters
    ----------
    max_frame : int
        Longest frame passed on whole, FCS excluded (default: one 802.1Q tag).

    Interface attributes
    --------------------
    gmii : In(GMII_BYTE)
        One byte time a cycle, from :class:`hdl.eth.rgmii.RgmiiRx`.
    bytes : Out(stream.Signature(8, always_ready=True))
        The frame's bytes, at most one a cycle, FCS excluded.
    end : Out(stream.Signature(END_LAYOUT, always_ready=True))
        One record per frame, in a cycle after its last byte's.
    """

    def __init__(self, max_frame: int = MAX_TAGGED_FRAME):
        self.max_frame = max_frame
        super().__init__({
            "gmii": In(GMII_BYTE),
            "bytes": Out(stream.Signature(8, always_ready=True)),
            "end": Out(stream.Signature(END_LAYOUT, always_ready=True)),
        })

    def elaborate(self, platform):
        m = Module()
        sync = m.d[RX_DOMAIN]
        m.submodules.crc = checker = DomainRenamer(RX_DOMAIN)(
            crc.catalog.CRC32_ETHERNET(8).create())
        en, byte, er = self.gmii.en, self.gmii.data, self.gmii.er

        was_en = Signal()            # RX_DV in the previous cycle
        in_frame = Signal()          # the delimiter was seen and the frame not cut
        ignoring = Signal()          # the rest of this burst is not a frame
        phy_error = Signal()
        line = [Signal(8, name=f"line{i}") for i in range(FCS_BYTES)]
        # Bytes after the delimiter, saturating just past what any check looks at.
        top = max(self.max_frame, MIN_FRAME) + FCS_BYTES + 1
        length = Signal(range(top + 1))
        sync += was_en.eq(en)

        burst_start = en & ~was_en
        m.d.comb += [checker.data.eq(byte), checker.start.eq(0), checker.valid.eq(0)]
        sync += [self.bytes.valid.eq(0), self.end.valid.eq(0)]

        with m.If(en):
            sync += phy_error.eq(Mux(burst_start, er, phy_error | er))
        with m.If(en & ~in_frame & ~ignoring):
            # Looking for the delimiter; a new burst starts here too.
            with m.If(byte == SFD):
                sync += [in_frame.eq(1), length.eq(0)]
                m.d.comb += checker.start.eq(1)
            with m.Elif(byte != PREAMBLE_BYTE):
                sync += ignoring.eq(1)
        with m.Elif(en & in_frame):
            m.d.comb += checker.valid.eq(1)
            sync += [line[0].eq(byte), *(line[i].eq(line[i - 1]) for i in range(1, FCS_BYTES))]
            with m.If(length != top):
                sync += length.eq(length + 1)
            with m.If(length >= FCS_BYTES):
                # line[-1] leaves the delay line: a frame byte, unless it is one too many.
                with m.If(length - FCS_BYTES < self.max_frame):
                    sync += [self.bytes.valid.eq(1), self.bytes.payload.eq(line[-1])]
                with m.Else():
                    sync += [in_frame.eq(0), ignoring.eq(1), *self._end(oversize=1)]
        with m.If(~en):
            sync += ignoring.eq(0)
            with m.If(in_frame):
                sync += [in_frame.eq(0),
                         *self._end(fcs=~checker.match_detected, phy=phy_error,
                                   runt=length < MIN_FRAME + FCS_BYTES)]
        return m

    def _end(self, fcs=0, phy=0, runt=0, oversize=0):
        """The ``end`` record's assignments (registered by the caller's domain)."""
        p = self.end.payload
        return [self.end.valid.eq(1), p.fcs.eq(fcs), p.phy.eq(phy), p.runt.eq(runt),
                p.oversize.eq(oversize), p.error.eq(fcs | phy | runt | oversize)]
