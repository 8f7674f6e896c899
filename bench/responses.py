"""Exchange responses through the Verilated response path: latency and speed.

    python bench/responses.py [--json] [--orders N] [--seed S] [--impair F] [--clock-mhz MHz]

A random flow (:func:`sim.response_flow.random_flow`: ``--orders`` orders, their accepts,
executions, cancels and rejects in segments of 1 to 100 messages, frames back to back)
runs through the Verilated ``ResponsePath`` (``sim/verilated_response.py``) and, in the
same run, through the reference model (``sim/response_model.py``), which it must match.

- ``record_cycles``: for every message applied, from the rx beat carrying its last byte
  to its ``responses`` record, the cycle the table and the ledger are written (S3); the
  risk checks see the new state from the next cycle, so the figure the design promises is
  this + 1 (``ResponsePath.LATENCY``).
- ``verdict_cycles``: from the same beat to the segment's record (commit or roll back).
- ``messages_per_cycle``: order-changing messages applied per cycle of the run.
- wall clock: responses/s of the Verilated path and of the Python model.

JSON: ``{"record_cycles": {"min", "median", "max"}, "seen_by_risk_cycles",
"seen_by_risk_ns", "promised_cycles", "verdict_cycles": {...}, "segments", "responses",
"cycles", "messages_per_cycle", "responses_per_second": {"verilated", "model"},
"matches_model", "clock_mhz"}``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hdl.response.layouts import Outcome  # noqa: E402
from hdl.response.path import ResponsePath  # noqa: E402
from sim.response_flow import random_flow, replay  # noqa: E402
from sim.response_impairments import message_end_bytes  # noqa: E402
from sim.verilated_response import RESPONSE_FIELDS, VerilatedResponses  # noqa: E402


def _spread(values) -> dict:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def measure(orders: int, seed: int, impair: float, clock_mhz: float) -> dict:
    steps = random_flow(seed, orders=orders, impair=impair)
    started = time.perf_counter()
    model, results = replay(steps)
    model_seconds = time.perf_counter() - started
    path = VerilatedResponses()             # built (or reused) before the clock starts
    started = time.perf_counter()
    run = path.run(steps)
    verilated_seconds = time.perf_counter() - started
    frames = [step[1] for step in steps if step[0] == "frame"]
    record, verdict, responses, matches = [], [], 0, True
    for index, result in enumerate(results):
        got = run.responses.get(index, [])
        last = run.last_beats[index]
        if result.outcome is Outcome.APPLIED:
            want = [{name: int(r[name]) for name in RESPONSE_FIELDS} for r in result.responses]
            matches &= got == want
            responses += len(got)
            first = last - (len(frames[index]) - 1) // 8          # row of the first beat
            ends = [first + byte // 8 for byte in message_end_bytes(frames[index])]
            matches &= len(ends) == len(got)
            record += [cycle - row for cycle, row in
                       zip(run.response_cycles.get(index, []), ends, strict=False)]
        verdict.append(int(run.segment_cycles[index]) - last)
    matches &= [s[0] for s in run.segments] == [r.outcome for r in results]
    seen = max(record) + 1
    return {
        "record_cycles": _spread(record), "seen_by_risk_cycles": seen,
        "seen_by_risk_ns": round(seen * 1000 / clock_mhz, 1),
        "promised_cycles": ResponsePath.LATENCY, "verdict_cycles": _spread(verdict),
        "segments": len(results), "responses": responses, "cycles": run.cycles,
        "messages_per_cycle": round(responses / run.cycles, 4),
        "responses_per_second": {"verilated": round(responses / verilated_seconds),
                                 "model": round(responses / model_seconds)},
        "matches_model": bool(matches), "clock_mhz": clock_mhz,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--orders", type=int, default=6_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--impair", type=float, default=0.0)
    parser.add_argument("--clock-mhz", type=float, default=156.25)
    args = parser.parse_args(argv)
    figures = measure(args.orders, args.seed, args.impair, args.clock_mhz)
    if args.json:
        print(json.dumps(figures))
        return 0
    r, v = figures["record_cycles"], figures["verdict_cycles"]
    print(f"{figures['segments']} segments, {figures['responses']} responses applied in "
          f"{figures['cycles']} cycles ({figures['messages_per_cycle']} per cycle); "
          f"matches the model: {figures['matches_model']}")
    print(f"last byte -> response written: {r['min']} / {r['median']} / {r['max']} cycles "
          f"(min / median / max); seen by the risk checks after "
          f"{figures['seen_by_risk_cycles']} cycles, {figures['seen_by_risk_ns']} ns at "
          f"{figures['clock_mhz']} MHz (promised {figures['promised_cycles']})")
    print(f"last byte -> segment verdict: {v['min']} / {v['median']} / {v['max']} cycles")
    rate = figures["responses_per_second"]
    print(f"wall clock: Verilated {rate['verilated']:,} responses/s, "
          f"reference model {rate['model']:,} responses/s")
    return 0 if figures["matches_model"] else 1


if __name__ == "__main__":
    sys.exit(main())
