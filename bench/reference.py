"""Decode and book-building speed of the reference model, beside meatpy and itch-book.

    python bench/reference.py [--json] [--repeat N] [--day PATH]

All three engines read the same plain (already gunzipped) copy of the day, so none is
charged for decompression. Each figure is the best of ``--repeat`` runs, in messages per
second over every message of the file.

- decode: tickforge = split + vectorised decode of every message into normalised events
  (``read_day(...).events()``); meatpy = iterate ``ITCH50MessageReader`` over the file;
  itch-book = its C++ parser (it has no parse-only mode, so its figure includes applying
  the book: a ceiling, not a like-for-like).
- book: tickforge = building the full-depth book of every stock from decoded events
  (decoding excluded: that is the ``decode`` figure); itch-book = parse + book (``bbo``
  table), which it cannot separate.
- decode_and_book: the whole job from the file, tickforge and itch-book.
- book_ritch: meatpy's book insists on time priority within a level, which the synthetic
  orders of the LOBSTER-derived days do not keep, so its book is timed on the RITCH day,
  with the other two measured on that file in the same run (decode included for all).

JSON: ``{"day", "decode": {engine: msgs_per_s}, "book": {...}, "decode_and_book": {...},
"book_ritch": {...}, "ratios": {...}}``.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.book import build_books  # noqa: E402
from sim.itch_file import read_day  # noqa: E402

DEFAULT_DAY = ROOT.parent / "shared" / "data" / "lobster" / "AMZN_2012-06-21_L5.itch50.gz"
RITCH_DAY = ROOT / "data" / "itch" / "ritch_20101224.itch50"
SESSION = datetime.date(2012, 6, 21)


def plain_copy(path: Path) -> Path:
    """Gunzip once into build/bench so no engine pays for decompression."""
    if path.read_bytes()[:2] != b"\x1f\x8b":
        return path
    out = ROOT / "build" / "bench" / path.name.removesuffix(".gz")
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(gzip.decompress(path.read_bytes()))
    return out


def best_of(repeat: int, fn) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        count = fn()
        best = min(best, time.perf_counter() - t0)
    return best, count


# --- tickforge ---------------------------------------------------------------------------

def tickforge_decode(path: Path) -> int:
    return len(read_day(path).events())


def tickforge_book(path: Path) -> int:
    events = read_day(path).events()
    build_books(events)
    return len(events)


def tickforge_book_only(events) -> int:
    build_books(events)
    return len(events)


# --- meatpy ------------------------------------------------------------------------------

def meatpy_decode(path: Path) -> int:
    from meatpy.itch50 import ITCH50MessageReader

    return sum(1 for _ in ITCH50MessageReader().read_file(path))


def meatpy_book(path: Path, symbols: list[str]) -> int:
    from meatpy.itch50 import ITCH50MarketProcessor, ITCH50MessageReader

    processors = [ITCH50MarketProcessor(s, datetime.datetime(2010, 12, 24)) for s in symbols]
    count = 0
    for message in ITCH50MessageReader().read_file(path):
        count += 1
        for processor in processors:
            try:
                processor.process_message(message, new_snapshot=False)
            except Exception:  # noqa: BLE001  meatpy raises after applying priority breaks
                pass
    return count


# --- itch-book ---------------------------------------------------------------------------

def itchbook_run(path: Path, tables: tuple[str, ...], date: datetime.date) -> int:
    import itch_book

    with itch_book.open(str(path), date=date, price_type="fixed") as feed:
        for _ in feed.batches(tables=tables):
            pass
        return int(feed.stats["messages"])


def measure(day: Path, repeat: int) -> dict:
    plain = plain_copy(day)
    results: dict = {"day": day.name, "decode": {}, "book": {}, "decode_and_book": {},
                     "book_ritch": {}}

    def record(section, engine, fn, path=plain):
        seconds, count = best_of(repeat, fn)
        results[section][engine] = round(count / seconds)
        print(f"  {section:10s} {engine:10s} {count:>9,d} msgs  {seconds * 1e3:9.1f} ms  "
              f"{count / seconds / 1e6:7.3f} M msgs/s", file=sys.stderr)

    results["messages"] = len(read_day(plain))
    record("decode", "tickforge", lambda: tickforge_decode(plain))
    record("decode", "meatpy", lambda: meatpy_decode(plain))
    record("decode", "itch-book", lambda: itchbook_run(plain, ("messages",), SESSION))
    events = read_day(plain).events()
    record("book", "tickforge", lambda: tickforge_book_only(events))
    record("book", "itch-book", lambda: itchbook_run(plain, ("bbo",), SESSION))
    record("decode_and_book", "tickforge", lambda: tickforge_book(plain))
    record("decode_and_book", "itch-book", lambda: itchbook_run(plain, ("bbo",), SESSION))
    ritch_date = datetime.date(2010, 12, 24)
    record("book_ritch", "tickforge", lambda: tickforge_book(RITCH_DAY))
    record("book_ritch", "meatpy", lambda: meatpy_book(RITCH_DAY, ["ALC", "BOB", "CHAR"]))
    record("book_ritch", "itch-book", lambda: itchbook_run(RITCH_DAY, ("bbo",), ritch_date))
    # meatpy's book cannot replay the LOBSTER-derived day (see the module docstring): its
    # key stays, empty, so every section names the same three engines.
    results["book"]["meatpy"] = None
    results["decode_and_book"]["meatpy"] = None
    results["ratios"] = {
        "decode_vs_meatpy": round(results["decode"]["tickforge"] / results["decode"]["meatpy"], 1),
        "book_ritch_vs_meatpy": round(
            results["book_ritch"]["tickforge"] / results["book_ritch"]["meatpy"], 1),
        "decode_and_book_vs_itch_book": round(
            results["decode_and_book"]["tickforge"] / results["decode_and_book"]["itch-book"], 3),
    }
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--day", type=Path, default=DEFAULT_DAY, help="ITCH day to measure")
    args = parser.parse_args(argv)
    if not args.day.exists():
        print(f"bench/reference.py: {args.day} not found (needs ../shared/data)", file=sys.stderr)
        return 3
    results = measure(args.day, args.repeat)
    if args.json:
        print(json.dumps(results))
    else:
        r = results["ratios"]
        print(f"decode: {r['decode_vs_meatpy']}x meatpy; book (RITCH day): "
              f"{r['book_ritch_vs_meatpy']}x meatpy; decode+book: "
              f"{r['decode_and_book_vs_itch_book']}x itch-book")
    return 0


if __name__ == "__main__":
    sys.exit(main())
