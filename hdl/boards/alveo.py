"""The AMD Alveo card build: one command writes a complete Vivado project for the card.

    python -m hdl.boards.alveo [--board u55c] [--out build/vivado/u55c]
    make vivado BOARD=u55c

writes into ``OUT``:

- ``tickforge_core.v``: :class:`hdl.top.TickToTrade` with the card's capacities
  (:data:`U55C` ``.book`` / ``.trade``: the one place they are chosen);
- ``tickforge_<card>_top.v``: the top level (:mod:`hdl.boards.alveo_wrapper`): the core, the
  XDMA bridge, the 10/25G Ethernet subsystem on two lanes of QSFP0, the clock crossings;
- ``create_project.tcl``: creates the project for the card's part, every vendor IP by
  ``create_ip`` and its ``CONFIG.*`` (:mod:`hdl.boards.alveo_ip`), adds the sources, the
  board's pin file (``constraints/<card>.xdc``, copied here) and ``timing.xdc``; with
  ``-tclargs build`` it also synthesises, implements and writes the bitstream;
- ``timing.xdc``: the board's reference clocks and the clock groups.

**Ethernet rate: 10GBASE-R.** The MAC's 64-bit AXI4-Stream then runs at 156.25 MHz, which is
the clock every figure of the project is quoted at (tick-to-trade 12 cycles = 76.8 ns) and
the rate :func:`sim.beats.frames_to_beats` paces to. 25G would need 390.625 MHz at 64 bits,
which the core is far from (see the README's Fmax tables). :data:`ETHERNET` holds the
choice; the IP's ``LINE_RATE``, the clock check in the Tcl and the docs all read it.

Vivado is not here: ``tests/test_alveo_project.py`` checks the generated files against each
other (every port pinned, clocks declared, IPs created and used, core fully connected).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from hdl.book.layouts import BookParams
from hdl.strategy.layouts import TradeParams

__all__ = ["EthernetRate", "ETHERNET", "Card", "U55C", "CARDS", "ROOT", "generate", "main"]

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class EthernetRate:
    """One line rate of the 10G/25G Ethernet subsystem with its 64-bit user interface."""

    gbps: int
    mac_clock_mhz: float    # tx_clk_out: the AXI4-Stream clock at 64 bits (PG210, Clocking)

    @property
    def period_ns(self) -> float:
        return 1000.0 / self.mac_clock_mhz


#: The card's Ethernet rate (see the module docstring for why 10G).
ETHERNET = EthernetRate(gbps=10, mac_clock_mhz=156.25)


@dataclass(frozen=True)
class Card:
    """What the generator needs to know of one Alveo card; the pins are in ``xdc``.

    Attributes
    ----------
    name, part
        Short name (``BOARD=``) and the FPGA part number.
    xdc
        The hand-written pin file, relative to the repository.
    book, trade
        The core's capacities on this card.
    pcie_block, pcie_quad, pcie_lanes, pcie_refclk_mhz
        The PCIe hard block and GT quad the XDMA bridge is placed on.
    qsfp_quad, qsfp_lanes, qsfp_refclk_mhz
        The GT quad of the QSFP cage and the channels of lane 0 (market data) and lane 1
        (order entry), as the Ethernet subsystem names them.
    board_clock_mhz
        The free-running board clock (the subsystem's DRP clock).
    """

    name: str
    part: str
    xdc: str
    book: BookParams
    trade: TradeParams
    pcie_block: str
    pcie_quad: str
    pcie_lanes: int
    pcie_refclk_mhz: float
    qsfp_quad: str
    qsfp_lanes: tuple[str, ...]
    qsfp_refclk_mhz: float
    board_clock_mhz: float

    @property
    def top(self) -> str:
        return f"tickforge_{self.name}_top"


#: Alveo U55C (xcu55c, 1.3 M LUTs, 2,016 BRAM36 = 70.9 Mbit, 960 URAM = 270 Mbit).
#: Capacities: 1,024 stocks (issue 4's large card) with 32 pages of 36 levels a side (up
#: to 1,152 levels, at least 576 after the worst splits; the LOBSTER day's deepest side,
#: AAPL's 509 ask levels, needs 28 pages: ``python bench/book_pages.py``): 65,536 page rows
#: of 2,880 bits (189 Mbit) in two banks, an UltraRAM job (40 URAM wide and 8 deep a bank,
#: 640 of the 960); 65,536 orders (16,384 sets x 4 ways, 8.8 Mbit); 16 traded stocks and a
#: 1,024-entry open-order table. Not yet placed by Vivado.
U55C = Card(
    name="u55c", part="xcu55c-fsvh2892-2L-e", xdc="constraints/u55c.xdc",
    book=BookParams(slots=1024, pages=32, page_levels=36, top=10, order_sets_log2=14,
                    order_ways=4, undo_depth=256),
    trade=TradeParams(trade_slots=16, pairs=4, queue_depth=8, order_table=1024),
    pcie_block="PCIE4C_X1Y1", pcie_quad="GTY_Quad_227", pcie_lanes=16, pcie_refclk_mhz=100.0,
    qsfp_quad="Quad_X0Y6", qsfp_lanes=("X0Y24", "X0Y25"), qsfp_refclk_mhz=161.1328125,
    board_clock_mhz=100.0,
)

CARDS = {card.name: card for card in (U55C,)}


def generate(card: Card, out: Path) -> list[Path]:
    """Write the project's files for ``card`` into ``out``; returns them, in order."""
    from hdl.boards.alveo_ip import card_ips
    from hdl.boards.alveo_tcl import create_project_tcl, timing_xdc
    from hdl.boards.alveo_wrapper import CORE_MODULE, wrapper_verilog
    from hdl.top import TickToTrade
    from sim.verilate import to_verilog, write_if_changed

    out.mkdir(parents=True, exist_ok=True)
    core = TickToTrade(card.book, card.trade)
    ips = card_ips(card, ETHERNET, core.csr.bank.addr_width)
    sources = {
        f"{CORE_MODULE}.v": to_verilog(core, CORE_MODULE),
        f"{card.top}.v": wrapper_verilog(card, core, ips),
    }
    constraints = {Path(card.xdc).name: (ROOT / card.xdc).read_text(),
                   "timing.xdc": timing_xdc(card, ETHERNET)}
    files = {**sources, **constraints,
             "create_project.tcl": create_project_tcl(card, ETHERNET, ips, list(sources),
                                                      list(constraints))}
    written = []
    for name, text in files.items():
        write_if_changed(out / name, text)
        written.append(out / name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hdl.boards.alveo",
        description="Write the Vivado project of an Alveo card build (Vivado itself runs "
                    "elsewhere: vivado -mode batch -source create_project.tcl -tclargs build).")
    parser.add_argument("--board", default="u55c", help=f"one of {', '.join(CARDS)}")
    parser.add_argument("--out", type=Path, help="directory (default build/vivado/BOARD)")
    args = parser.parse_args(argv)
    card = CARDS.get(args.board)
    if card is None:
        print(f"error: unknown board {args.board!r}; known: {', '.join(CARDS)}", file=sys.stderr)
        return 2
    out = args.out or ROOT / "build" / "vivado" / card.name
    if not shutil.which("vivado"):
        print("note: no vivado on PATH here; copy the directory to a machine that has it",
              file=sys.stderr)
    for path in generate(card, out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
