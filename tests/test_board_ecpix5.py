"""The ECPIX-5 board top: its clocks, its UART rate, its register map and its pins.

References, each independent of the code under test: the PLL settings Project Trellis'
``ecppll`` computes for the same clocks; baud-rate arithmetic by hand; the ECPIX-5's pin-out
(LambdaConcept's schematic, as amaranth-boards carries it); the board's parameters.
"""

from __future__ import annotations

import json

import pytest

from hdl.boards import build, ecpix5
from hdl.boards.ecp5_clocks import core_divider, pll_parameters
from hdl.book.layouts import BOARD_PARAMS
from hdl.strategy.layouts import BOARD_TRADE
from host.commands.card import BOARD_REGS_JSON


def test_pll_matches_ecppll():
    """``yowasp-ecppll -i 100 -o 125 --clkout1 125 --phase1 90 --clkout2 25`` prints:
    refclk divisor 4, feedback divisor 5, VCO 625 MHz; CLKOP divisor 5 phase 2/0, CLKOS
    divisor 5 phase 3/2 (90 degrees), CLKOS2 divisor 25 phase 2/0."""
    p = pll_parameters(core_divider(25.0))
    assert (p["p_CLKI_DIV"], p["p_CLKFB_DIV"], p["p_FEEDBK_PATH"]) == (4, 5, "CLKOP")
    assert [(p[f"p_{o}_DIV"], p[f"p_{o}_CPHASE"], p[f"p_{o}_FPHASE"])
            for o in ("CLKOP", "CLKOS", "CLKOS2")] == [(5, 2, 0), (5, 3, 2), (25, 2, 0)]
    assert p["a_FREQUENCY_PIN_CLKOS2"] == "25"


def test_core_clock_and_uart_divisor():
    assert core_divider(25.0) == 25 and core_divider(15.625) == 40
    assert ecpix5.core_hz(25.0) == 25e6
    assert ecpix5.uart_divisor(25.0, 115_200) == 217           # 25e6 / 115200 = 217.01
    with pytest.raises(ValueError, match="off"):
        ecpix5.uart_divisor(6.25, 3_000_000)                   # 2.08 cycles a bit


def test_board_register_map_is_the_card_plus_the_mac_and_uart_blocks():
    regs = json.loads(BOARD_REGS_JSON.read_text())
    names = [block["name"] for block in regs["blocks"]]
    assert names[0] == "system" and names[-2:] == ["eth", "uart"]
    constants = {f"{b['name']}.{r['name']}": r["reset"] for b in regs["blocks"]
                 for r in b["registers"] if r["constant"]}
    # 625 MHz / 60 = 10.417 MHz; / 115200 baud = 90.4 cycles a bit
    assert constants["uart.divisor"] == 90
    assert constants["book.cap_slots"] == BOARD_PARAMS.slots
    assert constants["book.cap_pages"] == BOARD_PARAMS.pages
    assert constants["strategy.cap_trade_slots"] == BOARD_TRADE.trade_slots
    assert constants["response.cap_orders"] == BOARD_TRADE.order_table
    mold = {r["name"] for b in regs["blocks"] if b["name"] == "mold" for r in b["registers"]}
    assert ecpix5.CHANNELS == 2
    assert {"ch0_control", "ch1_control"} <= mold and "ch2_control" not in mold


@pytest.mark.slow                     # elaborates the whole card: 20 s or more
def test_board_top_elaborates_onto_the_ecpix5_pins():
    plan = build.prepare("ecpix5")
    lpf = build.lpf("ecpix5", plan)
    # FTDI channel B: FPGA rx on R26, tx on R24; the 100 MHz oscillator on K23.
    assert 'LOCATE COMP "uart_0__rx__io" SITE "R26";' in lpf
    assert 'LOCATE COMP "uart_0__tx__io" SITE "R24";' in lpf
    assert 'LOCATE COMP "clk100_0__io" SITE "K23";' in lpf
    assert 'FREQUENCY PORT "clk100_0__io" 100000000.0 HZ;' in lpf
    # RGMII: TX_CLK on A12 is driven; the PHY's RX_CLK on E11 is a 125 MHz clock.
    assert 'LOCATE COMP "eth_rgmii_0__tx_clk__io" SITE "A12";' in lpf
    assert 'LOCATE COMP "eth_rgmii_0__rx_clk__io" SITE "E11";' in lpf
    assert 'FREQUENCY PORT "eth_rgmii_0__rx_clk__io" 125 MHZ;' in lpf
    rtlil = plan.files["tickforge.il"]
    assert "cell \\EHXPLLL" in rtlil
    assert rtlil.count("cell \\IDDRX1F") == 5 and rtlil.count("cell \\ODDRX1F") == 6


def test_core_reset_leaves_its_synchroniser_through_a_global_buffer():
    """The core domain's reset (every LSR of the card) is a DCCA's output, so nextpnr routes
    it on a global network; the other domains keep a plain synchroniser."""
    from amaranth import Elaboratable, Module, Signal
    from amaranth.back import rtlil

    from hdl.boards.ecp5_clocks import BoardClocks, board_domains

    class Top(Elaboratable):
        def __init__(self):
            self.clk, self.button, self.count = Signal(), Signal(), Signal(8)

        def elaborate(self, platform):
            m = Module()
            m.domains += board_domains()
            m.submodules.clocks = BoardClocks(self.clk, self.button, 25.0)
            m.d.sync += self.count.eq(self.count + 1)
            return m

    top = Top()
    text = rtlil.convert(top, ports=[top.clk, top.button, top.count])
    assert text.count("cell \\DCCA") == 1
    dcca = text[text.index("cell \\DCCA"):]
    dcca = dcca[:dcca.index("end")]
    assert "connect \\CLKI \\sync_reset_source_rst" in dcca
    assert "connect \\CLKO \\rst\n" in dcca
