"""The register bank, cycle-accurate: Verilator + cocotb + cocotbext-axi's AxiLiteMaster.

The pattern every hardware test follows: generate what the testbench needs from the
declarations, build once under ``build/sim/<name>`` (rebuilt only when the Verilog changes)
and run a cocotb module from ``tests/cocotb/`` through :func:`sim.verilate.run_cocotb`.
"""

from __future__ import annotations

import pytest

from hdl.host_if.generate import write_outputs
from hdl.host_if.regs import Access, Block, Register, RegisterMap
from hdl.host_if.system import SYSTEM_BLOCK, SystemTop
from sim.verilate import SIM_BUILD, run_cocotb

BUILD_NAME = "axil_regs"
#: Starts 0x100 cycles before the low word carries, so the latch test crosses a carry.
COUNTER_START = 0x0000_0002_FFFF_FF00

#: A second block so the discovery walk follows a NEXT pointer and a testbench-driven RO
#: register is read through the bus.
DEMO_BLOCK = Block("demo", type_id=0x44454D4F, version=2, doc="Test block.", registers=(
    Register("gauge", Access.RO, "Driven by the testbench."),
    Register("knob", Access.RW, "Plain storage.", reset=0x0000_0042),
))
REGISTER_MAP = RegisterMap("tickforge", [SYSTEM_BLOCK, DEMO_BLOCK])


@pytest.mark.slow
def test_register_bank_under_verilator():
    outputs = write_outputs(REGISTER_MAP, SIM_BUILD / BUILD_NAME / "regs")
    run_cocotb(
        lambda: SystemTop(REGISTER_MAP, counter_start=COUNTER_START),
        toplevel="axil_regs_top",
        test_module="tb_axil_regs",
        build_name=BUILD_NAME,
        extra_env={"TICKFORGE_REGS_JSON": str(outputs["regs.json"]),
                   "TICKFORGE_COUNTER_START": str(COUNTER_START)},
    )
