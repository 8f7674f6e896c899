"""The tickforge card on an LambdaConcept ECPIX-5 85F (LFE5UM5G-85F, speed 8, caBGA554).

Pins and the 100 MHz oscillator come from amaranth-boards' ``ECPIX585Platform``.

- **Clocks** (:mod:`hdl.boards.ecp5_clocks`): one EHXPLLL makes the 125 MHz Ethernet
  clocks and the core clock (:data:`CORE_MHZ`), each with a synchronised reset held while
  the PLL is unlocked or the reset button is pressed.
- **Core**: :class:`hdl.top.TickToTrade` with :data:`~hdl.book.layouts.BOARD_PARAMS`,
  :data:`~hdl.strategy.layouts.BOARD_TRADE` and :data:`CHANNELS` MoldUDP64 channels, the
  capacities that fit the part.
- **Host link**: the board's FTDI UART (the second channel of its USB port) into the UART
  register bridge (:mod:`hdl.host_if.uart_bridge`) at :data:`BAUD`, mastering the card's
  register bank; the bridge's own counters are the ``uart`` block at the end of the map.
- **Ethernet**: the RGMII port (:class:`hdl.eth.rgmii_pins.RgmiiPins`) through the gigabit
  MAC (:class:`hdl.eth.mac.EthMac`, counters in the ``eth`` block). One port carries both
  sessions: every received frame goes to the feed handler *and* to the response path, and
  each keeps only its own (the feed handler its subscribed multicast groups, the response
  path the order session's TCP segments); order entry transmits. Below 15.6 MHz the core
  cannot keep a cut-through transmit FIFO fed, so the MAC then sends store-and-forward.
  The PHY is assumed to add the RGMII receive delay itself; the transmit delay is the
  PLL's 90-degree clock (see ``hdl/eth/rgmii_pins.py``).
- **No PCIe**: the core's XDMA-shaped streams have no host here. ``c2h.ready`` is held
  high, so every event record is taken and dropped (the FIFOs never fill, the
  ``events.dropped_*`` counters stay 0); ``h2c`` is held idle, so the command stream's
  manual orders and cancels are not available (the kill switch still is, as a register).
- **LEDs**: RGB LED 0 red while the kill switch is set, green blinking about once a second
  while the core clock runs, blue while the PLL is unlocked; LED 1 green flashes for
  received frames.
"""

from __future__ import annotations

from amaranth import ClockDomain, Elaboratable, Module, Signal
from amaranth.lib import io, wiring

from hdl.boards.ecp5_clocks import VCO_MHZ, BoardClocks, board_domains, core_divider
from hdl.book.layouts import BOARD_PARAMS
from hdl.eth.layouts import RX_DOMAIN
from hdl.eth.mac import EthMac, cut_through_safe
from hdl.eth.regs import eth_block
from hdl.eth.rgmii_pins import RgmiiPins
from hdl.host_if.uart_bridge import UartBridge, uart_block
from hdl.strategy.layouts import BOARD_TRADE
from hdl.top import TickToTrade, card_register_map
from proto.uart_bridge import DEFAULT_BAUD

__all__ = ["CORE_MHZ", "BAUD", "CHANNELS", "core_hz", "uart_divisor", "board_register_map",
           "platform", "ECPIX5Top"]

#: The core clock asked of the PLL: 625 MHz / 60 = 10.42 MHz. The whole core is far from
#: the 156.25 MHz goal: it was chosen when the exchange-response path reached 11.7 MHz out
#: of context (75 MHz now; the level store reaches 32 MHz at ECP5 capacities: README,
#: ``bench/fmax.py``), below it with some margin for a full chip. Raise it as the achieved
#: Fmax allows (``make synth BOARD=ecpix5`` reports it); 625 / 20 = 31.25 MHz would take
#: gigabit line rate. At this clock the core takes 64-bit beats at 0.67 Gb/s, below the
#: line rate: back-to-back gigabit frames overflow the MAC's receive FIFO.
CORE_MHZ = 625 / 60
BAUD = DEFAULT_BAUD
#: MoldUDP64 channels with sequence state (the core's default is 4). A channel's A and B
#: feeds share one, and the board's day is one channel; each channel costs two 64-bit
#: compares of every header against its expected sequence number, its session, its
#: counters and their register words, and those were among the nets that crowd the middle
#: of the part when the card is routed (README, ECPIX-5 status).
CHANNELS = 2


def core_hz(core_mhz: float = CORE_MHZ) -> float:
    return VCO_MHZ * 1e6 / core_divider(core_mhz)


