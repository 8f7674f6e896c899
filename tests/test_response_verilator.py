"""The Verilated exchange-response path against :class:`sim.response_model.ResponseModel`.

Random flows (:func:`response_scenarios.random_flow`): orders sent, the exchange's
accepts, partial and full executions, cancels and rejects in segments of one to a hundred
messages (with heartbeats, debug packets, TCP options, 802.1Q tags), and, in the impaired
seeds, corrupted, truncated, out-of-order, duplicated, foreign, control and unparseable
frames with the host's resyncs after them. Every frame's record must be the model's
(outcome, detail, sequence number, length, messages); every response of an applied
segment the model's (the order after it, the slot's position and the card's P&L after
it); no response of a frame that was not applied may count (they are the rolled-back
speculation); and the counters and card-wide figures at the end the model's.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import response_inject_top
from response_inject_top import ResponseInjectTop
from response_rows import flow_rows
from response_scenarios import random_flow, replay

from hdl.response.layouts import Outcome
from hdl.response.regs import RESPONSE_COUNTERS
from sim.harness_ports import harness_ports
from sim.order_session import Session, session_writes
from sim.trade_regs import to_ops
from sim.verilate import ROOT
from sim.verilated_harness import build_harness, run_harness, source_key

pytestmark = pytest.mark.slow

SESSION = Session()
#: (seed, orders, impaired fraction): over the suite well over 50,000 responses.
FLOWS = [(0, 6_000, 0.0), (1, 6_000, 0.0), (2, 5_000, 0.05), (3, 5_000, 0.1),
         (4, 4_000, 0.2)]
_FIELDS = ("kind", "user_ref_num", "quantity", "price", "match_number", "slot", "sell",
           "remaining", "state", "position", "pnl")
_SIGNED = {"position": 32, "pnl": 64}


@pytest.fixture(scope="module")
def harness():
    key = source_key(ROOT / "hdl", ROOT / "proto",
                     extra=Path(response_inject_top.__file__).read_text())
    return build_harness(ResponseInjectTop(), "response_inject", key)


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value >> (bits - 1) & 1 else value


def _reads(top):
    paths = [f"response.{name}" for name in RESPONSE_COUNTERS] + [
        f"response.{name}_{half}" for name in ("pnl", "released", "position_value")
        for half in ("lo", "hi")] + ["response.rcv_next", "response.status"]
    return paths, [top.register_map.address(p) for p in paths]


@pytest.mark.parametrize(("seed", "orders", "impair"), FLOWS)
def test_random_flows_match_the_model(harness, seed, orders, impair):
    exe, top = harness
    steps = random_flow(seed, orders=orders, impair=impair)
    model, results = replay(steps)
    rows, _ = flow_rows(steps)
    paths, addresses = _reads(top)
    ops = to_ops(top.register_map, session_writes(SESSION, enable=False), settle=4)
    out = run_harness(exe, rows, ops=ops, reads=addresses, drain=400,
                      layouts=harness_ports(top).layouts)

    # --- one record per frame, the model's
    segments = out.fields("segments")
    got = [(Outcome(int(segments["outcome"][i])), int(segments["detail"][i]),
            int(segments["seq"][i]), int(segments["length"][i]),
            int(segments["messages"][i])) for i in range(len(segments["outcome"]))]
    want = [(r.outcome, int(r.detail), r.seq, r.length, r.messages) for r in results]
    assert len(got) == len(want)
    bad = [(i, g, w) for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
    assert not bad[:5]

    # --- responses: those before each frame's record belong to it
    responses = out.fields("responses")
    owner = np.searchsorted(out.keys("segments"), out.keys("responses"))
    by_frame: dict[int, list[dict]] = {}
    for i, frame in enumerate(owner):
        record = {name: int(responses[name][i]) for name in _FIELDS}
        for name, bits in _SIGNED.items():
            record[name] = _signed(record[name], bits)
        by_frame.setdefault(int(frame), []).append(record)
    applied = 0
    for index, result in enumerate(results):
        if result.outcome is Outcome.APPLIED:
            expected = [{name: int(r[name]) for name in _FIELDS} for r in result.responses]
            assert by_frame.get(index, []) == expected, f"frame {index}"
            applied += len(expected)
    assert applied == sum(len(r.responses) for r in results)

    # --- the end state: counters, card-wide figures, receive state
    values = {p: out.readback[a][0] for p, a in zip(paths, addresses, strict=True)}
    counters = {name: values[f"response.{name}"] for name in RESPONSE_COUNTERS}
    assert counters == model.counters
    card = model.card
    for name in ("pnl", "released", "position_value"):
        raw = values[f"response.{name}_lo"] | values[f"response.{name}_hi"] << 32
        value = _signed(raw, 64) if name == "pnl" else raw
        assert value == getattr(card, name), name
    assert values["response.rcv_next"] == model.rcv_next
    assert values["response.status"] & 1 == model.out_of_sync
    outcomes = Counter(g[0].name for g in got)
    print(f"seed {seed}: {len(results)} frames, {applied} responses applied, "
          f"outcomes {dict(sorted(outcomes.items()))}")
    assert applied > 5_000
