"""``RgmiiPins`` on an ECP5 platform: the board adapter elaborates to the vendor DDR primitives.

Uses amaranth-boards' ECPIX-5 85F when it is installed (the board top's dependency) and
otherwise a stand-in platform with an ``eth_rgmii`` resource of the same shape (names,
directions, the inverted reset), so the adapter is checked on this branch either way.
Nothing is synthesised: ``platform.prepare`` lowers the design to RTLIL with the
platform's I/O buffers, which is where a wrong resource name or direction would fail.
"""

from __future__ import annotations

import re

from amaranth import ClockDomain, Elaboratable, Module
from amaranth.build import Attrs, Clock, Pins, PinsN, Resource, Subsignal
from amaranth.vendor import LatticeECP5Platform

from hdl.eth.layouts import RX_DOMAIN, TX_DOMAIN
from hdl.eth.mac import EthMac
from hdl.eth.rgmii_pins import TX_CLOCK_DOMAIN, RgmiiPins


class _StandinECPIX5(LatticeECP5Platform):
    device, package, speed = "LFE5UM5G-85F", "BG554", "8"
    default_clk = "clk100"
    resources = [
        Resource("clk100", 0, Pins("A1", dir="i"), Clock(100e6), Attrs(IO_TYPE="LVCMOS33")),
        Resource("eth_rgmii", 0,
                 Subsignal("rst", PinsN("B1", dir="o")),
                 Subsignal("mdio", Pins("B2", dir="io")),
                 Subsignal("mdc", Pins("B3", dir="o")),
                 Subsignal("tx_clk", Pins("C1", dir="o")),
                 Subsignal("tx_ctrl", Pins("C2", dir="o")),
                 Subsignal("tx_data", Pins("D1 D2 D3 D4", dir="o")),
                 Subsignal("rx_clk", Pins("E1", dir="i")),
                 Subsignal("rx_ctrl", Pins("E2", dir="i")),
                 Subsignal("rx_data", Pins("F1 F2 F3 F4", dir="i")),
                 Attrs(IO_TYPE="LVCMOS33")),
    ]
    connectors = []


def _platform():
    try:
        from amaranth_boards.ecpix5 import ECPIX585Platform
    except ImportError:
        return _StandinECPIX5()
    return ECPIX585Platform()


class _BoardSlice(Elaboratable):
    """What the board top does with the adapter and the MAC."""

    def elaborate(self, platform):
        m = Module()
        m.domains += [ClockDomain(RX_DOMAIN), ClockDomain(TX_DOMAIN),
                      ClockDomain(TX_CLOCK_DOMAIN)]
        m.submodules.rgmii = rgmii = RgmiiPins(platform.request("eth_rgmii", 0, dir="-"))
        m.submodules.mac = mac = EthMac()
        m.d.comb += [mac.rgmii_rx.eq(rgmii.rx), rgmii.tx.eq(mac.rgmii_tx)]
        return m


def test_the_adapter_lowers_to_iddrx1f_and_oddrx1f_on_the_rgmii_pins():
    plan = _platform().prepare(_BoardSlice(), name="top")
    rtlil = next(text for name, text in plan.files.items() if name.endswith(".il"))
    # RXD[3:0] and RX_CTL in; TXD[3:0], TX_CTL and the forwarded TX_CLK out
    assert len(re.findall(r"cell \\IDDRX1F ", rtlil)) == 5
    assert len(re.findall(r"cell \\ODDRX1F ", rtlil)) == 6
    constraints = next(text for name, text in plan.files.items() if name.endswith(".lpf"))
    for pin in ("rx_clk", "rx_ctrl", "rx_data", "tx_clk", "tx_ctrl", "tx_data", "rst"):
        assert f"eth_rgmii_0__{pin}" in constraints, pin
