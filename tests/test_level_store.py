"""LevelStore in amaranth.sim: random level changes against a plain dictionary of levels.

A request goes in every other cycle, the fastest the book builder sends them. A refill the
store asks for in a pass's S3 is sent after the one request already in flight, the latest
the builder may send it. Every result's top levels must equal the dictionary's best
levels; the structure must never break its invariant (``fault``); and ``overflow`` must
come exactly where the structural model (:mod:`sim.level_pages`), fed the same operations
in the same order, runs out of pages.
"""

from __future__ import annotations

import random

import pytest
from amaranth.sim import Simulator

from hdl.book.layouts import BookParams
from hdl.book.level_store import LevelStore, StoreKind
from sim.level_pages import PagedSide, PageGeometry

PARAMS = BookParams(slots=2, pages=8, page_levels=11, top=4, order_sets_log2=2,
                    order_ways=1, undo_depth=2)


def reference_top(levels: dict, ask: bool, top: int) -> list:
    prices = sorted(levels, reverse=not ask)[:top]
    rows = [(price, *levels[price]) for price in prices]
    return rows + [(0, 0, 0)] * (top - len(rows))


class Flow:
    """Random requests made from the current state, so a removal always names a level
    that is there: per side a plain dictionary (the truth) and the structural model (what
    the pages should look like, hence where they overflow)."""

    def __init__(self, seed: int, prices: int, inserts: float = 0.46, replaces: float = 0.1):
        self.rng = random.Random(seed)
        self.prices = prices
        self.inserts = inserts
        self.replaces = replaces
        geometry = PageGeometry(PARAMS.pages, PARAMS.page_levels, PARAMS.top)
        self.geometry = geometry
        self.levels = {(s, a): {} for s in range(PARAMS.slots) for a in (0, 1)}
        self.model = {key: PagedSide(geometry, bool(key[1])) for key in self.levels}
        self.overflows = 0
        # Splits that had to take a page of the other bank: all of them, those that passed
        # over the first free page for it, and those that found none (an overflow).
        self.bank = {"forced": 0, "skipped": 0, "full": 0}

    def next(self):
        """``(op, expected)``: the request and what its result must say."""
        rng = self.rng
        slot, ask = rng.randrange(PARAMS.slots), rng.randrange(2)
        levels, side = self.levels[(slot, ask)], self.model[(slot, ask)]
        roll = rng.random()
        price = 100 * rng.randrange(1, self.prices + 1)
        shares = 10 * rng.randrange(1, 9)

        def take(level_price):
            total, orders = levels[level_price]
            return (level_price, -(total // orders), -1)

        d1 = d2 = None
        kind = StoreKind.DELTAS
        if roll < 0.01:
            kind = StoreKind.RESET
        elif roll < 0.04:
            kind = StoreKind.NONE
        elif roll < 0.04 + self.inserts or not levels:
            d2 = (price, shares, 1)
        elif roll < 0.9 - self.replaces:
            d1 = take(rng.choice(list(levels)))
        elif roll < 1 - self.replaces:
            d1 = (rng.choice(list(levels)), 0, 0)
        else:
            d1, d2 = take(rng.choice(list(levels))), (price, shares, 1)
        overflow = False
        if kind == StoreKind.RESET:
            self.model[(slot, ask)] = PagedSide(self.geometry, bool(ask))
            levels.clear()
        elif kind == StoreKind.DELTAS:
            deltas = [d for d in (d1, d2) if d is not None]
            first_free = side.free[:1]
            outcome = side.apply(deltas)
            overflow = outcome.overflow
            self.overflows += overflow
            self.bank["forced"] += outcome.other_bank
            self.bank["full"] += outcome.bank_full
            self.bank["skipped"] += (outcome.other_bank and not overflow
                                     and first_free[0] in side.free)
            for level_price, change, orders in [] if overflow else deltas:
                level = levels.setdefault(level_price, [0, 0])
                level[0] += change
                level[1] += orders
                if level[1] == 0:
                    del levels[level_price]
        self.model[(slot, ask)].check()
        top = reference_top(levels, bool(ask), PARAMS.top)
        return (kind, slot, ask, d1, d2), (top, overflow)

    def refill(self, slot: int, ask: int):
        self.model[(slot, ask)].refill()
        self.model[(slot, ask)].check()
        top = reference_top(self.levels[(slot, ask)], bool(ask), PARAMS.top)
        return (StoreKind.REFILL, slot, ask, None, None), (top, False)


def set_delta(ctx, view, delta):
    ctx.set(view.enable, delta is not None)
    if delta is not None:
        ctx.set(view.price, delta[0])
        ctx.set(view.shares, delta[1])
        ctx.set(view.orders, delta[2])


def side_rows(view, top):
    return [(view[i].price, view[i].shares, view[i].orders) for i in range(top)]


def run(flow: Flow, count: int) -> dict:
    """``count`` requests every other cycle, refills as late as allowed (after the one
    request already in flight); every result checked as it comes."""
    dut = LevelStore(PARAMS)
    stats = {"results": 0, "refills": 0}
    sim = Simulator(dut)
    sim.add_clock(1e-8)

    async def bench(ctx):
        sent, refills, in_flight = 0, [], []
        cycle = 0
        while sent < count or refills or in_flight:
            op = None
            if cycle % 2 == 0:
                if refills and refills[0][0] < cycle:
                    _, slot, ask = refills.pop(0)
                    op, expected = flow.refill(slot, ask)
                    stats["refills"] += 1
                elif sent < count:
                    op, expected = flow.next()
                    sent += 1
            ctx.set(dut.request.valid, op is not None)
            if op is not None:
                kind, slot, ask, d1, d2 = op
                ctx.set(dut.request.kind, kind)
                ctx.set(dut.request.slot, slot)
                ctx.set(dut.request.ask, ask)
                set_delta(ctx, dut.request.d1, d1)
                set_delta(ctx, dut.request.d2, d2)
                in_flight.append((op, expected))
            if ctx.get(dut.result.valid):
                (kind, slot, ask, _d1, _d2), (top, overflow) = in_flight.pop(0)
                res = ctx.get(dut.result)
                assert not res.fault and not res.missing, (cycle, kind)
                assert bool(res.overflow) == overflow, (cycle, kind)
                view = res.asks if ask else res.bids
                assert side_rows(view, PARAMS.top) == top, (cycle, kind, slot, ask)
                stats["results"] += 1
                if ctx.get(dut.refill.valid):
                    refills.append((cycle, ctx.get(dut.refill.slot), ctx.get(dut.refill.ask)))
            await ctx.tick()
            cycle += 1

    sim.add_testbench(bench)
    sim.run()
    return stats


@pytest.mark.parametrize("seed,prices", [(1, 12), (2, 40), (3, 90)])
def test_random_changes_keep_the_top_exact(seed, prices):
    flow = Flow(seed, prices)
    stats = run(flow, 1000)
    assert stats["results"] >= 1000
    if prices >= 90:                       # deep sides: pages split and refill
        assert stats["refills"] > 0


def test_a_side_out_of_pages_drops_the_insert_and_says_so():
    flow = Flow(4, 400, inserts=0.7)
    run(flow, 1000)
    assert flow.overflows > 0


def test_splits_beside_a_page_of_their_bank_take_the_other_bank():
    # Many U-like passes (a removal and an insert, often on two pages) on sides near full:
    # the new page must avoid the bank whose two ports A and B take, passing over free
    # pages of that bank, or the pass overflows though pages of that bank are free.
    flow = Flow(5, 400, inserts=0.5, replaces=0.3)
    run(flow, 3000)
    assert flow.bank["skipped"] > 0 and flow.bank["full"] > 0, flow.bank
