"""`tickforge stats FILE`: what is in an ITCH 5.0 day, by message type and by stock."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from host.errors import UserError
from proto.itch import MESSAGES
from sim.itch_file import read_day

ENGINES = ("reference", "verilator")
#: Past this many bytes a day takes seconds to read: show progress on stderr.
_PROGRESS_BYTES = 64 << 20


def register(sub):
    p = sub.add_parser(
        "stats",
        help="count the messages of an ITCH 5.0 day by type and by stock",
        description="Read a NASDAQ TotalView-ITCH 5.0 daily file (2-byte length before each "
        "message; plain or gzip, detected from the content) and count its messages by type, "
        "and its adds (A+F) and trades (P) by side and by stock. Stocks are named from the "
        "day's Stock Directory (R) messages. Exit code 3 if the file is missing or corrupt.",
    )
    p.add_argument("file", metavar="FILE", help="ITCH 5.0 daily file (.itch50 or .gz)")
    p.add_argument("--json", action="store_true", help="print the counts as JSON instead of tables")
    p.add_argument("--engine", choices=ENGINES, default="reference",
                   help="reference: decode the file in software (default); verilator: send "
                   "it as MoldUDP64 frames (one feed) through the Verilated gateware feed "
                   "handler and count the events it commits (builds the model on first use)")
    p.set_defaults(func=run)


def run(args) -> int:
    counts = _read_counts(args.file) if args.engine == "reference" else \
        _verilator_counts(args.file)
    if args.json:
        json.dump(counts, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_table(counts))
    return 0


def _read_counts(path: str) -> dict:
    size = Path(path).stat().st_size if Path(path).is_file() else 0
    if size < _PROGRESS_BYTES:
        return read_day(path).counts()
    from tqdm import tqdm

    with tqdm(total=2, desc=f"stats {Path(path).name}", unit="step", file=sys.stderr,
              leave=False) as bar:
        bar.set_postfix_str("reading and splitting")
        day = read_day(path)
        bar.update()
        bar.set_postfix_str(f"counting {len(day):,} messages")
        counts = day.counts()
        bar.update()
    return counts


def _verilator_counts(path: str) -> dict:
    from sim.feed_counts import event_counts
    from sim.feed_model import FeedConfig
    from sim.packetise import DEFAULT_FEEDS, packetise
    from sim.verilated_feed import VerilatedFeed

    day = read_day(path)
    bodies = [bytes(day.buf[o:o + n]) for o, n in zip(day.offsets, day.lengths, strict=True)]
    feeds = DEFAULT_FEEDS[:1]
    print("stats: building or loading the Verilated feed handler (a first build takes "
          "about two minutes; later runs reuse build/verilator/)", file=sys.stderr)
    try:
        handler = VerilatedFeed()
    except (ImportError, RuntimeError) as err:
        raise UserError(f"the Verilated feed handler is not available: {err}") from None
    result = handler.run(packetise(bodies, feeds=feeds), FeedConfig.for_feeds(feeds))
    return event_counts(result.events, day.name, result.counters["unknown_type"])


def format_table(counts: dict) -> str:
    """The human-readable report: one table by message type, one by stock."""
    lines = [f"{counts['file']}: {counts['messages']:,} messages", ""]
    lines.append(f"{'type':<5} {'name':<52} {'count':>12}")
    for code, n in counts["by_type"].items():
        lines.append(f"{code:<5} {MESSAGES[code].name:<52} {n:>12,}")
    for code, n in counts["unknown"].items():
        lines.append(f"{code!r:<5} {'(not ITCH 5.0, skipped)':<52} {n:>12,}")
    adds, trades = counts["adds"], counts["trades"]
    lines += ["", f"adds (A+F): {adds['total']:,} (buy {adds['buy']:,}, sell {adds['sell']:,})",
              f"trades (P): {trades['total']:,} (buy {trades['buy']:,}, "
              f"sell {trades['sell']:,})", ""]
    header = ("stock", "adds", "adds buy", "adds sell", "trades", "trades buy", "trades sell")
    lines.append(f"{header[0]:<8}" + "".join(f"{h:>12}" for h in header[1:]))
    for stock, row in counts["by_stock"].items():
        values = (row["adds"], row["adds_buy"], row["adds_sell"],
                  row["trades"], row["trades_buy"], row["trades_sell"])
        lines.append(f"{stock:<8}" + "".join(f"{v:>12,}" for v in values))
    return "\n".join(lines) + "\n"
