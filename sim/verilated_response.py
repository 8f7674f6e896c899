"""The Verilated exchange-response path (:class:`sim.response_inject_top.ResponseInjectTop`),
ready to run response flows.

:class:`VerilatedResponses` builds the harness once (``build/verilator/response_inject``,
reused while ``hdl/``, ``proto/`` and the inject top are unchanged) and runs a flow of
steps (:func:`sim.response_flow.random_flow`: ``sent``, ``frame``, ``resync``) one row a
cycle (:func:`sim.response_rows.flow_rows`). :class:`ResponseRun` holds, per frame, its
segment record and the responses recorded before it (its speculative or applied messages),
the row of its last beat, and registers read back at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hdl.response.layouts import Outcome
from hdl.response.regs import RESPONSE_COUNTERS
from sim.harness_ports import harness_ports
from sim.order_session import Session, session_writes
from sim.response_inject_top import ResponseInjectTop
from sim.response_rows import flow_rows
from sim.trade_regs import to_ops
from sim.verilate import ROOT
from sim.verilated_harness import build_harness, run_harness, source_key, with_idle_cycles

__all__ = ["RESPONSE_FIELDS", "ResponseRun", "VerilatedResponses"]

#: Fields of a response record compared with the model (all but ``time``).
RESPONSE_FIELDS = ("kind", "user_ref_num", "quantity", "price", "match_number", "slot",
                   "sell", "remaining", "state", "position", "pnl")
_SIGNED = {"position": 32, "pnl": 64}
#: Registers read after every run.
READS = tuple([f"response.{name}" for name in RESPONSE_COUNTERS] + [
    f"response.{name}_{half}" for name in ("pnl", "released", "position_value")
    for half in ("lo", "hi")] + ["response.rcv_next", "response.status"])


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value >> (bits - 1) & 1 else value


@dataclass
class ResponseRun:
    """One flow through the Verilated path."""

    segments: list[tuple]                 # (Outcome, detail, seq, length, messages)
    segment_cycles: np.ndarray
    responses: dict[int, list[dict]]      # frame index -> its response records
    response_cycles: dict[int, list[int]]
    last_beats: list[int]                 # row (cycle) of every frame's last beat
    registers: dict[str, int]
    cycles: int

    def value(self, name: str, signed: bool = False) -> int:
        """A 64-bit ``_lo``/``_hi`` register pair of the ``response`` block."""
        raw = self.registers[f"response.{name}_lo"] | self.registers[f"response.{name}_hi"] << 32
        return _signed(raw, 64) if signed else raw


class VerilatedResponses:
    def __init__(self, session: Session | None = None):
        from sim import response_inject_top

        self.session = session or Session()
        key = source_key(ROOT / "hdl", ROOT / "proto",
                         extra=Path(response_inject_top.__file__).read_text())
        self.exe, self.top = build_harness(ResponseInjectTop(), "response_inject", key)
        self.layouts = harness_ports(self.top).layouts

    def run(self, steps, drain: int = 400, idle_inside: float = 0.0) -> ResponseRun:
        """``idle_inside``: the fraction of rows followed by idle cycles, inside frames too
        (:func:`sim.verilated_harness.with_idle_cycles`)."""
        rows, last_beats = flow_rows(steps)
        if idle_inside:
            rows, where = with_idle_cycles(rows, idle_inside)
            last_beats = [int(where[row]) for row in last_beats]
        regs = self.top.register_map
        addresses = [regs.address(path) for path in READS]
        ops = to_ops(regs, session_writes(self.session, enable=False), settle=4)
        out = run_harness(self.exe, rows, ops=ops, reads=addresses, drain=drain,
                          layouts=self.layouts)
        seg = out.fields("segments")
        segments = [(Outcome(int(seg["outcome"][i])), int(seg["detail"][i]),
                     int(seg["seq"][i]), int(seg["length"][i]), int(seg["messages"][i]))
                    for i in range(len(seg["outcome"]))]
        fields = out.fields("responses")
        owners = np.searchsorted(out.keys("segments"), out.keys("responses"))
        responses: dict[int, list[dict]] = {}
        cycles: dict[int, list[int]] = {}
        for i, owner in enumerate(owners):
            record = {name: int(fields[name][i]) for name in RESPONSE_FIELDS}
            for name, bits in _SIGNED.items():
                record[name] = _signed(record[name], bits)
            responses.setdefault(int(owner), []).append(record)
            cycles.setdefault(int(owner), []).append(int(out.record_cycles["responses"][i]))
        registers = {path: out.readback[a][0] for path, a in zip(READS, addresses,
                                                                 strict=True)}
        return ResponseRun(segments, out.record_cycles["segments"], responses, cycles,
                           last_beats, registers, out.cycles)
