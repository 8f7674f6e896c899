"""The Verilated exchange-response path against :class:`sim.response_model.ResponseModel`.

Random flows (:func:`sim.response_flow.random_flow`): orders sent, the exchange's
accepts, partial and full executions, cancels and rejects in segments of one to a hundred
messages (with heartbeats, debug packets, TCP options, 802.1Q tags), and, in the impaired
flows, corrupted, truncated, out-of-order, duplicated, foreign, control and unparseable
frames with the host's resyncs after them. Every frame's record must be the model's
(outcome, detail, sequence number, length, messages); every response of an applied
segment the model's (the order after it, the slot's position and the card's P&L after
it); responses of frames not applied are the rolled-back speculation and must leave no
trace; the counters and card-wide figures at the end must be the model's. Timing, cycle
for cycle: every response record ``LATENCY - 1`` cycles after the beat with its message's
last byte (the risk gate sees it the cycle after), every segment record ``VERDICT`` cycles
after its frame's last beat.
"""

from __future__ import annotations

from collections import Counter

import pytest

from hdl.response.layouts import Outcome
from hdl.response.path import ResponsePath
from hdl.response.regs import RESPONSE_COUNTERS
from sim.response_flow import random_flow, replay
from sim.response_impairments import message_end_bytes
from sim.verilated_response import RESPONSE_FIELDS, VerilatedResponses

pytestmark = pytest.mark.slow

#: (seed, orders, impaired fraction): over the suite well over 50,000 responses.
FLOWS = [(0, 6_000, 0.0), (1, 6_000, 0.0), (2, 5_000, 0.05), (3, 5_000, 0.1),
         (4, 4_000, 0.2)]


@pytest.fixture(scope="module")
def path():
    return VerilatedResponses()


@pytest.mark.parametrize(("seed", "orders", "impair"), FLOWS)
def test_random_flows_match_the_model(path, seed, orders, impair):
    steps = random_flow(seed, orders=orders, impair=impair)
    model, results = replay(steps)
    run = path.run(steps)

    want = [(r.outcome, int(r.detail), r.seq, r.length, r.messages) for r in results]
    assert len(run.segments) == len(want)
    bad = [(i, g, w) for i, (g, w) in enumerate(zip(run.segments, want, strict=True))
           if g != w]
    assert not bad[:5]

    frames = [step[1] for step in steps if step[0] == "frame"]
    applied = 0
    for index, result in enumerate(results):
        last = run.last_beats[index]
        assert run.segment_cycles[index] - last == ResponsePath.VERDICT, f"frame {index}"
        if result.outcome is Outcome.APPLIED:
            expected = [{name: int(r[name]) for name in RESPONSE_FIELDS}
                        for r in result.responses]
            assert run.responses.get(index, []) == expected, f"frame {index}"
            applied += len(expected)
            first = last - (len(frames[index]) - 1) // 8
            ends = [first + byte // 8 for byte in message_end_bytes(frames[index])]
            delays = {c - e for c, e in zip(run.response_cycles.get(index, []), ends, strict=True)}
            assert delays <= {ResponsePath.LATENCY - 1}, f"frame {index}"
    assert applied == sum(len(r.responses) for r in results)

    counters = {name: run.registers[f"response.{name}"] for name in RESPONSE_COUNTERS}
    assert counters == model.counters
    card = model.card
    assert run.value("pnl", signed=True) == card.pnl
    assert run.value("released") == card.released
    assert run.value("position_value") == card.position_value
    assert run.registers["response.rcv_next"] == model.rcv_next
    assert run.registers["response.status"] & 1 == model.out_of_sync
    outcomes = Counter(segment[0].name for segment in run.segments)
    print(f"seed {seed}: {len(results)} frames, {applied} responses applied, "
          f"outcomes {dict(sorted(outcomes.items()))}")
    assert applied > 5_000
