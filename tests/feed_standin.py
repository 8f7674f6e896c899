"""A stand-in for the feed top with the same ports, to test the harness plumbing on its own.

Behaviour (simple enough to predict by hand in a test): every rx beat is registered; one
cycle after a frame's last beat an event carries that beat's ``data`` in ``sequence`` and
``stock``, its ``keep`` in ``locate``, feed 5 and channel 6; one cycle later ``frame_end``
commits unless the beat had ``error``. One cycle after a first beat, a gap reports channel 3,
first = that beat's data, count = frames seen so far. A ``stub`` register block counts
last beats (``frames``) and holds a ``knob``.
"""

from __future__ import annotations

from amaranth import Module, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.layouts import EVENT_LAYOUT, FRAME_END_LAYOUT, GAP_LAYOUT, rx_beat_layout
from hdl.host_if.csr_bank import AXI4LiteCSR
from hdl.host_if.regs import Access, Block, Register, RegisterMap
from hdl.host_if.system import SYSTEM_BLOCK, SystemLogic

STUB_BLOCK = Block("stub", type_id=int.from_bytes(b"STUB", "big"), version=1,
                   doc="Stand-in feed registers.", registers=(
                       Register("frames", Access.RO, "Last beats seen."),
                       Register("knob", Access.RW, "Plain storage.", reset=0x42),
                   ))
STANDIN_MAP = RegisterMap("standin", [SYSTEM_BLOCK, STUB_BLOCK])


class StandinTop(wiring.Component):
    """Same ports as ``hdl.feed.top.FeedTop`` (see the module docstring)."""

    register_map = STANDIN_MAP

    def __init__(self):
        self.csr = AXI4LiteCSR(STANDIN_MAP)
        super().__init__({
            "s_axil": self.csr.signature.members["s_axil"],
            "rx": In(stream.Signature(rx_beat_layout(64), always_ready=True)),
            "events": Out(stream.Signature(EVENT_LAYOUT, always_ready=True)),
            "frame_end": Out(stream.Signature(FRAME_END_LAYOUT, always_ready=True)),
            "gaps": Out(stream.Signature(GAP_LAYOUT, always_ready=True)),
        })

    def elaborate(self, platform):
        m = Module()
        m.submodules.csr = csr = self.csr
        m.submodules.system = system = SystemLogic()
        wiring.connect(m, csr.system, system.regs)
        wiring.connect(m, wiring.flipped(self.s_axil), csr.s_axil)
        stub = csr.stub
        beat = Signal(rx_beat_layout(64))
        valid = Signal()
        frames = Signal(32)
        m.d.sync += [beat.eq(self.rx.payload), valid.eq(self.rx.valid),
                     self.frame_end.valid.eq(valid & beat.last),
                     self.frame_end.payload.commit.eq(~beat.error)]
        with m.If(valid & beat.last):
            m.d.sync += frames.eq(frames + 1)
        m.d.comb += [
            stub.frames.eq(frames),
            self.events.valid.eq(valid & beat.last),
            self.events.payload.sequence.eq(beat.data),
            self.events.payload.stock.eq(beat.data),
            self.events.payload.locate.eq(beat.keep),
            self.events.payload.feed.eq(5),
            self.events.payload.channel.eq(6),
            self.gaps.valid.eq(valid & beat.first),
            self.gaps.payload.channel.eq(3),
            self.gaps.payload.first.eq(beat.data),
            self.gaps.payload.count.eq(frames),
        ]
        return m
