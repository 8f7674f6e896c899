"""``RgmiiPins``: the DDR I/O buffers and clocks between an RGMII PHY's pins and :class:`EthMac`.

For the board top. It takes the RGMII resource requested raw, as amaranth-boards names it on
the ECPIX-5 (``eth_rgmii``: ``rx_clk``, ``rx_ctrl``, ``rx_data`` (4), ``tx_clk``,
``tx_ctrl``, ``tx_data`` (4), ``rst`` (active low, inverted by the resource), ``mdc``,
``mdio``)::

    m.domains += [ClockDomain("eth_rx"), ClockDomain("eth_tx"), ClockDomain("eth_tx90")]
    # eth_tx, eth_tx90: clocked from the PLL (below); eth_rx: clocked here
    pins = platform.request("eth_rgmii", 0, dir="-")
    m.submodules.rgmii = rgmii = RgmiiPins(pins)
    m.submodules.mac = mac = EthMac()          # or DomainRenamer({"sync": "core"})(...)
    m.d.comb += [mac.rgmii_rx.eq(rgmii.rx), rgmii.tx.eq(mac.rgmii_tx),
                 rgmii.reset.eq(board_reset)]

What it builds, with ``amaranth.lib.io`` (``IDDRX1F``/``ODDRX1F`` on ECP5):

- the clock of the ``eth_rx`` domain (which the board top defines, as Amaranth wants
  domains defined above every user): RX_CLK through an input buffer; and its reset,
  ``reset`` synchronised to it (asserted asynchronously, released on an RX_CLK edge);
- RXD and RX_CTL through ``io.DDRBuffer`` inputs in ``eth_rx`` (``rx``);
- TXD and TX_CTL through ``io.DDRBuffer`` outputs in ``eth_tx`` (``tx``);
- TX_CLK through an ``io.DDRBuffer`` output in ``eth_tx90`` driving 1 then 0 each cycle:
  the clock forwarded from a domain the board top clocks at 125 MHz, 90 degrees (2 ns)
  after ``eth_tx``;
- the PHY's reset pin, held in reset while ``reset`` is high.

Clocking the board top must set up (RGMII v2.0 wants the clock 1.5 to 2 ns into each data
half at the receiver; ODDRX1F/IDDRX1F change and sample data on the clock's edges):

- ``eth_tx`` and ``eth_tx90``: one PLL (``EHXPLLL`` from the 100 MHz board clock), two
  125 MHz outputs, the second with a 90-degree phase shift. That shift is the transmit
  delay; the PHY's own TX delay (TXDLY strap) must then be off. The alternative (PHY TX
  delay on, ``eth_tx90`` = ``eth_tx``) works the same with this adapter.
- ``eth_rx``: RX_CLK as it comes. The PHY must add the RX delay itself (its RXDLY strap
  or register: RGMII-ID), as LiteX's ECPIX-5 target assumes (``rx_delay=0``); otherwise
  data and clock edges coincide at the IDDRX1F. If the board's PHY does not, an
  ``DELAYG`` of about 2 ns on RX_CLK is what is missing, which ``amaranth.lib.io`` has no
  buffer for: it would be an ``Instance`` between the pin and the clock domain.
- constraints: RX_CLK is a 125 MHz clock (``platform.add_clock_constraint`` on
  ``rx_clk.i``); the PLL outputs are constrained by nextpnr from the PLL itself. The
  paths between the three domains cross only through :class:`hdl.eth.mac.EthMac`'s FIFOs
  and synchronisers.
"""

from __future__ import annotations

from amaranth import ClockSignal, Module
from amaranth.lib import io, wiring
from amaranth.lib.cdc import ResetSynchronizer
from amaranth.lib.wiring import In, Out

from hdl.eth.layouts import DDR_PAIR, RX_DOMAIN, TX_DOMAIN

__all__ = ["RgmiiPins", "TX_CLOCK_DOMAIN"]

#: The domain whose clock TX_CLK forwards: ``eth_tx`` 90 degrees later.
TX_CLOCK_DOMAIN = "eth_tx90"


class RgmiiPins(wiring.Component):
    """DDR buffers, the receive clock domain and the forwarded transmit clock.

    Parameters
    ----------
    pins : amaranth.build.PortGroup
        The ``eth_rgmii`` resource requested with ``dir="-"``.

    Interface attributes
    --------------------
    rx : Out(DDR_PAIR)
        RXD and RX_CTL, per cycle of ``eth_rx`` (to :attr:`EthMac.rgmii_rx`).
    tx : In(DDR_PAIR)
        TXD and TX_CTL, per cycle of ``eth_tx`` (from :attr:`EthMac.rgmii_tx`).
    reset : In(1)
        Board reset: resets ``eth_rx`` and holds the PHY in reset.
    """

    def __init__(self, pins):
        self.pins = pins
        super().__init__({"rx": Out(DDR_PAIR), "tx": In(DDR_PAIR), "reset": In(1)})

    def elaborate(self, platform):
        m = Module()
        pins = self.pins
        m.submodules.rx_clk = rx_clk = io.Buffer("i", pins.rx_clk)
        m.d.comb += ClockSignal(RX_DOMAIN).eq(rx_clk.i)
        m.submodules.rx_reset = ResetSynchronizer(self.reset, domain=RX_DOMAIN)

        m.submodules.rxd = rxd = io.DDRBuffer("i", pins.rx_data, i_domain=RX_DOMAIN)
        m.submodules.rx_ctl = rx_ctl = io.DDRBuffer("i", pins.rx_ctrl, i_domain=RX_DOMAIN)
        m.submodules.txd = txd = io.DDRBuffer("o", pins.tx_data, o_domain=TX_DOMAIN)
        m.submodules.tx_ctl = tx_ctl = io.DDRBuffer("o", pins.tx_ctrl, o_domain=TX_DOMAIN)
        m.submodules.tx_clk = tx_clk = io.DDRBuffer("o", pins.tx_clk, o_domain=TX_CLOCK_DOMAIN)
        for half in range(2):
            m.d.comb += [
                self.rx.data[half].eq(rxd.i[half]), self.rx.ctl[half].eq(rx_ctl.i[half]),
                txd.o[half].eq(self.tx.data[half]), tx_ctl.o[half].eq(self.tx.ctl[half]),
            ]
        m.d.comb += [tx_clk.o[0].eq(1), tx_clk.o[1].eq(0)]

        m.submodules.phy_reset = phy_reset = io.Buffer("o", pins.rst)
        m.d.comb += phy_reset.o.eq(self.reset)
        return m