def uart_divisor(core_mhz: float = CORE_MHZ, baud: int = BAUD) -> int:
    divisor = round(core_hz(core_mhz) / baud)
    error = abs(core_hz(core_mhz) / divisor / baud - 1)
    if error > 0.02:
        raise ValueError(f"{baud} baud is {error:.1%} off at {core_hz(core_mhz) / 1e6} MHz")
    return divisor


def board_register_map(core_mhz: float = CORE_MHZ, baud: int = BAUD):
    """The bitstream's register map (``docs/ecpix5/regs.json`` is generated from it)."""
    return card_register_map(BOARD_PARAMS, BOARD_TRADE, CHANNELS,
                             extra=(eth_block(), uart_block(uart_divisor(core_mhz, baud))))


def platform():
    from amaranth_boards.ecpix5 import ECPIX585Platform

    return ECPIX585Platform()


class ECPIX5Top(Elaboratable):
    """Parameters
    ----------
    core_mhz : float
        The core clock (nearest 625 / N MHz).
    baud : int
        The UART bridge's baud rate.
    """

    def __init__(self, core_mhz: float = CORE_MHZ, baud: int = BAUD):
        self.core_mhz = core_mhz
        self.uart = uart_block(uart_divisor(core_mhz, baud))
        self.eth = eth_block()
        self.card = TickToTrade(BOARD_PARAMS, BOARD_TRADE, channels=CHANNELS,
                                extra_blocks=(self.eth, self.uart))
        saf = not cut_through_safe(core_hz(core_mhz))
        self.mac = EthMac(self.eth.name, store_and_forward=saf, tx_depth=257 if saf else 33)
        self.bridge = UartBridge(uart_divisor(core_mhz, baud), self.card.csr.bank.addr_width)

    def elaborate(self, platform):
        m = Module()
        m.domains += [*board_domains(), ClockDomain(RX_DOMAIN)]
        m.submodules.clk100 = clk100 = io.Buffer("i", platform.request("clk100", 0, dir="-"))
        m.submodules.button = button = io.Buffer("i", platform.request("rst", 0, dir="-"))
        m.submodules.clocks = clocks = BoardClocks(clk100.i, button.i, self.core_mhz)

        card, bridge = self.card, self.bridge
        m.submodules.card = card
        m.submodules.bridge = bridge
        serial = platform.request("uart", 0, dir="-")
        m.submodules.uart_rx = uart_rx = io.Buffer("i", serial.rx)
        m.submodules.uart_tx = uart_tx = io.Buffer("o", serial.tx)
        m.d.comb += [bridge.rx.eq(uart_rx.i), uart_tx.o.eq(bridge.tx)]
        wiring.connect(m, bridge.bus, card.s_axil)
        wiring.connect(m, bridge.regs, getattr(card, self.uart.name))

        m.submodules.rgmii = rgmii = RgmiiPins(platform.request("eth_rgmii", 0, dir="-"))
        m.submodules.mac = mac = self.mac
        m.d.comb += [mac.rgmii_rx.eq(rgmii.rx), rgmii.tx.eq(mac.rgmii_tx),
                     rgmii.reset.eq(clocks.reset)]
        wiring.connect(m, mac.regs, getattr(card, self.eth.name))
        for sink in (card.rx, card.oe_rx):                  # one port, both sessions
            m.d.comb += [sink.valid.eq(mac.rx.valid), sink.payload.eq(mac.rx.payload)]
        wiring.connect(m, card.tx, mac.tx)

        m.d.comb += [card.c2h.ready.eq(1), card.h2c.valid.eq(0)]

        heartbeat = Signal(range(int(core_hz(self.core_mhz))))
        m.d.sync += heartbeat.eq(heartbeat + 1)
        flash = int(core_hz(self.core_mhz)) // 16                    # cycles in 1/16 s
        frames = Signal(range(flash + 1))
        with m.If(mac.rx.valid & mac.rx.payload.first):
            m.d.sync += frames.eq(flash)
        with m.Elif(frames != 0):
            m.d.sync += frames.eq(frames - 1)
        status, activity = (platform.request("rgb_led", n, dir="-") for n in (0, 1))
        for name, port, value in (("killed", status.r, card.risk.killed),
                                  ("alive", status.g, heartbeat[-1]),
                                  ("unlocked", status.b, ~clocks.locked),
                                  ("frames", activity.g, frames != 0)):
            m.submodules[f"led_{name}"] = led = io.Buffer("o", port)
            m.d.comb += led.o.eq(value)
        return m
