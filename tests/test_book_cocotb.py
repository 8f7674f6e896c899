"""The book builder, cycle-accurate: Verilator + cocotb (tests/cocotb/tb_book.py).

``BookInjectTop`` (the builder behind its register bank, fed from one ``inject`` stream) is
built with small capacities, so the Verilator build takes well under a minute, under
``build/sim/book_cocotb`` (rebuilt only when its Verilog changes). The testbench subscribes
stocks over AXI4-Lite, drives random order flow and frame verdicts, compares every record
with the reference book, asserts ``BookBuilder.LATENCY`` to the cycle and reads the
counters back over the bus. The 200,000-event volume runs through the C++ harness instead
(tests/test_book_flow_verilator.py).

Each cocotb test runs in a simulator of its own: the builder's tables are memories, which
keep their contents across a reset.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from book_inject_top import BookInjectTop

from hdl.book.builder import BookBuilder
from hdl.book.layouts import BookParams
from hdl.host_if.generate import to_dict
from sim.verilate import (
    DEFAULT_BUILD_ARGS,
    SIM_BUILD,
    build_lock,
    run_cocotb,
    to_verilog,
    write_if_changed,
)

pytestmark = pytest.mark.slow

BUILD_NAME = "book_cocotb"
TOPLEVEL = "book_inject_top"
PARAMS = BookParams(slots=4, pages=2, page_levels=11, top=4, order_sets_log2=6, order_ways=4,
                    undo_depth=32)
TESTCASES = ("each_record_comes_latency_cycles_after_its_event",
             "random_flow_one_event_every_two_cycles",
             "withdrawn_frames_on_deep_books_roll_back")
#: The model's evaluation comes out as a few functions of ~17,000 lines each, which gcc
#: compiles slowly and one at a time; split into functions of at most 2,000 statements
#: the build takes about 45 s instead of 60-75 s on two busy cores. X settings as the C++
#: harness builds use (memories start at zero, and the Verilog leaves out all-zero contents).
BUILD_ARGS = (*DEFAULT_BUILD_ARGS, "--x-assign", "fast", "--x-initial", "fast",
              "--output-split-cfuncs", "2000")


@pytest.fixture(scope="module")
def model():
    """The Verilog and regs.json of the small ``BookInjectTop``, and the testbench's
    environment."""
    build = SIM_BUILD / BUILD_NAME
    top = BookInjectTop(PARAMS)
    source, regs = build / f"{TOPLEVEL}.v", build / "regs.json"
    verilog = to_verilog(top, TOPLEVEL)
    with build_lock(build):               # an xdist worker may be simulating it right now
        write_if_changed(source, verilog)
        write_if_changed(regs, json.dumps(to_dict(top.register_map)))
    return source, {"TICKFORGE_REGS_JSON": str(regs),
                    "TICKFORGE_BOOK_LATENCY": str(BookBuilder.LATENCY),
                    "TICKFORGE_BOOK_PARAMS": json.dumps(dataclasses.asdict(PARAMS))}


@pytest.mark.parametrize("testcase", TESTCASES)
def test_book_builder_under_cocotb(model, testcase):
    source, env = model
    run_cocotb(source, TOPLEVEL, "tb_book", BUILD_NAME, testcase=testcase, extra_env=env,
               build_args=BUILD_ARGS)
