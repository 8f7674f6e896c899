"""The paged level store's rules (sim/level_pages.py) against a plain sorted dictionary.

The model is what the gateware's structure tests predict overflow from, so it is held to
the truth here: after every operation the side's levels, in order, are the dictionary's,
page 0 gives the top, and the invariants hold, with refills run as late as the gateware
may run them (after one more operation).
"""

from __future__ import annotations

import random

import pytest

from sim.level_pages import PagedSide, PageGeometry

GEOMETRY = PageGeometry(pages=64, page_levels=11, top=4)


def truth(levels: dict, ask: bool) -> list:
    return [(price, *levels[price]) for price in sorted(levels, reverse=not ask)]


@pytest.mark.parametrize("seed", range(6))
def test_random_operations_keep_every_level_in_order(seed):
    rng = random.Random(seed)
    ask = bool(seed & 1)
    side = PagedSide(GEOMETRY, ask)
    levels: dict = {}
    late_refill = False
    deepest = 0
    for _ in range(4000):
        roll = rng.random()
        price = 100 * rng.randrange(1, 150)
        if roll < 0.5 or not levels:
            deltas = [(price, rng.randrange(1, 99), 1)]
        elif roll < 0.85:
            old = rng.choice(list(levels))
            deltas = [(old, -(levels[old][0] // levels[old][1]), -1)]
        else:
            old = rng.choice(list(levels))
            deltas = [(old, -(levels[old][0] // levels[old][1]), -1),
                      (price, rng.randrange(1, 99), 1)]
        outcome = side.apply(deltas)
        assert not outcome.overflow and not outcome.missing
        for level_price, shares, orders in deltas:
            level = levels.setdefault(level_price, [0, 0])
            level[0] += shares
            level[1] += orders
            if level[1] == 0:
                del levels[level_price]
        if late_refill:
            side.refill()
        late_refill = outcome.refill_wanted and rng.random() < 0.5
        if outcome.refill_wanted and not late_refill:
            side.refill()
        side.check()
        assert [tuple(level) for level in side.levels()] == truth(levels, ask)
        assert side.top() == truth(levels, ask)[:GEOMETRY.top]
        deepest = max(deepest, len(side.pages))
    assert deepest >= 8                       # the flow really used many pages


def test_a_missing_level_and_a_full_side_are_reported_and_change_nothing():
    side = PagedSide(PageGeometry(pages=2, page_levels=11, top=4), ask=False)
    assert side.apply([(500, -10, -1)]).missing
    appended = 0
    while not side.apply([(10_000 - appended, 1, 1)]).overflow:
        appended += 1
    # Appending splits the last page in half: 6 stay in page 0, page 1 fills to 11.
    assert appended == 6 + 11
    before = side.levels()
    assert side.apply([(1, 1, 1)]).overflow and side.levels() == before


def test_refill_merges_or_tops_up_page_zero():
    geometry = PageGeometry(pages=8, page_levels=11, top=4)
    side = PagedSide(geometry, ask=True)
    side.pages = [[[p, 1, 1] for p in (1, 2, 3, 4, 5)], [[p, 1, 1] for p in (6, 7, 8)]]
    side.refill()                             # 5 + 3 fit in one page
    assert [len(page) for page in side.pages] == [8]
    side.pages = [[[p, 1, 1] for p in (1, 2, 3, 4, 5)], [[p, 1, 1] for p in range(6, 16)]]
    side.refill()                             # page 0 filled to 11, page 1 keeps 4
    assert [len(page) for page in side.pages] == [11, 4]
    assert [level[0] for level in side.levels()] == list(range(1, 16))


def test_page_levels_must_leave_room_for_the_top():
    with pytest.raises(ValueError, match="2 \\* top \\+ 3"):
        PageGeometry(pages=4, page_levels=10, top=4)
