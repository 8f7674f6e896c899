"""The MAC through its RGMII pins, cycle-accurate: Verilator + cocotb + cocotbext-eth.

One Verilated model (``build/sim/eth_mac``: :class:`sim.eth_top.EthSimTop`, the MAC with
DDR buffer models) runs the cocotb module ``tests/cocotb/tb_eth.py`` twice: with the core
at 62.5 MHz and at 156.25 MHz, slower and faster than the 125 MHz of the RGMII clocks, so
the crossings are exercised both ways.
"""

from __future__ import annotations

import pytest

from sim.eth_top import TOPLEVEL, EthSimTop
from sim.verilate import run_cocotb

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("core_ps", [16_000, 6_400], ids=["62.5MHz", "156.25MHz"])
def test_mac_with_cocotbext_eth_phy(core_ps):
    run_cocotb(EthSimTop, toplevel=TOPLEVEL, test_module="tb_eth", build_name="eth_mac",
               extra_env={"TICKFORGE_CORE_PS": str(core_ps)})
