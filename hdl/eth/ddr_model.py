"""Plain-logic stand-ins for DDR I/O buffers, for simulation (Verilator, amaranth.sim).

``amaranth.lib.io.DDRBuffer`` becomes a vendor primitive (IDDRX1F / ODDRX1F on ECP5) that
a simulator does not have, so the cocotb tests put these in its place. They keep the
primitive's contract as :class:`hdl.eth.rgmii.RgmiiRx` / :class:`~hdl.eth.rgmii.RgmiiTx`
see it (index 0: the half after the rising edge, index 1: the half after the falling edge)
with flip-flops on both edges of the domain's clock:

- :class:`DdrInputModel`: the pin sampled at the rising edge and at the following falling
  edge, both presented together from the next rising edge (one cycle of latency, as the
  ECP5 primitive).
- :class:`DdrOutputModel`: ``o`` registered at the rising edge, then ``o[0]`` on the pin
  while the clock is high and ``o[1]`` while it is low. The pin changes with the clock's
  edges (edge aligned, as on the board); a receiver model that samples just after each
  edge, as cocotbext-eth's ``RgmiiSink`` does, sees each half.
"""

from __future__ import annotations

from amaranth import ClockDomain, ClockSignal, Module, Mux, Signal
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out

__all__ = ["DdrInputModel", "DdrOutputModel"]


class DdrInputModel(wiring.Component):
    """A DDR input buffer of ``width`` pins in ``domain``.

    Interface attributes
    --------------------
    pins : In(width)
    i : Out(ArrayLayout(width, 2))
    """

    def __init__(self, width: int, domain: str):
        self.domain = domain
        super().__init__({"pins": In(width), "i": Out(data.ArrayLayout(width, 2))})

    def elaborate(self, platform):
        m = Module()
        fall = f"{self.domain}_fall"
        m.domains += ClockDomain(fall, clk_edge="neg", local=True, reset_less=True)
        m.d.comb += ClockSignal(fall).eq(ClockSignal(self.domain))
        rise_sample = Signal.like(self.pins)
        fall_sample = Signal.like(self.pins)
        m.d[self.domain] += rise_sample.eq(self.pins)
        m.d[fall] += fall_sample.eq(self.pins)
        m.d[self.domain] += [self.i[0].eq(rise_sample), self.i[1].eq(fall_sample)]
        return m


class DdrOutputModel(wiring.Component):
    """A DDR output buffer of ``width`` pins in ``domain``.

    Interface attributes
    --------------------
    o : In(ArrayLayout(width, 2))
    pins : Out(width)
    """

    def __init__(self, width: int, domain: str):
        self.domain = domain
        super().__init__({"o": In(data.ArrayLayout(width, 2)), "pins": Out(width)})

    def elaborate(self, platform):
        m = Module()
        first, second = Signal(len(self.pins)), Signal(len(self.pins))
        m.d[self.domain] += [first.eq(self.o[0]), second.eq(self.o[1])]
        m.d.comb += self.pins.eq(Mux(ClockSignal(self.domain), first, second))
        return m
