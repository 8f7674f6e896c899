"""The Verilated feed handler + book builder on whole days, against independent books.

Each day is packetised into MoldUDP64 frames (one feed, one channel, message *i* of the file
carried with sequence number ``1 + i``), streamed through the card
(``hdl.top.TickToTrade``, trading idle) by the C++ harness and its committed update
records compared with:

- LOBSTER's own order-book rows at every checkpoint message (AAPL 1 level, AMZN 5 levels,
  and the merged AAPL+AMZN day with both stocks subscribed at once);
- the RITCH day's final books by itch-book (top 10) and by meatpy (full depth, of which the
  record holds the top 10), all three stocks subscribed;
- the reference book (:mod:`sim.book`): every row of the RITCH day, and its anomaly counts.

The model is built once per session and each day runs once.
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from host.commands.book import FIRST_SEQUENCE, lobster_values
from sim.book import Books, lobster_columns
from sim.feed_model import FeedConfig
from sim.itch_file import read_day
from sim.packetise import DEFAULT_FEEDS, packetise

pytestmark = pytest.mark.slow

TOP = 10                       # itch-book's depth, and what the records must hold at least
RITCH = "itch/ritch_20101224.itch50"
RITCH_STOCKS = ("ALC", "BOB", "CHAR")
AAPL_AMZN = "AAPL_AMZN_2012-06-21.itch50.gz"
# (day, {slot: ticker}, checkpoints, slot, levels)
LOBSTER_CASES = [
    ("AAPL_2012-06-21_L1.itch50.gz", {0: "AAPL"}, "AAPL_2012-06-21_L1", 0, 1),
    ("AMZN_2012-06-21_L5.itch50.gz", {0: "AMZN"}, "AMZN_2012-06-21_L5", 0, 5),
    (AAPL_AMZN, {0: "AAPL", 1: "AMZN"}, "AAPL_AMZN_2012-06-21.AAPL_L1", 0, 1),
    (AAPL_AMZN, {0: "AAPL", 1: "AMZN"}, "AAPL_AMZN_2012-06-21.AMZN_L5", 1, 5),
]


@pytest.fixture(scope="session")
def verilated_book():
    pytest.importorskip("hdl.top", reason="hdl.top (TickToTrade) not written yet")
    from sim.verilated_book import VerilatedBook

    book = VerilatedBook()
    assert book.params.top >= TOP
    return book


def run_day(book, path, tickers: dict[int, str]):
    """``(day, result)``: the whole day through the Verilated top, ``tickers`` subscribed."""
    day = read_day(path)
    bodies = [bytes(day.buf[o:o + n]) for o, n in zip(day.offsets, day.lengths, strict=True)]
    feeds = DEFAULT_FEEDS[:1]
    frames = packetise(bodies, feeds=feeds, first_seq=FIRST_SEQUENCE)
    result = book.run(frames, FeedConfig.for_feeds(feeds), tickers)
    assert result.pending == 0 and result.withdrawn == 0
    return day, result


def assert_exact(result, slot: int) -> None:
    """No record of ``slot`` is flagged invalid; otherwise name where and why."""
    rows = slot_rows(result, slot)
    invalid = np.flatnonzero(rows["invalid"])
    problems = {name: value for name, value in result.counters.items()
                if value and name not in ("events", "discarded", "updates", "applied",
                                          "live_orders")}
    assert not len(invalid), (
        f"{len(invalid)} records flagged invalid, the first at itch_index "
        f"{int(rows['sequence'][invalid[0]]) - FIRST_SEQUENCE}; counters {problems}")


@pytest.fixture(scope="session")
def day_runs(verilated_book):
    """Runs of whole days, each made once: ``get(path, tickers)``."""
    cache = {}

    def get(path, tickers):
        key = (str(path), tuple(sorted(tickers.items())))
        if key not in cache:
            cache[key] = run_day(verilated_book, path, tickers)
        return cache[key]

    return get


def slot_rows(result, slot: int) -> dict[str, np.ndarray]:
    mine = result.columns["slot"] == slot
    return {name: column[mine] for name, column in result.columns.items()}


def read_checkpoints(path) -> tuple[list[str], np.ndarray]:
    with gzip.open(path, "rt") as text:
        header = text.readline().strip().split(",")
        table = np.loadtxt(text, delimiter=",", dtype=np.int64, ndmin=2)
    return header, table


@pytest.mark.shared_data
@pytest.mark.parametrize(("itch", "tickers", "checkpoints", "slot", "levels"), LOBSTER_CASES,
                         ids=[case[2] for case in LOBSTER_CASES])
def test_every_lobster_checkpoint_row_equals_the_verilated_book(day_runs, shared_data, itch,
                                                                tickers, checkpoints, slot,
                                                                levels):
    lobster = shared_data / "lobster"
    header, expected = read_checkpoints(lobster / f"{checkpoints}.checkpoints.csv.gz")
    assert header == ["itch_index", *lobster_columns(levels)]
    day, result = day_runs(lobster / itch, tickers)
    rows = slot_rows(result, slot)
    locates = {stock: loc for loc, stock in day.symbols().items()}
    assert set(rows["locate"].tolist()) == {locates[tickers[slot]]}
    index = rows["sequence"].astype(np.int64) - FIRST_SEQUENCE
    assert (np.diff(index) > 0).all()

    at = np.minimum(np.searchsorted(index, expected[:, 0]), len(index) - 1)
    missing = index[at] != expected[:, 0]
    assert not missing.any(), f"no record for itch_index {expected[missing, 0][:5].tolist()}"
    ours = lobster_values({name: column[at] for name, column in rows.items()}, levels)
    differs = (ours != expected[:, 1:]).any(axis=1)
    first = np.flatnonzero(differs)[:3]
    assert not differs.any(), (
        f"{differs.sum()} of {len(expected)} rows differ, first at itch_index "
        f"{expected[first, 0].tolist()}: ours {ours[first].tolist()} "
        f"expected {expected[first, 1:].tolist()}")
    assert_exact(result, slot)


@pytest.fixture(scope="module")
def ritch(day_runs, bundled_data):
    return day_runs(bundled_data / RITCH, dict(enumerate(RITCH_STOCKS)))


def final_levels(result, slot: int) -> dict[str, list[dict]]:
    """The last record of ``slot``: ``{"bids": [...], "asks": [...]}``, empty levels too."""
    rows = slot_rows(result, slot)
    return {f"{side}s": [{"price": int(rows[f"{side}_price"][-1, n]),
                          "shares": int(rows[f"{side}_shares"][-1, n]),
                          "orders": int(rows[f"{side}_orders"][-1, n])} for n in range(TOP)]
            for side in ("bid", "ask")}


@pytest.mark.shared_data
@pytest.mark.parametrize("slot", range(len(RITCH_STOCKS)), ids=RITCH_STOCKS)
def test_ritch_final_top10_equals_itchbook(ritch, shared_data, slot):
    stock = RITCH_STOCKS[slot]
    expected = json.loads(
        (shared_data / "itch" / "ritch_final_depth10_by_itchbook.json").read_text())[stock]
    day, result = ritch
    assert set(slot_rows(result, slot)["locate"].tolist()) == {expected["locate"]}
    assert_exact(result, slot)
    final = final_levels(result, slot)
    # itch-book writes an absent level as zeros, as the update record does
    ours = {f"{side}_{key}_{n:02d}": level[name]
            for side in ("bid", "ask") for n, level in enumerate(final[f"{side}s"])
            for key, name in (("px", "price"), ("sz", "shares"), ("ct", "orders"))}
    assert ours == {k: v for k, v in expected.items() if k[:4] in ("bid_", "ask_")}


@pytest.mark.shared_data
@pytest.mark.parametrize("slot", range(len(RITCH_STOCKS)), ids=RITCH_STOCKS)
def test_ritch_final_top10_equals_meatpy(ritch, shared_data, slot):
    stock = RITCH_STOCKS[slot]
    expected = json.loads(
        (shared_data / "itch" / "ritch_final_book_by_meatpy.json").read_text())[stock]
    _, result = ritch
    final = final_levels(result, slot)
    for side in ("bids", "asks"):
        occupied = [level for level in final[side] if level["orders"]]
        assert occupied == expected[side][:TOP]
        assert all(level == {"price": 0, "shares": 0, "orders": 0}
                   for level in final[side][len(occupied):])


def test_ritch_every_record_equals_the_reference_book(ritch):
    day, result = ritch
    locates = {stock: loc for loc, stock in day.symbols().items()}
    events = day.events()
    for slot, stock in enumerate(RITCH_STOCKS):
        expected = Books().apply(events, watch=locates[stock], levels=TOP)
        rows = slot_rows(result, slot)
        index = rows["sequence"].astype(np.int64) - FIRST_SEQUENCE
        assert index.tolist() == expected.itch_index.tolist(), stock
        np.testing.assert_array_equal(lobster_values(rows, TOP), expected.values, err_msg=stock)


def test_ritch_counters_equal_the_reference(ritch):
    day, result = ritch
    books = Books()
    books.apply(day.events())
    stats, hardware = books.stats, result.counters
    # every stock of the day is subscribed, so the reference's day-wide counts apply
    assert (hardware["unknown_refs"], hardware["overexecutions"], hardware["duplicate_adds"],
            hardware["crossed"], hardware["bad_side"]) == \
        (stats.unknown_refs, stats.overexecutions, stats.duplicate_adds, stats.crossed,
         stats.bad_sides)
    assert hardware["unknown_refs"] == 117                    # the RITCH README's count
    assert hardware["updates"] == len(result)
    assert hardware["events"] == result.feed_counters["messages"] == len(day)
