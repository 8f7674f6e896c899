"""``FeedBookTop``: the feed handler and the book builder behind one register bank.

What Verilator builds for the book tests and ``tickforge book --engine verilator``: MAC
beats in; the feed handler's events, verdicts and gaps out as they are, and the book
builder's update records and verdicts. :func:`feed_book_register_map` is the map software
reads (``regs.json``) for this design.
"""

from __future__ import annotations

from amaranth import Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In

from hdl.book.builder import BookBuilder
from hdl.book.layouts import SIM_PARAMS, BookParams
from hdl.book.regs import book_block
from hdl.feed.frame_regs import FRAME_BLOCK
from hdl.feed.handler import FeedHandler
from hdl.feed.mold_regs import mold_block
from hdl.host_if.axil import AXI4LiteSignature
from hdl.host_if.csr_bank import AXI4LiteCSR
from hdl.host_if.regs import RegisterMap
from hdl.host_if.system import SYSTEM_BLOCK, SystemLogic

__all__ = ["FeedBookTop", "feed_book_register_map"]

_FEED_OUTPUTS = ("events", "frame_end", "gaps")
_BOOK_OUTPUTS = ("updates", "update_end")


def feed_book_register_map(params: BookParams = SIM_PARAMS, channels: int = 4) -> RegisterMap:
    """System block first (discovery starts there), the feed handler's two, then the book."""
    return RegisterMap("tickforge", [SYSTEM_BLOCK, FRAME_BLOCK, mold_block(channels),
                                     book_block(params)])


class FeedBookTop(wiring.Component):
    """Register bank + system logic + :class:`FeedHandler` + :class:`BookBuilder`.

    Interface attributes
    --------------------
    s_axil : In(AXI4LiteSignature)
        Host registers.
    rx, events, frame_end, gaps
        As in :class:`hdl.feed.handler.FeedHandler`.
    updates, update_end
        As in :class:`hdl.book.builder.BookBuilder`.
    """

    def __init__(self, params: BookParams = SIM_PARAMS, width: int = 64, channels: int = 4):
        self.params = params
        self.register_map = feed_book_register_map(params, channels)
        self.csr = AXI4LiteCSR(self.register_map)
        self.handler = FeedHandler(width, channels)
        self.builder = BookBuilder(params)
        members = {"s_axil": In(AXI4LiteSignature(self.csr.bank.addr_width)),
                   "rx": self.handler.signature.members["rx"]}
        for name in _FEED_OUTPUTS:
            members[name] = self.handler.signature.members[name]
        for name in _BOOK_OUTPUTS:
            members[name] = self.builder.signature.members[name]
        super().__init__(members)

    def elaborate(self, platform):
        m = Module()
        m.submodules.csr = csr = self.csr
        m.submodules.system = system = SystemLogic()
        m.submodules.handler = handler = self.handler
        m.submodules.builder = builder = self.builder
        wiring.connect(m, wiring.flipped(self.s_axil), csr.s_axil)
        wiring.connect(m, csr.system, system.regs)
        wiring.connect(m, getattr(csr, FRAME_BLOCK.name), handler.frame_regs)
        wiring.connect(m, getattr(csr, handler.mold_block.name), handler.mold_regs)
        wiring.connect(m, getattr(csr, builder.block.name), builder.regs)
        wiring.connect(m, wiring.flipped(self.rx), handler.rx)
        for name in _FEED_OUTPUTS:
            source = getattr(handler, name)
            sink = getattr(self, name)
            m.d.comb += [sink.valid.eq(source.valid), sink.payload.eq(source.payload)]
        m.d.comb += [
            builder.events.valid.eq(handler.events.valid),
            builder.events.payload.eq(handler.events.payload),
            builder.frame_end.valid.eq(handler.frame_end.valid),
            builder.frame_end.payload.eq(handler.frame_end.payload),
        ]
        for name in _BOOK_OUTPUTS:
            wiring.connect(m, getattr(builder, name), wiring.flipped(getattr(self, name)))
        m.d.comb += system.status_event.eq(0)
        return m
