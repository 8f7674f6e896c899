"""BookBuilder in amaranth.sim against the reference book, with small capacities.

Stimulus is ITCH order flow from :mod:`sim.book_flow` (encoded, then decoded by the day
reader) driven straight onto ``events``/``frame_end`` by :func:`book_sim_helpers.simulate`;
every update record is compared with :class:`book_sim_helpers.ExpectedUpdates`, which
replays the same events through :class:`sim.book.Books`. An event in cycle ``t`` has its
record in cycle ``t + LATENCY``.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from book_sim_helpers import (
    ExpectedUpdates,
    Step,
    event_steps,
    fold_set_index,
    frame_steps,
    input_cycles,
    numbered,
    simulate,
)

from hdl.book.builder import BookBuilder
from hdl.book.layouts import BookParams
from proto import itch
from sim.book_flow import (
    DEFAULT_WEIGHTS,
    OrderSets,
    decode_messages,
    duplicate_add_flow,
    random_flow,
)
from sim.level_pages import PagedSide, PageGeometry

PARAMS = BookParams(slots=4, pages=2, page_levels=11, top=4, order_sets_log2=4, order_ways=2,
                    undo_depth=16)
SETS = OrderSets(lambda ref: fold_set_index(ref, PARAMS.order_sets_log2), PARAMS.order_ways)
#: QQQ is in every flow but never subscribed.
TICKERS = {0: "AAPL", 1: "AMZN", 3: "MSFT"}
FLOW_TICKERS = ("AAPL", "AMZN", "MSFT", "QQQ")
LATENCY = BookBuilder.LATENCY
BOOK_TYPES = set("AFECXDU")


def simulate_small(steps, tickers=TICKERS, tail: int = 64):
    return simulate(PARAMS, steps, tickers, tail)


def expected_records(events, tickers=TICKERS):
    expect = ExpectedUpdates(tickers, PARAMS.top)
    records = [expect.apply(events[i:i + 1], i % 8, i + 1) for i in range(len(events))]
    expect.frame_end(True)
    return records, expect


def small_flow(events: int, seed: int, **kwargs):
    return random_flow(events, seed=seed, tickers=FLOW_TICKERS, live_orders=5,
                       price_levels=6, order_sets=SETS, **kwargs)


# --- latency --------------------------------------------------------------------------

def test_every_record_comes_exactly_latency_cycles_after_its_event():
    flow = small_flow(40, seed=11)
    steps = event_steps(flow.events, spacing=9)      # an idle builder for each event
    run = simulate_small(steps)
    records, _ = expected_records(flow.events)
    wanted = [(cycle + LATENCY, r) for cycle, r in
              zip(input_cycles(steps), records, strict=True) if r is not None]
    assert run.updates == wanted
    assert any(r.type == "R" for _, r in wanted) and any(r.type == "U" for _, r in wanted)


# --- throughput and read-after-write hazards ----------------------------------------------

def hazard_pairs(events) -> int:
    """Consecutive events naming the same order reference."""
    refs = events["order_ref"].tolist()
    new_refs = events["new_order_ref"].tolist()
    return sum(1 for i in range(1, len(refs))
               if refs[i] and refs[i] in (refs[i - 1], new_refs[i - 1]))


@pytest.mark.parametrize("seed", [1, 2])
def test_sustained_one_event_every_two_cycles_matches_the_reference(seed):
    flow = small_flow(360, seed=seed)
    rng = random.Random(seed)
    frames = []
    while sum(frames) < len(flow):
        frames.append(min(rng.randint(1, 6), len(flow) - sum(frames)))
    steps = event_steps(flow.events, 2, frames)
    run = simulate_small(steps)
    records, expect = expected_records(flow.events)
    # Every record on time, none late: the record of an event LATENCY cycles after it.
    assert run.updates == [(cycle + LATENCY, r) for cycle, r in
                           zip(input_cycles(steps), records, strict=True) if r is not None]
    assert [commit for _, commit in run.ends] == [1] * len(frames)
    stats = expect.books.stats
    made = [r for r in records if r is not None]
    book_records = sum(r.type in BOOK_TYPES for r in made)
    counters = run.counters
    assert counters["events"] == len(flow)
    assert counters["updates"] == len(made)
    assert counters["discarded"] == len(flow) - len(made)
    assert counters["unknown_refs"] == stats.unknown_refs > 0
    assert counters["overexecutions"] == stats.overexecutions > 0
    assert counters["crossed"] == stats.crossed > 0
    assert counters["applied"] == book_records - stats.unknown_refs
    assert counters["live_orders"] == expect.live_orders()
    for name in ("duplicate_adds", "order_overflow", "level_overflow", "missing_level",
                 "invalidations", "withdrawn", "input_overflow"):
        assert counters[name] == 0, name
    assert run.invalid == 0
    assert hazard_pairs(flow.events) > len(flow) // 10


def test_events_of_unsubscribed_stocks_make_no_record():
    flow = small_flow(60, seed=5)
    run = simulate_small(event_steps(flow.events, 2), tickers={2: "ZZZZ"})
    assert run.updates == []
    assert run.counters["discarded"] == run.counters["events"] == len(flow)
    assert run.counters["updates"] == 0 and run.counters["live_orders"] == 0


# --- withdrawn frames -------------------------------------------------------------------

def withdraw_schedule(flow, seed: int) -> list[tuple[list, bool]]:
    """Frames of 1-5 events as ``(rows, commit)``. A frame holding an R or an H, and 40 %
    of the others, is withdrawn once, then a committed frame of probes (a P message per
    stock of the frame: no book change, but a record that shows the stock's mapping and
    halted flag) follows, then the frame again (as a feed's other line would deliver it)."""
    rng = random.Random(seed)
    events = flow.events
    types = bytes(events["type"].tolist())
    probes = decode_messages([body("P", locate, order_ref=0, side="B", shares=1,
                                   stock=ticker, price=100)
                              for ticker, locate in flow.locates.items()])
    probe_of = {int(probes[i]["locate"]): (probes[i:i + 1], 0, 0) for i in range(len(probes))}
    frames, start = [], 0
    while start < len(events):
        stop = min(start + rng.randint(1, 5), len(events))
        rows = numbered(events, range(start, stop))
        if set(types[start:stop]) & set(b"RH") or rng.random() < 0.4:
            frames.append((rows, False))
            locates = sorted(set(events["locate"][start:stop].tolist()))
            frames.append(([probe_of[loc] for loc in locates], True))
        frames.append((rows, True))
        start = stop
    return frames


def test_withdrawn_frames_are_rolled_back():
    # More trading actions than usual, so that withdrawn ones change the halted flag.
    flow = small_flow(200, seed=7, weights=DEFAULT_WEIGHTS | {"H": 10})
    frames = withdraw_schedule(flow, seed=7)
    expected, steps = [], []
    expect = ExpectedUpdates(TICKERS, PARAMS.top)
    slot_of_locate = {flow.locates[ticker]: slot for slot, ticker in TICKERS.items()}
    speculative = {}                 # slot -> its last record in the latest withdrawn frame
    unmapped_probes = halt_undone = 0
    for rows, commit in frames:
        records = [expect.apply(event, channel, sequence) for event, channel, sequence in rows]
        expect.frame_end(commit)
        expected += [r for r in records if r is not None] + [("end", int(commit))]
        steps += frame_steps(rows, commit)
        if not commit:
            speculative = {r.slot: r for r in records if r is not None}
            # Rolling back stops the input for about 2 cycles per undone change; a withdraw
            # is rare on a real line, so give the queue the time to drain rather than
            # overflow it (which flags every stock, as documented).
            steps += [Step() for _ in range(6 * len(rows) + 8)]
        elif rows[0][2] == 0:        # probes (sequence 0): what the roll-back left
            for (event, _, _), record in zip(rows, records, strict=True):
                before = speculative.get(slot_of_locate.get(int(event["locate"][0])))
                unmapped_probes += before is not None and record is None
                halt_undone += (before is not None and record is not None
                                and before.halted != record.halted)
    # The stimulus shows it: withdrawn R messages left their stocks unmapped, withdrawn
    # H messages changed the halted flag back.
    assert unmapped_probes > 0 and halt_undone > 0
    run = simulate_small(steps, tail=200)
    assert [item for _, item in run.outputs] == expected
    withdrawn = sum(not commit for _, commit in frames)
    assert run.counters["withdrawn"] == withdrawn > 10
    assert run.counters["rolled_back"] == expect.rolled_back
    assert run.counters["live_orders"] == expect.live_orders()
    assert run.counters["undo_overflow"] == run.counters["input_overflow"] == 0
    assert run.invalid == 0
    assert run.halted == sum(1 << slot for slot in expect.halted)


def test_a_full_input_queue_counts_each_lost_event_and_flags_every_stock():
    # Events every cycle: twice what the builder takes, so the queue grows by one item
    # every two cycles. The flow's 44 events (40 and the stocks' R messages) overflow a
    # queue of 4 but not the default 64.
    flow = small_flow(40, seed=3)
    steps = event_steps(flow.events, spacing=1)
    roomy = simulate(PARAMS, steps, TICKERS)
    small = simulate(dataclasses.replace(PARAMS, input_depth=4), steps, TICKERS)
    assert PARAMS.input_depth == 64
    assert roomy.counters["input_overflow"] == 0 and roomy.invalid == 0
    lost = small.counters["input_overflow"]
    assert lost > 0
    assert small.counters["events"] + lost == len(flow)     # taken or counted, never both
    assert small.invalid == (1 << PARAMS.slots) - 1         # every stock, subscribed or not
    assert small.updates[-1][1].invalid


# --- capacities and flags -----------------------------------------------------------------

def body(code, locate, **fields):
    return itch.encode(code, stock_locate=locate, **fields)


def set_of(ref: int) -> int:
    return fold_set_index(ref, PARAMS.order_sets_log2)


def refs_with_room(count: int, start: int = 1000) -> list[int]:
    """``count`` references, at most ``order_ways`` per order-table set."""
    refs, load, ref = [], {}, start
    while len(refs) < count:
        ref += 1
        if load.get(set_of(ref), 0) < PARAMS.order_ways:
            load[set_of(ref)] = load.get(set_of(ref), 0) + 1
            refs.append(ref)
    return refs


def committed_steps(events) -> list[Step]:
    return event_steps(events, 2, [1] * len(events))


def first_overflow(prices: list[int], ask: bool) -> int:
    """How many of these adds (one level each) fit before a side runs out of pages, by the
    level store's rules (:mod:`sim.level_pages`)."""
    side = PagedSide(PageGeometry(PARAMS.pages, PARAMS.page_levels, PARAMS.top), ask)
    return next(n for n, price in enumerate(prices) if side.apply([(price, 100, 1)]).overflow)


def test_more_levels_than_capacity_flags_the_stock_until_reset():
    locate = 7
    prices = [1_000_000 - 100 * n for n in range(PARAMS.levels + 1)]
    fit = first_overflow(prices, ask=False)
    assert PARAMS.levels // 2 < fit < PARAMS.levels      # splits leave pages half full
    # The last one is kept for an add after the reset: its set has room for it.
    *refs, fresh_ref = refs_with_room(fit + 2)
    messages = [body("R", locate, stock="AAPL")] + [
        body("A", locate, order_ref=ref, side="B", shares=100, stock="AAPL",
             price=prices[n]) for n, ref in enumerate(refs)]
    fresh = body("A", locate, order_ref=fresh_ref, side="S", shares=7, stock="AAPL",
                 price=2_000_000)
    events = decode_messages(messages + [fresh])
    steps = committed_steps(events[:-1])
    steps += [Step(command="reset_book", slot=0)] + [Step() for _ in range(20)]
    steps += committed_steps(events[-1:])
    run = simulate_small(steps, tickers={0: "AAPL"})
    updates = [u for _, u in run.updates]
    records, _ = expected_records(events[:-1], {0: "AAPL"})
    levels_full = fit + 1                # the R and the adds that fit
    assert updates[:levels_full] == records[:levels_full]
    assert updates[levels_full].invalid == 1
    assert run.counters["level_overflow"] == 1 and run.counters["invalidations"] == 1
    # After reset_book: an empty book, not flagged; the new order alone.
    last = updates[-1]
    assert last.invalid == 0 and run.invalid == 0
    assert last.asks[0] == (2_000_000, 7, 1) and last.bids[0] == (0, 0, 0)


def test_a_full_order_set_flags_the_stock_and_reset_clears_it():
    locate = 9
    same_set = [r for r in range(5000, 9000) if set_of(r) == set_of(5000)]
    same_set = same_set[:PARAMS.order_ways + 1]
    messages = [body("R", locate, stock="MSFT")] + [
        body("A", locate, order_ref=ref, side="S", shares=10 * (n + 1), stock="MSFT",
             price=500_000) for n, ref in enumerate(same_set)]
    events = decode_messages(messages)
    steps = committed_steps(events) + [Step(command="reset_book", slot=3)]
    run = simulate_small(steps + [Step() for _ in range(20)], tickers={3: "MSFT"})
    updates = [u for _, u in run.updates]
    records, _ = expected_records(events[:-1], {3: "MSFT"})
    assert updates[:-1] == records
    dropped = updates[-1]
    assert dropped.invalid == 1
    assert dropped.asks[0] == records[-1].asks[0]           # the third order is not there
    assert run.counters["order_overflow"] == 1 and run.counters["invalidations"] == 1
    assert run.invalid == 0                                  # reset_book cleared the flag


def test_duplicate_adds_of_a_live_reference_flag_the_stock():
    flow, duplicates = duplicate_add_flow(seed=3)
    ticker = next(iter(flow.locates))
    run = simulate_small(committed_steps(flow.events), tickers={2: ticker})
    updates = [u for _, u in run.updates]
    records, _ = expected_records(flow.events, {2: ticker})
    first = duplicates[0]
    assert updates[:first] == records[:first]
    assert [u.invalid for u in updates[first:]] == [1] * len(duplicates)
    assert run.counters["duplicate_adds"] == len(duplicates)
    assert run.invalid == 1 << 2
