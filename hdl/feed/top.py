"""``FeedTop``: the feed handler behind the host register bank, as simulated and benched.

The top that Verilator builds for the feed handler tests and ``--engine verilator``: the
AXI4-Lite CSR bank with the system block and the feed handler's two blocks, the system
block's logic, and the handler. :func:`feed_register_map` is the map software reads
(``regs.json``) for this design.
"""

from __future__ import annotations

from amaranth import Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In

from hdl.feed.frame_regs import FRAME_BLOCK
from hdl.feed.handler import FeedHandler
from hdl.host_if.axil import AXI4LiteSignature
from hdl.host_if.csr_bank import AXI4LiteCSR
from hdl.host_if.regs import RegisterMap
from hdl.host_if.system import SYSTEM_BLOCK, SystemLogic

__all__ = ["FeedTop", "feed_register_map"]


def feed_register_map(channels: int = 4) -> RegisterMap:
    """System block first (discovery starts there), then the two feed-handler blocks."""
    from hdl.feed.mold_regs import mold_block

    return RegisterMap("tickforge", [SYSTEM_BLOCK, FRAME_BLOCK, mold_block(channels)])


class FeedTop(wiring.Component):
    """Register bank + system logic + :class:`FeedHandler`.

    Interface attributes
    --------------------
    s_axil : In(AXI4LiteSignature)
        Host registers (the PCIe BAR on a card).
    rx, events, frame_end, gaps
        As in :class:`FeedHandler`.
    """

    def __init__(self, width: int = 64, channels: int = 4):
        self.register_map = feed_register_map(channels)
        self.csr = AXI4LiteCSR(self.register_map)
        self.handler = FeedHandler(width, channels)
        self.LATENCY = self.handler.LATENCY
        members = {"s_axil": In(AXI4LiteSignature(self.csr.bank.addr_width))}
        for name in ("rx", "events", "frame_end", "gaps"):
            members[name] = self.handler.signature.members[name]
        super().__init__(members)

    def elaborate(self, platform):
        m = Module()
        m.submodules.csr = csr = self.csr
        m.submodules.system = system = SystemLogic()
        m.submodules.handler = handler = self.handler
        wiring.connect(m, wiring.flipped(self.s_axil), csr.s_axil)
        wiring.connect(m, csr.system, system.regs)
        wiring.connect(m, getattr(csr, FRAME_BLOCK.name), handler.frame_regs)
        wiring.connect(m, getattr(csr, handler.mold_block.name), handler.mold_regs)
        wiring.connect(m, wiring.flipped(self.rx), handler.rx)
        for name in ("events", "frame_end", "gaps"):
            wiring.connect(m, getattr(handler, name), wiring.flipped(getattr(self, name)))
        m.d.comb += system.status_event.eq(0)
        return m
