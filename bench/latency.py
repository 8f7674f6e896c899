"""Tick-to-trade over a replayed day, from the Verilated card.

    python bench/latency.py [--json] [--day PATH] [--symbol SYM ...] [--clock-mhz 156.25]
                            [--max-messages N]

The day (default: the bundled RITCH day, every stock) is packetised into MoldUDP64 frames
(``--max-messages`` per packet; default as many as fit a 1,400-byte payload, as a feed
sends them) and streamed one beat per cycle through the Verilated ``TickToTrade`` with
take triggers at each stock's price tails (``sim/example_trade.py``). For every order frame
that completes, tick-to-trade is the cycles from the rx beat carrying the triggering
message's last byte to the frame's first tx beat (``sim/tick_to_trade.py``); the
distribution is reported with the same figures in ns at ``--clock-mhz``, beside the
design's promise on an idle card (``TickToTrade.TICK_TO_TRADE``).

An order decided early in a long market-data frame reaches its last byte before that
frame's verdict (its FCS): it then waits in Ethernet padding (``order.control.
pad_to_verdict``) and ends good when the verdict commits. ``order_complete`` is therefore
reported too: the cycles to the order frame's last beat, when the exchange's MAC can accept
it. Frames that started and were aborted are counted apart: ``withdrawn`` (their
market-data frame was bad) and ``late`` (the verdict had not come by the longest frame a
MAC sends, or padding was off): late aborts count against the design.

JSON: ``{"tick_to_trade_cycles": {"min", "median", "max"}, "tick_to_trade_ns": {...},
"order_complete_cycles": {...}, "order_complete_ns": {...}, "padded_frames",
"promised_cycles", "orders", "aborted_frames", "aborted_late", "aborted_withdrawn",
"rejections", "legs_rejected_by_reason", "day", "messages", "clock_mhz"}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hdl.top import TickToTrade  # noqa: E402
from host.replay_report import legs_by_reason  # noqa: E402
from sim.example_trade import take_config_for_day  # noqa: E402
from sim.feed_model import FeedConfig  # noqa: E402
from sim.itch_file import read_day  # noqa: E402
from sim.packetise import DEFAULT_FEEDS, packetise  # noqa: E402
from sim.tick_to_trade import message_end_rows, summary, tick_to_trade  # noqa: E402
from sim.trade_model import FRAME_BEATS  # noqa: E402
from sim.verilated_card import VerilatedCard  # noqa: E402

RITCH = ROOT / "data" / "itch" / "ritch_20101224.itch50"
FEED = DEFAULT_FEEDS[:1]


def measure(day_path: Path, symbols: list[str] | None, clock_mhz: float,
            max_messages: int | None) -> dict:
    day = read_day(day_path)
    names = symbols or sorted(day.symbols().values())[:16]
    tickers = dict(enumerate(names))
    trade = take_config_for_day(day, tickers)
    bodies = [bytes(day.buf[o:o + n]) for o, n in zip(day.offsets, day.lengths, strict=True)]
    frames = packetise(bodies, feeds=FEED, max_messages=max_messages, end_of_session=False)
    result = VerilatedCard().run(frames, FeedConfig.for_feeds(FEED), tickers, trade)
    ends = message_end_rows(frames)
    cycles = tick_to_trade(result.frames, result.sent, ends)
    complete = tick_to_trade(result.frames, result.sent, ends, to_last_beat=True)
    late = int(sum(int(v) for v in result.sent["late"])) if len(result.frames) else 0
    stats = summary(cycles)

    def to_ns(figures):
        return {k: (None if v is None else round(v * 1000 / clock_mhz, 1))
                for k, v in figures.items()}

    return {"tick_to_trade_cycles": stats, "tick_to_trade_ns": to_ns(stats),
            "order_complete_cycles": summary(complete),
            "order_complete_ns": to_ns(summary(complete)),
            "padded_frames": sum(f.beats > FRAME_BEATS and not f.error for f in result.frames),
            "promised_cycles": TickToTrade.TICK_TO_TRADE, "orders": result.orders,
            "aborted_frames": result.aborted, "aborted_late": late,
            "aborted_withdrawn": result.aborted - late,
            "rejections": len(result.reject_cycles),
            "legs_rejected_by_reason": legs_by_reason(result.rejects), "day": str(day_path),
            "messages": len(bodies), "clock_mhz": clock_mhz}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--day", type=Path, default=RITCH, help="ITCH 5.0 day (plain or .gz)")
    parser.add_argument("--symbol", action="append", help="stock to trade (repeatable; "
                        "default: the day's first 16 by name)")
    parser.add_argument("--clock-mhz", type=float, default=156.25,
                        help="clock for the ns figures (default 156.25, 10GbE)")
    parser.add_argument("--max-messages", type=int, default=None,
                        help="ITCH messages per MoldUDP64 packet (default: fill 1,400 bytes)")
    args = parser.parse_args(argv)
    figures = measure(args.day, args.symbol, args.clock_mhz, args.max_messages)
    if args.json:
        print(json.dumps(figures))
        return 0
    c, n = figures["tick_to_trade_cycles"], figures["tick_to_trade_ns"]
    print(f"day {figures['day']}: {figures['messages']} messages")
    print(f"tick-to-trade: min {c['min']} / median {c['median']} / max {c['max']} cycles "
          f"over {figures['orders']} orders (promised {figures['promised_cycles']} on an "
          f"idle card); {n['min']} / {n['median']} / {n['max']} ns at "
          f"{figures['clock_mhz']} MHz")
    d, dn = figures["order_complete_cycles"], figures["order_complete_ns"]
    print(f"to the order's last beat: min {d['min']} / median {d['median']} / max {d['max']} "
          f"cycles ({dn['min']} / {dn['median']} / {dn['max']} ns); "
          f"{figures['padded_frames']} frames padded while their verdict was due")
    print(f"aborted frames: {figures['aborted_frames']} ({figures['aborted_late']} late "
          f"verdict, {figures['aborted_withdrawn']} withdrawn); "
          f"{figures['rejections']} groups rejected by risk")
    reasons = ", ".join(f"{name} {count}" for name, count in
                        figures["legs_rejected_by_reason"].items())
    print(f"rejected legs by reason: {reasons or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
