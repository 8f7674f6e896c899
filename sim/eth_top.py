"""``EthSimTop``: the MAC with DDR buffer models in place of the I/O primitives, for cocotb.

The RGMII pins are plain ports: ``rgmii_rxd``/``rgmii_rx_ctl`` in, clocked by the
``eth_rx`` domain's clock port ``eth_rx_clk`` (the PHY's RX clock: the testbench drives
it, and cocotbext-eth's ``RgmiiSource`` changes the data on its edges, as a PHY with the
RGMII-ID internal delay does relative to the delayed clock); ``rgmii_txd``/``rgmii_tx_ctl``
out, with ``rgmii_tx_clk`` the forwarded transmit clock that ``RgmiiSink`` samples on.
TXD and TX_CTL change with ``eth_tx``'s edges; ``rgmii_tx_clk`` is the clock port of a
domain ``eth_tx90`` that the testbench drives at the same frequency a quarter period later,
as the board does with a 90-degree PLL output (see :mod:`hdl.eth.rgmii_pins`), so the
sink samples each half in the middle of its window, not at the instant it changes.
The core side keeps :class:`hdl.eth.mac.EthMac`'s names: ``rx_*``, ``tx_*``, ``regs_*``,
in the ``sync`` domain (``clk``/``rst``).
"""

from __future__ import annotations

from amaranth import ClockSignal, Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hdl.eth.ddr_model import DdrInputModel, DdrOutputModel
from hdl.eth.layouts import RX_DOMAIN, TX_DOMAIN
from hdl.eth.mac import EthMac

__all__ = ["EthSimTop", "TOPLEVEL", "TX90_DOMAIN"]

TOPLEVEL = "eth_sim_top"
#: The forwarded transmit clock's domain: ``eth_tx`` shifted by 90 degrees.
TX90_DOMAIN = "eth_tx90"


class EthSimTop(wiring.Component):
    """:class:`EthMac` (its parameters passed through) behind RGMII pins."""

    def __init__(self, **mac_params):
        self.mac = EthMac(**mac_params)
        members = self.mac.signature.members
        super().__init__({
            "rgmii_rxd": In(4), "rgmii_rx_ctl": In(1),
            "rgmii_txd": Out(4), "rgmii_tx_ctl": Out(1), "rgmii_tx_clk": Out(1),
            "rx": members["rx"], "tx": members["tx"], "regs": members["regs"],
        })

    def elaborate(self, platform):
        m = Module()
        m.submodules.mac = mac = self.mac
        m.submodules.rxd = rxd = DdrInputModel(4, RX_DOMAIN)
        m.submodules.rx_ctl = rx_ctl = DdrInputModel(1, RX_DOMAIN)
        m.submodules.txd = txd = DdrOutputModel(4, TX_DOMAIN)
        m.submodules.tx_ctl = tx_ctl = DdrOutputModel(1, TX_DOMAIN)
        m.d.comb += [
            rxd.pins.eq(self.rgmii_rxd), rx_ctl.pins.eq(self.rgmii_rx_ctl),
            mac.rgmii_rx.data.eq(rxd.i), mac.rgmii_rx.ctl.eq(rx_ctl.i),
            txd.o.eq(mac.rgmii_tx.data), tx_ctl.o.eq(mac.rgmii_tx.ctl),
            self.rgmii_txd.eq(txd.pins), self.rgmii_tx_ctl.eq(tx_ctl.pins),
            self.rgmii_tx_clk.eq(ClockSignal(TX90_DOMAIN)),
        ]
        wiring.connect(m, mac.rx, wiring.flipped(self.rx))
        wiring.connect(m, wiring.flipped(self.tx), mac.tx)
        wiring.connect(m, mac.regs, wiring.flipped(self.regs))
        return m
