"""``tickforge book``: replay an ITCH day through a book and write one stock's top levels.

The output is LOBSTER's order-book format with the position of the message in front, so a
run can be diffed against LOBSTER checkpoint files (or against another engine) row by row:
``itch_index, ask_price1, ask_size1, bid_price1, bid_size1, ask_price2, ...``. A row follows
every message that carries the stock's locate, whatever its type (LOBSTER's own rows, after
adds, cancels, executions, trades and halts, are a subset of ours).
"""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from pathlib import Path

import numpy as np
from tqdm import tqdm

from host.errors import EXIT_NOT_FOUND, DataError, UserError
from sim.book import Books, lobster_columns

#: Events replayed between progress-bar updates and CSV writes.
CHUNK = 1 << 16
#: Files shorter than this replay in well under a second: no progress bar.
PROGRESS_MIN_MESSAGES = 200_000
ENGINES = ("reference",)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def register(sub) -> None:
    p = sub.add_parser(
        "book",
        help="replay an ITCH file through the book; write one stock's top levels as CSV",
        description="Replay an ITCH 5.0 file (NASDAQ daily-file framing, .gz allowed) through "
        "the order book and write, after every message of SYMBOL (any type carrying its "
        "stock locate), one row: the message's 0-based position in the file, then LOBSTER's "
        "columns ask_price1, ask_size1, bid_price1, bid_size1, ... for LEVELS levels. Empty "
        "levels are written as LOBSTER writes them: ask 9999999999, bid -9999999999, size 0. "
        "Anomalies of the feed (unknown order references, crossed books) are counted and "
        "reported on stderr at the end.",
    )
    p.add_argument("file", type=Path, help="ITCH 5.0 file, optionally gzip-compressed")
    p.add_argument("--symbol", required=True, help="stock to write, as in its R message (AAPL)")
    p.add_argument("--levels", type=_positive_int, default=5,
                   help="price levels per side in each row (default: 5)")
    p.add_argument("--out", required=True, help="CSV file to write; '-' for standard output")
    p.add_argument("--engine", choices=ENGINES, default="reference",
                   help="book implementation to replay through (default: reference)")
    p.set_defaults(func=run)


def _find_locate(symbols: dict, wanted: str, path: Path) -> int:
    """The locate of ``wanted`` in ``symbols`` (locate -> stock, str or bytes)."""
    names = {}
    for locate, stock in symbols.items():
        name = stock.decode("latin-1") if isinstance(stock, bytes) else str(stock)
        names[name.strip()] = locate
    if wanted in names:
        return names[wanted]
    if wanted.upper() in names:
        return names[wanted.upper()]
    listed = ", ".join(sorted(names)) or "none (the file has no R stock directory messages)"
    raise UserError(f"symbol {wanted!r} is not in {path}; its symbols: {listed}", EXIT_NOT_FOUND)


def _open_out(out: str):
    if out == "-":
        return nullcontext(sys.stdout)
    try:
        return open(out, "w", newline="")
    except OSError as err:
        raise UserError(f"cannot write {out}: {err.strerror}") from None


def run(args: argparse.Namespace) -> int:
    from sim.itch_file import read_day

    if not args.file.is_file():
        raise DataError(f"{args.file}: no such file")
    day = read_day(args.file)
    locate = _find_locate(day.symbols(), args.symbol, args.file)
    events = day.events()
    books = Books()
    rows = 0
    header = ",".join(["itch_index", *lobster_columns(args.levels)])
    short = len(events) < PROGRESS_MIN_MESSAGES
    with _open_out(args.out) as out, tqdm(total=len(events), unit="msg", unit_scale=True,
                                          file=sys.stderr, disable=True if short else None,
                                          desc=f"book {args.symbol}") as progress:
        out.write(header + "\n")
        for start in range(0, len(events), CHUNK):
            chunk = events[start:start + CHUNK]
            top = books.apply(chunk, watch=locate, levels=args.levels)
            if len(top):
                np.savetxt(out, np.column_stack((top.itch_index, top.values)),
                           fmt="%d", delimiter=",")
                rows += len(top)
            progress.update(len(chunk))
    stats = books.stats
    where = "stdout" if args.out == "-" else args.out
    print(f"book {args.symbol} (locate {locate}): {rows} rows to {where} from "
          f"{stats.messages} messages; unknown refs {stats.unknown_refs}, "
          f"overexecutions {stats.overexecutions}, duplicate adds {stats.duplicate_adds}, "
          f"crossed {stats.crossed}"
          + (f", adds with a bad side {stats.bad_sides}" if stats.bad_sides else ""),
          file=sys.stderr)
    if day.unknown:
        skipped = sum(day.unknown.values())
        print(f"note: {skipped} messages of unknown type were counted and skipped "
              f"({', '.join(sorted(day.unknown))})", file=sys.stderr)
    return 0
