"""The same host scenario (:mod:`sim.card_scenario`: load the configuration, stream the
bundled RITCH day, manual orders, a mass cancel, a kill) through the harness transport and
through the cocotb transport on the same Verilog of the whole card: every event record the
host read and every command, order-entry and risk counter are the same.

The cocotb model is built from the Verilog the harness build wrote
(``build/verilator/card/feed_top.v``), under ``build/sim/card_cocotb`` (rebuilt only when
it changes).
"""

from __future__ import annotations

import json

import pytest

from host.card import Card
from host.config import load_config
from host.regs import RegisterMapInfo
from host.transports import HarnessTransport
from sim.card_scenario import feed_config, run_scenario
from sim.harness_session import HarnessSession
from sim.itch_file import read_day
from sim.verilate import DEFAULT_BUILD_ARGS, run_cocotb

pytestmark = pytest.mark.slow

BUILD_ARGS = (*DEFAULT_BUILD_ARGS, "--x-assign", "fast", "--x-initial", "fast",
              "--output-split-cfuncs", "2000")


def test_the_host_scenario_is_the_same_through_cocotb_and_the_harness(bundled_data,
                                                                      tmp_path):
    from hdl.host_if.generate import to_dict
    from sim.verilated_book import VerilatedBook

    card_model = VerilatedBook()
    day_path = bundled_data / "itch" / "ritch_20101224.itch50"
    config_path = bundled_data / "strategy_ritch.toml"
    regs_path = tmp_path / "regs.json"
    regs_path.write_text(json.dumps(to_dict(card_model.top.register_map)))
    regs = RegisterMapInfo.load(regs_path)
    feed_writes = card_model.feed_registers.config_writes(feed_config())
    day, config = read_day(day_path), load_config(config_path)
    with HarnessSession(card_model.exe, card_model.ports, record=("c2h",)) as session:
        transport = HarnessTransport(session)
        harness = run_scenario(Card(transport, regs), transport, card_model.ports,
                               feed_writes, day, config)
    harness = json.loads(json.dumps(harness, sort_keys=True))
    assert len(harness["SENT"]) == 2 and len(harness["REJECT"]) == 2
    assert harness["counters"]["commands.commands"] == 5

    out = tmp_path / "cocotb.json"
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({
        "day": str(day_path), "config": str(config_path), "regs": str(regs_path),
        "feed_writes": feed_writes, "out": str(out),
        "inputs": [p.name for p in card_model.ports.inputs] + ["h2c"]}))
    source = card_model.exe.parent.parent / "feed_top.v"
    run_cocotb(source, "feed_top", "tb_card", "card_cocotb",
               extra_env={"TICKFORGE_CARD_SCENARIO": str(scenario)}, build_args=BUILD_ARGS)
    assert json.loads(out.read_text()) == harness
