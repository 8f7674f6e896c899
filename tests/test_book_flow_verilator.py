"""Random order flow through Verilated book builders, every update record against the reference.

Two routes, over 200,000 events in all:

- the book builder alone (:class:`book_inject_top.BookInjectTop`, small capacities so the
  build is quick), fed straight from the harness: one event every 2 cycles with every
  record on time, bursts of one event every cycle, and withdrawn frames;
- the whole card, trading idle (:class:`sim.verilated_book.VerilatedBook`, the simulation
  capacities, the build the other book tests share): the flow packetised into MoldUDP64
  frames at line rate on the A and B lines, A losing and truncating frames so the builder
  rolls back speculative events that B then delivers again.

The flow is :func:`sim.book_flow.random_flow` (few stocks, orders and prices; every anomaly
the reference survives); the expectation is :class:`book_sim_helpers.ExpectedUpdates`.
"""

from __future__ import annotations

import random
from pathlib import Path

import book_inject_top
import numpy as np
import pytest
from book_inject_top import INJECT_LAYOUT, BookInjectTop
from book_schedules import (
    END_COMMIT,
    END_WITHDRAW,
    IDLE,
    ZERO_COUNTERS,
    order_sets,
    withdraw_schedule,
)
from book_sim_helpers import ExpectedUpdates, Update, updates_from_columns

from hdl.book.builder import BookBuilder
from hdl.book.layouts import SIM_PARAMS, BookParams
from hdl.host_if.generate import to_dict
from sim.book_flow import random_flow
from sim.book_regs import BookRegisters
from sim.feed_events import decode_events
from sim.feed_model import FeedConfig
from sim.harness_ports import flat_layout, harness_ports
from sim.impair import Impairments, impair
from sim.packetise import DEFAULT_FEEDS, packetise
from sim.verilate import ROOT
from sim.verilated_book import unpack_updates
from sim.verilated_harness import build_harness, payload_rows, run_harness, source_key

pytestmark = pytest.mark.slow

INJECT_PARAMS = BookParams(slots=8, pages=8, page_levels=23, top=10, order_sets_log2=10,
                           order_ways=4, undo_depth=64)
TICKERS = {0: "AAPL", 1: "AMZN", 5: "MSFT", 7: "NVDA"}
FLOW_TICKERS = ("AAPL", "AMZN", "MSFT", "NVDA", "QQQ")     # QQQ is never subscribed
LATENCY = BookBuilder.LATENCY


def flow_for(params: BookParams, events: int, seed: int, deep: bool):
    """Few orders and prices (hazards), or books deeper than ``top`` (hidden levels)."""
    shape = dict(live_orders=120, price_levels=min(params.levels, 60)) if deep else \
        dict(live_orders=6, price_levels=6)
    return random_flow(events, seed=seed, tickers=FLOW_TICKERS,
                       order_sets=order_sets(params), **shape)


def first_difference(got: list, want: list) -> None:
    """Assert equal lists, reporting the first differing record rather than the lists."""
    for index, (a, b) in enumerate(zip(got, want, strict=False)):
        assert a == b, f"record {index} of {len(want)} differs"
    assert len(got) == len(want)


def assert_counters(counters: dict, expect: ExpectedUpdates, events: int, records: int):
    stats = expect.books.stats
    assert counters["events"] == events
    assert counters["updates"] == records
    assert counters["discarded"] == events - records
    assert counters["unknown_refs"] == stats.unknown_refs
    assert counters["overexecutions"] == stats.overexecutions
    assert counters["crossed"] == stats.crossed
    assert counters["live_orders"] == expect.live_orders()
    for name in ZERO_COUNTERS:
        assert counters[name] == 0, name


# --- the builder alone, at its own rate ----------------------------------------------------

@pytest.fixture(scope="module")
def inject():
    # Reuse the model without regenerating its Verilog while no gateware source changed.
    key = source_key(ROOT / "hdl", ROOT / "proto",
                     extra=repr(INJECT_PARAMS) + Path(book_inject_top.__file__).read_text())
    exe, top = build_harness(BookInjectTop(INJECT_PARAMS), "book_inject", key)
    return exe, BookRegisters(to_dict(top.register_map)), harness_ports(top).layouts


