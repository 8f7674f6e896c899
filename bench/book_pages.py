"""How many level-store pages a day's deepest book sides need, per page geometry.

    python bench/book_pages.py [--json] [--day PATH] [--geometry PAGESxLEVELS ...] [--top N]

The page rules of the gateware's level store (:class:`sim.level_pages.PagedSide`: splits
that keep ``ceil((C + 1) / 2)`` levels, pages that empty leave the directory, page 0
refilled, the bank rule for a split's new page) are applied to every book side of a day,
one operation per A, F, E, C, X, D and U event, as the builder turns them into level
deltas. Reported per geometry (default: the capacities of the simulation, the Alveo U55C
and the ECP5 builds): the most pages any side had in use at once, the deepest side in
levels, and how many operations a side had to drop for want of a page (each one flags
the stock invalid on the card). A geometry is big enough for a day when nothing drops.

Default day: the merged LOBSTER AAPL+AMZN day from ../shared/data (AAPL's asks reach 509
levels), else the bundled RITCH day.

JSON: ``{"day", "geometries": {"PAGESxLEVELS": {"max_pages", "max_levels", "overflows"}}}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hdl.boards.alveo import U55C  # noqa: E402
from hdl.book.layouts import ECP5_PARAMS, SIM_PARAMS  # noqa: E402
from sim.itch_file import read_day  # noqa: E402
from sim.level_pages import PagedSide, PageGeometry  # noqa: E402

LOBSTER_DAY = ROOT.parent / "shared" / "data" / "lobster" / "AAPL_AMZN_2012-06-21.itch50.gz"
RITCH_DAY = ROOT / "data" / "itch" / "ritch_20101224.itch50"
DEFAULT_GEOMETRIES = [(p.pages, p.page_levels) for p in (SIM_PARAMS, U55C.book, ECP5_PARAMS)]


def level_deltas(events):
    """``(locate, side, deltas)`` for each event that changes a book side; ``deltas`` as
    :meth:`PagedSide.apply` takes them. Events of unknown references change nothing."""
    orders: dict[int, list[int]] = {}
    for e in events:
        kind, ref = chr(e["type"]), int(e["order_ref"])
        if kind in "AF":
            order = orders[ref] = [int(e["locate"]), int(e["side"]), int(e["price"]),
                                   int(e["shares"])]
            yield order[0], order[1], [(order[2], order[3], 1)]
            continue
        order = orders.get(ref)
        if order is None or kind not in "ECXDU":
            continue
        if kind in "ECX":
            shares = min(int(e["shares"]), order[3])
            order[3] -= shares
            if order[3] == 0:
                del orders[ref]
            yield order[0], order[1], [(order[2], -shares, -1 if order[3] == 0 else 0)]
        elif kind == "D":
            del orders[ref]
            yield order[0], order[1], [(order[2], -order[3], -1)]
        else:
            del orders[ref]
            new = orders[int(e["new_order_ref"])] = [order[0], order[1], int(e["price"]),
                                                     int(e["shares"])]
            yield order[0], order[1], [(order[2], -order[3], -1), (new[2], new[3], 1)]


def measure(events, geometries, top: int) -> dict:
    sides: dict[tuple, PagedSide] = {}
    figures = {g: {"max_pages": 0, "max_levels": 0, "overflows": 0} for g in geometries}
    for locate, side_code, deltas in level_deltas(events):
        for g in geometries:
            key = (locate, side_code, g)
            side = sides.get(key)
            if side is None:
                side = sides[key] = PagedSide(PageGeometry(g[0], g[1], min(top, (g[1] - 3) // 2)),
                                              ask=side_code == ord("S"))
            out = side.apply(deltas)
            if out.refill_wanted:
                side.refill()
            fig = figures[g]
            fig["overflows"] += out.overflow
            fig["max_pages"] = max(fig["max_pages"], len(side.pages))
            fig["max_levels"] = max(fig["max_levels"], len(side.levels()))
    return figures


def _geometry(text: str) -> tuple[int, int]:
    try:
        pages, levels = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not PAGESxLEVELS (e.g. 32x36)") from None
    return pages, levels


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--day", type=Path)
    parser.add_argument("--geometry", type=_geometry, nargs="+", metavar="PAGESxLEVELS")
    parser.add_argument("--top", type=int, default=10, help="levels exported (at most "
                        "(LEVELS - 3) // 2 for a geometry)")
    args = parser.parse_args(argv)
    day = args.day or (LOBSTER_DAY if LOBSTER_DAY.exists() else RITCH_DAY)
    geometries = args.geometry or DEFAULT_GEOMETRIES
    figures = measure(read_day(day).events(), geometries, args.top)
    if args.json:
        print(json.dumps({"day": str(day), "geometries": {f"{p}x{lv}": fig for (p, lv), fig
                                                           in figures.items()}}))
        return 0
    print(f"{day.name}: pages a book side needs (sim.level_pages rules)")
    for (pages, levels), fig in figures.items():
        verdict = "fits" if not fig["overflows"] else f"{fig['overflows']:,} operations dropped"
        print(f"  {pages:>3} pages x {levels:>2} levels: at most {fig['max_pages']} pages in "
              f"use, deepest side {fig['max_levels']} levels: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
