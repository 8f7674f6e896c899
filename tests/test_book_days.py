"""Reference book on whole days, against books computed by independent software.

- RITCH day and meatpy sample: final books from meatpy 0.5.0 (full depth) and itch-book
  0.2.1 (top 10), in ``shared/data/itch``.
- LOBSTER days: LOBSTER's own order-book rows, checked at every checkpoint message.
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from sim.book import Books, build_books, lobster_columns
from sim.itch_file import read_day

ITCHBOOK_LEVELS = 10


def final_books(path) -> tuple[Books, dict[str, int]]:
    day = read_day(path)
    return build_books(day.events()), {stock: loc for loc, stock in day.symbols().items()}


def as_meatpy(levels) -> list[dict]:
    return [{"price": lv.price, "shares": lv.shares, "orders": lv.orders} for lv in levels]


def as_itchbook(books: Books, locate: int) -> dict[str, int]:
    """Our top 10 in itch-book's flat keys; it writes an absent level as zeros."""
    top = books.top(locate, ITCHBOOK_LEVELS)
    flat = {}
    for side, levels in (("bid", top["bids"]), ("ask", top["asks"])):
        for n in range(ITCHBOOK_LEVELS):
            price, shares, orders = levels[n] if n < len(levels) else (0, 0, 0)
            flat |= {f"{side}_px_{n:02d}": price, f"{side}_sz_{n:02d}": shares,
                     f"{side}_ct_{n:02d}": orders}
    return flat


@pytest.fixture(scope="module")
def ritch(bundled_data):
    return final_books(bundled_data / "itch" / "ritch_20101224.itch50")


@pytest.mark.parametrize("stock", ["ALC", "BOB", "CHAR"])
def test_ritch_final_full_depth_equals_meatpy(ritch, shared_data, stock):
    expected = json.loads((shared_data / "itch" / "ritch_final_book_by_meatpy.json").read_text())
    books, locates = ritch
    depth = books.depth(locates[stock])
    assert as_meatpy(depth["bids"]) == expected[stock]["bids"]
    assert as_meatpy(depth["asks"]) == expected[stock]["asks"]


@pytest.mark.parametrize("stock", ["ALC", "BOB", "CHAR"])
def test_ritch_final_top10_equals_itchbook(ritch, shared_data, stock):
    expected = json.loads(
        (shared_data / "itch" / "ritch_final_depth10_by_itchbook.json").read_text())[stock]
    books, locates = ritch
    assert expected["locate"] == locates[stock]
    wanted = {k: v for k, v in expected.items() if k[:4] in ("bid_", "ask_")}
    assert as_itchbook(books, locates[stock]) == wanted


def test_ritch_live_orders_follow_meatpy_which_keeps_the_reference_zero_add(ritch, shared_data):
    # itch-book rejects one add (its _stats: rejected 1, live_orders 3203): the add with
    # order reference 0, a BOB bid deep below its top 10. The specification does not forbid
    # reference 0, so like meatpy we keep it: 3204 live orders.
    meatpy = json.loads((shared_data / "itch" / "ritch_final_book_by_meatpy.json").read_text())
    books, _ = ritch
    # (the file also holds "_meatpy_priority_warnings_caught", which is not a stock)
    assert len(books) == sum(lv["orders"] for stock in ("ALC", "BOB", "CHAR")
                             for side in ("bids", "asks") for lv in meatpy[stock][side])
    assert books.order(0) is not None


def test_ritch_unknown_references_are_counted_not_fatal(ritch, shared_data):
    itchbook = json.loads(
        (shared_data / "itch" / "ritch_final_depth10_by_itchbook.json").read_text())
    books, _ = ritch
    assert books.stats.unknown_refs == 117 == itchbook["_stats"]["missing_ref"]
    assert books.stats.overexecutions == 0
    assert books.stats.messages == 12_012


def test_ritch_ends_with_crossed_books_and_counts_them(ritch):
    # itch-book's top of book above has best bid >= best ask for ALC, BOB and CHAR.
    books, locates = ritch
    for stock in ("ALC", "BOB", "CHAR"):
        bid, ask = books.best(locates[stock])
        assert bid >= ask
    assert books.stats.crossed > 0


@pytest.mark.parametrize("source", ["book_by_meatpy", "depth10_by_itchbook"])
def test_meatpy_sample_final_books(shared_data, bundled_data, source):
    expected = json.loads((shared_data / "itch" / f"meatpy_sample_final_{source}.json")
                          .read_text())
    books, locates = final_books(bundled_data / "itch" / "meatpy_sample.itch50")
    for stock in ("MEAT", "PYTH"):
        if source == "book_by_meatpy":
            depth = books.depth(locates[stock])
            assert as_meatpy(depth["bids"]) == expected[stock]["bids"]
            assert as_meatpy(depth["asks"]) == expected[stock]["asks"]
        else:
            wanted = {k: v for k, v in expected[stock].items() if k[:4] in ("bid_", "ask_")}
            assert as_itchbook(books, locates[stock]) == wanted


def read_checkpoints(path) -> tuple[list[str], np.ndarray]:
    with gzip.open(path, "rt") as text:
        header = text.readline().strip().split(",")
        table = np.loadtxt(text, delimiter=",", dtype=np.int64, ndmin=2)
    return header, table


LOBSTER_CASES = [
    ("AAPL_2012-06-21_L1.itch50.gz", "AAPL_2012-06-21_L1.checkpoints.csv.gz", 1, 1),
    ("AMZN_2012-06-21_L5.itch50.gz", "AMZN_2012-06-21_L5.checkpoints.csv.gz", 1, 5),
    ("AAPL_AMZN_2012-06-21.itch50.gz", "AAPL_AMZN_2012-06-21.AAPL_L1.checkpoints.csv.gz", 1, 1),
    ("AAPL_AMZN_2012-06-21.itch50.gz", "AAPL_AMZN_2012-06-21.AMZN_L5.checkpoints.csv.gz", 2, 5),
]


@pytest.mark.slow
@pytest.mark.parametrize(("itch", "checkpoints", "locate", "levels"), LOBSTER_CASES,
                         ids=[case[1].split(".checkpoints")[0] for case in LOBSTER_CASES])
def test_every_lobster_checkpoint_row_equals_ours(shared_data, itch, checkpoints, locate,
                                                  levels):
    header, expected = read_checkpoints(shared_data / "lobster" / checkpoints)
    assert header == ["itch_index", *lobster_columns(levels)]
    day = read_day(shared_data / "lobster" / itch)
    books = Books()
    ours = books.apply(day.events(), watch=locate, levels=levels)

    # Every checkpoint must have a row of ours at the same message, and that row must match.
    at = np.searchsorted(ours.itch_index, expected[:, 0])
    at_clipped = np.minimum(at, len(ours) - 1)
    missing = ours.itch_index[at_clipped] != expected[:, 0]
    assert not missing.any(), f"no row for itch_index {expected[missing, 0][:5].tolist()}"
    differs = (ours.values[at] != expected[:, 1:]).any(axis=1)
    first = np.flatnonzero(differs)[:3]
    assert not differs.any(), (
        f"{differs.sum()} of {len(expected)} rows differ, first at itch_index "
        f"{expected[first, 0].tolist()}: ours {ours.values[at[first]].tolist()} "
        f"expected {expected[first, 1:].tolist()}")
    assert books.stats.unknown_refs == 0 and books.stats.crossed == 0
