"""``tickforge book``: replay an ITCH day through a book and write one stock's top levels.

The output is LOBSTER's order-book format with the position of the message in front, so a
run can be diffed against LOBSTER checkpoint files (or against another engine) row by row:
``itch_index, ask_price1, ask_size1, bid_price1, bid_size1, ask_price2, ...``. A row follows
every message that carries the stock's locate, whatever its type (LOBSTER's own rows, after
adds, cancels, executions, trades and halts, are a subset of ours).

Two engines write that CSV: ``reference`` (:mod:`sim.book`, in Python) and ``verilator``
(:mod:`sim.verilated_book`: the day as MoldUDP64 frames, one feed and one channel, through
the Verilated feed handler and book builder). Message *i* of the file (0-based) is carried
with MoldUDP64 sequence number ``FIRST_SEQUENCE + i``, which is how a hardware update
record finds its ``itch_index``. The stock is subscribed by ticker and its locate (found in
the file, as for the reference) is set directly, so messages before its R are followed.
Rows the hardware flags ``invalid`` (its book of the stock was not exact: a capacity was
exceeded or an event could not be applied) are written all the same, counted on stderr
and make the exit code :data:`EXIT_INVALID_ROWS`.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from pathlib import Path

import numpy as np
from tqdm import tqdm

from host.errors import EXIT_DATA, EXIT_NOT_FOUND, DataError, UserError
from sim.book import EMPTY_ASK_PRICE, EMPTY_BID_PRICE, Books, lobster_columns

#: Events replayed between progress-bar updates and CSV writes.
CHUNK = 1 << 16
#: Files shorter than this replay in well under a second: no progress bar.
PROGRESS_MIN_MESSAGES = 200_000
ENGINES = ("reference", "verilator")
#: Exit code when the Verilated book flagged rows ``invalid`` (they are written all the same).
EXIT_INVALID_ROWS = EXIT_DATA
#: MoldUDP64 sequence number of the file's first message (the packetiser's default).
FIRST_SEQUENCE = 1


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
        "reported on stderr at the end. With --engine verilator the day is sent as MoldUDP64 "
        "frames through the Verilated feed handler and book builder (built on first use into "
        "build/verilator/card); the CSV is the same, LEVELS is at most the design's "
        "exported top levels, and rows the hardware flagged invalid (its book was not exact) "
        f"are written but make the exit code {EXIT_INVALID_ROWS}.",
    )
    p.add_argument("file", type=Path, help="ITCH 5.0 file, optionally gzip-compressed")
    p.add_argument("--symbol", required=True, help="stock to write, as in its R message (AAPL)")
    p.add_argument("--levels", type=_positive_int, default=5,
                   help="price levels per side in each row (default: 5)")
    p.add_argument("--out", required=True, help="CSV file to write; '-' for standard output")
    p.add_argument("--engine", choices=ENGINES, default="reference",
                   help="reference: the Python reference book (default); verilator: the "
                   "Verilated gateware feed handler + book builder")
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

    if args.engine == "verilator":
        _check_verilator_levels(args.levels)
    if not args.file.is_file():
        raise DataError(f"{args.file}: no such file")
    day = read_day(args.file)
    locate = _find_locate(day.symbols(), args.symbol, args.file)
    if args.engine == "verilator":
        return _run_verilator(args, day, locate)
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


def _design_top_levels() -> int:
    from hdl.book.layouts import SIM_PARAMS

    return SIM_PARAMS.top


def _check_verilator_levels(levels: int) -> None:
    top = _design_top_levels()
    if levels > top:
        raise UserError(f"--levels {levels} is more than the Verilated book builder exports: "
                        f"its update records hold the top {top} levels per side "
                        f"(hdl.book.layouts.SIM_PARAMS.top); use --levels {top} or fewer, "
                        "or --engine reference for deeper rows")


def lobster_values(columns: dict[str, np.ndarray], levels: int) -> np.ndarray:
    """LOBSTER's row values from update-record columns; empty levels as its placeholders."""
    rows = len(columns["sequence"])
    values = np.empty((rows, 4 * levels), dtype=np.int64)
    for n in range(levels):
        for side, empty, at in (("ask", EMPTY_ASK_PRICE, 0), ("bid", EMPTY_BID_PRICE, 2)):
            occupied = columns[f"{side}_orders"][:, n] > 0
            price = columns[f"{side}_price"][:, n].astype(np.int64)
            shares = columns[f"{side}_shares"][:, n].astype(np.int64)
            values[:, 4 * n + at] = np.where(occupied, price, empty)
            values[:, 4 * n + at + 1] = np.where(occupied, shares, 0)
    return values


def _run_verilator(args: argparse.Namespace, day, locate: int) -> int:
    from sim.feed_model import FeedConfig
    from sim.packetise import DEFAULT_FEEDS, packetise

    feeds = DEFAULT_FEEDS[:1]
    bodies = [bytes(day.buf[o:o + n]) for o, n in zip(day.offsets, day.lengths, strict=True)]
    frames = packetise(bodies, feeds=feeds, first_seq=FIRST_SEQUENCE)
    print("book: building or loading the Verilated feed handler and book builder (a first "
          "build takes minutes; later runs reuse build/verilator/card)", file=sys.stderr)
    try:
        from sim.verilated_book import VerilatedBook

        book = VerilatedBook()
    except (ImportError, RuntimeError) as err:
        raise UserError(f"the Verilated book builder is not available: {err}") from None
    # Mapping the locate directly, as well as subscribing the ticker, follows the stock from
    # the file's first message as the reference does (LOBSTER days carry it before the R).
    result = book.run(frames, FeedConfig.for_feeds(feeds), {0: day.symbols()[locate]},
                      locates={0: locate})
    columns = result.columns
    if (columns["locate"] != locate).any():
        raise RuntimeError(f"the hardware mapped slot 0 to locate(s) "
                           f"{sorted(set(columns['locate'].tolist()) - {locate})}, not {locate}")
    itch_index = columns["sequence"].astype(np.int64) - FIRST_SEQUENCE
    with _open_out(args.out) as out:
        out.write(",".join(["itch_index", *lobster_columns(args.levels)]) + "\n")
        if len(result):
            np.savetxt(out, np.column_stack((itch_index, lobster_values(columns, args.levels))),
                       fmt="%d", delimiter=",")
    hw = result.counters
    where = "stdout" if args.out == "-" else args.out
    print(f"book {args.symbol} (locate {locate}): {len(result)} rows to {where} from "
          f"{result.feed_counters['messages']} messages; unknown refs {hw['unknown_refs']}, "
          f"overexecutions {hw['overexecutions']}, duplicate adds {hw['duplicate_adds']}, "
          f"crossed {hw['crossed']}"
          + (f", adds with a bad side {hw['bad_side']}" if hw["bad_side"] else "")
          + " (Verilated gateware counters)", file=sys.stderr)
    if day.unknown:
        skipped = sum(day.unknown.values())
        print(f"note: {skipped} messages of unknown type were counted and skipped "
              f"({', '.join(sorted(day.unknown))})", file=sys.stderr)
    if result.pending or result.withdrawn:
        print(f"warning: {result.withdrawn} update records were withdrawn and {result.pending} "
              "had no verdict; their rows are not written", file=sys.stderr)
    invalid = int(columns["invalid"].sum())
    if invalid:
        print(f"warning: {invalid} of {len(result)} rows are flagged invalid by the hardware "
              f"(its book of {args.symbol} was not exact: see the counters above); exit code "
              f"{EXIT_INVALID_ROWS}", file=sys.stderr)
        return EXIT_INVALID_ROWS
    return 0
