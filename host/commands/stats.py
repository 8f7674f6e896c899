"""`tickforge stats FILE`: what is in an ITCH 5.0 day, by message type and by stock."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from proto.itch import MESSAGES
from sim.itch_file import read_day

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
    p.set_defaults(func=run)


def run(args) -> int:
    counts = _read_counts(args.file)
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
