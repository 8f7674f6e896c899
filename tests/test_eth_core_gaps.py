"""The core takes receive beats with idle cycles inside frames, which the MAC relies on.

The MAC passes received frames through cut-through (:mod:`hdl.eth.rx_crossing`): with a
core clock faster than 15.625 MHz a frame's beats reach the core with idle cycles between
them. These tests run both receive consumers of the core, the feed handler and the
exchange-response path, Verilated, with idle cycles after a third of all beats (inside
frames too) and compare everything with their reference models, as their own tests do
with back-to-back beats.
"""

from __future__ import annotations

import random

import pytest

from hdl.response.layouts import Outcome
from hdl.response.regs import RESPONSE_COUNTERS
from proto import itch
from sim.feed_model import FeedConfig, run_model
from sim.packetise import DEFAULT_FEEDS, packetise
from sim.response_flow import random_flow, replay

pytestmark = pytest.mark.slow

IDLE_INSIDE = 0.33


def _day(count: int = 800, seed: int = 4) -> list[bytes]:
    """Adds and deletes (36- and 19-byte bodies, so blocks end at every lane)."""
    rng = random.Random(seed)
    return [itch.encode("A", stock_locate=1, timestamp=i, order_ref=i, side="S", stock="AB",
                        shares=rng.randrange(1, 1000), price=rng.randrange(1, 10**6))
            if rng.random() < 0.5 else itch.encode("D", stock_locate=1, timestamp=i, order_ref=i)
            for i in range(count)]


def test_feed_handler_equals_the_model_with_idle_cycles_inside_frames():
    from sim.verilated_feed import VerilatedFeed

    frames = packetise(_day(), feeds=DEFAULT_FEEDS[:1], max_messages=6, heartbeat_every=7)
    config = FeedConfig.for_feeds(DEFAULT_FEEDS[:1])
    hardware = VerilatedFeed().run(frames, config, idle_inside=IDLE_INSIDE)
    model = run_model(frames, config)
    assert len(hardware.events) == len(model.events) == 800
    for name in model.events.dtype.names:
        assert hardware.events[name].tolist() == model.events[name].tolist(), name
    assert hardware.gaps.tolist() == model.gaps.tolist()
    assert hardware.counters == model.counters


def test_response_path_equals_the_model_with_idle_cycles_inside_frames():
    from sim.verilated_response import RESPONSE_FIELDS, VerilatedResponses

    steps = random_flow(7, orders=600, impair=0.1)
    model, results = replay(steps)
    run = VerilatedResponses().run(steps, idle_inside=IDLE_INSIDE)
    want = [(r.outcome, int(r.detail), r.seq, r.length, r.messages) for r in results]
    assert run.segments == want
    applied = 0
    for index, result in enumerate(results):
        if result.outcome is Outcome.APPLIED:
            expected = [{name: int(r[name]) for name in RESPONSE_FIELDS}
                        for r in result.responses]
            assert run.responses.get(index, []) == expected, f"frame {index}"
            applied += len(expected)
    assert applied > 500
    counters = {name: run.registers[f"response.{name}"] for name in RESPONSE_COUNTERS}
    assert counters == model.counters
    assert run.value("pnl", signed=True) == model.card.pnl


def test_idle_cycles_are_inserted_between_rows_and_keep_their_order():
    import numpy as np

    from sim.verilated_harness import with_idle_cycles

    rows = np.arange(1, 2001, dtype=np.uint32).reshape(-1, 2)
    spread, where = with_idle_cycles(rows, IDLE_INSIDE, seed=2)
    assert spread[where].tolist() == rows.tolist()
    idle = ~spread.any(axis=1)
    assert 0.5 < idle.sum() / len(rows) < 1.0       # a third of rows, 1 to 3 idle each
    assert not idle[0]
