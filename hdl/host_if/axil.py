"""AXI4-Lite slave that turns bus transactions into single-cycle register strobes.

The slave accepts one write and one read at a time (the two channels are independent, as in
AXI). Write address and write data may arrive in either order or together; the write is
performed on the cycle after both are held, and its response follows on the next cycle. A
read is strobed on the cycle after its address is held, and its data (which the register
side answers a cycle later, :data:`READ_LATENCY`) is on the bus the cycle after that.
Every ``*ready`` is a register output, so no combinational path runs from a ``*valid`` input
to a ``*ready`` output, and masters that wait for ready before raising valid still work
because ready is raised while idle.

Responses: OKAY (0b00), or SLVERR (0b10) when the register side reports the address
unmapped. ``awprot``/``arprot`` are accepted and ignored.
"""

from __future__ import annotations

from amaranth import Cat, Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

__all__ = ["AXI4LiteSignature", "RegPortSignature", "READ_LATENCY", "AXI4LiteSlave", "RESP_OKAY",
           "RESP_SLVERR"]

RESP_OKAY = 0b00
RESP_SLVERR = 0b10


class AXI4LiteSignature(wiring.Signature):
    """AXI4-Lite, 32-bit data, from the master's side (a slave port is ``In(...)``).

    Parameters
    ----------
    addr_width : int
        Byte address bits.
    """

    def __init__(self, addr_width: int):
        self.addr_width = addr_width
        super().__init__({
            "awaddr": Out(addr_width), "awprot": Out(3), "awvalid": Out(1), "awready": In(1),
            "wdata": Out(32), "wstrb": Out(4), "wvalid": Out(1), "wready": In(1),
            "bresp": In(2), "bvalid": In(1), "bready": Out(1),
            "araddr": Out(addr_width), "arprot": Out(3), "arvalid": Out(1), "arready": In(1),
            "rdata": In(32), "rresp": In(2), "rvalid": In(1), "rready": Out(1),
        })


#: Cycles from a register port's ``r_stb`` to its ``r_data`` (what :class:`AXI4LiteSlave`
#: waits for).
READ_LATENCY = 1


class RegPortSignature(wiring.Signature):
    """Register access, from the bus side (a register bank is ``In(...)``): a write in its
    strobe's cycle, a read answered the cycle after.

    ``w_stb`` performs a write of ``w_data`` under byte enables ``w_strb`` to ``w_addr``, and
    ``w_err`` answers in the same cycle. ``r_stb`` performs a read of ``r_addr`` (reads may
    have side effects, so the strobe matters), and ``r_data`` and ``r_err`` answer on the
    cycle after it (:data:`READ_LATENCY`: the bank registers each block's read). ``*_err``
    means no register lives at that address.
    """

    def __init__(self, addr_width: int):
        self.addr_width = addr_width
        super().__init__({
            "w_addr": Out(addr_width), "w_data": Out(32), "w_strb": Out(4), "w_stb": Out(1),
            "w_err": In(1),
            "r_addr": Out(addr_width), "r_stb": Out(1), "r_data": In(32), "r_err": In(1),
        })


class AXI4LiteSlave(wiring.Component):
    """AXI4-Lite slave front end.

    Parameters
    ----------
    addr_width : int
        Byte address bits.

    Interface attributes
    --------------------
    bus : In(AXI4LiteSignature)
        Towards the AXI master.
    regs : Out(RegPortSignature)
        Towards the register bank.
    """

    def __init__(self, addr_width: int):
        super().__init__({
            "bus": In(AXI4LiteSignature(addr_width)),
            "regs": Out(RegPortSignature(addr_width)),
        })

    def elaborate(self, platform):
        m = Module()
        bus, regs = self.bus, self.regs
        self._write_path(m, bus, regs)
        self._read_path(m, bus, regs)
        return m

    def _write_path(self, m, bus, regs):
        have_aw = Signal()
        have_w = Signal()
        addr = Signal.like(bus.awaddr)
        data = Signal(32)
        strb = Signal(4)
        # Ready only while the slot is empty and no response is pending: one write at a time.
        m.d.comb += [
            bus.awready.eq(~have_aw & ~bus.bvalid),
            bus.wready.eq(~have_w & ~bus.bvalid),
        ]
        with m.If(bus.awvalid & bus.awready):
            m.d.sync += [addr.eq(bus.awaddr), have_aw.eq(1)]
        with m.If(bus.wvalid & bus.wready):
            m.d.sync += [data.eq(bus.wdata), strb.eq(bus.wstrb), have_w.eq(1)]

        perform = have_aw & have_w
        m.d.comb += [
            regs.w_addr.eq(addr), regs.w_data.eq(data), regs.w_strb.eq(strb),
            regs.w_stb.eq(perform),
        ]
        with m.If(perform):
            m.d.sync += [
                have_aw.eq(0), have_w.eq(0), bus.bvalid.eq(1),
                bus.bresp.eq(Cat(0, regs.w_err)),  # SLVERR is 0b10
            ]
        with m.If(bus.bvalid & bus.bready):
            m.d.sync += bus.bvalid.eq(0)

    def _read_path(self, m, bus, regs):
        have_ar = Signal()
        answering = Signal()     # the cycle after the strobe: the bank's answer is there
        addr = Signal.like(bus.araddr)
        m.d.comb += bus.arready.eq(~have_ar & ~answering & ~bus.rvalid)
        with m.If(bus.arvalid & bus.arready):
            m.d.sync += [addr.eq(bus.araddr), have_ar.eq(1)]

        # The read strobe comes from a register, never from arvalid, for the same timing
        # reason as on the write side; it lasts one cycle, and the answer comes the next.
        m.d.comb += [regs.r_addr.eq(addr), regs.r_stb.eq(have_ar)]
        m.d.sync += answering.eq(have_ar)
        with m.If(have_ar):
            m.d.sync += have_ar.eq(0)
        with m.If(answering):
            m.d.sync += [
                bus.rvalid.eq(1), bus.rdata.eq(regs.r_data),
                bus.rresp.eq(Cat(0, regs.r_err)),
            ]
        with m.If(bus.rvalid & bus.rready):
            m.d.sync += bus.rvalid.eq(0)
