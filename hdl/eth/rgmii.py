"""RGMII at 1000 Mb/s: one byte time per clock cycle, four data pins and one control pin, DDR.

Per clock cycle the pins carry (RGMII v2.0, section 3):

- data: bits 3..0 of the byte in the half after the rising edge, bits 7..4 after the
  falling edge;
- control: the enable (RX_DV / TX_EN) after the rising edge, enable XOR error
  (RX_ER / TX_ER) after the falling edge, so a plain frame holds the pin high for the
  whole cycle and an error shows as a level change mid-cycle.

:class:`RgmiiRx` and :class:`RgmiiTx` convert between that and a :data:`GMII_BYTE` a cycle.
They see only what a DDR buffer register delivers or takes per cycle
(:data:`~hdl.eth.layouts.DDR_PAIR`), so the same logic sits behind Amaranth's
``io.DDRBuffer`` on the board (:mod:`hdl.eth.rgmii_pins`) and behind the plain-logic model
of one in simulation (:mod:`hdl.eth.ddr_model`).
"""

from __future__ import annotations

from amaranth import Cat, Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hdl.eth.layouts import DDR_PAIR, GMII_BYTE, RX_DOMAIN

__all__ = ["RgmiiRx", "RgmiiTx"]


class RgmiiRx(wiring.Component):
    """The receive pins' two halves of a cycle to one byte time, registered (one cycle).

    Interface attributes
    --------------------
    ddr : In(DDR_PAIR)
        From the DDR input buffers of RXD[3:0] and RX_CTL, in ``eth_rx``.
    gmii : Out(GMII_BYTE)
        Data, RX_DV and RX_ER of the byte time, one cycle later. Outside frames (RX_DV low)
        RX_ER and the data carry in-band status and false-carrier codes; they are passed on
        and the MAC ignores them.
    """

    def __init__(self):
        super().__init__({"ddr": In(DDR_PAIR), "gmii": Out(GMII_BYTE)})

    def elaborate(self, platform):
        m = Module()
        rise, fall = self.ddr.ctl[0], self.ddr.ctl[1]
        m.d[RX_DOMAIN] += [
            self.gmii.data.eq(Cat(self.ddr.data[0], self.ddr.data[1])),
            self.gmii.en.eq(rise),
            self.gmii.er.eq(rise ^ fall),
        ]
        return m


class RgmiiTx(wiring.Component):
    """One byte time to the transmit pins' two halves of a cycle (combinational: the DDR
    output buffer registers it).

    Interface attributes
    --------------------
    gmii : In(GMII_BYTE)
        Data, TX_EN and TX_ER of the byte time.
    ddr : Out(DDR_PAIR)
        To the DDR output buffers of TXD[3:0] and TX_CTL.
    """

    def __init__(self):
        super().__init__({"gmii": In(GMII_BYTE), "ddr": Out(DDR_PAIR)})

    def elaborate(self, platform):
        m = Module()
        m.d.comb += [
            self.ddr.data[0].eq(self.gmii.data[:4]),
            self.ddr.data[1].eq(self.gmii.data[4:]),
            self.ddr.ctl[0].eq(self.gmii.en),
            self.ddr.ctl[1].eq(self.gmii.en ^ self.gmii.er),
        ]
        return m
