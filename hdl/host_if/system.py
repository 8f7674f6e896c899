"""The ``system`` register block: identity, scratch, cycle counter, soft reset, sticky status.

It is the first block of every tickforge bitstream, so software that finds the magic
``TKFG`` at address 0 knows it talks to a tickforge design and can walk the other blocks
from there.

Reading the 64-bit cycle counter: read ``cycles_lo`` first, then ``cycles_hi``. Reading
``cycles_lo`` latches the high word of the same cycle into the value ``cycles_hi`` returns,
so the pair is consistent even when the low word wraps between the two reads.
"""

from __future__ import annotations

from amaranth import Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hdl.host_if.csr_bank import AXI4LiteCSR, block_signature
from hdl.host_if.regs import Access, BitField, Block, Register, RegisterMap

__all__ = ["MAGIC", "DESIGN_VERSION", "SYSTEM_BLOCK", "TICKFORGE_MAP", "SystemLogic",
           "SystemTop"]

#: ASCII "TKFG", big-endian: what ``system.magic`` always reads.
MAGIC = int.from_bytes(b"TKFG", "big")
#: (major, minor, patch) of the gateware; bump with every released bitstream.
DESIGN_VERSION = (0, 1, 0)
#: ASCII "SYST": the system block's TYPE.
SYSTEM_TYPE_ID = int.from_bytes(b"SYST", "big")

SYSTEM_BLOCK = Block(
    name="system",
    type_id=SYSTEM_TYPE_ID,
    version=1,
    doc="Identity of the bitstream, a scratch register for bus tests, a free-running cycle "
        "counter, soft reset and sticky status bits. Always the first block.",
    registers=(
        Register("magic", Access.RO, "Always 0x544B4647 (ASCII TKFG).", reset=MAGIC,
                 constant=True),
        Register("design_version", Access.RO, "Gateware version.", constant=True, fields=(
            BitField("patch", 0, 8, DESIGN_VERSION[2], "Patch level."),
            BitField("minor", 8, 8, DESIGN_VERSION[1], "Minor version."),
            BitField("major", 16, 8, DESIGN_VERSION[0], "Major version."),
        )),
        Register("scratch", Access.RW, "Free for software; bus tests write and read it back.",
                 reset=0),
        Register("cycles_lo", Access.RO, "Cycle counter bits 31..0. Reading it latches "
                 "bits 63..32 into cycles_hi: read cycles_lo first.", latches="cycles_hi"),
        Register("cycles_hi", Access.RO, "Cycle counter bits 63..32 as latched by the last "
                 "read of cycles_lo."),
        Register("control", Access.W1S, "Commands; write 1 to a bit to trigger it.", fields=(
            BitField("soft_reset", 0, 1, 0, "Restart the cycle counter and pulse the "
                     "design's soft reset."),
        )),
        Register("status", Access.W1C, "Sticky events; write 1 to a bit to clear it.", fields=(
            BitField("wrapped", 0, 1, 0, "The 64-bit cycle counter wrapped to 0."),
            BitField("event", 1, 1, 0, "The status_event input was high (test hook)."),
        )),
    ),
)

TICKFORGE_MAP = RegisterMap("tickforge", [SYSTEM_BLOCK])


class SystemLogic(wiring.Component):
    """What the system block's registers control and report.

    Parameters
    ----------
    counter_start : int
        Cycle counter value after reset and soft reset (tests start it near the wrap).

    Interface attributes
    --------------------
    regs : In(block_signature(SYSTEM_BLOCK))
        Connects to the bank's ``system`` port.
    status_event : In(1)
        Sets ``status.event``.
    soft_reset : Out(1)
        One-cycle pulse when the host writes ``control.soft_reset``.
    """

    def __init__(self, counter_start: int = 0):
        self.counter_start = counter_start
        super().__init__({
            "regs": In(block_signature(SYSTEM_BLOCK)),
            "status_event": In(1),
            "soft_reset": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        counter = Signal(64, init=self.counter_start)
        m.d.comb += [
            self.regs.cycles_lo.eq(counter[:32]),
            self.regs.cycles_hi.eq(counter[32:]),
            self.soft_reset.eq(self.regs.control.soft_reset),
            self.regs.status_set.event.eq(self.status_event),
            self.regs.status_set.wrapped.eq(counter == (1 << 64) - 1),
        ]
        with m.If(self.regs.control.soft_reset):
            m.d.sync += counter.eq(self.counter_start)
        with m.Else():
            m.d.sync += counter.eq(counter + 1)
        return m


class SystemTop(wiring.Component):
    """Top level for tests: the AXI4-Lite register bank with the system block's logic.

    Other blocks in ``register_map`` get no logic here; their ports appear on the top level
    (``<block>_<register>`` in Verilog), so a testbench can drive and watch them.

    Parameters
    ----------
    register_map : RegisterMap
        Must contain :data:`SYSTEM_BLOCK` as ``system``.
    counter_start : int
        Passed to :class:`SystemLogic`.

    Interface attributes
    --------------------
    s_axil : In(AXI4LiteSignature)
        The host bus.
    status_event, soft_reset
        As in :class:`SystemLogic`.
    """

    def __init__(self, register_map: RegisterMap = TICKFORGE_MAP, counter_start: int = 0):
        if register_map.block("system").block != SYSTEM_BLOCK:
            raise ValueError("the map's system block is not SYSTEM_BLOCK")
        self.csr = AXI4LiteCSR(register_map)
        self.logic = SystemLogic(counter_start)
        members = {name: member for name, member in self.csr.signature.members.items()
                   if name != "system"}
        members.update(status_event=In(1), soft_reset=Out(1))
        super().__init__(members)

    def elaborate(self, platform):
        m = Module()
        m.submodules.csr = csr = self.csr
        m.submodules.logic = logic = self.logic
        wiring.connect(m, csr.system, logic.regs)
        wiring.connect(m, wiring.flipped(self.s_axil), csr.s_axil)
        for name in self.signature.members:
            if name not in ("s_axil", "status_event", "soft_reset"):
                wiring.connect(m, wiring.flipped(getattr(self, name)), getattr(csr, name))
        m.d.comb += [logic.status_event.eq(self.status_event),
                     self.soft_reset.eq(logic.soft_reset)]
        return m
