"""The host scenario of :mod:`sim.card_scenario` on the whole Verilated card under cocotb,
through :class:`sim.cocotb_transport.CocotbTransport` (the ``Card`` API in a bridged
thread). Run by ``tests/test_card_cocotb.py``, which passes the paths of the inputs and of
the summary to write in the environment and compares it with the harness transport's."""

from __future__ import annotations

import json
import os
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.task import bridge
from cocotb.triggers import ClockCycles

from hdl.book.layouts import BookParams
from hdl.top import TickToTrade
from host.card import Card
from host.config import load_config
from host.regs import RegisterMapInfo
from sim.card_scenario import run_scenario
from sim.cocotb_transport import CocotbTransport
from sim.harness_ports import harness_ports
from sim.itch_file import read_day


@cocotb.test()
async def the_host_scenario_through_cocotb(dut):
    env = json.loads(Path(os.environ["TICKFORGE_CARD_SCENARIO"]).read_text())
    Clock(dut.clk, 10, unit="ns").start()
    dut.rst.value = 1
    for name in env["inputs"]:
        getattr(dut, f"{name}_valid").value = 0
    await ClockCycles(dut.clk, 4)
    dut.rst.value = 0
    await ClockCycles(dut.clk, 1)
    ports = harness_ports(TickToTrade(BookParams(**env["params"])))
    transport = CocotbTransport(dut, ports)
    day = read_day(env["day"])
    config = load_config(env["config"])

    def scenario():
        card = Card(transport, RegisterMapInfo.load(env["regs"]))
        return run_scenario(card, transport, ports, env["feed_writes"], day, config)

    result = await bridge(scenario)()
    transport.close()
    Path(env["out"]).write_text(json.dumps(result, sort_keys=True))
