"""Replay speed through the Verilated card: batch chunks against per-cycle stepping.

    python bench/replay.py [--json] [--day PATH] [--config TOML] [--per-cycle-rows N]

``batch``: the whole day through ``tickforge replay``'s path (:func:`sim.replay.replay_day`:
the card in the kept-running C++ harness, fed whole numpy blocks of rows up to a round
trip long, the exchange simulator between blocks), wall clock from the first row to the
last response applied. ``per_cycle``: the same card and harness stepped one row per call
from Python (what a pyverilator-style loop does), over the day's first ``--per-cycle-rows``
rows, scaled to messages per second by the messages those rows carry. Both are ITCH
messages per second on this machine; ``ratio`` is batch / per_cycle.

JSON: ``{"messages_per_second": {"batch": ..., "per_cycle": ...}, "ratio", "day",
"messages", "cycles", "cycles_per_second": {"batch", "per_cycle"}}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from host.config import load_config  # noqa: E402
from sim.harness_ports import idle_inputs  # noqa: E402
from sim.harness_session import HarnessSession  # noqa: E402
from sim.itch_file import read_day  # noqa: E402
from sim.packetise import packetise  # noqa: E402
from sim.replay import FEED, replay_day  # noqa: E402
from sim.tick_to_trade import message_end_rows  # noqa: E402
from sim.verilated_book import VerilatedBook  # noqa: E402
from sim.verilated_feed import rx_records  # noqa: E402

RITCH = ROOT / "data" / "itch" / "ritch_20101224.itch50"
CONFIG = ROOT / "data" / "strategy_ritch.toml"


def per_cycle(card: VerilatedBook, day_path: Path, rows: int) -> tuple[float, float]:
    """(messages/s, cycles/s) stepping the card one row per call."""
    day = read_day(day_path)
    bodies = [bytes(day.buf[o:o + n]) for o, n in zip(day.offsets, day.lengths, strict=True)]
    frames = packetise(bodies, feeds=FEED, end_of_session=False)
    md = idle_inputs(rx_records(frames), card.ports)[:rows]
    ends = np.array(sorted(message_end_rows(frames).values()))
    messages = int(np.searchsorted(ends, len(md)))
    with HarnessSession(card.exe, card.ports, record=("sent", "rejects")) as session:
        started = time.perf_counter()
        for i in range(len(md)):
            session.run(md[i:i + 1])
        seconds = time.perf_counter() - started
    return messages / seconds, len(md) / seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--day", type=Path, default=RITCH)
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--per-cycle-rows", type=int, default=20_000)
    args = parser.parse_args(argv)
    config = load_config(args.config)
    card = VerilatedBook()
    result = replay_day(args.day, config.trade, config.tickers,
                        round_trip=config.round_trip_cycles, card=card)
    slow, slow_cycles = per_cycle(card, args.day, args.per_cycle_rows)
    figures = {
        "messages_per_second": {"batch": round(result.messages_per_second),
                                "per_cycle": round(slow)},
        "ratio": round(result.messages_per_second / slow, 1),
        "cycles_per_second": {"batch": round(result.cycles / result.seconds),
                              "per_cycle": round(slow_cycles)},
        "day": str(args.day), "messages": result.messages, "cycles": result.cycles,
    }
    if args.json:
        print(json.dumps(figures))
        return 0
    m, c = figures["messages_per_second"], figures["cycles_per_second"]
    print(f"day {figures['day']}: {figures['messages']:,} messages, {figures['cycles']:,} "
          f"card cycles")
    print(f"batch (C++ harness, numpy blocks): {m['batch']:,} messages/s "
          f"({c['batch']:,} cycles/s)")
    print(f"per cycle (one row per Python call): {m['per_cycle']:,} messages/s "
          f"({c['per_cycle']:,} cycles/s); batch is {figures['ratio']}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
