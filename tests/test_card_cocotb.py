"""The same host scenario (:mod:`sim.card_scenario`: load the configuration, stream the
bundled RITCH day, manual orders, a mass cancel, a kill) through the harness transport and
through the cocotb transport on the same Verilog of the whole card: every event record the
host read and every command, order-entry and risk counter are the same.

The card has small book capacities (:data:`PARAMS`) so both models build in about a
minute; the cocotb model is built from the Verilog the harness build wrote
(``build/verilator/card_small/feed_top.v``), under ``build/sim/card_cocotb`` (rebuilt only
when it changes).
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from hdl.book.layouts import BookParams
from host.card import Card
from host.config import load_config
from host.regs import RegisterMapInfo
from host.transports import HarnessTransport
from sim.card_scenario import feed_config, run_scenario
from sim.harness_session import HarnessSession
from sim.itch_file import read_day
from sim.verilate import DEFAULT_BUILD_ARGS, run_cocotb

pytestmark = pytest.mark.slow

PARAMS = BookParams(slots=16, pages=8, page_levels=11, top=4, order_sets_log2=10, order_ways=4,
                    undo_depth=64)
BUILD_ARGS = (*DEFAULT_BUILD_ARGS, "--x-assign", "fast", "--x-initial", "fast",
              "--output-split-cfuncs", "2000")


def test_the_host_scenario_is_the_same_through_cocotb_and_the_harness(bundled_data,
                                                                      tmp_path):
    from hdl.host_if.generate import to_dict
    from sim.verilated_book import VerilatedBook

    card_model = VerilatedBook(PARAMS, name="card_small")
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
    # 64 levels a side do not hold the day's books: the stocks end flagged invalid, so
    # all three orders are refused (INVALID_BOOK) and the mass cancel finds nothing open
    # (the sent and cancel paths are the harness test's, tests/test_commands_verilator.py)
    assert len(harness["REJECT"]) == 3 and "SENT" not in harness
    assert len(harness["UPDATE"]) > 10_000
    assert harness["counters"]["commands.commands"] == 5
    assert harness["counters"]["risk.reason_invalid_book"] == 3

    out = tmp_path / "cocotb.json"
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({
        "day": str(day_path), "config": str(config_path), "regs": str(regs_path),
        "feed_writes": feed_writes, "out": str(out), "params": dataclasses.asdict(PARAMS),
        "inputs": [p.name for p in card_model.ports.inputs] + ["h2c"]}))
    source = card_model.exe.parent.parent / "feed_top.v"
    run_cocotb(source, "feed_top", "tb_card", "card_cocotb",
               extra_env={"TICKFORGE_CARD_SCENARIO": str(scenario)}, build_args=BUILD_ARGS)
    assert json.loads(out.read_text()) == harness
