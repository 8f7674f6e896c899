"""Book builder figures from the Verilated gateware: replay speed beside the reference book.

    python bench/book.py [--json] [--day PATH] [--symbol SYM ...] [--clock-mhz 156.25]

A day (default: the merged LOBSTER AAPL+AMZN day from ../shared/data, else the bundled
RITCH day) is packetised into MoldUDP64 frames and run through the Verilated feed handler
and book builder (``sim/verilated_book.py``) with the given stocks subscribed; the same
events go through the reference book (``sim/book.py``, one row per message of each
stock, what the CLI writes) in the same run. Reported:

- wall-clock ITCH messages per second of both, and their ratio;
- simulated cycles, cycles per message, and what that many cycles would take on a card
  at ``--clock-mhz`` (the line-rate pacing of the frames, not the builder, sets it: the
  builder takes a book event every 2 cycles, ``BookBuilder.LATENCY`` = 4);
- that every committed update record of every stock equals the reference row (top
  ``top`` levels), so the figure is for a run that was right.

JSON: ``{"day", "messages", "records", "agree", "verilated": {"seconds",
"messages_per_second", "cycles", "cycles_per_message"}, "reference": {"seconds",
"messages_per_second"}, "ratio", "card_seconds_at_clock", "clock_mhz"}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hdl.book.builder import BookBuilder  # noqa: E402
from sim.book import Books  # noqa: E402
from sim.feed_model import FeedConfig  # noqa: E402
from sim.itch_file import read_day  # noqa: E402
from sim.packetise import DEFAULT_FEEDS, packetise  # noqa: E402
from sim.verilated_book import VerilatedBook  # noqa: E402

MERGED = ROOT.parent / "shared" / "data" / "lobster" / "AAPL_AMZN_2012-06-21.itch50.gz"
RITCH = ROOT / "data" / "itch" / "ritch_20101224.itch50"
FEED = DEFAULT_FEEDS[:1]


def _reference_rows(events, locates: list[int], top: int) -> tuple[dict, float]:
    """Reference rows per locate (LOBSTER columns) and the seconds all the replays took."""
    rows, seconds = {}, 0.0
    for locate in locates:
        start = time.perf_counter()
        rows[locate] = Books().apply(events, watch=locate, levels=top)
        seconds += time.perf_counter() - start
    return rows, seconds


def _hardware_rows(columns: dict, slot: int, top: int) -> np.ndarray:
    """The records of ``slot`` as LOBSTER rows (empty levels as LOBSTER writes them)."""
    from sim.book import EMPTY_ASK_PRICE, EMPTY_BID_PRICE

    mine = columns["slot"] == slot
    out = np.zeros((int(mine.sum()), 4 * top), dtype=np.int64)
    for side, empty, col in (("ask", EMPTY_ASK_PRICE, 0), ("bid", EMPTY_BID_PRICE, 2)):
        price = columns[f"{side}_price"][mine].astype(np.int64)
        shares = columns[f"{side}_shares"][mine].astype(np.int64)
        occupied = columns[f"{side}_orders"][mine] != 0
        out[:, col::4] = np.where(occupied, price, empty)
        out[:, col + 1::4] = np.where(occupied, shares, 0)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--day", type=Path, default=MERGED if MERGED.exists() else RITCH)
    parser.add_argument("--symbol", nargs="*", help="stocks to subscribe (default: all)")
    parser.add_argument("--clock-mhz", type=float, default=156.25)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    day = read_day(args.day)
    events = day.events()
    symbols = {name.decode().strip() if isinstance(name, bytes) else str(name).strip(): loc
               for loc, name in day.symbols().items()}
    wanted = args.symbol or sorted(symbols)
    missing = [s for s in wanted if s not in symbols]
    if missing:
        raise SystemExit(f"not in {args.day}: {', '.join(missing)}")
    raw = day.buf.tobytes()
    bodies = [raw[o:o + n] for o, n in zip(day.offsets.tolist(), day.lengths.tolist(),
                                           strict=True)]
    frames = list(packetise(bodies, feeds=FEED))
    book = VerilatedBook()
    top = book.params.top
    tickers = dict(enumerate(wanted))
    start = time.perf_counter()
    result = book.run(frames, FeedConfig.for_feeds(FEED), tickers)
    hw_seconds = time.perf_counter() - start
    reference, ref_seconds = _reference_rows(events, [symbols[s] for s in wanted], top)

    agree = True
    for slot, symbol in tickers.items():
        expected = reference[symbols[symbol]]
        got = _hardware_rows(result.columns, slot, top)
        # The hardware follows a stock from its R message; the reference from the start.
        tail = expected.values[len(expected) - len(got):] if len(got) <= len(expected) else None
        agree &= tail is not None and np.array_equal(got, tail)
    agree &= not result.columns["invalid"].any()

    n = len(events)
    report = {
        "day": str(args.day), "messages": n, "records": len(result), "agree": bool(agree),
        "verilated": {"seconds": round(hw_seconds, 2),
                      "messages_per_second": round(n / hw_seconds),
                      "cycles": result.cycles,
                      "cycles_per_message": round(result.cycles / n, 2)},
        "reference": {"seconds": round(ref_seconds, 3),
                      "messages_per_second": round(n * len(wanted) / ref_seconds)},
        "ratio": round((n / hw_seconds) / (n * len(wanted) / ref_seconds), 4),
        "card_seconds_at_clock": round(result.cycles / (args.clock_mhz * 1e6), 4),
        "clock_mhz": args.clock_mhz,
        "latency_cycles": BookBuilder.LATENCY,
    }
    if args.json:
        print(json.dumps(report))
    else:
        v, r = report["verilated"], report["reference"]
        print(f"{args.day.name}: {n} messages, {len(wanted)} stocks, {len(result)} records, "
              f"{'all equal to the reference' if agree else 'DIFFERENT from the reference'}")
        print(f"  Verilated feed+book: {v['seconds']} s, {v['messages_per_second']:,} msg/s, "
              f"{v['cycles']:,} cycles ({v['cycles_per_message']} per message)")
        print(f"  reference book:      {r['seconds']} s, {r['messages_per_second']:,} msg/s "
              f"(messages x stocks watched)")
        print(f"  Verilated / reference: {report['ratio']}x; the same cycles on a card at "
              f"{args.clock_mhz} MHz: {report['card_seconds_at_clock']} s")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
