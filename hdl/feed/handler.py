"""``FeedHandler``: the whole market-data receive path, MAC beats in, ITCH events out.

Two stages, each a component of its own: :class:`~hdl.feed.frame_parser.FrameParser`
(Ethernet, 802.1Q, IPv4, UDP, subscriptions, frame verdict) and
:class:`~hdl.feed.mold_itch.MoldItch` (MoldUDP64 sequencing, A/B arbitration, gaps,
duplicates, ITCH framing and decode). The records between and around them are in
:mod:`hdl.feed.layouts`; the frame verdict (``frame_end``) that commits or withdraws
speculative events is described there.
"""

from __future__ import annotations

from amaranth import Module
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In

from hdl.feed.frame_parser import FrameParser
from hdl.feed.frame_regs import FRAME_BLOCK
from hdl.feed.layouts import rx_beat_layout
from hdl.feed.mold_itch import MoldItch
from hdl.feed.mold_regs import mold_block
from hdl.host_if.csr_bank import block_signature

__all__ = ["FeedHandler"]


class FeedHandler(wiring.Component):
    """The feed handler.

    Parameters
    ----------
    width : int
        Receive bus width in bits (64).
    channels : int
        MoldUDP64 channels with their own session and sequence state.

    Attributes
    ----------
    LATENCY : int
        Cycles from the rx beat carrying a message's last byte to its event being valid.

    Interface attributes
    --------------------
    rx : In(stream.Signature(rx_beat_layout(width), always_ready=True))
        The MAC's receive stream; never held back.
    events : Out(stream.Signature(EVENT_LAYOUT, always_ready=True))
        One normalised event per delivered ITCH message (speculative until ``frame_end``).
    frame_end : Out(stream.Signature(FRAME_END_LAYOUT, always_ready=True))
        Commit or withdraw the events since the previous ``frame_end``.
    gaps : Out(stream.Signature(GAP_LAYOUT, always_ready=True))
        Sequence numbers that no feed of a channel delivered (committed frames only).
    frame_regs, mold_regs : In(block_signature(...))
        The two stages' register blocks, from the CSR bank.
    """

    LATENCY = FrameParser.LATENCY + MoldItch.LATENCY

    def __init__(self, width: int = 64, channels: int = 4):
        self.frame_parser = FrameParser(width)
        self.mold_itch = MoldItch(width, channels)
        self.mold_block = mold_block(channels)
        # The outputs are MoldItch's own, so their signatures are declared in one place.
        outputs = {name: self.mold_itch.signature.members[name]
                   for name in ("events", "frame_end", "gaps")}
        super().__init__({
            "rx": In(stream.Signature(rx_beat_layout(width), always_ready=True)),
            **outputs,
            "frame_regs": In(block_signature(FRAME_BLOCK)),
            "mold_regs": In(block_signature(self.mold_block)),
        })

    def elaborate(self, platform):
        m = Module()
        m.submodules.frame_parser = parser = self.frame_parser
        m.submodules.mold_itch = mold = self.mold_itch
        wiring.connect(m, wiring.flipped(self.rx), parser.rx)
        wiring.connect(m, parser.payload, mold.payload)
        wiring.connect(m, mold.events, wiring.flipped(self.events))
        wiring.connect(m, mold.frame_end, wiring.flipped(self.frame_end))
        wiring.connect(m, mold.gaps, wiring.flipped(self.gaps))
        wiring.connect(m, wiring.flipped(self.frame_regs), parser.regs)
        wiring.connect(m, wiring.flipped(self.mold_regs), mold.regs)
        return m
