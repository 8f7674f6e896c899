"""The strategy triggers in amaranth.sim, against :class:`sim.strategy_model.StrategyModel`.

Directed cases pin single rules with hand-computed expectations; the random case drives
thousands of records (random tops on few slots, random verdicts, both triggers) and compares
every group, cycle by cycle, with the model.
"""

from __future__ import annotations

import random

import pytest
from amaranth.sim import Simulator
from regs_sim import apply_writes

from hdl.book.layouts import BookParams
from hdl.strategy.layouts import Source, TradeParams
from hdl.strategy.regs import strategy_block
from hdl.strategy.strategy import Strategy
from sim.strategy_model import PairConfig, StrategyModel, TakeConfig, Top
from sim.trade_regs import pair_writes, strategy_enable, take_writes

BOOK = BookParams(slots=16, pages=2, page_levels=5, top=1, order_sets_log2=4, order_ways=2,
                  undo_depth=16)
TRADE = TradeParams(trade_slots=4, pairs=2, queue_depth=4)


def _record(ctx, dut, slot, top: Top, sequence=0):
    record = dut.updates.payload
    ctx.set(record.slot, slot)
    ctx.set(record.sequence, sequence)
    ctx.set(record.halted, top.halted)
    ctx.set(record.invalid, top.invalid)
    ctx.set(record.bids[0].price, top.bid)
    ctx.set(record.bids[0].shares, top.bid_shares)
    ctx.set(record.bids[0].orders, int(top.has_bid))
    ctx.set(record.asks[0].price, top.ask)
    ctx.set(record.asks[0].shares, top.ask_shares)
    ctx.set(record.asks[0].orders, int(top.has_ask))


def _group_of(view):
    legs = []
    for i in range(2 if view.two else 1):
        leg = view.legs[i]
        legs.append((int(leg.slot), bool(leg.sell), int(leg.price), int(leg.shares),
                     int(leg.source), int(leg.symbol).to_bytes(8, "little")))
    return tuple(legs), int(view.pair) if view.two else 0


def _model_group(group):
    legs = tuple((leg.slot, leg.sell, leg.price, leg.shares, int(leg.source), leg.symbol)
                 for leg in group.legs)
    return legs, group.pair


def run(steps, writes, now_offset=100):
    """``steps``: per cycle ``None`` or ``(slot, top, verdict)`` with verdict None/True/False.
    Returns ``[(cycle, group)]`` of the intents seen (cycle of the input step)."""
    dut = Strategy(BOOK, TRADE)
    seen = []

    async def bench(ctx):
        for _pulse in apply_writes(ctx, dut.regs, strategy_block(TRADE), writes):
            await ctx.tick()
        await ctx.tick()
        for cycle, step in enumerate(steps + [None] * (Strategy.LATENCY + 1)):
            ctx.set(dut.now, now_offset + cycle)
            ctx.set(dut.updates.valid, step is not None and step[0] is not None)
            ctx.set(dut.update_end.valid, step is not None and step[2] is not None)
            if step is not None:
                if step[0] is not None:
                    _record(ctx, dut, step[0], step[1], sequence=cycle)
                ctx.set(dut.update_end.payload.commit, bool(step[2]))
            if ctx.get(dut.intents.valid):
                seen.append((cycle - Strategy.LATENCY, _group_of(ctx.get(dut.intents.payload)),
                             int(ctx.get(dut.intents.payload.sequence))))
            await ctx.tick()

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
    return seen


def expected(steps, takes, pairs, now_offset=100):
    model = StrategyModel(TRADE, takes, pairs)
    out = []
    for cycle, step in enumerate(steps):
        if step is None:
            continue
        slot, top, verdict = step
        if slot is not None:
            group = model.record(now_offset + cycle, slot, top)
            if group is not None:
                out.append((cycle, _model_group(group), cycle))
        if verdict is not None:
            model.verdict(verdict)
    return out


def _writes(takes, pairs):
    writes = []
    for slot, take in takes.items():
        writes += take_writes(TRADE, slot, take)
    for index, pair in enumerate(pairs):
        writes += pair_writes(TRADE, index, pair)
    return writes + strategy_enable(TRADE)


def book(bid, ask, bid_shares=100, ask_shares=100, **flags):
    return Top(bid, bid_shares, ask, ask_shares, bid is not None and bid > 0,
               ask is not None and ask > 0, **flags)


def test_take_buys_the_offer_capped_at_max_shares():
    takes = {1: TakeConfig(True, buy_limit=100_500, max_shares=300, symbol=b"AAPL    ")}
    steps = [(1, book(100_000, 100_600, ask_shares=500), True),
             (1, book(100_000, 100_500, ask_shares=500), True)]
    seen = run(steps, _writes(takes, []))
    assert seen == [(1, (((1, False, 100_500, 300, int(Source.TAKE), b"AAPL    "),), 0), 1)]


def test_take_sells_the_bid_and_respects_cooldown_and_halt():
    takes = {2: TakeConfig(True, sell_limit=50_000, max_shares=1000, cooldown=5,
                           symbol=b"MSFT    ")}
    hit = book(50_100, 50_300, bid_shares=70)
    steps = [(2, hit, None), None, (2, hit, None), None, None, (2, hit, None),
             (2, book(50_100, 50_300, halted=True), None), None, None, None, None, None,
             (2, hit, True)]
    seen = run(steps, _writes(takes, []))
    sell = ((2, True, 50_100, 70, int(Source.TAKE), b"MSFT    "),)
    # fires at 0; 2 is inside the 5-cycle cool-down; 5 is exactly 5 cycles later; the halted
    # record never fires; 12 is past the cool-down again.
    assert [(c, g) for c, g, _ in seen] == [(0, (sell, 0)), (5, (sell, 0)), (12, (sell, 0))]