def inject_rows(flow, schedule: np.ndarray) -> np.ndarray:
    """Harness input rows for ``schedule`` (event index, or IDLE / END_* per cycle).

    Events carry sequence = index + 1 and channel = index % 8; ``stock`` as the feed
    handler emits it (wire bytes, first character least significant).
    """
    bodies = flow.messages
    offsets = np.cumsum([0] + [len(b) for b in bodies[:-1]])
    count = len(bodies)
    events = decode_events(b"".join(bodies), offsets, np.arange(1, count + 1),
                           np.zeros(count, int), np.arange(count) % 8)
    is_event = schedule >= 0
    picked = events[np.where(is_event, schedule, 0)]
    values = {f"event_{name}": np.where(is_event, picked[name], 0)
              for name in events.dtype.names if name != "stock"}
    stock = np.ascontiguousarray(picked["stock"]).view("<u8")
    values["event_stock"] = np.where(is_event, stock, 0)
    values["end"] = schedule <= END_COMMIT
    values["commit"] = schedule == END_COMMIT
    return payload_rows(values, flat_layout(INJECT_LAYOUT), len(schedule), schedule != IDLE)


def run_inject(inject, flow, schedule):
    """Outputs in order: ``(cycle, Update)`` and ``(cycle, ("end", commit))``; counters."""
    exe, registers, layouts = inject
    outputs = run_harness(exe, inject_rows(flow, schedule), reads=registers.counter_reads(),
                          drain=400, ops=registers.subscribe_ops(TICKERS), layouts=layouts,
                          record=("updates", "update_end"))
    updates = updates_from_columns(unpack_updates(outputs.words["updates"], INJECT_PARAMS))
    ends = outputs.fields("update_end")["commit"].tolist()
    items = [(int(c), u) for c, u in zip(outputs.record_cycles["updates"], updates,
                                         strict=True)]
    items += [(int(c), ("end", e)) for c, e in zip(outputs.record_cycles["update_end"], ends,
                                                   strict=True)]
    items.sort(key=lambda item: (item[0], not isinstance(item[1], Update)))  # record, end
    return items, registers.counters(outputs.readback)


def expected_items(flow, schedule) -> tuple[list, ExpectedUpdates]:
    expect = ExpectedUpdates(TICKERS, INJECT_PARAMS.top)
    items = []
    for entry in schedule.tolist():
        if entry >= 0:
            record = expect.apply(flow.events[entry:entry + 1], entry % 8, entry + 1)
            if record is not None:
                items.append(record)
        elif entry != IDLE:
            expect.frame_end(entry == END_COMMIT)
            items.append(("end", int(entry == END_COMMIT)))
    return items, expect


def test_withdrawn_frames_roll_back_at_rate(inject):
    flow = flow_for(INJECT_PARAMS, 30_000, seed=23, deep=False)
    schedule = np.array(withdraw_schedule(len(flow), random.Random(23)))
    items, counters = run_inject(inject, flow, schedule)
    want, expect = expected_items(flow, schedule)
    first_difference([item for _, item in items], want)
    assert counters["withdrawn"] == int((schedule == END_WITHDRAW).sum()) > 1000
    assert counters["rolled_back"] == expect.rolled_back
    assert counters["live_orders"] == expect.live_orders()
    assert counters["undo_overflow"] == counters["input_overflow"] == 0


# --- the whole top, from MoldUDP64 frames at line rate ------------------------------------

@pytest.fixture(scope="module")
def feed_book():
    from sim.verilated_book import VerilatedBook

    return VerilatedBook()       # SIM_PARAMS, build "card": shared with the day tests


@pytest.mark.parametrize("deep", [False, True], ids=["hazards", "deep"])
def test_full_top_at_line_rate_with_a_lossy_a_line(feed_book, deep):
    flow = flow_for(SIM_PARAMS, 25_000, seed=31 + deep, deep=deep)
    frames = packetise(flow.messages, feeds=DEFAULT_FEEDS, max_messages=8)
    # A loses and truncates frames; B is clean, so every message is committed once, in
    # order, and a truncated A frame's events are first applied, then rolled back.
    damaged, log = impair(frames, {"A": Impairments(drop=0.05, truncate=0.1)}, seed=31)
    result = feed_book.run(damaged, FeedConfig.for_feeds(DEFAULT_FEEDS), TICKERS)
    expect = ExpectedUpdates(TICKERS, SIM_PARAMS.top)
    want = expect.run(flow.events, sequences=np.arange(1, len(flow) + 1))
    first_difference(updates_from_columns(result.columns), want)
    assert result.pending == 0 and result.withdrawn > 0
    assert sum(event.action == "truncate" for event in log) > 100
    counters = result.counters
    assert counters["live_orders"] == expect.live_orders()
    assert counters["withdrawn"] > 0
    for name in ZERO_COUNTERS:
        assert counters[name] == 0, name
