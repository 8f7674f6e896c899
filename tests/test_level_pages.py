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
    side = PagedSide(geometry, ask=True, pages=[[[p, 1, 1] for p in (1, 2, 3, 4, 5)],
                                                [[p, 1, 1] for p in (6, 7, 8)]], phys=[0, 5])
    side.refill()                             # 5 + 3 fit in one page
    assert [len(page) for page in side.pages] == [8]
    assert side.phys == [0] and side.free == [5, 1, 2, 3, 4, 6, 7]   # page 1 freed first
    side = PagedSide(geometry, ask=True, pages=[[[p, 1, 1] for p in (1, 2, 3, 4, 5)],
                                                [[p, 1, 1] for p in range(6, 16)]])
    side.refill()                             # page 0 filled to 11, page 1 keeps 4
    assert [len(page) for page in side.pages] == [11, 4]
    assert [level[0] for level in side.levels()] == list(range(1, 16))


def bid_pages(*prices_per_page):
    return [[[price, 100, 1] for price in prices] for prices in prices_per_page]


def test_a_split_takes_the_first_free_page_and_an_emptied_page_is_freed_first():
    geometry = PageGeometry(pages=8, page_levels=11, top=4)
    side = PagedSide(geometry, ask=False, pages=bid_pages(range(300, 279, -2), [100]),
                     phys=[0, 6])
    # Removing the order at 100 empties page 1; the add at 295 splits the full page 0.
    outcome = side.apply([(100, -100, -1), (295, 100, 1)])
    assert not outcome.overflow
    assert [len(page) for page in side.pages] == [6, 6]
    assert side.phys == [0, 1] and side.free == [6, 2, 3, 4, 5, 7]
    side.check()


def test_a_split_beside_a_page_of_its_bank_takes_a_free_page_of_the_other_bank():
    geometry = PageGeometry(pages=8, page_levels=11, top=4)
    pages = bid_pages(range(300, 279, -2), [100, 99])
    # Page 0 (physical 0) splits while page 1 changes: with page 1 on physical 2, both
    # ports of bank 0 are taken, so the new page skips free page 4 for page 1.
    side = PagedSide(geometry, ask=False, pages=[list(map(list, p)) for p in pages],
                     phys=[0, 2], free=[4, 1, 3, 5, 6, 7])
    assert not side.apply([(100, -100, -1), (295, 100, 1)]).overflow
    assert side.phys == [0, 1, 2] and side.free == [4, 3, 5, 6, 7]
    side.check()
    # With page 1 on physical 3 (bank 1) the first free page does.
    side = PagedSide(geometry, ask=False, pages=[list(map(list, p)) for p in pages],
                     phys=[0, 3], free=[4, 1, 2, 5, 6, 7])
    assert not side.apply([(100, -100, -1), (295, 100, 1)]).overflow
    assert side.phys == [0, 4, 3] and side.free == [1, 2, 5, 6, 7]


def test_no_free_page_in_the_needed_bank_is_an_overflow_that_changes_nothing():
    geometry = PageGeometry(pages=8, page_levels=11, top=4)
    deep = [[p] for p in range(270, 220, -10)]         # five one-level pages below page 0
    pages = bid_pages(range(300, 279, -2), *deep)
    # Every page of bank 1 (1, 3, 5, 7) in use; 4 and 6 are free but of bank 0.
    side = PagedSide(geometry, ask=False, pages=pages, phys=[0, 1, 3, 5, 7, 2])
    before = ([tuple(level) for level in side.levels()], list(side.phys), list(side.free))
    outcome = side.apply([(230, -100, -1), (295, 100, 1)])      # pages 5 (phys 2) and 0
    assert outcome.overflow and outcome.bank_full
    assert ([tuple(level) for level in side.levels()], side.phys, side.free) == before
    # The same add with the removal on a page of bank 1 finds a port for free page 4.
    outcome = side.apply([(240, -100, -1), (295, 100, 1)])      # pages 4 (phys 7) and 0
    assert not outcome.overflow
    assert side.phys == [0, 4, 1, 3, 5, 2]
    side.check()


def test_page_levels_must_leave_room_for_the_top():
    with pytest.raises(ValueError, match="2 \\* top \\+ 3"):
        PageGeometry(pages=4, page_levels=10, top=4)
