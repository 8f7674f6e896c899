"""Randomised trading scenarios for the Verilated trading path, and what the model expects.

A scenario is a configuration (take triggers, pairs, risk limits, per-stock positions)
and a stream of book-update records, each with its frame verdict in the same cycle (80 %
commit), one to three cycles apart, on few prices around the limits, so that triggers fire
often and every risk check fails now and then. :func:`rows` packs it for the harness
(``TradeInjectTop.inject``); :func:`expected` runs :class:`sim.trade_model.TradeModel` on
the same cycles, once the cycle counter's value at the first row is known.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
from trade_inject_top import INJECT_BOOK, inject_layout

from hdl.strategy.layouts import TradeParams
from sim.harness_ports import flat_layout
from sim.risk_model import RiskLimits, RiskModel, SlotRisk
from sim.strategy_model import PairConfig, StrategyModel, TakeConfig, Top
from sim.trade_model import TradeModel
from sim.trade_regs import trade_writes
from sim.verilated_harness import payload_rows

__all__ = ["Scenario", "scenario", "rows", "expected"]

_TICK = 100            # one cent


@dataclass
class Scenario:
    params: TradeParams
    takes: dict[int, TakeConfig]
    pairs: list[PairConfig]
    limits: RiskLimits
    slots: dict[int, SlotRisk]
    #: per row: None, or (slot, top, sequence, commit)
    steps: list = field(default_factory=list)

    def writes(self) -> list[tuple[str, int]]:
        return trade_writes(self.params, self.takes, self.pairs, self.limits, self.slots)

    @property
    def records(self) -> int:
        return sum(step is not None for step in self.steps)


def scenario(seed: int, params: TradeParams, records: int) -> Scenario:
    rng = random.Random(seed)
    base = 1_000_000 + rng.randrange(50) * _TICK       # $100.00 and up
    takes = {}
    for slot in range(params.trade_slots):
        takes[slot] = TakeConfig(
            enable=rng.random() < 0.8,
            buy_limit=base + rng.randint(-3, 3) * _TICK if rng.random() < 0.9 else 0,
            sell_limit=base + rng.randint(-3, 3) * _TICK if rng.random() < 0.9 else 0,
            max_shares=rng.choice([100, 300, 1000, 5000]),
            cooldown=rng.choice([0, 0, 3, 10, 40]),
            symbol=f"S{slot:02d}".encode().ljust(8))
    pairs = [PairConfig(a, b, True, rng.choice([1, 1, 2]), -rng.randint(1, 4) * _TICK,
                        rng.randint(1, 4) * _TICK, rng.choice([10, 100]))
             for a, b in rng.sample([(0, 1), (2, 3), (4, 5), (6, 7), (1, 8)], params.pairs)]
    limits = RiskLimits(
        enable=True, collar_bps=rng.random() < 0.5, max_shares=rng.choice([800, 2000]),
        max_notional=rng.choice([5, 20, 200]) * 10**8,       # $50k, $200k, $2M
        collar=0, gross_limit=rng.choice([3, 6]) * 10**12, stock_burst=rng.randint(2, 6),
        stock_refill_log2=rng.randint(5, 8), global_burst=rng.randint(2, 6),
        global_refill_log2=rng.randint(3, 6), dup_window=rng.choice([8, 50, 200]),
        loss_limit=10**12)
    limits.collar = rng.choice([5, 20]) if limits.collar_bps else rng.choice([2, 5]) * _TICK
    slots = {s: SlotRisk(position=rng.randint(-2000, 2000), limit=rng.randint(1000, 50_000))
             for s in range(params.trade_slots)}
    sc = Scenario(params, takes, pairs, limits, slots)
    sequence = 1
    while sequence <= records:
        sc.steps += [None] * rng.choice([0, 0, 1, 2])
        slot = rng.randrange(INJECT_BOOK.slots) if rng.random() < 0.1 else \
            rng.randrange(params.trade_slots)
        bid = base + rng.randint(-6, 4) * _TICK
        ask = bid + rng.randint(0, 8) * _TICK
        top = Top(bid, rng.randint(1, 40) * 100, ask, rng.randint(1, 40) * 100,
                  rng.random() < 0.97, rng.random() < 0.97, rng.random() < 0.02,
                  rng.random() < 0.02)
        sc.steps.append((slot, top, sequence, rng.random() < 0.8))
        sequence += 1
    return sc


def rows(sc: Scenario) -> np.ndarray:
    """One inject row per step (a record and its verdict in one cycle)."""
    n = len(sc.steps)
    cols = {name: np.zeros(n, np.uint64) for name in (
        "has_update", "has_end", "commit", "update_slot", "update_sequence", "update_halted",
        "update_invalid", "update_bids_0_price", "update_bids_0_shares",
        "update_bids_0_orders", "update_asks_0_price", "update_asks_0_shares",
        "update_asks_0_orders")}
    for i, step in enumerate(sc.steps):
        if step is None:
            continue
        slot, top, sequence, commit = step
        values = {"has_update": 1, "has_end": 1, "commit": commit, "update_slot": slot,
                  "update_sequence": sequence, "update_halted": top.halted,
                  "update_invalid": top.invalid,
                  "update_bids_0_price": top.bid if top.has_bid else 0,
                  "update_bids_0_shares": top.bid_shares if top.has_bid else 0,
                  "update_bids_0_orders": int(top.has_bid),
                  "update_asks_0_price": top.ask if top.has_ask else 0,
                  "update_asks_0_shares": top.ask_shares if top.has_ask else 0,
                  "update_asks_0_orders": int(top.has_ask)}
        for name, value in values.items():
            cols[name][i] = int(value)
    valid = np.array([step is not None for step in sc.steps], np.uint32)
    return payload_rows(cols, flat_layout(inject_layout(INJECT_BOOK)), n, valid)


def _seen_top(top: Top) -> Top:
    """The top as the record carries it: an empty side is all zeros."""
    return Top(top.bid if top.has_bid else 0, top.bid_shares if top.has_bid else 0,
               top.ask if top.has_ask else 0, top.ask_shares if top.has_ask else 0,
               top.has_bid, top.has_ask, top.halted, top.invalid)


def expected(sc: Scenario, origin: int) -> TradeModel:
    """The model, run, when the first row is in cycle ``origin`` (counter value):
    ``.decisions`` and ``.queue.starts``."""
    strategy = StrategyModel(sc.params, sc.takes, sc.pairs)
    risk = RiskModel(sc.params, sc.limits, sc.slots)
    risk.refill(origin - 100)
    model = TradeModel(sc.params, strategy, risk)
    for i, step in enumerate(sc.steps):
        if step is None:
            continue
        slot, top, sequence, commit = step
        model.step(origin + i, (slot, _seen_top(top), sequence), commit)
    model.finish()
    return model
