"""``change_page`` (hdl/book/levels.py) against the level store's rules applied one delta
after the other (:meth:`sim.level_pages.PagedSide._change`).

The gateware applies both deltas of a pass in one combinational step; the rules say what
applying them in turn does. Pages are short and prices few, so the cases that differ from
the simple ones come up often: both deltas at one price (the level removed and put back,
or changed twice), the removal just before or after the insert, a full page, an empty one,
a delta for a level that is not there.
"""

import random

import pytest
from amaranth import Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out
from amaranth.sim import Simulator

from hdl.book.levels import DELTA_LAYOUT, array_layout, change_page
from sim.level_pages import PagedSide, PageGeometry

SIZE = 5


class Dut(wiring.Component):
    old: In(array_layout(SIZE))
    count: In(range(SIZE + 1))
    ask: In(1)
    da: In(DELTA_LAYOUT)
    db: In(DELTA_LAYOUT)
    new: Out(array_layout(SIZE + 1))
    removed: Out(1)
    inserted: Out(1)
    missing: Out(1)

    def elaborate(self, platform):
        m = Module()
        same = Signal()
        both = Signal(range(-2 ** 33, 2 ** 33))
        m.d.comb += [same.eq(self.da.price == self.db.price),
                     both.eq(self.da.shares + self.db.shares)]
        change = change_page(m, "dut", self.old, self.count, SIZE, self.ask, self.da, self.db,
                             same, both)
        m.d.comb += [self.new.eq(change.new), self.removed.eq(change.removed),
                     self.inserted.eq(change.inserted), self.missing.eq(change.missing)]
        return m


def random_case(rng: random.Random):
    ask = rng.random() < 0.5
    prices = sorted(rng.sample(range(1, 9), rng.randint(0, SIZE)), reverse=not ask)
    page = [[price, rng.randint(1, 500), rng.choice((1, 1, 2, 3))] for price in prices]
    da = db = None
    if rng.random() < 0.8:
        price = rng.choice(prices) if prices and rng.random() < 0.85 else rng.randint(1, 8)
        da = (price, -rng.randint(1, 500), rng.choice((-1, -1, 0)))
    if rng.random() < 0.8:
        db = (rng.randint(1, 8), rng.randint(1, 500), 1)
    return ask, page, da, db


def expected(ask, page, da, db):
    """The rules, one delta after the other."""
    side = PagedSide(PageGeometry(pages=2, page_levels=SIZE, top=1), ask)
    levels = [list(level) for level in page]
    outcome = side.apply([])                  # a fresh Outcome to collect the flags
    removed = inserted = False
    if da is not None:
        before = len(levels)
        side._change(levels, *da, outcome)
        removed = len(levels) < before
    if db is not None:
        inserted = side._change(levels, *db, outcome)
    rows = [(price, shares % 2 ** 32, orders) for price, shares, orders in levels]
    return rows + [(0, 0, 0)] * (SIZE + 1 - len(rows)), removed, inserted, outcome.missing


@pytest.mark.parametrize("seed", range(3))
def test_both_deltas_at_once_equal_one_after_the_other(seed):
    rng = random.Random(seed)
    dut = Dut()
    cases = {"same price": 0, "removed": 0, "inserted": 0, "missing": 0, "full": 0}

    async def bench(ctx):
        for _ in range(1500):
            ask, page, da, db = random_case(rng)
            ctx.set(dut.ask, ask)
            ctx.set(dut.count, len(page))
            for i in range(SIZE):
                level = page[i] if i < len(page) else (0, 0, 0)
                ctx.set(dut.old[i].price, level[0])
                ctx.set(dut.old[i].shares, level[1])
                ctx.set(dut.old[i].orders, level[2])
            for port, delta in ((dut.da, da), (dut.db, db)):
                ctx.set(port.enable, delta is not None)
                price, shares, orders = delta or (0, 0, 0)
                ctx.set(port.price, price)
                ctx.set(port.shares, shares)
                ctx.set(port.orders, orders)
            rows, removed, inserted, missing = expected(ask, page, da, db)
            got = [(ctx.get(dut.new[i].price), ctx.get(dut.new[i].shares),
                    ctx.get(dut.new[i].orders)) for i in range(SIZE + 1)]
            case = (ask, page, da, db)
            assert got == rows, case
            assert (ctx.get(dut.removed), ctx.get(dut.inserted), ctx.get(dut.missing)) == \
                (removed, inserted, missing), case
            cases["same price"] += bool(da and db and da[0] == db[0] and da[0] in
                                        [level[0] for level in page])
            cases["removed"] += removed
            cases["inserted"] += inserted
            cases["missing"] += missing
            cases["full"] += len(page) == SIZE and inserted and not removed

    sim = Simulator(dut)
    sim.add_testbench(bench)
    sim.run()
    assert min(cases.values()) > 20, cases