def test_pairs_fire_both_legs_when_the_spread_leaves_the_band():
    takes = {0: TakeConfig(symbol=b"AAA     "), 3: TakeConfig(symbol=b"BBB     ")}
    pair = PairConfig(a=0, b=3, ratio=2, band_lo=-1000, band_hi=1000, qty=10)
    steps = [(3, book(50_000, 50_010), None),      # B mid2 = 100_010; A unknown
             (0, book(100_000, 100_010), None),    # spread 200_010 - 200_020 = -10: inside
             (0, book(101_000, 101_010), None)]    # 202_010 - 200_020 = 1990 > 1000: sell A
    seen = run(steps, _writes(takes, [pair]))
    assert [(c, g) for c, g, _ in seen] == [(2, (
        ((0, True, 101_000, 10, int(Source.PAIR_A), b"AAA     "),
         (3, False, 50_010, 20, int(Source.PAIR_B), b"BBB     ")), 0))]


def test_withdraw_rolls_back_the_cooldown():
    takes = {1: TakeConfig(True, buy_limit=200, max_shares=10, cooldown=1000)}
    hit = book(100, 150)
    steps = [(1, hit, False), (1, hit, True), (1, hit, True)]
    seen = run(steps, _writes(takes, []))
    # 0 fires and is withdrawn with its cool-down; 1 fires again; 2 is cooling.
    assert [c for c, _, _ in seen] == [0, 1]


def _maybe(rng, value, p_zero=0.15):
    return 0 if rng.random() < p_zero else value


@pytest.mark.parametrize("seed", [5, 6])
def test_random_records_match_the_model(seed):
    rng = random.Random(seed)
    takes = {}
    for slot in range(TRADE.trade_slots):
        takes[slot] = TakeConfig(rng.random() < 0.85, _maybe(rng, rng.randint(95, 105)),
                                 _maybe(rng, rng.randint(95, 105)),
                                 _maybe(rng, rng.randint(1, 400), 0.05), rng.randint(0, 12),
                                 bytes(rng.choice(b"ABCDEFGH") for _ in range(4)) + b"    ")
    pairs = [PairConfig(0, 1, True, 2, -3, 3, 5), PairConfig(2, 3, True, 1, -1, 2, 7)]
    steps = []
    for _ in range(3000):
        if rng.random() < 0.25:
            steps.append(None)
            continue
        bid, ask = rng.randint(90, 110), rng.randint(90, 112)
        top = Top(bid, rng.randint(1, 600), ask, rng.randint(1, 600), rng.random() < 0.9,
                  rng.random() < 0.9, rng.random() < 0.05, rng.random() < 0.05)
        verdict = rng.choice([None, None, True, True, False])
        slot = rng.choice([0, 1, 2, 3, 3, 5]) if rng.random() < 0.95 else None
        steps.append((slot, top, verdict))
    seen = run(steps, _writes(takes, pairs))
    want = expected(steps, takes, pairs)
    kinds = {len(group[0]) for _, group, _ in want}
    assert len(want) > 300 and kinds == {1, 2}
    assert seen == want


def test_a_manual_order_is_proposed_between_frames_with_the_stocks_last_top():
    """A host order offered while a frame is open waits for its verdict and leaves as a
    one-leg HOST group, not speculative, with the stock's top after that frame (a
    withdrawn frame's top rolled back) and its tag as the sequence; triggers and
    cool-downs play no part (the strategy is not even enabled)."""
    dut = Strategy(BOOK, TRADE)
    first = Top(bid=100_000, ask=100_500, bid_shares=10, ask_shares=20, has_bid=True,
                has_ask=True)
    withdrawn = Top(bid=90_000, ask=99_000, has_bid=True, has_ask=True)
    seen = []

    async def bench(ctx):
        await ctx.tick()
        # cycle 0: a record of slot 2, committed at cycle 1; cycles 3-5: a record of
        # slot 2 whose frame is withdrawn at cycle 5; the host order is offered from 4
        plan = {0: (first, None), 1: (None, True), 3: (withdrawn, None), 5: (None, False)}
        for cycle in range(14):
            record, verdict = plan.get(cycle, (None, None))
            ctx.set(dut.updates.valid, record is not None)
            if record is not None:
                _record(ctx, dut, 2, record)
            ctx.set(dut.update_end.valid, verdict is not None)
            ctx.set(dut.update_end.payload.commit, bool(verdict))
            offered = cycle >= 4 and not taken
            ctx.set(dut.host_order.valid, offered)
            payload = dut.host_order.payload
            for name, value in (("slot", 2), ("sell", 1), ("price", 100_100),
                                ("shares", 300), ("tag", 0x77)):
                ctx.set(getattr(payload, name), value)
            if offered and ctx.get(dut.host_order.ready):
                taken.append(cycle)
            if ctx.get(dut.intents.valid):
                group = ctx.get(dut.intents.payload)
                seen.append((cycle, group))
            await ctx.tick()

    taken = []
    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
    assert taken == [7]
    [(cycle, group)] = seen
    # offered at 4: S2 holds the record of 3, the frame stays open until the verdict of
    # 5 is through S1 (S2 sees it at 6); the first free S2 cycle is 7, the group is out
    # at 8 (registered)
    assert cycle == 8
    leg = group.legs[0]
    assert (int(leg.slot), int(leg.sell), int(leg.price), int(leg.shares)) == \
        (2, 1, 100_100, 300)
    assert int(leg.source) == Source.HOST and not group.two and not group.speculative
    assert int(group.sequence) == 0x77
    assert (int(leg.bid), int(leg.ask), int(leg.has_bid), int(leg.has_ask)) == \
        (first.bid, first.ask, 1, 1)
