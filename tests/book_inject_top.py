"""``BookInjectTop``: the book builder alone behind its register bank, fed from one stream.

A test top for the Verilator stress test: without the feed handler in front, events can be
put on the builder every cycle or every 2 cycles, which no Ethernet line delivers, so the
read-after-write hazards are exercised at the builder's full rate. Each ``inject`` beat
is either an event (``end = 0``) or a frame verdict (``end = 1`` with ``commit``), so the
streaming harness (one input stream, :mod:`sim.harness_ports`) can drive both of the
builder's inputs.
"""

from __future__ import annotations

from amaranth import Module
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In

from hdl.book.builder import BookBuilder
from hdl.book.layouts import SIM_PARAMS, BookParams
from hdl.book.regs import book_block
from hdl.feed.layouts import EVENT_LAYOUT
from hdl.host_if.axil import AXI4LiteSignature
from hdl.host_if.csr_bank import AXI4LiteCSR
from hdl.host_if.regs import RegisterMap
from hdl.host_if.system import SYSTEM_BLOCK, SystemLogic

__all__ = ["INJECT_LAYOUT", "BookInjectTop"]

INJECT_LAYOUT = data.StructLayout({
    "event": EVENT_LAYOUT,
    "end": 1,            # a frame_end instead of an event
    "commit": 1,         # with end: the frame_end's commit bit
})


class BookInjectTop(wiring.Component):
    """Register bank (system and book blocks) + :class:`BookBuilder`.

    Interface attributes
    --------------------
    s_axil : In(AXI4LiteSignature)
        Host registers.
    inject : In(stream.Signature(INJECT_LAYOUT, always_ready=True))
        Events and frame verdicts, at most one a cycle.
    updates, update_end
        As in :class:`hdl.book.builder.BookBuilder`.
    """

    def __init__(self, params: BookParams = SIM_PARAMS):
        self.params = params
        self.register_map = RegisterMap("tickforge", [SYSTEM_BLOCK, book_block(params)])
        self.csr = AXI4LiteCSR(self.register_map)
        self.builder = BookBuilder(params)
        super().__init__({
            "s_axil": In(AXI4LiteSignature(self.csr.bank.addr_width)),
            "inject": In(stream.Signature(INJECT_LAYOUT, always_ready=True)),
            "updates": self.builder.signature.members["updates"],
            "update_end": self.builder.signature.members["update_end"],
        })

    def elaborate(self, platform):
        m = Module()
        m.submodules.csr = csr = self.csr
        m.submodules.system = system = SystemLogic()
        m.submodules.builder = builder = self.builder
        wiring.connect(m, wiring.flipped(self.s_axil), csr.s_axil)
        wiring.connect(m, csr.system, system.regs)
        wiring.connect(m, getattr(csr, builder.block.name), builder.regs)
        beat = self.inject.payload
        m.d.comb += [
            builder.events.valid.eq(self.inject.valid & ~beat.end),
            builder.events.payload.eq(beat.event),
            builder.frame_end.valid.eq(self.inject.valid & beat.end),
            builder.frame_end.payload.commit.eq(beat.commit),
            system.status_event.eq(0),
        ]
        for name in ("updates", "update_end"):
            wiring.connect(m, getattr(builder, name), wiring.flipped(getattr(self, name)))
        return m
