"""Feed handler figures from the Verilated gateware: latency, line rate, replay speed.

    python bench/feed.py [--json] [--day PATH] [--clock-mhz 156.25]

Three measurements, all through the C++ streaming harness (``sim/verilated_feed.py``):

- latency: a whole day packetised into MoldUDP64 frames sent back to back (no idle cycle
  between frames): for every event, the cycles from the rx beat that carried the message's
  last byte to the event. The design promises exactly ``FeedHandler.LATENCY``.
- line rate: frames packed with the shortest book message (D, 19 bytes), back to back,
  every cycle valid: delivered events against messages sent (zero loss promised).
- replay speed: wall-clock messages per second of the Verilated model on the day, beside
  the reference decoder (``read_day(...).events()``) timed in the same run.

JSON: ``{"latency_cycles": {"min", "max", "promised"}, "latency_ns", "line_rate":
{"messages", "delivered", "cycles", "messages_per_s_at_clock"}, "replay": {...}}``.
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

from hdl.feed.handler import FeedHandler  # noqa: E402
from proto import itch, moldudp64  # noqa: E402
from sim.feed_model import FeedConfig  # noqa: E402
from sim.itch_file import read_day  # noqa: E402
from sim.packetise import DEFAULT_FEEDS, packetise  # noqa: E402
from sim.verilated_feed import VerilatedFeed, apply_verdicts, rx_records  # noqa: E402

RITCH_DAY = ROOT / "data" / "itch" / "ritch_20101224.itch50"
LANES = 8
FEED = DEFAULT_FEEDS[:1]


def message_bodies(path: Path) -> list[bytes]:
    day = read_day(path)
    raw = day.buf.tobytes()
    return [raw[o:o + n] for o, n in zip(day.offsets.tolist(), day.lengths.tolist(),
                                         strict=True)]


def last_byte_cycles(frames) -> dict[int, int]:
    """Sequence number -> cycle of the rx beat holding that message's last byte.

    Frames go back to back, one beat per cycle from cycle 0 (the harness's origin); message
    offsets are found by walking each frame's MoldUDP64 blocks.
    """
    cycles, start = {}, 0
    header = 14 + 20 + 8  # Ethernet, IPv4 without options, UDP (packetise adds neither)
    for frame in frames:
        data = bytes(frame.data)
        packet = moldudp64.decode_packet(data[header:])
        at = header + moldudp64.HEADER.size
        for i, message in enumerate(packet.messages):
            at += moldudp64.BLOCK.size + len(message)
            cycles[packet.sequence + i] = start + (at - 1) // LANES
        start += -(-len(data) // LANES)
    return cycles


def measure_latency(feed: VerilatedFeed, frames, config) -> np.ndarray:
    outputs = feed.run_raw(frames, config)
    keep, _ = apply_verdicts(outputs)
    expected = last_byte_cycles(frames)
    sequences = outputs.events["sequence"][keep].tolist()
    return outputs.event_cycles[keep] - np.array([expected[s] for s in sequences])


def measure_line_rate(feed: VerilatedFeed, config, messages: int) -> dict:
    bodies = [itch.encode("D", stock_locate=1, order_ref=i + 1, timestamp=i)
              for i in range(messages)]
    frames = packetise(bodies, feeds=FEED, end_of_session=False)
    records = rx_records(frames)
    result = feed.run(frames, config)
    return {"messages": messages, "delivered": int(len(result.events)),
            "cycles": int(len(records))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--day", type=Path, default=RITCH_DAY, help="ITCH day to replay")
    parser.add_argument("--clock-mhz", type=float, default=156.25,
                        help="clock for the ns and messages/s figures (10GbE: 156.25)")
    parser.add_argument("--line-rate-messages", type=int, default=50_000)
    args = parser.parse_args(argv)
    if not args.day.exists():
        print(f"bench/feed.py: {args.day} not found", file=sys.stderr)
        return 3

    config = FeedConfig.for_feeds(FEED)
    feed = VerilatedFeed()
    t0 = time.perf_counter()
    bodies = message_bodies(args.day)
    frames = packetise(bodies, feeds=FEED)
    latency = measure_latency(feed, frames, config)

    t0 = time.perf_counter()
    replayed = feed.run(frames, config)
    hw_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    reference = read_day(args.day).events()
    ref_seconds = time.perf_counter() - t0

    line = measure_line_rate(feed, config, args.line_rate_messages)
    ns_per_cycle = 1e3 / args.clock_mhz
    results = {
        "day": args.day.name,
        "latency_cycles": {"min": int(latency.min()), "max": int(latency.max()),
                           "promised": FeedHandler.LATENCY, "events": int(len(latency))},
        "latency_ns": round(int(latency.max()) * ns_per_cycle, 1),
        "clock_mhz": args.clock_mhz,
        "line_rate": {**line, "lost": line["messages"] - line["delivered"],
                      "messages_per_s_at_clock": round(
                          line["delivered"] / line["cycles"] * args.clock_mhz * 1e6)},
        "replay": {"messages": int(len(replayed.events)),
                   "verilated_msgs_per_s": round(len(replayed.events) / hw_seconds),
                   "reference_decoder_msgs_per_s": round(len(reference) / ref_seconds)},
    }
    if args.json:
        print(json.dumps(results))
        return 0
    lat = results["latency_cycles"]
    print(f"latency: {lat['min']}..{lat['max']} cycles over {lat['events']} events "
          f"(promised {lat['promised']}), {results['latency_ns']} ns at {args.clock_mhz} MHz")
    lr = results["line_rate"]
    print(f"line rate: {lr['delivered']}/{lr['messages']} D messages delivered in "
          f"{lr['cycles']} back-to-back cycles, lost {lr['lost']}; "
          f"{lr['messages_per_s_at_clock'] / 1e6:.1f} M msgs/s at {args.clock_mhz} MHz")
    rp = results["replay"]
    print(f"replay: Verilated handler {rp['verilated_msgs_per_s'] / 1e6:.2f} M msgs/s wall "
          f"clock, reference decoder {rp['reference_decoder_msgs_per_s'] / 1e6:.2f} M msgs/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
